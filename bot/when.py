"""Recognises which day a citizen asks about: "heute", "morgen", "am Samstag", "am 24.12."."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.nlu.folding import fold, words

_WEEKDAYS = {
    0: {"montag", "mo", "mondag", "monday", "montags"},
    1: {"dienstag", "di", "dienschdag", "tuesday", "dienstags", "deanschdig"},
    2: {"mittwoch", "mi", "mittwochs", "mickwoch", "wednesday"},
    3: {"donnerstag", "do", "donnerschdag", "thursday", "donnerstags"},
    4: {"freitag", "fr", "freidag", "friday", "freitags"},
    5: {"samstag", "sa", "samschdag", "samschtag", "saturday", "samstags", "sonnabend"},
    6: {"sonntag", "so", "sonndag", "sunday", "sonntags"},
}
_WEEKDAY_BY_WORD = {fold(w): day for day, names in _WEEKDAYS.items() for w in names}
_AMBIGUOUS_SHORT = {"so", "do", "mi", "di", "sa", "fr", "mo"}  # only with "am"/"ab"
_NOW = {"jetzt", "gerade", "grad", "now", "momentan", "aktuell", "noch", "etzt", "jetz"}
_TODAY = {"heute", "heut", "heit", "today", "heite"}
_TOMORROW = {"morgen", "morga", "tomorrow", "morge"}
_DAY_AFTER = {"uebermorgen", "ubermorgen", "iebermorga", "ubermorga"}
_DATE = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.(\d{2,4})?")


@dataclass(frozen=True)
class DayReference:
    """A day the citizen asked about; ``now`` when they asked about this moment."""

    day: date
    now: bool = False


def find_day(text: str, today: date) -> DayReference | None:
    """The day named in ``text`` relative to ``today``, or None if none is named."""
    match = _DATE.search(text)
    if match:
        day_number, month = int(match.group(1)), int(match.group(2))
        year = match.group(3)
        year_value = today.year if year is None else int(year) + (2000 if len(year) == 2 else 0)
        try:
            candidate = date(year_value, month, day_number)
        except ValueError:
            candidate = None
        if candidate is not None:
            if year is None and candidate < today:
                candidate = candidate.replace(year=today.year + 1)
            return DayReference(candidate)
    tokens = [w for w, _, _ in words(text)]
    for index, token in enumerate(tokens):
        if token in _DAY_AFTER:
            return DayReference(today + timedelta(days=2))
        if token in _TOMORROW and not (index > 0 and tokens[index - 1] in _TODAY):
            return DayReference(today + timedelta(days=1))
        weekday = _WEEKDAY_BY_WORD.get(token)
        if weekday is not None:
            if token in _AMBIGUOUS_SHORT and not (index > 0 and tokens[index - 1] in {"am", "ab"}):
                continue
            return DayReference(today + timedelta(days=(weekday - today.weekday()) % 7))
    if any(t in _NOW for t in tokens):
        return DayReference(today, now=True)
    if any(t in _TODAY for t in tokens):
        return DayReference(today)
    return None
