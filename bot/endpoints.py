"""The tracker store that Rasa writes, read from the same endpoints file Rasa reads.

The console's review and retention must purge the store Rasa really writes, whichever
way it is configured. So there is one setting, ``ENDPOINTS_FILE`` (default
``endpoints.yml``; ``endpoints.production.yml`` in production), read by the Rasa
launcher (:mod:`bot.server.rasa_server`) and by the console. ``${VAR}`` values are
expanded from the environment as Rasa does, and the database URL is built the way
Rasa's ``SQLTrackerStore.get_db_url`` builds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine import URL

from bot.config import PROJECT_ROOT

DEFAULT_ENDPOINTS = "endpoints.yml"
_VARIABLE = re.compile(r"\$\{([^}{]+)\}")


class EndpointsError(ValueError):
    """The endpoints file is missing, unreadable, or names no SQL tracker store."""


def endpoints_file(env: Mapping[str, str] | None = None) -> Path:
    """``ENDPOINTS_FILE`` (relative paths from the project folder), default ``endpoints.yml``."""
    env = os.environ if env is None else env
    path = Path(env.get("ENDPOINTS_FILE") or DEFAULT_ENDPOINTS)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _expand(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _expand(item, env) for key, item in value.items()}
    if not isinstance(value, str):
        return value

    def variable(match: re.Match) -> str:
        name = match.group(1)
        if name not in env:
            raise EndpointsError(f"the endpoints file uses ${{{name}}}, which is not set")
        return env[name]

    return _VARIABLE.sub(variable, value)


#: Lock store types Rasa accepts that are unsafe here: the stock Redis store hands two
#: replicas the same ticket (see :mod:`bot.locks`), so both serve one conversation at once.
UNSAFE_LOCK_STORES = {"redis": "bot.locks.AtomicRedisLockStore"}


def _read(path: Path) -> dict:
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise EndpointsError(f"cannot read {path}: {error}") from error
    return config if isinstance(config, dict) else {}


def lock_store_problem(path: Path) -> str | None:
    """Why the ``lock_store`` of ``path`` must not run, or None when it may (no file: Rasa's
    in-memory lock store of one process)."""
    if not path.exists():
        return None
    store = _read(path).get("lock_store")
    kind = str(store.get("type", "")) if isinstance(store, dict) else ""
    if kind.lower() in UNSAFE_LOCK_STORES:
        return (f"{path}: lock_store type '{kind}' lets two replicas answer one conversation at once; "
                f"use type: {UNSAFE_LOCK_STORES[kind.lower()]} (same settings)")
    return None


def tracker_db_url(path: Path, env: Mapping[str, str] | None = None) -> str:
    """The SQLAlchemy URL of the SQL tracker store in ``path``.

    Raises:
        EndpointsError: when the file is missing or has no ``tracker_store`` of type SQL.
    """
    env = os.environ if env is None else env
    store = _read(path).get("tracker_store")
    if not isinstance(store, dict) or str(store.get("type", "")).upper() != "SQL":
        raise EndpointsError(f"{path} has no tracker_store of type SQL: retention cannot reach the conversations")
    store = _expand(store, env)
    dialect = str(store.get("dialect") or "sqlite")
    host = store.get("url")
    port = store.get("port")
    if host and "://" in str(host):
        return str(host)
    if host:
        parsed = urlsplit(f"scheme://{host}")
        port = parsed.port or port
        host = parsed.hostname or host
    database = str(store.get("db") or "rasa.db")
    if dialect == "sqlite" and not Path(database).is_absolute():
        database = str(PROJECT_ROOT / database)  # `make run` starts Rasa in the project folder
    url = URL.create(
        dialect, username=store.get("username") or None, password=store.get("password") or None,
        host=host or None, port=int(port) if port else None, database=database,
    )
    return url.render_as_string(hide_password=False)
