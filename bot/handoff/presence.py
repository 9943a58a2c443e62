"""Which agents are at work: staff with the agent role whose console session was active lately.

The console's live pages keep ``console_sessions.present_at`` fresh while they are open
(``last_seen`` is the user's last request, which the idle timeout counts from).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.staff.models import ConsoleSession, ConsoleUser

#: An agent counts as present while their console was active this recently.
PRESENCE_WINDOW = timedelta(minutes=2)


def agents_online(session: Session, now: datetime | None = None) -> int:
    """How many distinct active agents have a console session seen within :data:`PRESENCE_WINDOW`."""
    since = as_utc(now) - PRESENCE_WINDOW
    stmt = (
        select(func.count(func.distinct(ConsoleSession.user_id)))
        .join(ConsoleUser, ConsoleUser.id == ConsoleSession.user_id)
        .where(or_(ConsoleSession.last_seen >= since, ConsoleSession.present_at >= since),
               ConsoleUser.active.is_(True), ConsoleUser.roles.like("%agent%"))
    )
    return int(session.scalar(stmt) or 0)
