"""Server-sent events for the live views: stream setup, messages, heartbeat and session checks."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.console.db import in_transaction
from bot.console.keys import SETTINGS
from bot.console.middlewares import SESSION_HASH, sse_headers
from bot.console.sessions import session_alive, touch_session

#: Seconds between polls of the data a live view watches.
POLL_SECONDS = 1.0
#: Seconds between heartbeat comments (and session refreshes = agent presence).
HEARTBEAT_SECONDS = 15.0


async def open_stream(request: web.Request) -> web.StreamResponse:
    """Start an event stream (headers sent at once)."""
    response = web.StreamResponse(headers=sse_headers())
    await response.prepare(request)
    return response


async def send_event(response: web.StreamResponse, event: str, data: Any) -> None:
    """One event with JSON data."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    await response.write(f"event: {event}\ndata: {payload}\n\n".encode())


class Heartbeat:
    """Every :data:`HEARTBEAT_SECONDS`: a comment line, ``last_seen`` refreshed, the session checked."""

    def __init__(self, request: web.Request) -> None:
        self._request = request
        self._next = time.monotonic() + HEARTBEAT_SECONDS

    async def beat(self, response: web.StreamResponse, force: bool = False) -> bool:
        """Send a heartbeat if due; False when the session has ended (the stream should stop)."""
        if not force and time.monotonic() < self._next:
            return True
        self._next = time.monotonic() + HEARTBEAT_SECONDS
        hashed: str | None = self._request.get(SESSION_HASH)
        idle = self._request.app[SETTINGS].session_idle_minutes
        if hashed is None:
            return False

        def work(session: Session) -> bool:
            alive = session_alive(session, hashed, idle)
            if alive:
                touch_session(session, hashed)
            return alive

        if not await in_transaction(self._request.app, work):
            await send_event(response, "session_ended", {})
            return False
        await response.write(b": ping\n\n")
        return True


async def pause() -> None:
    """Wait until the next poll."""
    await asyncio.sleep(POLL_SECONDS)
