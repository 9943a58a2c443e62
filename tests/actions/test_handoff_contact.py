"""The callback / e-mail loop ``action_contact_request`` with real SQLite databases."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import staff
from actions.contact_request import ActionContactRequest
from actions.handoff import ActionRequestCallback
from bench.helpers.handoff_config import ALWAYS_STAFFED, write_config
from bot.db.engine import get_engine
from bot.telephony import runtime
from bot.telephony.models import CallbackRequest
from tests.actions.conftest import make_tracker, texts
from tests.schema import with_tables

LOOP = "action_contact_request"


@pytest.fixture(autouse=True)
def databases(tmp_path, monkeypatch) -> str:
    url = with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony")
    monkeypatch.setenv("TELEPHONY_DB_URL", url)
    monkeypatch.delenv("TELEPHONY_REDIS_URL", raising=False)
    monkeypatch.setenv("HANDOFF_CONFIG",
                       str(write_config(tmp_path / "handoff.yml", [ALWAYS_STAFFED], retention_days=21)))
    staff.reset()
    runtime.reset()
    yield url
    runtime.reset()


def stored(url: str) -> list[CallbackRequest]:
    with Session(get_engine(url), future=True) as session:
        return list(session.query(CallbackRequest))


def slot(events: list[dict], name: str):
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else "unset"


async def step(state, text: str, intent: str, confidence: float = 0.9, channel: str = "rest"):
    tracker = make_tracker(text, intent, slots={"contact_data": state, "service": "wohngeld"}, channel=channel)
    tracker.latest_message["intent"]["confidence"] = confidence
    tracker.active_loop = {"name": LOOP}
    dispatcher = CollectingDispatcher()
    events = await ActionContactRequest().run(dispatcher, tracker, {})
    return dispatcher, events


async def start_callback():
    dispatcher = CollectingDispatcher()
    events = await ActionRequestCallback().run(dispatcher, make_tracker("Rückruf bitte", "request_callback",
                                                                        slots={"service": "wohngeld"}), {})
    return dispatcher, events


async def test_request_callback_starts_the_loop_at_the_number() -> None:
    dispatcher, events = await start_callback()
    assert "Unter welcher Telefonnummer" in texts(dispatcher)
    assert {"event": "active_loop", "name": LOOP, "timestamp": None} in events
    assert events[-1]["event"] == "followup" and events[-1]["name"] == "action_listen"
    assert slot(events, "contact_data")["step"] == "phone"


async def test_complete_dialogue_stores_a_web_callback_and_resets_the_slot(databases) -> None:
    _, events = await start_callback()
    state = slot(events, "contact_data")
    dispatcher, events = await step(state, "0711 123456", "nlu_fallback")
    state = slot(events, "contact_data")
    window = dispatcher.messages[0]["buttons"][0]["payload"]
    dispatcher, events = await step(state, window, "inform")
    assert "löschen sie nach 21 Tagen" in texts(dispatcher)
    assert stored(databases) == []
    dispatcher, events = await step(slot(events, "contact_data"), "/affirm", "affirm")
    assert "Vielen Dank. Wir rufen Sie" in texts(dispatcher)
    assert slot(events, "contact_data") is None
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    [row] = stored(databases)
    assert (row.channel, row.phone, row.email, row.reason, row.service, row.status) == (
        "web", "+49711123456", None, "request_callback", "wohngeld", "open")
    assert row.due_from < row.due_until


async def test_emergency_is_handed_back_to_the_rules() -> None:
    _, events = await start_callback()
    _, events = await step(slot(events, "contact_data"), "Es brennt!", "emergency")
    assert events[-1]["event"] == "action_execution_rejected" and events[-1]["name"] == LOOP
    assert slot(events, "contact_data") is None


async def test_clear_new_question_leaves_the_dialogue_but_a_number_does_not() -> None:
    _, events = await start_callback()
    state = slot(events, "contact_data")
    _, left = await step(state, "Was kostet ein Reisepass?", "ask_fees", confidence=0.95)
    assert left[-1]["event"] == "action_execution_rejected"
    _, kept = await step(state, "0711 123456", "ask_fees", confidence=0.95)
    assert slot(kept, "contact_data")["step"] == "window"


async def test_refusal_and_cancel_store_nothing(databases) -> None:
    _, events = await start_callback()
    dispatcher, events = await step(slot(events, "contact_data"), "Abbrechen", "cancel_handoff")
    assert "speichere ich nichts" in texts(dispatcher) and slot(events, "contact_data") is None
    assert stored(databases) == []


async def test_voice_channel_never_runs_the_web_dialogue() -> None:
    _, events = await start_callback()
    _, events = await step(slot(events, "contact_data"), "0711 123456", "inform", channel="audiocodes")
    assert events[-1]["event"] == "action_execution_rejected"
