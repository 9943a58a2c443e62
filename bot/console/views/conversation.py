"""One conversation for its agent: live transcript, reply box, "An Bot zurückgeben", "Abschließen"."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.config import SENDER_ID_CHARS, SENDER_ID_MAX
from bot.console.auth import current_user, require_role, wants_json
from bot.console.db import in_transaction
from bot.console.keys import QUEUE, RASA, TRACKER_ENGINE, StaffUser
from bot.console.labels import CLOSE_OUTCOMES, OUTCOME_LABELS, reason_label
from bot.console.rasa_client import RasaUnavailable
from bot.console.render import render
from bot.console.sse import Heartbeat, open_stream, pause, send_event
from bot.console.transcript import is_paused, stored_transcript
from bot.console.views.queue import conversation_path
from bot.handoff.queue import QueueEntry
from bot.review.tracker_events import conversation_events
from bot.staff.audit import record_audit

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_REPLY = 2000
HAND_BACK_TEXT = "Sie sprechen jetzt wieder mit dem digitalen Assistenten. Wie kann ich Ihnen helfen?"
FAREWELL_TEXT = (
    "Vielen Dank für Ihre Geduld. Das Gespräch mit unserem Team ist beendet. "
    "Bei weiteren Fragen hilft Ihnen wieder der digitale Assistent."
)
RASA_DOWN = "Der digitale Assistent ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal."
HISTORY_DOWN = "Der Verlauf kann gerade nicht geladen werden. Bitte versuchen Sie es gleich noch einmal."
MESSAGES = {
    "empty": "Bitte schreiben Sie eine Nachricht.",
    "too_long": f"Die Nachricht ist zu lang (höchstens {MAX_REPLY} Zeichen).",
    "rasa": RASA_DOWN,
    "outcome": "Bitte wählen Sie ein Ergebnis aus.",
}
#: The channels' sender ids (``+`` included: phone conversations may carry one).
CONVERSATION_ID = "{conversation_id:[" + SENDER_ID_CHARS + "]{1," + str(SENDER_ID_MAX) + "}}"


async def _entry(request: web.Request) -> QueueEntry | None:
    return await asyncio.to_thread(request.app[QUEUE].open_entry, request.match_info["conversation_id"])


def _may_view(entry: QueueEntry | None, user: StaffUser) -> bool:
    """Agents see a conversation while it waits, and while it is theirs."""
    return entry is not None and (entry.status == "waiting" or entry.agent_id == user.id)


async def _own_entry(request: web.Request) -> tuple[StaffUser, QueueEntry]:
    """The user and the conversation's handoff, which must be assigned to this user (else 403/404)."""
    user = current_user(request)
    assert user is not None
    entry = await _entry(request)
    if entry is None:
        raise web.HTTPNotFound()
    if entry.status != "assigned" or entry.agent_id != user.id:
        raise web.HTTPForbidden()
    return user, entry


@routes.get(f"/conversations/{CONVERSATION_ID}")
@require_role("agent")
async def conversation_page(request: web.Request) -> web.StreamResponse:
    """The transcript (citizen text redacted) with the reply box for the assigned agent."""
    user = current_user(request)
    assert user is not None
    entry = await _entry(request)
    if entry is None:
        raise web.HTTPNotFound()
    if not _may_view(entry, user):
        raise web.HTTPForbidden()
    return await _conversation(request, user, entry, reveal=False)


@routes.post(f"/conversations/{CONVERSATION_ID}/original")
@require_role("agent")
async def original_page(request: web.Request) -> web.StreamResponse:
    """The same page with the citizen's original text, for the assigned agent only (audited
    ``reveal_original``), e.g. to read back a number the citizen gave for a callback."""
    user, entry = await _own_entry(request)
    return await _conversation(request, user, entry, reveal=True)


async def _conversation(request: web.Request, user: StaffUser, entry: QueueEntry, reveal: bool) -> web.StreamResponse:
    conversation_id = request.match_info["conversation_id"]

    def audit(session: Session) -> None:
        record_audit(session, user.username, "reveal_original" if reveal else "view_conversation",
                     f"conversation:{conversation_id}", f"handoff:{entry.id}")

    await in_transaction(request.app, audit)
    turns, paused, error, last_index = [], False, None, 0
    try:
        rows = await asyncio.to_thread(conversation_events, request.app[TRACKER_ENGINE], conversation_id)
        turns, paused, last_index = stored_transcript(rows, reveal), is_paused(rows), rows[-1].id if rows else 0
    except SQLAlchemyError as failure:
        logger.warning("conversation %s: tracker store: %s", conversation_id, failure)
        error = HISTORY_DOWN
    return render(
        request, "conversation.html", status=200 if error is None else 503,
        entry=entry, turns=turns, paused=paused, error=error, last_index=last_index, mine=entry.agent_id == user.id,
        reason=reason_label(entry.reason), outcomes=[(code, OUTCOME_LABELS[code]) for code in CLOSE_OUTCOMES],
        path_of_conversation=conversation_path(conversation_id), max_reply=MAX_REPLY, revealed=reveal,
        message=MESSAGES.get(request.query.get("msg", "")),
    )


