"""The socket.io channel over the wire (python-socketio client, no browser).

Rasa's standard protocol, the origin check, session persistence, validation,
history and feedback events.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import socketio

from bench.helpers.servers import Servers, http_json, webchat_sender
from bench.helpers.sioclient import Client
from channels.validation import EMPTY_ANSWER, TOO_LONG_ANSWER

pytestmark = pytest.mark.e2e

TIMEOUT = 30


@pytest.fixture
def origin(chat_ports) -> str:
    """An origin allowed by this run's credentials (the demo page's)."""
    return f"http://127.0.0.1:{chat_ports[0]}"


@pytest.fixture
async def client(chat_servers: Servers, origin: str) -> AsyncIterator[Client]:
    connected = Client()
    await connected.connect(chat_servers.rasa_url, origin)
    yield connected
    await connected.close()


async def test_standard_protocol_answers_with_id_and_quick_replies(client: Client) -> None:
    session = await client.session()
    assert isinstance(session, str) and len(session) == 64  # a server-issued credential
    answer = await client.say(session, "Was kostet ein Führungszeugnis?")
    assert "13,00 Euro" in answer["text"]
    assert set(answer) == {"text", "metadata"} and float(answer["metadata"]["message_id"]) > 0
    question = await client.say(session, "Was kostet das?")
    assert question["text"]  # context kept: asks again for the Führungszeugnis or for a service
    fresh = await client.session(uuid.uuid4().hex + uuid.uuid4().hex)  # not issued here: a new session
    assert fresh != session and len(fresh) == 64
    buttons = await client.say(fresh, "Was kostet das?")
    assert {"content_type": "text", "title": "Reisepass", "payload": '/inform{"service":"reisepass"}'} in buttons[
        "quick_replies"
    ]


@pytest.mark.parametrize("origin_header", ["http://evil.example", "http://127.0.0.1:1"])
async def test_other_origins_cannot_connect(chat_servers: Servers, origin_header: str) -> None:
    stranger = Client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await stranger.connect(chat_servers.rasa_url, origin_header)


async def test_polling_answers_cors_only_for_allowed_origins(chat_servers: Servers, origin: str) -> None:
    url = f"{chat_servers.rasa_url}/socket.io/?EIO=4&transport=polling"
    loop = asyncio.get_running_loop()
    allowed = await loop.run_in_executor(None, lambda: _headers(url, origin))
    assert allowed[0] == 200 and allowed[1].get("Access-Control-Allow-Origin") == origin
    refused = await loop.run_in_executor(None, lambda: _headers(url, "http://evil.example"))
    assert refused[0] == 400 and "Access-Control-Allow-Origin" not in refused[1]


def _headers(url: str, origin: str) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


async def test_a_second_connection_with_the_same_session_gets_the_answers(
    chat_servers: Servers, origin: str, client: Client
) -> None:
    """What a reload does: a new socket joins the same session and receives its answers."""
    session = await client.session()
    await client.say(session, "Was kostet ein Reisepass?")
    reloaded = Client()
    await reloaded.connect(chat_servers.rasa_url, origin)
    try:
        assert await reloaded.session(session) == session
        answer = await reloaded.say(session, "Welche Unterlagen brauche ich dafür?")
        assert "Reisepass" in answer["text"]
        history = await reloaded.sio.call("history_request", {"session_id": session}, timeout=TIMEOUT)
        texts = [(m["sender"], m["text"]) for m in history["messages"]]
        assert texts[0] == ("user", "Was kostet ein Reisepass?") and texts[2][0] == "user"
        assert len(texts) == 4
    finally:
        await reloaded.close()


async def test_empty_and_over_long_texts_are_answered_without_nlu(client: Client) -> None:
    session = await client.session()
    assert (await client.say(session, "   "))["text"] == EMPTY_ANSWER
    assert (await client.say(session, "x" * 2001))["text"] == TOO_LONG_ANSWER
    history = await client.sio.call("history_request", {"session_id": session}, timeout=TIMEOUT)
    assert history == {"messages": []}  # nothing reached Rasa


async def test_messages_without_a_valid_session_are_ignored(client: Client) -> None:
    await client.session()
    for payload in ({"message": "Hallo"}, {"message": "Hallo", "session_id": "a b"}, ["Hallo"], {"message": 5}):
        await client.sio.emit("user_uttered", payload)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(client.messages.get(), 3)


async def test_history_and_feedback_need_the_joined_session(chat_servers: Servers, origin: str, client: Client) -> None:
    session = await client.session()
    answer = await client.say(session, "Was kostet ein Führungszeugnis?")
    answer_id = answer["metadata"]["message_id"]
    stranger = Client()
    await stranger.connect(chat_servers.rasa_url, origin)
    try:
        await stranger.session()  # joined another session only
        assert await stranger.sio.call("history_request", {"session_id": session}, timeout=TIMEOUT) == {"messages": []}
        assert await stranger.sio.call(
            "feedback", {"session_id": session, "message_id": answer_id, "rating": "up"}, timeout=TIMEOUT
        ) == {"ok": False}
    finally:
        await stranger.close()
    for bad in ({"message_id": answer_id, "rating": "super"}, {"message_id": "1.5", "rating": "up"},
                {"message_id": "<img>", "rating": "up"}):
        assert await client.sio.call("feedback", {"session_id": session, **bad}, timeout=TIMEOUT) == {"ok": False}
    assert await client.sio.call(
        "feedback", {"session_id": session, "message_id": answer_id, "rating": "up"}, timeout=TIMEOUT
    ) == {"ok": True}
    status, tracker = http_json("GET", f"{chat_servers.rasa_url}/conversations/{webchat_sender(session)}/tracker")
    assert status == 200
    slots = [e["value"] for e in tracker["events"] if e["event"] == "slot" and e["name"] == "feedback"]
    assert slots == [{"message_id": answer_id, "rating": "up"}]
    history = await client.sio.call("history_request", {"session_id": session}, timeout=TIMEOUT)
    assert history["messages"][-1]["rating"] == "up"


async def test_the_sender_id_is_no_key_to_a_conversation(chat_servers: Servers, origin: str, client: Client) -> None:
    """An attacker who knows a conversation's sender id (staff, logs, tracker store) gets nothing."""
    session = await client.session()
    await client.say(session, "Meine Nummer ist 0711 1234567. Was kostet ein Reisepass?")
    sender = webchat_sender(session)
    attacker = Client()
    await attacker.connect(chat_servers.rasa_url, origin)
    try:
        # Sending the victim's message as the victim, without joining: ignored.
        await attacker.sio.emit("user_uttered", {"message": "/cancel_handoff", "session_id": session})
        await attacker.sio.emit("user_uttered", {"message": "/cancel_handoff", "session_id": sender})
        # Joining with the sender id: a new, empty conversation of the attacker's own.
        own = await attacker.session(sender)
        assert own not in (session, sender) and webchat_sender(own) != sender
        assert await attacker.sio.call("history_request", {"session_id": own}, timeout=TIMEOUT) == {"messages": []}
        assert await attacker.sio.call("history_request", {"session_id": session}, timeout=TIMEOUT) == {"messages": []}
        # A forged credential (right length, wrong MAC) is not accepted either.
        forged = sender + sender
        assert await attacker.session(forged) != forged
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(attacker.messages.get(), 3)
        # The victim's conversation got none of it, and the victim still sees its answers.
        status, tracker = http_json("GET", f"{chat_servers.rasa_url}/conversations/{sender}/tracker")
        assert status == 200
        texts = [e.get("text") for e in tracker["events"] if e["event"] == "user"]
        assert "/cancel_handoff" not in texts and len(texts) == 1
        answer = await client.say(session, "Und was kostet ein Personalausweis?")
        assert "Euro" in answer["text"]
    finally:
        await attacker.close()
