"""The queue summary: reason, topics, service, district, misses — never the citizen's words."""

from __future__ import annotations

from bot.handoff.summary import MAX_LENGTH, build_summary


def user(intent: str, text: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "text": text}}


def test_summary_names_reason_topics_service_district_and_misses() -> None:
    events = [
        user("ask_fees", "Was kostet ein Perso für Max Mustermann, Königstraße 12?"),
        {"event": "bot", "text": "46,00 Euro"},
        user("nlu_fallback", "meine Nummer ist 0176 12345678"),
        user("out_of_scope", "blabla"),
        user("ask_documents", "und was brauche ich?"),
        user("request_human", "Mitarbeiter bitte"),
    ]
    summary = build_summary("request_human", events, "personalausweis", "bad_cannstatt", "Personalausweis")
    assert summary == ("Grund: Wunsch nach einer Person; Themen: Gebühren, Unterlagen; Leistung: Personalausweis; "
                       "Stadtbezirk: Bad Cannstatt; nicht verstanden: 2")


def test_summary_never_contains_free_text() -> None:
    secret = "Max Mustermann 0176 12345678 max@example.de"
    events = [user("nlu_fallback", secret), user("inform", secret), {"event": "bot", "text": secret}]
    summary = build_summary("fallback", events, None, None)
    for word in ("Max", "0176", "example"):
        assert word not in summary
    assert summary == "Grund: Bot hat zweimal nicht verstanden; nicht verstanden: 1"


def test_unknown_reason_and_service_key_are_labelled_and_length_is_bounded() -> None:
    events = [user("ask_fees", "x")] * 1000
    summary = build_summary("always_human", events, "auslaenderbehoerde_aufenthaltstitel")
    assert "Leistung: Auslaenderbehoerde Aufenthaltstitel" in summary
    assert len(summary) <= MAX_LENGTH
