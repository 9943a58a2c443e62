"""Whether anyone works now, and where a citizen who wants a person goes: one rule for the
web chat's queue and the phone hotline's peak-load mode.

Staffed hours are the opening hours of an office in the knowledge base (holiday- and
closure-aware through ``bot/kb/hours.py``, Europe/Berlin); staff can override them for
today on the console's ``/phone`` page (``open``/``closed``, stored on the agent board).

No office: a team configured with ``hours_office: null`` is always staffed (a deliberate
setting). An office that is configured but missing from the knowledge base counts as
**not staffed** on both channels — without hours there is no promise of a person (and no
callback window); the error is logged, and staff can still open the line for today with
the override.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time

from bot.config import TIMEZONE
from bot.handoff.settings import Team
from bot.kb import hours as hours_logic
from bot.kb.models import Office
from bot.kb.repository import KnowledgeRepository, RecordNotFound

logger = logging.getLogger(__name__)

#: Where a citizen who wants a person goes (:func:`route`).
CLOSED, FULL, CONNECT, QUEUE = "closed", "full", "connect", "queue"


@dataclass(frozen=True)
class Staffing:
    """Whether agents work now, and when they start next (None if open or unknown)."""

    open_now: bool
    next_opening: datetime | None = None


def staffed_hours(office: Office | None, now: datetime, override: str | None = None,
                  always: bool = False) -> Staffing:
    """Staffing at ``now``: the staff override of today first, then the office's hours.

    ``always``: no hours office is configured (always staffed unless staff closed today).
    """
    local = now.astimezone(TIMEZONE)
    if override == "open" or (always and override != "closed"):
        return Staffing(True, None)
    if office is None:
        return Staffing(False, None)
    if override == "closed":
        end_of_day = datetime.combine(local.date(), time(23, 59, 59), tzinfo=TIMEZONE)
        return Staffing(False, hours_logic.status_at(office, end_of_day).next_opening)
    status = hours_logic.status_at(office, local)
    return Staffing(status.open_now, None if status.open_now else status.next_opening)


def route(staffing: Staffing, waiting: int, queue_limit: int | None = None, agents_free: int = 0) -> str:
    """:data:`CLOSED` (offer a callback), :data:`FULL` (``queue_limit`` or more wait: offer a
    callback), :data:`CONNECT` (an agent is free) or :data:`QUEUE`."""
    if not staffing.open_now:
        return CLOSED
    if queue_limit is not None and waiting >= queue_limit:
        return FULL
    return CONNECT if agents_free > 0 else QUEUE


def team_office(team: Team, repo: KnowledgeRepository) -> Office | None:
    """The office whose hours are the team's, None when the team has none or it is missing."""
    if team.hours_office is None:
        return None
    try:
        return repo.office(team.hours_office)
    except RecordNotFound:
        logger.error("hours_office %r of team %r is not in the knowledge base", team.hours_office, team.key)
        return None


def team_staffing(team: Team, repo: KnowledgeRepository, now: datetime | None = None,
                  override: str | None = None) -> Staffing:
    """Whether ``team`` is staffed at ``now`` (default: now in Europe/Berlin)."""
    return staffed_hours(team_office(team, repo), now or hours_logic.now(), override, always=team.hours_office is None)
