"""Retention deletes exactly what is due; deletion on request removes one conversation everywhere."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.settings import ConsoleSettings
from bot.handoff.callback.turns import CallbackDraft
from bot.handoff.callback.windows import Window
from bot.handoff.models import Handoff
from bot.review import jobs
from bot.review.annotations import add_annotation
from bot.review.ingest import ingest
from bot.review.models import ReviewAnnotation, ReviewConversation, ReviewTurn
from bot.review.retention import delete_conversation, purge
from bot.review.stores import open_stores
from bot.review.tracker_events import EVENTS
from bot.staff.audit import audit_entries
from bot.staff.models import ConsoleSession
from bot.telephony.callbacks import CallContext
from tests.review.trackers import bot, conversation, save, tracker_store, ts, user
from tests.schema import with_tables

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=timezone.utc)
INSIDE = NOW - timedelta(days=29)   # one day inside the 30-day window: stays
OUTSIDE = NOW - timedelta(days=31)  # one day outside: goes


async def _fixture_data(settings: ConsoleSettings) -> None:
    store = tracker_store(settings.tracker_db_url)
    for sender, moment in (("old-1", OUTSIDE), ("recent-1", INSIDE)):
        start = ts(moment)
        await save(store, sender, conversation(
            start,
            user("Ich möchte einen Menschen", "nlu_fallback", 0.1, start + 1),
            bot("Das habe ich nicht verstanden.", start + 2),
        ))
    store.engine.dispose()
    window = Window(key="morning", spoken="vormittags", start=OUTSIDE, end=OUTSIDE + timedelta(hours=2))
    with open_stores(settings) as stores:
        ingest(stores.tracker_engine, stores.sessions, now=NOW)
        with stores.sessions() as session, session.begin():
            add_annotation(session, "old-1", 0, "falscher_intent", "rita", correct_intent="request_human")
            add_annotation(session, "recent-1", 0, "falscher_intent", "rita", correct_intent="request_human")
            session.add_all([
                ConsoleSession(token_hash="a" * 64, user_id=_user_id(session), csrf_token="x", created_at=OUTSIDE,
                               last_seen=OUTSIDE, expires_at=NOW - timedelta(hours=1)),
                ConsoleSession(token_hash="b" * 64, user_id=_user_id(session), csrf_token="y", created_at=NOW,
                               last_seen=NOW, expires_at=NOW + timedelta(hours=1)),
            ])
        old_closed = stores.queue.enqueue("old-1", "socketio", "buergertelefon", "request_human", now=OUTSIDE)
        stores.queue.close(old_closed.id, "solved", now=OUTSIDE)
        stores.queue.enqueue("old-waiting", "socketio", "buergertelefon", "fallback", now=OUTSIDE)
        recent = stores.queue.enqueue("recent-1", "socketio", "buergertelefon", "request_human", now=INSIDE)
        stores.queue.close(recent.id, "solved", now=INSIDE)
        stores.callbacks.add(CallbackDraft("phone", "+49711123456", None, window), CallContext("old-call"), now=OUTSIDE)
        stores.callbacks.add(CallbackDraft("phone", "+49711654321", None, window), CallContext("recent-call"),
                             now=INSIDE)


def _user_id(session) -> int:  # type: ignore[no-untyped-def]
    from bot.staff.models import ConsoleUser

    user_row = session.scalars(select(ConsoleUser)).first()
    if user_row is None:
        user_row = ConsoleUser(username="rita", display_name="Rita", password_hash="x", roles="reviewer",
                               created_at=NOW)
        session.add(user_row)
        session.flush()
    return int(user_row.id)


def _state(settings: ConsoleSettings) -> dict[str, object]:
    with open_stores(settings) as stores:
        with stores.tracker_engine.connect() as connection:
            senders = sorted(set(connection.execute(select(EVENTS.c.sender_id)).scalars()))
        with stores.sessions() as session:
            return {
                "events": senders,
                "handoffs": sorted((row.conversation_id, row.status) for row in session.scalars(select(Handoff))),
                "review": sorted(session.scalars(select(ReviewConversation.conversation_id))),
                "turns": sorted(set(session.scalars(select(ReviewTurn.conversation_id)))),
                "annotations": sorted(session.scalars(select(ReviewAnnotation.conversation_id))),
                "sessions": sorted(session.scalars(select(ConsoleSession.token_hash))),
                "callbacks": sorted(row.conversation_id for row in stores.callbacks.open_requests()),
            }


async def _check_purge(settings: ConsoleSettings) -> None:
    await _fixture_data(settings)
    counts = purge(settings, now=NOW)
    assert counts["conversations"] == 1 and counts["events"] > 0
    assert (counts["handoffs"], counts["callbacks"], counts["console_sessions"]) == (1, 1, 1)
    assert (counts["review_conversations"], counts["annotations"]) == (1, 1)
    assert _state(settings) == {
        "events": ["recent-1"],
        "handoffs": [("old-waiting", "waiting"), ("recent-1", "closed")],
        "review": ["recent-1"],
        "turns": ["recent-1"],
        "annotations": ["recent-1"],
        "sessions": ["b" * 64],
        "callbacks": ["recent-call"],
    }
    with open_stores(settings) as stores, stores.sessions() as session:
        entries = audit_entries(session, action="retention_purge")
        assert len(entries) == 1 and entries[0].actor == "system"
        assert json.loads(entries[0].detail)["events"] == counts["events"]
    # Nothing more is due: a second run deletes nothing.
    again = purge(settings, now=NOW, actor="cli:test")
    assert all(value == 0 for key, value in again.items() if key != "days")


async def test_purge_deletes_exactly_what_is_due_sqlite(settings: ConsoleSettings) -> None:
    await _check_purge(settings)


@pytest.mark.postgres
async def test_purge_deletes_exactly_what_is_due_postgresql(postgres_url: str) -> None:
    with_tables(postgres_url, "staff", "telephony")  # the three share one database here
    settings = ConsoleSettings(staff_db_url=postgres_url, tracker_db_url=postgres_url, telephony_db_url=postgres_url)
    await _check_purge(settings)


async def test_shorter_retention_by_argument(settings: ConsoleSettings) -> None:
    await _fixture_data(settings)
    counts = purge(settings, now=NOW, days=28)
    assert counts["conversations"] == 2
    assert _state(settings)["events"] == []


async def test_delete_conversation_removes_everything_of_it(settings: ConsoleSettings) -> None:
    await _fixture_data(settings)
    counts = delete_conversation(settings, "recent-1", "admin")
    assert counts["events"] > 0 and counts["handoffs"] == 1 and counts["annotations"] == 1
    state = _state(settings)
    assert state["events"] == ["old-1"]
    assert "recent-1" not in state["review"] + state["turns"] + state["annotations"]
    assert ("recent-1", "closed") not in state["handoffs"]
    with open_stores(settings) as stores, stores.sessions() as session:
        entry = audit_entries(session, action="delete_conversation")[0]
        assert (entry.actor, entry.target) == ("admin", "conversation:recent-1")
    with pytest.raises(ValueError, match="conversation id is empty"):
        delete_conversation(settings, "  ", "admin")


async def test_job_ingests_every_time_and_purges_at_most_hourly(settings: ConsoleSettings) -> None:
    await _fixture_data(settings)
    first = jobs.run_once(settings, now=NOW)
    assert first["purged_conversations"] == 1
    store = tracker_store(settings.tracker_db_url)
    start = ts(NOW)
    await save(store, "new-1", conversation(start, user("Hallo", "greet", 0.3, start + 1)))
    store.engine.dispose()
    second = jobs.run_once(settings, now=NOW + timedelta(minutes=10))
    assert second["conversations"] == 1 and "purged_conversations" not in second
    third = jobs.run_once(settings, now=NOW + timedelta(minutes=61))
    assert "purged_conversations" in third
    with open_stores(settings) as stores, stores.sessions() as session:
        assert len(audit_entries(session, action="retention_purge")) == 2
        assert session.get(ReviewConversation, "new-1").flagged


async def test_audit_log_is_kept_a_year(settings: ConsoleSettings) -> None:
    from datetime import timedelta

    from bot.staff.audit import record_audit

    with open_stores(settings) as stores, stores.sessions() as session, session.begin():
        record_audit(session, "rita", "login", now=NOW - timedelta(days=366))
        record_audit(session, "rita", "export", "export:annotations", now=NOW - timedelta(days=364))
    counts = purge(settings, now=NOW)
    assert counts["audit_entries"] == 1
    with open_stores(settings) as stores, stores.sessions() as session:
        assert [entry.action for entry in audit_entries(session)] == ["retention_purge", "export"]


async def test_an_active_sender_loses_its_old_events_on_schedule(settings: ConsoleSettings) -> None:
    """Retention goes by each event's age, not by the conversation's newest event (H4)."""
    store = tracker_store(settings.tracker_db_url)
    old, recent = ts(OUTSIDE), ts(INSIDE)
    await save(store, "always-active", [
        *conversation(old, user("Meine Nummer ist 0711 7654321", "inform", 0.9, old + 1)),
        *conversation(recent, user("Was kostet ein Reisepass?", "ask_fees", 0.9, recent + 1)),
    ])
    store.engine.dispose()
    counts = purge(settings, now=NOW)
    assert counts["events"] == 4 and counts["conversations"] == 0  # the conversation itself goes on
    with open_stores(settings) as stores, stores.tracker_engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.timestamp, EVENTS.c.data)).all()
    assert rows and min(row.timestamp for row in rows) >= ts(INSIDE)
    assert not any("7654321" in (row.data or "") for row in rows)


async def test_abandoned_calls_and_assignments_do_not_outlive_retention(settings: ConsoleSettings) -> None:
    """L11: state of calls that never hung up is purged; L12: handoffs left assigned go after retention."""
    from bot.telephony.models import PhoneCall

    with open_stores(settings) as stores:
        with Session(stores.telephony_engine, future=True) as session, session.begin():
            session.add(PhoneCall(conversation_id="lost-call", instance="i", admitted=True, caller="+49711123456",
                                  created_at=ts(OUTSIDE), expires_at=ts(OUTSIDE) + 3600))
        assigned = stores.queue.enqueue("left-1", "socketio", "buergertelefon", "request_human", now=OUTSIDE)
        assert stores.queue.claim(assigned.id, _user_id_of(stores))
    counts = purge(settings, now=NOW)
    assert counts["calls"] == 1
    with open_stores(settings) as stores:
        with Session(stores.telephony_engine, future=True) as session:
            assert session.get(PhoneCall, "lost-call") is None
        assert all(entry.conversation_id != "left-1" for entry in stores.queue.history())


def _user_id_of(stores) -> int:  # type: ignore[no-untyped-def]
    with stores.sessions() as session, session.begin():
        return _user_id(session)
