"""A python-socketio client speaking the web chat's protocol (tests without a browser)."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio

TIMEOUT = 30


class Client:
    """A socket.io client that collects ``bot_uttered`` messages."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.messages: asyncio.Queue[dict] = asyncio.Queue()
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("bot_uttered", self.messages.put)
        self.sio.on("session_confirm", self.confirmed.put)

    async def connect(self, url: str, origin: str | None) -> None:
        headers = {"Origin": origin} if origin else {}
        # long-polling: the websocket transport of this python-engineio needs aiohttp >= 3.10
        await self.sio.connect(url, headers=headers, transports=["polling"], wait_timeout=10)

    async def close(self) -> None:
        """Disconnect without waiting for the pending long-poll (up to the ping interval)."""
        engine = self.sio.eio
        tasks = [task for task in (engine.read_loop_task, engine.write_loop_task) if task is not None]
        await engine.disconnect(abort=True)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def session(self, session_id: str | None = None) -> str:
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), TIMEOUT)

    async def say(self, session_id: str, text: Any, **extra: Any) -> dict:
        await self.sio.emit("user_uttered", {"message": text, "session_id": session_id, **extra})
        return await asyncio.wait_for(self.messages.get(), TIMEOUT)
