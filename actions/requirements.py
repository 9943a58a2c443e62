"""``action_requirements``: eligibility, prerequisites, obligations and deadlines of a service."""

from __future__ import annotations

from typing import Text

from rasa_sdk import Tracker

from actions.replies import Reply, source_line, unknown_reply
from actions.service_topic import ServiceTopicAction
from bot.kb.models import Service
from bot.kb.repository import KnowledgeRepository

#: Headings of the requirement kinds, in the order they are shown.
KIND_ORDER = ("eligibility", "prerequisite", "deadline", "obligation")
#: Written answers stay short: at most this many rules before "Mehr dazu".
MAX_ITEMS = 4
#: Spoken answers name fewer.
MAX_SPOKEN = 2


class ActionRequirements(ServiceTopicAction):
    """Who can get a service, what is needed first, which deadlines and duties apply."""

    topic = "requirements"
    topic_phrase = "die Voraussetzungen und Fristen"

    def name(self) -> Text:
        """Action name."""
        return "action_requirements"

    def answer(self, repo: KnowledgeRepository, service: Service, tracker: Tracker) -> Reply:
        """The rules in order of kind, with sources; unknown → official page and 115."""
        items = sorted(service.requirements, key=lambda r: (KIND_ORDER.index(r.kind), r.position))
        if not items:
            return unknown_reply(repo, service.name, "den Voraussetzungen und Fristen", service.info_url,
                                 gap=("service", service.key, "requirements"))
        shown = items[:MAX_ITEMS]
        more = " Weitere Regeln finden Sie auf der offiziellen Seite." if len(items) > MAX_ITEMS else ""
        text = (
            f"Voraussetzungen und Fristen – {service.name}:\n" + "\n".join(f"- {r.text}" for r in shown)
            + f"\nMehr dazu: {service.info_url}{more}\n" + source_line(shown)
        )
        spoken = " ".join(r.text for r in items[:MAX_SPOKEN])
        return Reply(text=text, voice=f"{service.name}. {spoken}")
