"""The AudioCodes input channel without a Rasa server: handlers with a stand-in for Rasa."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import OperationalError

from channels import outage
from channels.audiocodes import AudiocodesInput, AudiocodesOutput

TOKEN = "0123456789abcdef0123"


def request(body: Any = None, token: str | None = TOKEN, raw: bytes | None = None) -> SimpleNamespace:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    return SimpleNamespace(body=data, headers=headers)


def parsed(response) -> Any:
    return json.loads(response.body)


class FakeRasa:
    """Stands in for Rasa: records messages and answers like a bot would."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if message.text == "/phone_start":
            await message.output_channel.send_response(message.sender_id, {"text": "Guten Tag"})
        elif message.text.startswith("/phone_dtmf"):
            await message.output_channel.send_response(message.sender_id, {"text": "Nummer [[number:entered]]?"})
        elif message.text == "Bild":
            await message.output_channel.send_response(message.sender_id, {"image": "https://x/y.png", "text": "Hier"})
        elif message.text == "Tschüss":
            await message.output_channel.send_response(message.sender_id,
                                                       {"custom": {"type": "event", "name": "hangup"}})
        elif message.text == "kaputt":
            raise RuntimeError("boom")
        elif message.text == "Datenbank weg":
            await message.output_channel.send_response(message.sender_id, {"text": "halbe Antwort"})
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


@pytest.fixture
def channel(phone_setting) -> AudiocodesInput:
    settings, store = phone_setting
    return AudiocodesInput(TOKEN, settings, store)


def test_from_credentials_needs_a_real_token() -> None:
    with pytest.raises(RasaException):
        AudiocodesInput.from_credentials(None)
    with pytest.raises(RasaException, match="at least 16"):
        AudiocodesInput.from_credentials({"token": "short"})
    with pytest.raises(RasaException):
        AudiocodesInput.from_credentials({"token": "${AUDIOCODES_TOKEN}"})
    assert AudiocodesInput.from_credentials({"token": TOKEN}).name() == "audiocodes"


def test_authorisation(channel: AudiocodesInput) -> None:
    assert channel.authorised(request())
    assert not channel.authorised(request(token=None))
    assert not channel.authorised(request(token="wrong-but-long-enough-token"))
    assert not channel.authorised(SimpleNamespace(headers={"Authorization": f"Basic {TOKEN}"}))


async def test_create_answers_relative_urls_and_decides_admission_once(channel: AudiocodesInput) -> None:
    first = parsed(await channel.create_conversation(request({"conversation": "c1"})))
    assert first == {"activitiesURL": "conversation/c1/activities", "disconnectURL": "conversation/c1/disconnect",
                     "refreshURL": "conversation/c1/keepalive", "expiresSeconds": 120}
    await channel.create_conversation(request({"conversation": "c1"}))  # a retry
    await channel.create_conversation(request({"conversation": "c2"}))
    assert channel.store.get_call("c1").admitted and not channel.store.get_call("c2").admitted


async def test_activities_reach_rasa_without_phone_numbers(channel: AudiocodesInput) -> None:
    rasa = FakeRasa()
    await channel.create_conversation(request({"conversation": "c1"}))
    start = {"id": "a1", "type": "event", "name": "start", "parameters": {"caller": "+49711123456", "callee": "115"}}
    body = parsed(await channel.activities(request({"conversation": "c1", "activities": [start]}), "c1", rasa))
    assert [a.get("name") or a.get("text") for a in body["activities"]] == ["config", "Guten Tag"]
    assert rasa.messages[0].text == "/phone_start" and rasa.messages[0].input_channel == "audiocodes"
    assert "+49711123456" not in json.dumps(rasa.messages[0].metadata)
    assert channel.store.get_call("c1").caller == "+49711123456"
    typed = {"id": "a2", "type": "event", "name": "DTMF", "value": "0711987654#"}
    body = parsed(await channel.activities(request({"activities": [typed]}), "c1", rasa))
    assert rasa.messages[-1].text == '/phone_dtmf{"dtmf": "number"}'
    assert body["activities"][0]["text"] == "Nummer 0 7 1 1, 9 8 7, 6 5 4?"  # filled in after Rasa
    again = parsed(await channel.activities(request({"activities": [typed]}), "c1", rasa))
    # A retry goes to Rasa with the same message id, which answers it from the tracker
    # (bot/server/rasa_stores.py; tests/e2e/test_phone_replicas.py).
    assert [m.message_id for m in rasa.messages[-2:]] == ["a2", "a2"] and len(rasa.messages) == 3
    assert again["activities"][0]["text"] == "Nummer 0 7 1 1, 9 8 7, 6 5 4?"


async def test_output_speaks_only_what_the_phone_can(channel: AudiocodesInput) -> None:
    rasa = FakeRasa()
    await channel.create_conversation(request({"conversation": "c1"}))
    items = [{"id": "b1", "type": "message", "text": "Bild"}, {"id": "b2", "type": "message", "text": "Tschüss"},
             {"id": "b3", "type": "message", "text": "nie gehört"}]
    body = parsed(await channel.activities(request({"activities": items}), "c1", rasa))
    assert [(a["type"], a.get("text") or a.get("name")) for a in body["activities"]] == [
        ("message", "Hier"), ("event", "hangup")]
    assert len(rasa.messages) == 2  # nothing after the hangup


