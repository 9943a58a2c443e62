"""The AudioCodes VoiceAI Connect Bot API (HTTP mode): request validation and activity mapping.

Pure functions, no Sanic and no Rasa server, so they are tested on their own.

Activities from the gateway (``POST …/conversation/<id>/activities``)::

    {"conversation": "<id>", "activities": [
        {"id": "…", "timestamp": "…", "type": "event", "name": "start",
         "parameters": {"caller": "+49711…", "callee": "…", "callerDisplayName": "…"}},
        {"id": "…", "type": "message", "text": "Was kostet ein Reisepass?",
         "parameters": {"confidence": 0.87}},
        {"id": "…", "type": "event", "name": "noUserInput", "value": 1},
        {"id": "…", "type": "event", "name": "DTMF", "value": "1"},
        {"id": "…", "type": "event", "name": "transferStatus",
         "value": {"status": "failed", "reasonCode": "busy"}},
        {"id": "…", "type": "event", "name": "hangup"}]}

Each becomes one Rasa message: speech as text, events as intents (``/phone_start``,
``/phone_no_input``, ``/phone_dtmf{"dtmf": "1"}``, ``/phone_transfer_status{…}``,
``/phone_hangup``). Phone numbers (caller ID, digits typed or said as a whole
number) never reach the tracker: they go to the call store, and Rasa sees
``/phone_dtmf{"dtmf": "number"}``.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from bot.config import utc_now
from bot.handoff.phone_numbers import normalise, number_in_speech, spoken_number_text
from bot.nlu.folding import words
from bot.telephony.activities import NUMBER_ENTERED
from channels.validation import MAX_TEXT_LENGTH, SENDER_PATTERN, InvalidRequest, clean_text

#: Most activities accepted in one request (the gateway sends one or two).
MAX_ACTIVITIES = 20
_DTMF = re.compile(r"^[0-9*#A-Da-d]{1,32}$")
_ACTIVITY_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
_REASON_CODES = frozenset({"no-answer", "busy", "declined", "error"})


@dataclass(frozen=True)
class Activity:
    """One validated activity from the gateway."""

    type: str
    id: str | None = None
    name: str | None = None
    text: str | None = None
    value: Any = None
    parameters: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CallerInput:
    """What an activity means: ``kind`` is start, speech, no_input, dtmf, number,
    transfer_status or hangup. ``number`` carries a whole phone number (caller ID on
    start, or typed/said digits), which stays in the call store."""

    kind: str
    text: str | None = None
    dtmf: str | None = None
    number: str | None = None
    transfer_status: str | None = None
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RasaInput:
    """The Rasa message text and metadata for one caller input."""

    text: str
    metadata: dict


def conversation_id(payload: Any) -> str:
    """The id in ``{"conversation": "<id>"}`` (create conversation)."""
    if not isinstance(payload, dict):
        raise InvalidRequest("JSON body must be an object")
    cid = payload.get("conversation")
    if not isinstance(cid, str) or not SENDER_PATTERN.match(cid):
        raise InvalidRequest("'conversation' must be a string of 1-128 characters [A-Za-z0-9_.:@+-]")
    return cid


def check_path_id(cid: str) -> str:
    """The conversation id in a URL must be valid too."""
    if not SENDER_PATTERN.match(cid):
        raise InvalidRequest("invalid conversation id")
    return cid


def parse_activities(payload: Any, cid: str) -> list[Activity]:
    """Validate an activities request for conversation ``cid``.

    Raises:
        InvalidRequest: wrong shape, wrong types, another conversation's id, too many activities.
    """
    if not isinstance(payload, dict):
        raise InvalidRequest("JSON body must be an object")
    if "conversation" in payload and payload["conversation"] != cid:
        raise InvalidRequest("'conversation' does not match the URL")
    items = payload.get("activities")
    if not isinstance(items, list) or not items:
        raise InvalidRequest("'activities' must be a non-empty list")
    if len(items) > MAX_ACTIVITIES:
        raise InvalidRequest(f"at most {MAX_ACTIVITIES} activities per request")
    return [_activity(item) for item in items]


def _activity(item: Any) -> Activity:
    if not isinstance(item, dict):
        raise InvalidRequest("each activity must be an object")
    kind = item.get("type")
    activity_id = item.get("id")
    if activity_id is not None and (not isinstance(activity_id, str) or not _ACTIVITY_ID.match(activity_id)):
        raise InvalidRequest("activity 'id' must be a printable string of 1-128 characters")
    parameters = item.get("parameters")
    parameters = {} if parameters is None else parameters
    if not isinstance(parameters, dict):
        raise InvalidRequest("activity 'parameters' must be an object")
    if kind == "message":
        text = item.get("text", "")
        if not isinstance(text, str):
            raise InvalidRequest("message 'text' must be a string")
        return Activity("message", activity_id, text=text, parameters=parameters)
    if kind == "event":
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise InvalidRequest("event 'name' must be a string")
        return Activity("event", activity_id, name=name, value=item.get("value"), parameters=parameters)
    raise InvalidRequest("activity 'type' must be 'message' or 'event'")


def disconnect_reason(payload: Any, cid: str) -> str | None:
    """The optional ``reason`` of a disconnect request."""
    if payload is None:
        return None
    if not isinstance(payload, dict):
        raise InvalidRequest("JSON body must be an object")
    if "conversation" in payload and payload["conversation"] != cid:
        raise InvalidRequest("'conversation' does not match the URL")
    reason = payload.get("reason")
    return reason[:200] if isinstance(reason, str) else None


def _intent(name: str, entities: dict | None = None) -> str:
    return f"/{name}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


def dtmf_digits(activity: Activity) -> str | None:
    """Keys pressed, without the submit key ``#``; None if the value is not DTMF."""
    value = activity.value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _DTMF.match(value):
        return None
    digits = value.rstrip("#")
    return digits.upper() or None


