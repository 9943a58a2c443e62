#!/usr/bin/env python3
"""Capacity of one node: one Rasa replica, then two, REST and phone, in one run on the same machine.

One production node runs on loopback (``bench/helpers/node.py``): PostgreSQL tracker,
Redis lock store and call state, the action server, two Rasa replicas, the phone front
(admission and overflow calls, ``channels/phone_front.py``) and the real nginx of
``deploy/nginx`` in front (TLS, ``least_conn``). Phase R puts the first R replicas behind
the proxy (an nginx reload; an idle replica costs no CPU). Measured through the proxy:

1. REST: N users run the 10-turn conversation of ``bench/rest_bench.py`` back to back;
   turns/s and p50/p95 per level.
2. Phone: N simultaneous calls of ``bench/voice_load.py`` (think time 8 s ± 2 s); the
   largest N with p95 < 300 ms and no errors (doubling, then bisection).
3. Twice that N with admission control (``max_concurrent_calls`` = N): errors, the
   admitted calls' p95, and how fast overflow callers hear the callback offer (their
   new-conversation request and their turns, served by the phone front).

Rasa's ``rasa init`` starter bot (trained once, cached in ``build/rasa-starter``) and our
bot, one user over plain HTTP straight to one Rasa process, in alternating rounds (the
same machine load for both): the p95 ratio (goal ≤ 1.2), for our bot as ``make run``
starts it (SQLite) and for one replica of the node. ``--quick`` (< 3 min): REST 1 and 10
users, no search: 2N = 80 calls per replica with max_concurrent_calls 40 per replica, and
only the node's ratio.

Run:  .venv/bin/python bench/capacity.py [--quick] [--replicas 1,2] [--skip-starter]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench import rest_bench, voice_load  # noqa: E402
from bench.helpers import starter_bot as starter  # noqa: E402
from bench.helpers.report import log, ms, table  # noqa: E402
from bench.helpers.stats import largest_passing, percentile  # noqa: E402
from bench.helpers.vaic import VoiceGateway  # noqa: E402

TARGET_P95 = voice_load.TARGET_P95
RATIO_GOAL = 1.2


@dataclass
class Phase:
    """The figures of one replica count."""

    replicas: int
    rest: list[rest_bench.LoadResult] = field(default_factory=list)
    phone: list[voice_load.LevelResult] = field(default_factory=list)
    best: int = 0
    failed_at: int | None = None
    overload: voice_load.LevelResult | None = None


@dataclass
class Ratio:
    """Single-user REST of our bot and of the starter bot, measured in alternating rounds."""

    label: str
    ours: rest_bench.LoadResult
    starter: rest_bench.LoadResult

    @property
    def value(self) -> float:
        return self.ours.stat(0.95) / self.starter.stat(0.95)


OUR_SCRIPT = rest_bench.make_script(rest_bench.OUR_SCRIPT, 10)
STARTER_SCRIPT = rest_bench.make_script(rest_bench.STARTER_SCRIPT, 10)


async def interleaved(label: str, ours_url: str, starter_url: str, args: argparse.Namespace) -> Ratio:
    """One user against ours, then against the starter, in ``args.ratio_rounds`` alternating rounds
    (so both see the same machine load)."""
    await rest_bench.warm_up(ours_url, OUR_SCRIPT, args.request_timeout)
    await rest_bench.warm_up(starter_url, STARTER_SCRIPT, args.request_timeout)
    ours = rest_bench.LoadResult("ours", 1, 0.0, [], 0, 0)
    starter = rest_bench.LoadResult("starter", 1, 0.0, [], 0, 0)
    seconds = args.rest_duration / args.ratio_rounds
    for _ in range(args.ratio_rounds):
        for total, url, script in ((ours, ours_url, OUR_SCRIPT), (starter, starter_url, STARTER_SCRIPT)):
            part = await rest_bench.measure_load(total.bot, url, 1, script, seconds, args.request_timeout)
            total.latencies += part.latencies
            total.errors += part.errors
            total.elapsed += part.elapsed
    ratio = Ratio(label, ours, starter)
    log(f"  single user, {label}: ours p95 {ms(ours.stat(0.95))} ms, starter p95 {ms(starter.stat(0.95))} ms, "
        f"ratio {ratio.value:.2f}")
    return ratio


async def warm_replicas(node: Any, args: argparse.Namespace) -> None:
    """A REST conversation and a call straight to each replica: no replica is measured cold."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=args.request_timeout)) as session:
        for url in node.rasa_urls:
            await rest_bench.warm_up(url, OUR_SCRIPT, args.request_timeout)
            call = await VoiceGateway(f"{url}/webhooks/audiocodes/webhook", node.token, session).call()
            await call.start()
            for text in voice_load.SCRIPT:
                await call.say(text)
            await call.disconnect()


