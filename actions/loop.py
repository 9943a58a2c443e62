"""The one skeleton of our hand-written Rasa loops: the web chat's callback dialogue
(``actions/contact_request.py``) and the phone's steps (``actions/phone.py``).

While a loop is active it gets every message first. It handles an expected answer and
stays active, or leaves (``leave``), or hands a message it does not expect back to the
rules by rejecting itself (``hand_back``: an emergency, a clear new question, a hangup).
Its state lives in its slots, which are reset whenever it ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, FollowupAction, SlotSet

#: A clear new question (an ``ask_…`` intent this sure) that is no valid answer leaves the loop.
NEW_QUESTION_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Loop:
    """A loop: its action name, the slots that hold its state, the intents the rules always answer."""

    name: str
    slots: tuple[str, ...]
    handed_back: frozenset[str]

    def enter(self, values: Mapping[str, Any], in_loop: bool) -> list[EventType]:
        """Set the state; start the loop unless it runs already (then the next message comes to it)."""
        events: list[EventType] = [SlotSet(key, value) for key, value in values.items()]
        return events if in_loop else [*events, ActiveLoop(self.name), FollowupAction("action_listen")]

    def leave(self) -> list[EventType]:
        """The loop is done: reset its state and wait for the citizen."""
        return [ActiveLoop(None), *(SlotSet(slot, None) for slot in self.slots), FollowupAction("action_listen")]

    def hand_back(self) -> list[EventType]:
        """The loop does not handle this message: reset its state, the rules answer it."""
        return [ActiveLoop(None), *(SlotSet(slot, None) for slot in self.slots), ActionExecutionRejected(self.name)]


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    """Intent name and confidence of the latest message."""
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def is_new_question(tracker: Tracker, also: frozenset[str] = frozenset()) -> bool:
    """The latest message is a clear new question (``ask_…`` or one of ``also``), not an answer."""
    intent, confidence = latest_intent(tracker)
    return (intent is not None and (intent.startswith("ask_") or intent in also)
            and confidence >= NEW_QUESTION_CONFIDENCE)
