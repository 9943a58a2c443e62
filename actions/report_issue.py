"""``action_report_issue``: where to report Falschparker, wilden Müll, defekte Laternen."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Reply, send, source_line, unknown_reply
from bot.kb.repository import KnowledgeRepository
from bot.kb.shared import repository

#: The emergency contacts of ``data/knowledge/general.yml``, in the order they are named.
EMERGENCY_CONTACTS = ("notruf_polizei", "notruf_feuerwehr")


def danger_line(repo: KnowledgeRepository) -> str:
    """The sentence "Bei akuter Gefahr rufen Sie bitte … an." with the sourced emergency numbers.

    Empty when the knowledge base has neither emergency contact.
    """
    numbers = [c.phone for c in map(repo.contact, EMERGENCY_CONTACTS) if c is not None and c.phone]
    return f"Bei akuter Gefahr rufen Sie bitte {' oder '.join(numbers)} an." if numbers else ""


class ActionReportIssue(Action):
    """Points to the city's online reporting (from the knowledge base)."""

    def name(self) -> str:
        """Action name."""
        return "action_report_issue"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Name the reporting service; at acute danger the emergency numbers come first."""
        repo = repository()
        contact = repo.contact("maengelmelder")
        if contact is None or not contact.url:
            reply = unknown_reply(repo, "Meldungen von Schäden und Missständen", "dem richtigen Meldeweg", None)
        else:
            danger = danger_line(repo)
            reply = Reply(
                text=(
                    f"Schäden und Missstände wie Falschparker, wilden Müll oder eine defekte Laterne "
                    f"können Sie online melden: {contact.name} – {contact.url}\n"
                    + (f"{danger}\n" if danger else "") + source_line([contact])
                ),
                voice=(
                    f"Schäden und Missstände können Sie online über {contact.name} auf stuttgart.de melden. "
                    f"{danger}"
                ).strip(),
            )
        send(dispatcher, tracker, reply)
        return []
