"""``action_documents``: what a citizen needs to bring or send for a service."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.replies import Reply, source_line, unknown_reply
from actions.service_topic import ServiceTopicAction
from bot.kb.models import Service
from bot.kb.repository import KnowledgeRepository


class ActionDocuments(ServiceTopicAction):
    """Lists required documents and the key notes of a service."""

    topic = "documents"
    topic_phrase = "die nötigen Unterlagen"

    def name(self) -> str:
        """Action name."""
        return "action_documents"

    def answer(self, repo: KnowledgeRepository, service: Service, tracker: Tracker) -> Reply:
        """Documents (and notes such as deadlines); unknown → official page and 115."""
        if service.department == "jobcenter" and not service.documents:
            return jobcenter_reply(service)
        if not service.documents:
            return unknown_reply(repo, service.name, "den nötigen Unterlagen", service.info_url,
                                 gap=("service", service.key, "documents"))
        lines = [f"- {d.text}" + (f" ({d.note})" if d.note else "") for d in service.documents]
        notes = [f"Hinweis: {n.text}" for n in service.notes[:2]]
        facts = [*service.documents, *service.notes[:2]]
        online = f"\nOnline: {service.online_url}" if service.online_url else ""
        if not online and service.online_note:
            online = f"\nOnline: {service.online_note}"
        text = (
            f"Unterlagen – {service.name}:\n" + "\n".join(lines + notes)
            + online + f"\nMehr dazu: {service.info_url}\n" + source_line(facts)
        )
        spoken_docs = ", ".join(d.text for d in service.documents[:4])
        return Reply(text=text, voice=f"{service.name}. Sie brauchen: {spoken_docs}.")


def jobcenter_reply(service: Service) -> Reply:
    """Bürgergeld belongs to the Jobcenter, not to the city's offices."""
    return Reply(
        text=(
            f"Für {service.name} ist das Jobcenter zuständig, nicht das Sozialamt oder das "
            f"Bürgerbüro. Informationen finden Sie hier: {service.info_url}"
        ),
        voice=f"Für {service.name} ist das Jobcenter zuständig, nicht die Stadtverwaltung.",
    )
