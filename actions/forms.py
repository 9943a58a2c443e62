"""``action_forms``: which form or online application to use (with links)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.replies import Reply, source_line, unknown_reply
from actions.service_topic import ServiceTopicAction
from bot.kb.models import Service
from bot.kb.repository import KnowledgeRepository


class ActionForms(ServiceTopicAction):
    """Lists forms and the online service of a service."""

    topic = "forms"
    topic_phrase = "das passende Formular"

    def name(self) -> str:
        """Action name."""
        return "action_forms"

    def answer(self, repo: KnowledgeRepository, service: Service, tracker: Tracker) -> Reply:
        """Forms with links; only the online service when that is all we know."""
        buttons = [{"title": form.title, "url": form.url, "type": "web_url"} for form in service.forms]
        if not service.forms and not service.online_url:
            return unknown_reply(repo, service.name, "den Formularen", service.info_url,
                                 gap=("service", service.key, "forms"))
        lines = [
            f"- {form.title} ({'online' if form.kind == 'online' else 'PDF'}): {form.url}"
            for form in service.forms
        ]
        if service.online_url and all(form.url != service.online_url for form in service.forms):
            lines.append(f"- Online-Antrag: {service.online_url}")
        facts = service.forms or [service]
        text = f"Formulare – {service.name}:\n" + "\n".join(lines) + "\n" + source_line(facts)
        kinds = "online" if any(f.kind == "online" for f in service.forms) or service.online_url else "als PDF"
        voice = (
            f"Den Antrag für {service.name} finden Sie {kinds} auf stuttgart.de. "
            "Den Link kann ich Ihnen am Telefon leider nicht vorlesen."
        )
        return Reply(text=text, voice=voice, buttons=buttons)
