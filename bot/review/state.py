"""Small persistent state of the review jobs (table ``review_state``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.review.models import ReviewState

#: Highest tracker event id already ingested.
EVENTS_WATERMARK = "events_watermark"
#: ``updated_at`` (ISO) of the newest handoff change already reflected in the summaries.
HANDOFFS_SEEN = "handoffs_seen"
#: When retention last ran (ISO, UTC).
RETENTION_LAST_RUN = "retention_last_run"


def get_state(session: Session, key: str, default: Any = None) -> Any:
    """The stored value of ``key`` or ``default``."""
    row = session.get(ReviewState, key)
    return default if row is None or row.value is None else row.value


def set_state(session: Session, key: str, value: Any) -> None:
    """Store ``value`` under ``key`` (committed with the caller's transaction)."""
    row = session.get(ReviewState, key)
    if row is None:
        session.add(ReviewState(key=key, value=value))
    else:
        row.value = value


def parse_moment(value: Any) -> datetime | None:
    """A stored ISO timestamp as UTC datetime; None if absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None
