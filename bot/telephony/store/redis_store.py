"""Call state in Redis (``TELEPHONY_REDIS_URL``; production): atomic Lua scripts, keys expire by themselves."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from bot.telephony.store.base import UNSET, AgentBoard, CallRecord, CallStore, TurnStart, check_board

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
local admitted = redis.call('HGET', KEYS[1], 'admitted') == '1'
if admitted and admitted_key then
  redis.call('ZADD', admitted_key, 'XX', ARGV[1], ARGV[3])
end
local fresh = {}
for i = 4, #ARGV do
  -- an admitted call's retries are Rasa's to answer once (message id): nothing recorded here
  if ARGV[i] == '' or admitted then
    fresh[#fresh + 1] = 1
  else
    fresh[#fresh + 1] = redis.call('SADD', KEYS[2], ARGV[i])
  end
end
if #ARGV > 3 and not admitted then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
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

    def update_call(self, conversation_id: str, *, caller: Any = UNSET, entered_number: Any = UNSET,
                    overflow: Any = UNSET) -> bool:
        key = self._key("call", conversation_id)
        if not self._redis.exists(key):
            return False
        sets: dict[str, str] = {}
        deletes: list[str] = []
        for name, value in (("caller", caller), ("entered_number", entered_number), ("overflow", overflow)):
            if value is UNSET:
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
        check_board(changes)
        key = self._key("board")
        override = changes.pop("hours_override", UNSET)
        if changes:
            self._redis.hset(key, mapping={k: int(v) for k, v in changes.items()})
        if override is not UNSET:
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
