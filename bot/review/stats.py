"""Statistics of the last days from the review summaries (counts only, no text).

Conversations, handoff rate, fallbacks, feedback, top services and conversations per
hour of day (Europe/Berlin), plus the geometry of a bar chart the template draws as
inline SVG (no script, no style attributes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import TIMEZONE, as_utc
from bot.review.models import ReviewConversation

#: Periods the statistics page offers (days).
PERIODS = (7, 30)
TOP_SERVICES = 5


@dataclass(frozen=True)
class Bar:
    """One bar of the per-hour chart (SVG user units)."""

    hour: int
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Stats:
    """Figures of one period."""

    days: int
    since: datetime
    conversations: int
    handoffs: int
    fallbacks: int
    fallback_conversations: int
    feedback_up: int
    feedback_down: int
    top_services: list[tuple[str, int]]
    per_hour: list[int]

    @property
    def handoff_rate(self) -> float:
        """Share of conversations handed to a person (0 … 1)."""
        return self.handoffs / self.conversations if self.conversations else 0.0

    @property
    def handoff_percent(self) -> str:
        """The handoff rate as German percent text ("12,5 %")."""
        return f"{self.handoff_rate * 100:.1f} %".replace(".", ",")


def compute_stats(session: Session, days: int, now: datetime | None = None) -> Stats:
    """Figures of the conversations started in the last ``days`` days.

    Raises:
        ValueError: for ``days`` below 1.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    since = as_utc(now) - timedelta(days=days)
    recent = ReviewConversation.started_at >= since
    row = session.execute(
        select(
            func.count(),
            func.count(ReviewConversation.handoff_reason),
            func.coalesce(func.sum(ReviewConversation.fallbacks), 0),
            func.coalesce(func.sum(ReviewConversation.feedback_up), 0),
            func.coalesce(func.sum(ReviewConversation.feedback_down), 0),
        ).where(recent)
    ).one()
    fallback_conversations = session.scalar(
        select(func.count()).select_from(ReviewConversation).where(recent, ReviewConversation.fallbacks > 0)
    )
    services = session.execute(
        select(ReviewConversation.service, func.count().label("n"))
        .where(recent, ReviewConversation.service.is_not(None))
        .group_by(ReviewConversation.service)
        .order_by(func.count().desc(), ReviewConversation.service)
        .limit(TOP_SERVICES)
    ).all()
    per_hour = [0] * 24
    for (started,) in session.execute(select(ReviewConversation.started_at).where(recent)):
        per_hour[as_utc(started).astimezone(TIMEZONE).hour] += 1
    return Stats(
        days=days, since=since, conversations=int(row[0]), handoffs=int(row[1]), fallbacks=int(row[2]),
        fallback_conversations=int(fallback_conversations or 0), feedback_up=int(row[3]),
        feedback_down=int(row[4]), top_services=[(str(name), int(count)) for name, count in services],
        per_hour=per_hour,
    )


def hour_bars(per_hour: list[int], width: float = 720, height: float = 200, gap: float = 4) -> list[Bar]:
    """Bars for a chart ``width`` × ``height`` (the tallest bar fills the height)."""
    highest = max(per_hour, default=0) or 1
    slot = width / max(1, len(per_hour))
    bars = []
    for hour, count in enumerate(per_hour):
        bar_height = round(height * count / highest, 1)
        bars.append(Bar(hour=hour, count=count, x=round(hour * slot + gap / 2, 1), y=round(height - bar_height, 1),
                        width=round(slot - gap, 1), height=bar_height))
    return bars
