"""The callback / e-mail dialogue of the web chat as a state machine (no servers needed)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.config import TIMEZONE
from bot.handoff import contact_dialog
from bot.handoff.contact_dialog import Answer, ContactStep, advance, start
from bot.telephony.hotline import Window

TODAY = date(2026, 11, 26)  # Thursday
WINDOWS = [
    Window("nachmittag", "nachmittags", datetime.combine(TODAY, time(14, 30), TIMEZONE), datetime.combine(TODAY, time(18), TIMEZONE)),
    Window("vormittag", "vormittags", datetime(2026, 11, 27, 8, tzinfo=TIMEZONE), datetime(2026, 11, 27, 12, tzinfo=TIMEZONE)),
]


def run(*answers: Answer, method=None, lead="Unsere Mitarbeiter sind gerade nicht erreichbar."):
    turn = start("request_human", WINDOWS, TODAY, 30, lead=lead, method=method)
    turns = [turn]
    for answer in answers:
        turn = advance(turn.state, answer, TODAY)
        turns.append(turn)
    return turns


def said(turn) -> str:
    return " ".join(m.text for m in turn.messages)


def test_the_base_step_is_abstract() -> None:
    with pytest.raises(TypeError):
        ContactStep()  # type: ignore[abstract]


def test_offer_names_both_ways_with_buttons() -> None:
    [turn] = run()
    assert said(turn).startswith("Unsere Mitarbeiter sind gerade nicht erreichbar. Wir können Sie zurückrufen")
    assert [b["title"] for b in turn.messages[0].buttons] == ["Rückruf", "Antwort per E-Mail", "Nein, danke"]


def test_callback_path_asks_number_window_consent_then_stores() -> None:
    turns = run(Answer("/request_callback", "request_callback"), Answer("0711 123456", "nlu_fallback"),
                Answer("Morgen, vormittags, 8:00 bis 12:00 Uhr", "inform"), Answer("/affirm", "affirm"))
    assert "Telefonnummer" in said(turns[1])
    labels = [b["title"] for b in turns[2].messages[0].buttons]
    assert labels == ["Heute nachmittags, 14:30 bis 18:00 Uhr", "Morgen vormittags, 8:00 bis 12:00 Uhr"]
    assert said(turns[3]).startswith("Wir speichern Ihre Telefonnummer nur, um Sie zurückzurufen, und löschen sie nach 30 Tagen.")
    last = turns[4]
    assert last.state is None and last.outcome == "stored"
    assert last.draft.phone == "+49711123456" and last.draft.email is None and last.draft.window.key == "vormittag"
    assert "morgen vormittags zwischen 8:00 und 12:00 Uhr" in said(last) and "Endziffern 456" in said(last)


def test_email_path_stores_the_address_with_the_next_working_day() -> None:
    turns = run(Answer("Antwort per E-Mail", "inform"), Answer("erika@example.de", "nlu_fallback"), Answer("ja", "affirm"))
    assert "E-Mail-Adresse" in said(turns[1])
    assert "Wir speichern Ihre E-Mail-Adresse nur, um Ihnen zu antworten" in said(turns[2])
    last = turns[3]
    assert last.outcome == "stored" and last.draft.email == "erika@example.de" and last.draft.phone is None
    assert last.draft.window.key == "email" and last.draft.window.day == TODAY
    assert "voraussichtlich heute" in said(last)


def test_a_number_typed_at_the_offer_skips_the_choice() -> None:
    turns = run(Answer("Rufen Sie mich an: 0176 1234567", "request_callback"))
    assert turns[1].state["step"] == "window" and turns[1].state["phone"] == "+491761234567"


def test_callback_request_goes_straight_to_the_number() -> None:
    [turn] = run(method="phone", lead=None)
    assert said(turn).startswith("Unter welcher Telefonnummer")


@pytest.mark.parametrize("text", ["lieber per E-Mail", "Schreiben Sie mir lieber eine Mail"])
def test_email_wish_at_the_number_switches_to_the_address(text: str) -> None:
    [first] = run(method="phone", lead=None)
    assert "E-Mail-Adresse" in said(first)  # the question names the other way
    turn = advance(first.state, Answer(text, "inform"), TODAY)
    assert turn.state["step"] == "email" and turn.state["method"] == "email"
    assert said(turn).startswith("An welche E-Mail-Adresse")


@pytest.mark.parametrize("bad", ["12345", "weiß ich nicht", "110"])
def test_invalid_number_is_asked_again_then_given_up(bad: str) -> None:
    turns = run(Answer("/request_callback", "request_callback"), Answer(bad, "nlu_fallback"),
                Answer(bad, "nlu_fallback"), Answer(bad, "nlu_fallback"))
    assert said(turns[2]).startswith("Das ist leider keine gültige Telefonnummer. Unter welcher Telefonnummer")
    assert turns[-1].state is None and turns[-1].outcome == "failed" and turns[-1].draft is None


def test_invalid_email_is_asked_again() -> None:
    turns = run(Answer("E-Mail bitte", "inform"), Answer("erika at example", "nlu_fallback"))
    assert said(turns[2]).startswith("Das ist leider keine gültige E-Mail-Adresse.")
    assert turns[2].state["step"] == "email"


@pytest.mark.parametrize("answer", [Answer("Abbrechen", "cancel_handoff"), Answer("nein", "deny"),
                                    Answer("Ach, vergessen Sie es", "nlu_fallback"), Answer("tschüss", "goodbye")])
def test_cancel_at_any_step_stores_nothing(answer: Answer) -> None:
    for prefix in ([], [Answer("/request_callback", "request_callback")],
                   [Answer("/request_callback", "request_callback"), Answer("0711 123456", "inform")]):
        turns = run(*prefix, answer)
        assert turns[-1].state is None and turns[-1].draft is None and turns[-1].outcome == "cancelled"
        assert "speichere ich nichts" in said(turns[-1])


def test_no_consent_stores_nothing() -> None:
    turns = run(Answer("E-Mail", "inform"), Answer("erika@example.de", "inform"), Answer("Nein, lieber nicht", "deny"))
    assert turns[-1].outcome == "refused" and turns[-1].draft is None


@pytest.mark.parametrize("text, index", [("1", 0), ("die zweite", 1), ("heute nachmittag", 0), ("morgen", 1),
                                          ("Freitag vormittags", 1)])
def test_window_by_number_or_words(text: str, index: int) -> None:
    assert contact_dialog.choose_window(Answer(text, "inform"), WINDOWS, TODAY) == index


def test_no_windows_means_no_promise() -> None:
    turn = start("request_human", [], TODAY, 30)
    assert turn.state is None and turn.outcome == "unavailable"


def test_retention_period_comes_from_the_settings() -> None:
    turn = start("request_human", WINDOWS, TODAY, 14, method="email")
    turn = advance(turn.state, Answer("erika@example.de", "inform"), TODAY)
    assert "löschen sie nach 14 Tagen" in said(turn)
