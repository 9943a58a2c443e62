"""Bot-side activities of the AudioCodes Bot API, built by actions and by the channel.

Messages are spoken by the gateway; events control the call (``config`` at the
start, ``transfer`` to an agent with context in SIP headers, ``hangup``).
"""

from __future__ import annotations

import re
from typing import Any

#: The value of the ``dtmf`` entity when the caller entered a whole phone number (the channel
#: keeps the number in the call store; the actions read it from there).
NUMBER_ENTERED = "number"
#: Events the bot may send to the gateway.
BOT_EVENTS = frozenset({"transfer", "handover", "hangup", "config"})
_HEADER_VALUE = re.compile(r"[^A-Za-z0-9_.:@+-]")


def message(text: str, activity_params: dict | None = None) -> dict:
    """A bot message (spoken by the gateway)."""
    activity: dict[str, Any] = {"type": "message", "text": text}
    if activity_params:
        activity["activityParams"] = activity_params
    return activity


def config_event(session_params: dict) -> dict:
    """The ``config`` event with session parameters (language, barge-in, timeouts)."""
    return {"type": "event", "name": "config", "sessionParams": session_params}


def hangup_event(reason: str = "Bot ended the call") -> dict:
    """Ask the gateway to end the call."""
    return {"type": "event", "name": "hangup", "activityParams": {"hangupReason": reason}}


def transfer_event(target: str, reason: str, headers: dict[str, str | None]) -> dict:
    """Transfer the call to ``target`` (tel:/sip:); ``headers`` become SIP headers (empty ones are left out)."""
    sip_headers = [
        {"name": name, "value": _HEADER_VALUE.sub("_", str(value))[:128]}
        for name, value in headers.items() if value not in (None, "")
    ]
    return {
        "type": "event",
        "name": "transfer",
        "activityParams": {"transferTarget": target, "handoverReason": reason, "transferSipHeaders": sip_headers},
    }


def collect_digits_params() -> dict:
    """activityParams for a prompt that asks the caller to type a number ending with #."""
    return {
        "dtmfCollect": True,
        "dtmfCollectSubmitDigit": "#",
        "dtmfCollectMaxDigits": 16,
        "dtmfCollectInterDigitTimeoutMS": 5000,
    }


def is_bot_activity(payload: Any) -> bool:
    """Whether a custom payload from an action is an activity the gateway understands."""
    if not isinstance(payload, dict):
        return False
    if payload.get("type") == "message":
        return isinstance(payload.get("text"), str)
    return payload.get("type") == "event" and payload.get("name") in BOT_EVENTS
