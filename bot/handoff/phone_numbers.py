"""Phone numbers, one family for both channels: E.164 in storage, written or spoken at the edges.

:func:`normalise` is the one rule that turns a number into E.164 (``"+49711123456"``) or
refuses it; everything else finds a number in what a citizen typed (:func:`parse_phone`,
:func:`find_phones`) or said (:func:`spoken_number_text`, :func:`number_in_speech`), or
formats a stored number for a reader (:func:`written`, :func:`masked`) or a listener
(:func:`spoken`). A number without area code, emergency and service numbers (110, 112,
115) and dates are refused. ``bot/review/redaction.py`` has its own pattern, which only
finds spans to hide and never produces a number.
"""

from __future__ import annotations

import re

from bot.handoff.short_answers import DIGIT_WORDS
from bot.nlu.folding import words

#: Digits with the separators people type: spaces, slashes, dashes, brackets (no dots: dates).
_PHONE_CANDIDATE = re.compile(r"(?:\+|\(?\b0)[\d \t/()-]{5,24}\d")
#: Length of a German number after the 0 of the area code (area code + subscriber).
GERMAN_NATIONAL_DIGITS = (6, 12)
#: E.164 allows at most 15 digits including the country code.
INTERNATIONAL_DIGITS = (8, 15)
#: Digits of a run in speech that may be a phone number (shorter runs are left in the text).
MIN_NUMBER_DIGITS = 6
#: Only the start of a message is searched (bounded work per message).
MAX_SCANNED = 2000
_NUMBER_TEXT = re.compile(r"^[\s+()\d/.-]+$")
#: Where a second number may begin inside one candidate ("0711 123456 0711 654321").
_NEXT_NUMBER = re.compile(r"\s+(?=\+|\(?0)")
#: What stands in the conversation instead of a number said inside a sentence.
NUMBER_PLACEHOLDER = "[Nummer]"
_RUN_GAP = re.compile(r"^[\s/().-]*$")


def normalise(raw: str | None) -> str | None:
    """One number (typed, dialled, a caller ID) in E.164 form, or None.

    ``"0711 / 12 34-56"``, ``"+49 (0)711 123456"``, ``"0049 711 123456"``,
    ``"tel:+49711123456"`` and ``"sip:0711123456@host"`` all give ``"+49711123456"``;
    ``"anonymous"``, ``"123456"`` (no area code) and ``"110"`` give None.
    """
    if not raw:
        return None
    value = raw.strip()
    for prefix in ("tel:", "sip:", "sips:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix):].split("@", 1)[0].split(";", 1)[0]
    value = value.replace("(0)", "")
    if not _NUMBER_TEXT.match(value) or value.count("(") != value.count(")"):
        return None
    digits = re.sub(r"\D", "", value)
    if value.startswith(("+", "00")):
        digits = digits[2:] if value.startswith("00") else digits
        if digits.startswith("49"):
            national = digits[2:].lstrip("0")
            low, high = GERMAN_NATIONAL_DIGITS
            return f"+49{national}" if low <= len(national) <= high else None
        low, high = INTERNATIONAL_DIGITS
        return f"+{digits}" if low <= len(digits) <= high and not digits.startswith("0") else None
    if not digits.startswith("0"):
        return None
    national = digits[1:]
    low, high = GERMAN_NATIONAL_DIGITS
    if national.startswith("0") or not low <= len(national) <= high:
        return None
    return f"+49{national}"


def parse_phone(text: str | None) -> str | None:
    """The first valid phone number in a typed ``text`` in E.164 form, or None.

    Finds the number inside a short sentence ("Meine Nummer ist 0711 123456").
    """
    found = find_phones(text)
    return found[0][0] if found else None


def find_phones(text: str | None) -> list[tuple[str, int, int]]:
    """Every valid number in a typed ``text``: ``(e164, start, end)``."""
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


def _split_candidate(raw: str, start: int) -> list[tuple[str, int, int]]:
    """The numbers in one candidate: itself, or numbers written one after the other."""
    number = normalise(raw)
    if number:
        return [(number, start, start + len(raw))]
    for gap in _NEXT_NUMBER.finditer(raw):
        first = normalise(raw[:gap.start()])
        if first:
            return [(first, start, start + gap.start()), *_split_candidate(raw[gap.end():], start + gap.end())]
    return []


def spoken_number_text(text: str | None) -> str | None:
    """A number the caller said as digits only ("0711 123456", "null sieben eins eins …"), or None."""
    if not text:
        return None
    if _NUMBER_TEXT.match(text.strip()):
        return normalise(text)
    tokens = [w for w, _, _ in words(text)]
    if tokens and all(t in DIGIT_WORDS or t.isdigit() for t in tokens):
        return normalise("".join(DIGIT_WORDS.get(t, t) for t in tokens))
    return None


def number_in_speech(text: str) -> tuple[str | None, str]:
    """A phone number said inside a sentence, and the sentence without it.

    "Meine Nummer ist null sieben eins eins eins zwei drei vier fünf sechs, bitte
    zurückrufen" → ``("+49711123456", "Meine Nummer ist [Nummer], bitte zurückrufen")``.
    Runs of digits and digit words with at least :data:`MIN_NUMBER_DIGITS` digits are
    cut out (all of them); the first that is a valid number is returned. The number
    then stays in the call store, never in the conversation history.
    """
    runs: list[list] = []
    current: list | None = None
    for token, start, end in words(text):
        if token == "plus":  # noqa: S105 - a spoken word, not a secret; "plus neun vier …": an international number begins
            current = [start, end, "+"]
            runs.append(current)
            continue
        digit = DIGIT_WORDS.get(token, token if token.isdigit() else None)
        if digit is None:
            current = None
            continue
        if current is not None and _RUN_GAP.match(text[current[1]:start]):
            current[1], current[2] = end, current[2] + digit
        else:
            current = [start, end, digit]
            runs.append(current)
    cuts = [(start, end, digits) for start, end, digits in runs
            if sum(char.isdigit() for char in digits) >= MIN_NUMBER_DIGITS]
    if not cuts:
        return None, text
    number = next((n for n in (normalise(d) for _, _, d in cuts) if n), None)
    for start, end, _ in reversed(cuts):
        text = f"{text[:start]}{NUMBER_PLACEHOLDER}{text[end:]}"
    return number, text


def _national(number: str) -> str:
    return "0" + number[3:] if number.startswith("+49") else number


def written(number: str) -> str:
    """For a reader: ``"+49711123456"`` → ``"0711 123456"``; another country's keeps its plus."""
    national = _national(number)
    if national.startswith("+"):
        return national
    head = 4 if len(national) > 7 else 3
    return f"{national[:head]} {national[head:]}"


def spoken(number: str) -> str:
    """Digits for text-to-speech, in groups, German numbers as callers say them.

    ``"+49711123456"`` → ``"0 7 1 1, 1 2 3, 4 5 6"``; another country's number keeps
    its plus: ``"+4161…"`` → ``"plus 4 1, 6 1 …"``.
    """
    national = _national(number)
    plus = "plus " if national.startswith("+") else ""
    digits = [d for d in national if d.isdigit()]
    groups: list[str] = []
    head = 4 if not plus and len(digits) > 7 else 2 if plus else 3
    groups.append(" ".join(digits[:head]))
    rest = digits[head:]
    while rest:
        groups.append(" ".join(rest[:3]))
        rest = rest[3:]
    return plus + ", ".join(groups)


def masked(number: str) -> str:
    """The last three digits, for confirmations: ``"+49711123456"`` → ``"456"``."""
    return number[-3:]
