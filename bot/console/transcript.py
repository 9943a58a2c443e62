"""Rasa tracker events (from the tracker store, or a tracker's JSON) as the transcript the console shows.

The citizen's text is redacted (``bot.review.redaction.redact``) before it leaves this
module; the bot's intent and confidence are given for each citizen turn. Bot events
with ``metadata.agent`` are an agent's messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from bot.config import TIMEZONE
from bot.review.redaction import redact
from bot.review.tracker_events import TrackerEvent

#: Longest text shown per turn (longer tracker texts are cut).
MAX_TEXT = 4000


@dataclass(frozen=True)
class Turn:
    """One line of a transcript.

    ``actor``: ``citizen``, ``bot``, ``agent`` or ``system`` (pause/resume, session start).
    ``index``: position of the event in the tracker (live updates send only new ones).
    """

    index: int
    actor: str
    text: str
    time: str
    intent: str | None = None
    confidence: float | None = None
    agent: str | None = None
    buttons: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """For the live view (``static/conversation.js``)."""
        data = asdict(self)
        data["buttons"] = list(self.buttons)
        return data


def _clock(timestamp: Any) -> str:
    if not isinstance(timestamp, (int, float)):
        return ""
    try:
        return datetime.fromtimestamp(float(timestamp), tz=timezone.utc).astimezone(TIMEZONE).strftime("%H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return ""


def _dict(event: dict[str, Any], key: str) -> dict[str, Any]:
    value = event.get(key)
    return value if isinstance(value, dict) else {}


def _list(event: dict[str, Any], key: str) -> list[Any]:
    value = event.get(key)
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _citizen_text(event: dict, reveal: bool = False) -> str:
    text = _text(event.get("text"))
    metadata = _dict(event, "metadata")
    shown = metadata.get("display_text")
    if text.startswith("/") and isinstance(shown, str) and shown.strip():
        text = shown.strip()[:MAX_TEXT]
    return text if reveal else redact(text)


def _intent(event: dict) -> tuple[str | None, float | None]:
    parse = _dict(event, "parse_data")
    intent = _dict(parse, "intent")
    name = intent.get("name") if isinstance(intent.get("name"), str) else None
    confidence = intent.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        confidence = None
    return name, None if confidence is None else round(float(confidence), 2)


def _buttons(event: dict) -> tuple[str, ...]:
    data = _dict(event, "data")
    buttons = _list(data, "buttons")
    return tuple(b["title"][:200] for b in buttons if isinstance(b, dict) and isinstance(b.get("title"), str))


def turn_of(index: int, event: Any, reveal: bool = False) -> Turn | None:
    """The transcript line of one tracker event, or None for events staff need not see.

    Citizen text is redacted unless ``reveal`` (the assigned agent asked for it; audited).
    """
    if not isinstance(event, dict):
        return None
    kind = event.get("event")
    clock = _clock(event.get("timestamp"))
    if kind == "user":
        intent, confidence = _intent(event)
        return Turn(index, "citizen", _citizen_text(event, reveal), clock, intent, confidence)
    if kind == "bot":
        metadata = _dict(event, "metadata")
        agent = metadata.get("agent") if isinstance(metadata.get("agent"), str) else None
        text = _text(event.get("text"))
        if not text and not _buttons(event):
            return None
        return Turn(index, "agent" if agent else "bot", text, clock, agent=agent, buttons=_buttons(event))
    if kind == "pause":
        return Turn(index, "system", "Der digitale Assistent pausiert (Mitarbeiter/in im Gespräch).", clock)
    if kind == "resume":
        return Turn(index, "system", "Der digitale Assistent antwortet wieder.", clock)
    if kind == "session_started":
        return Turn(index, "system", "Neue Sitzung.", clock)
    return None


def _turns(pairs: Iterable[tuple[int, Any]], reveal: bool = False) -> list[Turn]:
    return [turn for turn in (turn_of(index, event, reveal) for index, event in pairs) if turn is not None]


def transcript(events: Iterable[Any], start: int = 0) -> list[Turn]:
    """The lines of a tracker's event list (Rasa's HTTP API) from position ``start`` on."""
    return _turns((index, event) for index, event in enumerate(events) if index >= start)


def stored_transcript(rows: Iterable[TrackerEvent], reveal: bool = False) -> list[Turn]:
    """The lines of events read from the tracker store; ``Turn.index`` is the event's row id,
    so a live view asks for ``id > last index`` and never misses or repeats a line."""
    return _turns(((row.id, row.data) for row in rows), reveal)


def is_paused(rows: Iterable[TrackerEvent]) -> bool:
    """Whether the bot is paused after these events (the last pause/resume/restart decides)."""
    paused = False
    for row in rows:
        kind = row.data.get("event")
        if kind == "pause":
            paused = True
        elif kind in ("resume", "restart"):
            paused = False
    return paused
