"""Shared call state: live calls, handled activity ids, admission, the agent board.

Every replica of the Rasa server (and the action server) reads and writes the same
store, so any replica can serve any request of any call. :func:`open_store` picks it:

* :class:`~bot.telephony.store.redis_store.RedisCallStore` when ``TELEPHONY_REDIS_URL``
  is set (production: atomic Lua scripts, keys expire by themselves);
* :class:`~bot.telephony.store.sql.SqlCallStore` otherwise (SQLite ``var/telephony.db``
  by default, or PostgreSQL via ``TELEPHONY_DB_URL``).

The ABC, the records and the agent board live in :mod:`bot.telephony.store.base`; import
each name from the module that defines it. Calls expire when the gateway stops refreshing
them; ending a call deletes its state, including the caller's number.
"""

from __future__ import annotations

from bot.db.engine import get_engine
from bot.telephony.settings import TelephonySettings
from bot.telephony.store.base import AgentBoard, CallStore
from bot.telephony.store.redis_store import RedisCallStore
from bot.telephony.store.sql import SqlCallStore


def open_store(settings: TelephonySettings) -> CallStore:
    """The store the settings name: Redis if ``redis_url`` is set, else SQL."""
    defaults = AgentBoard.from_settings(settings)
    if settings.redis_url:
        return RedisCallStore(settings.redis_url, defaults, settings.redis_prefix)
    return SqlCallStore(get_engine(settings.db_url, "telephony"), defaults)
