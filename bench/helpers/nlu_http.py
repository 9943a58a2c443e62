"""NLU accuracy of a running Rasa server: the held-out examples through ``POST /model/parse``,
scored by ``bot/nlu_report.py`` (the one held-out scorer, also of ``python -m bot nlu-report``).

    report, errors = await evaluate_nlu(url, load_examples(path), headers, 4, 30.0, 600.0)
    report_nlu(report, errors)
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bench.helpers.report import log, table
from bench.helpers.rest_load import cancel_all
from bot.nlu_report import WHAT, Example, Report, score


async def parse_one(
    session: aiohttp.ClientSession, url: str, text: str, headers: dict[str, str]
) -> dict[str, Any] | None:
    try:
        async with session.post(f"{url}/model/parse", json={"text": text}, headers=headers) as resp:
            if resp.status != 200:
                return None
            return await resp.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return None


async def evaluate_nlu(
    url: str, examples: list[Example], headers: dict[str, str], concurrency: int,
    request_timeout: float, total_timeout: float,
) -> tuple[Report, int] | None:
    """Parse all examples (``concurrency`` at a time): the report and the request errors; None if over time."""
    report = Report()
    errors = 0
    sem = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=request_timeout)
    ) as session:

        async def run(ex: Example) -> None:
            nonlocal errors
            async with sem:
                parsed = await parse_one(session, url, ex.text, headers)
            errors += parsed is None
            score(report, ex.text, ex.intent, ex.expected, parsed or {}, ex.style)

        tasks = [asyncio.create_task(run(ex)) for ex in examples]
        try:
            _, pending = await asyncio.wait(tasks, timeout=total_timeout)
        finally:
            await cancel_all(tasks)
    return None if pending else (report, errors)


def pct(n: int, d: int) -> str:
    return "-" if d == 0 else f"{100.0 * n / d:.1f}%"


def report_nlu(report: Report, errors: int) -> None:
    rows: list[list[Any]] = [
        ["intent", report.intent_correct, report.examples, pct(report.intent_correct, report.examples)]
    ]
    for etype in WHAT[1:]:
        rows.append([f"entity:{etype}", report.entity_correct[etype], report.entity_examples[etype],
                     pct(report.entity_correct[etype], report.entity_examples[etype])])
    table(["metric", "correct", "of", "accuracy"], rows)
    log(f"examples: {report.examples}   request errors: {errors}")
    if report.confusions:
        log("most frequent intent confusions (gold -> predicted):")
        for (gold, pred), n in report.confusions.most_common(8):
            log(f"  {n:4d}  {gold} -> {pred}")
