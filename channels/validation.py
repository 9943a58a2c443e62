"""Validation of incoming citizen messages, shared by the input channels.

Bad input never reaches Rasa: it gets a clear 4xx, or a short German answer
when the text itself is the problem (empty, too long).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from bot.config import SENDER_ID_CHARS, SENDER_ID_MAX
from bot.ratelimit import limit_from_env

#: Longest message that is passed to NLU (characters).
MAX_TEXT_LENGTH = 2000
#: Largest request body accepted (bytes).
MAX_BODY_BYTES = 64 * 1024
SENDER_PATTERN = re.compile(rf"^[{SENDER_ID_CHARS}]{{1,{SENDER_ID_MAX}}}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

EMPTY_ANSWER = "Bitte schreiben Sie Ihre Frage, zum Beispiel: „Was kostet ein Personalausweis?“"
TOO_LONG_ANSWER = (
    f"Ihre Nachricht ist sehr lang. Bitte stellen Sie Ihre Frage kürzer "
    f"(höchstens {MAX_TEXT_LENGTH} Zeichen)."
)


#: ``/intent`` or ``/intent{json}``: a quick reply's payload, parsed by Rasa without NLU.
_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_]{1,64})(?P<entities>\{.*\})?$", re.DOTALL)
#: Entities a citizen's payload may carry; everything else is set by the channels themselves.
PAYLOAD_ENTITIES = ("service", "district", "situation")


@lru_cache(maxsize=1)
def entity_values() -> dict[str, frozenset[str]]:
    """The normalised values of ``service`` and ``district`` (keys of the gazetteer's vocabulary)
    and of ``situation`` (the life situations the NLU recognises, as the answer's buttons send them)."""
    from bot.nlu.gazetteer import VOCABULARY_PATH
    from bot.nlu.situations import PATTERNS

    with VOCABULARY_PATH.open(encoding="utf-8") as handle:
        vocabulary = yaml.safe_load(handle)
    values = {entity: frozenset(vocabulary.get(entity) or {}) for entity in ("service", "district")}
    return {**values, "situation": frozenset(key for key, _ in PATTERNS)}


def safe_payload(text: str) -> str:
    """``text`` unchanged unless it is a payload a citizen must not send.

    A payload with entities other than a known ``service``, ``district`` or ``situation`` value, or one
    of the phone gateway's ``/phone_…`` events, loses its leading ``/`` and so goes
    through NLU as ordinary text: free text never reaches slots, queue summaries or
    callback rows through ``/intent{…}``.
    """
    return text if _allowed_payload(text) else text.lstrip("/")


def _allowed_payload(text: str) -> bool:
    """True for ordinary text and for payloads with only known ``service``/``district`` values."""
    if not text.startswith("/"):
        return True
    match = _PAYLOAD.match(text)
    if match is None or match["intent"].startswith("phone_"):
        return False
    if match["entities"] is None:
        return True
    try:
        entities = json.loads(match["entities"])
    except ValueError:
        return False
    values = entity_values()
    return isinstance(entities, dict) and all(
        isinstance(value, str) and value in values.get(name, ()) for name, value in entities.items())


RATE_LIMITED_ANSWER = (
    "Sie haben in kurzer Zeit sehr viele Nachrichten geschickt. "
    "Bitte warten Sie einen Moment und schreiben Sie dann noch einmal."
)


class MessageLimits:
    """Messages per conversation and per client address (``RATE_LIMIT_CONVERSATION``,
    ``RATE_LIMIT_ADDRESS``: ``count/seconds``, ``0`` = off; defaults 20/60 and 120/60).

    Behind a reverse proxy the address is the one Sanic takes from ``X-Forwarded-For``
    when ``SANIC_PROXIES_COUNT`` (or ``SANIC_REAL_IP_HEADER``) is set, else the proxy's.
    """

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.per_conversation = limit_from_env("RATE_LIMIT_CONVERSATION", "20/60", env)
        self.per_address = limit_from_env("RATE_LIMIT_ADDRESS", "120/60", env)

    def allow(self, address: str | None, sender: str) -> bool:
        """Count one message; False when the conversation or the address is over its limit."""
        if self.per_address is not None and address and not self.per_address.allow(address):
            return False
        return self.per_conversation is None or self.per_conversation.allow(sender)


class InvalidRequest(ValueError):
    """The request cannot be processed; ``str()`` is safe to return to the client."""


@dataclass(frozen=True)
class IncomingMessage:
    """A validated message; ``answer`` is set when it must not go to NLU."""

    sender: str
    text: str
    metadata: dict = field(default_factory=dict)
    answer: str | None = None
    #: The client's id of this message: a retry with the same id is answered once (REST).
    message_id: str | None = None


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), drop control characters and lone surrogates, trim."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()


def parse_body(body: bytes) -> Any:
    """Decode a JSON body or raise :class:`InvalidRequest`."""
    if len(body) > MAX_BODY_BYTES:
        raise InvalidRequest(f"request body larger than {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidRequest("request body is not valid UTF-8 JSON") from error


def validate_message(payload: Any) -> IncomingMessage:
    """Check ``{"sender": str, "message": str, "metadata": {…}?, "message_id": str?}``.

    Raises:
        InvalidRequest: for a wrong shape or types, or a bad sender id.
    """
    if not isinstance(payload, dict):
        raise InvalidRequest("JSON body must be an object")
    sender = payload.get("sender")
    if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
        raise InvalidRequest("'sender' must be a string of 1-128 characters [A-Za-z0-9_.:@+-]")
    message = payload.get("message", "")
    if message is None:
        message = ""
    if not isinstance(message, str):
        raise InvalidRequest("'message' must be a string")
    metadata = payload.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise InvalidRequest("'metadata' must be an object")
    message_id = payload.get("message_id")
    if message_id is not None and (not isinstance(message_id, str) or not SENDER_PATTERN.match(message_id)):
        raise InvalidRequest("'message_id' must be a string of 1-128 characters [A-Za-z0-9_.:@+-]")
    text = clean_text(message)
    if not text:
        return IncomingMessage(sender, "", metadata, answer=EMPTY_ANSWER)
    if len(text) > MAX_TEXT_LENGTH:
        return IncomingMessage(sender, "", metadata, answer=TOO_LONG_ANSWER)
    return IncomingMessage(sender, safe_payload(text), metadata, message_id=message_id)
