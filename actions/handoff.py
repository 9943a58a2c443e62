"""``action_request_human``, ``action_request_callback``, ``action_handle_affirm``.

Written channels: a simple answer for now (the handoff queue and callbacks of the web
chat come with the staff console); both point to the Behördennummer 115 from the
knowledge base. Phone calls get transfer, queue and callbacks (``actions/phone.py``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import repository
from actions.phone import start_callback, start_handoff
from actions.replies import Reply, hotline_hint, is_voice, send
from bot.kb.repository import KnowledgeRepository


def _hotline_reply(repo: KnowledgeRepository, text: str, voice: str) -> Reply:
    """``text``/``voice`` followed by the pointer to 115."""
    written, spoken = hotline_hint(repo, lead="Bitte")
    return Reply(text=f"{text} {written}".strip(), voice=f"{voice} {spoken}".strip())


def human_reply(repo: KnowledgeRepository) -> Reply:
    """How to reach a person."""
    opening = "Gerne helfen Ihnen unsere Mitarbeiterinnen und Mitarbeiter persönlich."
    return _hotline_reply(repo, opening, opening)


def callback_reply(repo: KnowledgeRepository) -> Reply:
    """Callbacks cannot be booked here yet; say so and name 115."""
    return _hotline_reply(
        repo,
        "Einen Rückruf kann ich hier leider noch nicht vereinbaren.",
        "Einen Rückruf kann ich leider noch nicht vereinbaren.",
    )


class ActionRequestHuman(Action):
    """The citizen wants a person."""

    def name(self) -> Text:
        """Action name."""
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Point to a person (phone: transfer, queue or callback)."""
        if is_voice(tracker):
            return [SlotSet("offer", None)] + start_handoff(dispatcher, tracker)
        send(dispatcher, tracker, human_reply(repository()))
        return [SlotSet("offer", None)]


class ActionRequestCallback(Action):
    """The citizen wants a callback."""

    def name(self) -> Text:
        """Action name."""
        return "action_request_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Explain how to get a callback (phone: take the callback request)."""
        if is_voice(tracker):
            return [SlotSet("offer", None)] + start_callback(dispatcher, tracker)
        send(dispatcher, tracker, callback_reply(repository()))
        return [SlotSet("offer", None)]


class ActionHandleAffirm(Action):
    """"Ja" — accepts the last offer (a person), else asks how to help."""

    def name(self) -> Text:
        """Action name."""
        return "action_handle_affirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Follow the offer in the ``offer`` slot."""
        offer = tracker.get_slot("offer")
        if offer == "human" and is_voice(tracker):
            return [SlotSet("offer", None)] + start_handoff(dispatcher, tracker)
        if offer == "human":
            send(dispatcher, tracker, human_reply(repository()))
        else:
            send(dispatcher, tracker, Reply("Gerne. Was möchten Sie wissen?", "Gerne. Was möchten Sie wissen?"))
        return [SlotSet("offer", None)]
