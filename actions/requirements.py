"""``action_requirements``: eligibility, prerequisites, obligations and deadlines of a service."""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.replies import Reply, source_line, unknown_reply
from actions.service_topic import ServiceTopicAction
from bot.kb.models import Service
from bot.kb.repository import KnowledgeRepository
from bot.nlu.folding import folded_words

#: Which kinds of rule a question asks for first, by its wording (folded words).
FOCUS = (
    ("deadline", re.compile(r"\b(?:bis wann|frist\w*|wie lange (?:\w+ ){0,3}zeit|wie viele? (?:\w+ ){0,2}zeit|"
                            r"innerhalb|spatestens|deadline|how long do i have)\b")),
    ("eligibility", re.compile(r"\b(?:anspruch|wer (?:kann|bekommt|darf)|bekomm\w* ich|kann ich (?:\w+ ){0,4}bekommen|"
                               r"darf ich|voraussetzung\w*|berechtigt|eligible|can i get)\b")),
    ("obligation", re.compile(r"\b(?:muss ich|mussen wir|pflicht\w*|verpflichtet|must i|do i have to|mandatory)\b")),
)
#: Written answers stay short: at most this many rules before "Mehr dazu".
MAX_ITEMS = 3
#: Spoken answers name fewer.
MAX_SPOKEN = 2


def asked_kinds(text: str) -> frozenset[str]:
    """The kinds of rule the question asks for ("Bis wann …?" → deadlines); empty: data order."""
    folded = folded_words(text)
    kinds = {kind for kind, pattern in FOCUS if pattern.search(folded)}
    if "eligibility" in kinds:
        kinds.add("prerequisite")
    return frozenset(kinds)


class ActionRequirements(ServiceTopicAction):
    """Who can get a service, what is needed first, which deadlines and duties apply."""

    topic = "requirements"
    topic_phrase = "die Voraussetzungen und Fristen"

    def name(self) -> str:
        """Action name."""
        return "action_requirements"

    def answer(self, repo: KnowledgeRepository, service: Service, tracker: Tracker) -> Reply:
        """The rules in order of kind, with sources; unknown → official page and 115."""
        wanted = asked_kinds(tracker.latest_message.get("text") or "")
        items = sorted(service.requirements, key=lambda r: (r.kind not in wanted, r.position))
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
