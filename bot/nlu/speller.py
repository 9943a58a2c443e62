"""Typo correction against the classifier's own vocabulary ("Temin" -> "termin").

The word features of the intent classifier only know the (folded) words of the
training data. A word it has never seen, of at least ``MIN_LENGTH`` letters, is
replaced by the nearest known word within one edit (two for words of ten letters or
more) that starts with the same letter; ties keep the more frequent word. Names of
services and districts never reach the speller: they are placeholders by then.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bot.nlu.folding import edit_distance

MIN_LENGTH = 5


class Speller:
    """Nearest-known-word correction; ``words`` in order of preference (most frequent first)."""

    def __init__(self, words: Iterable[str]) -> None:
        self._known: dict[str, int] = {}
        self._by_key: dict[tuple[str, int], list[str]] = {}
        for rank, word in enumerate(words):
            if word in self._known or not word.isalpha():
                continue
            self._known[word] = rank
            self._by_key.setdefault((word[0], len(word)), []).append(word)
        self.correct = lru_cache(maxsize=16384)(self._correct)

    def __contains__(self, word: str) -> bool:
        return word in self._known

    def _correct(self, word: str) -> str:
        if word in self._known or len(word) < MIN_LENGTH or not word.isalpha():
            return word
        limit = 2 if len(word) >= 10 else 1
        best: str | None = None
        best_key = (limit + 1, 0)
        for length in range(len(word) - limit, len(word) + limit + 1):
            for candidate in self._by_key.get((word[0], length), ()):
                if len(candidate) < MIN_LENGTH:
                    continue
                distance = edit_distance(word, candidate, limit)
                key = (distance, self._known[candidate])
                if distance <= limit and key < best_key:
                    best, best_key = candidate, key
        return best or word
