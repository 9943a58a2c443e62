"""``action_processing_time``: how long a service usually takes."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.replies import Reply, source_line, unknown_reply
from actions.service_topic import ServiceTopicAction
from bot.kb.models import Service
from bot.kb.repository import KnowledgeRepository


class ActionProcessingTime(ServiceTopicAction):
    """States the usual processing time, or that it is unknown."""

    topic = "processing_time"
    topic_phrase = "die Bearbeitungszeit"

    def name(self) -> str:
        """Action name."""
        return "action_processing_time"

    def answer(self, repo: KnowledgeRepository, service: Service, tracker: Tracker) -> Reply:
        """The processing time text with its source."""
        if not service.processing_times:
            return unknown_reply(repo, service.name, "der Bearbeitungszeit", service.info_url,
                                 gap=("service", service.key, "processing_time"))
        fact = service.processing_times[0]
        return Reply(
            text=f"Bearbeitungszeit – {service.name}: {fact.text}\n{source_line([fact])}",
            voice=f"{service.name}: {fact.text}.",
        )
