"""AtomicRedisLockStore against the real Redis server: tickets are unique under contention."""

from __future__ import annotations

import threading
import uuid

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.locks import AtomicRedisLockStore


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
