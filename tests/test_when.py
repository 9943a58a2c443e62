"""Day references in German citizen language."""

from __future__ import annotations

from datetime import date

import pytest

from bot.when import find_day

TODAY = date(2026, 11, 26)  # Thursday


@pytest.mark.parametrize(
    ("text", "expected", "now"),
    [
        ("Hat das Bürgerbüro jetzt offen?", date(2026, 11, 26), True),
        ("hen die heit offa", date(2026, 11, 26), False),
        ("Ist morgen geöffnet?", date(2026, 11, 27), False),
        ("und übermorgen?", date(2026, 11, 28), False),
        ("Hat es am Samstag offen?", date(2026, 11, 28), False),
        ("am Samschdag", date(2026, 11, 28), False),
        ("Montag", date(2026, 11, 30), False),
        ("am Donnerstag", date(2026, 11, 26), False),
        ("Ist am 24.12. offen?", date(2026, 12, 24), False),
        ("Ist am 3.1. offen?", date(2027, 1, 3), False),
        ("heute morgen", date(2026, 11, 26), False),
    ],
)
def test_find_day(text: str, expected: date, now: bool) -> None:
    reference = find_day(text, TODAY)
    assert reference is not None
    assert reference.day == expected
    assert reference.now is now


@pytest.mark.parametrize("text",
                         ["Wann hat das Bürgerbüro offen?", "so ein Mist", "Was kostet das?", "am 31.02. geht das?"])
def test_no_day(text: str) -> None:
    assert find_day(text, TODAY) is None
