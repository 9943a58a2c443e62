"""The handoff queue (``bot/handoff/queue.py``) on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.engine import get_engine
from bot.handoff.models import Handoff
from bot.handoff.queue import HandoffQueue
from bot.staff import session_factory
from tests.schema import with_tables

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgres"])
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HandoffQueue]:
    """A queue on a fresh SQLite file or a fresh PostgreSQL database."""
    url = f"sqlite:///{tmp_path / 'staff.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = get_engine(with_tables(url, "staff"))
    yield HandoffQueue(engine)
    engine.dispose()


def _enqueue(queue: HandoffQueue, conversation: str, minutes: int = 0, team: str = "buergertelefon"):
    return queue.enqueue(conversation, "socketio", team, "request_human", service="personalausweis",
                         summary="Anliegen: Personalausweis", now=T0 + timedelta(minutes=minutes))


def test_positions_follow_arrival_per_team(queue: HandoffQueue) -> None:
    first = _enqueue(queue, "a")
    second = _enqueue(queue, "b", 1)
    other_team = _enqueue(queue, "c", 2, team="sozialamt")
    assert (first.position, second.position, other_team.position) == (1, 2, 1)
    assert [entry.conversation_id for entry in queue.waiting()] == ["a", "b", "c"]
    assert queue.waiting_count("buergertelefon") == 2


def test_enqueue_twice_returns_the_open_entry(queue: HandoffQueue) -> None:
    first = _enqueue(queue, "a")
    again = _enqueue(queue, "a", 5)
    assert again.id == first.id
    assert len(queue.waiting()) == 1


def test_unknown_reason_is_refused(queue: HandoffQueue) -> None:
    with pytest.raises(ValueError, match="unknown handoff reason"):
        queue.enqueue("a", "socketio", "buergertelefon", "because")


def test_cancel_moves_the_others_up(queue: HandoffQueue) -> None:
    _enqueue(queue, "a")
    second = _enqueue(queue, "b", 1)
    assert queue.cancel("a", now=T0 + timedelta(minutes=2))
    assert queue.get(second.id).position == 1
    assert not queue.cancel("a")
    assert queue.open_entry("a") is None


def test_only_one_agent_wins_a_claim(queue: HandoffQueue) -> None:
    entry = _enqueue(queue, "a")
    results: list[bool] = []
    threads = [threading.Thread(target=lambda agent=agent: results.append(queue.claim(entry.id, agent)))
               for agent in (None, None)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    taken = queue.get(entry.id)
    assert taken.status == "assigned" and taken.position is None
    assert queue.assigned() and not queue.waiting()


def test_close_needs_a_known_outcome_and_an_open_entry(queue: HandoffQueue) -> None:
    entry = _enqueue(queue, "a")
    with pytest.raises(ValueError, match="unknown handoff outcome"):
        queue.close(entry.id, "great")
    assert queue.close(entry.id, "returned_to_bot")
    assert not queue.close(entry.id, "solved")
    assert queue.get(entry.id).outcome == "returned_to_bot"


def test_mark_notified_is_compare_and_set(queue: HandoffQueue) -> None:
    entry = _enqueue(queue, "a")
    assert queue.mark_notified(entry.id, None, 3)
    assert not queue.mark_notified(entry.id, None, 2)
    assert queue.mark_notified(entry.id, 3, 2)
    assert queue.get(entry.id).notified_position == 2


def test_last_change_moves_with_every_change(queue: HandoffQueue) -> None:
    assert queue.last_change() is None
    entry = _enqueue(queue, "a")
    before = queue.last_change()
    queue.close(entry.id, "solved", now=T0 + timedelta(minutes=9))
    assert queue.last_change() > before


def test_purge_keeps_open_and_recent_entries(queue: HandoffQueue) -> None:
    old_closed = _enqueue(queue, "old")
    queue.close(old_closed.id, "solved")
    _enqueue(queue, "old-waiting")
    recent = queue.enqueue("recent", "rest", "buergertelefon", "fallback", now=T0 + timedelta(days=29))
    queue.close(recent.id, "solved")
    assert queue.purge(30, now=T0 + timedelta(days=31)) == 1
    remaining = {entry.conversation_id for entry in queue.history()}
    assert remaining == {"old-waiting", "recent"}
    with pytest.raises(ValueError, match="at least 1"):
        queue.purge(0)


def test_expire_waiting_and_delete_conversation(queue: HandoffQueue) -> None:
    _enqueue(queue, "a")
    _enqueue(queue, "b", 100)
    assert queue.expire_waiting(timedelta(hours=2), now=T0 + timedelta(hours=2, minutes=30)) == 1
    assert queue.history()[-1].outcome == "expired"
    assert queue.delete_conversation("a") == 1
    assert {entry.conversation_id for entry in queue.history()} == {"b"}


def test_times_come_back_in_utc(tmp_path: Path) -> None:
    engine = get_engine(with_tables(f"sqlite:///{tmp_path / 'staff.db'}", "staff"))
    queue = HandoffQueue(engine)
    entry = _enqueue(queue, "a")
    assert entry.created_at == T0 and entry.created_at.tzinfo is not None
    assert entry.waiting_minutes(T0 + timedelta(minutes=7, seconds=30)) == 7
    with session_factory(engine)() as session:
        assert session.scalar(select(Handoff.summary)) == "Anliegen: Personalausweis"
    engine.dispose()
