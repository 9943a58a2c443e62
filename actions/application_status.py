"""``action_application_status``: the bot cannot see personal files; offer a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import YES_NO
from actions.replies import Reply, send
from bot.kb.repository import RecordNotFound
from bot.kb.shared import repository


class ActionApplicationStatus(Action):
    """Explains that the status of one's own case needs a person."""

    def name(self) -> str:
        """Action name."""
        return "action_application_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Explain, name the responsible office's contact, offer a person."""
        contact = ""
        key = tracker.get_slot("service")
        if key:
            try:
                offices = [o for o in repository().service(key).offices if o.phone or o.email]
            except RecordNotFound:
                offices = []
            if offices:
                office = offices[0]
                ways = " oder ".join(x for x in (office.phone and f"Tel. {office.phone}", office.email) if x)
                contact = f" Zuständig ist {office.name}: {ways}."
        text = (
            "Ich kann keine persönlichen Akten einsehen und kenne den Stand Ihres Antrags nicht."
            f"{contact} Möchten Sie mit einem Menschen sprechen?"
        )
        voice = (
            "Ich kann keine persönlichen Akten einsehen. Möchten Sie mit einem Menschen sprechen?"
        )
        send(dispatcher, tracker, Reply(text=text, voice=voice, buttons=YES_NO))
        return [SlotSet("offer", "human")]
