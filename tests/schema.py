"""Test helper: fresh databases with our tables (processes rely on ``python -m bot db upgrade``).

``with_tables(url, "staff", "telephony")`` creates the tables of those databases from the
models (``create_all``: fast; ``tests/db`` proves the migrations give the same schema)
and returns ``url``.
"""

from __future__ import annotations

from bot.db.engine import get_engine
from bot.db.migrate import create_all


def with_tables(url: str, *names: str) -> str:
    """Create the tables of each database in ``names`` at ``url``; returns ``url``."""
    engine = get_engine(url)
    try:
        for name in names:
            create_all(engine, name)
    finally:
        engine.dispose()
    return url
