"""Phone actions: silence, keypad, hangup, handoff (transfer, queue, after hours), the dialogue loop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionClarify
from actions.handoff import ActionHandleAffirm, ActionRequestCallback, ActionRequestHuman
from actions.phone import (
    ActionPhoneDialog,
    ActionPhoneDtmf,
    ActionPhoneEnd,
    ActionPhoneNoInput,
    ActionPhoneTransferStatus,
)
from actions.phone_context import LOOP, topic_intent
from bot.telephony import runtime
from bot.telephony.settings import DEFAULT_CONFIG
from tests.actions.conftest import STAFFED, make_tracker, texts
from tests.schema import with_tables

PHONE = "audiocodes"


@pytest.fixture(autouse=True)
def telephony(tmp_path, monkeypatch) -> Iterator[None]:
    """A fresh telephony store; the call "test-sender" is live with a caller ID; hotline open."""
    monkeypatch.setenv("TELEPHONY_DB_URL", with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony"))
    monkeypatch.setenv("TELEPHONY_TRANSFER_TARGET", "sip:agents@pbx.test")
    runtime.reset()
    runtime.store().create_call("test-sender", "node", 10, 600)
    runtime.store().update_call("test-sender", caller="+49711123456")
    runtime.store().set_board(free=0, waiting=0, hours_override="open")
    yield
    runtime.reset()


def event_names(events: list) -> list[str]:
    return [e["event"] for e in events]


def gateway_events(dispatcher: CollectingDispatcher) -> list[dict]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom", {}).get("type") == "event"]


def sip_headers(dispatcher: CollectingDispatcher) -> dict[str, str]:
    [transfer] = [e for e in gateway_events(dispatcher) if e["name"] == "transfer"]
    return {h["name"]: h["value"] for h in transfer["activityParams"]["transferSipHeaders"]}


def phone(text: str, intent: str, **kwargs):
    return make_tracker(text, intent, channel=PHONE, **kwargs)


async def run(action, tracker) -> tuple[CollectingDispatcher, list]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher, events


async def test_phone_actions_only_act_on_gateway_events() -> None:
    _, events = await run(ActionPhoneEnd(), phone("leg auf", "phone_hangup"))  # an NLU guess
    assert events == [{"event": "followup", "name": "action_clarify", "timestamp": None}]
    _, events = await run(ActionPhoneEnd(), make_tracker("/phone_hangup", "phone_hangup"))  # typed in the web chat
    assert event_names(events) == ["followup"]


async def test_hangup_closes_the_conversation() -> None:
    dispatcher, events = await run(ActionPhoneEnd(), phone("/phone_hangup", "phone_hangup"))
    assert dispatcher.messages == [] and event_names(events) == ["active_loop", "reset_slots", "pause"]


async def test_silence_reprompts_once_then_hangs_up() -> None:
    dispatcher, events = await run(ActionPhoneNoInput(), phone("/phone_no_input", "phone_no_input"))
    assert "Sind Sie noch da" in texts(dispatcher) and events == []
    dispatcher, events = await run(ActionPhoneNoInput(),
                                   phone("/phone_no_input", "phone_no_input", history=["phone_no_input"]))
    assert "Auf Wiederhören" in texts(dispatcher) and gateway_events(dispatcher)[0]["name"] == "hangup"
    assert "pause" in event_names(events)


async def test_keys_outside_a_menu() -> None:
    dispatcher, _ = await run(ActionPhoneDtmf(), phone("/phone_dtmf", "phone_dtmf", entities={"dtmf": "5"}))
    assert "drücken Sie die 0" in texts(dispatcher)


async def test_zero_transfers_to_a_free_agent_with_context() -> None:
    runtime.store().set_board(free=1)
    tracker = phone("/phone_dtmf", "phone_dtmf", entities={"dtmf": "0"},
                    slots={"service": "reisepass", "district": "mitte", "phone_department": "buergerbuero"},
                    history=["ask_fees"])
    dispatcher, events = await run(ActionPhoneDtmf(), tracker)
    assert sip_headers(dispatcher) == {"X-Conversation-Id": "test-sender", "X-Intent": "ask_fees",
                                       "X-Service": "reisepass", "X-District": "mitte", "X-Department": "buergerbuero"}
    assert {"event": "slot", "name": "phone_transfer", "value": "agent", "timestamp": None} in events
    assert runtime.store().board().free == 0


async def test_all_busy_offers_queue_or_callback() -> None:
    runtime.store().set_board(waiting=4, staffed=2, avg_handle_seconds=300)
    dispatcher, events = await run(ActionRequestHuman(), phone("Mitarbeiter bitte", "request_human"))
    assert "Position 5" in texts(dispatcher) and "etwa 13 Minuten" in texts(dispatcher)
    assert gateway_events(dispatcher) == []
    assert {"event": "active_loop", "name": LOOP.name, "timestamp": None} in events
    assert {"event": "followup", "name": "action_listen", "timestamp": None} in events


async def test_after_hours_offers_a_callback() -> None:
    runtime.store().set_board(hours_override="closed", free=3)
    dispatcher, events = await run(ActionRequestHuman(), phone("Mitarbeiter bitte", "request_human"))
    assert ("nicht erreichbar" in texts(dispatcher) and "ab 8 Uhr" in texts(dispatcher)
            and "Rückruf" in texts(dispatcher))
    assert gateway_events(dispatcher) == [] and runtime.store().board().free == 3
    step = next(e for e in events if e.get("name") == "phone_data")["value"]["callback"]["step"]
    assert step == "choose"


async def test_web_chat_gets_the_web_handoff_not_a_transfer(clock) -> None:
    clock(*STAFFED)  # the web queue (closed hours: tests/actions/test_handoff_contact.py)
    dispatcher, _ = await run(ActionRequestHuman(), make_tracker("Mitarbeiter bitte", "request_human"))
    assert "Sie sind an Position 1." in texts(dispatcher)
    assert gateway_events(dispatcher) == []


async def test_affirming_a_person_on_the_phone_hands_off() -> None:
    runtime.store().set_board(free=1)
    dispatcher, _ = await run(ActionHandleAffirm(), phone("ja", "affirm", slots={"offer": "human"}))
    assert sip_headers(dispatcher)["X-Intent"] == "request_human"


async def test_callback_request_starts_with_the_caller_id() -> None:
    dispatcher, _events = await run(ActionRequestCallback(), phone("Rückruf bitte", "request_callback"))
    assert "[[number:caller]]" in texts(dispatcher)  # the channel fills in the digits
    assert "+49711123456" not in texts(dispatcher) and "4 5 6" not in texts(dispatcher)


def in_step(step: str, data: dict, text: str, intent: str, **kwargs):
    slots = {"phone_step": step, "phone_data": data, **kwargs.pop("slots", {})}
    return phone(text, intent, slots=slots, **kwargs)


async def test_loop_queue_choice_joins_the_queue() -> None:
    runtime.store().set_board(waiting=2)
    dispatcher, events = await run(ActionPhoneDialog(),
                                   in_step("handoff_choice", {}, "/phone_dtmf", "phone_dtmf", entities={"dtmf": "1"}))
    assert sip_headers(dispatcher)["X-Queue-Position"] == "3" and runtime.store().board().waiting == 3
    assert {"event": "active_loop", "name": None, "timestamp": None} in events


async def test_loop_hands_questions_back_to_the_rules() -> None:
    _, events = await run(ActionPhoneDialog(), in_step("menu", {}, "Was kostet ein Pass?", "ask_fees"))
    assert event_names(events)[-1] == "action_execution_rejected"
    _, events = await run(ActionPhoneDialog(), in_step("callback", {}, "/phone_hangup", "phone_hangup"))
    assert event_names(events)[-1] == "action_execution_rejected"


async def test_loop_menu_department_then_reprompt_on_wrong_key() -> None:
    dispatcher, events = await run(ActionPhoneDialog(),
                                   in_step("menu", {}, "/phone_dtmf", "phone_dtmf", entities={"dtmf": "2"}))
    assert "Ausländerbehörde" in texts(dispatcher)
    assert {"event": "slot", "name": "phone_department", "value": "auslaenderbehoerde", "timestamp": None} in events
    dispatcher, events = await run(ActionPhoneDialog(),
                                   in_step("menu", {}, "/phone_dtmf", "phone_dtmf", entities={"dtmf": "7"}))
    assert "Bitte drücken Sie die 1" in texts(dispatcher) and events[0]["value"] == {"retries": 1}


async def test_loop_completes_a_callback_and_ends_the_call() -> None:
    dispatcher, events = await run(ActionRequestCallback(),
                                   phone("Rückruf bitte", "request_callback", history=["ask_documents"]))
    data = next(e for e in events if e.get("name") == "phone_data")["value"]
    dispatcher, events = await run(ActionPhoneDialog(), in_step("callback", data, "ja", "affirm"))
    data = next(e for e in events if e.get("name") == "phone_data")["value"]
    dispatcher, events = await run(ActionPhoneDialog(), in_step("callback", data, "/phone_dtmf", "phone_dtmf",
                                                                entities={"dtmf": "1"}, history=["ask_documents"]))
    assert "Vielen Dank" in texts(dispatcher) and gateway_events(dispatcher)[-1]["name"] == "hangup"
    assert "pause" in event_names(events)
    [request] = runtime.callbacks().for_conversation("test-sender")
    assert request.phone == "+49711123456" and request.reason == "ask_documents"


async def test_failed_transfer_from_the_queue_offers_a_callback() -> None:
    runtime.store().set_board(waiting=3)
    tracker = phone("/phone_transfer_status", "phone_transfer_status", entities={"transfer_status": "no-answer"},
                    slots={"phone_transfer": "queue"})
    dispatcher, _ = await run(ActionPhoneTransferStatus(), tracker)
    assert "zurückrufen" in texts(dispatcher) and runtime.store().board().waiting == 2
    answered = phone("/phone_transfer_status", "phone_transfer_status", entities={"transfer_status": "answered"})
    dispatcher, events = await run(ActionPhoneTransferStatus(), answered)
    assert dispatcher.messages == [] and events == [
        {"event": "slot", "name": "phone_transfer", "value": None, "timestamp": None}]


async def test_two_misses_on_the_phone_open_the_keypad_menu() -> None:
    dispatcher, events = await run(ActionClarify(), phone("blubb", "nlu_fallback", history=["nlu_fallback"]))
    assert "drücken Sie die 1" in texts(dispatcher)
    assert {"event": "active_loop", "name": LOOP.name, "timestamp": None} in events


def test_topic_intent_skips_handoff_and_events() -> None:
    tracker = phone("ja", "affirm", history=["ask_fees", "request_human", "phone_no_input"])
    assert topic_intent(tracker) == "ask_fees"
    assert topic_intent(phone("hallo", "greet")) == "request_human"



async def test_missing_hotline_office_is_closed_unless_staff_open_the_line(tmp_path, monkeypatch) -> None:
    """The one staffing rule: no hours, no promise of a person (as in the web chat)."""
    config = tmp_path / "telephony.yml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace("behoerdennummer_115", "not_there"),
                      encoding="utf-8")
    monkeypatch.setenv("TELEPHONY_CONFIG", str(config))
    runtime.settings.cache_clear()
    runtime.store().set_board(free=1, hours_override=None)
    dispatcher, _events = await run(ActionRequestHuman(), phone("Mitarbeiter bitte", "request_human"))
    assert gateway_events(dispatcher) == [] and runtime.store().board().free == 1
    assert texts(dispatcher).startswith("Unsere Mitarbeiterinnen und Mitarbeiter sind gerade nicht erreichbar.")
    assert "Rückruf kann ich gerade leider nicht eintragen" in texts(dispatcher)
    runtime.store().set_board(hours_override="open")
    dispatcher, _ = await run(ActionRequestHuman(), phone("Mitarbeiter bitte", "request_human"))
    assert sip_headers(dispatcher)["X-Conversation-Id"] == "test-sender"


async def test_a_clear_new_question_leaves_the_callback_dialogue() -> None:
    _, events = await run(ActionRequestCallback(), phone("Rückruf bitte", "request_callback"))
    data = next(e for e in events if e.get("name") == "phone_data")["value"]
    _, events = await run(ActionPhoneDialog(), in_step("callback", data, "Was kostet ein Reisepass?", "ask_fees"))
    assert event_names(events)[-1] == "action_execution_rejected"
