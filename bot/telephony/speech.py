"""Speakable German for the phone and plain-word understanding of short answers.

The answers a caller gives inside a phone dialogue step ("ja", "nein",
"vormittags", digits) are understood here without NLU, so that the same code
serves admitted calls (actions) and overflow calls (channel, no NLU at all).
"""

from __future__ import annotations

import re
from typing import Optional

from bot.nlu.folding import words

#: Digits of a plausible phone number (national or international).
MIN_NUMBER_DIGITS = 6
MAX_NUMBER_DIGITS = 15

_YES = {"ja", "jawohl", "jo", "jep", "genau", "richtig", "stimmt", "korrekt", "gerne", "gern", "okay", "ok",
        "einverstanden", "bitte", "passt", "yes", "yeah", "freilich", "sicher"}
_STRONG_YES = {"ja", "jawohl", "jo", "jep", "genau", "yes", "yeah"}
_STRONG_NO = {"nein", "ne", "nee", "noe", "no", "falsch", "nix"}
_OTHER = {"andere", "anderen", "anderer", "anders"}
_CANCEL = {"abbrechen", "abbruch", "stopp", "stop", "vergessen"}
_DIGIT_WORDS = {
    "null": "0", "eins": "1", "ein": "1", "zwei": "2", "zwo": "2", "drei": "3", "vier": "4",
    "funf": "5", "sechs": "6", "sieben": "7", "acht": "8", "neun": "9",
}
_NUMBER_TEXT = re.compile(r"^[\s+()\d/.-]+$")


def parse_yes_no(text: Optional[str]) -> Optional[bool]:
    """True for "ja"-like, False for "nein"-like answers, None if unclear.

    "Das stimmt nicht" and "ja, eine andere Nummer" count as no.
    """
    tokens = {w for w, _, _ in words(text or "")}
    if tokens & _OTHER:
        return False
    if tokens & _STRONG_NO:
        return None if tokens & _STRONG_YES else False
    if tokens & _STRONG_YES:
        return True
    if "nicht" in tokens:
        return False
    return True if tokens & _YES else None


def is_cancel(text: Optional[str]) -> bool:
    """The caller wants to leave the current step ("abbrechen", "vergessen Sie's")."""
    return bool({w for w, _, _ in words(text or "")} & _CANCEL)


def choice_digit(text: Optional[str], options: int) -> Optional[int]:
    """A spoken menu choice ("die Eins", "zwei", "1") between 0 and ``options``, or None."""
    found = set()
    for token, _, _ in words(text or ""):
        digit = _DIGIT_WORDS.get(token, token)
        if len(digit) == 1 and digit.isdigit() and int(digit) <= options:
            found.add(int(digit))
    return found.pop() if len(found) == 1 else None


def normalise_number(raw: Optional[str]) -> Optional[str]:
    """A dialable number from caller ID or typed/spoken digits in E.164 form, or None.

    ``"tel:+49711123456"``, ``"sip:0711123456@host"``, ``"0711 / 12 34-56"`` → all
    ``"+49711123456"`` (a national number's leading 0 becomes +49, as the web chat's
    ``bot.handoff.contact.parse_phone`` writes it: one format in ``callback_requests``);
    a number without area code stays digits only; ``"anonymous"`` → None.
    """
    if not raw:
        return None
    value = raw.strip()
    for prefix in ("tel:", "sip:", "sips:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix):].split("@", 1)[0].split(";", 1)[0]
    plus = value.startswith("+") or value.startswith("00")
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.startswith("00"):
        digits = digits[2:]
    if not MIN_NUMBER_DIGITS <= len(digits) <= MAX_NUMBER_DIGITS or not _NUMBER_TEXT.match(value):
        return None
    if not plus and digits.startswith("0"):
        return f"+49{digits[1:]}"
    return f"+{digits}" if plus else digits


def spoken_number_text(text: Optional[str]) -> Optional[str]:
    """A number the caller said as digits only ("0711 123456", "null sieben eins eins …"), or None."""
    if not text:
        return None
    if _NUMBER_TEXT.match(text.strip()):
        return normalise_number(text)
    tokens = [w for w, _, _ in words(text)]
    if tokens and all(t in _DIGIT_WORDS or t.isdigit() for t in tokens):
        return normalise_number("".join(_DIGIT_WORDS.get(t, t) for t in tokens))
    return None


#: What stands in the conversation instead of a number said inside a sentence.
NUMBER_PLACEHOLDER = "[Nummer]"
_RUN_GAP = re.compile(r"^[\s/().-]*$")


def number_in_speech(text: str) -> tuple[Optional[str], str]:
    """A phone number said inside a sentence, and the sentence without it.

    "Meine Nummer ist null sieben eins eins eins zwei drei vier fünf sechs, bitte
    zurückrufen" → ``("07111234567"…, "Meine Nummer ist [Nummer], bitte zurückrufen")``.
    Runs of digits and digit words with at least :data:`MIN_NUMBER_DIGITS` digits are
    cut out (all of them); the first that is a plausible number is returned. The
    number then stays in the call store, never in the conversation history.
    """
    runs: list[tuple[int, int, str]] = []
    current: Optional[list] = None
    for token, start, end in words(text):
        if token == "plus":  # "plus neun vier …": an international number begins
            current = [start, end, "+"]
            runs.append(current)  # type: ignore[arg-type]
            continue
        digit = _DIGIT_WORDS.get(token, token if token.isdigit() else None)
        if digit is None:
            current = None
            continue
        if current is not None and _RUN_GAP.match(text[current[1]:start]):
            current[1], current[2] = end, current[2] + digit
        else:
            current = [start, end, digit]
            runs.append(current)  # type: ignore[arg-type]
    cuts = [(start, end, digits) for start, end, digits in runs
            if sum(char.isdigit() for char in digits) >= MIN_NUMBER_DIGITS]
    if not cuts:
        return None, text
    number = next((n for n in (normalise_number(d) for _, _, d in cuts) if n), None)
    for start, end, _ in reversed(cuts):
        text = f"{text[:start]}{NUMBER_PLACEHOLDER}{text[end:]}"
    return number, text


def digits_spoken(number: str) -> str:
    """Digits for text-to-speech, in groups, German numbers as callers say them.

    ``"+49711123456"`` and ``"0711123456"`` → ``"0 7 1 1, 1 2 3, 4 5 6"``; another
    country's number keeps its plus: ``"+4161…"`` → ``"plus 4 1, 6 1 …"``.
    """
    if number.startswith("+49"):
        number = "0" + number[3:]
    plus = "plus " if number.startswith("+") else ""
    digits = [d for d in number if d.isdigit()]
    groups: list[str] = []
    head = 4 if not plus and len(digits) > 7 else 2 if plus else 3
    groups.append(" ".join(digits[:head]))
    rest = digits[head:]
    while rest:
        groups.append(" ".join(rest[:3]))
        rest = rest[3:]
    return plus + ", ".join(groups)


def minutes_spoken(minutes: int) -> str:
    """``1`` → ``"etwa eine Minute"``, ``8`` → ``"etwa 8 Minuten"``."""
    return "etwa eine Minute" if minutes <= 1 else f"etwa {minutes} Minuten"
