"""The phone hotline's agent board (agent, admin): staff report presence here instead of the CLI.

The phone's handoff (``actions/phone_handoff.py``) decides from this board whether a caller
is transferred, queued or offered a callback (see README, "Phone channel"); the web chat's
queue reads its handling time and today's override too. The board lives
in the shared call store (Redis or SQL, ``bot/telephony/runtime.py``).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.console.auth import current_user, require_role
from bot.console.db import in_transaction
from bot.console.render import render
from bot.staff.audit import record_audit
from bot.telephony import runtime
from bot.telephony.store.base import AgentBoard

routes = web.RouteTableDef()

HOURS_CHOICES = {"auto": "nach den Öffnungszeiten der Wissensdatenbank", "open": "heute geöffnet",
                 "closed": "heute geschlossen"}
FIELDS = ("staffed", "free", "waiting")


def _board() -> AgentBoard:
    return runtime.store().board()


def _changes(form: Any) -> dict[str, Any]:
    """The board fields of the form, validated.

    Raises:
        ValueError: with a German message for staff.
    """
    changes: dict[str, Any] = {}
    for key in FIELDS:
        raw = str(form.get(key) or "").strip()
        if not raw.isdigit() or len(raw) > 4:
            raise ValueError("Bitte geben Sie ganze Zahlen von 0 bis 9999 ein.")
        changes[key] = int(raw)
    minutes = str(form.get("avg_handle_minutes") or "").strip()
    if not minutes.isdigit() or not 1 <= int(minutes) <= 240:
        raise ValueError("Die Bearbeitungszeit muss zwischen 1 und 240 Minuten liegen.")
    changes["avg_handle_seconds"] = int(minutes) * 60
    if changes["free"] > changes["staffed"]:
        raise ValueError("Es können nicht mehr Plätze frei als besetzt sein.")
    hours = str(form.get("hours") or "")
    if hours not in HOURS_CHOICES:
        raise ValueError("Bitte wählen Sie, ob die Hotline heute geöffnet ist.")
    changes["hours_override"] = None if hours == "auto" else hours
    return changes


async def _page(request: web.Request, message: str | None = None, error: str | None = None,
                status: int = 200) -> web.Response:
    board = await asyncio.to_thread(_board)
    return render(request, "phone.html", status=status, board=board, hours_choices=HOURS_CHOICES,
                  hours=board.hours_override or "auto", avg_minutes=max(1, round(board.avg_handle_seconds / 60)),
                  message=message, error=error)


@routes.get("/phone")
@require_role("agent", "admin")
async def phone_page(request: web.Request) -> web.StreamResponse:
    """The current board and the form to change it."""
    saved = request.query.get("msg") == "saved"
    return await _page(request, message="Die Angaben zur Telefon-Hotline sind gespeichert." if saved else None)


@routes.post("/phone")
@require_role("agent", "admin")
async def save_board(request: web.Request) -> web.StreamResponse:
    """Store the board (audited ``settings_changed``, target ``phone_board``)."""
    user = current_user(request)
    assert user is not None
    try:
        changes = _changes(await request.post())
    except ValueError as error:
        return await _page(request, error=str(error), status=400)
    await asyncio.to_thread(lambda: runtime.store().set_board(**changes))

    def audit(session: Session) -> None:
        record_audit(session, user.username, "settings_changed", "phone_board", json.dumps(changes, sort_keys=True))

    await in_transaction(request.app, audit)
    raise web.HTTPFound("/phone?msg=saved")
