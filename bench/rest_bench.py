#!/usr/bin/env python3
"""Benchmark a running Rasa assistant over its HTTP API.

Parts (all bounded in time):
  1. NLU accuracy on the held-out split (intent + ``service``/``district``
     entities) via ``POST /model/parse``, scored by ``bot/nlu_report.py``.
  2. REST turn latency via ``POST /webhooks/rest/webhook`` for several
     concurrency levels (default 1 and 20 users; ``bench/helpers/rest_load.py``).
  3. The same latency measurement against the stock ``rasa init`` starter bot,
     started in a temp dir as a subprocess of this script
     (``bench/helpers/starter_bot.py``; ``--skip-starter`` to leave it out).

Run:  .venv/bin/python bench/rest_bench.py [--url http://127.0.0.1:5005]
      [--holdout tests/nlu/holdout.yml] [--skip-starter] [--users 1,20]
      [--turns 10] [--duration 20] [--with-server]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.helpers.nlu_http import evaluate_nlu, report_nlu  # noqa: E402
from bench.helpers.report import log, ms, table  # noqa: E402
from bench.helpers.rest_load import LOAD_HEADERS, OUR_SCRIPT, LoadResult, make_script, measure_load, send_turn, warm_up  # noqa: E402
from bench.helpers.servers import AUTH, knowledge_db, start_servers  # noqa: E402
from bench.helpers.starter_bot import STARTER_SCRIPT, start_starter, trained_starter  # noqa: E402
from bench.helpers.stats import percentile  # noqa: E402
from bot.nlu_report import HOLDOUT_SETS, load_examples  # noqa: E402

#: Environment of the servers ``--with-server`` starts: one client address sends every turn,
#: so no rate limits while measuring (bench/helpers/servers.py lifts the address limits).
LOAD_ENV = {"RATE_LIMIT_CONVERSATION": "0", "WEBCHAT_MAX_SOCKETS_PER_ADDRESS": "0",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


def section(title: str) -> None:
    log("")
    log(f"== {title} " + "=" * max(0, 70 - len(title)))


def resolve_repo_path(path: str) -> Path:
    """``path`` as given if it exists, else relative to the repo root."""
    given = Path(path)
    if given.exists() or given.is_absolute():
        return given
    return REPO_ROOT / given


def api_headers() -> dict[str, str]:
    """The Rasa API token of `make run` (created in var/secrets if missing), as a header."""
    from bot.secrets import LOCAL_SECRETS, RASA_AUTH_TOKEN, bearer_header, ensure_secret_file, require_secret

    for name in LOCAL_SECRETS:
        ensure_secret_file(name)
    return bearer_header(require_secret(RASA_AUTH_TOKEN))


async def server_reachable(url: str, headers: dict[str, str], timeout: float = 5.0) -> bool:
    """True if ``GET {url}/`` answers 200 with the API token within ``timeout``."""
    try:
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeout)
        ) as session, session.get(f"{url}/", headers=headers) as resp:
            await resp.read()
            return resp.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return False


async def part_nlu(args: argparse.Namespace, reachable: bool, headers: dict[str, str]) -> None:
    section(f"1. NLU accuracy on held-out split ({args.holdout})")
    holdout = resolve_repo_path(args.holdout)
    if not holdout.is_file():
        log(f"holdout file {holdout} does not exist (yet) - skipping NLU accuracy.")
        return
    if not reachable:
        log(f"server not reachable at {args.url} - skipping NLU accuracy.")
        return
    examples = load_examples(holdout)
    if not examples:
        log(f"holdout file {holdout} contains no NLU examples - skipping.")
        return
    t0 = time.monotonic()
    result = await evaluate_nlu(args.url, examples, headers, concurrency=4,
                                request_timeout=args.request_timeout,
                                total_timeout=args.nlu_timeout)
    if result is None:
        log(f"NLU evaluation exceeded {args.nlu_timeout:.0f} s - aborted.")
        return
    report_nlu(*result)
    log(f"(parsed in {time.monotonic() - t0:.1f} s)")


# --------------------------------------------------------------------------- #
# part 2: REST turn latency
# --------------------------------------------------------------------------- #
async def run_latency(
    bot: str, url: str, script: Sequence[str], args: argparse.Namespace
) -> list[LoadResult]:
    log(f"warm-up conversation against {url} ...")
    try:
        await asyncio.wait_for(
            warm_up(url, script, args.request_timeout),
            timeout=len(script) * args.request_timeout + 5,
        )
    except asyncio.TimeoutError:
        log("  warm-up timed out; measuring anyway")
    results: list[LoadResult] = []
    for users in args.users:
        log(f"{bot}: {users} user(s), {args.duration:.0f} s, "
            f"{len(script)}-turn conversations ...")
        results.append(await measure_load(bot, url, users, script, args.duration,
                                          args.request_timeout))
    table(LOAD_HEADERS, [r.row() for r in results])
    return results


async def part_latency(args: argparse.Namespace, reachable: bool) -> list[LoadResult]:
    section(f"2. REST turn latency - our bot ({args.url})")
    if not reachable:
        log(f"server not reachable at {args.url} - skipping latency for our bot.")
        return []
    script = make_script(OUR_SCRIPT, args.turns)
    return await run_latency("ours", args.url, script, args)


async def part_long_conversation(args: argparse.Namespace, reachable: bool) -> None:
    """One conversation of ``--long-turns`` turns: does latency grow with history?"""
    section(f"2b. one long conversation ({args.long_turns} turns, 1 user)")
    if not reachable or args.long_turns <= 0:
        log("skipped.")
        return
    script = make_script(OUR_SCRIPT, args.long_turns)
    sender = f"bench-long-{uuid.uuid4().hex}"
    latencies: list[float] = []
    timeout = aiohttp.ClientTimeout(total=args.request_timeout)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for text in script:
            start = time.perf_counter()
            if await send_turn(session, args.url, sender, text) is None:
                log("a turn failed - stopping the long conversation.")
                break
            latencies.append(time.perf_counter() - start)
    window = min(20, len(latencies) // 2)
    if window == 0:
        return
    first, last = sorted(latencies[:window]), sorted(latencies[-window:])
    table(
        ["turns", "p50 ms", "p95 ms"],
        [
            [f"1-{window}", ms(percentile(first, 0.5)), ms(percentile(first, 0.95))],
            [f"{len(latencies) - window + 1}-{len(latencies)}", ms(percentile(last, 0.5)),
             ms(percentile(last, 0.95))],
        ],
    )


# --------------------------------------------------------------------------- #
# --with-server: start our own bot (bench/helpers/servers.py)
# --------------------------------------------------------------------------- #
def start_our_bot(args: argparse.Namespace, stack: contextlib.ExitStack) -> bool:
    """``--with-server``: the action server and Rasa on free loopback ports, stopped with ``stack``.

    A temp dir holds the knowledge base (loaded from data/knowledge) and the SQLite tracker
    store; ``args.url`` becomes the new Rasa server. Blocks until both answer (a Ctrl-C in
    that time takes effect once they are up, and then stops them).
    """
    model = resolve_repo_path(args.model).resolve()
    if not model.is_file():
        log(f"--with-server: no trained model at {model} (run `make train`).")
        return False
    workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rasa-bench-ours-")))
    log(f"action server and python -m bot.server.rasa_server --model {args.model} on free ports in {workdir} ...")
    t0 = time.monotonic()
    try:
        servers = start_servers(workdir, knowledge_db(workdir), env_extra=LOAD_ENV, model=model)
    except (RuntimeError, OSError) as error:
        log(f"our bot did not start: {error}")
        return False
    stack.callback(servers.stop)
    args.url = servers.rasa_url
    log(f"  ready in {time.monotonic() - t0:.0f} s at {args.url}")
    return True


# --------------------------------------------------------------------------- #
# part 3: starter bot (rasa init) in a subprocess
# --------------------------------------------------------------------------- #
async def part_starter(args: argparse.Namespace) -> list[LoadResult]:
    section("3. REST turn latency - stock `rasa init` starter bot")
    if args.skip_starter:
        log("skipped (--skip-starter).")
        return []
    try:
        t0 = time.monotonic()
        workdir = await trained_starter(args.init_timeout, log)
        log("rasa run --enable-api -i 127.0.0.1 on a free port ...")
        bot = start_starter(workdir, args.startup_timeout)
        try:
            log(f"  ready in {time.monotonic() - t0:.0f} s at {bot.url} (pid {bot.process.pid})")
            return await run_latency("starter", bot.url, make_script(STARTER_SCRIPT, args.turns), args)
        finally:
            bot.stop()
    except (RuntimeError, OSError) as exc:
        log(f"starter bot benchmark failed: {exc}")
        return []


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #
def report_summary(results: Sequence[LoadResult]) -> None:
    section("Summary")
    if not results:
        log("no latency results.")
        return
    table(
        ["bot", "users", "turns/s", "p50 ms", "p95 ms", "p99 ms", "errors"],
        [[r.bot, r.users, f"{r.throughput:.1f}", ms(r.stat(0.5)),
          ms(r.stat(0.95)), ms(r.stat(0.99)), r.errors] for r in results],
    )


def parse_users(text: str) -> list[int]:
    try:
        users = [int(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"bad --users {text!r}") from exc
    if not users or any(u < 1 or u > 500 for u in users):
        raise argparse.ArgumentTypeError("--users: comma list of 1..500")
    return users


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:5005",
                   help="base URL of our running bot (rasa run --enable-api)")
    p.add_argument("--holdout", default=str(HOLDOUT_SETS[0].path.relative_to(REPO_ROOT)))
    p.add_argument("--skip-starter", action="store_true",
                   help="do not build/run the rasa init starter bot")
    p.add_argument("--skip-ours", action="store_true",
                   help="only benchmark the starter bot (skip parts 1 and 2)")
    p.add_argument("--with-server", action="store_true",
                   help="if --url is not reachable, start our bot on free ports (action "
                        "server + Rasa, bench/helpers/servers.py) and stop it at the end")
    p.add_argument("--model", default="models/buergertelefon.tar.gz",
                   help="model for --with-server (default relative to the repo root)")
    p.add_argument("--users", type=parse_users, default=[1, 20],
                   help="comma-separated concurrency levels (default 1,20)")
    p.add_argument("--turns", type=int, default=10, help="turns per conversation")
    p.add_argument("--long-turns", type=int, default=400,
                   help="turns of the single long conversation (0 = skip)")
    p.add_argument("--duration", type=float, default=20.0,
                   help="seconds per concurrency level (default 20)")
    p.add_argument("--request-timeout", type=float, default=30.0)
    p.add_argument("--nlu-timeout", type=float, default=600.0,
                   help="hard limit for the whole NLU evaluation")
    p.add_argument("--init-timeout", type=float, default=900.0,
                   help="hard limit for rasa init (incl. training)")
    p.add_argument("--startup-timeout", type=float, default=300.0,
                   help="hard limit for the starter server to load its model")
    return p


async def bench_our_bot(args: argparse.Namespace) -> list[LoadResult]:
    """Parts 1 and 2 (with ``--with-server``: on a bot this script starts)."""
    with contextlib.ExitStack() as stack:
        headers = api_headers()  # of a bot `make run` started
        reachable = await server_reachable(args.url, headers)
        if args.with_server and not reachable:
            section(f"0. starting our bot ({args.url} does not answer; --with-server)")
            reachable = start_our_bot(args, stack)
            headers = AUTH  # the test token of bench/helpers/servers.py
        await part_nlu(args, reachable, headers)
        results = await part_latency(args, reachable)
        await part_long_conversation(args, reachable)
        return results


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


async def amain(args: argparse.Namespace) -> int:
    # Ctrl-C / SIGTERM / SIGHUP cancel this task, so every `finally` (which
    # stops the starter bot and removes its temp dir) runs inside the loop
    main_task = asyncio.current_task()
    assert main_task is not None
    for sig in STOP_SIGNALS:
        asyncio.get_running_loop().add_signal_handler(sig, main_task.cancel)
    args.url = args.url.rstrip("/")
    results: list[LoadResult] = []
    try:
        if not args.skip_ours:
            results += await bench_our_bot(args)
        results += await part_starter(args)
    except asyncio.CancelledError:
        log("\ninterrupted.")
        return 130
    report_summary(results)
    return 0


def _raise_interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    args = build_parser().parse_args()
    if args.duration <= 0 or args.turns < 1:
        build_parser().error("--duration must be > 0 and --turns >= 1")
    # outside the event loop the stop signals raise KeyboardInterrupt (SIGINT is
    # set explicitly: a background job may inherit it as ignored)
    for sig in STOP_SIGNALS:
        signal.signal(sig, _raise_interrupt)
    try:
        return asyncio.run(amain(args))
    except KeyboardInterrupt:
        log("\ninterrupted.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