@routes.get(f"/conversations/{CONVERSATION_ID}/events")
@require_role("agent")
async def conversation_events_stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: ``turns`` with new transcript lines (read from the tracker store,
    ``id > after``), ``history`` when the store is unreachable or back, ``status`` when the handoff ends."""
    user = current_user(request)
    assert user is not None
    conversation_id = request.match_info["conversation_id"]
    entry = await _entry(request)
    if entry is None or not _may_view(entry, user):
        raise web.HTTPForbidden()
    try:
        after = max(0, int(request.query.get("after", "0")))
    except ValueError:
        after = 0
    entry_id = entry.id

    def audit(session: Session) -> None:  # every read of a transcript is audited, the stream too
        record_audit(session, user.username, "stream_conversation", f"conversation:{conversation_id}",
                     f"handoff:{entry_id}")

    await in_transaction(request.app, audit)
    response = await open_stream(request)
    heartbeat = Heartbeat(request)
    engine = request.app[TRACKER_ENGINE]
    unavailable = False
    try:
        while await heartbeat.beat(response):
            try:
                rows = await asyncio.to_thread(conversation_events, engine, conversation_id, after)
                if unavailable:
                    await send_event(response, "history", {"available": True})
                    unavailable = False
            except SQLAlchemyError as failure:
                if not unavailable:
                    logger.warning("conversation %s: tracker store: %s", conversation_id, failure)
                    await send_event(response, "history", {"available": False, "message": HISTORY_DOWN})
                    unavailable = True
                rows = []
            turns = stored_transcript(rows)
            if turns:
                await send_event(response, "turns", [turn.as_json() for turn in turns])
            if rows:
                after = rows[-1].id
            if not _may_view(await _entry(request), user):
                await send_event(response, "status", {"open": False})
                break
            await pause()
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return response


def _back(request: web.Request, message: str | None = None, status: int = 400) -> web.StreamResponse:
    """Answer a form: JSON for fetch(), else back to the page with a fixed message."""
    if wants_json(request):
        if message is None:
            return web.json_response({"ok": True})
        return web.json_response({"ok": False, "message": MESSAGES[message]}, status=status)
    suffix = f"?msg={message}" if message else ""
    raise web.HTTPFound(conversation_path(request.match_info["conversation_id"]) + suffix)


@routes.post(f"/conversations/{CONVERSATION_ID}/reply")
@require_role("agent")
async def reply(request: web.Request) -> web.StreamResponse:
    """The assigned agent writes to the citizen (stored in the tracker as the agent's message)."""
    user, entry = await _own_entry(request)
    form = await request.post()
    text = str(form.get("text") or "").strip()
    if not text:
        return _back(request, "empty")
    if len(text) > MAX_REPLY:
        return _back(request, "too_long")
    try:
        await request.app[RASA].send_agent_message(entry.conversation_id, text, user.display_name)
    except RasaUnavailable as error:
        logger.warning("reply in %s: %s", entry.conversation_id, error)
        return _back(request, "rasa", status=503)
    return _back(request)


async def _finish(request: web.Request, user: StaffUser, entry: QueueEntry, text: str, outcome: str,
                  action: str) -> None:
    """Resume the bot and tell the citizen (one request), close the handoff, audit. Rasa down → nothing is closed."""
    rasa = request.app[RASA]
    await rasa.resume(entry.conversation_id, notice=text)
    closed = await asyncio.to_thread(request.app[QUEUE].close, entry.id, outcome)

    def audit(session: Session) -> None:
        record_audit(session, user.username, action, f"handoff:{entry.id}",
                     f"conversation:{entry.conversation_id} outcome:{outcome}")

    if closed:
        await in_transaction(request.app, audit)


@routes.post(f"/conversations/{CONVERSATION_ID}/handback")
@require_role("agent")
async def hand_back(request: web.Request) -> web.StreamResponse:
    """"An Bot zurückgeben": the bot takes over again; the handoff closes as ``returned_to_bot``."""
    user, entry = await _own_entry(request)
    try:
        await _finish(request, user, entry, HAND_BACK_TEXT, "returned_to_bot", "hand_back")
    except RasaUnavailable as error:
        logger.warning("hand back of %s: %s", entry.conversation_id, error)
        return _back(request, "rasa", status=503)
    raise web.HTTPFound("/queue?msg=returned")


@routes.post(f"/conversations/{CONVERSATION_ID}/close")
@require_role("agent")
async def close(request: web.Request) -> web.StreamResponse:
    """"Abschließen" with an outcome tag: farewell, the bot resumes, the handoff closes."""
    user, entry = await _own_entry(request)
    form = await request.post()
    outcome = str(form.get("outcome") or "")
    if outcome not in CLOSE_OUTCOMES:
        return _back(request, "outcome")
    try:
        await _finish(request, user, entry, FAREWELL_TEXT, outcome, "close_handoff")
    except RasaUnavailable as error:
        logger.warning("close of %s: %s", entry.conversation_id, error)
        return _back(request, "rasa", status=503)
    raise web.HTTPFound("/queue?msg=closed")
