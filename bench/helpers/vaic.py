"""A VoiceAI Connect simulator: plays calls against a bot over the AudioCodes Bot API (HTTP mode).

It does what the gateway does, over real HTTP: create the conversation at the bot URL,
follow the returned (relative) URLs, post activities with ids and timestamps (start
with caller and callee, speech with a confidence, noUserInput with its retry count,
DTMF, transferStatus, hangup), refresh and disconnect. Speech recognition and speech
synthesis are left out: the caller's "speech" is text, the bot's answers are read.

Used by the end-to-end tests (``tests/e2e/test_phone_calls.py``) and by
``bench/voice_load.py``.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import aiohttp

from bot.config import utc_now


def _now() -> str:
    return utc_now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class BotTurn:
    """The bot's answer to one request."""

    status: int
    body: Any
    latency: float

    @property
    def activities(self) -> list[dict]:
        """Bot activities (empty for errors)."""
        if self.status != 200 or not isinstance(self.body, dict):
            return []
        return list(self.body.get("activities") or [])

    @property
    def texts(self) -> list[str]:
        """What the caller hears, message by message."""
        return [a["text"] for a in self.activities if a.get("type") == "message"]

    @property
    def said(self) -> str:
        """Everything the caller hears, joined."""
        return " ".join(self.texts)

    def event(self, name: str) -> dict | None:
        """The first bot event of that name, or None."""
        return next((a for a in self.activities if a.get("type") == "event" and a.get("name") == name), None)

    @property
    def hangup(self) -> bool:
        """The bot ended the call."""
        return self.event("hangup") is not None

    def sip_headers(self) -> dict[str, str]:
        """SIP headers of a transfer event."""
        transfer = self.event("transfer") or {}
        headers = (transfer.get("activityParams") or {}).get("transferSipHeaders") or []
        return {h["name"]: h["value"] for h in headers}


@dataclass
class Call:
    """One simulated call; create it with :meth:`VoiceGateway.call`."""

    gateway: VoiceGateway
    conversation: str
    urls: dict
    caller: str | None
    callee: str
    turns: list[BotTurn] = field(default_factory=list)
    ended: bool = False
    disconnected: bool = False

    def _url(self, key: str) -> str:
        return urljoin(self.gateway.bot_url, self.urls[key])

    async def send(self, *activities: dict, activity_id: str | None = None) -> BotTurn:
        """Post activities (ids and timestamps are added unless given)."""
        stamped = []
        for activity in activities:
            stamped.append({"id": activity_id or str(uuid.uuid4()), "timestamp": _now(), "language": "de-DE",
                            **activity})
        turn = await self.gateway.post(self._url("activitiesURL"),
                                       {"conversation": self.conversation, "activities": stamped})
        self.turns.append(turn)
        if turn.hangup:
            self.ended = True
        return turn

    async def start(self, sip_headers: dict | None = None) -> BotTurn:
        """The call is answered: the start event with caller, callee and mapped SIP headers."""
        parameters: dict[str, Any] = {
            "vaigConversationId": self.conversation,
            "callee": self.callee,
            "calleeHost": "10.0.0.1",
            "callerHost": "10.0.0.2",
            **(sip_headers or {}),
        }
        if self.caller is not None:
            parameters["caller"] = self.caller
            parameters["callerDisplayName"] = "Anrufer"
        return await self.send({"type": "event", "name": "start", "parameters": parameters})

    async def say(self, text: str, confidence: float = 0.9) -> BotTurn:
        """The caller speaks (as recognised by speech-to-text)."""
        return await self.send({"type": "message", "text": text, "parameters": {"confidence": confidence}})

    async def silence(self, retry: int = 1) -> BotTurn:
        """The caller says nothing until ``userNoInputTimeoutMS``."""
        return await self.send({"type": "event", "name": "noUserInput", "value": retry})

    async def press(self, digits: str) -> BotTurn:
        """Keys on the phone (one key, or a collected sequence ending with #)."""
        return await self.send({"type": "event", "name": "DTMF", "value": digits})

    async def transfer_status(self, status: str, reason_code: str | None = None) -> BotTurn:
        """The outcome of a transfer the bot asked for."""
        value: dict[str, Any] = {"status": status}
        if reason_code:
            value.update(reasonCode=reason_code, reason=f"SIP ;cause=486 ;text=\"{reason_code}\"")
        return await self.send({"type": "event", "name": "transferStatus", "value": value})

    async def hangup_event(self) -> BotTurn:
        """The caller hung up (hangup event)."""
        return await self.send({"type": "event", "name": "hangup"})

    async def keepalive(self) -> BotTurn:
        """Refresh the conversation."""
        return await self.gateway.post(self._url("refreshURL"), {"conversation": self.conversation})

    async def disconnect(self, reason: str = "Client Side") -> BotTurn:
        """The call is over."""
        self.ended = self.disconnected = True
        return await self.gateway.post(self._url("disconnectURL"),
                                       {"conversation": self.conversation, "reason": reason})

    async def __aenter__(self) -> Call:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if not self.disconnected:
            await self.disconnect()


class VoiceGateway:
    """The gateway side of the Bot API for one bot URL and token."""

    def __init__(self, bot_url: str, token: str | None, session: aiohttp.ClientSession) -> None:
        self.bot_url = bot_url
        self.token = token
        self.session = session

    def headers(self) -> dict[str, str]:
        """Authorization header (none without a token)."""
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def post(self, url: str, body: Any = None, raw: bytes | None = None,
                   headers: dict | None = None) -> BotTurn:
        """POST JSON (or raw bytes); never raises on HTTP errors."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        start = time.perf_counter()
        async with self.session.post(url, data=data, headers={"Content-Type": "application/json",
                                                              **self.headers(), **(headers or {})}) as response:
            payload = await response.read()
        latency = time.perf_counter() - start
        try:
            parsed: Any = json.loads(payload)
        except ValueError:
            parsed = payload.decode("utf-8", "replace")
        return BotTurn(response.status, parsed, latency)

    async def validate(self) -> BotTurn:
        """The gateway's bot check: ``GET`` on the bot URL."""
        start = time.perf_counter()
        async with self.session.get(self.bot_url, headers=self.headers()) as response:
            payload = await response.read()
        try:
            parsed: Any = json.loads(payload)
        except ValueError:
            parsed = payload.decode("utf-8", "replace")
        return BotTurn(response.status, parsed, time.perf_counter() - start)

    async def create(self, conversation: str | None = None) -> BotTurn:
        """Create a conversation (the raw answer)."""
        return await self.post(self.bot_url, {"conversation": conversation or str(uuid.uuid4())})

    async def call(self, caller: str | None = "+4971112345678", callee: str = "+49711216000",
                   conversation: str | None = None) -> Call:
        """Create a conversation and return the call (not started yet).

        Raises:
            AssertionError: if the bot does not answer the conversation URLs.
        """
        conversation = conversation or str(uuid.uuid4())
        turn = await self.create(conversation)
        if turn.status != 200 or not isinstance(turn.body, dict) or "activitiesURL" not in turn.body:
            raise AssertionError(f"create conversation failed: {turn.status} {turn.body!r}")
        return Call(self, conversation, turn.body, caller, callee)
