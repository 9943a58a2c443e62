"""E-mail addresses typed in the web chat, and the placeholders that keep contacts out of the tracker."""

from __future__ import annotations

import pytest

from bot.handoff.contact import parse_email, protect_contact, restore_contact


@pytest.mark.parametrize(("text", "expected"), [
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


def test_contacts_are_replaced_by_placeholders_and_restored() -> None:
    text, phone, email = protect_contact("Ruf an: 0711 123456 oder erika@example.de")
    assert (text, phone, email) == ("Ruf an: [Telefonnummer] oder [E-Mail-Adresse]", "+49711123456", "erika@example.de")
    assert restore_contact(text, phone, email) == "Ruf an: +49711123456 oder erika@example.de"


def test_long_input_is_handled_quickly() -> None:
    assert parse_email("a@" * 50_000) is None
