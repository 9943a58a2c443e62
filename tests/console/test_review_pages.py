"""Review pages over real HTTP: list and filters, redacted transcript, annotations, export, deletion, roles."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from rasa.shared.nlu.training_data.loading import load_data
from sqlalchemy import select

from bot.console.settings import ConsoleSettings
from bot.review.ingest import ingest
from bot.review.models import ReviewAnnotation, ReviewConversation
from bot.review.stores import open_stores
from bot.review.tracker_events import EVENTS
from bot.staff.audit import audit_entries
from tests.console.conftest import AddUser, login
from tests.review.trackers import bot, conversation, save, slot, tracker_store, ts, user

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


async def _conversations(settings: ConsoleSettings) -> None:
    store = tracker_store(settings.tracker_db_url)
    start = ts(datetime.now(timezone.utc) - timedelta(hours=2))
    await save(store, "conv-fallback", conversation(
        start,
        user(XSS, "nlu_fallback", 0.18, start + 1),
        bot("Das habe ich leider nicht verstanden.", start + 2),
        user("Meine Nummer ist 0176 12345678, bitte rufen Sie an", "request_callback", 0.42, start + 3),
        slot("service", "personalausweis", start + 3),
        slot("feedback", {"message_id": "1", "rating": "down"}, start + 4),
    ))
    await save(store, "conv-handoff", conversation(
        start + 10,
        user("Ich will einen Menschen sprechen", "request_human", 0.95, start + 11),
        bot("Ich verbinde Sie.", start + 12),
        bot("Guten Tag, hier ist Frau Maier.", start + 13, agent="Frau Maier"),
    ))
    await save(store, "conv-plain", conversation(
        start + 20,
        user("Was kostet ein Reisepass?", "ask_fees", 0.97, start + 21),
        bot("Der Reisepass kostet 70,00 Euro.", start + 22),
    ))
    store.engine.dispose()
    with open_stores(settings) as stores:
        stores.queue.enqueue("conv-handoff", "socketio", "buergertelefon", "request_human")
        ingest(stores.tracker_engine, stores.sessions)


@pytest.fixture
async def data(console_settings: ConsoleSettings) -> ConsoleSettings:
    await _conversations(console_settings)
    return console_settings


async def test_list_shows_flagged_conversations_with_filters(console: TestClient, add_user: AddUser, data) -> None:
    add_user("rita", "reviewer")
    await login(console, "rita")
    page = await (await console.get("/review")).text()
    assert "/review/conv-fallback" in page and "/review/conv-handoff" in page
    assert "conv-plain" not in page
    assert "2 Gespräche" in page
    only_handoff = await (await console.get("/review?reason=request_human")).text()
    assert "/review/conv-handoff" in only_handoff and "/review/conv-fallback" not in only_handoff
    by_feedback = await (await console.get("/review?feedback=down&service=personalausweis")).text()
    assert "/review/conv-fallback" in by_feedback and "/review/conv-handoff" not in by_feedback
    future = (datetime.now(timezone.utc) + timedelta(days=3)).date().isoformat()
    assert "Keine Gespräche" in await (await console.get(f"/review?from={future}")).text()
    # Bad filter values are ignored, never a 500.
    odd = await console.get("/review?from=gestern&page=abc&feedback=<b>")
    assert odd.status == 200


async def test_transcript_is_redacted_escaped_and_audited(console: TestClient, add_user: AddUser, data) -> None:
    add_user("rita", "reviewer")
    await login(console, "rita")
    response = await console.get("/review/conv-fallback")
    assert response.status == 200
    page = await response.text()
    assert "<img src=x" not in page and "<script>window.__xss" not in page
    assert "&lt;img src=x onerror=" in page and "&lt;script&gt;" in page
    assert "[TELEFON]" in page and "0176" not in page
    assert "nlu_fallback" in page and "0.18" in page and "request_callback" in page
    handoff = await (await console.get("/review/conv-handoff")).text()
    assert "Mitarbeiter/in: Frau Maier" in handoff
    with open_stores(data) as stores, stores.sessions() as session:
        viewed = [entry.target for entry in audit_entries(session, action="view_conversation")]
    assert viewed == ["conversation:conv-handoff", "conversation:conv-fallback"]
    assert (await console.get("/review/does-not-exist")).status == 404


async def test_annotation_and_export_as_rasa_nlu(console: TestClient, add_user: AddUser, data, tmp_path: Path) -> None:
    add_user("rita", "reviewer")
    token = await login(console, "rita")
    form = {"csrf_token": token, "turn": "2", "label": "falscher_intent", "correct_intent": "request_callback",
            "note": "Rückruf an 0711 1234567 gewünscht"}
    response = await console.post("/review/conv-fallback/annotations", data=form, allow_redirects=False)
    assert response.status == 303
    page = await (await console.get(response.headers["Location"])).text()
    assert "Die Anmerkung wurde gespeichert." in page and "Rückruf an [TELEFON] gewünscht" in page

    wrong = await console.post("/review/conv-fallback/annotations", data={**form, "label": "erfunden"})
    assert wrong.status == 400 and "Unbekannte Bewertung" in await wrong.text()
    unknown_intent = await console.post("/review/conv-fallback/annotations", data={**form, "correct_intent": "hack"})
    assert unknown_intent.status == 400 and "Unbekannter Intent" in await unknown_intent.text()
    no_turn = await console.post("/review/conv-fallback/annotations", data={**form, "turn": "99"})
    assert no_turn.status == 400
    no_csrf = await console.post("/review/conv-fallback/annotations",
                                 data={k: v for k, v in form.items() if k != "csrf_token"})
    assert no_csrf.status == 403

    export = await console.post("/review/export", data={"csrf_token": token})
    assert export.status == 200 and "attachment" in export.headers["Content-Disposition"]
    text = await export.text()
    assert "0176" not in text and "TELEFON" in text
    path = tmp_path / "export.yml"
    path.write_text(text, encoding="utf-8")
    training = load_data(str(path))
    assert [(m.get("intent"), m.get("text")) for m in training.intent_examples] == [
        ("request_callback", "Meine Nummer ist TELEFON, bitte rufen Sie an"),
    ]
    assert training.entity_examples == []
    with open_stores(data) as stores, stores.sessions() as session:
        assert [e.action for e in audit_entries(session) if e.action in ("annotate", "export")] == ["export",
                                                                                                    "annotate"]
        assert session.scalar(select(ReviewAnnotation.note)) == "Rückruf an [TELEFON] gewünscht"


async def test_roles_are_checked_on_every_review_route(console: TestClient, add_user: AddUser, data) -> None:
    anonymous = await console.get("/review", allow_redirects=False)
    assert anonymous.status == 302 and anonymous.headers["Location"].startswith("/login")
    assert (await console.get("/review/conv-fallback", allow_redirects=False)).status == 302
    add_user("alex", "agent")
    token = await login(console, "alex")
    assert (await console.get("/review")).status == 403
    assert (await console.get("/review/conv-fallback")).status == 403
    assert (await console.post("/review/export", data={"csrf_token": token})).status == 403
    assert (await console.post("/review/conv-fallback/annotations",
                               data={"csrf_token": token, "turn": "0", "label": "gut"})).status == 403
    assert (await console.post("/review/delete",
                               data={"csrf_token": token, "conversation_id": "conv-plain",
                                     "confirm": "yes"})).status == 403


async def _senders(settings: ConsoleSettings) -> list[str]:
    with open_stores(settings) as stores, stores.tracker_engine.connect() as connection:
        return sorted(set(connection.execute(select(EVENTS.c.sender_id)).scalars()))


async def test_only_admins_delete_a_conversation_after_confirming(
    console: TestClient, add_user: AddUser, make_client, data,
) -> None:
    add_user("rita", "reviewer")
    token = await login(console, "rita")
    form = {"csrf_token": token, "conversation_id": "conv-fallback", "confirm": "yes"}
    assert (await console.post("/review/delete", data=form)).status == 403
    assert 'action="/review/delete"' not in await (await console.get("/review")).text()

    add_user("ada", "admin")
    admin = make_client()
    admin_token = await login(admin, "ada")
    unconfirmed = await admin.post("/review/delete", data={**form, "csrf_token": admin_token, "confirm": ""})
    assert "Es wurde nichts gelöscht" in await unconfirmed.text()
    assert "conv-fallback" in await _senders(data)
    confirmed = await admin.post("/review/delete", data={**form, "csrf_token": admin_token}, allow_redirects=False)
    assert confirmed.status == 303
    assert await _senders(data) == ["conv-handoff", "conv-plain"]
    with open_stores(data) as stores, stores.sessions() as session:
        assert session.get(ReviewConversation, "conv-fallback") is None
        entry = audit_entries(session, action="delete_conversation")[0]
        assert (entry.actor, entry.target) == ("ada", "conversation:conv-fallback")
    assert (await admin.get("/review/conv-fallback")).status == 404


async def test_list_is_paginated(console: TestClient, add_user: AddUser, console_settings: ConsoleSettings) -> None:
    now = datetime.now(timezone.utc)
    with open_stores(console_settings) as stores, stores.sessions() as session, session.begin():
        session.add_all(
            ReviewConversation(conversation_id=f"c{i:02d}", started_at=now - timedelta(minutes=i),
                               last_event_at=now - timedelta(minutes=i), user_turns=1, fallbacks=1, low_confidence=0,
                               feedback_up=0, feedback_down=0, flagged=True, updated_at=now)
            for i in range(30)
        )
    add_user("rita", "reviewer")
    await login(console, "rita")
    first = await (await console.get("/review")).text()
    assert "30 Gespräche · Seite 1 von 2" in first
    assert "/review/c00" in first and "/review/c24" in first and "/review/c25" not in first
    assert 'href="/review?page=2"' in first
    second = await (await console.get("/review?page=2")).text()
    assert "/review/c25" in second and "/review/c29" in second and "/review/c00" not in second
    assert 'href="/review?page=1"' in second
