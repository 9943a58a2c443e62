"""``action_fees``: what a service costs (integer cents, with conditions)."""

from __future__ import annotations

from typing import Text

from rasa_sdk import Tracker

from actions.replies import Reply, source_line, unknown_reply
from actions.service_topic import ServiceTopicAction
from bot.german import euro, euro_spoken
from bot.kb.models import Service
from bot.kb.repository import KnowledgeRepository


class ActionFees(ServiceTopicAction):
    """Lists the fees of the service in the ``service`` slot."""

    topic = "fees"
    topic_phrase = "die Gebühren"

    def name(self) -> Text:
        """Action name."""
        return "action_fees"

    def answer(self, repo: KnowledgeRepository, service: Service, tracker: Tracker) -> Reply:
        """Fees with conditions, source and date; unknown → official page and 115."""
        if not service.fees:
            return unknown_reply(repo, service.name, "den Gebühren", service.info_url,
                                 gap=("service", service.key, "fees"))
        lines = [
            f"- {euro(fee.amount_cents)}" + (f": {fee.condition}" if fee.condition else "")
            for fee in service.fees
        ]
        spoken = "; ".join(
            euro_spoken(fee.amount_cents) + (f" {fee.condition}" if fee.condition else "")
            for fee in service.fees[:3]
        )
        text = (
            f"Gebühren – {service.name}:\n" + "\n".join(lines) + f"\nMehr dazu: {service.info_url}\n"
            + source_line(service.fees)
        )
        return Reply(text=text, voice=f"{service.name}: {spoken}.")
