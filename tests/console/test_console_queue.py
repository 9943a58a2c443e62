"""The live queue, the takeover race and Rasa being down, over real HTTP (Rasa is not running here)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.db.engine import get_engine
from bot.handoff.queue import HandoffQueue
from bot.staff import session_factory
from bot.staff.models import AuditEntry
from tests.console.conftest import login

XSS = '<img src=x onerror="window.__xss=1"><script>alert(1)</script>'


def _queue(url: str) -> HandoffQueue:
    return HandoffQueue(get_engine(url))


def _audit(url: str) -> list[AuditEntry]:
    engine = get_engine(url)
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def _observed_waits() -> float:
    """How many handoff waits ``buergertelefon_handoff_wait_seconds`` has observed."""
    from bot.metrics import HANDOFF_WAIT_SECONDS

    return next(sample.value for metric in HANDOFF_WAIT_SECONDS.collect() for sample in metric.samples
                if sample.name.endswith("_count"))


async def test_the_waiting_gauge_follows_the_queue(console, staff_db_url) -> None:
    from bot.console.jobs_runner import run_round
    from bot.metrics import HANDOFFS_WAITING

    queue = _queue(staff_db_url)
    queue.enqueue("c-1", "socketio", "buergertelefon", "request_human")
    queue.enqueue("c-2", "audiocodes", "buergertelefon", "request_human")
    await run_round(console.server.app)
    assert HANDOFFS_WAITING._value.get() == 2
    queue.cancel("c-1")
    await run_round(console.server.app)
    assert HANDOFFS_WAITING._value.get() == 1


async def next_event(response: aiohttp.ClientResponse, name: str, timeout: float = 10.0) -> Any:
    """The data of the next server-sent event called ``name``."""

    async def read() -> Any:
        current = None
        while True:
            line = (await response.content.readline()).decode("utf-8")
            if not line:
                raise AssertionError("stream ended")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                current = line[len("event: "):]
            elif line.startswith("data: ") and current == name:
                return json.loads(line[len("data: "):])

    return await asyncio.wait_for(read(), timeout)


async def test_queue_page_lists_waiting_conversations_escaped(console, add_user, staff_db_url) -> None:
    add_user("anna", "agent")
    queue = _queue(staff_db_url)
    queue.enqueue("c-1", "socketio", "buergertelefon", "request_human", "personalausweis", "mitte", "Personalausweis")
    queue.enqueue("c-2", "socketio", "buergertelefon", "fallback", summary=XSS)
    await login(console, "anna")
    response = await console.get("/queue")
    html = await response.text()
    assert response.status == 200
    assert "Möchte eine Person sprechen" in html and "personalausweis" in html and "Zweimal nicht verstanden" in html
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x" in html
    assert html.count("Übernehmen") >= 2


async def test_queue_events_push_changes_without_reload(console, add_user, staff_db_url) -> None:
    add_user("anna", "agent")
    queue = _queue(staff_db_url)
    await login(console, "anna")
    async with console.get("/queue/events", headers={"Accept": "text/event-stream"}) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        first = await next_event(response, "queue")
        assert first == {"waiting": [], "mine": []}
        queue.enqueue("c-1", "socketio", "buergertelefon", "request_human", summary="Personalausweis")
        second = await next_event(response, "queue")
        assert [entry["conversation_id"] for entry in second["waiting"]] == ["c-1"]
        assert second["waiting"][0]["position"] == 1
        assert second["waiting"][0]["team"] == "Bürgertelefon"


async def test_takeover_race_has_one_winner(console, make_client, add_user, staff_db_url) -> None:
    anna, ben = add_user("anna", "agent"), add_user("ben", "agent")
    entry = _queue(staff_db_url).enqueue("c-1", "socketio", "buergertelefon", "request_human")
    clients = [console, make_client()]
    tokens = [await login(clients[0], "anna"), await login(clients[1], "ben")]
    waits_before = _observed_waits()
    responses = await asyncio.gather(*(
        client.post(f"/handoffs/{entry.id}/take", data={"csrf_token": token}, allow_redirects=False)
        for client, token in zip(clients, tokens, strict=True)
    ))
    locations = sorted(response.headers["Location"] for response in responses)
    # The winner gets the handoff; Rasa is not running, so it is told to try connecting again.
    assert locations == ["/queue?msg=rasa", "/queue?msg=taken"]
    taken = _queue(staff_db_url).get(entry.id)
    assert taken is not None and taken.status == "assigned" and taken.agent_id in (anna, ben)
    audits = [a for a in _audit(staff_db_url) if a.action == "take_over"]
    assert len(audits) == 1 and audits[0].target == f"handoff:{entry.id}"
    assert _observed_waits() == waits_before + 1  # the winner's wait, once
    loser = clients[[r.headers["Location"] for r in responses].index("/queue?msg=taken")]
    page = await loser.get("/queue?msg=taken")
    assert "bereits übernommen" in await page.text()


async def test_rasa_down_gives_a_german_message_not_a_500(console, add_user, staff_db_url) -> None:
    anna = add_user("anna", "agent")
    queue = _queue(staff_db_url)
    entry = queue.enqueue("c-1", "socketio", "buergertelefon", "request_human")
    assert queue.claim(entry.id, anna)
    token = await login(console, "anna")
    page = await console.get("/conversations/c-1")
    assert page.status == 200  # the transcript comes from the tracker store, not from Rasa
    reply = await console.post("/conversations/c-1/reply", data={"text": "Guten Tag"},
                               headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert reply.status == 503
    assert "nicht erreichbar" in (await reply.json())["message"]
    hand_back = await console.post("/conversations/c-1/handback", data={"csrf_token": token}, allow_redirects=False)
    assert hand_back.status == 302 and hand_back.headers["Location"].endswith("?msg=rasa")
    assert queue.get(entry.id).status == "assigned"  # nothing closed while Rasa did not resume
    retry = await console.post(f"/handoffs/{entry.id}/take", data={"csrf_token": token}, allow_redirects=False)
    assert retry.headers["Location"] == "/queue?msg=rasa"


async def test_only_the_assigned_agent_may_write(console, make_client, add_user, staff_db_url) -> None:
    anna = add_user("anna", "agent")
    add_user("ben", "agent")
    queue = _queue(staff_db_url)
    entry = queue.enqueue("c-1", "socketio", "buergertelefon", "request_human")
    assert queue.claim(entry.id, anna)
    other = make_client()
    token = await login(other, "ben")
    assert (await other.get("/conversations/c-1", allow_redirects=False)).status == 403
    for action in ("reply", "handback", "close"):
        response = await other.post(f"/conversations/c-1/{action}", data={"csrf_token": token, "text": "x",
                                                                          "outcome": "solved"}, allow_redirects=False)
        assert response.status == 403, action
    assert (await other.get("/conversations/unbekannt", allow_redirects=False)).status == 404


async def test_reply_validation(console, add_user, staff_db_url) -> None:
    anna = add_user("anna", "agent")
    queue = _queue(staff_db_url)
    entry = queue.enqueue("c-1", "socketio", "buergertelefon", "request_human")
    assert queue.claim(entry.id, anna)
    token = await login(console, "anna")
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    empty = await console.post("/conversations/c-1/reply", data={"text": "   "}, headers=headers)
    assert empty.status == 400 and "Bitte schreiben" in (await empty.json())["message"]
    long = await console.post("/conversations/c-1/reply", data={"text": "x" * 2001}, headers=headers)
    assert long.status == 400 and "zu lang" in (await long.json())["message"]
    outcome = await console.post("/conversations/c-1/close", data={"outcome": "erfunden"}, headers=headers)
    assert outcome.status == 400
    assert queue.get(entry.id).status == "assigned"


async def test_bad_ids_never_give_a_500(console, add_user) -> None:
    add_user("anna", "agent")
    token = await login(console, "anna")
    for path in ("/handoffs/999999/take", "/handoffs/abc/take", "/conversations/%3Cscript%3E/reply"):
        response = await console.post(path, data={"csrf_token": token}, allow_redirects=False)
        assert response.status in (302, 403, 404), (path, response.status)
    assert (await console.get("/conversations/" + "x" * 300, allow_redirects=False)).status == 404


async def test_transcript_comes_from_the_tracker_store_redacted_and_live(console, add_user, staff_db_url,
                                                                         console_settings) -> None:
    from datetime import datetime, timezone

    from rasa.shared.core.events import ConversationPaused

    from tests.review.trackers import bot, conversation, save, tracker_store, ts, user

    store = tracker_store(console_settings.tracker_db_url)
    start = ts(datetime.now(timezone.utc))
    events = conversation(start, user("Ich brauche Hilfe, Tel 0711 2345678", "request_human", 0.97, start + 1),
                          bot("Ich verbinde Sie.", start + 2), ConversationPaused(timestamp=start + 3))
    await save(store, "c-1", events)
    anna = add_user("anna", "agent")
    queue = _queue(staff_db_url)
    entry = queue.enqueue("c-1", "socketio", "buergertelefon", "request_human")
    assert queue.claim(entry.id, anna)
    await login(console, "anna")
    page = await console.get("/conversations/c-1")
    html = await page.text()
    assert page.status == 200
    assert "Tel [TELEFON]" in html and "2345678" not in html and "request_human" in html
    assert "Assistent pausiert" in html
    after = int(html.split('data-after="')[1].split('"')[0])
    assert after > 0
    async with console.get(f"/conversations/c-1/events?after={after}",
                           headers={"Accept": "text/event-stream"}) as response:
        await save(store, "c-1", [*events, user("<b>Noch da?</b>", "greet", 0.5, start + 4)])
        turns = await next_event(response, "turns")
    assert [(turn["actor"], turn["text"]) for turn in turns] == [("citizen", "<b>Noch da?</b>")]
    assert turns[0]["index"] > after
    store.engine.dispose()
    from bot.db.engine import get_engine
    from bot.staff import session_factory
    from bot.staff.audit import audit_entries

    engine = get_engine(staff_db_url)
    with session_factory(engine)() as session:  # the stream is a read of the transcript too (M4)
        streamed = audit_entries(session, action="stream_conversation")
        assert [(e.actor, e.target) for e in streamed] == [("anna", "conversation:c-1")]
    engine.dispose()


async def test_assigned_agent_may_reveal_the_original_text_audited(console, add_user, staff_db_url, console_settings,
                                                                    make_client) -> None:
    from datetime import datetime, timezone

    from tests.review.trackers import conversation, save, tracker_store, ts, user

    store = tracker_store(console_settings.tracker_db_url)
    start = ts(datetime.now(timezone.utc))
    await save(store, "c-1",
               conversation(start, user("Bitte rufen Sie 0711 2345678 an", "request_callback", 0.9, start)))
    store.engine.dispose()
    anna, _ = add_user("anna", "agent"), add_user("ben", "agent")
    queue = _queue(staff_db_url)
    entry = queue.enqueue("c-1", "socketio", "buergertelefon", "request_human")
    assert queue.claim(entry.id, anna)
    token = await login(console, "anna")
    assert (await console.post("/conversations/c-1/original", allow_redirects=False)).status == 403  # no CSRF
    page = await console.post("/conversations/c-1/original", data={"csrf_token": token})
    html = await page.text()
    assert page.status == 200 and "0711 2345678" in html and "protokolliert" in html
    assert "0711 2345678" not in await (await console.get("/conversations/c-1")).text()
    other = make_client()
    other_token = await login(other, "ben")
    refused = await other.post("/conversations/c-1/original", data={"csrf_token": other_token}, allow_redirects=False)
    assert refused.status == 403
    reveals = [e for e in _audit(staff_db_url) if e.action == "reveal_original"]
    assert [(e.actor, e.target) for e in reveals] == [("anna", "conversation:c-1")]
