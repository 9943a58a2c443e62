"""Phone calls through AudioCodes VoiceAI Connect (Bot API, HTTP mode).

The gateway does SIP, speech recognition and speech synthesis and talks to the bot
over HTTP, with ``Authorization: Bearer <token>`` on every request:

* ``GET  /webhooks/audiocodes/webhook`` — health check of the bot (token required);
* ``POST /webhooks/audiocodes/webhook`` ``{"conversation": id}`` — a new call; answers
  ``activitiesURL``, ``disconnectURL``, ``refreshURL`` (relative to the bot URL) and
  ``expiresSeconds``;
* ``POST …/conversation/<id>/activities`` — caller activities in, bot activities out,
  synchronously (see ``channels/audiocodes_api.py`` for the mapping to Rasa);
* ``POST …/conversation/<id>/keepalive`` and ``…/disconnect``.

Call state is shared, never kept in this process only (``bot/telephony/store/``): any
replica can serve any request of any call. A retried activity (same id, e.g. after a
replica died mid-request) is handled by Rasa once and answered with that answer again
(``bot/server/rasa_stores.py``). When a store is unreachable the caller hears a short
spoken apology (``channels/outage.py``), never silence. A call that arrives while this
instance already carries ``max_concurrent_calls``
calls is an overflow call: it hears a short message and a callback offer at once,
handled without NLU (``channels/audiocodes_overflow.py``). Behind the proxy, the phone
front (``channels/phone_front.py``) takes new calls and serves the overflow calls itself,
so a saturated Rasa process never delays them.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff.callback.spoken import fill_numbers, has_numbers
from bot.handoff.callback.turns import Numbers
from bot.metrics import timed_turns
from bot.secrets import bearer_matches
from bot.telephony import PHONE_CHANNEL, runtime
from bot.telephony.activities import config_event, is_bot_activity, message
from bot.telephony.settings import TelephonyConfigError, TelephonySettings
from bot.telephony.store.base import CallStore
from channels import outage
from channels.audiocodes_api import (
    CallerInput,
    check_path_id,
    conversation_id,
    disconnect_reason,
    interpret,
    parse_activities,
    stamp,
    to_rasa,
)
from channels.audiocodes_overflow import Admission, ends_call
from channels.validation import InvalidRequest, parse_body

logger = logging.getLogger(__name__)

CHANNEL_NAME = PHONE_CHANNEL
#: Tokens shorter than this are refused at start-up.
MIN_TOKEN_LENGTH = 16
SORRY = "Entschuldigung, da ist etwas schiefgegangen. Bitte stellen Sie Ihre Frage noch einmal."


class AudiocodesOutput(CollectingOutputChannel):
    """Collects the bot's activities of one request (spoken messages and call events)."""

    @classmethod
    def name(cls) -> str:
        """Responses with ``channel: audiocodes`` are chosen for this channel."""
        return CHANNEL_NAME

    @property
    def activities(self) -> list[dict]:
        """Bot activities with id and timestamp."""
        return [stamp(m) for m in self.messages]

    @property
    def ends_call(self) -> bool:
        """The bot asked the gateway to hang up or to transfer the call."""
        return ends_call(self.messages)

    def add(self, activity: dict) -> None:
        """Append a bot activity built by the channel itself."""
        self.messages.append(activity)

    @property
    def needs_numbers(self) -> bool:
        """Some message has phone-number placeholders (see ``bot/handoff/callback/spoken.py``)."""
        return any(m.get("type") == "message" and has_numbers(m.get("text", "")) for m in self.messages)

    def fill_numbers(self, numbers: Numbers) -> None:
        """Speak the numbers that were left out of the conversation history."""
        for activity in self.messages:
            if activity.get("type") == "message":
                activity["text"] = fill_numbers(activity.get("text", ""), numbers)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """One spoken message per bot text."""
        if text.strip():
            self.messages.append(message(text.strip()))

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        """Buttons cannot be spoken; the text must say what to answer."""
        await self.send_text_message(recipient_id, text)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Images are dropped on the phone."""

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        """Attachments are dropped on the phone."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Call control from actions (transfer, hangup, messages with activityParams)."""
        if is_bot_activity(json_message):
            self.messages.append(dict(json_message))
        else:
            logger.warning("dropped custom payload that is not a Bot API activity: %s", list(json_message)[:5])


