"""Whether a team is staffed now: its ``hours_office`` hours in the knowledge base.

Holiday- and closure-aware through ``bot/kb/hours.py`` (Europe/Berlin). A team with
``hours_office: null`` is always staffed; a team whose office is missing from the
knowledge base counts as not staffed (no hours, no promise of a person).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from bot.handoff.settings import Team
from bot.kb import hours as hours_logic
from bot.kb.models import Office
from bot.kb.repository import KnowledgeRepository, RecordNotFound

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Staffing:
    """Whether agents work now, and when they start next (None if open or unknown)."""

    open_now: bool
    next_opening: Optional[datetime] = None


def office_staffing(office: Optional[Office], now: datetime) -> Staffing:
    """Staffing from one office's hours at ``now``; no office means not staffed."""
    if office is None:
        return Staffing(False, None)
    status = hours_logic.status_at(office, now)
    return Staffing(status.open_now, None if status.open_now else status.next_opening)


def team_office(team: Team, repo: KnowledgeRepository) -> Optional[Office]:
    """The office whose hours are the team's, None when the team has none or it is missing."""
    if team.hours_office is None:
        return None
    try:
        return repo.office(team.hours_office)
    except RecordNotFound:
        logger.error("hours_office %r of team %r is not in the knowledge base", team.hours_office, team.key)
        return None


def team_staffing(team: Team, repo: KnowledgeRepository, now: Optional[datetime] = None) -> Staffing:
    """Whether ``team`` is staffed at ``now`` (default: now in Europe/Berlin)."""
    if team.hours_office is None:
        return Staffing(True, None)
    return office_staffing(team_office(team, repo), now or hours_logic.now())
