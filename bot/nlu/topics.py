"""A second question in one message ("Was kostet der Pass und wie lange dauert es?").

The classifier gives a message one intent. When a message asks two things, joined by
"und" plus a question word or written as two questions, :func:`second_topic` names the
topic of the other question, read from cue words, so the answer covers both.
"""

from __future__ import annotations

import re

from bot.nlu.folding import folded_words

#: Topic → cue pattern over the folded words (joined by spaces; "dauert" folds to "daurt").
CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (topic, re.compile(pattern))
    for topic, pattern in (
        ("fees", r"\b(?:kost\w*|gebuhr\w*|preis\w*|was zahl\w*|wie ?viel zahl\w*|how much|cost\w*|fee|fees)\b"),
        ("documents", r"\b(?:unterlagen|mitbringen|mitnehmen|dokumente\w*|nachweis\w*|papiere|documents?|bring)\b"),
        ("processing_time", (r"\b(?:wie lang\w* (?:\w+ )?daur\w*|daurt (?:es|das)|bearbeitungszeit\w*|"
                             r"wann (?:ist|sind) (?:\w+ ){0,2}fertig|how long does|how long will)\b")),
        ("forms", r"\b(?:formular\w*|vordruck\w*|form)\b"),
        ("appointment", r"\b(?:termin\w*|appointment\w*)\b"),
        ("requirements", r"\b(?:voraussetzung\w*|frist\w*|bis wann muss|anspruch|berechtigt|requirements?)\b"),
    )
)
#: A second question starts after "und"/"and" with a question word, or after a "?".
_SECOND = re.compile(
    r"(?:\?\s*\S|\b(?:und|and|sowie)\s+(?:wie|was|wo|wann|welche\w*|brauche\w*|muss|kann|gibt|ob|"
    r"how|what|where|when|which|do|does|can)\b)",
    re.IGNORECASE,
)


def topics_in(text: str) -> list[str]:
    """The topics whose cues appear in ``text``, in order of first appearance."""
    folded = folded_words(text)
    found = [(match.start(), topic) for topic, pattern in CUES if (match := pattern.search(folded))]
    return [topic for _, topic in sorted(found)]


def second_topic(text: str, primary: str) -> str | None:
    """The topic of a second question in ``text`` other than ``primary``, or None."""
    if not _SECOND.search(text.strip()):
        return None
    return next((topic for topic in topics_in(text) if topic != primary), None)


__all__ = ["CUES", "second_topic", "topics_in"]
