"""The one staffing rule: a team's hours (knowledge base, holidays, closures, always-staffed teams),
the staff override, and where a citizen goes (queue limit, free agents)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bench.helpers.handoff_config import CLOSED_OFFICE, add_closed_office
from bot.config import TIMEZONE
from bot.handoff.settings import Team
from bot.handoff.staffing import CLOSED, CONNECT, FULL, QUEUE, Staffing, route, team_staffing

HOTLINE = Team("buergertelefon", "Bürgertelefon", "behoerdennummer_115")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TIMEZONE)


def test_team_is_staffed_within_the_office_hours(repo) -> None:
    staffing = team_staffing(HOTLINE, repo, at(2026, 11, 26, 10, 0))  # Thursday
    assert staffing.open_now and staffing.next_opening is None


@pytest.mark.parametrize("moment", [at(2026, 11, 26, 7, 59), at(2026, 11, 26, 18, 0), at(2026, 11, 28, 11, 0)])
def test_team_is_not_staffed_outside_the_hours(repo, moment: datetime) -> None:
    assert not team_staffing(HOTLINE, repo, moment).open_now


def test_weekend_gives_next_monday_morning(repo) -> None:
    staffing = team_staffing(HOTLINE, repo, at(2026, 11, 28, 11, 0))  # Saturday
    assert staffing.next_opening == at(2026, 11, 30, 8, 0)


def test_public_holidays_are_not_staffed(repo) -> None:
    christmas = team_staffing(HOTLINE, repo, at(2026, 12, 25, 10, 0))  # Friday, 1. Weihnachtstag
    assert not christmas.open_now
    assert christmas.next_opening == at(2026, 12, 28, 8, 0)
    assert not team_staffing(HOTLINE, repo, at(2027, 1, 6, 10, 0)).open_now  # Heilige Drei Könige (BW)


def test_team_without_hours_office_is_always_staffed(repo) -> None:
    always = Team("nacht", "Nacht", None)
    assert team_staffing(always, repo, at(2026, 12, 25, 3, 0)).open_now


def test_missing_office_counts_as_not_staffed(repo) -> None:
    missing = Team("x", "X", "gibt_es_nicht")
    staffing = team_staffing(missing, repo, at(2026, 11, 26, 10, 0))
    assert not staffing.open_now and staffing.next_opening is None


def test_closure_in_the_knowledge_base_closes_the_team(repo, sqlite_engine) -> None:
    add_closed_office(sqlite_engine, at(2026, 11, 26, 0, 0).date())
    team = Team("geschlossen", "Geschlossen", CLOSED_OFFICE)
    staffing = team_staffing(team, repo, at(2026, 11, 26, 10, 0))
    assert not staffing.open_now
    assert staffing.next_opening == at(2026, 11, 30, 8, 0)  # closure ends Saturday


def test_staff_override_of_today_opens_or_closes_the_team(repo) -> None:
    saturday = at(2026, 11, 28, 11, 0)
    assert team_staffing(HOTLINE, repo, saturday, override="open").open_now
    closed = team_staffing(HOTLINE, repo, at(2026, 11, 26, 10, 0), override="closed")  # Thursday
    assert not closed.open_now and closed.next_opening == at(2026, 11, 27, 8, 0)
    assert not team_staffing(Team("nacht", "Nacht", None), repo, saturday, override="closed").open_now


@pytest.mark.parametrize(("staffing", "waiting", "limit", "free", "expected"), [
    (Staffing(False), 0, 10, 3, CLOSED),
    (Staffing(True), 10, 10, 0, FULL),
    (Staffing(True), 9, 10, 0, QUEUE),
    (Staffing(True), 2, None, 1, CONNECT),  # the phone: no queue limit, a free agent takes the call
    (Staffing(True), 50, None, 0, QUEUE),
])
def test_route(staffing: Staffing, waiting: int, limit, free: int, expected: str) -> None:
    assert route(staffing, waiting, limit, agents_free=free) == expected
