"""Notices and closures (reviewer, admin): posted here, used by the bot at once (audited).

A closure of an office ("24.–31.12. geschlossen") makes the office closed in every hours
answer on those days; a notice for an office, a service or the whole city is shown
before the answer. No restart, no YAML edit (``bot/handoff/notices.py``).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.auth import current_user, require_role
from bot.console.db import in_transaction, read_knowledge
from bot.console.keys import SETTINGS
from bot.console.render import render
from bot.handoff.notices import SCOPES, NoticeError, add_notice, current_notices, delete_notice
from bot.kb.hours import now as berlin_now
from bot.kb.models import Office, Service
from bot.staff.audit import record_audit

routes = web.RouteTableDef()

ROLES = ("reviewer", "admin")
SCOPE_NAMES = {"office": "Dienststelle", "service": "Leistung", "city": "Ganze Stadt"}
MESSAGES = {"added": "Der Hinweis gilt ab sofort.", "deleted": "Der Hinweis wurde entfernt."}


def subjects(knowledge_db_url: str) -> dict[str, dict[str, str]]:
    """Offices and services of the knowledge base by key (empty when it cannot be read)."""
    return read_knowledge(knowledge_db_url, lambda session: {
        "office": dict(session.execute(select(Office.key, Office.name).order_by(Office.name)).all()),
        "service": dict(session.execute(select(Service.key, Service.name).order_by(Service.name)).all()),
    }, {"office": {}, "service": {}})


async def _page(request: web.Request, error: str | None = None, form: dict | None = None,
                status: int = 200) -> web.StreamResponse:
    catalogue = await asyncio.to_thread(subjects, request.app[SETTINGS].knowledge_db_url)
    notices = await in_transaction(request.app, lambda session: current_notices(session, berlin_now().date()))
    return render(request, "notices.html", status=status, notices=notices, catalogue=catalogue,
                  scope_names=SCOPE_NAMES, error=error, form=form or {},
                  message=MESSAGES.get(request.query.get("msg", "")))


@routes.get("/notices")
@require_role(*ROLES)
async def notices_page(request: web.Request) -> web.StreamResponse:
    """Current and coming notices, and the form for a new one."""
    return await _page(request)


def _parse(form: Any, catalogue: dict[str, dict[str, str]]) -> dict[str, Any]:
    scope = str(form.get("scope") or "")
    if scope not in SCOPES:
        raise NoticeError("Bitte wählen Sie, wofür der Hinweis gilt.")
    subject = str(form.get(f"subject_{scope}") or "") if scope != "city" else None
    if subject is not None and subject not in catalogue.get(scope, {}):
        raise NoticeError("Diese Dienststelle oder Leistung kennt die Wissensdatenbank nicht.")
    try:
        starts_on = date.fromisoformat(str(form.get("starts_on") or ""))
        ends_on = date.fromisoformat(str(form.get("ends_on") or ""))
    except ValueError as error:
        raise NoticeError("Bitte geben Sie Beginn und Ende als Datum an.") from error
    return {"scope": scope, "subject_key": subject, "starts_on": starts_on, "ends_on": ends_on,
            "text": str(form.get("text") or "")[:1000], "closure": form.get("closure") == "yes"}


@routes.post("/notices")
@require_role(*ROLES)
async def create_notice(request: web.Request) -> web.StreamResponse:
    """Post a notice or closure (audited ``notice_created``)."""
    user = current_user(request)
    assert user is not None
    form = await request.post()
    catalogue = await asyncio.to_thread(subjects, request.app[SETTINGS].knowledge_db_url)
    try:
        values = _parse(form, catalogue)

        def work(session: Session) -> int:
            notice_id = add_notice(session, created_by=user.username, **values)
            record_audit(session, user.username, "notice_created", f"notice:{notice_id}",
                         f"{values['scope']}:{values['subject_key'] or '-'} {values['starts_on']}–{values['ends_on']}")
            return notice_id

        await in_transaction(request.app, work)
    except NoticeError as error:
        return await _page(request, error=str(error), form=dict(form), status=400)
    raise web.HTTPSeeOther("/notices?msg=added")


@routes.post(r"/notices/{notice_id:\d+}/delete")
@require_role(*ROLES)
async def remove_notice(request: web.Request) -> web.StreamResponse:
    """Remove a notice (audited ``notice_deleted``)."""
    user = current_user(request)
    assert user is not None
    notice_id = int(request.match_info["notice_id"])

    def work(session: Session) -> bool:
        removed = delete_notice(session, notice_id)
        if removed:
            record_audit(session, user.username, "notice_deleted", f"notice:{notice_id}")
        return removed

    if not await in_transaction(request.app, work):
        raise web.HTTPNotFound()
    raise web.HTTPSeeOther("/notices?msg=deleted")
