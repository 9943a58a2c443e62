"""Opening-hours logic: ranges, holidays, closures, next opening (Europe/Berlin)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.config import TIMEZONE
from bot.kb.hours import holiday_name, schedule_for, status_at
from bot.kb.models import Closure, Office, OpeningHours

SOURCE = {"source_url": "https://example.org/quelle", "verified_on": date(2026, 1, 1)}


def _office(closures: list[Closure] | None = None) -> Office:
    office = Office(key="bb_test", name="Bürgerbüro Test", department="ordnungsamt", kind="buergerbuero", **SOURCE)
    office.hours_source_url = SOURCE["source_url"]
    ranges = {0: [("08:30", "13:00")], 1: [("08:30", "12:00"), ("14:00", "16:00")],
              3: [("08:30", "12:00"), ("14:00", "18:00")], 4: [("08:30", "13:00")]}
    for weekday, spans in ranges.items():
        for opens, closes in spans:
            office.hours.append(
                OpeningHours(weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes),
                             appointment_only=False, **SOURCE)
            )
    for closure in closures or []:
        office.closures.append(closure)
    return office


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TIMEZONE)


def test_open_in_the_morning_range() -> None:
    status = status_at(_office(), _at(2026, 11, 26, 9, 0))  # Thursday
    assert status.open_now and status.current.closes == time(12, 0)
    assert status.next_opening == _at(2026, 11, 26, 14, 0)


def test_lunch_break_and_next_range_same_day() -> None:
    status = status_at(_office(), _at(2026, 11, 24, 12, 30))  # Tuesday
    assert not status.open_now
    assert status.next_opening == _at(2026, 11, 24, 14, 0)


def test_closed_at_closing_time_exactly() -> None:
    assert not status_at(_office(), _at(2026, 11, 27, 13, 0)).open_now  # Friday 13:00


def test_weekend_points_to_monday() -> None:
    status = status_at(_office(), _at(2026, 11, 28, 10, 0))  # Saturday
    assert not status.open_now
    assert status.next_opening == _at(2026, 11, 30, 8, 30)


def test_public_holiday_is_closed_and_named() -> None:
    assert holiday_name(date(2026, 1, 6)) is not None  # Heilige Drei Könige, BW only
    schedule = schedule_for(_office(), date(2026, 10, 3))  # Saturday anyway; take a weekday holiday
    assert not schedule.is_open_day
    christmas = schedule_for(_office(), date(2026, 12, 25))  # Friday
    assert not christmas.is_open_day and "Feiertag" in christmas.closed_reason
    status = status_at(_office(), _at(2026, 12, 24, 14, 0))  # Thursday afternoon before Christmas
    assert status.open_now  # 24.12. is not a public holiday


def test_bw_holiday_that_is_not_national() -> None:
    schedule = schedule_for(_office(), date(2026, 6, 4))  # Fronleichnam, Thursday
    assert not schedule.is_open_day


def test_closure_wins_and_next_opening_skips_it() -> None:
    closure = Closure(starts_on=date(2026, 11, 30), ends_on=date(2026, 12, 1), reason="Umzug", **SOURCE)
    office = _office([closure])
    assert schedule_for(office, date(2026, 11, 30)).closed_reason == "Umzug"
    status = status_at(office, _at(2026, 11, 28, 10, 0))
    assert status.next_opening == _at(2026, 12, 3, 8, 30)  # Wed has no hours, so Thursday


def test_time_zone_is_berlin() -> None:
    from datetime import timezone

    utc = datetime(2026, 11, 26, 7, 45, tzinfo=timezone.utc)  # 08:45 in Berlin
    assert status_at(_office(), utc).open_now


@pytest.mark.parametrize("weekday", [2, 5, 6])
def test_days_without_hours(weekday: int) -> None:
    day = date(2026, 11, 23 + weekday)
    assert not schedule_for(_office(), day).is_open_day
