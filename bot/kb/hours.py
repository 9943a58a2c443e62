"""Opening-hours logic: holiday- and closure-aware, all times in Europe/Berlin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import holidays

from bot.config import TIMEZONE
from bot.kb.models import Office, OpeningHours

#: How far ahead the next opening is searched.
LOOKAHEAD_DAYS = 21


@lru_cache(maxsize=8)
def _bw_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DE", subdiv="BW", years=year, language="de")


def holiday_name(day: date) -> str | None:
    """The name of a Baden-Württemberg public holiday on ``day``, or None."""
    return _bw_holidays(day.year).get(day)


@dataclass(frozen=True)
class DaySchedule:
    """What one office does on one day."""

    day: date
    ranges: tuple[OpeningHours, ...]
    closed_reason: str | None = None  # holiday or closure; None when simply no hours

    @property
    def is_open_day(self) -> bool:
        """Whether there is at least one opening range."""
        return bool(self.ranges)


@dataclass(frozen=True)
class OpenStatus:
    """Whether an office is open at a moment, and when it opens next."""

    open_now: bool
    current: OpeningHours | None
    next_opening: datetime | None
    next_range: OpeningHours | None


def schedule_for(office: Office, day: date, extra_closures: Sequence[Any] = ()) -> DaySchedule:
    """The opening ranges of ``office`` on ``day`` after holidays and closures.

    ``extra_closures``: closures staff posted in the console (``starts_on``, ``ends_on``,
    ``reason``), which count like the knowledge base's.
    """
    for closure in (*office.closures, *extra_closures):
        if closure.starts_on <= day <= closure.ends_on:
            return DaySchedule(day, (), closure.reason)
    name = holiday_name(day)
    if name is not None:
        return DaySchedule(day, (), f"Feiertag: {name}")
    ranges = tuple(h for h in office.hours if h.weekday == day.weekday())
    return DaySchedule(day, tuple(sorted(ranges, key=lambda h: h.opens)))


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=TIMEZONE)


def status_at(office: Office, when: datetime, extra_closures: Sequence[Any] = ()) -> OpenStatus:
    """Open/closed status of ``office`` at ``when`` (converted to Europe/Berlin)."""
    local = when.astimezone(TIMEZONE)
    today = schedule_for(office, local.date(), extra_closures)
    current = next(
        (h for h in today.ranges if h.opens <= local.time() < h.closes), None
    )
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        for hours in schedule_for(office, day, extra_closures).ranges:
            start = _at(day, hours.opens)
            if start > local:
                return OpenStatus(current is not None, current, start, hours)
    return OpenStatus(current is not None, current, None, None)


def now() -> datetime:
    """The current time in Europe/Berlin."""
    return datetime.now(TIMEZONE)
