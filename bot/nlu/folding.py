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
