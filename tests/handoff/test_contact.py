"""Validation of phone numbers and e-mail addresses typed in the web chat."""

from __future__ import annotations

import pytest

from bot.handoff.contact import masked_phone, parse_email, parse_phone


@pytest.mark.parametrize("text, expected", [
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
def test_valid_phone_numbers(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize("text", [
    "", "110", "112", "115", "123456", "0711", "07 11", "01.02.1980", "12.03.2024 um 10 Uhr",
    "0711 12 34 56 78 90 12 34", "+49 12", "00 0711 123456", "Ich habe keine Nummer",
    "0711 abc 123", "37,00 Euro", None,
])
def test_invalid_phone_numbers(text) -> None:
    assert parse_phone(text) is None


@pytest.mark.parametrize("text, expected", [
    ("max@example.de", "max@example.de"),
    ("Max.Mustermann@Beispiel.DE", "Max.Mustermann@beispiel.de"),
    ("Meine Mail: erika+stadt@mail.example.com.", "erika+stadt@mail.example.com"),
    ("<anna_b@sub-domain.example.org>", "anna_b@sub-domain.example.org"),
    ("max@müller.de", "max@müller.de"),
])
def test_valid_email_addresses(text: str, expected: str) -> None:
    assert parse_email(text) == expected


@pytest.mark.parametrize("text", [
    "", "max", "max@", "@example.de", "max@example", "max@example.d", "max at example dot de",
    "a..b@example.de", ".max@example.de", "max.@example.de", "max@-example.de", "max@example-.de",
    "max@exa_mple.de", "a@example.de b@example.de", "max@@example.de", ("x" * 65) + "@example.de", None,
])
def test_invalid_email_addresses(text) -> None:
    assert parse_email(text) is None


def test_masked_phone_shows_the_last_three_digits() -> None:
    assert masked_phone("+49711123456") == "456"


def test_long_input_is_handled_quickly() -> None:
    assert parse_phone("1 " * 50_000) is None
    assert parse_email("a@" * 50_000) is None
