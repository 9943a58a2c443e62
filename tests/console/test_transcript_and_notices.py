"""Transcripts from tracker JSON (redacted, with intents), position notices, the agent label in the web chat."""

from __future__ import annotations

from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered

from bot.console.notifier import due_notices, position_text
from bot.console.transcript import transcript, turn_of
from bot.db.engine import get_engine
from bot.handoff.queue import HandoffQueue
from channels.chat_history import bot_message, conversation_history
from tests.schema import with_tables

EVENTS = [
    {"event": "action", "name": "action_listen", "timestamp": 1.0},
    {"event": "user", "timestamp": 1800000000.0, "text": "Meine Nummer ist 0711 1234567, ich wohne Königstraße 12",
     "parse_data": {"intent": {"name": "request_human", "confidence": 0.9321}}},
    {"event": "bot", "timestamp": 1800000001.0, "text": "Ich verbinde Sie.",
     "data": {"buttons": [{"title": "Warten abbrechen", "payload": "/cancel_handoff"}]}},
    {"event": "pause", "timestamp": 1800000002.0},
    {"event": "bot", "timestamp": 1800000003.0, "text": "Guten Tag", "metadata": {"agent": "Frau Maier"}},
    {"event": "user", "timestamp": 1800000004.0, "text": "/cancel_handoff",
     "metadata": {"display_text": "Warten abbrechen"}, "parse_data": {"intent": {"name": "cancel_handoff"}}},
    {"event": "resume", "timestamp": 1800000005.0},
    "kaputt", {"event": "user", "text": None, "parse_data": "kaputt", "timestamp": "gestern"},
]


def test_transcript_redacts_the_citizen_and_marks_agents() -> None:
    turns = transcript(EVENTS)
    actors = [turn.actor for turn in turns]
    assert actors == ["citizen", "bot", "system", "agent", "citizen", "system", "citizen"]
    citizen = turns[0]
    assert "0711" not in citizen.text and "Königstraße 12" not in citizen.text
    assert "[TELEFON]" in citizen.text and "[ADRESSE]" in citizen.text
    assert (citizen.intent, citizen.confidence) == ("request_human", 0.93)
    assert turns[1].buttons == ("Warten abbrechen",)
    assert turns[3].agent == "Frau Maier" and turns[3].text == "Guten Tag"
    assert turns[4].text == "Warten abbrechen" and turns[4].confidence is None
    assert turns[-1].text == "" and turns[-1].time == ""


def test_transcript_from_a_start_index_sends_only_new_lines() -> None:
    assert [turn.index for turn in transcript(EVENTS, start=4)] == [4, 5, 6, 8]
    assert turn_of(0, {"event": "slot", "name": "x"}) is None


def test_position_notices_only_when_moving_up(tmp_path) -> None:
    queue = HandoffQueue(get_engine(with_tables(f"sqlite:///{tmp_path / 'staff.db'}", "staff")))
    first = queue.enqueue("a", "socketio", "buergertelefon", "request_human")
    second = queue.enqueue("b", "socketio", "buergertelefon", "request_human")
    third = queue.enqueue("c", "socketio", "buergertelefon", "request_human")
    assert queue.mark_notified(first.id, None, 1) and queue.mark_notified(second.id, None, 2)
    assert due_notices(queue.waiting()) == []  # nobody moved; "c" was never told a position
    queue.cancel("a")
    assert [entry.conversation_id for entry in due_notices(queue.waiting())] == ["b"]
    assert queue.mark_notified(second.id, 2, 1)
    assert not queue.mark_notified(second.id, 2, 1)  # a second console loses the race
    assert due_notices(queue.waiting()) == []
    assert third.position == 3
    assert position_text(1, 1) == "Sie sind jetzt an Position 1. Die Wartezeit beträgt etwa 1 Minute."
    assert position_text(2, 12) == "Sie sind jetzt an Position 2. Die Wartezeit beträgt etwa 12 Minuten."


def test_agent_messages_carry_the_agent_for_the_widget() -> None:
    assert bot_message("Hallo", (), 1800000000.5, "Frau  Maier") == {
        "text": "Hallo", "metadata": {"message_id": "1800000000.5", "agent": "Frau Maier"}}
    assert bot_message("Hallo", (), None, "  ") == {"text": "Hallo"}
    events = [
        SessionStarted(timestamp=1800000000.0),
        UserUttered("Hallo", timestamp=1800000001.0),
        BotUttered("Guten Tag", metadata={"agent": "Frau Maier"}, timestamp=1800000002.0),
        BotUttered("Wie kann ich helfen?", timestamp=1800000003.0),
    ]
    history = conversation_history(events, 60, 1800000010.0)
    assert history[1]["metadata"] == {"message_id": "1800000002.0", "agent": "Frau Maier"}
    assert history[2]["metadata"] == {"message_id": "1800000003.0"}


async def test_the_rasa_token_travels_in_a_header_never_in_the_url() -> None:
    """M9: ``?token=`` would end up in proxy and access logs."""
    import aiohttp
    from aiohttp import web
    from aiohttp.test_utils import TestServer

    from bot.console.rasa_client import RasaClient

    seen: list[tuple[str, str]] = []

    async def events(request: web.Request) -> web.Response:
        seen.append((request.query_string, request.headers.get("Authorization", "")))
        return web.json_response({})

    fake = web.Application()
    fake.router.add_post("/conversations/{cid}/tracker/events", events)
    async with TestServer(fake) as server, aiohttp.ClientSession() as http:
        await RasaClient(http, str(server.make_url("")), "t" * 32).pause("c-1", "Einen Moment bitte.")
    assert seen and "token" not in seen[0][0] and seen[0][1] == "Bearer " + "t" * 32
