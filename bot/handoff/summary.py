"""The short summary staff see in the queue: what the bot understood, never free text.

Built only from intents, slots and counts of the tracker: the reason for the handoff,
the topics asked (fees, documents …), service, district and how many messages the bot
did not understand. The citizen's own words never enter it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: Topics of the intents that name a concern (German labels for the console).
TOPIC_LABELS = {
    "ask_fees": "Gebühren",
    "ask_documents": "Unterlagen",
    "ask_forms": "Formulare",
    "ask_opening_hours": "Öffnungszeiten",
    "ask_appointment": "Termin",
    "ask_location": "Standort",
    "ask_processing_time": "Bearbeitungszeit",
    "ask_application_status": "Stand des Antrags",
    "report_issue": "Schadensmeldung",
    "request_callback": "Rückruf",
}
REASON_LABELS = {
    "request_human": "Wunsch nach einer Person",
    "fallback": "Bot hat zweimal nicht verstanden",
    "application_status": "Frage zum Stand des Antrags",
    "always_human": "Leistung wird immer persönlich beraten",
    "request_callback": "Wunsch nach Rückruf",
}
MISS_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
MAX_TOPICS = 4
MAX_LENGTH = 500


def user_intents(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """The intents of the user messages, oldest first."""
    names = []
    for event in events:
        if event.get("event") != "user":
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name:
            names.append(str(name))
    return names


def key_label(key: str | None) -> str | None:
    """``"bad_cannstatt"`` → ``"Bad Cannstatt"`` (for keys without a name at hand)."""
    if not key:
        return None
    return " ".join(part.capitalize() for part in str(key).split("_") if part)


def build_summary(
    reason: str,
    events: Iterable[Mapping[str, Any]],
    service: str | None = None,
    district: str | None = None,
    service_name: str | None = None,
) -> str:
    """``"Grund: …; Themen: Gebühren, Unterlagen; Leistung: Personalausweis; Stadtbezirk: Mitte; nicht verstanden: 2"``.

    Args:
        reason: the handoff reason (``request_human``, ``fallback`` …).
        events: the tracker's events (only user intents are read).
        service, district: slot values (keys).
        service_name: the service's name from the knowledge base, if known.
    """
    intents = user_intents(events)
    topics = list(dict.fromkeys(TOPIC_LABELS[i] for i in intents if i in TOPIC_LABELS))[:MAX_TOPICS]
    misses = sum(1 for i in intents if i in MISS_INTENTS)
    parts = [f"Grund: {REASON_LABELS.get(reason, key_label(reason))}"]
    if topics:
        parts.append(f"Themen: {', '.join(topics)}")
    if service:
        parts.append(f"Leistung: {service_name or key_label(service)}")
    if district:
        parts.append(f"Stadtbezirk: {key_label(district)}")
    if misses:
        parts.append(f"nicht verstanden: {misses}")
    return "; ".join(parts)[:MAX_LENGTH]