def transfer_status(activity: Activity) -> str:
    """``answered`` or the failure reason (``busy``, ``no-answer``, ``declined``, ``error``, ``failed``)."""
    value = activity.value if isinstance(activity.value, dict) else {}
    if value.get("status") == "answered":
        return "answered"
    reason = value.get("reasonCode")
    return reason if reason in _REASON_CODES else "failed"


#: Words (with the placeholder) up to which a sentence with a number counts as the number.
SHORT_NUMBER_SENTENCE = 7


def interpret(activity: Activity) -> CallerInput | None:
    """What the caller did, or None for activities the bot ignores (unknown events, bad DTMF)."""
    metadata: dict[str, Any] = {"activity": activity.type if activity.type == "message" else activity.name}
    if activity.type == "message":
        confidence = activity.parameters.get("confidence")
        if isinstance(confidence, (int, float)) and not isinstance(confidence, bool):
            metadata["asr_confidence"] = float(confidence)
        text = clean_text(activity.text or "").lstrip("/").strip()[:MAX_TEXT_LENGTH]
        if not text:
            return CallerInput("no_input", metadata=metadata)
        number = spoken_number_text(text)
        if number:
            return CallerInput("number", number=number, metadata=metadata)
        # A number inside a sentence stays in the call store too; the tracker gets "[Nummer]".
        # A short sentence around it ("Meine Nummer ist …") is the number itself.
        embedded, text = number_in_speech(text)
        if embedded and len(words(text)) <= SHORT_NUMBER_SENTENCE:
            return CallerInput("number", number=embedded, metadata=metadata)
        return CallerInput("speech", text=text, number=embedded, metadata=metadata)
    name = activity.name
    if name == "start":
        callee = activity.parameters.get("callee")
        if isinstance(callee, str):
            metadata["callee"] = callee[:64]
        caller = activity.parameters.get("caller")
        return CallerInput("start", number=normalise(caller if isinstance(caller, str) else None), metadata=metadata)
    if name == "noUserInput":
        return CallerInput("no_input", metadata=metadata)
    if name == "DTMF":
        digits = dtmf_digits(activity)
        if digits is None:
            return None
        number = normalise(digits) if len(digits) >= 6 else None
        if number:
            return CallerInput("number", number=number, metadata=metadata)
        return CallerInput("dtmf", dtmf=digits, metadata=metadata)
    if name == "transferStatus":
        return CallerInput("transfer_status", transfer_status=transfer_status(activity), metadata=metadata)
    if name == "hangup":
        return CallerInput("hangup", metadata=metadata)
    return None


def to_rasa(caller_input: CallerInput) -> RasaInput:
    """The Rasa message: speech as text, everything else as an intent (no NLU)."""
    kind, metadata = caller_input.kind, caller_input.metadata
    if kind == "speech":
        return RasaInput(caller_input.text or "", metadata)
    if kind == "number":
        return RasaInput(_intent("phone_dtmf", {"dtmf": NUMBER_ENTERED}), metadata)
    if kind == "dtmf":
        return RasaInput(_intent("phone_dtmf", {"dtmf": caller_input.dtmf}), metadata)
    if kind == "transfer_status":
        return RasaInput(_intent("phone_transfer_status", {"transfer_status": caller_input.transfer_status}), metadata)
    return RasaInput(_intent(f"phone_{kind}"), metadata)  # phone_start, phone_no_input, phone_hangup


def stamp(activity: dict) -> dict:
    """Add ``id`` and ``timestamp`` to a bot activity, as the API requires."""
    now = utc_now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"id": str(uuid.uuid4()), "timestamp": now, **activity}
