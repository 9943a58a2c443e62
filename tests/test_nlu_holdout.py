"""Held-out NLU reports of the trained model, failing below the targets.

Three held-out sets (tests/nlu/README.md): the first split (gate: intent 0.97, service
0.99, district 0.98), the set per style (gate: 0.95 / 0.95 / 0.97 overall and a
minimum intent accuracy per style) and the set of the new topics and follow-ups
(gate: TOPIC_THRESHOLDS and the same minimum per style). The reports are printed (run pytest with -s) and
written to results/. The safety cases of tests/nlu/safety_cases.py are also parsed
with the whole model: every emergency gets ``emergency``, no harmless message does.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.config import PROJECT_ROOT
from bot.nlu_report import STYLE_MIN_INTENT, STYLE_THRESHOLDS, THRESHOLDS, TOPIC_THRESHOLDS, evaluate_all
from tests.nlu.safety_cases import EMERGENCIES, HARMLESS

MODEL = PROJECT_ROOT / "models" / "buergertelefon.tar.gz"
HOLDOUT = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"
STYLES = PROJECT_ROOT / "tests" / "nlu" / "holdout_styles.yml"
TOPICS = PROJECT_ROOT / "tests" / "nlu" / "holdout_topics.yml"


@pytest.fixture(scope="module")
def reports():
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    first, styled, topics = evaluate_all(MODEL, [HOLDOUT, STYLES, TOPICS])
    out = PROJECT_ROOT / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "nlu_holdout.json").write_text(first.to_json(), encoding="utf-8")
    (out / "nlu_holdout_styles.json").write_text(styled.to_json(), encoding="utf-8")
    (out / "nlu_holdout_topics.json").write_text(topics.to_json(), encoding="utf-8")
    print("\n" + first.summary() + "\n" + styled.summary() + "\n" + topics.summary())
    return first, styled, topics


def test_holdout_is_large_enough(reports) -> None:
    first, styled, topics = reports
    assert first.examples >= 300
    assert first.entity_examples["service"] >= 100
    assert first.entity_examples["district"] >= 40
    assert styled.examples >= 300 and len(styled.styles) >= 10
    assert all(part.examples >= 25 for part in styled.styles.values())
    assert topics.examples >= 300 and len(topics.styles) >= 6
    assert all(part.examples >= 25 for part in topics.styles.values())


@pytest.mark.parametrize("what", sorted(THRESHOLDS))
def test_accuracy_meets_target(reports, what: str) -> None:
    first = reports[0]
    assert first.accuracy(what) >= THRESHOLDS[what], first.summary()


@pytest.mark.parametrize("what", sorted(STYLE_THRESHOLDS))
def test_styles_meet_target(reports, what: str) -> None:
    styled = reports[1]
    assert styled.accuracy(what) >= STYLE_THRESHOLDS[what], styled.summary()


@pytest.mark.parametrize("what", sorted(TOPIC_THRESHOLDS))
def test_new_topics_meet_target(reports, what: str) -> None:
    topics = reports[2]
    assert topics.accuracy(what) >= TOPIC_THRESHOLDS[what], topics.summary()


@pytest.mark.parametrize("index", [1, 2], ids=["styles", "topics"])
def test_no_style_falls_behind(reports, index: int) -> None:
    report = reports[index]
    assert not report.failures({}, STYLE_MIN_INTENT), report.summary()


@pytest.fixture(scope="module")
def parse(reports):
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return lambda text: asyncio.run(agent.parse_message(text))


def test_every_emergency_gets_the_emergency_intent(parse) -> None:
    missed = [text for text, _ in EMERGENCIES if parse(text)["intent"]["name"] != "emergency"]
    assert not missed


def test_suicidal_intent_is_flagged_for_the_telefonseelsorge(parse) -> None:
    for text, category in EMERGENCIES:
        dangers = [e["value"] for e in parse(text)["entities"] if e["entity"] == "danger"]
        assert ("suicide" in dangers) == (category == "suicide"), text


def test_no_false_alarm_on_harmless_messages(parse) -> None:
    alarms = [text for text in HARMLESS if parse(text)["intent"]["name"] == "emergency"]
    assert not alarms
