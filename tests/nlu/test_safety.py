"""The safety layer (bot/nlu/safety.py) in both directions, without a trained model."""

from __future__ import annotations

import pytest

from bot.nlu.gazetteer import default_gazetteer
from bot.nlu.safety import SUICIDE, assess
from tests.nlu.safety_cases import EMERGENCIES, HARMLESS


def _assess(text: str):
    matches = default_gazetteer().find(text)
    districts = [(m.start, m.end) for m in matches if m.entity == "district"]
    return assess(text, districts, any(m.entity == "service" for m in matches))


def test_enough_cases_both_ways() -> None:
    assert len(EMERGENCIES) >= 40 and len(HARMLESS) >= 40


@pytest.mark.parametrize(("text", "category"), EMERGENCIES)
def test_every_real_emergency_is_recognised(text: str, category: str) -> None:
    assessment = _assess(text)
    assert assessment.danger is not None, text
    assert assessment.suicidal == (category == SUICIDE)


@pytest.mark.parametrize("text", HARMLESS)
def test_no_false_alarm(text: str) -> None:
    assert _assess(text).danger is None


@pytest.mark.parametrize(
    "text",
    ["Wann hat das Bürgerbüro Feuerbach offen?", "ich bin aus feuer bach", "Notfalltermin Ausländerbehörde",
     "Meine Rente reicht nicht", "Ich kann von meiner Rente nicht mehr leben"],
)
def test_known_false_triggers_are_vetoed(text: str) -> None:
    assert _assess(text).vetoed
