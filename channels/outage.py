"""What a citizen gets when a store of the bot is briefly unreachable, and how it is counted.

A turn needs the tracker store (PostgreSQL), the lock store (Redis) and, on the
phone, the call store (Redis or SQL). When one of them fails, the turn fails at once
(``bot/server/rasa_stores.py``, ``bot/locks.py``: short connect and read timeouts, no
in-memory fallback) and the input channel answers with :data:`WRITTEN` or
:data:`SPOKEN` instead of a raw 500 or silence. Nothing of the turn is stored: the
tracker store writes a turn in one transaction at its end. The next message after the
store is back is handled normally, with the conversation as it was before the outage.
Each such answer counts ``buergertelefon_database_errors_total{database=…}``.
"""

from __future__ import annotations

import logging

from bot.metrics import count_database_error
from bot.outage_answers import SPOKEN, WRITTEN

__all__ = ["RETRY_AFTER_SECONDS", "SPOKEN", "WRITTEN", "call_store_failed", "count", "failed_store", "store_of"]

logger = logging.getLogger(__name__)

#: ``Retry-After`` (seconds) of a REST answer during an outage.
RETRY_AFTER_SECONDS = 30


def store_of(error: BaseException) -> str | None:
    """``tracker`` or ``lock`` when ``error`` (or its cause) is a store failure, else None.

    SQLAlchemy errors in a turn come from the tracker store (the call store is read by
    the phone channel itself, which names it: see :func:`call_store_failed`); Redis
    errors and Rasa's ``LockError`` from the lock store.
    """
    from rasa.core.lock_store import LockError
    from redis.exceptions import RedisError
    from sqlalchemy.exc import SQLAlchemyError

    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 5:
        if isinstance(current, SQLAlchemyError):
            return "tracker"
        if isinstance(current, (RedisError, LockError)):
            return "lock"
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def count(store: str, channel: str, error: BaseException) -> None:
    """Count and log one turn answered with the outage message (the error type only, no data).

    The call store on SQL goes through our engine, which counts its failures itself
    (``bot/db/engine.py``): only its Redis failures are counted here.
    """
    if store != "telephony" or store_of(error) != "tracker":
        count_database_error(store)
    logger.error("%s turn failed: the %s store is unreachable (%s)", channel, store, type(error).__name__)


def failed_store(error: BaseException, channel: str) -> str | None:
    """The store whose outage failed a turn of ``channel`` (counted and logged), or None
    when ``error`` is no store failure (the caller logs it as a bug)."""
    store = store_of(error)
    if store is not None:
        count(store, channel, error)
    return store


def call_store_failed(error: BaseException, channel: str) -> bool:
    """Whether a phone request failed on the shared call store (counted and logged, then)."""
    if store_of(error) is None:
        return False
    count("telephony", channel, error)
    return True
