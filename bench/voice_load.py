#!/usr/bin/env python3
"""Load test of the phone channel: N concurrent simulated calls against a running server.

Each simulated call plays what VoiceAI Connect does (``bench/helpers/vaic.py``): create the
conversation, start, five questions with a think time of about 8 s between the
caller's turns (uniform 6–10 s), then hang up; a think time later the next call on that
line starts (overflow callers decline the callback and redial the same way). Calls
start spread over the first think time. Measured: bot turn latency (every activities
request: p50/p95/p99/max), errors (non-200, timeouts, empty answers) and admission
outcomes (admitted calls vs. overflow calls, which hear the callback offer).

Modes (everything bounded in time, loopback only):
  --levels 20,40     measure these N
  --search           find the largest N with p95 < 300 ms and no errors (doubling,
                     then bisection), then run twice that N: once without admission
                     control and, with --with-server, with max_concurrent_calls = N and
                     = 0.8 N (--cap-factor)

Run:  .venv/bin/python bench/voice_load.py --with-server --search
      .venv/bin/python bench/voice_load.py --url http://127.0.0.1:5005 --token "$AUDIOCODES_TOKEN" --levels 20
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import ssl
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.helpers.report import log, ms, table  # noqa: E402
from bench.helpers.stats import largest_passing, percentile  # noqa: E402
from bench.helpers.vaic import BotTurn, Call, VoiceGateway  # noqa: E402

SCRIPT: tuple[str, ...] = (
    "Was kostet ein Personalausweis?",
    "Wann hat das Bürgerbüro Botnang offen?",
    "Welche Unterlagen brauche ich für den Reisepass?",
    "Wie beantrage ich Wohngeld?",
    "Danke, das war alles.",
)
OVERFLOW_MARK = "alle Leitungen belegt"
TARGET_P95 = 0.300


@dataclass
class LevelResult:
    """One load level."""

    label: str
    calls: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # admitted calls' turns
    overflow_latencies: list[float] = field(default_factory=list)
    create_latencies: list[float] = field(default_factory=list)  # new conversations (admission), ramp included
    errors: int = 0
    admitted: int = 0
    overflow: int = 0

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and bool(self.latencies) and self.p95 < TARGET_P95

    def row(self) -> list[Any]:
        turns = len(self.latencies) + len(self.overflow_latencies)
        return [self.label, self.calls, turns, f"{turns / self.seconds:.1f}", ms(percentile(self.latencies, 0.5)),
                ms(self.p95), ms(percentile(self.latencies, 0.99)), ms(max(self.latencies, default=math.nan)),
                self.errors, self.admitted, self.overflow, ms(percentile(self.overflow_latencies, 0.95))]


HEADERS = ["level", "calls", "turns", "turns/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors",
           "admitted", "overflow", "overflow p95"]


class Level:
    """N concurrent callers for ``ramp + duration`` seconds; turns during ``duration`` count."""

    def __init__(self, gateway: VoiceGateway, calls: int, think: float, ramp: float, duration: float,
                 rng: random.Random) -> None:
        self.gateway = gateway
        self.calls = calls
        self.think = think
        self.ramp = ramp
        self.duration = duration
        self.rng = rng
        self.result = LevelResult(f"N={calls}", calls, duration)

    def _pause(self) -> float:
        return self.rng.uniform(self.think - 2, self.think + 2)

    def _count(self, turn: BotTurn | None, started: float, overflow: bool, expect_answer: bool = True) -> bool:
        measured = self.measure_from <= started < self.stop_at
        if turn is None or turn.status != 200 or (expect_answer and not turn.texts):
            if measured:
                self.result.errors += 1
            return False
        if measured:
            if overflow:
                self.result.overflow_latencies.append(turn.latency)
            else:
                self.result.latencies.append(turn.latency)
        return True

    async def _send(self, action: Any) -> BotTurn | None:
        try:
            return await action
        except (aiohttp.ClientError, asyncio.TimeoutError, AssertionError, OSError):
            return None

    async def caller(self, number: int) -> None:
        await asyncio.sleep(self.rng.uniform(0, self.ramp))
        while time.monotonic() < self.stop_at:
            started = time.monotonic()
            try:
                call: Call = await self.gateway.call(caller=f"+49711{number:04d}{self.rng.randrange(10000):04d}")
                if started < self.stop_at:  # every new call of the level, ramp included
                    self.result.create_latencies.append(time.monotonic() - started)
            except (aiohttp.ClientError, asyncio.TimeoutError, AssertionError, OSError):
                if self.measure_from <= started < self.stop_at:
                    self.result.errors += 1
                await asyncio.sleep(1)
                continue
            started = time.monotonic()
            turn = await self._send(call.start())
            overflow = turn is not None and OVERFLOW_MARK in turn.said
            if started < self.stop_at:  # admission outcomes of every call of the level
                if overflow:
                    self.result.overflow += 1
                else:
                    self.result.admitted += 1
            if self._count(turn, started, overflow):
                script = ("2",) if overflow else SCRIPT  # overflow callers decline the callback
                for text in script:
                    await asyncio.sleep(self._pause())
                    if time.monotonic() >= self.stop_at:
                        break
                    started = time.monotonic()
                    turn = await self._send(call.press(text) if overflow else call.say(text))
                    if not self._count(turn, started, overflow) or turn is None or turn.hangup:
                        break
            await self._send(call.disconnect())
            await asyncio.sleep(self._pause())  # the next caller on this line dials a little later

    async def run(self) -> LevelResult:
        start = time.monotonic()
        self.measure_from = start + self.ramp
        self.stop_at = self.measure_from + self.duration
        tasks = [asyncio.create_task(self.caller(n)) for n in range(self.calls)]
        try:
            await asyncio.wait(tasks, timeout=self.ramp + self.duration + 30)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return self.result


async def measure(url: str, token: str, calls: int, args: argparse.Namespace, label: str | None = None,
                  ssl_context: ssl.SSLContext | None = None, quiet: bool = False) -> LevelResult:
    connector = aiohttp.TCPConnector(limit=0, ssl=ssl_context if ssl_context is not None else True)
    timeout = aiohttp.ClientTimeout(total=args.request_timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        gateway = VoiceGateway(f"{url}/webhooks/audiocodes/webhook", token, session)
        warm = await gateway.call()
        await warm.start()
        for text in SCRIPT[:2]:
            await warm.say(text)
        await warm.disconnect()
        result = await Level(gateway, calls, args.think, args.think, args.duration, random.Random(calls)).run()
    if label:
        result.label = label
    if quiet:
        return result
    log(f"  {result.label}: p95 {ms(result.p95)} ms, {len(result.latencies)} turns, {result.errors} errors, "
        f"{result.admitted} admitted / {result.overflow} overflow")
    return result


class Server:
    """The action server and Rasa with the phone channel (bench/helpers/phone_servers.py).

    SQLite tracker and call store as ``make run``; with ``production`` a fresh PostgreSQL
    database for the tracker, the Redis lock store and call state in Redis.
    """

    def __init__(self, max_calls: int, production: bool = False) -> None:
        from bench.helpers.phone_servers import start_phone_servers
        from bench.helpers.production import production_stores
        from bot.config import KNOWLEDGE_DIR

        self._dir = tempfile.TemporaryDirectory(prefix="voice-load-")
        self._stack = contextlib.ExitStack()  # the production stores' database, dropped at stop()
        stores = self._stack.enter_context(production_stores("voice_load")).as_kwargs() if production else {}
        log(f"starting action server and Rasa (max_concurrent_calls={max_calls}, "
            f"{'PostgreSQL tracker, Redis locks and call state' if production else 'SQLite stores'}) …")
        try:
            self.phone = start_phone_servers(Path(self._dir.name), KNOWLEDGE_DIR, max_calls=max_calls, **stores)
        except Exception:
            self._stack.close()
            raise
        self.url = self.phone.servers.rasa_url
        self.token = self.phone.token

    def stop(self) -> None:
        self.phone.stop()
        self._stack.close()
        self._dir.cleanup()


async def search(url: str, token: str, args: argparse.Namespace,
                 deadline: float) -> tuple[list[LevelResult], int, int | None]:
    """Largest N with p95 < 300 ms and no errors: double from --start, then bisect."""
    return await largest_passing(lambda n: measure(url, token, n, args), lambda result: result.ok, args.start,
                                 args.max_n, deadline, min_step=4)


async def main_async(args: argparse.Namespace) -> int:
    deadline = time.monotonic() + args.budget
    server = Server(args.max_calls or args.uncapped, args.production) if args.with_server else None
    url = server.url if server else args.url
    token = server.token if server else (args.token or os.environ.get("AUDIOCODES_TOKEN", ""))
    if not token:
        log("no token: pass --token or set AUDIOCODES_TOKEN (or use --with-server)")
        return 2
    rows: list[LevelResult] = []
    try:
        if args.search:
            found, best, worst = await search(url, token, args, deadline)
            rows += found
            log(f"largest N with p95 < {TARGET_P95 * 1000:.0f} ms and no errors: {best}"
                + (f" (N={worst} fails)" if worst else " (the search stopped at --max-n or the time budget)"))
            if best:
                rows.append(await measure(url, token, 2 * best, args, label=f"2N={2 * best} no cap"))
                if server is not None:
                    for cap in sorted({best, max(1, round(best * args.cap_factor))}, reverse=True):
                        server.stop()
                        server = Server(cap, args.production)
                        url, token = server.url, server.token
                        rows.append(await measure(url, token, 2 * best, args, label=f"2N={2 * best} cap {cap}"))
        for level in args.levels:
            rows.append(await measure(url, token, level, args))
    finally:
        if server is not None:
            server.stop()
    log("")
    log(f"think time {args.think:.0f} s ± 2 s, ramp {args.think:.0f} s, measured {args.duration:.0f} s per level, "
        f"{os.cpu_count()} CPU cores shared by client and servers")
    table(HEADERS, [r.row() for r in rows])
    return 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="Rasa server (without --with-server)")
    parser.add_argument("--token", help="AudioCodes token (default: $AUDIOCODES_TOKEN)")
    parser.add_argument("--with-server", action="store_true", help="start the servers (SQLite stores) for the run")
    parser.add_argument("--production", action="store_true",
                        help="with --with-server: PostgreSQL tracker, Redis lock store and call state")
    parser.add_argument("--levels", default="", help="comma-separated N to measure, e.g. 20,40")
    parser.add_argument("--search", action="store_true", help="find the largest N with p95 < 300 ms, then run 2N")
    parser.add_argument("--start", type=int, default=10, help="first N of the search")
    parser.add_argument("--max-n", type=int, default=640)
    parser.add_argument("--think", type=float, default=8.0, help="mean think time between a caller's turns (s)")
    parser.add_argument("--duration", type=float, default=24.0, help="measured seconds per level")
    parser.add_argument("--request-timeout", type=float, default=10.0)
    parser.add_argument("--uncapped", type=int, default=100000, help="max_concurrent_calls while searching")
    parser.add_argument("--max-calls", type=int, help="with --with-server and --levels: max_concurrent_calls")
    parser.add_argument("--cap-factor", type=float, default=0.8,
                        help="the 2N run is repeated with max_concurrent_calls = this × N (headroom)")
    parser.add_argument("--budget", type=float, default=420.0, help="time budget of the search (s)")
    args = parser.parse_args(argv)
    args.levels = [int(x) for x in args.levels.split(",") if x.strip()]
    if not args.search and not args.levels:
        parser.error("give --levels and/or --search")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main_async(parse_args())))
