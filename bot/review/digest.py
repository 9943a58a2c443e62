"""What the review keeps of one conversation, computed from its tracker events (pure functions).

Counts for everyone (turns, fallbacks, low-confidence turns, feedback, service) and,
for the review of flagged conversations, the turns with **redacted** text. Nothing in
a :class:`ConversationDigest` holds a citizen's original words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from bot.review.redaction import redact
from bot.review.tracker_events import TrackerEvent

#: Intent of Rasa's ``FallbackClassifier``.
FALLBACK_INTENT = "nlu_fallback"
#: A citizen's turn below this intent confidence counts as low confidence.
LOW_CONFIDENCE = 0.5
FEEDBACK_SLOT = "feedback"
SERVICE_SLOT = "service"
#: Longest text kept per turn (the web chat accepts no more).
MAX_TURN_TEXT = 2000


@dataclass(frozen=True)
class TurnCopy:
    """One message, redacted."""

    seq: int
    at: datetime
    actor: str
    text: str
    agent: str | None = None
    intent: str | None = None
    confidence: float | None = None


@dataclass
class ConversationDigest:
    """Summary and redacted turns of one conversation."""

    conversation_id: str
    started_at: datetime
    last_event_at: datetime
    channel: str | None = None
    user_turns: int = 0
    fallbacks: int = 0
    low_confidence: int = 0
    min_confidence: float | None = None
    feedback_up: int = 0
    feedback_down: int = 0
    service: str | None = None
    turns: list[TurnCopy] = field(default_factory=list)

    def flagged(self, handoff_reason: str | None) -> bool:
        """Worth a review: a handoff, a fallback, a low-confidence turn or a thumbs down."""
        return bool(handoff_reason or self.fallbacks or self.low_confidence or self.feedback_down)


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, timezone.utc)


def _intent(data: dict[str, Any]) -> tuple[str | None, float | None]:
    parse_data = data.get("parse_data")
    intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
    if not isinstance(intent, dict):
        return None, None
    name = intent.get("name") if isinstance(intent.get("name"), str) else None
    confidence = intent.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        return name, None
    return name, float(confidence)


def _text(value: Any) -> str:
    return redact(value)[:MAX_TURN_TEXT] if isinstance(value, str) else ""


def digest(conversation_id: str, events: Sequence[TrackerEvent]) -> ConversationDigest | None:
    """The digest of one conversation's events; None if there are none."""
    if not events:
        return None
    timestamps = [event.timestamp for event in events if event.timestamp]
    if not timestamps:
        return None
    result = ConversationDigest(
        conversation_id=conversation_id,
        started_at=_moment(min(timestamps)),
        last_event_at=_moment(max(timestamps)),
    )
    services: Counter[str] = Counter()
    for event in events:
        data = event.data
        if event.type_name == "user":
            _add_user_turn(result, event, data)
        elif event.type_name == "bot":
            _add_bot_turn(result, event, data)
        elif event.type_name == "slot":
            name, value = data.get("name"), data.get("value")
            if name == FEEDBACK_SLOT and isinstance(value, dict):
                rating = value.get("rating")
                result.feedback_up += rating == "up"
                result.feedback_down += rating == "down"
            elif name == SERVICE_SLOT and isinstance(value, str) and value:
                services[value] += 1
    if services:
        result.service = services.most_common(1)[0][0][:60]
    return result


def _add_user_turn(result: ConversationDigest, event: TrackerEvent, data: dict[str, Any]) -> None:
    raw = data.get("text")
    if not isinstance(raw, str) or not raw.strip():
        return
    if result.channel is None and isinstance(data.get("input_channel"), str):
        result.channel = data["input_channel"][:64]
    intent, confidence = _intent(data)
    intent = intent or event.intent_name
    result.user_turns += 1
    if intent == FALLBACK_INTENT:
        result.fallbacks += 1
    if confidence is not None:
        if confidence < LOW_CONFIDENCE:
            result.low_confidence += 1
        result.min_confidence = confidence if result.min_confidence is None else min(result.min_confidence, confidence)
    result.turns.append(TurnCopy(
        seq=len(result.turns), at=_moment(event.timestamp), actor="user",
        text=_text(raw), intent=intent, confidence=confidence,
    ))


def _add_bot_turn(result: ConversationDigest, event: TrackerEvent, data: dict[str, Any]) -> None:
    """A bot or agent message. Agents may repeat what a citizen typed, so their text is
    redacted; the bot's answers come from the knowledge base and templates (dates,
    sources, fees) and are kept as sent — they never repeat a citizen's contact data in full."""
    raw = data.get("text")
    if not isinstance(raw, str) or not raw:
        return
    metadata = data.get("metadata")
    agent = metadata.get("agent") if isinstance(metadata, dict) else None
    if isinstance(agent, str) and agent.strip():
        result.turns.append(TurnCopy(
            seq=len(result.turns), at=_moment(event.timestamp), actor="agent", text=_text(raw),
            agent=agent.strip()[:80],
        ))
    else:
        result.turns.append(TurnCopy(
            seq=len(result.turns), at=_moment(event.timestamp), actor="bot", text=raw[:MAX_TURN_TEXT],
        ))
