"""Queries of the review pages: the filtered list of flagged conversations and one transcript."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import TIMEZONE
from bot.review.models import ReviewConversation, ReviewTurn

PAGE_SIZE = 25
#: Feedback filter values: with a thumbs down, with a thumbs up, without any.
FEEDBACK_FILTERS = ("down", "up", "none")
_MAX_TEXT_FILTER = 60


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()) if raw else None
    except ValueError:
        return None


def _word(raw: str | None) -> str | None:
    value = (raw or "").strip()[:_MAX_TEXT_FILTER]
    return value or None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, TIMEZONE).astimezone(timezone.utc)


@dataclass(frozen=True)
class ReviewFilter:
    """Filters of the review list; built leniently from a query string (bad values are ignored)."""

    date_from: date | None = None
    date_to: date | None = None
    reason: str | None = None
    service: str | None = None
    outcome: str | None = None
    feedback: str | None = None
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ReviewFilter:
        """Filters from the page's query parameters."""
        feedback = _word(query.get("feedback"))
        try:
            page = max(1, min(10_000, int(query.get("page") or 1)))
        except ValueError:
            page = 1
        return cls(
            date_from=_date(query.get("from")), date_to=_date(query.get("to")),
            reason=_word(query.get("reason")), service=_word(query.get("service")),
            outcome=_word(query.get("outcome")),
            feedback=feedback if feedback in FEEDBACK_FILTERS else None, page=page,
        )

    def query(self, page: int | None = None) -> dict[str, str]:
        """Query parameters for links (another page, same filters)."""
        values = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "reason": self.reason or "", "service": self.service or "",
            "outcome": self.outcome or "", "feedback": self.feedback or "",
            "page": str(page or self.page),
        }
        return {key: value for key, value in values.items() if value}


def list_flagged(session: Session, filters: ReviewFilter,
                 page_size: int = PAGE_SIZE) -> tuple[list[ReviewConversation], int]:
    """One page of flagged conversations (newest first) and the total number matching."""
    conditions = [ReviewConversation.flagged.is_(True)]
    if filters.date_from:
        conditions.append(ReviewConversation.last_event_at >= _day_start(filters.date_from))
    if filters.date_to:
        conditions.append(ReviewConversation.started_at < _day_start(filters.date_to + timedelta(days=1)))
    if filters.reason == "fallback_only":
        conditions.append(ReviewConversation.handoff_reason.is_(None))
    elif filters.reason:
        conditions.append(ReviewConversation.handoff_reason == filters.reason)
    if filters.service:
        conditions.append(ReviewConversation.service == filters.service)
    if filters.outcome:
        conditions.append(ReviewConversation.handoff_outcome == filters.outcome)
    if filters.feedback == "down":
        conditions.append(ReviewConversation.feedback_down > 0)
    elif filters.feedback == "up":
        conditions.append(ReviewConversation.feedback_up > 0)
    elif filters.feedback == "none":
        conditions.append(ReviewConversation.feedback_up + ReviewConversation.feedback_down == 0)
    total = int(session.scalar(select(func.count()).select_from(ReviewConversation).where(*conditions)) or 0)
    rows = session.scalars(
        select(ReviewConversation).where(*conditions)
        .order_by(ReviewConversation.last_event_at.desc(), ReviewConversation.conversation_id)
        .offset((filters.page - 1) * page_size).limit(page_size)
    ).all()
    return list(rows), total


def filter_options(session: Session) -> dict[str, list[str]]:
    """Values the list's select boxes offer (those present among flagged conversations)."""
    def distinct(column) -> list[str]:  # type: ignore[no-untyped-def]
        stmt = select(column).where(ReviewConversation.flagged.is_(True), column.is_not(None)).distinct()
        return sorted(str(value) for value in session.scalars(stmt))

    return {
        "reasons": distinct(ReviewConversation.handoff_reason),
        "services": distinct(ReviewConversation.service),
        "outcomes": distinct(ReviewConversation.handoff_outcome),
    }


def transcript(session: Session, conversation_id: str) -> tuple[ReviewConversation | None, list[ReviewTurn]]:
    """The summary and redacted turns of one conversation (None if unknown)."""
    summary = session.get(ReviewConversation, conversation_id)
    if summary is None:
        return None, []
    turns = session.scalars(
        select(ReviewTurn).where(ReviewTurn.conversation_id == conversation_id).order_by(ReviewTurn.seq)
    ).all()
    return summary, list(turns)
