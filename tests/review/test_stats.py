"""Statistics from review summaries: period cut, per-hour buckets in Stuttgart time, chart geometry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.console.settings import ConsoleSettings
from bot.review.models import ReviewConversation
from bot.review.stats import compute_stats, hour_bars
from bot.review.stores import open_stores

NOW = datetime(2025, 7, 10, 12, 0, tzinfo=timezone.utc)


def _row(cid: str, started: datetime, **values: object) -> ReviewConversation:
    return ReviewConversation(conversation_id=cid, started_at=started, last_event_at=started, updated_at=NOW,
                              **{"user_turns": 1, "fallbacks": 0, "low_confidence": 0, "feedback_up": 0,
                                 "feedback_down": 0, "flagged": False, **values})


def test_figures_and_hours_in_summer_time(settings: ConsoleSettings) -> None:
    with open_stores(settings) as stores:
        with stores.sessions() as session, session.begin():
            session.add_all([
                # 06:30 UTC = 08:30 in Stuttgart (CEST).
                _row("a", datetime(2025, 7, 9, 6, 30, tzinfo=timezone.utc), service="reisepass", fallbacks=2),
                _row("b", datetime(2025, 7, 9, 6, 45, tzinfo=timezone.utc), service="reisepass",
                     handoff_reason="request_human", feedback_down=1),
                _row("c", datetime(2025, 7, 8, 21, 59, tzinfo=timezone.utc), service="personalausweis", feedback_up=2),
                _row("old", NOW - timedelta(days=8), service="wohnsitz_anmelden"),
            ])
        with stores.sessions() as session:
            week = compute_stats(session, 7, now=NOW)
            month = compute_stats(session, 30, now=NOW)
            with pytest.raises(ValueError, match="days must be at least 1"):
                compute_stats(session, 0, now=NOW)
    assert (week.conversations, week.handoffs, week.fallbacks, week.fallback_conversations) == (3, 1, 2, 1)
    assert (week.feedback_up, week.feedback_down) == (2, 1)
    assert week.handoff_percent == "33,3 %"
    assert week.top_services == [("reisepass", 2), ("personalausweis", 1)]
    assert week.per_hour[8] == 2 and week.per_hour[23] == 1 and sum(week.per_hour) == 3
    assert month.conversations == 4


def test_bars_scale_to_the_highest_hour() -> None:
    counts = [0] * 24
    counts[9], counts[10] = 4, 2
    bars = hour_bars(counts, width=240, height=100, gap=2)
    assert len(bars) == 24
    assert (bars[9].height, bars[9].y) == (100, 0) and (bars[10].height, bars[10].y) == (50, 50)
    assert bars[0].height == 0 and bars[1].x == pytest.approx(11)
    assert all(bar.height == 0 for bar in hour_bars([0] * 24))