async def test_a_failing_turn_gets_an_apology(channel: AudiocodesInput) -> None:
    await channel.create_conversation(request({"conversation": "c1"}))
    body = parsed(await channel.activities(request({"activities": [{"type": "message", "text": "kaputt"}]}),
                                           "c1", FakeRasa()))
    assert "schiefgegangen" in body["activities"][0]["text"]


async def test_a_store_outage_gets_a_spoken_apology_and_no_half_answer(channel: AudiocodesInput) -> None:
    await channel.create_conversation(request({"conversation": "c1"}))
    body = parsed(await channel.activities(request({"activities": [{"type": "message", "text": "Datenbank weg"}]}),
                                           "c1", FakeRasa()))
    assert [a["text"] for a in body["activities"]] == [outage.SPOKEN]
    assert "http" not in outage.SPOKEN and "Sie" in outage.SPOKEN


async def test_a_store_outage_is_apologised_for_once_per_request(channel: AudiocodesInput) -> None:
    await channel.create_conversation(request({"conversation": "c1"}))
    rasa = FakeRasa()
    activities = [{"type": "message", "text": "Datenbank weg"}, {"type": "message", "text": "Datenbank weg"}]
    body = parsed(await channel.activities(request({"activities": activities}), "c1", rasa))
    assert [a["text"] for a in body["activities"]] == [outage.SPOKEN]
    assert len(rasa.messages) == 1  # the second activity does not meet the same outage again


async def test_unknown_conversation_and_keepalive(channel: AudiocodesInput) -> None:
    response = await channel.activities(request({"activities": [{"type": "message", "text": "x"}]}), "nope", FakeRasa())
    assert response.status == 404
    assert (await channel.keepalive(request({}), "nope")).status == 404
    await channel.create_conversation(request({"conversation": "c1"}))
    assert parsed(await channel.keepalive(request({}), "c1")) == {"expiresSeconds": 120}


async def test_disconnect_closes_in_rasa_then_deletes(channel: AudiocodesInput) -> None:
    rasa = FakeRasa()
    await channel.create_conversation(request({"conversation": "c1"}))
    assert (await channel.disconnect(request({"conversation": "c1", "reason": "Client Side"}),
                                     "c1", rasa)).status == 200
    assert rasa.messages[-1].text == "/phone_hangup" and rasa.messages[-1].metadata["reason"] == "Client Side"
    assert channel.store.get_call("c1") is None
    assert (await channel.disconnect(request(raw=b""), "c1", rasa)).status == 404


async def test_overflow_calls_never_reach_rasa(channel: AudiocodesInput) -> None:
    rasa = FakeRasa()
    await channel.create_conversation(request({"conversation": "c1"}))
    await channel.create_conversation(request({"conversation": "c2"}))  # over the limit of one
    start = {"id": "s", "type": "event", "name": "start", "parameters": {"caller": "+49711555666"}}
    body = parsed(await channel.activities(request({"activities": [start]}), "c2", rasa))
    assert body["activities"][0]["name"] == "config" and "alle Leitungen belegt" in body["activities"][1]["text"]
    await channel.disconnect(request({}), "c2", rasa)
    assert rasa.messages == []


async def test_output_drops_what_the_gateway_does_not_know() -> None:
    output = AudiocodesOutput()
    assert output.name() == "audiocodes"  # responses with "channel: audiocodes" are chosen
    await output.send_custom_json("c", {"type": "event", "name": "playUrl"})
    await output.send_custom_json("c", {"type": "event", "name": "transfer", "activityParams": {}})
    await output.send_text_with_buttons("c", "Ja oder nein?", [{"title": "Ja", "payload": "/affirm"}])
    assert [(m["type"], m.get("name") or m.get("text")) for m in output.messages] == [
        ("event", "transfer"), ("message", "Ja oder nein?")]
    assert output.ends_call


async def test_call_start_sends_speech_hints_from_the_gazetteer(channel: AudiocodesInput) -> None:
    from bot.nlu.speech_hints import speech_phrases

    await channel.create_conversation(request({"conversation": "c1"}))
    start = {"id": "a1", "type": "event", "name": "start", "parameters": {"caller": "+49711123456"}}
    body = parsed(await channel.activities(request({"conversation": "c1", "activities": [start]}), "c1", FakeRasa()))
    params = body["activities"][0]["sessionParams"]
    assert params["sttContextPhrases"] == list(speech_phrases()) and params["sttContextBoost"] > 0
    assert "Zuffenhausen" in params["sttContextPhrases"] and "Bürgerbüro Bad Cannstatt" in params["sttContextPhrases"]


async def test_emergency_prompt_keeps_barge_in_off() -> None:
    """utter_emergency's phone variant is a message with activityParams (domain.yml)."""
    import yaml

    from bot.config import PROJECT_ROOT

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    output = AudiocodesOutput()
    for variant in domain["responses"]["utter_emergency"]:
        if variant.get("channel") == "audiocodes":
            await output.send_response("c1", {"custom": variant["custom"]})
    assert output.activities and all(a["activityParams"] == {"bargeIn": False} for a in output.activities)
    assert all("eins eins zwei" in a["text"] for a in output.activities)
