"""German labels of the queue's codes (reasons, outcomes, statuses) for the console."""

from __future__ import annotations

REASON_LABELS = {
    "request_human": "Möchte eine Person sprechen",
    "fallback": "Zweimal nicht verstanden",
    "application_status": "Frage zum Antragsstatus",
    "always_human": "Leistung immer persönlich",
}
OUTCOME_LABELS = {
    "solved": "Gelöst",
    "callback": "Rückruf vereinbart",
    "forwarded": "Weitergeleitet",
    "no_response": "Keine Antwort mehr",
    "returned_to_bot": "An Bot zurückgegeben",
    "cancelled": "Vom Bürger abgebrochen",
    "expired": "Abgelaufen",
}
#: Outcomes an agent picks when closing ("Abschließen").
CLOSE_OUTCOMES = ("solved", "callback", "forwarded", "no_response")
STATUS_LABELS = {"waiting": "wartet", "assigned": "übernommen", "closed": "abgeschlossen"}


def reason_label(code: str | None) -> str:
    """The German label of a handoff reason."""
    return REASON_LABELS.get(code or "", code or "")
