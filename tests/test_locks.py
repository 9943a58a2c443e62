"""AtomicRedisLockStore against the real Redis server: tickets are unique under contention,
leased (a dead holder's ticket expires soon, a live holder's does not), and an outage fails fast."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.locks import LEASE_SECONDS, AtomicRedisLockStore


@pytest.fixture
def store() -> AtomicRedisLockStore:
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {error}")
    config = EndpointConfig(url="127.0.0.1", type="bot.locks.AtomicRedisLockStore", port=6379, db=2,
                            key_prefix=f"t{uuid.uuid4().hex[:8]}")
    return AtomicRedisLockStore(config)


def test_tickets_are_unique_when_issued_concurrently(store: AtomicRedisLockStore) -> None:
    conversation = "c1"
    tickets: list[int] = []
    barrier = threading.Barrier(8)

    def take() -> None:
        barrier.wait()
        tickets.append(store.issue_ticket(conversation))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(tickets) == list(range(8))
    for ticket in tickets:
        store.cleanup(conversation, ticket)
    assert store.get_lock(conversation) is None


async def test_lock_context_serialises_and_cleans_up(store: AtomicRedisLockStore) -> None:
    async with store.lock("c2") as lock:
        assert lock.conversation_id == "c2"
        assert store.is_someone_waiting("c2")
    assert store.get_lock("c2") is None


async def test_a_dead_holders_ticket_expires_within_its_lease(store: AtomicRedisLockStore) -> None:
    """A replica killed mid-turn never returns its ticket: the next message waits one lease, not 60 s."""
    store.issue_ticket("c3", LEASE_SECONDS)  # taken, then the holder dies (no renewal)
    started = time.monotonic()
    async with store.lock("c3"):
        waited = time.monotonic() - started
    assert LEASE_SECONDS - 1 < waited < LEASE_SECONDS + 1


async def test_a_live_holder_keeps_its_ticket_beyond_the_lease(store: AtomicRedisLockStore) -> None:
    order: list[str] = []

    async def slow_turn() -> None:
        async with store.lock("c4"):
            order.append("slow start")
            await asyncio.sleep(LEASE_SECONDS + 1.5)
            order.append("slow end")

    async def next_turn() -> None:
        await asyncio.sleep(0.2)
        async with store.lock("c4"):
            order.append("next")

    await asyncio.gather(slow_turn(), next_turn())
    assert order == ["slow start", "slow end", "next"]
    assert store.get_lock("c4") is None


def test_redis_calls_give_up_fast_when_redis_is_gone() -> None:
    import redis

    from bench.helpers.forwarder import Forwarder

    with Forwarder(("127.0.0.1", 6379)) as forwarder:
        config = EndpointConfig(url="127.0.0.1", type="bot.locks.AtomicRedisLockStore", port=forwarder.port, db=2,
                                key_prefix=f"t{uuid.uuid4().hex[:8]}")
        store = AtomicRedisLockStore(config)
        try:
            store.red.ping()
        except redis.exceptions.RedisError as error:
            pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {error}")
        forwarder.cut()
        started = time.monotonic()
        with pytest.raises(redis.exceptions.RedisError):
            store.issue_ticket("c5")
        assert time.monotonic() - started < 1
        forwarder.restore()
        store.cleanup("c5", store.issue_ticket("c5"))
