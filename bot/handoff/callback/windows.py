"""Callback windows: the configured times of day, clipped to the hours of the hotline office
on its working days (holidays and closures respected), and which one a citizen chose."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.config import TIMEZONE
from bot.german import WEEKDAY_NAMES, clock, day_relative
from bot.handoff.short_answers import Answer, choice_digit, yes_no
from bot.kb import hours as hours_logic
from bot.kb.models import Office
from bot.nlu.folding import fold, words

#: A window is offered only if at least this much of it is left.
MIN_WINDOW_LEFT = timedelta(minutes=30)
#: "die erste", "den zweiten", "das dritte" (folded, first five letters).
_ORDINALS = {"erste": 1, "zweit": 2, "dritt": 3}
_ANY = {"egal", "beides", "immer", "irgendwann"}


@dataclass(frozen=True)
class CallbackWindow:
    """A preferred callback window, e.g. ``vormittag`` 08:00–12:00 ("vormittags")."""

    key: str
    spoken: str
    start: time
    end: time


@dataclass(frozen=True)
class Window:
    """A concrete callback window: a day and times within the hotline hours."""

    key: str
    spoken: str
    start: datetime
    end: datetime

    @property
    def day(self) -> date:
        """The day of the window."""
        return self.start.date()

    def as_dict(self) -> dict[str, str]:
        """JSON-friendly form (stored in slots and in the call store)."""
        return {"key": self.key, "spoken": self.spoken, "start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Window:
        """Inverse of :meth:`as_dict`."""
        return cls(data["key"], data["spoken"], datetime.fromisoformat(data["start"]),
                   datetime.fromisoformat(data["end"]))

    def said(self, today: date) -> str:
        """``"heute vormittags"``, ``"morgen nachmittags"``, ``"am Montag, den 2. März, vormittags"``."""
        near = self.day <= today + timedelta(days=1)  # "heute"/"morgen" run on, a date takes a comma
        return f"{day_relative(self.day, today, spoken=True)}{' ' if near else ', '}{self.spoken}"

    def label(self, today: date) -> str:
        """For a button: ``"Morgen vormittags, 8:00 bis 12:00 Uhr"``."""
        said = self.said(today)
        return f"{said[0].upper()}{said[1:]}, {self.start.hour}:{self.start.minute:02d} bis {clock(self.end.time())}"


def callback_windows(office: Office | None, windows: Iterable[CallbackWindow], now: datetime, count: int = 2,
                     skip_today: bool = False) -> list[Window]:
    """The next ``count`` windows that fall into the office's hours (holidays and closures respected).

    None without the office: no hours, no callback promise.
    """
    if office is None:
        return []
    local = now.astimezone(TIMEZONE)
    configured = list(windows)
    found: list[Window] = []
    for offset in range(0 if not skip_today else 1, hours_logic.LOOKAHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        ranges = hours_logic.schedule_for(office, day).ranges
        for window in configured:
            pieces = [(max(window.start, r.opens), min(window.end, r.closes)) for r in ranges]
            pieces = [(s, e) for s, e in pieces if s < e]
            if not pieces:
                continue
            start = datetime.combine(day, min(s for s, _ in pieces), tzinfo=TIMEZONE)
            end = datetime.combine(day, max(e for _, e in pieces), tzinfo=TIMEZONE)
            if end - MIN_WINDOW_LEFT <= local:
                continue
            found.append(Window(window.key, window.spoken, max(start, local), end))
            if len(found) == count:
                return found
    return found


def offer_windows(office: Office | None, hours_override: str | None, windows: Iterable[CallbackWindow],
                  now: datetime) -> list[Window]:
    """The callback windows to offer now (not today when staff closed the hotline for today)."""
    return callback_windows(office, windows, now, skip_today=hours_override == "closed")


def choose_window(answer: Answer, windows: list[Window], today: date) -> int | None:
    """Which offered window the answer names, or None.

    A key on the phone; a button text; a number ("1", "die Zwei", "die zweite"); a day or
    time of day ("morgen", "Freitag vormittags"); "egal" (the first); "ja" when only one
    window is offered.
    """
    if answer.dtmf:
        digit = int(answer.dtmf) if answer.dtmf.isdigit() else 0
        return digit - 1 if 1 <= digit <= len(windows) else None
    text = (answer.text or "").strip().casefold()
    for index, window in enumerate(windows):
        if text == window.label(today).casefold():
            return index
    spoken_digit = choice_digit(answer.text, len(windows))
    if spoken_digit:
        return spoken_digit - 1
    tokens = {w for w, _, _ in words(answer.text or "")}
    ordinals = {_ORDINALS[t[:5]] for t in tokens if t[:5] in _ORDINALS and _ORDINALS[t[:5]] <= len(windows)}
    if len(ordinals) == 1:
        return ordinals.pop() - 1
    scores = []
    for window in windows:
        cues = {fold(window.key), fold(window.spoken), fold(WEEKDAY_NAMES[window.day.weekday()])}
        if window.day == today:
            cues.add("heute")
        if window.day == today + timedelta(days=1):
            cues.add("morgen")
        scores.append(len({t for t in tokens if any(t.startswith(c) or c.startswith(t) for c in cues if len(t) > 3)}))
    best = max(scores, default=0)
    if best and scores.count(best) == 1:
        return scores.index(best)
    if tokens & _ANY and windows:
        return 0
    if len(windows) == 1 and yes_no(answer):
        return 0
    return None
