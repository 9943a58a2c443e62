"""Speakable numbers and plain-word answers."""

from __future__ import annotations

import pytest

from bot.telephony.speech import (
    choice_digit,
    digits_spoken,
    is_cancel,
    minutes_spoken,
    normalise_number,
    parse_yes_no,
    spoken_number_text,
)


@pytest.mark.parametrize("text, expected", [
    ("Ja", True), ("ja bitte", True), ("Genau", True), ("passt", True), ("Jo, des stimmt", True),
    ("Nein", False), ("nee", False), ("Das stimmt nicht", False), ("ja, eine andere Nummer", False),
    ("falsch", False), ("hm", None), ("", None), (None, None),
])
def test_yes_no(text, expected) -> None:
    assert parse_yes_no(text) is expected


def test_cancel_and_choices() -> None:
    assert is_cancel("Ach, vergessen Sie es") and is_cancel("abbrechen") and not is_cancel("ja")
    assert choice_digit("die Eins bitte", 2) == 1 and choice_digit("zwei", 2) == 2
    assert choice_digit("drei", 2) is None and choice_digit("eins oder zwei", 2) is None


@pytest.mark.parametrize("raw, expected", [
    ("tel:+49711123456", "+49711123456"),
    ("sip:0711123456@10.0.0.2;user=phone", "+49711123456"),
    ("0711 / 12 34-56", "+49711123456"),
    ("0049 711 12345", "+4971112345"),
    ("anonymous", None), ("12345", None), ("1" * 16, None), (None, None),
])
def test_normalise_number(raw, expected) -> None:
    assert normalise_number(raw) == expected


def test_spoken_numbers() -> None:
    assert spoken_number_text("null sieben eins eins eins zwei drei vier fünf") == "+4971112345"
    assert spoken_number_text("0711 123456") == "+49711123456"
    assert spoken_number_text("Was kostet 1 Pass") is None
    assert digits_spoken("0711123456") == "0 7 1 1, 1 2 3, 4 5 6"
    assert digits_spoken("+49711123456") == "0 7 1 1, 1 2 3, 4 5 6"  # stored E.164, said as callers say it
    assert digits_spoken("+41612345678").startswith("plus 4 1, ")
    assert minutes_spoken(1) == "etwa eine Minute" and minutes_spoken(8) == "etwa 8 Minuten"


@pytest.mark.parametrize(("said", "number", "rest"), [
    ("Meine Nummer ist 0711 / 12 34-56, bitte zurückrufen", "+49711123456", "Meine Nummer ist [Nummer], bitte zurückrufen"),
    ("meine nummer ist null sieben eins eins eins zwei drei vier fünf sechs", "+49711123456", "meine nummer ist [Nummer]"),
    ("rufen Sie mich an unter plus 49 711 123456", "+49711123456", "rufen Sie mich an unter [Nummer]"),
    ("Ich brauche ein Reisepass für zwei Kinder", None, "Ich brauche ein Reisepass für zwei Kinder"),
])
def test_a_number_inside_a_sentence_is_cut_out(said: str, number, rest: str) -> None:
    from bot.telephony.speech import number_in_speech

    assert number_in_speech(said) == (number, rest)
