"""Bot API request validation and the mapping of activities to Rasa messages."""

from __future__ import annotations

import pytest

from channels.audiocodes_api import (
    Activity,
    CallerInput,
    conversation_id,
    disconnect_reason,
    dtmf_digits,
    interpret,
    parse_activities,
    stamp,
    to_rasa,
)
from channels.validation import InvalidRequest


def test_conversation_id() -> None:
    assert conversation_id({"conversation": "0e55-4795"}) == "0e55-4795"
    for bad in ({}, {"conversation": 7}, {"conversation": "a b"}, {"conversation": "x" * 129}, ["conversation"]):
        with pytest.raises(InvalidRequest):
            conversation_id(bad)


def test_parse_activities() -> None:
    items = parse_activities({"conversation": "c1", "activities": [
        {"id": "a1", "type": "message", "text": "Hallo", "parameters": {"confidence": 0.8}},
        {"id": "a2", "type": "event", "name": "DTMF", "value": "1"},
    ]}, "c1")
    assert [(a.type, a.id) for a in items] == [("message", "a1"), ("event", "a2")]


@pytest.mark.parametrize("payload", [
    [], {"activities": []}, {"activities": "x"}, {"conversation": "c2",
                                                  "activities": [{"type": "message", "text": "x"}]},
    {"activities": [{"type": "video"}]}, {"activities": [{"type": "message", "text": 5}]},
    {"activities": [{"type": "event"}]}, {"activities": [{"type": "event", "name": "x", "parameters": []}]},
    {"activities": [{"type": "message", "text": "x", "id": "bad id"}]},
    {"activities": [{"type": "message", "text": "x"}] * 21},
])
def test_bad_activities_are_rejected(payload) -> None:
    with pytest.raises(InvalidRequest):
        parse_activities(payload, "c1")


def test_disconnect_reason() -> None:
    assert disconnect_reason({"conversation": "c1", "reason": "Client Side"}, "c1") == "Client Side"
    assert disconnect_reason(None, "c1") is None
    with pytest.raises(InvalidRequest):
        disconnect_reason({"conversation": "c2"}, "c1")


def event(name: str, value=None, **parameters) -> Activity:
    return Activity("event", "id", name=name, value=value, parameters=parameters)


def test_start_keeps_the_caller_out_of_the_metadata() -> None:
    start = interpret(event("start", caller="tel:+49711123456", callee="+49711216000", callerDisplayName="Erika"))
    assert start.kind == "start" and start.number == "+49711123456"
    message = to_rasa(start)
    assert message.text == "/phone_start"
    assert message.metadata == {"activity": "start", "callee": "+49711216000"}
    assert interpret(event("start", caller="anonymous")).number is None


def test_speech_and_its_edge_cases() -> None:
    spoken = interpret(Activity("message", "m", text=" Was kostet\x00 ein Pass? ", parameters={"confidence": 0.7}))
    assert to_rasa(spoken).text == "Was kostet  ein Pass?" and spoken.metadata["asr_confidence"] == 0.7
    assert to_rasa(interpret(Activity("message", "m", text="/restart"))).text == "restart"  # no intent injection
    assert to_rasa(interpret(Activity("message", "m", text="   "))).text == "/phone_no_input"
    number = interpret(Activity("message", "m", text="0711 987654"))
    assert number.kind == "number" and number.number == "+49711987654"
    assert to_rasa(number).text == '/phone_dtmf{"dtmf": "number"}'


def test_a_number_inside_a_sentence_never_reaches_the_tracker() -> None:
    """M3: the number goes to the call store (``number``); Rasa gets the sentence without it."""
    short = interpret(Activity("message", "m", text="Meine Nummer ist null sieben eins eins neun acht sieben sechs"))
    assert short.kind == "number" and short.number == "+497119876"
    long = interpret(Activity("message", "m", text=(
        "Ich habe letzte Woche angerufen unter 0711 987654 und wollte fragen was ein Reisepass kostet")))
    assert long.kind == "speech" and long.number == "+49711987654"
    assert "987654" not in to_rasa(long).text and "[Nummer]" in to_rasa(long).text


def test_events_become_intents() -> None:
    assert to_rasa(interpret(event("noUserInput", 1))).text == "/phone_no_input"
    assert to_rasa(interpret(event("DTMF", "1"))).text == '/phone_dtmf{"dtmf": "1"}'
    assert to_rasa(interpret(event("DTMF", 0))).text == '/phone_dtmf{"dtmf": "0"}'
    typed = interpret(event("DTMF", "0711987654#"))
    assert typed.kind == "number" and typed.number == "+49711987654"
    assert to_rasa(interpret(event("hangup"))).text == "/phone_hangup"
    assert to_rasa(interpret(event("transferStatus", {"status": "failed", "reasonCode": "busy"}))).text \
        == '/phone_transfer_status{"transfer_status": "busy"}'
    assert to_rasa(interpret(event("transferStatus", {"status": "answered"}))).text \
        == '/phone_transfer_status{"transfer_status": "answered"}'
    assert interpret(event("playFinished")) is None
    assert interpret(event("DTMF", "1; DROP")) is None
    assert dtmf_digits(event("DTMF", "#")) is None


def test_to_rasa_for_every_kind() -> None:
    assert to_rasa(CallerInput("speech", text="Hallo")).text == "Hallo"
    assert to_rasa(CallerInput("hangup")).text == "/phone_hangup"


def test_stamp_adds_id_and_timestamp() -> None:
    stamped = stamp({"type": "message", "text": "x"})
    assert stamped["id"] and stamped["timestamp"].endswith("Z") and stamped["text"] == "x"
