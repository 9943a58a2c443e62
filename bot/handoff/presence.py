"""Which agents are at work: staff with the agent role whose console session was active lately.

The console's live queue keeps ``console_sessions.last_seen`` fresh while it is open.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.console.models import ConsoleSession, ConsoleUser

#: An agent counts as present while their console was active this recently.
PRESENCE_WINDOW = timedelta(minutes=2)


def agents_online(session: Session, now: Optional[datetime] = None) -> int:
    """How many distinct active agents have a console session seen within :data:`PRESENCE_WINDOW`."""
    since = (now or datetime.now(timezone.utc)).astimezone(timezone.utc) - PRESENCE_WINDOW
    stmt = (
        select(func.count(func.distinct(ConsoleSession.user_id)))
        .join(ConsoleUser, ConsoleUser.id == ConsoleSession.user_id)
        .where(ConsoleSession.last_seen >= since, ConsoleUser.active.is_(True), ConsoleUser.roles.like("%agent%"))
    )
    return int(session.scalar(stmt) or 0)
