"""The age of the person a question is about ("für meine Tochter, sie ist 17").

Fees depend on age (Personalausweis and Reisepass: under 24 or from 24). The age is
read from digits or spoken number words next to an age cue: "17 Jahre", "ist 17",
"17 alt", "Tochter, 17", "unter 24" (read as 23), "über 30".
"""

from __future__ import annotations

import re

from bot.nlu.folding import folded_words, spoken_number, words

_PERSON = (r"(?:tochter|sohn|kind|kinder|enkel|enkelin|enkelkind|mann|frau|mutter|vater|oma|opa|bruder|schwester|"
           r"daughter|son|child|kid|wife|husband|mother|father)")
_AGE = re.compile(
    r"\b(?:(?P<before>\d{1,2}) (?:jahre|jahren|jahr|jahrig|jahrige|jahrigen|years|year|yo)\b"
    r"|(?:ist|bin|wird|werde|is|am|turns) (?:erst |schon |gerade |jetzt |noch )?(?P<after>\d{1,2})\b"
    r"|(?P<old>\d{1,2}) (?:alt|old)\b"
    rf"|{_PERSON} (?P<person>\d{{1,2}})\b"
    r"|(?:unter|below|under) (?P<under>\d{1,2})\b"
    r"|(?:uber|ab|over|from) (?P<over>\d{1,2})\b)"
)


def age_in(text: str) -> int | None:
    """The age named in ``text`` (0–120), or None."""
    tokens = [spoken_number(word) or word for word, _, _ in words(text)]
    match = _AGE.search(" ".join(tokens))
    if match is None:
        return None
    if match.group("under"):
        return max(int(match.group("under")) - 1, 0)
    value = next(int(v) for v in match.groups() if v is not None)
    return value if value <= 120 else None


def age_fits(condition: str, age: int) -> bool | None:
    """Whether a fee condition ("unter 24 Jahren", "ab 24 Jahren") fits ``age``; None if it names no age."""
    folded = folded_words(condition)
    under = re.search(r"\b(?:unter|bis) (\d{1,3}) jahr", folded)
    over = re.search(r"\b(?:ab|uber) (\d{1,3}) jahr", folded)
    if under is None and over is None:
        return None
    return (under is None or age < int(under.group(1))) and (over is None or age >= int(over.group(1)))


__all__ = ["age_fits", "age_in"]
