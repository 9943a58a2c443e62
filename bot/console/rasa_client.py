"""Rasa's HTTP API as the console uses it: pause/resume and send messages.

The console reads transcripts from the tracker store itself (``bot/review/tracker_events.py``),
so an open conversation costs Rasa nothing while nobody writes.

Messages are appended as ``bot`` events with ``execute_side_effects=true`` and
``output_channel=latest``: Rasa stores them in the tracker and sends them through the
conversation's latest input channel (the web chat's socket.io room). An agent's
message carries ``metadata.agent`` (the agent's display name), which Rasa passes to the
output channel, so the web chat labels it as a person's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from yarl import URL

from bot.secrets import bearer_header

logger = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=10)


class RasaUnavailable(RuntimeError):
    """Rasa did not answer, or answered with an error."""


class RasaClient:
    """A thin client over one ``aiohttp.ClientSession`` (owned by the app)."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, token: str | None = None) -> None:
        self._http = http
        self._base = URL(base_url.rstrip("/"))
        self._token = token

    def _url(self, conversation_id: str, *parts: str, **query: str) -> URL:
        url = self._base / "conversations" / conversation_id
        for part in parts:
            url = url / part
        return url.with_query(query) if query else url

    async def _request(self, method: str, url: URL, body: Any = None) -> Any:
        headers = bearer_header(self._token) if self._token else None  # never ?token= in a URL
        try:
            async with self._http.request(method, url, json=body, headers=headers, timeout=TIMEOUT) as response:
                if response.status >= 400:
                    text = (await response.text())[:300]
                    raise RasaUnavailable(f"Rasa answered {response.status} to {method} {url.path}: {text}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise RasaUnavailable(f"Rasa not reachable ({method} {url.path}): {error!r}") from error

    async def append_events(self, conversation_id: str, events: Sequence[dict], side_effects: bool = False) -> None:
        """Append events to the tracker; with ``side_effects`` bot events are sent to the citizen."""
        query = {"include_events": "NONE"}
        if side_effects:
            query.update(execute_side_effects="true", output_channel="latest")
        await self._request("POST", self._url(conversation_id, "tracker", "events", **query), list(events))

    async def pause(self, conversation_id: str, notice: str | None = None) -> None:
        """The bot stops answering (``ConversationPaused``); ``notice`` is then sent in the bot's name.

        Both events go in one request, in this order, so the citizen never sees the
        notice while the bot could still answer.
        """
        await self.append_events(conversation_id, [{"event": "pause"}, *_bot_events(notice)], side_effects=bool(notice))

    async def resume(self, conversation_id: str, notice: str | None = None) -> None:
        """The bot answers again (``ConversationResumed``), then ``notice`` is sent.

        One request, resume first: a citizen who answers the notice at once gets the bot.
        """
        await self.append_events(conversation_id, [{"event": "resume"}, *_bot_events(notice)],
                                 side_effects=bool(notice))

    async def send_bot_message(
        self, conversation_id: str, text: str, buttons: Sequence[dict] = (), metadata: dict | None = None,
    ) -> None:
        """A message in the bot's name (queue positions) or, with ``metadata.agent``, an agent's."""
        await self.append_events(conversation_id, _bot_events(text, buttons, metadata), side_effects=True)

    async def send_agent_message(self, conversation_id: str, text: str, agent_name: str) -> None:
        """An agent's message: stored as a ``bot`` event with ``metadata.agent`` and sent to the web chat."""
        await self.send_bot_message(conversation_id, text, metadata={"agent": agent_name})


def _bot_events(text: str | None, buttons: Sequence[dict] = (), metadata: dict | None = None) -> list[dict]:
    """``[]`` without text, else one ``bot`` event (buttons in ``data``, like Rasa's own)."""
    if not text:
        return []
    event: dict[str, Any] = {"event": "bot", "text": text, "metadata": dict(metadata or {})}
    if buttons:
        event["data"] = {"buttons": list(buttons)}
    return [event]
