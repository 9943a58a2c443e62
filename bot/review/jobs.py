"""Background jobs of the review: ingest of new tracker events, retention (placeholder until built)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from bot.console.settings import ConsoleSettings


def run_once(settings: ConsoleSettings, now: Optional[datetime] = None) -> dict[str, int]:
    """Run the due jobs once (synchronous; the console calls it in an executor). Returns counts."""
    return {}
