"""``action_appointment``: appointment needed? online booking or walk-in."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.replies import Reply, source_line, unknown_reply
from actions.service_topic import ServiceTopicAction
from bot.kb.models import Service
from bot.kb.repository import KnowledgeRepository


class ActionAppointment(ServiceTopicAction):
    """Explains how to get an appointment for a service."""

    topic = "appointment"
    topic_phrase = "etwas zum Termin"

    def name(self) -> str:
        """Action name."""
        return "action_appointment"

    def answer(self, repo: KnowledgeRepository, service: Service, tracker: Tracker) -> Reply:
        """Appointment rule, note and booking links of the responsible offices."""
        booking = [o for o in service.offices if o.booking_url]
        if service.appointment_required is None and not service.appointment_note and not booking:
            return unknown_reply(repo, service.name, "der Terminvergabe", service.info_url,
                                 gap=("service", service.key, "appointment"))
        parts = []
        if service.appointment_required is True:
            parts.append(f"{service.name}: Sie brauchen einen Termin.")
        elif service.appointment_required is False:
            parts.append(f"{service.name}: Sie brauchen keinen Termin.")
        if service.appointment_note:
            parts.append(service.appointment_note)
        voice = " ".join(parts) or f"{service.name}: Termine vereinbaren Sie online auf stuttgart.de."
        lines = [f"- {o.name}: {o.booking_url}" for o in booking[:5]]
        if lines:
            parts.append("Online-Terminbuchung:\n" + "\n".join(lines))
        parts.append(f"Mehr dazu: {service.info_url}")
        parts.append(source_line([service, *booking[:5]]))
        return Reply(text="\n".join(parts), voice=voice)
