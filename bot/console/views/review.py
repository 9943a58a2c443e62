"""Review pages (reviewer, admin): flagged conversations, redacted transcripts, annotations, export.

``/review`` lists conversations with a handoff, a fallback, a low-confidence turn or a
thumbs down (filters, pages); ``/review/{id}`` shows the redacted transcript with the
bot's intent and confidence per turn and the annotation forms (viewing is audited);
``POST /review/export`` downloads the annotations as Rasa NLU YAML (audited); admins
delete one conversation by id (``POST /review/delete``, confirmed, audited).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web
from sqlalchemy.orm import Session

from bot.config import utc_now
from bot.console.auth import current_user, require_role
from bot.console.db import in_transaction
from bot.console.keys import SETTINGS, StaffUser
from bot.console.labels import OUTCOME_LABELS, REASON_LABELS, STATUS_LABELS
from bot.console.render import render
from bot.review.annotations import AnnotationError, add_annotation, annotations_for, domain_intents
from bot.review.export import export_annotations
from bot.review.models import LABEL_NAMES, LABELS
from bot.review.queries import FEEDBACK_FILTERS, PAGE_SIZE, ReviewFilter, filter_options, list_flagged, transcript
from bot.review.retention import RetentionError, delete_conversation
from bot.staff.audit import record_audit

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()
#: What a deletion removed, named for the notice (counts come back in the redirect).
DELETED_NAMES = {"events": "Ereignisse", "handoffs": "Übergaben", "callbacks": "Rückrufwünsche",
                 "review_conversations": "Review-Gespräche", "review_turns": "Review-Nachrichten",
                 "annotations": "Anmerkungen"}

REVIEW_ROLES = ("reviewer", "admin")
MAX_CONVERSATION_ID = 255
NOTICES = {
    "annotated": "Die Anmerkung wurde gespeichert.",
    "deleted": "Das Gespräch wurde gelöscht.",
    "delete_nothing": "Zu dieser Kennung wurden keine Daten gefunden. Es wurde nichts gelöscht.",
    "delete_failed": ("Das Löschen ist fehlgeschlagen: Die Gesprächsdatenbank ist nicht erreichbar. "
                      "Es wurde nichts gelöscht. Bitte informieren Sie den IT-Betrieb."),
    "delete_missing": "Bitte geben Sie die Kennung des Gesprächs an.",
    "delete_unconfirmed": "Bitte bestätigen Sie das Löschen. Es wurde nichts gelöscht.",
}
FEEDBACK_NAMES = {"down": "mit negativer Bewertung", "up": "mit positiver Bewertung", "none": "ohne Bewertung"}
REASON_NAMES = {**REASON_LABELS, "fallback_only": "ohne Übergabe"}
#: Outcome of a closed handoff, or the status of an open one.
OUTCOME_NAMES = {**STATUS_LABELS, **OUTCOME_LABELS}


def _user(request: web.Request) -> StaffUser:
    user = current_user(request)
    if user is None:  # require_role guarantees a user; never reached
        raise web.HTTPUnauthorized()
    return user


def _conversation_id(request: web.Request) -> str:
    conversation_id = request.match_info.get("conversation_id", "").strip()
    if not conversation_id or len(conversation_id) > MAX_CONVERSATION_ID:
        raise web.HTTPNotFound()
    return conversation_id


def _review_url(conversation_id: str) -> str:
    return f"/review/{quote(conversation_id, safe='')}"


@routes.get("/review")
@require_role(*REVIEW_ROLES)
async def review_list(request: web.Request) -> web.StreamResponse:
    """Flagged conversations, newest first, with filters and pages."""
    filters = ReviewFilter.from_query(request.query)

    def load(session: Session) -> tuple[list[dict[str, Any]], int, dict[str, list[str]]]:
        rows, total = list_flagged(session, filters)
        items = [{
            "id": row.conversation_id, "url": _review_url(row.conversation_id), "started_at": row.started_at,
            "last_event_at": row.last_event_at, "channel": row.channel or "", "reason": row.handoff_reason,
            "outcome": row.handoff_outcome, "service": row.service, "user_turns": row.user_turns,
            "fallbacks": row.fallbacks, "low_confidence": row.low_confidence, "min_confidence": row.min_confidence,
            "feedback_up": row.feedback_up, "feedback_down": row.feedback_down,
        } for row in rows]
        return items, total, filter_options(session)

    items, total, options = await in_transaction(request.app, load)
    pages = max(1, -(-total // PAGE_SIZE))
    page_link = {
        page: "/review?" + urlencode(filters.query(page)) for page in (filters.page - 1, filters.page + 1)
        if 1 <= page <= pages
    }
    return render(
        request, "review_list.html", items=items, total=total, filters=filters, options=options,
        pages=pages, prev_link=page_link.get(filters.page - 1), next_link=page_link.get(filters.page + 1),
        feedback_filters=FEEDBACK_FILTERS, feedback_names=FEEDBACK_NAMES, reason_names=REASON_NAMES,
        outcome_names=OUTCOME_NAMES,
        is_admin=_user(request).has("admin"), message=_notice(request),
    )


async def _transcript_page(
    request: web.Request, conversation_id: str, error: str | None = None, status: int = 200,
) -> web.Response:
    user = _user(request)

    def load(session: Session) -> dict[str, Any] | None:
        summary, turns = transcript(session, conversation_id)
        if summary is None:
            return None
        notes: dict[int, list[Any]] = {}
        for note in annotations_for(session, conversation_id):
            notes.setdefault(note.turn_seq, []).append(note)
        if error is None:
            record_audit(session, user.username, "view_conversation", f"conversation:{conversation_id}", "review")
        return {"summary": summary, "turns": turns, "notes": notes}

    data = await in_transaction(request.app, load)
    if data is None:
        raise web.HTTPNotFound()
    return render(
        request, "review_conversation.html", status=status, conversation_id=conversation_id,
        base_url=_review_url(conversation_id), labels=LABELS, label_names=LABEL_NAMES, intents=domain_intents(),
        reason_names=REASON_NAMES, outcome_names=OUTCOME_NAMES, is_admin=user.has("admin"), error=error,
        message=NOTICES.get(request.query.get("msg", "")), **data,
    )


@routes.get("/review/{conversation_id}")
@require_role(*REVIEW_ROLES)
async def review_conversation(request: web.Request) -> web.StreamResponse:
    """The redacted transcript with intent and confidence per turn (audited ``view_conversation``)."""
    return await _transcript_page(request, _conversation_id(request))


@routes.post("/review/{conversation_id}/annotations")
@require_role(*REVIEW_ROLES)
async def annotate(request: web.Request) -> web.StreamResponse:
    """Store an annotation of one turn (audited ``annotate``)."""
    conversation_id = _conversation_id(request)
    form = await request.post()
    author = _user(request).username
    try:
        turn_seq = int(str(form.get("turn", "")))
    except ValueError:
        return await _transcript_page(request, conversation_id, error="Bitte wählen Sie eine Nachricht.", status=400)

    def work(session: Session) -> None:
        add_annotation(session, conversation_id, turn_seq, str(form.get("label", "")), author,
                       correct_intent=str(form.get("correct_intent", "")), note=str(form.get("note", ""))[:2000])

    try:
        await in_transaction(request.app, work)
    except AnnotationError as refused:
        return await _transcript_page(request, conversation_id, error=str(refused), status=400)
    raise web.HTTPSeeOther(f"{_review_url(conversation_id)}?msg=annotated#turn-{turn_seq}")


@routes.post("/review/export")
@require_role(*REVIEW_ROLES)
async def export(request: web.Request) -> web.StreamResponse:
    """Annotated citizen messages as a Rasa NLU YAML file (redacted; audited ``export``)."""
    actor = _user(request).username
    text = await in_transaction(request.app, lambda session: export_annotations(session, actor))
    name = f"review-annotations-{utc_now():%Y%m%d-%H%M}.yml"
    return web.Response(
        text=text, content_type="application/x-yaml", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _notice(request: web.Request) -> str | None:
    """The notice of ``?msg=``; after a deletion with what was deleted, by kind."""
    key = request.query.get("msg", "")
    notice = NOTICES.get(key)
    if key != "deleted" or notice is None:
        return notice
    parts = [f"{request.query.get('n_' + kind, '0')} {name}" for kind, name in DELETED_NAMES.items()
             if request.query.get("n_" + kind, "0").isdigit()]
    return f"{notice} Gelöscht: {', '.join(parts)}."


@routes.post("/review/delete")
@require_role("admin")
async def delete(request: web.Request) -> web.StreamResponse:
    """Delete all data of one conversation by id (confirmed; audited ``delete_conversation``)."""
    form = await request.post()
    conversation_id = str(form.get("conversation_id", "")).strip()
    if not conversation_id or len(conversation_id) > MAX_CONVERSATION_ID:
        raise web.HTTPSeeOther("/review?msg=delete_missing")
    if form.get("confirm") != "yes":
        raise web.HTTPSeeOther("/review?msg=delete_unconfirmed")
    settings = request.app[SETTINGS]
    try:
        counts = await asyncio.to_thread(delete_conversation, settings, conversation_id, _user(request).username)
    except RetentionError:
        logger.exception("deletion of a conversation failed")
        raise web.HTTPSeeOther("/review?msg=delete_failed") from None
    if not any(counts.values()):
        raise web.HTTPSeeOther("/review?msg=delete_nothing")
    raise web.HTTPSeeOther("/review?" + urlencode({"msg": "deleted", **{f"n_{k}": v for k, v in counts.items()}}))
