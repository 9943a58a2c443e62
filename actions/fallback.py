"""``action_clarify`` and ``action_out_of_scope``: a clarifying question; after two misses a person.

On the phone, two misses lead to the keypad menu instead (``actions/phone.py``).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.phone import start_menu
from actions.replies import Reply, hotline_hint, is_voice, send
from bot.kb.shared import repository

MISS_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
YES_NO = [{"title": "Ja, bitte", "payload": "/affirm"}, {"title": "Nein, danke", "payload": "/deny"}]
TOPIC_BUTTONS = [
    {"title": "Öffnungszeiten", "payload": "/ask_opening_hours"},
    {"title": "Unterlagen", "payload": "/ask_documents"},
    {"title": "Gebühren", "payload": "/ask_fees"},
    {"title": "Termin", "payload": "/ask_appointment"},
    {"title": "Mit einem Menschen sprechen", "payload": "/request_human"},
]


def consecutive_misses(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood."""
    misses = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent not in MISS_INTENTS:
            break
        misses += 1
    return misses


def offer_person() -> Reply:
    """After the second miss: offer a person."""
    return Reply(
        text="Leider verstehe ich Ihr Anliegen nicht. Möchten Sie mit einem Menschen sprechen?",
        voice="Leider verstehe ich Ihr Anliegen nicht. Möchten Sie mit einem Menschen sprechen?",
        buttons=YES_NO,
    )


def escalate_if_stuck(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """After two misses in a row: the keypad menu on the phone, else the offer of a person.

    Returns the events to return from the action, or None when not stuck.
    """
    if consecutive_misses(tracker) < 2:
        return None
    if is_voice(tracker):
        return start_menu(dispatcher)
    send(dispatcher, tracker, offer_person())
    return [SlotSet("offer", "human")]


class ActionClarify(Action):
    """Low NLU confidence: ask a clarifying question, offer a person after two misses."""

    def name(self) -> str:
        """Action name."""
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Clarify or offer a person."""
        escalation = escalate_if_stuck(dispatcher, tracker)
        if escalation is not None:
            return escalation
        reply = Reply(
            text=(
                "Entschuldigung, das habe ich nicht verstanden. Worum geht es? "
                "Zum Beispiel: Öffnungszeiten, Unterlagen, Gebühren oder ein Termin – "
                "und für welche Leistung, etwa Personalausweis oder Wohngeld?"
            ),
            voice="Entschuldigung, das habe ich nicht verstanden. "
                  "Sagen Sie zum Beispiel: Was kostet ein Personalausweis?",
            buttons=TOPIC_BUTTONS,
        )
        send(dispatcher, tracker, reply)
        return []


class ActionOutOfScope(Action):
    """Questions outside the Ordnungsamt and Sozialamt."""

    def name(self) -> str:
        """Action name."""
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Say what the assistant covers and where else to ask."""
        escalation = escalate_if_stuck(dispatcher, tracker)
        if escalation is not None:
            return escalation
        written, spoken = hotline_hint(repository())
        send(
            dispatcher,
            tracker,
            Reply(
                text=(
                    "Dabei kann ich leider nicht helfen. Ich beantworte Fragen zu Bürgerbüros, "
                    "Ausländerbehörde, Kfz-Zulassung und Führerschein, Fundbüro, Bewohnerparken "
                    f"und zu Leistungen des Sozialamts. {written}"
                ).strip(),
                voice=f"Dabei kann ich leider nicht helfen. Ich beantworte Fragen zu Bürgerbüro und Sozialamt. "
                      f"{spoken}".strip(),
            ),
        )
        return []
