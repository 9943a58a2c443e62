"""The engine factory of all our databases (knowledge, staff, telephony; SQLite by default).

:func:`get_engine` is the only place that creates an engine: one engine per process and
URL, created on first use (never at import time) and disposed when the process exits
(``atexit``) or when an app's ``cleanup_ctx`` ends (:func:`dispose_all`). Callers never
dispose the shared engines per request or per job round. The caller names the database
(``knowledge``, ``staff``, ``telephony``, ``tracker``; default ``other``), so an engine is
one per process, database and URL — two databases on one PostgreSQL server database get
a pool each — and every failed statement or connection is counted in
``buergertelefon_database_errors_total`` under that name. Integrity errors are not
failures: the code expects and handles them (races between replicas, duplicates).
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import QueuePool

from bot.metrics import count_database_error

#: Busy timeout of SQLite files in seconds (the Rasa server, the action server, the
#: console and the CLI write the same files).
SQLITE_TIMEOUT_SECONDS = 10

_engines: dict[tuple[str, str], Engine] = {}
_lock = threading.Lock()
_atexit_registered = False


def _create(url: str) -> Engine:
    """A new engine for ``url``.

    Bound parameters (phone numbers, e-mail addresses) are never put into error
    messages and so never into logs (``hide_parameters``). SQLite enforces foreign
    keys; a SQLite file gets its folder, pooled connections shared by threads, WAL,
    ``synchronous=NORMAL`` and a busy timeout, since several processes write it.
    Other databases check connections before use (``pool_pre_ping``).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)
    file_database = parsed.database not in (None, "", ":memory:")
    if file_database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, hide_parameters=True, poolclass=QueuePool, pool_size=8,
                               max_overflow=8,
                               connect_args={"check_same_thread": False, "timeout": SQLITE_TIMEOUT_SECONDS})
    else:
        engine = create_engine(url, future=True, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _sqlite_setup(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if file_database:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _count_errors(engine: Engine, database: str) -> None:
    @event.listens_for(engine, "handle_error")
    def _failed(context) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(context.sqlalchemy_exception, IntegrityError):
            count_database_error(database)


def get_engine(url: str, database: str = "other") -> Engine:
    """The process's engine for ``database`` at ``url`` (created on the first call, then reused)."""
    global _atexit_registered  # noqa: PLW0603 - one flag of the module, changed under _lock
    with _lock:
        engine = _engines.get((database, url))
        if engine is None:
            engine = _engines[(database, url)] = _create(url)
            _count_errors(engine, database)
            if not _atexit_registered:
                atexit.register(dispose_all)
                _atexit_registered = True
        return engine


def dispose_all() -> None:
    """Close the pools of every engine and forget them (shutdown; tests between temporary databases).

    An engine still held by someone stays usable: SQLAlchemy opens a new pool on its next use.
    """
    with _lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()
