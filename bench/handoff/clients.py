"""The handoff benchmark's clients: web-chat citizens (socket.io), the agent in the staff console
(aiohttp, logged in over the login form) and the console's server-sent event streams.

Every item a client receives lands in an :class:`Inbox` with its arrival time; every wait for
one is bounded and raises :class:`BenchError` when it runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import socketio

from bench.helpers.servers import webchat_sender
from bench.helpers.sioclient import Client


class BenchError(RuntimeError):
    """A step failed (the message says which and why)."""



class Inbox:
    """Items with their arrival time (perf_counter) and a bounded wait for a matching one."""

    def __init__(self) -> None:
        self.items: list[tuple[float, Any]] = []
        self._changed = asyncio.Condition()

    async def put(self, item: Any) -> None:
        self.items.append((time.perf_counter(), item))
        async with self._changed:
            self._changed.notify_all()

    def mark(self) -> int:
        return len(self.items)

    async def wait_for(self, predicate: Callable[[Any], bool], start: int, timeout: float,
                       what: str) -> tuple[float, Any]:
        """The first item from index ``start`` on that matches; BenchError after ``timeout``."""
        found: list[tuple[float, Any]] = []

        def check() -> bool:
            for arrival, item in self.items[start:]:
                if predicate(item):
                    found.append((arrival, item))
                    return True
            return False

        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(check), timeout)
        except asyncio.TimeoutError:
            raise BenchError(f"no {what} within {timeout:g} s") from None
        return found[0]


class Citizen(Client):
    """A web-chat citizen (bench/helpers/sioclient.py) that keeps every bot_uttered with its time."""

    def __init__(self, number: int) -> None:
        # Client.__init__, but without python-socketio's SIGINT hook: on Ctrl-C it would
        # disconnect every socket behind the script's back (the script stops things itself).
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.messages: asyncio.Queue[dict] = asyncio.Queue()
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.on("bot_uttered", self._received)
        self.number = number
        self.session_id = ""
        self.inbox = Inbox()

    async def _received(self, message: Any) -> None:
        await self.inbox.put(message if isinstance(message, dict) else {"text": str(message)})

    async def send(self, text: str) -> None:
        try:
            await self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})
        except socketio.exceptions.SocketIOError as error:
            raise BenchError(f"citizen {self.number} could not send ({error})") from error

    @property
    def conversation_id(self) -> str:
        """The sender id staff see (the credential in ``session_id`` is the browser's only)."""
        return webchat_sender(self.session_id)

    def last_texts(self, count: int = 3) -> str:
        return " | ".join(str(item.get("text", ""))[:80] for _, item in self.inbox.items[-count:]) or "nothing"


def text_of(message: Any) -> str:
    return str(message.get("text") or "") if isinstance(message, dict) else ""


def agent_of(message: Any) -> str | None:
    metadata = message.get("metadata") if isinstance(message, dict) else None
    return metadata.get("agent") if isinstance(metadata, dict) else None


async def read_stream(http: aiohttp.ClientSession, url: str, inbox: Inbox,
                      on_event: Callable[[str, Any], list[Any]]) -> None:
    """Read server-sent events until the stream ends; ``on_event`` turns each into inbox items."""
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=60)  # heartbeats every 15 s
    async with http.get(url, headers={"Accept": "text/event-stream"}, timeout=timeout,
                        allow_redirects=False) as response:
        if response.status != 200:
            raise BenchError(f"GET {url} answered {response.status}")
        name, data = "message", list[str]()
        async for raw in response.content:
            line = raw.decode("utf-8").rstrip("\r\n")
            if not line:
                if data:
                    payload: Any = "\n".join(data)
                    with contextlib.suppress(ValueError):
                        payload = json.loads(payload)
                    for item in on_event(name, payload):
                        await inbox.put(item)
                name, data = "message", list[str]()
            elif line.startswith(":"):
                continue
            else:
                key, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if key == "event":
                    name = value
                elif key == "data":
                    data.append(value)


class Console:
    """The agent in the staff console: an aiohttp session logged in over the login form."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies for 127.0.0.1
            connector=aiohttp.TCPConnector(limit=0),  # one connection per live stream
            timeout=aiohttp.ClientTimeout(total=timeout),
        )
        self.csrf = ""

    async def close(self) -> None:
        await self.http.close()

    async def login(self, username: str, password: str) -> None:
        """Log in through the login form (CSRF token from the form), then read the queue page's token."""
        async with self.http.get(f"{self.url}/login?next=/queue") as response:
            page = await response.text()
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if response.status != 200 or match is None:
            raise BenchError(f"login form: status {response.status}, no CSRF token")
        form = {"csrf_token": match.group(1), "next": "/queue", "username": username, "password": password}
        async with self.http.post(f"{self.url}/login", data=form, allow_redirects=False) as response:
            if response.status != 302 or response.headers.get("Location") != "/queue":
                raise BenchError(f"login failed: status {response.status}")
        async with self.http.get(f"{self.url}/queue") as response:
            page = await response.text()
        match = re.search(r'data-csrf="([^"]+)"', page)
        if response.status != 200 or match is None:
            raise BenchError(f"queue page: status {response.status}, no CSRF token")
        self.csrf = match.group(1)

    async def post(self, path: str, form: dict | None = None, want_json: bool = False) -> tuple[int, str]:
        """POST with the session's CSRF token (header, as conversation.js; form field for the plain forms).

        Returns (status, Location header or body).
        """
        headers = {"X-CSRF-Token": self.csrf}
        if want_json:
            headers["Accept"] = "application/json"
        data = {**(form or {})}
        if not want_json:
            data["csrf_token"] = self.csrf
        async with self.http.post(f"{self.url}{path}", data=data, headers=headers, allow_redirects=False) as response:
            if response.status in (301, 302, 303):
                return response.status, response.headers.get("Location", "")
            return response.status, await response.text()
