"""Process-wide telephony objects, created on first use (never at import time)."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache

from sqlalchemy.exc import SQLAlchemyError

from bot.db.engine import get_engine
from bot.handoff.callback.windows import Window, offer_windows
from bot.handoff.settings import HandoffConfigError, HandoffSettings
from bot.kb.models import Office
from bot.kb.repository import RecordNotFound
from bot.kb.shared import repository
from bot.telephony.callbacks import CallbackRepository
from bot.telephony.settings import TelephonyConfigError, TelephonySettings
from bot.telephony.store import open_store
from bot.telephony.store.base import AgentBoard, CallStore

logger = logging.getLogger(__name__)

#: Errors of the shared call store or of the settings it is opened with.
BOARD_ERRORS = (SQLAlchemyError, OSError, TelephonyConfigError, HandoffConfigError)


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
    return CallbackRepository(get_engine(settings().db_url, "telephony"))


def board() -> AgentBoard | None:
    """The agent board of the shared call store (one read), None (logged) when it is unreachable."""
    try:
        return store().board()
    except BOARD_ERRORS as error:
        logger.error("agent board unavailable: %s", type(error).__name__)
        return None


def handle_seconds(current: AgentBoard | None) -> int:
    """The handling time per conversation: the board's (``/phone``), else ``avg_handle_minutes``
    of ``handoff.yml`` (or its default when the file is invalid)."""
    if current is not None:
        return current.avg_handle_seconds
    try:
        return HandoffSettings.load().avg_handle_minutes * 60
    except HandoffConfigError:
        return HandoffSettings(teams=()).avg_handle_minutes * 60


def hotline_office(name: str | None = None) -> Office | None:
    """The office whose hours are the hotline's (``name``, default ``hotline_office`` of
    ``telephony.yml``) from the process's knowledge repository (cached); None, logged, if it
    is missing. The one lookup of the phone's actions and of its overflow calls."""
    name = name or settings().hotline_office
    try:
        return repository().office(name)
    except RecordNotFound:
        logger.error("hotline office %r is not in the knowledge base", name)
        return None


def callback_offer(hours_override: str | None, now: datetime) -> list[Window]:
    """The callback windows to offer now: the hotline's hours in the knowledge base, the
    configured windows, and today's staff override (``"closed"``: none today)."""
    return offer_windows(hotline_office(), hours_override, settings().callback_windows, now)


def reset() -> None:
    """Close and forget everything (tests, or after the environment changed)."""
    if store.cache_info().currsize:
        store().close()
    if callbacks.cache_info().currsize:
        callbacks().dispose()
    settings.cache_clear()
    store.cache_clear()
    callbacks.cache_clear()
    repository.cache_clear()  # the hotline office comes from the knowledge base of the environment
