"""Held-out NLU reports of the trained model, failing below the targets.

Three held-out sets (tests/nlu/README.md), each held to its gate in
``bot.nlu_report.HOLDOUT_SETS``: the first split (intent 0.97, service 0.99, district
0.98), the set per style (0.95 / 0.95 / 0.97 overall and a minimum intent accuracy per
style) and the set of the new topics and follow-ups (TOPIC_THRESHOLDS and the same
minimum per style). The reports are printed (run pytest with -s) and written to
results/. The safety cases of tests/nlu/safety_cases.py are also parsed with the whole
model: every emergency gets ``emergency``, no harmless message does.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.config import PROJECT_ROOT
from bot.nlu_report import HOLDOUT_SETS, HoldoutSet, Report, evaluate_all
from tests.nlu.safety_cases import EMERGENCIES, HARMLESS

MODEL = PROJECT_ROOT / "models" / "buergertelefon.tar.gz"
SETS = {held_out.name: held_out for held_out in HOLDOUT_SETS}


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    found = dict(zip(SETS, evaluate_all(MODEL, [held_out.path for held_out in HOLDOUT_SETS]), strict=False))
    out = PROJECT_ROOT / "results"
    out.mkdir(parents=True, exist_ok=True)
    for name, report in found.items():
        (out / f"{SETS[name].result}.json").write_text(report.to_json(), encoding="utf-8")
    print("\n" + "\n".join(report.summary() for report in found.values()))
    return found


def test_every_set_has_its_gate() -> None:
    assert sorted(SETS) == ["holdout.yml", "holdout_styles.yml", "holdout_topics.yml"]
    assert all(held_out.path.exists() for held_out in HOLDOUT_SETS)


def test_holdout_is_large_enough(reports: dict[str, Report]) -> None:
    first = reports["holdout.yml"]
    assert first.examples >= 300
    assert first.entity_examples["service"] >= 100
    assert first.entity_examples["district"] >= 40
    styled, topics = reports["holdout_styles.yml"], reports["holdout_topics.yml"]
    assert styled.examples >= 300 and len(styled.styles) >= 10
    assert topics.examples >= 300 and len(topics.styles) >= 6
    assert all(part.examples >= 25 for report in (styled, topics) for part in report.styles.values())


@pytest.mark.parametrize("held_out", HOLDOUT_SETS, ids=lambda held_out: held_out.name)
def test_set_meets_its_gate(reports: dict[str, Report], held_out: HoldoutSet) -> None:
    report = reports[held_out.name]
    assert not report.failures(held_out.thresholds, held_out.style_min), report.summary()


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
