"""NLU time per message, in-process: p50/p95/p99/max over the held-out messages.

Loads ``models/buergertelefon.tar.gz`` with Rasa's Agent (no HTTP, no action server),
parses every message of the held-out sets once to warm up, then ``--rounds`` times
measured, and prints the percentiles overall and for the long messages (> 25 words).
Two figures: "cold" clears every cache of the gazetteer and the speller before each
parse (a message whose words were never seen); "warm" clears only the whole-message
cache (the words were seen before, as in a server that has run for a while).

    .venv/bin/python bench/nlu_latency.py [--model models/buergertelefon.tar.gz] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.helpers.stats import percentile  # noqa: E402

SETS = [ROOT / "tests" / "nlu" / "holdout.yml", ROOT / "tests" / "nlu" / "holdout_styles.yml"]
GOAL_P95_MS = 30.0


def spellers() -> list:
    """The speller of each loaded intent classifier."""
    import gc

    from bot.nlu.intent_classifier import LinearIntentClassifier

    found = [o._speller for o in gc.get_objects() if isinstance(o, LinearIntentClassifier)]
    return [s for s in found if s is not None]


def line(name: str, values: list[float]) -> str:
    return (f"{name:<14} n={len(values):<5} p50={percentile(values, 0.5):6.1f} ms  "
            f"p95={percentile(values, 0.95):6.1f} ms  p99={percentile(values, 0.99):6.1f} ms  "
            f"max={max(values):6.1f} ms  mean={statistics.mean(values):6.1f} ms")


async def measure(model: Path, rounds: int) -> int:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.nlu.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    loaded_spellers: list = []

    def forget(everything: bool) -> None:
        gazetteer._find.cache_clear()
        if everything:
            for cache in (gazetteer._fuzzy, gazetteer._joined_lookup, gazetteer._compound):
                cache.cache_clear()
            for speller in loaded_spellers:
                speller.correct.cache_clear()

    agent = Agent.load(str(model))
    texts = [e.get("text") for path in SETS for e in load_data(str(path)).intent_examples]
    for text in texts:  # warm-up: caches, lazy imports, the speller
        await agent.parse_message(text)
    loaded_spellers.extend(spellers())
    print(f"model {model.name}, {len(texts)} held-out messages x {rounds} rounds, one process")
    p95 = 0.0
    for mode in ("cold", "warm"):
        timings: list[tuple[str, float]] = []
        for _ in range(rounds):
            for text in texts:
                forget(mode == "cold")
                start = time.perf_counter()
                await agent.parse_message(text)
                timings.append((text, (time.perf_counter() - start) * 1000))
        every = [ms for _, ms in timings]
        long = [ms for text, ms in timings if len(text.split()) > 25]
        print(line(f"{mode}: all", every))
        if long:
            print(line(f"{mode}: long", long))
        p95 = max(p95, percentile(every, 0.95))
    print(f"goal p95 < {GOAL_P95_MS:.0f} ms (cold): {'met' if p95 < GOAL_P95_MS else 'NOT met'}")
    return 0 if p95 < GOAL_P95_MS else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "buergertelefon.tar.gz"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    return asyncio.run(measure(Path(args.model), args.rounds))


if __name__ == "__main__":
    raise SystemExit(main())
