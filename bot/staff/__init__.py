"""The staff database, below every app: its declarative base, sessions, staff tables and audit log.

One SQLAlchemy metadata (:data:`Base`) for the tables of :mod:`bot.staff.models` (console
users, sessions, settings, audit log), ``bot.handoff`` and ``bot.review``. SQLite
``var/staff.db`` by default (env ``STAFF_DB_URL``), PostgreSQL in production. The action
server (queue entries), the console, the review job and the CLI share it; its engine comes
from :func:`bot.db.engine.get_engine` (one per process, never at import time). The tables
are created and migrated by ``python -m bot db upgrade`` (:mod:`bot.db`), never by the
processes. Nothing here imports an app package (console, handoff, review).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base, sessionmaker

from bot.config import database_url

Base = declarative_base()


def staff_db_url() -> str:
    """``STAFF_DB_URL`` or the SQLite default (:func:`bot.config.database_url`)."""
    return database_url("staff")


def session_factory(engine: Engine) -> sessionmaker:
    """Sessions for one unit of work each (``with factory() as s, s.begin(): …``)."""
    return sessionmaker(engine, future=True, expire_on_commit=False)
