"""Contact details a citizen types in the web chat: e-mail addresses, and the placeholders
that keep them and phone numbers (``bot/handoff/phone_numbers.py``) out of the tracker.

Only syntax is checked (e-mail addresses by their usual shape); nothing is looked up
or contacted. The value is found inside a short sentence ("Meine Adresse ist …").
"""

from __future__ import annotations

import re

from bot.handoff.phone_numbers import MAX_SCANNED, find_phones

_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9äöüÄÖÜ](?:[A-Za-z0-9äöüÄÖÜ-]{0,61}[A-Za-z0-9äöüÄÖÜ])?\.)+[A-Za-z]{2,24})"
)
_STRIP = ".,;:!?()<>[]\"'«»„“”"


#: What the conversation history holds instead of a phone number or an e-mail address.
PHONE_PLACEHOLDER = "[Telefonnummer]"
EMAIL_PLACEHOLDER = "[E-Mail-Adresse]"


def protect_contact(text: str) -> tuple[str, str | None, str | None]:
    """``text`` with phone numbers and e-mail addresses replaced by placeholders, and the values.

    The channels call this on every citizen message before Rasa stores it, so contact
    details never enter the conversation history (the values are held server-side for
    the callback dialogue, see ``CallbackRepository.hold_contact``).
    """
    email = parse_email(text)
    for token in {t.lstrip(_STRIP.replace(".", "")).rstrip(_STRIP) for t in text.split() if "@" in t}:
        if _EMAIL.fullmatch(token):  # every address goes, also when there are several
            text = text.replace(token, EMAIL_PLACEHOLDER)
    phones = find_phones(text)
    for _, start, end in reversed(phones):
        text = f"{text[:start]}{PHONE_PLACEHOLDER}{text[end:]}"
    return text, (phones[0][0] if phones else None), email


def restore_contact(text: str, phone: str | None, email: str | None) -> str:
    """The placeholders of :func:`protect_contact` replaced by the held values again."""
    if phone:
        text = text.replace(PHONE_PLACEHOLDER, phone)
    if email:
        text = text.replace(EMAIL_PLACEHOLDER, email)
    return text


def parse_email(text: str | None) -> str | None:
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
