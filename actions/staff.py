"""Access to the staff database from actions (engine created on first use, not at import).

The action server writes queue entries (``bot.handoff.queue``) and reads the effective
handoff settings (``handoff.yml`` plus the overrides staff saved in the console) and
the agents' presence. One short session per unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.db.engine import get_engine
from bot.handoff.notices import ActiveNotice, notices_for
from bot.handoff.presence import agents_online
from bot.handoff.queue import HandoffQueue
from bot.handoff.settings import HandoffSettings, effective_settings
from bot.metrics import count_unknown_fact
from bot.review.gaps import record_gap
from bot.staff import session_factory, staff_db_url

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def staff_engine() -> Engine:
    """The process-wide engine of the staff database (``STAFF_DB_URL``)."""
    return get_engine(staff_db_url(), "staff")


@lru_cache(maxsize=1)
def handoff_queue() -> HandoffQueue:
    """The handoff queue (the tables come from ``python -m bot db upgrade``)."""
    return HandoffQueue(staff_engine())


@lru_cache(maxsize=1)
def base_settings() -> HandoffSettings:
    """``handoff.yml`` (or ``HANDOFF_CONFIG``), read once per process."""
    return HandoffSettings.load()


def handoff_settings() -> HandoffSettings:
    """The effective settings now: the file plus the console's overrides (read per call)."""
    with session_factory(staff_engine())() as session:
        return effective_settings(session, base_settings())


def online_agents() -> int:
    """Agents whose console was active in the last minutes."""
    with session_factory(staff_engine())() as session:
        return agents_online(session)


def count_gap(kind: str, subject: str, topic: str) -> None:
    """Count one "unknown" answer for the console's knowledge-gap page (never fails the answer)."""
    count_unknown_fact(kind, topic)
    try:
        with session_factory(staff_engine())() as session, session.begin():
            record_gap(session, kind, subject, topic)
    except (SQLAlchemyError, ValueError):
        logger.exception("knowledge gap not counted")


def current_notices(today: date, offices: Iterable[str] = (), services: Iterable[str] = ()) -> list[ActiveNotice]:
    """Staff notices for these offices/services and the city (none when the database fails)."""
    try:
        with session_factory(staff_engine())() as session:
            return notices_for(session, today, offices, services)
    except SQLAlchemyError:
        logger.exception("staff notices unavailable")
        return []


def reset() -> None:
    """Close and forget everything (tests, or after the environment changed)."""
    if staff_engine.cache_info().currsize:
        staff_engine().dispose()
    staff_engine.cache_clear()
    handoff_queue.cache_clear()
    base_settings.cache_clear()
