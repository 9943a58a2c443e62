"""The web chat's handoff: queue entry, position, cancel, triggers (real SQLite staff DB)."""

from __future__ import annotations

from datetime import datetime

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import staff
from actions.application_status import ActionApplicationStatus
from actions.fees import ActionFees
from actions.handoff import ActionHandleAffirm, ActionRequestHuman
from actions.handoff_queue import ActionCancelHandoff
from bench.helpers.handoff_config import ALWAYS_STAFFED, CLOSED_TEAM, add_closed_office, set_override, write_config
from bot.config import TIMEZONE
from bot.db.engine import get_engine
from bot.german import euro
from bot.handoff.queue import HandoffQueue
from bot.kb.shared import repository
from bot.telephony import runtime
from tests.actions.conftest import make_tracker, texts
from tests.schema import with_tables


@pytest.fixture(autouse=True)
def telephony_db(tmp_path, monkeypatch):
    """Callback windows and requests in a fresh telephony database."""
    monkeypatch.setenv("TELEPHONY_DB_URL", with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony"))
    monkeypatch.delenv("TELEPHONY_REDIS_URL", raising=False)
    runtime.reset()
    yield
    runtime.reset()


@pytest.fixture
def staffed(tmp_path, monkeypatch, sqlite_engine):
    """handoff.yml: one always-staffed team and a closed team for Wohngeld; queue limit 2."""
    add_closed_office(sqlite_engine, datetime.now(TIMEZONE).date())
    monkeypatch.setenv("HANDOFF_CONFIG", str(write_config(tmp_path / "handoff.yml", [CLOSED_TEAM, ALWAYS_STAFFED],
                                                          queue_limit=2, always_human=["einbuergerung"])))
    staff.reset()


@pytest.fixture
def queue(staff_db) -> HandoffQueue:
    return HandoffQueue(get_engine(staff_db))


def tracker_for(sender: str, text: str, intent: str, **kwargs):
    tracker = make_tracker(text, intent, **kwargs)
    tracker.sender_id = sender
    return tracker


async def run(action, tracker, dispatcher=None):
    dispatcher = dispatcher or CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher, events


async def test_request_human_enters_the_queue_with_position_and_wait(staffed, queue) -> None:
    dispatcher, events = await run(ActionRequestHuman(), tracker_for("c1", "Mitarbeiter bitte", "request_human",
                                                                     slots={"service": "reisepass",
                                                                            "district": "mitte"},
                                                                     history=["ask_fees", "nlu_fallback"]))
    text = texts(dispatcher)
    assert "Ich verbinde Sie mit einer Mitarbeiterin oder einem Mitarbeiter. Sie sind an Position 1." in text
    assert "Die Wartezeit beträgt etwa 6 Minuten." in text
    assert dispatcher.messages[0]["buttons"] == [{"title": "Warten abbrechen", "payload": "/cancel_handoff"}]
    entry = queue.open_entry("c1")
    assert entry is not None and entry.status == "waiting" and entry.position == 1
    assert (entry.channel, entry.team, entry.reason, entry.service, entry.district) == (
        "rest", "buergertelefon", "request_human", "reisepass", "mitte")
    assert entry.summary.startswith("Grund: Wunsch nach einer Person; Themen: Gebühren; Leistung: Reisepass")
    assert "nicht verstanden: 1" in entry.summary
    assert entry.notified_position == 1
    assert {"event": "slot", "name": "offer", "value": None, "timestamp": None} in events


async def test_second_conversation_gets_position_two_and_asking_again_adds_no_entry(staffed, queue) -> None:
    await run(ActionRequestHuman(), tracker_for("c1", "Mensch bitte", "request_human"))
    second, _ = await run(ActionRequestHuman(), tracker_for("c2", "Mensch bitte", "request_human"))
    assert "Position 2" in texts(second) and "etwa 12 Minuten" in texts(second)
    again, _ = await run(ActionRequestHuman(), tracker_for("c2", "Wie lange noch?", "request_human"))
    assert "Sie warten bereits" in texts(again) and "Position 2" in texts(again)
    assert [e.conversation_id for e in queue.waiting()] == ["c1", "c2"]


async def test_cancel_leaves_the_queue_and_closes_the_entry(staffed, queue) -> None:
    await run(ActionRequestHuman(), tracker_for("c1", "Mensch bitte", "request_human"))
    dispatcher, _ = await run(ActionCancelHandoff(), tracker_for("c1", "Warten abbrechen", "cancel_handoff"))
    assert "Sie haben die Warteschlange verlassen." in texts(dispatcher)
    assert queue.open_entry("c1") is None
    closed = queue.history()[0]
    assert (closed.status, closed.outcome) == ("closed", "cancelled")
    again, _ = await run(ActionCancelHandoff(), tracker_for("c1", "Warten abbrechen", "cancel_handoff"))
    assert "Sie warten gerade nicht" in texts(again)


async def test_full_queue_offers_callback_or_email_instead(staffed, queue) -> None:
    for sender in ("c1", "c2"):
        await run(ActionRequestHuman(), tracker_for(sender, "Mensch", "request_human"))
    dispatcher, events = await run(ActionRequestHuman(), tracker_for("c3", "Mensch", "request_human"))
    assert "Im Moment warten schon sehr viele Menschen" in texts(dispatcher)
    assert "zurückrufen oder Ihnen per E-Mail antworten" in texts(dispatcher)
    assert queue.open_entry("c3") is None
    assert {"event": "active_loop", "name": "action_contact_request", "timestamp": None} in events


async def test_console_override_of_the_queue_limit_applies_at_once(staffed, queue, staff_db) -> None:
    set_override(get_engine(staff_db), "queue_limit", 0)
    dispatcher, _ = await run(ActionRequestHuman(), tracker_for("c1", "Mensch", "request_human"))
    assert "Im Moment warten schon sehr viele Menschen" in texts(dispatcher)
    assert queue.open_entry("c1") is None


async def test_outside_staffed_hours_names_the_next_opening_and_offers_contact(staffed, queue) -> None:
    dispatcher, _ = await run(ActionRequestHuman(), tracker_for("c1", "Mensch", "request_human",
                                                                 slots={"service": "wohngeld"}))
    text = texts(dispatcher)
    assert "Unsere Mitarbeiterinnen und Mitarbeiter sind gerade nicht erreichbar." in text
    assert "ab 8:00 Uhr für Sie da" in text
    assert queue.open_entry("c1") is None


async def test_yes_after_two_misses_queues_with_reason_fallback(staffed, queue) -> None:
    tracker = tracker_for("c1", "ja", "affirm", slots={"offer": "human"}, history=["nlu_fallback", "nlu_fallback"])
    tracker.events.insert(-1, {"event": "action", "name": "action_clarify"})
    await run(ActionHandleAffirm(), tracker)
    assert queue.open_entry("c1").reason == "fallback"


async def test_application_status_offer_then_yes_queues_with_its_reason(staffed, queue) -> None:
    offer, _events = await run(ActionApplicationStatus(),
                               tracker_for("c1", "Wie ist der Stand?", "ask_application_status"))
    assert "Möchten Sie mit einem Menschen sprechen?" in texts(offer)
    assert [b["payload"] for b in offer.messages[0]["buttons"]] == ["/affirm", "/deny"]
    tracker = tracker_for("c1", "ja", "affirm", slots={"offer": "human"}, history=["ask_application_status"])
    tracker.events.insert(-1, {"event": "action", "name": "action_application_status"})
    tracker.events.insert(-1, {"event": "action", "name": "action_listen"})
    await run(ActionHandleAffirm(), tracker)
    assert queue.open_entry("c1").reason == "application_status"


async def test_always_human_service_is_answered_and_queued(staffed, queue) -> None:
    dispatcher, _ = await run(ActionFees(), tracker_for("c1", "Was kostet die Einbürgerung?", "ask_fees",
                                                       entities={"service": "einbuergerung"}))
    assert len(dispatcher.messages) == 2
    answer = dispatcher.messages[0]["text"]  # the fees first, from the knowledge base
    fees = repository().service("einbuergerung").fees
    assert answer.startswith("Gebühren – Einbürgerung:\n") and fees
    assert all(f"- {euro(fee.amount_cents)}" in answer for fee in fees)
    assert "Position 1" in dispatcher.messages[1]["text"]
    assert queue.open_entry("c1").reason == "always_human"
    again, _ = await run(ActionFees(), tracker_for("c1", "Was kostet die Einbürgerung?", "ask_fees",
                                                  entities={"service": "einbuergerung"}))
    assert len(again.messages) == 1  # already waiting: no second notice


async def test_the_handoff_is_for_the_service_the_answer_was_about(staffed, queue) -> None:
    # "Was kostet die Einbürgerung, wenn ich schon einen Reisepass habe?": the answer is about the
    # first service named; Rasa's slot holds the last one until the action's events apply.
    tracker = tracker_for("c1", "Was kostet die Einbürgerung, wenn ich schon einen Reisepass habe?", "ask_fees",
                          entities={"service": "einbuergerung"})
    tracker.slots["service"] = "reisepass"
    await run(ActionFees(), tracker)
    entry = queue.open_entry("c1")
    assert entry is not None and entry.reason == "always_human" and entry.service == "einbuergerung"


async def test_other_services_get_no_handoff(staffed, queue) -> None:
    dispatcher, _ = await run(ActionFees(), tracker_for("c1", "Was kostet ein Pass?", "ask_fees",
                                                       entities={"service": "reisepass"}))
    assert len(dispatcher.messages) == 1 and queue.open_entry("c1") is None


async def test_console_can_add_an_always_human_service(staffed, queue, staff_db) -> None:
    set_override(get_engine(staff_db), "always_human_services", ["reisepass"])
    await run(ActionFees(), tracker_for("c1", "Was kostet ein Pass?", "ask_fees", entities={"service": "reisepass"}))
    assert queue.open_entry("c1").reason == "always_human"


async def test_phone_keeps_its_own_handoff(staffed, queue) -> None:
    await run(ActionFees(), tracker_for("c1", "Was kostet die Einbürgerung?", "ask_fees",
                                        entities={"service": "einbuergerung"}, channel="audiocodes"))
    assert queue.open_entry("c1") is None


async def test_unreachable_staff_database_points_to_115(staffed, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("STAFF_DB_URL", "postgresql://postgres@127.0.0.1:9/nowhere")  # nothing listens on port 9
    staff.reset()
    dispatcher, _ = await run(ActionRequestHuman(), tracker_for("c1", "Mensch", "request_human"))
    assert "115" in texts(dispatcher)


async def test_web_queue_follows_the_staff_override_of_the_hotline(clock, queue) -> None:
    """One staffing rule: the hotline team of handoff.yml (hours of the 115) obeys the /phone override."""
    from tests.actions.conftest import STAFFED, UNSTAFFED

    clock(*STAFFED)
    runtime.store().set_board(hours_override="closed")
    dispatcher, _ = await run(ActionRequestHuman(), tracker_for("c-closed", "Mitarbeiter bitte", "request_human"))
    assert "nicht erreichbar" in texts(dispatcher) and queue.open_entry("c-closed") is None
    assert "Sie sind wieder morgen ab 8:00 Uhr für Sie da." in texts(dispatcher)
    clock(*UNSTAFFED)  # a Sunday
    runtime.store().set_board(hours_override="open")
    dispatcher, _ = await run(ActionRequestHuman(), tracker_for("c-open", "Mitarbeiter bitte", "request_human"))
    assert "Sie sind an Position 1" in texts(dispatcher) and queue.open_entry("c-open") is not None


async def test_web_wait_uses_the_handling_time_of_the_agent_board(clock, queue) -> None:
    """One handling-time setting: the board's (default avg_handle_minutes of handoff.yml), set on /phone."""
    from tests.actions.conftest import STAFFED

    clock(*STAFFED)
    assert runtime.store().board().avg_handle_seconds == 6 * 60  # handoff.yml
    runtime.store().set_board(avg_handle_seconds=9 * 60)
    dispatcher, _ = await run(ActionRequestHuman(), tracker_for("c-wait", "Mitarbeiter bitte", "request_human"))
    assert "Die Wartezeit beträgt etwa 9 Minuten." in texts(dispatcher)


async def test_no_callback_to_offer_points_to_115_once(clock, queue, monkeypatch) -> None:
    """Closed, and no callback window (the agent board unreachable): why, and the way to 115 once."""
    from tests.actions.conftest import UNSTAFFED

    clock(*UNSTAFFED)  # a Sunday
    monkeypatch.setattr(runtime, "board", lambda: None)
    dispatcher, _ = await run(ActionRequestHuman(), tracker_for("c-none", "Mitarbeiter bitte", "request_human"))
    said = [message["text"] for message in dispatcher.messages]
    assert "nicht erreichbar" in said[0] and queue.open_entry("c-none") is None
    assert sum(text.count("115") for text in said) == 1, said
    assert "115" in said[-1]
