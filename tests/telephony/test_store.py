"""The shared call store on every backend: SQLite, PostgreSQL, Redis."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

from bot.db.engine import get_engine
from bot.telephony.store.base import AgentBoard, CallStore
from bot.telephony.store.redis_store import RedisCallStore
from bot.telephony.store.sql import SqlCallStore
from tests.schema import with_tables

DEFAULTS = AgentBoard(staffed=4, free=1, waiting=0, avg_handle_seconds=240)
NOW = 1_800_000_000.0


def _redis_url() -> str:
    import redis

    url = "redis://127.0.0.1:6379/4"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis not reachable: {error}")
    return url


@pytest.fixture(params=["sqlite", "postgres", "redis"])
def store(request, tmp_path) -> Iterator[CallStore]:
    """An empty store on each backend."""
    if request.param == "sqlite":
        created: CallStore = SqlCallStore(
            get_engine(with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony")), DEFAULTS)
    elif request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        created = SqlCallStore(get_engine(with_tables(url, "telephony")), DEFAULTS)
    else:
        created = RedisCallStore(_redis_url(), DEFAULTS, prefix=f"test:{uuid.uuid4().hex[:8]}")
    yield created
    if isinstance(created, RedisCallStore):
        created.clear()
    created.close()


def test_admission_up_to_the_maximum_per_instance(store: CallStore) -> None:
    decisions = [store.create_call(f"c{i}", "node-a", 2, 60)[0].admitted for i in range(4)]
    assert decisions == [True, True, False, False]
    assert store.create_call("other", "node-b", 2, 60)[0].admitted  # another instance has its own limit
    assert store.active_calls("node-a") == 2


def test_create_is_idempotent(store: CallStore) -> None:
    first, created = store.create_call("c1", "node-a", 0, 60)
    again, created_again = store.create_call("c1", "node-a", 5, 60)
    assert created and not created_again
    assert not first.admitted and not again.admitted  # the first decision stands


def test_ending_a_call_frees_its_place_and_forgets_the_number(store: CallStore) -> None:
    store.create_call("c1", "node-a", 1, 60)
    store.update_call("c1", caller="+4971112345", entered_number="0711999888")
    assert store.get_call("c1").caller == "+4971112345"
    ended = store.end_call("c1")
    assert ended is not None and ended.entered_number == "0711999888"
    assert store.get_call("c1") is None and store.active_calls("node-a") == 0
    assert store.create_call("c2", "node-a", 1, 60)[0].admitted
    assert store.end_call("c1") is None


def test_begin_turn_deduplicates_the_activity_ids_of_an_overflow_call(store: CallStore) -> None:
    assert not store.create_call("c1", "node-a", 0, 60)[0].admitted
    first = store.begin_turn("c1", ["a1", None, "a2", "a1"], 60)
    assert first is not None and first.fresh == [True, True, True, False]
    again = store.begin_turn("c1", ["a2", "a3"], 60)
    assert again.fresh == [False, True]
    assert store.begin_turn("unknown", ["a1"], 60) is None


def test_an_admitted_calls_activities_are_left_to_rasa(store: CallStore) -> None:
    assert store.create_call("c1", "node-a", 5, 60)[0].admitted
    assert store.begin_turn("c1", ["a1", "a1"], 60).fresh == [True, True]  # Rasa answers a retry once
    assert store.begin_turn("c1", ["a1"], 60).fresh == [True]


def test_calls_expire_without_refresh(tmp_path) -> None:
    store = SqlCallStore(get_engine(with_tables(f"sqlite:///{tmp_path / 't.db'}", "telephony")), DEFAULTS)
    store.create_call("c1", "node-a", 1, 60, now=NOW)
    assert store.begin_turn("c1", [], 60, now=NOW + 50) is not None  # refreshed until NOW + 110
    assert store.get_call("c1", now=NOW + 100) is not None
    assert store.get_call("c1", now=NOW + 111) is None
    assert store.active_calls("node-a", now=NOW + 111) == 0
    assert store.create_call("c2", "node-a", 1, 60, now=NOW + 111)[0].admitted
    assert store.purge_expired(now=NOW + 1000) == 1
    store.close()


def test_overflow_state_round_trips(store: CallStore) -> None:
    store.create_call("c1", "node-a", 0, 60)
    state = {"step": "offer", "windows": [{"key": "vormittag"}], "retries": 0}
    store.update_call("c1", overflow=state)
    assert store.get_call("c1").overflow == state
    store.update_call("c1", overflow=None)
    assert store.get_call("c1").overflow is None
    assert not store.update_call("missing", overflow=state)


def test_agent_board_claim_queue_and_override(store: CallStore) -> None:
    assert store.board() == DEFAULTS
    assert store.claim_agent() and not store.claim_agent()
    assert store.join_queue() == 1 and store.join_queue() == 2
    store.leave_queue()
    assert store.board().waiting == 1
    board = store.set_board(free=3, hours_override="closed")
    assert (board.free, board.hours_override) == (3, "closed")
    assert store.set_board(hours_override=None).hours_override is None
    with pytest.raises(ValueError, match="non-negative"):
        store.set_board(free=-1)
    with pytest.raises(ValueError, match="hours_override"):
        store.set_board(hours_override="sometimes")


def test_claims_are_atomic_under_concurrency(store: CallStore) -> None:
    store.set_board(free=5)
    results: list[bool] = []
    lock = threading.Lock()

    def claim() -> None:
        for _ in range(5):
            outcome = store.claim_agent()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 5 and store.board().free == 0


def test_concurrent_admission_respects_the_maximum(store: CallStore) -> None:
    admitted: list[bool] = []
    lock = threading.Lock()

    def create(n: int) -> None:
        record, _ = store.create_call(f"c{n}", "node-a", 3, 60)
        with lock:
            admitted.append(record.admitted)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert admitted.count(True) == 3
