"""The handoff queue (table ``handoffs``): enter, position, cancel, claim, hand back, close.

Every method is one short transaction; state changes are conditional updates
(``WHERE status = 'waiting'``), so two agents cannot take the same conversation and
several replicas of the action server and the console can share one database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.handoff.models import OUTCOMES, REASONS, Handoff
from bot.staff import session_factory

#: Statuses of a conversation that is with the queue or a person (at most one per conversation).
OPEN_STATUSES = ("waiting", "assigned")


@dataclass(frozen=True)
class QueueEntry:
    """One handoff as the callers of this module see it (no ORM object leaves the module)."""

    id: int
    conversation_id: str
    channel: str
    team: str
    reason: str
    service: str | None
    district: str | None
    summary: str
    status: str
    created_at: datetime
    updated_at: datetime
    assigned_at: datetime | None
    closed_at: datetime | None
    agent_id: int | None
    outcome: str | None
    notified_position: int | None
    #: 1-based place among the team's waiting conversations (None unless waiting).
    position: int | None = None

    def waiting_minutes(self, now: datetime | None = None) -> int:
        """Whole minutes since the conversation entered the queue."""
        return max(0, int((as_utc(now) - as_utc(self.created_at)).total_seconds() // 60))


def _entry(row: Handoff, position: int | None = None) -> QueueEntry:
    return QueueEntry(
        id=row.id, conversation_id=row.conversation_id, channel=row.channel, team=row.team,
        reason=row.reason, service=row.service, district=row.district, summary=row.summary or "",
        status=row.status, created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at),
        assigned_at=row.assigned_at and as_utc(row.assigned_at), closed_at=row.closed_at and as_utc(row.closed_at),
        agent_id=row.agent_id, outcome=row.outcome, notified_position=row.notified_position,
        position=position,
    )


class HandoffQueue:
    """Repository of the ``handoffs`` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = session_factory(engine)

    def _session(self) -> Session:
        return self._sessions()

    # -- citizen side (action server) -------------------------------------------------

    def enqueue(
        self, conversation_id: str, channel: str, team: str, reason: str,
        service: str | None = None, district: str | None = None, summary: str = "",
        now: datetime | None = None,
    ) -> QueueEntry:
        """Put a conversation in the queue; if it is already waiting or assigned, return that entry.

        Raises:
            ValueError: for an unknown reason.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown handoff reason {reason!r}")
        existing = self.open_entry(conversation_id)
        if existing is not None:
            return existing
        moment = as_utc(now)
        row = Handoff(
            conversation_id=conversation_id, channel=channel[:32], team=team, reason=reason,
            service=service, district=district, summary=summary[:500], status="waiting",
            created_at=moment, updated_at=moment,
        )
        with self._session() as session, session.begin():
            session.add(row)
        return self.get(row.id)  # type: ignore[return-value]

    def open_entry(self, conversation_id: str) -> QueueEntry | None:
        """The waiting or assigned entry of a conversation, with its position."""
        stmt = select(Handoff).where(
            Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATUSES)
        ).order_by(Handoff.id.desc()).limit(1)
        with self._session() as session:
            row = session.scalars(stmt).first()
            return None if row is None else _entry(row, self._position(session, row))

    def get(self, entry_id: int) -> QueueEntry | None:
        """One entry by id, with its position if waiting."""
        with self._session() as session:
            row = session.get(Handoff, entry_id)
            return None if row is None else _entry(row, self._position(session, row))

    @staticmethod
    def _position(session: Session, row: Handoff) -> int | None:
        if row.status != "waiting":
            return None
        ahead = session.scalar(
            select(func.count()).select_from(Handoff).where(
                Handoff.status == "waiting", Handoff.team == row.team,
                or_(Handoff.created_at < row.created_at,
                    and_(Handoff.created_at == row.created_at, Handoff.id < row.id)),
            )
        )
        return int(ahead or 0) + 1

    def cancel(self, conversation_id: str, now: datetime | None = None) -> bool:
        """The citizen leaves the queue; False if the conversation was not waiting."""
        moment = as_utc(now)
        with self._session() as session, session.begin():
            result = session.execute(
                update(Handoff)
                .where(Handoff.conversation_id == conversation_id, Handoff.status == "waiting")
                .values(status="closed", outcome="cancelled", closed_at=moment, updated_at=moment)
            )
            return result.rowcount > 0

    # -- staff side (console) -----------------------------------------------------------

    def waiting(self, team: str | None = None) -> list[QueueEntry]:
        """Waiting entries, longest waiting first, with their positions per team."""
        stmt = select(Handoff).where(Handoff.status == "waiting").order_by(Handoff.created_at, Handoff.id)
        if team:
            stmt = stmt.where(Handoff.team == team)
        positions: dict[str, int] = {}
        entries = []
        with self._session() as session:
            for row in session.scalars(stmt):
                positions[row.team] = positions.get(row.team, 0) + 1
                entries.append(_entry(row, positions[row.team]))
        return entries

    def assigned(self, agent_id: int | None = None) -> list[QueueEntry]:
        """Entries an agent has (all agents' if ``agent_id`` is None), oldest first."""
        stmt = select(Handoff).where(Handoff.status == "assigned").order_by(Handoff.assigned_at, Handoff.id)
        if agent_id is not None:
            stmt = stmt.where(Handoff.agent_id == agent_id)
        with self._session() as session:
            return [_entry(row) for row in session.scalars(stmt)]

    def waiting_count(self, team: str) -> int:
        """How many conversations of ``team`` wait."""
        with self._session() as session:
            return int(session.scalar(
                select(func.count()).select_from(Handoff).where(Handoff.status == "waiting", Handoff.team == team)
            ) or 0)

    def claim(self, entry_id: int, agent_id: int, now: datetime | None = None) -> bool:
        """An agent takes a waiting conversation; False if it is no longer waiting (taken or cancelled)."""
        moment = as_utc(now)
        with self._session() as session, session.begin():
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == entry_id, Handoff.status == "waiting")
                .values(status="assigned", agent_id=agent_id, assigned_at=moment, updated_at=moment)
            )
            return result.rowcount == 1

    def close(self, entry_id: int, outcome: str, now: datetime | None = None) -> bool:
        """End a waiting or assigned handoff with an outcome (``returned_to_bot`` for "An Bot zurückgeben").

        Raises:
            ValueError: for an unknown outcome.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown handoff outcome {outcome!r}")
        moment = as_utc(now)
        with self._session() as session, session.begin():
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == entry_id, Handoff.status.in_(OPEN_STATUSES))
                .values(status="closed", outcome=outcome, closed_at=moment, updated_at=moment)
            )
            return result.rowcount == 1

    def mark_notified(self, entry_id: int, old: int | None, new: int | None, now: datetime | None = None) -> bool:
        """Record that the citizen was told position ``new`` (compare-and-set: one notifier wins)."""
        condition = Handoff.notified_position.is_(None) if old is None else Handoff.notified_position == old
        with self._session() as session, session.begin():
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == entry_id, Handoff.status == "waiting", condition)
                .values(notified_position=new, updated_at=as_utc(now))
            )
            return result.rowcount == 1

    def last_change(self) -> datetime | None:
        """When any entry last changed (the console's live queue polls this)."""
        with self._session() as session:
            value = session.scalar(select(func.max(Handoff.updated_at)))
            return None if value is None else as_utc(value)

    def history(self, since: datetime | None = None, limit: int = 500) -> list[QueueEntry]:
        """Entries (any status) created since ``since``, newest first (statistics, review)."""
        stmt = select(Handoff).order_by(Handoff.id.desc()).limit(limit)
        if since is not None:
            stmt = stmt.where(Handoff.created_at >= as_utc(since))
        with self._session() as session:
            return [_entry(row) for row in session.scalars(stmt)]

    # -- data protection ------------------------------------------------------------

    def purge(self, retention_days: int, now: datetime | None = None) -> int:
        """Delete closed and assigned entries created more than ``retention_days`` ago; the count.

        Waiting entries are kept (stale ones are closed as ``expired`` by
        :meth:`expire_waiting` first); an entry still assigned after the retention
        period was abandoned by its agent and goes as well.
        """
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        cutoff = as_utc(now) - timedelta(days=retention_days)
        with self._session() as session, session.begin():
            return session.execute(
                delete(Handoff).where(Handoff.created_at < cutoff, Handoff.status.in_(("closed", "assigned")))
            ).rowcount

    def expire_waiting(self, older_than: timedelta, now: datetime | None = None) -> int:
        """Close entries waiting longer than ``older_than`` (the citizen has long gone)."""
        moment = as_utc(now)
        with self._session() as session, session.begin():
            return session.execute(
                update(Handoff)
                .where(Handoff.status == "waiting", Handoff.created_at < moment - older_than)
                .values(status="closed", outcome="expired", closed_at=moment, updated_at=moment)
            ).rowcount

    def delete_conversation(self, conversation_id: str) -> int:
        """Delete every entry of one conversation (a citizen's deletion request)."""
        with self._session() as session, session.begin():
            return session.execute(delete(Handoff).where(Handoff.conversation_id == conversation_id)).rowcount
