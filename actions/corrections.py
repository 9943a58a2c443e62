"""``action_handle_inform`` and ``action_handle_deny``: context and corrections.

"Was kostet das?" → "Für welche Leistung?" → "Reisepass" answers the fees of the
Reisepass. "Nein, ich meinte den Personalausweis" answers the last topic again
with the corrected service. The ``topic`` slot holds the last topic.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.location import location_reply
from actions.offices import district_name, latest_entity, select_offices
from actions.opening_hours import hours_reply
from actions.replies import Reply, send
from actions.service_info import info_reply
from actions.service_topic import topic_actions
from actions.wait_time import current_wait_reply
from bot.kb import hours as hours_logic
from bot.kb.repository import KnowledgeRepository, RecordNotFound
from bot.kb.shared import repository
from bot.nlu.folding import folded_words


def topic_reply(repo: KnowledgeRepository, topic: str | None, tracker: Tracker) -> Reply | None:
    """Answer the remembered topic again for the current slots; None without topic."""
    action = topic_actions().get(topic or "")
    if action is not None:
        return action.respond(repo, tracker)
    if topic == "location":
        return location_reply(repo, select_offices(repo, tracker))
    if topic == "opening_hours":
        text = tracker.latest_message.get("text") or ""
        return hours_reply(repo, select_offices(repo, tracker), text, hours_logic.now())
    return None


def what_about(repo: KnowledgeRepository, tracker: Tracker) -> Reply:
    """Ask what the citizen wants to know about the named service or district."""
    service_key = latest_entity(tracker, "service") or tracker.get_slot("service")
    district = latest_entity(tracker, "district")
    name = ""
    if service_key:
        try:
            name = repo.service(service_key).name
        except RecordNotFound:
            name = ""
    elif district:
        name = f"Bürgerbüro {district_name(district)}"
    subject = f"zu „{name}“" if name else ""
    questions = (
        ("Öffnungszeiten", "/ask_opening_hours"),
        ("Unterlagen", "/ask_documents"),
        ("Gebühren", "/ask_fees"),
        ("Formulare", "/ask_forms"),
        ("Termin", "/ask_appointment"),
        ("Adresse", "/ask_location"),
    )
    return Reply(
        text=f"Was möchten Sie {subject} wissen? Zum Beispiel Öffnungszeiten, Unterlagen oder Gebühren."
        .replace("  ", " "),
        voice=f"Was möchten Sie {subject} wissen? Zum Beispiel Unterlagen, Gebühren oder Öffnungszeiten."
        .replace("  ", " "),
        buttons=[{"title": title, "payload": payload} for title, payload in questions],
    )


#: Documents that expire: "Mein Ausweis läuft ab" means "what do I need for a new one".
EXPIRING = frozenset({"personalausweis", "reisepass", "aufenthaltstitel", "fuehrerschein"})
_EXPIRES = re.compile(r"\b(?:lauft (?:\w+ ){0,4}ab|laufen (?:\w+ ){0,4}ab|abgelaufen|ablauf\w*|expir\w*|ungultig)\b")


def renewal_reply(repo: KnowledgeRepository, tracker: Tracker) -> Reply | None:
    """For an expiring document named without a question: what the new one needs."""
    service = latest_entity(tracker, "service")
    folded = folded_words(tracker.latest_message.get("text") or "")
    if service not in EXPIRING or not _EXPIRES.search(folded):
        return None
    reply = topic_actions()["documents"].respond(repo, tracker)
    return Reply(text=reply.text, voice=reply.voice, buttons=what_about(repo, tracker).buttons, gap=reply.gap)


class ActionHandleInform(Action):
    """A service or district without a question: answer the open topic or ask.

    A life situation ("Meine Rente reicht nicht") with no open topic is answered with
    the services that apply, as ``ask_service_info`` would.
    """

    def name(self) -> str:
        """Action name."""
        return "action_handle_inform"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Answer the remembered topic with the new service/district."""
        repo = repository()
        topic = tracker.get_slot("topic")
        if topic == "wait_time":
            send(dispatcher, tracker, await current_wait_reply(repo, tracker))
            return []
        reply = topic_reply(repo, topic, tracker)
        if reply is None and latest_entity(tracker, "situation"):
            reply, service = info_reply(repo, tracker)
            send(dispatcher, tracker, reply)
            return [SlotSet("service", service)] if service else []
        if reply is None:
            reply = renewal_reply(repo, tracker)
            if reply is not None:
                send(dispatcher, tracker, reply)
                return [SlotSet("topic", "documents")]
        send(dispatcher, tracker, reply or what_about(repo, tracker))
        return []


class ActionHandleDeny(Action):
    """"Nein" — with a corrected service the topic is answered again."""

    def name(self) -> str:
        """Action name."""
        return "action_handle_deny"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Re-answer on a correction; otherwise ask how else to help."""
        repo = repository()
        corrected = latest_entity(tracker, "service") or latest_entity(tracker, "district")
        reply = topic_reply(repo, tracker.get_slot("topic"), tracker) if corrected else None
        if reply is None:
            reply = Reply(
                text="In Ordnung. Wie kann ich Ihnen sonst helfen?",
                voice="In Ordnung. Wie kann ich Ihnen sonst helfen?",
            )
        send(dispatcher, tracker, reply)
        return [] if corrected else [SlotSet("offer", None)]
