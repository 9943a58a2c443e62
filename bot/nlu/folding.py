"""Spelling-tolerant folding of German words: case, umlauts, ß, ae/oe/ue."""

from __future__ import annotations

import re

_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e"})
_DIGRAPHS = re.compile(r"(?<=[a-z])(ae|oe|ue)")
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(word: str) -> str:
    """Fold a word so that "Führerschein", "Fuehrerschein" and "fuhrerschein" are equal.

    Lower-cases, maps ä/ö/ü to a/o/u and ß to ss, and reduces the transcriptions
    ae/oe/ue after a letter to a/o/u. Both sides of a comparison must be folded.
    """
    lowered = word.lower()
    lowered = _DIGRAPHS.sub(lambda m: m.group(1)[0], lowered)
    return lowered.translate(_UMLAUTS)


def words(text: str) -> list[tuple[str, int, int]]:
    """Split text into (folded word, start, end) with offsets into ``text``."""
    return [(fold(m.group()), m.start(), m.end()) for m in WORD.finditer(text)]


def folded_words(text: str) -> str:
    """The folded words of ``text`` joined by single spaces (for patterns over plain words)."""
    return " ".join(word for word, _, _ in words(text))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, stopping early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


#: Hesitation sounds of spoken German and English, folded ("äh", "ähm", "öhm" …).
FILLERS = frozenset(["ah", "ahm", "aeh", "aehm", "oh", "ohm", "ehm", "hm", "hmm", "mhm", "uh", "uhm", "um", "em"])
_UNITS = {
    "null": 0, "ein": 1, "eins": 1, "eine": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "funf": 5,
    "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
}
_TEENS = {"zehn": 10, "elf": 11, "zwolf": 12, "sechzehn": 16, "siebzehn": 17}
_TENS = {"zwanzig": 20, "dreissig": 30, "dreisig": 30, "vierzig": 40, "funfzig": 50, "sechzig": 60,
         "siebzig": 70, "achtzig": 80, "neunzig": 90}
_NUMBER = re.compile(
    r"^(?:(?P<unit>ein|zwei|drei|vier|funf|sechs|sieben|acht|neun)und)?"
    r"(?P<tens>zwanzig|dreissig|dreisig|vierzig|funfzig|sechzig|siebzig|achtzig|neunzig)$"
)


def spoken_number(word: str) -> str | None:
    """A folded number word as digits ("vierundzwanzig" -> "24", "zwolf" -> "12"), else None.

    Only 0–99 and only unambiguous words: "ein"/"eine" stay words (articles).
    """
    if word in _UNITS and word not in ("ein", "eine"):
        return str(_UNITS[word])
    if word in _TEENS:
        return str(_TEENS[word])
    if word.endswith("zehn") and word[:-4] in _UNITS and word[:-4] not in ("ein", "eine", "null", "zwo"):
        return str(10 + _UNITS[word[:-4]])
    match = _NUMBER.match(word)
    if match:
        return str(_TENS[match.group("tens")] + (_UNITS[match.group("unit")] if match.group("unit") else 0))
    return None
