"""The production stores for benchmarks: a fresh PostgreSQL tracker database, the Redis lock store, call state in Redis.

As ``endpoints.production.yml``: Rasa's SQL tracker store on PostgreSQL and
``bot.locks.AtomicRedisLockStore``; call state in Redis (``TELEPHONY_REDIS_URL``). The
database is created for the run and dropped afterwards (``postgres`` on 127.0.0.1:5432,
trust authentication, as on the development machine); Redis keys get a prefix of the run.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
#: Redis databases: the lock store and the call state (tests use others).
LOCK_DB, CALL_DB = 3, 4


@dataclass(frozen=True)
class ProductionStores:
    """Arguments for :func:`bench.helpers.phone_servers.start_phone_servers`."""

    tracker_store: str
    endpoints_extra: str
    redis_url: str

    def as_kwargs(self) -> dict:
        return {"tracker_store": self.tracker_store, "endpoints_extra": self.endpoints_extra,
                "redis_url": self.redis_url}


def tracker_store_yaml(database: str, port: int = 5432) -> str:
    """The ``tracker_store`` section of production: Rasa's SQL store on PostgreSQL (127.0.0.1, trust)."""
    return ("tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: 127.0.0.1\n"
            f"  port: {port}\n  db: {database}\n  username: postgres\n")


def lock_store_yaml(key_prefix: str, port: int = REDIS_PORT, db: int = LOCK_DB) -> str:
    """The ``lock_store`` section of production: the atomic Redis lock store (never Rasa's
    stock ``redis`` one, whose unguarded tickets let two replicas serve one conversation at once)."""
    return (f"lock_store:\n  type: bot.locks.AtomicRedisLockStore\n  url: {REDIS_HOST}\n"
            f"  port: {port}\n  db: {db}\n  key_prefix: {key_prefix}\n")


def _admin(statement: str, database: str) -> None:
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL(statement).format(sql.Identifier(database)))
    finally:
        connection.close()


@contextmanager
def production_stores(name: str = "bench") -> Iterator[ProductionStores]:
    """A fresh tracker database and Redis prefixes for one run; dropped at the end."""
    database = f"{name}_{os.getpid()}_{secrets.token_hex(3)}"
    _admin("CREATE DATABASE {}", database)
    try:
        yield ProductionStores(tracker_store=tracker_store_yaml(database), endpoints_extra=lock_store_yaml(database),
                               redis_url=f"redis://{REDIS_HOST}:{REDIS_PORT}/{CALL_DB}")
    finally:
        _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", database)
