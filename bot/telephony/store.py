"""Shared call state: live calls, handled activity ids, admission, the agent board.

Every replica of the Rasa server (and the action server) reads and writes the same
store, so any replica can serve any request of any call:

* :class:`RedisCallStore` when ``TELEPHONY_REDIS_URL`` is set (production: atomic
  Lua scripts, keys expire by themselves);
* :class:`SqlCallStore` otherwise (SQLite ``var/telephony.db`` by default, or
  PostgreSQL via ``TELEPHONY_DB_URL``).

Calls expire when the gateway stops refreshing them; ending a call deletes its
state, including the caller's number.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.engine import get_engine
from bot.handoff.settings import HandoffSettings
from bot.telephony.models import AgentBoardRow, PhoneCall, PhoneCallActivity
from bot.telephony.settings import TelephonySettings

HOURS_OVERRIDES = (None, "open", "closed")
_UNSET: Any = object()


@dataclass
class CallRecord:
    """What the store knows about one live call."""

    conversation_id: str
    instance: str
    admitted: bool
    created_at: float
    expires_at: float
    caller: str | None = None
    entered_number: str | None = None
    overflow: dict | None = None


@dataclass(frozen=True)
class AgentBoard:
    """Hotline presence: staffed and free agents, callers waiting, handling time, hours override."""

    staffed: int
    free: int
    waiting: int
    avg_handle_seconds: int
    hours_override: str | None = None

    @classmethod
    def from_settings(cls, settings: TelephonySettings, avg_handle_seconds: int | None = None) -> AgentBoard:
        """Defaults before staff report; handling time: ``avg_handle_minutes`` of ``handoff.yml``."""
        if avg_handle_seconds is None:
            avg_handle_seconds = HandoffSettings.load().avg_handle_minutes * 60
        return cls(settings.staffed_agents, settings.free_agents, settings.waiting_calls, avg_handle_seconds)


@dataclass
class TurnStart:
    """A call at the start of a request, and which of its activity ids are new."""

    call: CallRecord
    fresh: list[bool] = field(default_factory=list)


class CallStore(ABC):
    """Shared call state; all methods are synchronous and safe to call from threads."""

    def __init__(self, defaults: AgentBoard) -> None:
        self.defaults = defaults

    @abstractmethod
    def create_call(self, conversation_id: str, instance: str, max_admitted: int, ttl: float,
                    now: float | None = None) -> tuple[CallRecord, bool]:
        """Create a call; admitted while ``instance`` carries fewer than ``max_admitted`` calls.

        Returns the record and whether it was created now (False: it existed already,
        e.g. the gateway retried the request; the first decision stands).
        """

    @abstractmethod
    def begin_turn(self, conversation_id: str, activity_ids: Sequence[str | None], ttl: float,
                   now: float | None = None) -> TurnStart | None:
        """Refresh a live call and record activity ids; None for an unknown or expired call.

        ``fresh[i]`` is False when ``activity_ids[i]`` was handled before (a retry);
        activities without an id are always fresh.
        """

    @abstractmethod
    def get_call(self, conversation_id: str, now: float | None = None) -> CallRecord | None:
        """The live call, or None."""

    @abstractmethod
    def update_call(self, conversation_id: str, *, caller: Any = _UNSET, entered_number: Any = _UNSET,
                    overflow: Any = _UNSET) -> bool:
        """Change fields of a live call; False if there is none."""

    @abstractmethod
    def end_call(self, conversation_id: str) -> CallRecord | None:
        """Delete the call's state (it no longer counts for admission); the record, or None."""

    @abstractmethod
    def active_calls(self, instance: str, now: float | None = None) -> int:
        """Admitted live calls of ``instance``."""

    @abstractmethod
    def board(self) -> AgentBoard:
        """The current agent board."""

    @abstractmethod
    def set_board(self, **changes: Any) -> AgentBoard:
        """Set fields of the agent board (staff presence, queue, hours override)."""

    @abstractmethod
    def claim_agent(self) -> bool:
        """Take one free agent for a transfer (atomically); False if none is free."""

    @abstractmethod
    def join_queue(self) -> int:
        """A caller joins the hotline queue; returns the number now waiting (its position)."""

    @abstractmethod
    def leave_queue(self) -> None:
        """A caller left the queue before an agent took the call (e.g. the transfer failed)."""

    @abstractmethod
    def purge_expired(self, now: float | None = None) -> int:
        """Delete expired call state; the number of calls removed."""

    def close(self) -> None:  # noqa: B027 - an optional hook: stores without connections keep the no-op
        """Release connections."""


