"""The one callback dialogue, written (web chat) and spoken (phone), as a state machine (no servers)."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest

from bot.config import TIMEZONE
from bot.handoff.callback import dialogue
from bot.handoff.callback.dialogue import MAX_RETRIES, Step, advance, start
from bot.handoff.callback.spoken import fill_numbers, has_numbers
from bot.handoff.callback.turns import Numbers
from bot.handoff.callback.windows import Window, choose_window
from bot.handoff.short_answers import Answer

TODAY = date(2026, 11, 26)  # Thursday
WINDOWS = [
    Window("nachmittag", "nachmittags", datetime.combine(TODAY, time(14, 30), TIMEZONE),
           datetime.combine(TODAY, time(18), TIMEZONE)),
    Window("vormittag", "vormittags", datetime(2026, 11, 27, 8, tzinfo=TIMEZONE),
           datetime(2026, 11, 27, 12, tzinfo=TIMEZONE)),
]
#: Phone: both windows tomorrow.
TOMORROW = [
    Window("vormittag", "vormittags", datetime(2026, 11, 27, 8, tzinfo=TIMEZONE),
           datetime(2026, 11, 27, 12, tzinfo=TIMEZONE)),
    Window("nachmittag", "nachmittags", datetime(2026, 11, 27, 12, tzinfo=TIMEZONE),
           datetime(2026, 11, 27, 18, tzinfo=TIMEZONE)),
]
CALLER = Numbers(caller="+49711123456")


def web(*answers: Answer, method=None, lead="Unsere Mitarbeiter sind gerade nicht erreichbar."):
    turn = start("written", WINDOWS, TODAY, reason="request_human", lead=lead, method=method, retention_days=30)
    turns = [turn]
    for answer in answers:
        turn = advance(turn.state, answer, TODAY)
        turns.append(turn)
    return turns


def said(turn) -> str:
    return " ".join(turn.texts)


def test_the_base_step_is_abstract() -> None:
    with pytest.raises(TypeError):
        Step()  # type: ignore[abstract]


def test_one_retry_limit_for_both_channels() -> None:
    assert MAX_RETRIES == 2


# ---------------------------------------------------------------- written (web chat)


def test_web_offer_names_both_ways_with_buttons() -> None:
    [turn] = web()
    assert said(turn).startswith("Unsere Mitarbeiter sind gerade nicht erreichbar. Wir können Sie zurückrufen")
    assert [b["title"] for b in turn.messages[0].buttons] == ["Rückruf", "Antwort per E-Mail", "Nein, danke"]


def test_web_callback_asks_number_window_consent_then_stores() -> None:
    turns = web(Answer("/request_callback", "request_callback"), Answer("0711 123456", "nlu_fallback"),
                Answer("Morgen vormittags, 8:00 bis 12:00 Uhr", "inform"), Answer("/affirm", "affirm"))
    assert "Telefonnummer" in said(turns[1])
    labels = [b["title"] for b in turns[2].messages[0].buttons]
    assert labels == ["Heute nachmittags, 14:30 bis 18:00 Uhr", "Morgen vormittags, 8:00 bis 12:00 Uhr"]
    assert said(turns[3]).startswith("Wir speichern Ihre Telefonnummer nur, um Sie zurückzurufen, "
                                     "und löschen sie nach 30 Tagen.")
    last = turns[4]
    assert last.state is None and last.outcome == "stored" and not last.hangup
    assert last.draft.phone == "+49711123456" and last.draft.email is None and last.draft.window.key == "vormittag"
    assert last.draft.reason == "request_human"
    assert "morgen vormittags zwischen 8:00 und 12:00 Uhr" in said(last) and "Endziffern 456" in said(last)


def test_web_email_path_stores_the_address_with_the_next_working_day() -> None:
    turns = web(Answer("Antwort per E-Mail", "inform"), Answer("erika@example.de", "nlu_fallback"),
                Answer("ja", "affirm"))
    assert "E-Mail-Adresse" in said(turns[1])
    assert "Wir speichern Ihre E-Mail-Adresse nur, um Ihnen zu antworten" in said(turns[2])
    last = turns[3]
    assert last.outcome == "stored" and last.draft.email == "erika@example.de" and last.draft.phone is None
    assert last.draft.window.key == "email" and last.draft.window.day == TODAY
    assert "voraussichtlich heute" in said(last)


def test_web_number_typed_at_the_offer_skips_the_choice() -> None:
    turns = web(Answer("Rufen Sie mich an: 0176 1234567", "request_callback"))
    assert turns[1].state["step"] == "window" and turns[1].state["phone"] == "+491761234567"


def test_web_callback_request_goes_straight_to_the_number() -> None:
    [turn] = web(method="phone", lead=None)
    assert said(turn).startswith("Unter welcher Telefonnummer")


@pytest.mark.parametrize("text", ["lieber per E-Mail", "Schreiben Sie mir lieber eine Mail"])
def test_web_email_wish_at_the_number_switches_to_the_address(text: str) -> None:
    [first] = web(method="phone", lead=None)
    assert "E-Mail-Adresse" in said(first)  # the question names the other way
    turn = advance(first.state, Answer(text, "inform"), TODAY)
    assert turn.state["step"] == "email" and turn.state["method"] == "email"
    assert said(turn).startswith("An welche E-Mail-Adresse")


@pytest.mark.parametrize("bad", ["12345", "weiß ich nicht", "110"])
def test_web_invalid_number_is_asked_again_then_given_up(bad: str) -> None:
    turns = web(Answer("/request_callback", "request_callback"), Answer(bad, "nlu_fallback"),
                Answer(bad, "nlu_fallback"))
    assert said(turns[2]).startswith("Das ist leider keine gültige Telefonnummer. Unter welcher Telefonnummer")
    assert turns[2].state["retries"] == 1
    assert turns[-1].state is None and turns[-1].outcome == "failed" and turns[-1].draft is None
    assert "nichts gespeichert" in said(turns[-1])


def test_web_invalid_email_is_asked_again() -> None:
    turns = web(Answer("E-Mail bitte", "inform"), Answer("erika at example", "nlu_fallback"))
    assert said(turns[2]).startswith("Das ist leider keine gültige E-Mail-Adresse.")
    assert turns[2].state["step"] == "email"


@pytest.mark.parametrize("answer", [Answer("Abbrechen", "cancel_handoff"), Answer("nein", "deny"),
                                    Answer("Ach, vergessen Sie es", "nlu_fallback"), Answer("tschüss", "goodbye")])
def test_web_cancel_at_any_step_stores_nothing(answer: Answer) -> None:
    for prefix in ([], [Answer("/request_callback", "request_callback")],
                   [Answer("/request_callback", "request_callback"), Answer("0711 123456", "inform")]):
        turns = web(*prefix, answer)
        assert turns[-1].state is None and turns[-1].draft is None and turns[-1].outcome == "cancelled"
        assert "speichere ich nichts" in said(turns[-1])


def test_web_no_consent_stores_nothing() -> None:
    turns = web(Answer("E-Mail", "inform"), Answer("erika@example.de", "inform"), Answer("Nein, lieber nicht", "deny"))
    assert turns[-1].outcome == "refused" and turns[-1].draft is None


def test_web_no_windows_means_no_promise() -> None:
    turn = start("written", [], TODAY, reason="request_human")
    assert turn.state is None and turn.outcome == "unavailable" and "nicht eintragen" in said(turn)


def test_web_retention_period_comes_from_the_settings() -> None:
    turn = start("written", WINDOWS, TODAY, reason="request_human", method="email", retention_days=14)
    turn = advance(turn.state, Answer("erika@example.de", "inform"), TODAY)
    assert "löschen sie nach 14 Tagen" in said(turn)


def test_a_new_question_does_not_fit_a_step() -> None:
    [first] = web(method="phone", lead=None)
    assert dialogue.fits(first.state, Answer("0711 123456", "inform"))
    assert not dialogue.fits(first.state, Answer("Was kostet ein Pass?", "ask_fees"))


# ---------------------------------------------------------------- one window chooser


@pytest.mark.parametrize(("answer", "index"), [
    (Answer("1", "inform"), 0), (Answer("die zweite", "inform"), 1), (Answer("heute nachmittag", "inform"), 0),
    (Answer("morgen", "inform"), 1), (Answer("Freitag vormittags", "inform"), 1), (Answer(dtmf="2"), 1),
    (Answer("Morgen vormittags, 8:00 bis 12:00 Uhr"), 1), (Answer("ist mir egal"), 0), (Answer(dtmf="3"), None),
    (Answer("Blumenkohl"), None),
])
def test_window_by_key_button_number_or_words(answer: Answer, index) -> None:
    assert choose_window(answer, WINDOWS, TODAY) == index


# The spoken wording (phone) ----------------------------------------------------


def test_phone_offer_number_window_stored() -> None:
    turn = start("spoken", TOMORROW, TODAY, lead="Möchten Sie einen Rückruf?", numbers=CALLER)
    assert turn.state["step"] == "choose" and "drücken Sie die 1" in turn.texts[0]
    json.dumps(turn.state)  # storable in a slot or the call store
    assert "+49711" not in json.dumps(turn.state)  # numbers stay in the call store
    turn = advance(turn.state, Answer(dtmf="1"), TODAY, CALLER)
    assert turn.state["step"] == "confirm" and "[[number:caller]]" in turn.texts[0]
    assert fill_numbers(turn.texts[0], CALLER).count("0 7 1 1, 1 2 3, 4 5 6") == 1
    turn = advance(turn.state, Answer(text="ja, stimmt", intent="affirm"), TODAY, CALLER)
    assert "morgen vormittags" in turn.texts[0] and "morgen nachmittags" in turn.texts[0]
    turn = advance(turn.state, Answer(dtmf="2"), TODAY, CALLER)
    assert turn.state is None and turn.outcome == "stored" and turn.hangup
    assert turn.draft.phone == "+49711123456" and turn.draft.window.key == "nachmittag" and turn.draft.method == "phone"
    assert fill_numbers(turn.texts[0], CALLER).endswith("Endziffern 4 5 6. Auf Wiederhören!")


def test_phone_without_caller_id_the_number_is_typed() -> None:
    turn = start("spoken", TOMORROW, TODAY)
    assert turn.state["step"] == "phone" and turn.collect_digits
    turn = advance(turn.state, Answer(dtmf="12"), TODAY)  # too short: not a number
    assert turn.state["step"] == "phone" and turn.texts[0].startswith("Das habe ich leider nicht verstanden")
    assert turn.collect_digits
    typed = Numbers(entered="+49711987654")
    turn = advance(turn.state, Answer(number_entered=True), TODAY, typed)
    assert turn.state["step"] == "confirm" and fill_numbers(turn.texts[0], typed).count("0 7 1 1, 9 8 7, 6 5 4") == 1


def test_phone_another_number_instead_of_the_caller_id() -> None:
    state = start("spoken", TOMORROW, TODAY, numbers=CALLER).state
    turn = advance(state, Answer(text="nein, eine andere Nummer"), TODAY, CALLER)
    assert turn.state["step"] == "phone" and turn.state["number"] is None
    both = Numbers(caller=CALLER.caller, entered="+49711987654")
    turn = advance(turn.state, Answer(number_entered=True), TODAY, both)
    turn = advance(turn.state, Answer(dtmf="1"), TODAY, both)
    turn = advance(turn.state, Answer(text="vormittags"), TODAY, both)
    assert turn.draft.phone == "+49711987654" and turn.draft.window.key == "vormittag"


def test_phone_declined_cancelled_failed() -> None:
    offer = start("spoken", TOMORROW, TODAY, lead="Möchten Sie einen Rückruf?", numbers=CALLER).state
    declined = advance(offer, Answer(text="nein danke", intent="deny"), TODAY, CALLER)
    assert declined.outcome == "declined" and declined.texts == ["In Ordnung."]
    assert advance(offer, Answer(dtmf="*"), TODAY, CALLER).outcome == "cancelled"
    unclear = advance(offer, Answer(text="Was kostet ein Pass?", intent="ask_fees"), TODAY, CALLER)
    assert unclear.state is not None and unclear.state["retries"] == 1
    failed = advance(unclear.state, Answer(text="Blumenkohl"), TODAY, CALLER)
    assert failed.state is None and failed.outcome == "failed" and not failed.hangup


def test_phone_silence_reprompts_once_then_hangs_up() -> None:
    state = start("spoken", TOMORROW, TODAY, numbers=CALLER).state
    again = advance(state, Answer(no_input=True), TODAY, CALLER)
    assert again.texts[0].startswith("Sind Sie noch da?") and again.state is not None
    bye = advance(again.state, Answer(no_input=True), TODAY, CALLER)
    assert bye.outcome == "no_input" and bye.hangup and "Auf Wiederhören" in bye.texts[0]


def test_phone_single_window_is_confirmed_with_yes() -> None:
    state = advance(start("spoken", TOMORROW[:1], TODAY, numbers=CALLER).state, Answer(dtmf="1"), TODAY, CALLER).state
    assert state["step"] == "window"
    assert advance(state, Answer(text="ja"), TODAY, CALLER).draft.window.key == "vormittag"


def test_phone_no_windows_no_callback() -> None:
    turn = start("spoken", [], TODAY, lead="Rückruf?", numbers=CALLER)
    assert turn.state is None and turn.outcome == "unavailable"


def test_placeholders() -> None:
    assert has_numbers("Nummer [[number:entered]]") and not has_numbers("Nummer 0711")
    assert fill_numbers("Endziffern [[number_end:entered]]", Numbers(entered="+49711987654")) == "Endziffern 6 5 4"
    assert fill_numbers("[[number:caller]]", Numbers()) == ""
