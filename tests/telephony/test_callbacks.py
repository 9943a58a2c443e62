"""Callback requests: store, list, done, retention and deletion on request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot.config import TIMEZONE
from bot.db.engine import get_engine
from bot.handoff.callback.turns import CallbackDraft
from bot.handoff.callback.windows import Window
from bot.telephony.callbacks import CallbackRepository, CallContext
from tests.schema import with_tables

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=TIMEZONE)


def draft(phone: str = "0711987654", day: int = 5) -> CallbackDraft:
    start = datetime(2026, 3, day, 8, tzinfo=TIMEZONE)
    return CallbackDraft("phone", phone, None, Window("vormittag", "vormittags", start, start + timedelta(hours=4)))


@pytest.fixture(params=["sqlite", "postgres"])
def callbacks(request, tmp_path) -> Iterator[CallbackRepository]:
    url = (f"sqlite:///{tmp_path / 'telephony.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    repo = CallbackRepository(get_engine(with_tables(url, "telephony")))
    yield repo
    repo.dispose()


def test_store_and_list_minimal_data(callbacks: CallbackRepository) -> None:
    later = callbacks.add(draft(day=6), CallContext("call-2", "request_human"), NOW)
    first = callbacks.add(draft("+49711123", day=5), CallContext("call-1", "ask_fees", "reisepass", "mitte"), NOW)
    rows = callbacks.open_requests()
    assert [r.id for r in rows] == [first, later]  # earliest due first
    row = rows[0]
    assert (row.phone, row.reason, row.service, row.district, row.window_key) == (
        "+49711123", "ask_fees", "reisepass", "mitte", "vormittag")
    assert row.preferred_day.isoformat() == "2026-03-05"
    assert {c.name for c in row.__table__.columns} == {
        "id", "created_at", "conversation_id", "phone", "preferred_day", "window_key", "due_from", "due_until",
        "reason", "service", "district", "status", "done_at",
        "channel", "email",  # web-chat requests (tests/handoff/test_web_callbacks.py)
    }
    assert (row.channel, row.email) == ("phone", None)


def test_mark_done(callbacks: CallbackRepository) -> None:
    request_id = callbacks.add(draft(), CallContext("call-1"), NOW)
    assert callbacks.mark_done(request_id, NOW) and not callbacks.mark_done(request_id, NOW)
    assert callbacks.open_requests() == []


def test_retention_deletes_old_requests_only(callbacks: CallbackRepository) -> None:
    callbacks.add(draft(), CallContext("old"), NOW - timedelta(days=31))
    done = callbacks.add(draft(), CallContext("old-done"), NOW - timedelta(days=40))
    callbacks.mark_done(done, NOW - timedelta(days=39))
    callbacks.add(draft(), CallContext("recent"), NOW - timedelta(days=29))
    assert callbacks.purge(30, NOW) == 2
    assert [r.conversation_id for r in callbacks.open_requests()] == ["recent"]
    with pytest.raises(ValueError, match="at least 1"):
        callbacks.purge(0, NOW)


def test_delete_one_conversation(callbacks: CallbackRepository) -> None:
    callbacks.add(draft(), CallContext("mine"), NOW)
    callbacks.add(draft(), CallContext("other"), NOW)
    assert callbacks.delete_conversation("mine") == 1
    assert callbacks.for_conversation("mine") == [] and len(callbacks.for_conversation("other")) == 1


def test_web_requests_one_per_conversation_and_an_hourly_cap(tmp_path) -> None:
    """M6: asking again adds no second request; a script cannot fill the list."""
    from bot.telephony.callbacks import CallbackLimitReached

    repository = CallbackRepository(get_engine(with_tables(f"sqlite:///{tmp_path / 't.db'}", "telephony")),
                                    web_per_hour=3)
    start = datetime.now(TIMEZONE).replace(microsecond=0)
    window = Window(key="morning", spoken="vormittags", start=start, end=start + timedelta(hours=3))
    first = repository.add_web(CallContext("c-1"), window, phone="+49711123456")
    assert repository.add_web(CallContext("c-1"), window, email="erika@example.de") == first
    repository.add_web(CallContext("c-2"), window, phone="+49711123457")
    repository.add_web(CallContext("c-3"), window, phone="+49711123458")
    with pytest.raises(CallbackLimitReached):
        repository.add_web(CallContext("c-4"), window, phone="+49711123459")
    assert len(repository.open_requests()) == 3
    repository.dispose()
