"""Abstract base of the actions that answer one topic about one service."""

from __future__ import annotations

import abc
import inspect
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff_queue import handoff_for_service
from actions.offices import latest_entity
from actions.replies import Reply, send, with_notices
from actions.staff import current_notices
from bot.kb import hours as hours_logic
from bot.kb.models import Service
from bot.kb.repository import KnowledgeRepository, RecordNotFound
from bot.kb.shared import repository
from bot.nlu.topics import second_topic

#: Quick replies offered when the citizen has not named a service yet.
SUGGESTED_SERVICES = (
    ("Personalausweis", "personalausweis"),
    ("Reisepass", "reisepass"),
    ("Anmeldung", "wohnsitz_anmeldung"),
    ("Wohngeld", "wohngeld"),
    ("Führerschein", "fuehrerschein"),
    ("Grundsicherung", "grundsicherung"),
)


def service_buttons() -> list[dict]:
    """Buttons that send ``inform`` with a service, as if the citizen had typed it."""
    return [
        {"title": title, "payload": f'/inform{{"service":"{key}"}}'}
        for title, key in SUGGESTED_SERVICES
    ]


def subject_service(tracker: Tracker) -> str | None:
    """The service a question is about: the first one the message names, else the slot's.

    "Kann ich Wohngeld bekommen, wenn ich Bürgergeld beziehe?" is about Wohngeld (Rasa's
    slot would hold the last service named).
    """
    return latest_entity(tracker, "service") or tracker.get_slot("service")


def ask_for_service(topic_phrase: str) -> Reply:
    """Ask which service the citizen means."""
    return Reply(
        text=(
            f"Gerne. Für welche Leistung möchten Sie {topic_phrase} wissen? "
            "Zum Beispiel Personalausweis, Reisepass, Anmeldung oder Wohngeld."
        ),
        voice=f"Gerne. Für welche Leistung möchten Sie {topic_phrase} wissen? "
              "Zum Beispiel Personalausweis oder Wohngeld.",
        buttons=service_buttons(),
    )


class ServiceTopicAction(Action, metaclass=abc.ABCMeta):
    """Answers one topic (fees, documents …) for the service in the ``service`` slot.

    Subclasses set ``topic`` and ``topic_phrase`` and implement :meth:`answer`.
    Abstract, so rasa-sdk does not register it as an action. When no service is
    known yet, the action asks for one and remembers the topic in the ``topic``
    slot, so that the next ``inform`` ("den Personalausweis") is answered.
    """

    #: Value of the ``topic`` slot, e.g. "fees".
    topic: str = ""
    #: Used in questions: "Für welche Leistung möchten Sie {topic_phrase} wissen?"
    topic_phrase: str = ""

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    @abc.abstractmethod
    def answer(self, repo: KnowledgeRepository, service: Service, tracker: Tracker) -> Reply:
        """The answer for ``service``."""

    def answer_without_service(self, repo: KnowledgeRepository, tracker: Tracker) -> Reply | None:
        """An answer when no service is known (None: ask for a service)."""
        return None

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Answer the topic (and a second one asked in the same message), or ask for the service.

        Adds the handoff for a service staff always advise on.
        """
        repo = repository()
        reply = self.respond(repo, tracker)
        service = subject_service(tracker)
        if service:  # the staff's notices for this service (and the whole city) come first
            reply = with_notices(reply, current_notices(hours_logic.now().date(), services=[service]))
        send(dispatcher, tracker, reply)
        other = topic_actions().get(second_topic(tracker.latest_message.get("text") or "", self.topic) or "")
        if service and other is not None:
            send(dispatcher, tracker, other.respond(repo, tracker))
        events = [SlotSet("topic", self.topic)]
        if service and service != tracker.get_slot("service"):
            events.append(SlotSet("service", service))
        return events + handoff_for_service(dispatcher, tracker, service)

    def respond(self, repo: KnowledgeRepository, tracker: Tracker) -> Reply:
        """The reply for the current tracker (used by ``run`` and by corrections)."""
        key = subject_service(tracker)
        if key:
            try:
                return self.answer(repo, repo.service(key), tracker)
            except RecordNotFound:
                pass
        reply = self.answer_without_service(repo, tracker)
        return reply if reply is not None else ask_for_service(self.topic_phrase)


def topic_actions() -> dict[str, ServiceTopicAction]:
    """Every concrete topic action by its topic (``actions/__init__.py`` imports them all)."""
    found: dict[str, ServiceTopicAction] = {}
    pending = list(ServiceTopicAction.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.topic and not inspect.isabstract(cls):
            found[cls.topic] = cls()
    return found
