"""Hotline hours (knowledge base, holidays, override), callback windows and the estimated wait."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.config import TIMEZONE
from bot.kb.models import Office
from bot.kb.repository import KnowledgeRepository
from bot.telephony.hotline import (
    Window,
    callback_windows,
    estimated_wait_minutes,
    hotline_status,
    offer_windows,
)
from bot.telephony.settings import TelephonySettings
from bot.telephony.store import AgentBoard

BOARD = AgentBoard(staffed=4, free=0, waiting=0, avg_handle_seconds=240)
WINDOWS = TelephonySettings.load(env={}).callback_windows


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TIMEZONE)


@pytest.fixture()
def hotline(repo: KnowledgeRepository) -> Office:
    """The Behördennummer 115 from the real seed data: Monday to Friday 8 to 18."""
    return repo.office("behoerdennummer_115")


def test_open_on_a_working_day(hotline: Office) -> None:
    assert hotline_status(hotline, BOARD, at("2026-03-04T10:00")).open_now


def test_closed_in_the_evening_until_the_next_working_day(hotline: Office) -> None:
    status = hotline_status(hotline, BOARD, at("2026-03-06T19:00"))  # Friday evening
    assert not status.open_now and status.next_opening == at("2026-03-09T08:00")


def test_closed_on_a_public_holiday(hotline: Office) -> None:
    status = hotline_status(hotline, BOARD, at("2026-01-06T10:00"))  # Heilige Drei Könige, Tuesday
    assert not status.open_now and status.next_opening == at("2026-01-07T08:00")


def test_staff_override(hotline: Office) -> None:
    closed = AgentBoard(4, 0, 0, 240, hours_override="closed")
    status = hotline_status(hotline, closed, at("2026-03-04T10:00"))
    assert not status.open_now and status.next_opening == at("2026-03-05T08:00")
    opened = AgentBoard(4, 0, 0, 240, hours_override="open")
    assert hotline_status(hotline, opened, at("2026-03-08T10:00")).open_now  # a Sunday


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
    closed = AgentBoard(4, 0, 0, 240, hours_override="closed")
    assert {w.day for w in offer_windows(hotline, closed, WINDOWS, at("2026-03-04T10:00"))} == {date(2026, 3, 5)}


def test_window_is_said_relative_to_today(hotline: Office) -> None:
    window = callback_windows(hotline, WINDOWS, at("2026-03-06T19:00"), count=1)[0]
    assert window.said(date(2026, 3, 6)) == "am Montag, den 9. März, vormittags"
    assert window.said(date(2026, 3, 8)) == "morgen vormittags"
    assert window.said(date(2026, 3, 9)) == "heute vormittags"
    assert Window.from_dict(window.as_dict()) == window


@pytest.mark.parametrize("position, staffed, expected", [(1, 4, 1), (3, 4, 3), (10, 2, 20), (2, 0, 8)])
def test_estimated_wait(position: int, staffed: int, expected: int) -> None:
    assert estimated_wait_minutes(position, AgentBoard(staffed, 0, 0, 240)) == expected


def test_without_the_office_the_board_decides_and_no_callback_is_promised() -> None:
    assert hotline_status(None, BOARD, at("2026-03-08T03:00")).open_now
    assert not hotline_status(None, AgentBoard(4, 0, 0, 240, hours_override="closed"), at("2026-03-04T10:00")).open_now
    assert callback_windows(None, WINDOWS, at("2026-03-04T10:00")) == []