def _check_board(changes: dict[str, Any]) -> dict[str, Any]:
    allowed = {"staffed", "free", "waiting", "avg_handle_seconds", "hours_override"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown agent board fields: {sorted(unknown)}")
    for key in ("staffed", "free", "waiting"):
        if key in changes and (not isinstance(changes[key], int) or changes[key] < 0):
            raise ValueError(f"{key} must be a non-negative integer")
    if "avg_handle_seconds" in changes and (not isinstance(changes["avg_handle_seconds"], int)
                                            or changes["avg_handle_seconds"] < 1):
        raise ValueError("avg_handle_seconds must be a positive integer")
    if "hours_override" in changes and changes["hours_override"] not in HOURS_OVERRIDES:
        raise ValueError("hours_override must be 'open', 'closed' or None")
    return changes


# --------------------------------------------------------------------------- SQL


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

    def update_call(self, conversation_id: str, *, caller: Any = _UNSET, entered_number: Any = _UNSET,
                    overflow: Any = _UNSET) -> bool:
        values = {k: v for k, v in (("caller", caller), ("entered_number", entered_number), ("overflow", overflow))
                  if v is not _UNSET}
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
        _check_board(changes)
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


# --------------------------------------------------------------------------- Redis

_CREATE = """
-- KEYS: call hash, admitted zset. ARGV: now, max, expires_at, ttl_ms, instance, cid
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
local admitted = 0
if redis.call('ZCARD', KEYS[2]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[6])
  admitted = 1
end
redis.call('HSET', KEYS[1], 'instance', ARGV[5], 'admitted', admitted, 'created_at', ARGV[1],
           'expires_at', ARGV[3], 'admitted_key', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return admitted
"""

_BEGIN_TURN = """
-- KEYS: call hash, activity set. ARGV: expires_at, ttl_ms, cid, activity ids... ('' = no id)
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'expires_at', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local admitted_key = redis.call('HGET', KEYS[1], 'admitted_key')
if redis.call('HGET', KEYS[1], 'admitted') == '1' and admitted_key then
  redis.call('ZADD', admitted_key, 'XX', ARGV[1], ARGV[3])
end
local fresh = {}
for i = 4, #ARGV do
  if ARGV[i] == '' then fresh[#fresh + 1] = 1 else fresh[#fresh + 1] = redis.call('SADD', KEYS[2], ARGV[i]) end
end
if #ARGV > 3 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return {fresh, redis.call('HGETALL', KEYS[1])}
"""

_CLAIM = """
local free = tonumber(redis.call('HGET', KEYS[1], 'free') or '0')
if free > 0 then redis.call('HINCRBY', KEYS[1], 'free', -1) return 1 end
return 0
"""

_LEAVE = """
local waiting = tonumber(redis.call('HGET', KEYS[1], 'waiting') or '0')
if waiting > 0 then redis.call('HINCRBY', KEYS[1], 'waiting', -1) end
return 0
"""


class RedisCallStore(CallStore):
    """Call state in Redis (single node; every multi-step change is one Lua script)."""

    def __init__(self, url: str, defaults: AgentBoard, prefix: str = "buergertelefon:phone") -> None:
        import redis

        super().__init__(defaults)
        self._redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)
        self._prefix = prefix
        self._create = self._redis.register_script(_CREATE)
        self._begin = self._redis.register_script(_BEGIN_TURN)
        self._claim = self._redis.register_script(_CLAIM)
        self._leave = self._redis.register_script(_LEAVE)
        board = self._key("board")
        for key, value in asdict(defaults).items():
            if value is not None:
                self._redis.hsetnx(board, key, value)

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    @staticmethod
    def _from_hash(conversation_id: str, data: dict[str, str]) -> CallRecord:
        overflow = data.get("overflow")
        return CallRecord(
            conversation_id, data.get("instance", ""), data.get("admitted") == "1",
            float(data.get("created_at", 0)), float(data.get("expires_at", 0)),
            data.get("caller") or None, data.get("entered_number") or None,
            json.loads(overflow) if overflow else None,
        )

    def create_call(self, conversation_id: str, instance: str, max_admitted: int, ttl: float,
                    now: float | None = None) -> tuple[CallRecord, bool]:
        now = time.time() if now is None else now
        result = int(self._create(
            keys=[self._key("call", conversation_id), self._key("admitted", instance)],
            args=[now, max_admitted, now + ttl, int(ttl * 1000), instance, conversation_id],
        ))
        if result == -1:
            record = self.get_call(conversation_id, now)
            if record is not None:
                return record, False
            return self.create_call(conversation_id, instance, max_admitted, ttl, now)  # expired just now
        return CallRecord(conversation_id, instance, result == 1, now, now + ttl), True

    def begin_turn(self, conversation_id: str, activity_ids: Sequence[str | None], ttl: float,
                   now: float | None = None) -> TurnStart | None:
        now = time.time() if now is None else now
        result = self._begin(
            keys=[self._key("call", conversation_id), self._key("acts", conversation_id)],
            args=[now + ttl, int(ttl * 1000), conversation_id, *[a or "" for a in activity_ids]],
        )
        if not result:
            return None
        flags, flat = result
        data = dict(zip(flat[::2], flat[1::2], strict=False))
        return TurnStart(self._from_hash(conversation_id, data), [bool(int(f)) for f in flags])

    def get_call(self, conversation_id: str, now: float | None = None) -> CallRecord | None:
        data = self._redis.hgetall(self._key("call", conversation_id))
        if not data:
            return None
        record = self._from_hash(conversation_id, data)
        return record if now is None or record.expires_at > now else None

    def update_call(self, conversation_id: str, *, caller: Any = _UNSET, entered_number: Any = _UNSET,
                    overflow: Any = _UNSET) -> bool:
        key = self._key("call", conversation_id)
        if not self._redis.exists(key):
            return False
        sets: dict[str, str] = {}
        deletes: list[str] = []
        for name, value in (("caller", caller), ("entered_number", entered_number), ("overflow", overflow)):
            if value is _UNSET:
                continue
            if value is None:
                deletes.append(name)
            else:
                sets[name] = json.dumps(value) if name == "overflow" else str(value)
        pipe = self._redis.pipeline()
        if sets:
            pipe.hset(key, mapping=sets)
        if deletes:
            pipe.hdel(key, *deletes)
        pipe.execute()
        return True

    def end_call(self, conversation_id: str) -> CallRecord | None:
        key = self._key("call", conversation_id)
        pipe = self._redis.pipeline()
        pipe.hgetall(key)
        pipe.delete(key, self._key("acts", conversation_id))
        data, _ = pipe.execute()
        if not data:
            return None
        record = self._from_hash(conversation_id, data)
        if data.get("admitted_key"):
            self._redis.zrem(data["admitted_key"], conversation_id)
        return record

    def active_calls(self, instance: str, now: float | None = None) -> int:
        now = time.time() if now is None else now
        return int(self._redis.zcount(self._key("admitted", instance), f"({now}", "+inf"))

    def board(self) -> AgentBoard:
        data = self._redis.hgetall(self._key("board"))
        base = asdict(self.defaults)
        for key in ("staffed", "free", "waiting", "avg_handle_seconds"):
            if key in data:
                base[key] = int(data[key])
        base["hours_override"] = data.get("hours_override") or None
        return AgentBoard(**base)

    def set_board(self, **changes: Any) -> AgentBoard:
        _check_board(changes)
        key = self._key("board")
        override = changes.pop("hours_override", _UNSET)
        if changes:
            self._redis.hset(key, mapping={k: int(v) for k, v in changes.items()})
        if override is not _UNSET:
            if override is None:
                self._redis.hdel(key, "hours_override")
            else:
                self._redis.hset(key, "hours_override", override)
        return self.board()

    def claim_agent(self) -> bool:
        return bool(int(self._claim(keys=[self._key("board")])))

    def join_queue(self) -> int:
        return int(self._redis.hincrby(self._key("board"), "waiting", 1))

    def leave_queue(self) -> None:
        self._leave(keys=[self._key("board")])

    def purge_expired(self, now: float | None = None) -> int:
        return 0  # keys expire by themselves; admission sets are pruned on every create

    def clear(self) -> int:
        """Delete every key under this store's prefix (tests, decommissioning); the count."""
        keys = list(self._redis.scan_iter(match=f"{self._prefix}:*", count=500))
        return int(self._redis.delete(*keys)) if keys else 0

    def close(self) -> None:
        self._redis.close()


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


def open_store(settings: TelephonySettings) -> CallStore:
    """The store the settings name: Redis if ``redis_url`` is set, else SQL."""
    defaults = AgentBoard.from_settings(settings)
    if settings.redis_url:
        return RedisCallStore(settings.redis_url, defaults, settings.redis_prefix)
    return SqlCallStore(get_engine(settings.db_url), defaults)
