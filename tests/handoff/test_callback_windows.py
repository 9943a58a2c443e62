"""Callback windows: the hotline office's hours (holidays, closures), days closed by staff; and the
hotline hours as the one staffing rule reads them (knowledge base, holidays, staff override)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.config import TIMEZONE
from bot.handoff.callback.windows import Window, callback_windows, offer_windows
from bot.handoff.staffing import staffed_hours
from bot.kb.models import Office
from bot.kb.repository import KnowledgeRepository
from bot.telephony.settings import TelephonySettings

WINDOWS = TelephonySettings.load(env={}).callback_windows


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TIMEZONE)


@pytest.fixture
def hotline(repo: KnowledgeRepository) -> Office:
    """The Behördennummer 115 from the real seed data: Monday to Friday 8 to 18."""
    return repo.office("behoerdennummer_115")


def test_open_on_a_working_day(hotline: Office) -> None:
    assert staffed_hours(hotline, at("2026-03-04T10:00")).open_now


def test_closed_in_the_evening_until_the_next_working_day(hotline: Office) -> None:
    status = staffed_hours(hotline, at("2026-03-06T19:00"))  # Friday evening
    assert not status.open_now and status.next_opening == at("2026-03-09T08:00")


def test_closed_on_a_public_holiday(hotline: Office) -> None:
    status = staffed_hours(hotline, at("2026-01-06T10:00"))  # Heilige Drei Könige, Tuesday
    assert not status.open_now and status.next_opening == at("2026-01-07T08:00")


def test_staff_override(hotline: Office) -> None:
    status = staffed_hours(hotline, at("2026-03-04T10:00"), override="closed")
    assert not status.open_now and status.next_opening == at("2026-03-05T08:00")
    assert staffed_hours(hotline, at("2026-03-08T10:00"), override="open").open_now  # a Sunday


def test_windows_today_while_open(hotline: Office) -> None:
    windows = callback_windows(hotline, WINDOWS, at("2026-03-04T10:00"))
    assert [(w.key, w.start, w.end) for w in windows] == [
        ("vormittag", at("2026-03-04T10:00"), at("2026-03-04T12:00")),
        ("nachmittag", at("2026-03-04T12:00"), at("2026-03-04T18:00")),
    ]


def test_windows_skip_what_is_nearly_over_and_closed_days(hotline: Office) -> None:
    late = callback_windows(hotline, WINDOWS, at("2026-03-04T17:45"))
    assert [(w.day, w.key) for w in late] == [(date(2026, 3, 5), "vormittag"), (date(2026, 3, 5), "nachmittag")]
    weekend = callback_windows(hotline, WINDOWS, at("2026-03-06T19:00"))
    assert {w.day for w in weekend} == {date(2026, 3, 9)}
    holiday = callback_windows(hotline, WINDOWS, at("2026-01-05T19:00"), count=1)
    assert holiday[0].day == date(2026, 1, 7)


def test_offer_windows_leave_out_a_day_closed_by_staff(hotline: Office) -> None:
    assert {w.day for w in offer_windows(hotline, "closed", WINDOWS, at("2026-03-04T10:00"))} == {date(2026, 3, 5)}


def test_window_is_said_relative_to_today(hotline: Office) -> None:
    window = callback_windows(hotline, WINDOWS, at("2026-03-06T19:00"), count=1)[0]
    assert window.said(date(2026, 3, 6)) == "am Montag, den 9. März, vormittags"
    assert window.said(date(2026, 3, 8)) == "morgen vormittags"
    assert window.said(date(2026, 3, 9)) == "heute vormittags"
    assert Window.from_dict(window.as_dict()) == window


def test_without_the_office_nobody_is_promised_unless_staff_open_the_line() -> None:
    """One rule for both channels: a configured office missing from the knowledge base is closed."""
    assert not staffed_hours(None, at("2026-03-04T10:00")).open_now
    assert staffed_hours(None, at("2026-03-04T10:00"), override="open").open_now
    assert callback_windows(None, WINDOWS, at("2026-03-04T10:00")) == []
