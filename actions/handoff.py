"""``action_request_human``, ``action_request_callback``, ``action_handle_affirm``.

Written channels (web chat, REST): the handoff queue during staffed hours, else a
callback or an e-mail reply (``actions/handoff_queue.py``, ``actions/contact_request.py``).
Phone calls get transfer, queue and callbacks (``actions/phone.py``).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contact_request import start_contact
from actions.handoff_queue import start_web_handoff
from actions.phone_handoff import start_callback, start_handoff
from actions.replies import Reply, is_voice, send

#: The action that made the offer of a person → the handoff reason when it is accepted.
OFFER_REASONS = {"action_application_status": "application_status"}


def offer_reason(tracker: Tracker) -> str:
    """Why the citizen accepted a person: the action that offered it (default: two misses)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                break
            seen_user = True
            continue
        if seen_user and event.get("event") == "action" and event.get("name") not in (None, "action_listen"):
            return OFFER_REASONS.get(event["name"], "fallback")
    return "fallback"


def to_person(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> list[EventType]:
    """The way to a person of this channel (the offer is consumed)."""
    if is_voice(tracker):
        return [SlotSet("offer", None), *start_handoff(dispatcher, tracker)]
    return [SlotSet("offer", None), *start_web_handoff(dispatcher, tracker, reason)]


def to_callback(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The callback dialogue of this channel (phone: the number from the call)."""
    if is_voice(tracker):
        return [SlotSet("offer", None), *start_callback(dispatcher, tracker)]
    return [SlotSet("offer", None),
            *start_contact(dispatcher, tracker, reason="request_callback", method="phone")]


class ActionRequestHuman(Action):
    """The citizen wants a person."""

    def name(self) -> str:
        """Action name."""
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Queue, callback or e-mail offer (phone: transfer, queue or callback)."""
        return to_person(dispatcher, tracker, "request_human")


class ActionRequestCallback(Action):
    """The citizen wants a callback."""

    def name(self) -> str:
        """Action name."""
        return "action_request_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Take the callback request: number, time, consent (phone: number from the call)."""
        return to_callback(dispatcher, tracker)


class ActionHandleAffirm(Action):
    """"Ja" — accepts the last offer (a person), else asks how to help."""

    def name(self) -> str:
        """Action name."""
        return "action_handle_affirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Follow the offer in the ``offer`` slot."""
        if tracker.get_slot("offer") == "human":
            return to_person(dispatcher, tracker, offer_reason(tracker))
        send(dispatcher, tracker, Reply("Gerne. Was möchten Sie wissen?", "Gerne. Was möchten Sie wissen?"))
        return [SlotSet("offer", None)]
