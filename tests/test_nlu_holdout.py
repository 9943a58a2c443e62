"""Held-out NLU report of the trained model, failing below the acceptance targets.

The report is printed (run pytest with -s to see it) and written to
results/nlu_holdout.json. Targets: intent 0.92, service 0.90, district 0.95.
"""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.nlu_report import THRESHOLDS, evaluate

MODEL = PROJECT_ROOT / "models" / "buergertelefon.tar.gz"
HOLDOUT = PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"


@pytest.fixture(scope="module")
def report():
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    result = evaluate(MODEL, HOLDOUT)
    out = PROJECT_ROOT / "results" / "nlu_holdout.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(result.to_json(), encoding="utf-8")
    print("\n" + result.summary())
    return result


def test_holdout_is_large_enough(report) -> None:
    assert report.examples >= 300
    assert report.entity_examples["service"] >= 100
    assert report.entity_examples["district"] >= 40


@pytest.mark.parametrize("what", sorted(THRESHOLDS))
def test_accuracy_meets_target(report, what: str) -> None:
    assert report.accuracy(what) >= THRESHOLDS[what], report.summary()