async def rest_levels(node: Any, phase: Phase, args: argparse.Namespace) -> None:
    await warm_replicas(node, args)
    script = OUR_SCRIPT
    for users in args.users:
        result = await rest_bench.measure_load(f"R={phase.replicas}", node.url, users, script, args.rest_duration,
                                               args.request_timeout, ssl_context=node.context)
        log(f"  REST {users} user(s): {result.throughput:.1f} turns/s, p50 {ms(result.stat(0.5))} ms, "
            f"p95 {ms(result.stat(0.95))} ms, {result.errors} errors")
        phase.rest.append(result)


async def phone_level(node: Any, calls: int, args: argparse.Namespace, label: str) -> voice_load.LevelResult:
    result = await voice_load.measure(node.url, node.token, calls, args, label=label, ssl_context=node.context,
                                      quiet=True)
    log(f"  phone {label}: p95 {ms(result.p95)} ms, {result.errors} errors, {result.admitted} admitted / "
        f"{result.overflow} overflow, overflow p95 {ms(percentile(result.overflow_latencies, 0.95))} ms, "
        f"new call p95 {ms(percentile(result.create_latencies, 0.95))} ms")
    return result


async def phone_search(node: Any, phase: Phase, args: argparse.Namespace, start: int, deadline: float) -> None:
    """Largest N with p95 < 300 ms and no errors: doubling, then bisection."""
    found, phase.best, phase.failed_at = await largest_passing(
        lambda n: phone_level(node, n, args, f"N={n}"), lambda result: result.ok, start, args.max_n, deadline,
        min_step=10)
    phase.phone += found


async def run_phase(node: Any, replicas: int, args: argparse.Namespace, start: int,
                    starter_url: str | None, ratios: list[Ratio]) -> Phase:
    from bench.helpers.node import UNCAPPED

    phase = Phase(replicas)
    log(f"\n== {replicas} Rasa replica(s) behind the proxy …")
    node.use_replicas(replicas)
    await rest_levels(node, phase, args)
    if starter_url and replicas == 1:
        ratios.append(await interleaved("production stores, one replica", node.rasa_urls[0], starter_url, args))
    if not args.quick:  # quick: only the overload run, whose admitted calls are the level N
        await phone_search(node, phase, args, start, time.monotonic() + args.phase_budget)
    cap = phase.best or (args.quick_levels[replicas] if args.quick else 0)
    if cap:
        node.start_front(cap)  # admission control: max_concurrent_calls = N
        phase.overload = await phone_level(node, 2 * cap, args, f"2N={2 * cap} cap {cap}")
        node.start_front(UNCAPPED)
    return phase


@asynccontextmanager
async def starter_bot(args: argparse.Namespace) -> AsyncIterator[str | None]:
    """Rasa's starter bot (``rasa init``, trained once into ``build/rasa-starter``) on a free port; its URL."""
    workdir = await starter.trained_starter(args.init_timeout, log)
    try:
        bot = await asyncio.to_thread(starter.start_starter, workdir, args.startup_timeout)
    except RuntimeError as error:
        log(f"starter bot did not start:\n{error}")
        yield None
        return
    try:
        yield bot.url
    finally:
        bot.stop()


async def make_run_ratio(starter_url: str, args: argparse.Namespace) -> Ratio:
    """Our bot as ``make run`` starts it (SQLite stores, one Rasa, the action server) against the starter."""
    from bench.helpers.servers import knowledge_db, start_servers
    from bot.config import KNOWLEDGE_DIR

    log("\n== single-user REST: our bot as make run starts it (SQLite stores) against the rasa init starter bot …")
    workdir = Path(tempfile.mkdtemp(prefix="capacity-make-run-"))
    servers = start_servers(workdir, knowledge_db(workdir, KNOWLEDGE_DIR))
    try:
        return await interleaved("SQLite stores as make run", servers.rasa_url, starter_url, args)
    finally:
        servers.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def report(phases: list[Phase], ratios: list[Ratio], args: argparse.Namespace, started: float) -> None:
    log(f"\n== capacity of one node: {os.cpu_count()} CPU cores shared by clients and servers, "
        f"load average {os.getloadavg()[0]:.2f} at the end, {time.monotonic() - started:.0f} s"
        f"{', --quick' if args.quick else ''}")
    log("\nREST through nginx (10-turn conversations back to back):")
    table(["replicas", "users", "turns", "turns/s", "p50 ms", "p95 ms", "p99 ms", "errors"],
          [[p.replicas, r.users, r.turns, f"{r.throughput:.1f}", ms(r.stat(0.5)), ms(r.stat(0.95)), ms(r.stat(0.99)),
            r.errors] for p in phases for r in p.rest])
    log(f"\nPhone through nginx (think {args.think:.0f} s ± 2 s, {args.duration:.0f} s measured per level; "
        "overflow = callers beyond max_concurrent_calls, answered by the phone front):")
    rows = []
    for p in phases:
        for r in p.phone + ([p.overload] if p.overload else []):
            turns = len(r.latencies) + len(r.overflow_latencies)
            rows.append([p.replicas, r.label, f"{turns / r.seconds:.1f}", ms(percentile(r.latencies, 0.5)), ms(r.p95),
                         ms(percentile(r.latencies, 0.99)), r.errors, f"{r.admitted}/{r.overflow}",
                         ms(percentile(r.overflow_latencies, 0.5)), ms(percentile(r.overflow_latencies, 0.95)),
                         ms(percentile(r.create_latencies, 0.95))])
    table(["replicas", "level", "turns/s", "p50 ms", "p95 ms", "p99 ms", "errors", "admitted/overflow",
           "overflow p50", "overflow p95", "new call p95"], rows)
    log("\nSummary:")
    for p in phases:
        bound = (" (--quick: not searched)" if args.quick else
                 f" (N={p.failed_at} fails)" if p.failed_at else " (no level failed)")
        line = (f"  {p.replicas} replica(s): largest N with p95 < {TARGET_P95 * 1000:.0f} ms and no errors: "
                f"{p.best}{bound}")
        if p.overload:
            o = p.overload
            line += (f"; at 2N={o.calls} with max_concurrent_calls {o.calls // 2}: {o.errors} errors, admitted p95 "
                     f"{ms(o.p95)} ms, overflow p95 {ms(percentile(o.overflow_latencies, 0.95))} ms "
                     f"(goal < 100), new call p95 {ms(percentile(o.create_latencies, 0.95))} ms")
        log(line)
    for ratio in ratios:
        if ratio.ours.latencies and ratio.starter.latencies:
            log(f"  single-user REST straight to one Rasa process, {ratio.label}: "
                f"ours p50 {ms(ratio.ours.stat(0.5))} / "
                f"p95 {ms(ratio.ours.stat(0.95))} ms, rasa init starter p50 {ms(ratio.starter.stat(0.5))} / p95 "
                f"{ms(ratio.starter.stat(0.95))} ms (in-memory stores, no action server), alternating rounds: "
                f"p95 ratio {ratio.value:.2f} (goal ≤ {RATIO_GOAL})")
    log("  (the proxy's per-address and per-URI limits are raised: every simulated caller comes from 127.0.0.1)")


