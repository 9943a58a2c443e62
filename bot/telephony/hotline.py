"""Hotline state for the phone: open or closed (knowledge base hours, holiday-aware, staff
override), callback windows on working days, and the estimated wait in the queue."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Optional

from bot.config import TIMEZONE
from bot.german import day_spoken
from bot.kb import hours as hours_logic
from bot.kb.models import Office
from bot.telephony.settings import CallbackWindow
from bot.telephony.store import AgentBoard

#: A window is offered only if at least this much of it is left.
MIN_WINDOW_LEFT = timedelta(minutes=30)


@dataclass(frozen=True)
class HotlineStatus:
    """Whether agents work now, and when they start next (None if unknown or open)."""

    open_now: bool
    next_opening: Optional[datetime]


def _end_of_day(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time(23, 59, 59), tzinfo=TIMEZONE)


def hotline_status(office: Optional[Office], board: AgentBoard, now: datetime) -> HotlineStatus:
    """Open/closed from the office's hours in the knowledge base, unless staff override today.

    Without the office (not in the knowledge base) the hotline counts as open unless staff
    closed it: the agent board still decides about transfers.
    """
    local = now.astimezone(TIMEZONE)
    if board.hours_override == "open":
        return HotlineStatus(True, None)
    if office is None:
        return HotlineStatus(board.hours_override != "closed", None)
    if board.hours_override == "closed":
        return HotlineStatus(False, hours_logic.status_at(office, _end_of_day(local)).next_opening)
    status = hours_logic.status_at(office, local)
    return HotlineStatus(status.open_now, status.next_opening)


@dataclass(frozen=True)
class Window:
    """A concrete callback window: a day and times within the hotline hours."""

    key: str
    spoken: str
    start: datetime
    end: datetime

    @property
    def day(self) -> date:
        """The day of the window."""
        return self.start.date()

    def as_dict(self) -> dict[str, str]:
        """JSON-friendly form (stored in slots and in the call store)."""
        return {"key": self.key, "spoken": self.spoken, "start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Window":
        """Inverse of :meth:`as_dict`."""
        return cls(data["key"], data["spoken"], datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"]))

    def said(self, today: date) -> str:
        """``"heute vormittags"``, ``"morgen nachmittags"``, ``"am Montag, den 2. März, vormittags"``."""
        if self.day == today:
            return f"heute {self.spoken}"
        if self.day == today + timedelta(days=1):
            return f"morgen {self.spoken}"
        return f"am {day_spoken(self.day)}, {self.spoken}"


def callback_windows(office: Optional[Office], windows: Iterable[CallbackWindow], now: datetime, count: int = 2,
                     skip_today: bool = False) -> list[Window]:
    """The next ``count`` windows that fall into the office's hours (holidays and closures respected).

    None without the office: no hours, no callback promise.
    """
    if office is None:
        return []
    local = now.astimezone(TIMEZONE)
    configured = list(windows)
    found: list[Window] = []
    for offset in range(0 if not skip_today else 1, hours_logic.LOOKAHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        ranges = hours_logic.schedule_for(office, day).ranges
        for window in configured:
            pieces = [(max(window.start, r.opens), min(window.end, r.closes)) for r in ranges]
            pieces = [(s, e) for s, e in pieces if s < e]
            if not pieces:
                continue
            start = datetime.combine(day, min(s for s, _ in pieces), tzinfo=TIMEZONE)
            end = datetime.combine(day, max(e for _, e in pieces), tzinfo=TIMEZONE)
            if end - MIN_WINDOW_LEFT <= local:
                continue
            found.append(Window(window.key, window.spoken, max(start, local), end))
            if len(found) == count:
                return found
    return found


def estimated_wait_minutes(position: int, board: AgentBoard) -> int:
    """Minutes until the caller at ``position`` is served: position × handling time / staffed agents."""
    agents = max(board.staffed, 1)
    return max(1, math.ceil(position * board.avg_handle_seconds / agents / 60))


def offer_windows(office: Optional[Office], board: AgentBoard, windows: Iterable[CallbackWindow], now: datetime) -> list[Window]:
    """The callback windows to offer now (not today when staff closed the hotline for today)."""
    return callback_windows(office, windows, now, skip_today=board.hours_override == "closed")
