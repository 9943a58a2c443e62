"""The socket.io channel of the web chat: Rasa's protocol with checked origins and input.

It speaks Rasa's standard socket.io protocol (``session_request`` → ``session_confirm``,
``user_uttered`` → ``bot_uttered``, default path ``/socket.io``), so the npm
``rasa-webchat`` widget works with it as well as our widget in ``channels/webchat/``.
Differences from Rasa's ``socketio`` channel:

- Only the origins listed in ``cors_allowed_origins`` may connect; without the key
  only the server's own origin may. (Rasa's channel switches the origin check off.)
- ``session_request`` really joins the session's room (Rasa 3.6 forgets to await
  ``enter_room`` with python-socketio 5.x, so with ``session_persistence`` answers
  never arrive; RasaHQ/rasa#13027).
- Messages are checked like the REST channel's (``channels/validation.py``): wrong
  shapes are dropped, empty or over-long texts get a short German answer.
- One socket message per bot answer (not one per paragraph), with
  ``metadata.message_id`` (see ``channels/chat_history.py``); link buttons are sent
  as ``web_url`` quick replies instead of failing.
- The ``session_id`` the browser keeps is a credential the server issued
  (``channels/session_credentials.py``), not the conversation's sender id: knowing a
  sender id (staff, logs, the tracker store) does not let a socket join, read, listen
  to or write into a conversation. Every event needs a socket that joined with it.
- Two extra events, answered through socket.io acknowledgements:
  ``history_request`` ``{session_id}`` → ``{"messages": [...]}`` (the current
  session, shown again after a reload) and ``feedback``
  ``{session_id, message_id, rating: "up"|"down"}`` → ``{"ok": bool}`` (stored in
  the tracker as a ``feedback`` slot event). Both need ``session_persistence`` and
  a socket that has joined the session with ``session_request``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.channels.channel
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.metrics import timed_turns
from bot.ratelimit import SlidingWindow, limit_from_env
from channels import outage
from channels.chat_history import (
    MAX_DISPLAY_TEXT,
    MESSAGE_ID_PATTERN,
    RATINGS,
    bot_message,
    conversation_history,
    feedback_event,
    rated_answer,
)
from channels.contact_guard import keep_contact_out
from channels.session_credentials import SessionCredentials
from channels.validation import (
    MAX_BODY_BYTES,
    RATE_LIMITED_ANSWER,
    InvalidRequest,
    MessageLimits,
    clean_text,
    validate_message,
)

logger = logging.getLogger(__name__)

REDIS_URL_PATTERN = re.compile(r"^(rediss?|unix)://\S+$")
#: Redis pub/sub channel of the replicas' socket.io client manager.
DEFAULT_REDIS_CHANNEL = "buergertelefon-socketio"
ORIGIN_PATTERN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:]+\](:[0-9]{1,5})?$")
HISTORY_REQUESTS_PER_MINUTE = 10
ERROR_ANSWER = (
    "Entschuldigung, bei der Bearbeitung Ihrer Nachricht ist ein Fehler aufgetreten. "
    "Bitte versuchen Sie es noch einmal."
)


def parse_origins(value: Any) -> list[str] | None:
    """``cors_allowed_origins`` from credentials: a list or a comma-separated string.

    ``None`` (key missing) means: only the server's own origin. ``"*"`` is refused,
    the web chat must name the pages it runs on.

    Raises:
        InvalidConfigException: for anything but ``scheme://host[:port]`` entries.
    """
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise InvalidConfigException("socketio: 'cors_allowed_origins' must be a list of origins")
    origins = []
    for item in items:
        origin = item.strip().rstrip("/") if isinstance(item, str) else item
        if not isinstance(origin, str) or not ORIGIN_PATTERN.match(origin):
            raise InvalidConfigException(
                f"socketio: {item!r} in 'cors_allowed_origins' is not an origin like "
                "'https://www.stuttgart.de' (no '*', no path)"
            )
        origins.append(origin)
    return origins


def parse_redis_url(value: Any) -> str | None:
    """``redis_url`` from credentials: None (one replica) or a ``redis://`` / ``rediss://`` URL.

    Raises:
        InvalidConfigException: for anything else.
    """
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not REDIS_URL_PATTERN.match(value.strip()):
        raise InvalidConfigException("socketio: 'redis_url' must be a URL like redis://redis.intern:6379/2")
    return value.strip()


def _metadata(value: Any) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, dict):
        return {}
    shown = value.get("display_text")
    if shown is not None:
        value = {**value, "display_text": clean_text(shown)[:MAX_DISPLAY_TEXT] if isinstance(shown, str) else None}
    return value


class CitizenSocketIOOutput(SocketIOOutput):
    """Sends each bot answer as one message with its id (``metadata.message_id``).

    Messages of staff (appended through Rasa's HTTP API by the console, with
    ``metadata.agent`` on the ``bot`` event, which Rasa merges into ``kwargs``) also
    carry ``metadata.agent``, so the widget labels them as a person's.
    """

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """A text answer."""
        await self._send_message(
            recipient_id, bot_message(text, (), kwargs.get("timestamp"), kwargs.get("agent"))
        )

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """A text answer with quick replies (payload) and link buttons (url)."""
        await self._send_message(
            recipient_id, bot_message(text, buttons, kwargs.get("timestamp"), kwargs.get("agent"))
        )


class CitizenSocketIOInput(SocketIOInput):
    """Rasa's socket.io input channel with origin checks, validation, history and feedback."""

    @classmethod
    def name(cls) -> str:
        """Channel name ``socketio``, as the stock channel (answers use the written variant)."""
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Read ``credentials.yml``; same keys as Rasa's channel plus ``cors_allowed_origins``."""
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            bool(credentials.get("session_persistence", False)),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            cors_allowed_origins=parse_origins(credentials.get("cors_allowed_origins")),
            redis_url=parse_redis_url(credentials.get("redis_url")),
            redis_channel=str(credentials.get("redis_channel") or DEFAULT_REDIS_CHANNEL),
        )

    def __init__(
        self, *args: Any, cors_allowed_origins: list[str] | None = None,
        redis_url: str | None = None, redis_channel: str = DEFAULT_REDIS_CHANNEL, **kwargs: Any,
    ) -> None:
        """As Rasa's channel; ``cors_allowed_origins=None`` allows only the server's own origin.

        With ``redis_url`` the replicas of the Rasa server share socket.io rooms through
        Redis pub/sub (python-socketio's ``AsyncRedisManager``): a message sent by any
        replica — an answer, an agent's message or a queue notice that the console sends
        through one replica's HTTP API — reaches the citizen's socket on whichever
        replica holds it.
        """
        super().__init__(*args, **kwargs)
        self.cors_allowed_origins = cors_allowed_origins
        self.redis_url = redis_url
        self.redis_channel = redis_channel
        self.app: Sanic | None = None
        self.credentials = SessionCredentials.from_env()
        self.limits = MessageLimits()
        #: New conversations per client address (``RATE_LIMIT_NEW_SESSIONS``, default 30 in 10 minutes).
        self.new_sessions = limit_from_env("RATE_LIMIT_NEW_SESSIONS", "30/600")
        #: History requests per conversation (a reload or reconnect needs one).
        self.history_requests = SlidingWindow(HISTORY_REQUESTS_PER_MINUTE, 60.0)
        #: Open sockets per client address (``WEBCHAT_MAX_SOCKETS_PER_ADDRESS``, 0 = no limit).
        self.max_sockets = int(os.environ.get("WEBCHAT_MAX_SOCKETS_PER_ADDRESS", "50") or 0)
        self._sockets: dict[str, int] = {}
        self._socket_address: dict[str, str] = {}

    def get_output_channel(self) -> OutputChannel | None:
        """Output for messages triggered through the HTTP API (``output_channel=latest``)."""
        if self.sio is None:
            return super().get_output_channel()
        return CitizenSocketIOOutput(self.sio, self.bot_message_evt)

    def _agent(self) -> Any:
        return getattr(self.app.ctx, "agent", None) if self.app is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Socket.io server on ``socketio_path`` plus a ``GET /webhooks/socketio/`` health route."""
        on_new_message = timed_turns(on_new_message, self.name())
        sio = AsyncServer(
            client_manager=(
                AsyncRedisManager(self.redis_url, channel=self.redis_channel) if self.redis_url else None
            ),
            async_mode="sanic",
            cors_allowed_origins=self.cors_allowed_origins,
            cors_credentials=False,
            max_http_buffer_size=MAX_BODY_BYTES,
        )
        channel = self
        namespace = self.namespace or "/"

        class _Blueprint(SocketBlueprint):
            def register(self, app: Sanic, options: dict[str, Any]) -> None:
                channel.app = app  # the agent (tracker and lock store) lives on app.ctx
                super().register(app, options)

        socketio_webhook = _Blueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            address = environ.get("REMOTE_ADDR") or ""
            if self.max_sockets and self._sockets.get(address, 0) >= self.max_sockets:
                logger.warning("socket.io connection refused: too many sockets from one address")
                return False
            if self.jwt_key:
                token = auth.get("token") if isinstance(auth, dict) else None
                payload = (
                    rasa.core.channels.channel.decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
                    if token else None
                )
                if not payload:
                    return False
            # Counted only once accepted: refused connections get no disconnect event.
            self._sockets[address] = self._sockets.get(address, 0) + 1
            self._socket_address[sid] = address
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            address = self._socket_address.pop(sid, None)
            if address is not None:
                left = self._sockets.get(address, 1) - 1
                if left > 0:
                    self._sockets[address] = left
                else:
                    self._sockets.pop(address, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            if not self.session_persistence:
                await sio.emit("session_confirm", sid, room=sid, namespace=namespace)
                return
            given = data.get("session_id") if isinstance(data, dict) else None
            sender = self.credentials.sender_of(given)
            credential = given
            if sender is None:  # none, or not one this server issued: a new conversation
                address = (sio.get_environ(sid, namespace=namespace) or {}).get("REMOTE_ADDR")
                if self.new_sessions is not None and address and not self.new_sessions.allow(address):
                    # Scripted sessions could fill the staff queue; a person rarely needs this many.
                    await sio.emit(self.bot_message_evt, {"text": RATE_LIMITED_ANSWER}, room=sid, namespace=namespace)
                    return
                credential, sender = self.credentials.issue()
            for room in sio.rooms(sid, namespace=namespace):
                if room != sid:  # one conversation per socket
                    await sio.leave_room(sid, room, namespace=namespace)
            await sio.enter_room(sid, sender, namespace=namespace)
            await sio.emit("session_confirm", credential, room=sid, namespace=namespace)

        def joined(sid: str, data: Any) -> str | None:
            """The sender id of ``data``'s credential if this socket has joined that session."""
            if not self.session_persistence:
                return None
            sender = self.credentials.sender_of(data.get("session_id") if isinstance(data, dict) else None)
            return sender if sender is not None and sender in sio.rooms(sid, namespace=namespace) else None

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            sender = joined(sid, data) if self.session_persistence else sid
            if sender is None:
                logger.warning("socket.io message without a joined session ignored (send session_request first)")
                return
            output = CitizenSocketIOOutput(sio, self.bot_message_evt)
            try:
                incoming = validate_message(
                    {"sender": sender, "message": data.get("message"),
                     "metadata": _metadata(data.get(self.metadata_key))}
                )
            except InvalidRequest as error:
                logger.info("socket.io message dropped: %s", error)
                return
            if incoming.answer is not None:
                await output.send_text_message(sender, incoming.answer)
                return
            if not self.limits.allow((sio.get_environ(sid, namespace=namespace) or {}).get("REMOTE_ADDR"), sender):
                await output.send_text_message(sender, RATE_LIMITED_ANSWER)
                return
            try:
                await on_new_message(
                    UserMessage(await keep_contact_out(sender, incoming.text), output, sender,
                                input_channel=self.name(),
                                metadata=incoming.metadata)
                )
            except Exception as error:
                store = outage.failed_store(error, self.name())
                if store is None:
                    logger.exception("socket.io message failed")
                await output.send_text_message(sender, ERROR_ANSWER if store is None else outage.WRITTEN)

        @sio.on("history_request", namespace=self.namespace)
        async def history_request(sid: str, data: Any) -> dict[str, Any]:
            session_id = joined(sid, data)
            agent = self._agent()
            if session_id is None or agent is None or agent.tracker_store is None:
                return {"messages": []}
            if not self.history_requests.allow(session_id):  # each one loads the tracker
                return {"messages": [], "error": "rate_limited"}
            try:
                tracker = await agent.tracker_store.retrieve(session_id)
            except Exception as error:
                if outage.failed_store(error, self.name()) is None:
                    raise
                return {"messages": [], "error": "unavailable"}
            if tracker is None:
                return {"messages": []}
            expiration = agent.domain.session_config.session_expiration_time if agent.domain else 0
            return {"messages": conversation_history(list(tracker.events), expiration, time.time())}

        @sio.on("feedback", namespace=self.namespace)
        async def feedback(sid: str, data: Any) -> dict[str, Any]:
            session_id = joined(sid, data)
            answer_id, rating = (data.get("message_id"), data.get("rating")) if isinstance(data, dict) else (None, None)
            agent = self._agent()
            if (
                session_id is None or agent is None or rating not in RATINGS
                or not isinstance(answer_id, str) or not MESSAGE_ID_PATTERN.match(answer_id)
            ):
                return {"ok": False}
            async with agent.lock_store.lock(session_id):
                tracker = await agent.tracker_store.retrieve(session_id)
                if tracker is None or rated_answer(list(tracker.events), answer_id) is None:
                    return {"ok": False}
                tracker.update(feedback_event(answer_id, rating), agent.domain)
                await agent.tracker_store.save(tracker)
            logger.info("feedback %s stored", rating)
            return {"ok": True}

        return socketio_webhook
