"""Process-wide telephony objects, created on first use (never at import time)."""

from __future__ import annotations

from functools import lru_cache

from bot.db.engine import get_engine
from bot.telephony.callbacks import CallbackRepository
from bot.telephony.settings import TelephonySettings
from bot.telephony.store import open_store
from bot.telephony.store.base import CallStore


@lru_cache(maxsize=1)
def settings() -> TelephonySettings:
    """``telephony.yml`` with environment overrides."""
    return TelephonySettings.load()


@lru_cache(maxsize=1)
def store() -> CallStore:
    """The shared call store these settings name (Redis or SQL)."""
    return open_store(settings())


@lru_cache(maxsize=1)
def callbacks() -> CallbackRepository:
    """Callback requests in the telephony SQL database."""
    return CallbackRepository(get_engine(settings().db_url))


def reset() -> None:
    """Close and forget everything (tests, or after the environment changed)."""
    if store.cache_info().currsize:
        store().close()
    if callbacks.cache_info().currsize:
        callbacks().dispose()
    settings.cache_clear()
    store.cache_clear()
    callbacks.cache_clear()
