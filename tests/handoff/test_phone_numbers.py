"""One phone-number family for both channels: typed, said, dialled, caller ID → E.164; written and spoken back."""

from __future__ import annotations

import pytest

from bot.handoff.phone_numbers import (
    masked,
    normalise,
    number_in_speech,
    parse_phone,
    spoken,
    spoken_number_text,
    written,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("0711 123456", "+49711123456"),
    ("0711/123456", "+49711123456"),
    ("0711-12 34 56", "+49711123456"),
    ("(0711) 123456", "+49711123456"),
    ("+49 711 216-0", "+497112160"),
    ("+49 (0)711 2160", "+497112160"),
    ("0049 711 2160", "+497112160"),
    ("0176 12345678", "+4917612345678"),
    ("01761234567", "+491761234567"),
    ("Meine Nummer ist 0176-1234567, danke", "+491761234567"),
    ("erreichbar unter 07141 98765 ab 14 Uhr", "+49714198765"),
    ("+43 1 588 00", "+43158800"),
    ("+41 44 123 45 67", "+41441234567"),
])
def test_valid_typed_numbers(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize("text", [
    "", "110", "112", "115", "123456", "0711", "07 11", "01.02.1980", "12.03.2024 um 10 Uhr",
    "0711 12 34 56 78 90 12 34", "+49 12", "00 0711 123456", "Ich habe keine Nummer",
    "0711 abc 123", "37,00 Euro", None,
])
def test_invalid_typed_numbers(text) -> None:
    assert parse_phone(text) is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("tel:+49711123456", "+49711123456"),
    ("sip:0711123456@10.0.0.2;user=phone", "+49711123456"),
    ("0711 / 12 34-56", "+49711123456"),
    ("0049 711 12345", "+4971112345"),
    ("+41 44 123 45 67", "+41441234567"),
    ("anonymous", None), ("12345", None), ("123456", None), ("1" * 16, None), ("+49 12", None), (None, None),
])
def test_caller_ids_and_keypad_digits(raw, expected) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw", ["0711 123456", "tel:0711123456", "sip:+49711123456@gw", "0049 711 123456"])
def test_both_channels_store_one_format(raw: str) -> None:
    """The web chat's typed number and the phone's caller ID land as the same value in callback_requests."""
    assert normalise(raw) == parse_phone("Meine Nummer: 0711 123456") == "+49711123456"


def test_spoken_numbers() -> None:
    assert spoken_number_text("null sieben eins eins eins zwei drei vier fünf") == "+4971112345"
    assert spoken_number_text("0711 123456") == "+49711123456"
    assert spoken_number_text("eins zwei drei vier fünf sechs") is None  # no area code
    assert spoken_number_text("Was kostet 1 Pass") is None


@pytest.mark.parametrize(("said", "number", "rest"), [
    ("Meine Nummer ist 0711 / 12 34-56, bitte zurückrufen", "+49711123456",
     "Meine Nummer ist [Nummer], bitte zurückrufen"),
    ("meine nummer ist null sieben eins eins eins zwei drei vier fünf sechs", "+49711123456",
     "meine nummer ist [Nummer]"),
    ("rufen Sie mich an unter plus 49 711 123456", "+49711123456", "rufen Sie mich an unter [Nummer]"),
    ("Ich brauche ein Reisepass für zwei Kinder", None, "Ich brauche ein Reisepass für zwei Kinder"),
])
def test_a_number_inside_a_sentence_is_cut_out(said: str, number, rest: str) -> None:
    assert number_in_speech(said) == (number, rest)


def test_formatting_at_the_edges() -> None:
    assert written("+49711123456") == "0711 123456" and written("+4917612345678") == "0176 12345678"
    assert written("+41441234567") == "+41441234567"
    assert spoken("+49711123456") == "0 7 1 1, 1 2 3, 4 5 6"  # stored E.164, said as callers say it
    assert spoken("+41612345678").startswith("plus 4 1, ")
    assert masked("+49711123456") == "456"


def test_long_input_is_handled_quickly() -> None:
    assert parse_phone("1 " * 50_000) is None
