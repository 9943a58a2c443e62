"""The REST channel for the website, hardened against bad input.

Same URL and protocol as Rasa's ``rest`` channel (``POST /webhooks/rest/webhook``
with ``{"sender": …, "message": …}``, answered with a JSON list of bot messages),
but wrong JSON, wrong types or a missing sender get a 400 instead of a 500, and
empty or over-long texts get a short German answer without touching NLU.

A client may send ``"message_id"``: a retry with the same id (after a 502/504 or a
dropped connection) is not processed again but answered with the answer the first
copy got (``bot/server/rasa_stores.py``). When a store is unreachable the answer is
a 503 with a German message (``channels/outage.py``) and ``Retry-After``.
"""

from __future__ import annotations

import inspect
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.metrics import timed_turns
from channels import outage
from channels.contact_guard import keep_contact_out
from channels.validation import RATE_LIMITED_ANSWER, InvalidRequest, MessageLimits, parse_body, validate_message

logger = logging.getLogger(__name__)


class CitizenRestInput(RestInput):
    """Rasa's REST input channel with strict request validation."""

    @classmethod
    def name(cls) -> str:
        """URL prefix ``/webhooks/rest``, as the stock channel."""
        return "rest"

    def __init__(self) -> None:
        """Rasa's REST channel plus message limits (see :class:`MessageLimits`)."""
        super().__init__()
        self.limits = MessageLimits()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        """Health route and validated webhook route."""
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)
        on_new_message = timed_turns(on_new_message, self.name())

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                incoming = validate_message(parse_body(request.body or b""))
            except InvalidRequest as error:
                return response.json({"error": str(error)}, status=400)
            if incoming.answer is not None:
                return response.json([{"recipient_id": incoming.sender, "text": incoming.answer}])
            if not self.limits.allow(request.remote_addr or request.ip, incoming.sender):
                return response.json([{"recipient_id": incoming.sender, "text": RATE_LIMITED_ANSWER}],
                                     status=429, headers={"Retry-After": "30"})
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        await keep_contact_out(incoming.sender, incoming.text),
                        collector,
                        incoming.sender,
                        input_channel=self.name(),
                        metadata=incoming.metadata,
                        message_id=incoming.message_id,
                    )
                )
            except CancelledError:
                logger.error("REST message timed out")
            except Exception as error:
                if outage.failed_store(error, self.name()) is None:
                    logger.exception("REST message failed")
                else:
                    return response.json([{"recipient_id": incoming.sender, "text": outage.WRITTEN}], status=503,
                                         headers={"Retry-After": str(outage.RETRY_AFTER_SECONDS)})
            return response.json(collector.messages)

        return webhook
