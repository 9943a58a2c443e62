"""Held-out NLU report: intent accuracy and normalised-entity accuracy of a trained model.

Used by ``python -m bot nlu-report`` (and the pytest gate in tests/test_nlu_holdout.py).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Optional

#: Acceptance targets from the foundation issue.
THRESHOLDS = {"intent": 0.92, "service": 0.90, "district": 0.95}


@dataclass
class Report:
    """Accuracies on one labelled data set."""

    examples: int = 0
    intent_correct: int = 0
    entity_examples: Counter = field(default_factory=Counter)
    entity_correct: Counter = field(default_factory=Counter)
    confusions: Counter = field(default_factory=Counter)
    errors: list[dict] = field(default_factory=list)

    def accuracy(self, what: str) -> float:
        """Accuracy of ``intent``, ``service`` or ``district`` (1.0 when there is nothing to score)."""
        if what == "intent":
            return self.intent_correct / self.examples if self.examples else 1.0
        total = self.entity_examples[what]
        return self.entity_correct[what] / total if total else 1.0

    def failures(self, thresholds: dict[str, float] = THRESHOLDS) -> list[str]:
        """Human-readable threshold violations."""
        return [
            f"{what} accuracy {self.accuracy(what):.3f} < {limit:.2f}"
            for what, limit in thresholds.items()
            if self.accuracy(what) < limit
        ]

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = [f"examples: {self.examples}"]
        lines.append(f"intent accuracy:   {self.accuracy('intent'):.3f}")
        for what in ("service", "district"):
            lines.append(
                f"{what} accuracy:  {self.accuracy(what):.3f} "
                f"({self.entity_correct[what]}/{self.entity_examples[what]} examples with a {what})"
            )
        if self.confusions:
            lines.append("most frequent intent confusions (expected -> predicted):")
            lines += [f"  {a} -> {b}: {n}" for (a, b), n in self.confusions.most_common(8)]
        return "\n".join(lines)

    def to_json(self) -> str:
        """Machine-readable report."""
        data = asdict(self)
        data["confusions"] = {f"{a} -> {b}": n for (a, b), n in self.confusions.items()}
        data["entity_examples"] = dict(self.entity_examples)
        data["entity_correct"] = dict(self.entity_correct)
        data["accuracy"] = {w: self.accuracy(w) for w in THRESHOLDS}
        return json.dumps(data, ensure_ascii=False, indent=2, default=dict)


def score(report: Report, text: str, intent: str, expected: Iterable[tuple[str, str]], parsed: dict) -> None:
    """Add one parsed example to ``report``."""
    report.examples += 1
    predicted = (parsed.get("intent") or {}).get("name")
    got = {(e["entity"], e["value"]) for e in parsed.get("entities", [])}
    ok = predicted == intent
    report.intent_correct += ok
    if not ok:
        report.confusions[(intent, predicted)] += 1
    wrong_entities = []
    for entity in ("service", "district"):
        wanted = {pair for pair in expected if pair[0] == entity}
        if not wanted:
            continue
        report.entity_examples[entity] += 1
        found = {pair for pair in got if pair[0] == entity}
        if found == wanted:
            report.entity_correct[entity] += 1
        else:
            wrong_entities.append(entity)
    if not ok or wrong_entities:
        report.errors.append(
            {"text": text, "intent": intent, "predicted": predicted, "expected_entities": sorted(expected), "entities": sorted(got)}
        )


def evaluate(model_path: Path, data_path: Path) -> Report:
    """Parse every example of ``data_path`` with the model and score it."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(str(model_path))
    data = load_data(str(data_path))
    report = Report()

    async def run() -> None:
        for example in data.intent_examples:
            text = example.get("text")
            parsed = await agent.parse_message(text)
            expected = {(e["entity"], e["value"]) for e in example.get("entities") or []}
            score(report, text, example.get("intent"), expected, parsed)

    asyncio.run(run())
    return report


def run_report(model: Path, data: Path, out: Optional[Path]) -> int:
    """CLI entry: print the report, write JSON, return 1 below the thresholds."""
    report = evaluate(model, data)
    print(report.summary())
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.to_json(), encoding="utf-8")
    failures = report.failures()
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0
