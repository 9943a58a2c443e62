"""The question sentence of a longer message ("… Was muss ich dafür mitbringen?").

Citizens writing on the web often tell their story first and ask last; the words of
the story ("Bescheid", "beantragt") must not decide the intent. ``question_span``
finds the sentence that asks: the last one with a question mark, else the last one
that starts with a question word, else none (short and unpunctuated messages, such as
phone transcripts, are classified whole). Within that sentence, a last clause that
starts with a question word is the question ("Ich wohne in Hedelfingen, wo muss ich
hin?", "Mein Flug geht bald – schaffe ich das noch?").
"""

from __future__ import annotations

import re

from bot.nlu.folding import fold

#: A sentence ends at . ! ? (not inside numbers or common abbreviations).
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]|\b(?:z\.B|bzw|ca|evtl|ggf|Nr|Str|usw|d\.h|u\.a|Fr|Hr|Dr)|\d)\.$",
                           re.IGNORECASE)
QUESTION_WORDS = frozenset(
    fold(w) for w in ["wann", "wo", "wohin", "woher", "was", "wie", "welche", "welcher", "welches", "welchen", "wer",
                      "wem", "wen", "wieso", "warum", "weshalb", "kann", "konnen", "koennen", "könnte", "könnten",
                      "muss", "musst", "müssen", "brauche", "brauch", "braucht", "gibt", "gibt's", "ist", "sind", "hat",
                      "haben", "habe", "darf", "dürfen", "soll", "sollte", "wird", "werden", "bekomme", "krieg",
                      "kriege", "where", "when", "what", "how", "which", "who", "can", "could", "do", "does", "is",
                      "are", "may"]
)
#: A message needs at least this many words (and two sentences) to be focused.
MIN_WORDS = 8
#: Clause boundaries inside a sentence.
_CLAUSE = re.compile(r",\s+|;\s+|\s[–-]\s+|:\s+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (abbreviations do not end one)."""
    spans: list[tuple[int, int]] = []
    start = None
    for match in _SENTENCE.finditer(text):
        if start is None:
            start = match.start()
        chunk = text[start : match.end()].rstrip()
        if chunk.endswith(".") and _ABBREVIATION.search(chunk):
            continue
        if chunk.strip():
            spans.append((start, match.end()))
        start = None
    if start is not None and text[start:].strip():
        spans.append((start, len(text)))
    return spans


SENTENCE = "sentence"
CLAUSE = "clause"


def question_span(text: str) -> tuple[int, int] | None:
    """The span of the asking sentence (or clause) of a longer message, or None."""
    focus = question_focus(text)
    return focus[0] if focus else None


def question_focus(text: str) -> tuple[tuple[int, int], str] | None:
    """The asking part of a longer message and its kind (``SENTENCE`` or ``CLAUSE``), or None."""
    if len(text.split()) < MIN_WORDS:
        return None
    parts = sentences(text)
    asked = [p for p in parts if text[p[0] : p[1]].rstrip().endswith("?")]
    opening = [p for p in parts if _first_word(text[p[0] : p[1]]) in QUESTION_WORDS]
    chosen = asked[-1] if asked else (opening[-1] if opening and len(parts) > 1 else None)
    if chosen is None:
        return None
    clause = _question_clause(text, chosen)
    if clause is not None:
        return clause, CLAUSE
    return (chosen, SENTENCE) if len(parts) > 1 else None


def _question_clause(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """The last clause of a sentence when it starts with a question word (and is not all of it)."""
    sentence = text[span[0] : span[1]]
    boundaries = list(_CLAUSE.finditer(sentence))
    for boundary in reversed(boundaries):
        rest = sentence[boundary.end() :]
        if len(rest.split()) >= 4 and _first_word(rest) in QUESTION_WORDS:
            return (span[0] + boundary.end(), span[1])
    return None


def _first_word(sentence: str) -> str:
    match = re.search(r"[^\W\d_]+", sentence)
    return fold(match.group()) if match else ""