async def main_async(args: argparse.Namespace) -> int:
    from bench.helpers.node import start_node
    from bench.helpers.production import production_stores
    from bot.config import KNOWLEDGE_DIR

    started = time.monotonic()
    phases: list[Phase] = []
    ratios: list[Ratio] = []
    async with AsyncExitStack() as stack:
        starter_url = None if args.skip_starter else await stack.enter_async_context(starter_bot(args))
        if starter_url and not args.quick:
            ratios.append(await make_run_ratio(starter_url, args))
        with production_stores("capacity") as stores:
            workdir = Path(tempfile.mkdtemp(prefix="capacity-"))
            log(f"\n== starting a node with {max(args.replicas)} Rasa replicas (PostgreSQL, Redis, action server, "
                "phone front, nginx) …")
            node = start_node(workdir, KNOWLEDGE_DIR, max(args.replicas), stores)
            try:
                start = args.start
                for replicas in args.replicas:
                    phases.append(await run_phase(node, replicas, args, start, starter_url, ratios))
                    start = max(start, phases[-1].best)  # more replicas carry at least as many calls
                    if starter_url:
                        await stack.aclose()  # the starter bot is only compared in the first phase
                        starter_url = None
            finally:
                node.stop()
                if args.keep:
                    log(f"  logs kept in {workdir}")
                else:
                    shutil.rmtree(workdir, ignore_errors=True)
    report(phases, ratios, args, started)
    return 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no search, short measurements (< 3 min)")
    parser.add_argument("--replicas", default="1,2", help="replica counts, one phase each")
    parser.add_argument("--users", default="", help="REST users per level (default 1,10,20; quick 1,10)")
    parser.add_argument("--rest-duration", type=float, help="seconds per REST level (default 15, quick 6)")
    parser.add_argument("--duration", type=float, help="measured seconds per phone level (default 20, quick 8)")
    parser.add_argument("--think", type=float, default=8.0, help="mean think time of a caller (s)")
    parser.add_argument("--start", type=int, default=40, help="first N of the phone search")
    parser.add_argument("--max-n", type=int, default=1280)
    parser.add_argument("--phase-budget", type=float, default=200.0, help="seconds of phone search per phase")
    parser.add_argument("--request-timeout", type=float, default=10.0)
    parser.add_argument("--skip-starter", action="store_true", help="no rasa init comparison")
    parser.add_argument("--ratio-rounds", type=int, help="alternating rounds of the single-user ratio (8, quick 4)")
    parser.add_argument("--init-timeout", type=float, default=600.0)
    parser.add_argument("--startup-timeout", type=float, default=180.0)
    parser.add_argument("--keep", action="store_true", help="keep the servers' logs")
    args = parser.parse_args(argv)
    args.replicas = [int(x) for x in args.replicas.split(",") if x.strip()]
    args.users = [int(x) for x in (args.users or ("1,10" if args.quick else "1,10,20")).split(",") if x.strip()]
    args.rest_duration = args.rest_duration or (6.0 if args.quick else 15.0)
    args.duration = args.duration or (8.0 if args.quick else 20.0)
    args.ratio_rounds = args.ratio_rounds or (4 if args.quick else 8)
    args.quick_levels = {n: 40 * n for n in args.replicas}
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main_async(parse_args())))
