"""Validation of the contact details a citizen types in the web chat: phone number, e-mail.

Only syntax is checked (German formats and international numbers with ``+``/``00``;
e-mail addresses by their usual shape); nothing is looked up or contacted. Both
functions find the value inside a short sentence ("Meine Nummer ist 0711 123456").
"""

from __future__ import annotations

import re
from typing import Optional

#: Digits with the separators people type: spaces, slashes, dashes, brackets (no dots: dates).
_PHONE_CANDIDATE = re.compile(r"(?:\+|\(?\b0)[\d \t/()-]{5,24}\d")
#: Length of a German number after the 0 of the area code (area code + subscriber).
GERMAN_NATIONAL_DIGITS = (6, 12)
#: E.164 allows at most 15 digits including the country code.
INTERNATIONAL_DIGITS = (8, 15)

_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9äöüÄÖÜ](?:[A-Za-z0-9äöüÄÖÜ-]{0,61}[A-Za-z0-9äöüÄÖÜ])?\.)+[A-Za-z]{2,24})"
)
_STRIP = ".,;:!?()<>[]\"'«»„“”"
#: Only the start of a message is searched (bounded work per message).
MAX_SCANNED = 2000


#: What the conversation history holds instead of a phone number or an e-mail address.
PHONE_PLACEHOLDER = "[Telefonnummer]"
EMAIL_PLACEHOLDER = "[E-Mail-Adresse]"


def parse_phone(text: Optional[str]) -> Optional[str]:
    """The first valid phone number in ``text`` in E.164 form (``"+49711123456"``), or None.

    Accepts ``0711 123456``, ``0711/123456``, ``0176-12345678``, ``+49 711 216-0``,
    ``+49 (0)711 2160``, ``0049 711 2160`` and international numbers with ``+``/``00``.
    A number without area code, emergency and service numbers (110, 112, 115) and
    dates are refused.
    """
    found = _find_phones(text)
    return found[0][0] if found else None


def _find_phones(text: Optional[str]) -> list[tuple[str, int, int]]:
    if not text:
        return []
    found = []
    scanned, position = text[:MAX_SCANNED], 0
    while (match := _PHONE_CANDIDATE.search(scanned, position)) is not None:
        numbers = _split_candidate(match.group(), match.start())
        found.extend(numbers)
        # after numbers written one after the other, go on where the last one ended
        position = numbers[-1][2] if numbers else match.end()
    return found


#: Where a second number may begin inside one candidate ("0711 123456 0711 654321").
_NEXT_NUMBER = re.compile(r"\s+(?=\+|\(?0)")


def _split_candidate(raw: str, start: int) -> list[tuple[str, int, int]]:
    """The numbers in one candidate: itself, or numbers written one after the other."""
    number = _normalise(raw)
    if number:
        return [(number, start, start + len(raw))]
    for gap in _NEXT_NUMBER.finditer(raw):
        first = _normalise(raw[:gap.start()])
        if first:
            return [(first, start, start + gap.start())] + _split_candidate(raw[gap.end():], start + gap.end())
    return []


def protect_contact(text: str) -> tuple[str, Optional[str], Optional[str]]:
    """``text`` with phone numbers and e-mail addresses replaced by placeholders, and the values.

    The channels call this on every citizen message before Rasa stores it, so contact
    details never enter the conversation history (the values are held server-side for
    the callback dialogue, see ``CallbackRepository.hold_contact``).
    """
    email = parse_email(text)
    for token in {t.lstrip(_STRIP.replace(".", "")).rstrip(_STRIP) for t in text.split() if "@" in t}:
        if _EMAIL.fullmatch(token):  # every address goes, also when there are several
            text = text.replace(token, EMAIL_PLACEHOLDER)
    phones = _find_phones(text)
    for _, start, end in reversed(phones):
        text = f"{text[:start]}{PHONE_PLACEHOLDER}{text[end:]}"
    return text, (phones[0][0] if phones else None), email


def restore_contact(text: str, phone: Optional[str], email: Optional[str]) -> str:
    """The placeholders of :func:`protect_contact` replaced by the held values again."""
    if phone:
        text = text.replace(PHONE_PLACEHOLDER, phone)
    if email:
        text = text.replace(EMAIL_PLACEHOLDER, email)
    return text


def _normalise(raw: str) -> Optional[str]:
    raw = raw.strip().replace("(0)", "")
    if raw.count("(") != raw.count(")"):
        return None
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or raw.startswith("00"):
        digits = digits[2:] if raw.startswith("00") else digits
        if digits.startswith("49"):
            national = digits[2:].lstrip("0")
            low, high = GERMAN_NATIONAL_DIGITS
            return f"+49{national}" if low <= len(national) <= high else None
        low, high = INTERNATIONAL_DIGITS
        return f"+{digits}" if low <= len(digits) <= high and not digits.startswith("0") else None
    national = digits[1:]
    low, high = GERMAN_NATIONAL_DIGITS
    if national.startswith("0") or not low <= len(national) <= high:
        return None
    return f"+49{national}"


def parse_email(text: Optional[str]) -> Optional[str]:
    """The one e-mail address in ``text`` (domain lower-cased), or None (none, several, invalid)."""
    if not text:
        return None
    candidates = [token.lstrip(_STRIP.replace(".", "")).rstrip(_STRIP)
                  for token in text[:MAX_SCANNED].split() if "@" in token]
    if len(candidates) != 1:
        return None
    match = _EMAIL.fullmatch(candidates[0])
    if match is None:
        return None
    local, domain = match.group("local"), match.group("domain")
    if len(local) > 64 or len(candidates[0]) > 254:
        return None
    return f"{local}@{domain.lower()}"


def masked_phone(number: str) -> str:
    """The last three digits, for confirmations: ``"+49711123456"`` → ``"456"``."""
    return number[-3:]