class AudiocodesInput(InputChannel):
    """Input channel for the AudioCodes VoiceAI Connect Bot API (HTTP mode)."""

    @classmethod
    def name(cls) -> str:
        """URL prefix ``/webhooks/audiocodes``."""
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> AudiocodesInput:
        """``token`` (required, e.g. ``${AUDIOCODES_TOKEN}``) from ``credentials.yml``."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        token = str((credentials or {}).get("token") or "")
        if len(token) < MIN_TOKEN_LENGTH or token.startswith("${"):
            raise RasaException(
                f"The audiocodes channel needs a token of at least {MIN_TOKEN_LENGTH} characters "
                "(credentials.yml: token: ${AUDIOCODES_TOKEN}, unquoted so that Rasa expands it)."
            )
        try:
            settings = runtime.settings()
        except TelephonyConfigError as error:
            raise RasaException(f"audiocodes channel: {error}") from error
        return cls(token, settings)

    def __init__(self, token: str, settings: TelephonySettings, store: CallStore | None = None) -> None:
        self._token = token
        self._settings = settings
        self._admission = Admission(settings, store)

    # ------------------------------------------------------------------ helpers

    @property
    def store(self) -> CallStore:
        """The shared call store (opened on first use)."""
        return self._admission.store

    def authorised(self, request: Request) -> bool:
        """``Authorization: Bearer <token>`` with the configured token (constant-time comparison)."""
        return bearer_matches(request.headers.get("Authorization"), self._token)

    # ------------------------------------------------------------------ handlers

    async def create_conversation(self, request: Request) -> HTTPResponse:
        """A new call: decide admission once, answer the conversation URLs."""
        cid = conversation_id(parse_body(request.body or b""))
        await asyncio.to_thread(self._admission.admit, cid)
        return response.json(self._admission.urls(cid))  # this process serves its overflow calls too

    async def activities(self, request: Request, cid: str,
                         on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """Caller activities in, bot activities out."""
        check_path_id(cid)
        items = parse_activities(parse_body(request.body or b""), cid)
        begun = await asyncio.to_thread(self._admission.begin, cid, items)  # blocking store work in a thread
        if begun is None:
            return response.json({"error": "unknown conversation"}, status=404)
        if not begun.admitted:
            return response.json({"conversation": cid, "activities": begun.activities})
        output = AudiocodesOutput()
        for activity in items:  # a retried activity goes to Rasa too: it answers it once (rasa_stores)
            caller_input = interpret(activity)
            if caller_input is None:
                logger.debug("call %s: ignored activity %s", cid, activity.name or activity.type)
                continue
            if caller_input.kind == "start":
                output.add(config_event(self._settings.voice.session_params()))
            if not await self._to_rasa(cid, caller_input, on_new_message, output, activity.id):
                break  # a store is down: the apology once, not again for the rest of the request
            if output.ends_call:
                break  # the rest of the request is moot once the bot hangs up or transfers
        if output.needs_numbers:
            call = await asyncio.to_thread(self.store.get_call, cid)
            output.fill_numbers(Numbers(call.caller, call.entered_number) if call else Numbers())
        return response.json({"conversation": cid, "activities": output.activities})

    async def _to_rasa(self, cid: str, caller_input: CallerInput,
                       on_new_message: Callable[[UserMessage], Awaitable[Any]],
                       output: AudiocodesOutput, activity_id: str | None = None) -> bool:
        """Hand one caller input to Rasa; the activity id is the message id (a retry is answered once).

        False when a store is unreachable (the output then holds the apology only).
        """
        if caller_input.kind == "start" and caller_input.number:
            await asyncio.to_thread(self.store.update_call, cid, caller=caller_input.number)
        elif caller_input.kind in ("number", "speech") and caller_input.number:
            await asyncio.to_thread(self.store.update_call, cid, entered_number=caller_input.number)
        rasa_input = to_rasa(caller_input)
        before = len(output.messages)
        try:
            await on_new_message(UserMessage(rasa_input.text, output, cid, input_channel=CHANNEL_NAME,
                                             metadata=rasa_input.metadata, message_id=activity_id))
        except CancelledError:
            logger.error("phone message timed out")
        except Exception as error:
            if outage.failed_store(error, CHANNEL_NAME) is not None:
                del output.messages[before:]  # nothing of the turn was stored: no half answer
                output.add(message(outage.SPOKEN))
                return False
            logger.exception("phone message failed")
            if len(output.messages) == before:
                output.add(message(SORRY))
        return True

    async def keepalive(self, request: Request, cid: str) -> HTTPResponse:
        """The gateway refreshes the call."""
        check_path_id(cid)
        if await asyncio.to_thread(self._admission.begin, cid, []) is None:
            return response.json({"error": "unknown conversation"}, status=404)
        return response.json({"expiresSeconds": self._settings.expires_seconds})

    async def disconnect(self, request: Request, cid: str,
                         on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """The call ended: close the conversation in the tracker, then delete the call state."""
        check_path_id(cid)
        body = request.body or b""
        reason = disconnect_reason(parse_body(body) if body.strip() else None, cid)
        call = await asyncio.to_thread(self.store.get_call, cid)
        if call is None:
            return response.json({"error": "unknown conversation"}, status=404)
        if call.admitted:
            hangup = to_rasa(CallerInput("hangup", metadata={"activity": "disconnect", "reason": reason}))
            try:
                await on_new_message(UserMessage(hangup.text, AudiocodesOutput(), cid, input_channel=CHANNEL_NAME,
                                                 metadata=hangup.metadata))
            except Exception:
                logger.exception("closing the conversation of a call failed")
        await asyncio.to_thread(self.store.end_call, cid)
        logger.info("call disconnected (%s)", reason or "no reason")
        return response.json({})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes of the Bot API; every route but ``GET /`` needs the token."""
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)
        on_new_message = timed_turns(on_new_message, self.name())

        def guarded(handler: Callable[..., Awaitable[HTTPResponse]]) -> Callable[..., Awaitable[HTTPResponse]]:
            @functools.wraps(handler)
            async def wrapper(request: Request, **kwargs: Any) -> HTTPResponse:
                if not self.authorised(request):
                    return response.json({"error": "unauthorized"}, status=401,
                                         headers={"WWW-Authenticate": "Bearer"})
                try:
                    return await handler(request, **kwargs)
                except InvalidRequest as error:
                    return response.json({"error": str(error)}, status=400)
                except Exception as error:
                    if not outage.call_store_failed(error, CHANNEL_NAME):
                        raise
                    if "cid" in kwargs and request.path.endswith("/activities"):
                        return response.json({"conversation": kwargs["cid"],
                                              "activities": [stamp(message(outage.SPOKEN))]})
                    return response.json({"error": "temporarily unavailable"}, status=503,
                                         headers={"Retry-After": str(outage.RETRY_AFTER_SECONDS)})

            return wrapper

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        @guarded
        async def validate(request: Request) -> HTTPResponse:
            return response.json({"type": "ac-bot-api", "success": True})

        @webhook.route("/webhook", methods=["POST"])
        @guarded
        async def create(request: Request) -> HTTPResponse:
            return await self.create_conversation(request)

        @webhook.route("/conversation/<cid>/activities", methods=["POST"])
        @guarded
        async def activities(request: Request, cid: str) -> HTTPResponse:
            return await self.activities(request, cid, on_new_message)

        @webhook.route("/conversation/<cid>/keepalive", methods=["POST"])
        @guarded
        async def keepalive(request: Request, cid: str) -> HTTPResponse:
            return await self.keepalive(request, cid)

        @webhook.route("/conversation/<cid>/disconnect", methods=["POST"])
        @guarded
        async def disconnect(request: Request, cid: str) -> HTTPResponse:
            return await self.disconnect(request, cid, on_new_message)

        return webhook
