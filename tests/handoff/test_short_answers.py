"""Plain-word answers inside a handoff step (both channels, no NLU)."""

from __future__ import annotations

import pytest

from bot.handoff.short_answers import Answer, choice_digit, is_cancel, parse_yes_no, yes_no
from bot.handoff.wait import estimated_wait_minutes, minutes_spoken, minutes_written, position_written


@pytest.mark.parametrize(("text", "expected"), [
    ("Ja", True), ("ja bitte", True), ("Genau", True), ("passt", True), ("Jo, des stimmt", True),
    ("Nein", False), ("nee", False), ("Das stimmt nicht", False), ("ja, eine andere Nummer", False),
    ("falsch", False), ("hm", None), ("", None), (None, None),
])
def test_yes_no(text, expected) -> None:
    assert parse_yes_no(text) is expected


def test_yes_no_by_key_and_intent() -> None:
    assert yes_no(Answer(dtmf="1")) is True and yes_no(Answer(dtmf="2")) is False
    assert yes_no(Answer("klar", "affirm")) is True and yes_no(Answer("hm", "deny")) is False
    assert yes_no(Answer(dtmf="5")) is None


def test_cancel_and_choices() -> None:
    assert is_cancel("Ach, vergessen Sie es") and is_cancel("abbrechen") and not is_cancel("ja")
    assert choice_digit("die Eins bitte", 2) == 1 and choice_digit("zwei", 2) == 2
    assert choice_digit("drei", 2) is None and choice_digit("eins oder zwei", 2) is None


@pytest.mark.parametrize(("position", "seconds", "agents", "expected"),
                         [(1, 240, 4, 1), (3, 240, 4, 3), (10, 240, 2, 20), (2, 240, 0, 8), (2, 360, 1, 12),
                          (3, 360, 2, 9), (1, 0, 3, 1)])
def test_one_wait_estimate(position: int, seconds: int, agents: int, expected: int) -> None:
    assert estimated_wait_minutes(position, seconds, agents) == expected


def test_wait_written_and_spoken() -> None:
    assert minutes_written(1) == "etwa 1 Minute" and minutes_written(12) == "etwa 12 Minuten"
    assert minutes_spoken(1) == "etwa eine Minute" and minutes_spoken(8) == "etwa 8 Minuten"
    assert position_written(2, 12) == "Sie sind an Position 2. Die Wartezeit beträgt etwa 12 Minuten."
    assert position_written(1, 1, moved_up=True) == "Sie sind jetzt an Position 1. Die Wartezeit beträgt etwa 1 Minute."
