"""Call state in SQLite (``var/telephony.db`` by default) or PostgreSQL (``TELEPHONY_DB_URL``)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.telephony.models import AgentBoardRow, PhoneCall, PhoneCallActivity
from bot.telephony.store.base import UNSET, AgentBoard, CallRecord, CallStore, TurnStart, check_board


def _record(row: PhoneCall) -> CallRecord:
    return CallRecord(row.conversation_id, row.instance, bool(row.admitted), row.created_at, row.expires_at,
                      row.caller, row.entered_number, row.overflow)


class SqlCallStore(CallStore):
    """Call state in SQLite or PostgreSQL (one short transaction per operation)."""

    def __init__(self, engine: Engine, defaults: AgentBoard) -> None:
        super().__init__(defaults)
        self._engine = engine
        self._postgres = engine.url.get_backend_name() == "postgresql"
        try:
            with Session(engine, future=True) as session, session.begin():
                if session.get(AgentBoardRow, 1) is None:
                    session.add(AgentBoardRow(id=1, updated_at=time.time(), **asdict(defaults)))
        except IntegrityError:
            pass  # another process created the row at the same moment

    def _session(self) -> Session:
        return Session(self._engine, future=True, expire_on_commit=False)

    def create_call(self, conversation_id: str, instance: str, max_admitted: int, ttl: float,
                    now: float | None = None) -> tuple[CallRecord, bool]:
        now = time.time() if now is None else now
        try:
            with self._session() as session, session.begin():
                session.execute(delete(PhoneCall).where(PhoneCall.expires_at <= now))
                existing = session.get(PhoneCall, conversation_id)
                if existing is not None:
                    return _record(existing), False
                if self._postgres:  # serialise admission decisions of one instance
                    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:i))"), {"i": instance})
                active = (
                    select(func.count()).select_from(PhoneCall)
                    .where(PhoneCall.instance == instance, PhoneCall.admitted.is_(True), PhoneCall.expires_at > now)
                    .scalar_subquery()
                )
                columns = ["conversation_id", "instance", "admitted", "created_at", "expires_at"]
                values = [literal(conversation_id), literal(instance), literal(True), literal(now), literal(now + ttl)]
                admitted = session.execute(
                    insert(PhoneCall).from_select(columns, select(*values).where(active < max_admitted))
                ).rowcount == 1
                if not admitted:
                    session.add(PhoneCall(conversation_id=conversation_id, instance=instance, admitted=False,
                                          created_at=now, expires_at=now + ttl))
        except IntegrityError:  # the same conversation was created concurrently
            record = self.get_call(conversation_id, now)
            if record is None:
                raise
            return record, False
        return CallRecord(conversation_id, instance, admitted, now, now + ttl), True

    def begin_turn(self, conversation_id: str, activity_ids: Sequence[str | None], ttl: float,
                   now: float | None = None) -> TurnStart | None:
        now = time.time() if now is None else now
        for attempt in (1, 2):
            try:
                return self._begin_turn(conversation_id, activity_ids, ttl, now)
            except IntegrityError:  # another replica recorded one of the ids just now
                if attempt == 2:
                    raise
        return None  # pragma: no cover

    def _begin_turn(self, conversation_id: str, activity_ids: Sequence[str | None], ttl: float,
                    now: float) -> TurnStart | None:
        with self._session() as session, session.begin():
            row = session.get(PhoneCall, conversation_id)
            if row is None or row.expires_at <= now:
                return None
            row.expires_at = now + ttl
            if row.admitted:
                return TurnStart(_record(row), [True] * len(activity_ids))
            ids = [a for a in activity_ids if a is not None]
            seen = set(session.scalars(
                select(PhoneCallActivity.activity_id).where(
                    PhoneCallActivity.conversation_id == conversation_id, PhoneCallActivity.activity_id.in_(ids)
                )
            )) if ids else set()
            fresh = []
            for activity_id in activity_ids:
                if activity_id is None:
                    fresh.append(True)
                elif activity_id in seen:
                    fresh.append(False)
                else:
                    seen.add(activity_id)
                    session.add(PhoneCallActivity(conversation_id=conversation_id, activity_id=activity_id))
                    fresh.append(True)
            return TurnStart(_record(row), fresh)

    def get_call(self, conversation_id: str, now: float | None = None) -> CallRecord | None:
        now = time.time() if now is None else now
        with self._session() as session:
            row = session.get(PhoneCall, conversation_id)
            return _record(row) if row is not None and row.expires_at > now else None

    def update_call(self, conversation_id: str, *, caller: Any = UNSET, entered_number: Any = UNSET,
                    overflow: Any = UNSET) -> bool:
        values = {k: v for k, v in (("caller", caller), ("entered_number", entered_number), ("overflow", overflow))
                  if v is not UNSET}
        if not values:
            return self.get_call(conversation_id) is not None
        with self._session() as session, session.begin():
            result = session.execute(
                update(PhoneCall).where(PhoneCall.conversation_id == conversation_id).values(**values)
            )
            return result.rowcount == 1

    def end_call(self, conversation_id: str) -> CallRecord | None:
        with self._session() as session, session.begin():
            row = session.get(PhoneCall, conversation_id)
            if row is None:
                return None
            record = _record(row)
            session.execute(delete(PhoneCallActivity).where(PhoneCallActivity.conversation_id == conversation_id))
            session.delete(row)
        return record

    def active_calls(self, instance: str, now: float | None = None) -> int:
        now = time.time() if now is None else now
        with self._session() as session:
            return int(session.scalar(
                select(func.count()).select_from(PhoneCall)
                .where(PhoneCall.instance == instance, PhoneCall.admitted.is_(True), PhoneCall.expires_at > now)
            ) or 0)

    def board(self) -> AgentBoard:
        with self._session() as session:
            row = session.get(AgentBoardRow, 1)
            if row is None:
                return self.defaults
            return AgentBoard(row.staffed, row.free, row.waiting, row.avg_handle_seconds, row.hours_override)

    def set_board(self, **changes: Any) -> AgentBoard:
        check_board(changes)
        with self._session() as session, session.begin():
            session.execute(update(AgentBoardRow).where(AgentBoardRow.id == 1)
                            .values(updated_at=time.time(), **changes))
        return self.board()

    def claim_agent(self) -> bool:
        with self._session() as session, session.begin():
            result = session.execute(
                update(AgentBoardRow).where(AgentBoardRow.id == 1, AgentBoardRow.free > 0)
                .values(free=AgentBoardRow.free - 1, updated_at=time.time())
            )
            return result.rowcount == 1

    def join_queue(self) -> int:
        with self._session() as session, session.begin():
            session.execute(update(AgentBoardRow).where(AgentBoardRow.id == 1)
                            .values(waiting=AgentBoardRow.waiting + 1, updated_at=time.time()))
            return int(session.scalar(select(AgentBoardRow.waiting).where(AgentBoardRow.id == 1)) or 0)

    def leave_queue(self) -> None:
        with self._session() as session, session.begin():
            session.execute(update(AgentBoardRow).where(AgentBoardRow.id == 1, AgentBoardRow.waiting > 0)
                            .values(waiting=AgentBoardRow.waiting - 1, updated_at=time.time()))

    def purge_expired(self, now: float | None = None) -> int:
        return purge_expired_calls(self._engine, now)

    def close(self) -> None:
        self._engine.dispose()


def purge_expired_calls(engine: Engine, now: float | None = None) -> int:
    """Delete the SQL state of calls that expired (caller numbers included); the number removed.

    Also run by the console's retention job, for calls that never sent a hangup.
    """
    now = time.time() if now is None else now
    with Session(engine, future=True) as session, session.begin():
        expired = select(PhoneCall.conversation_id).where(PhoneCall.expires_at <= now)
        session.execute(delete(PhoneCallActivity).where(PhoneCallActivity.conversation_id.in_(expired))
                        .execution_options(synchronize_session=False))
        return session.execute(delete(PhoneCall).where(PhoneCall.expires_at <= now)).rowcount
