"""REST load on a Rasa server: N users run a fixed conversation back to back through
``POST /webhooks/rest/webhook``; turn latencies, errors and empty answers per level.

    script = make_script(OUR_SCRIPT, 10)
    await warm_up(url, script, timeout=30)                       # one unmeasured conversation
    result = await measure_load("ours", url, 20, script, 20.0, 30.0)
    table(LOAD_HEADERS, [result.row()])
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from bench.helpers.report import log, ms
from bench.helpers.stats import percentile

#: Our bot's 10-turn German conversation (fees, documents, hours, a follow-up, goodbye).
OUR_SCRIPT: tuple[str, ...] = (
    "Hallo",
    "Was kostet ein Personalausweis?",
    "Und ein Reisepass?",
    "Welche Unterlagen brauche ich?",
    "Wann hat das Bürgerbüro Botnang offen?",
    "Wo ist die Ausländerbehörde?",
    "Wie lange dauert das?",
    "Ich möchte Wohngeld beantragen",
    "Danke",
    "Tschüss",
)


@dataclass
class LoadResult:
    bot: str
    users: int
    elapsed: float
    latencies: list[float]  # seconds, successful turns only
    errors: int
    conversations: int
    empty: int = 0  # successful turns whose reply list was empty

    @property
    def turns(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.turns / self.elapsed if self.elapsed > 0 else 0.0

    def stat(self, fraction: float) -> float:
        return percentile(self.latencies, fraction)

    def row(self) -> list[Any]:
        s = sorted(self.latencies)
        return [self.bot, self.users, self.turns, f"{self.throughput:.1f}",
                ms(percentile(s, 0.5)), ms(percentile(s, 0.95)),
                ms(percentile(s, 0.99)), ms(s[-1] if s else math.nan),
                self.errors, self.empty]


LOAD_HEADERS = ["bot", "users", "turns", "turns/s", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "errors", "empty"]


def make_script(base: Sequence[str], turns: int) -> list[str]:
    """Repeat/cut the fixed script to exactly ``turns`` turns."""
    return [base[i % len(base)] for i in range(max(1, turns))]


async def send_turn(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> list[Any] | None:
    """One REST turn; the bot's reply list, or None on any error."""
    try:
        async with session.post(
            f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        ) as resp:
            body = await resp.json(content_type=None)
            return body if resp.status == 200 and isinstance(body, list) else None
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return None


async def user_loop(
    session: aiohttp.ClientSession, url: str, user: int, script: Sequence[str],
    deadline: float, run_id: str, result: LoadResult,
) -> None:
    """Run conversations back to back until the deadline (checked per turn).

    Each conversation gets a fresh sender id so trackers do not grow without
    bound over the run; ids are unique per user.
    """
    conv = 0
    while time.monotonic() < deadline:
        sender = f"bench-{run_id}-u{user}-c{conv}"
        result.conversations += 1
        for text in script:
            if time.monotonic() >= deadline:
                return
            start = time.perf_counter()
            reply = await send_turn(session, url, sender, text)
            if reply is None:
                result.errors += 1
            else:
                result.latencies.append(time.perf_counter() - start)
                result.empty += not reply
        conv += 1


async def warm_up(url: str, script: Sequence[str], timeout: float) -> None:
    """One unmeasured conversation so lazy initialisation is not timed."""
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:
        sender = f"bench-warmup-{uuid.uuid4().hex[:8]}"
        for text in script:
            await send_turn(session, url, sender, text)


async def measure_load(
    bot: str, url: str, users: int, script: Sequence[str], duration: float,
    request_timeout: float, ssl_context: Any = None,
) -> LoadResult:
    """``users`` users run ``script`` back to back for ``duration`` s against ``url``
    (``ssl_context``: to verify a proxy's throw-away certificate)."""
    result = LoadResult(bot, users, 0.0, [], 0, 0)
    run_id = uuid.uuid4().hex[:8]
    connector = aiohttp.TCPConnector(limit=max(users, 1), **({"ssl": ssl_context} if ssl_context else {}))
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=request_timeout)
    ) as session:
        start = time.monotonic()
        deadline = start + duration
        tasks = [asyncio.create_task(
                     user_loop(session, url, u, script, deadline, run_id, result))
                 for u in range(users)]
        try:
            # in-flight turns overrun the deadline by at most one request timeout
            _, pending = await asyncio.wait(tasks,
                                            timeout=duration + request_timeout + 5)
            if pending:
                log("  (load level hit its hard time limit)")
        finally:
            await cancel_all(tasks)
        result.elapsed = time.monotonic() - start
    return result


async def cancel_all(tasks: Sequence[asyncio.Task[None]]) -> None:
    """Cancel unfinished tasks and collect every outcome (no stray warnings)."""
    for task in tasks:
        task.cancel()
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(outcome, Exception):
            log(f"  user task failed: {outcome!r}")
