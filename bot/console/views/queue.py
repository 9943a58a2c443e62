"""The agent's queue: waiting conversations live (server-sent events), and "Übernehmen"."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.orm import Session

from bot.config import as_utc, utc_now
from bot.console.auth import current_user, require_role
from bot.console.db import in_transaction
from bot.console.keys import QUEUE, RASA, StaffUser
from bot.console.labels import reason_label
from bot.console.rasa_client import RasaUnavailable
from bot.console.render import render
from bot.console.sse import Heartbeat, open_stream, pause, send_event
from bot.handoff.queue import QueueEntry
from bot.handoff.settings import HandoffConfigError, HandoffSettings
from bot.metrics import HANDOFF_WAIT_SECONDS
from bot.staff.audit import record_audit

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

#: Fixed messages the queue page can show (``?msg=``): never text from the request.
MESSAGES = {
    "taken": "Dieses Gespräch wurde bereits übernommen oder ist nicht mehr in der Warteschlange.",
    "returned": "Das Gespräch ist wieder beim digitalen Assistenten.",
    "closed": "Das Gespräch ist abgeschlossen.",
    "rasa": "Der digitale Assistent ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
}
#: The snapshot is sent again at least this often (waiting times move on).
REFRESH_SECONDS = 15.0


def conversation_path(conversation_id: str) -> str:
    """The console URL of a conversation (the id quoted as one path segment)."""
    return "/conversations/" + quote(conversation_id, safe="")


def _team_names() -> dict[str, str]:
    try:
        return {team.key: team.name for team in HandoffSettings.load().teams}
    except HandoffConfigError:
        return {}


def entry_json(entry: QueueEntry, teams: dict[str, str]) -> dict[str, Any]:
    """One entry as the live view shows it (codes translated, no ORM objects)."""
    return {
        "id": entry.id,
        "conversation_id": entry.conversation_id,
        "team": teams.get(entry.team, entry.team),
        "reason": reason_label(entry.reason),
        "service": entry.service or "",
        "district": entry.district or "",
        "summary": entry.summary,
        "waiting_minutes": entry.waiting_minutes(),
        "position": entry.position,
        "status": entry.status,
    }


def snapshot(request: web.Request, user: StaffUser, teams: dict[str, str]) -> dict[str, Any]:
    """Waiting conversations and the agent's own (synchronous; run in a thread)."""
    queue = request.app[QUEUE]
    return {
        "waiting": [entry_json(entry, teams) for entry in queue.waiting()],
        "mine": [entry_json(entry, teams) for entry in queue.assigned(user.id)],
    }


@routes.get("/queue")
@require_role("agent")
async def queue_page(request: web.Request) -> web.StreamResponse:
    """The queue page (rendered once; ``static/queue.js`` keeps it live)."""
    user = current_user(request)
    assert user is not None
    teams = await asyncio.to_thread(_team_names)
    data = await asyncio.to_thread(snapshot, request, user, teams)
    message = MESSAGES.get(request.query.get("msg", ""))
    return render(request, "queue.html", waiting=data["waiting"], mine=data["mine"], message=message)


@routes.get("/queue/events")
@require_role("agent")
async def queue_events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: ``queue`` with the snapshot whenever the queue changes (and every 15 s)."""
    user = current_user(request)
    assert user is not None
    queue = request.app[QUEUE]
    teams = await asyncio.to_thread(_team_names)
    response = await open_stream(request)
    heartbeat = Heartbeat(request)
    if not await heartbeat.beat(response, force=True):
        return response
    last: object | None = object()
    sent_at = 0.0
    loop = asyncio.get_running_loop()
    try:
        while True:
            change = await asyncio.to_thread(queue.last_change)
            if change != last or loop.time() - sent_at >= REFRESH_SECONDS:
                await send_event(response, "queue", await asyncio.to_thread(snapshot, request, user, teams))
                last, sent_at = change, loop.time()
            if not await heartbeat.beat(response):
                break
            await pause()
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return response


async def connect_citizen(request: web.Request, entry: QueueEntry, user: StaffUser) -> None:
    """Pause the bot and tell the citizen who is with them now.

    Raises:
        RasaUnavailable: Rasa did not take it (the agent can press "Übernehmen" again).
    """
    rasa = request.app[RASA]
    await rasa.pause(entry.conversation_id, notice=f"Sie sind jetzt mit {user.display_name} verbunden.")


@routes.post("/handoffs/{handoff_id:\\d+}/take")
@require_role("agent")
async def take(request: web.Request) -> web.StreamResponse:
    """Take a waiting conversation (atomic: of two agents one wins), pause the bot, open the transcript."""
    user = current_user(request)
    assert user is not None
    queue = request.app[QUEUE]
    handoff_id = int(request.match_info["handoff_id"])
    entry = await asyncio.to_thread(queue.get, handoff_id)
    if entry is None:
        raise web.HTTPFound("/queue?msg=taken")
    retry = entry.status == "assigned" and entry.agent_id == user.id
    if not retry:
        if not await asyncio.to_thread(queue.claim, handoff_id, user.id):
            raise web.HTTPFound("/queue?msg=taken")
        HANDOFF_WAIT_SECONDS.observe(max(0.0, (utc_now() - as_utc(entry.created_at)).total_seconds()))

        def audit(session: Session) -> None:
            record_audit(session, user.username, "take_over", f"handoff:{handoff_id}",
                         f"conversation:{entry.conversation_id}")

        await in_transaction(request.app, audit)
    try:
        await connect_citizen(request, entry, user)
    except RasaUnavailable as error:
        logger.warning("takeover of handoff %d: %s", handoff_id, error)
        raise web.HTTPFound("/queue?msg=rasa") from None
    raise web.HTTPFound(conversation_path(entry.conversation_id))
