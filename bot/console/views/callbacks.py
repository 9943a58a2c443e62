"""Callbacks page (agent, admin): open callback and e-mail requests of phone and web chat; mark done.

The requests live in the telephony database (``bot/telephony/callbacks.py``), read in a
worker thread over the process's engine (:func:`bot.db.engine.get_engine`). "Erledigt" is audited
``callback_done``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from aiohttp import web

from bot.config import as_utc, utc_now
from bot.console.auth import current_user, require_role
from bot.console.db import in_transaction
from bot.console.keys import SETTINGS
from bot.console.render import render
from bot.console.settings import ConsoleSettings
from bot.db.engine import get_engine
from bot.handoff.phone_numbers import written as written_number
from bot.staff.audit import record_audit
from bot.telephony.callbacks import CallbackRepository

routes = web.RouteTableDef()

#: Contact data is for the agents who call back; admins do not need it.
CALLBACK_ROLES = ("agent",)
NOTICES = {
    "done": "Der Rückruf wurde als erledigt markiert.",
    "gone": "Diese Anfrage ist nicht mehr offen.",
}
CHANNEL_NAMES = {"phone": "Telefon", "web": "Web-Chat"}
T = TypeVar("T")


@dataclass(frozen=True)
class CallbackItem:
    """One open request as the page shows it."""

    id: int
    channel: str
    contact: str
    kind: str
    due_from: datetime
    due_until: datetime
    overdue: bool
    reason: str
    service: str
    district: str
    created_at: datetime


def _with_repository(settings: ConsoleSettings, work: Callable[[CallbackRepository], T]) -> T:
    return work(CallbackRepository(get_engine(settings.telephony_db_url, "telephony")))


def _open_items(repository: CallbackRepository) -> list[CallbackItem]:
    now = utc_now()
    items = []
    for row in repository.open_requests():
        email: str | None = getattr(row, "email", None)
        channel = getattr(row, "channel", None) or "phone"
        items.append(CallbackItem(
            id=int(row.id), channel=CHANNEL_NAMES.get(channel, channel),
            contact=email or (written_number(row.phone) if row.phone else ""),
            kind="E-Mail-Antwort" if email else "Rückruf",
            due_from=as_utc(row.due_from), due_until=as_utc(row.due_until), overdue=as_utc(row.due_until) < now,
            reason=row.reason or "", service=row.service or "", district=row.district or "",
            created_at=as_utc(row.created_at),
        ))
    return items


@routes.get("/callbacks")
@require_role(*CALLBACK_ROLES)
async def callbacks_page(request: web.Request) -> web.StreamResponse:
    """Open requests, the earliest due first."""
    settings = request.app[SETTINGS]
    items = await asyncio.to_thread(_with_repository, settings, _open_items)
    user = current_user(request)
    assert user is not None
    await in_transaction(request.app, lambda session: record_audit(
        session, user.username, "view_callbacks", "callbacks", f"{len(items)} offen"))
    return render(request, "callbacks.html", items=items, message=NOTICES.get(request.query.get("msg", "")))


@routes.post("/callbacks/{request_id:\\d+}/done")
@require_role(*CALLBACK_ROLES)
async def mark_done(request: web.Request) -> web.StreamResponse:
    """Mark one request as done (audited ``callback_done``)."""
    try:
        request_id = int(request.match_info["request_id"])
    except (KeyError, ValueError):
        raise web.HTTPNotFound() from None
    user = current_user(request)
    actor = user.username if user else "unknown"
    settings = request.app[SETTINGS]
    done = await asyncio.to_thread(_with_repository, settings, lambda repository: repository.mark_done(request_id))
    if not done:
        raise web.HTTPSeeOther("/callbacks?msg=gone")
    await in_transaction(
        request.app, lambda session: record_audit(session, actor, "callback_done", f"callback:{request_id}"),
    )
    raise web.HTTPSeeOther("/callbacks?msg=done")
