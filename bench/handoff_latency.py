#!/usr/bin/env python3
"""Handoff to staff end to end on loopback: queue, take-over, messages both ways, hand back.

    .venv/bin/python bench/handoff_latency.py [--citizens 20] [--spread 2] [--messages 5] [--think 1]
                                              [--parallel N] [--timeout 30] [--budget 900] [--keep]

The script starts its own stack on free loopback ports (knowledge base, staff, tracker
and telephony databases in a temp dir; the action server; Rasa with the REST and
socket.io channels and ``--enable-api``; the staff console with a handoff.yml whose team
is always staffed) and stops it at the end, also on errors, Ctrl-C and SIGTERM.

N citizens (python-socketio, long-polling) ask for a person at random moments within
``--spread`` seconds (0: all at once). One agent, logged in to the console over HTTP,
watches the live queue (``/queue/events``), takes every conversation over, writes M
messages, reads the citizen's M messages on the conversation's stream
(``/conversations/{id}/events``) and hands back to the bot. Up to ``--parallel``
conversations (default: all) are handled at the same time.

Printed: count, p50, p95 and max in ms and errors of each step (see bench/README.md).
Every wait has a time limit (``--timeout``, and ``--budget`` for the whole run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.handoff.scenario import MEASURES, Measure, log, measure
from bench.handoff.stack import Stack
from bench.helpers.stats import percentile
from bot.console.sse import POLL_SECONDS


def print_table(results: dict[str, Measure]) -> None:
    headers = ["measure", "count", "p50 ms", "p95 ms", "max ms", "errors"]
    rows = []
    for key, label in MEASURES:
        measure = results[key]
        ordered = sorted(measure.samples)
        if ordered:
            figures = [f"{percentile(ordered, 0.5) * 1000:.0f}", f"{percentile(ordered, 0.95) * 1000:.0f}",
                       f"{ordered[-1] * 1000:.0f}"]
        else:
            figures = ["–", "–", "–"]
        rows.append([label, str(len(ordered)), *figures, str(measure.errors)])
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    for number, row in enumerate([headers, *rows]):
        cells = enumerate(zip(row, widths, strict=True))
        log("  ".join(cell.rjust(width) if i else cell.ljust(width) for i, (cell, width) in cells))
        if number == 0:
            log("  ".join("-" * width for width in widths))
    for key, label in MEASURES:
        if results[key].first_error:
            log(f"first error of '{label}': {results[key].first_error}")



def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=20, help="citizens asking for a person at once (20)")
    parser.add_argument("--spread", type=float, default=2.0,
                        help="the citizens ask at random moments within this many s (2; 0 = all at once)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="random pause of up to this many s before each message, not measured (1)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of those moments and pauses (1)")
    parser.add_argument("--messages", type=int, default=5, help="messages each way per conversation (5)")
    parser.add_argument("--parallel", type=int, help="conversations the agent handles at the same time (all)")
    parser.add_argument("--timeout", type=float, default=30.0, help="limit of every single wait in s (30)")
    parser.add_argument("--budget", type=float, default=900.0, help="limit of the measured run in s (900)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir with databases and logs")
    args = parser.parse_args(argv)
    if args.citizens < 1 or min(args.messages, args.spread, args.think) < 0:
        parser.error("--citizens must be ≥ 1, --messages, --spread and --think ≥ 0")
    args.parallel = max(1, args.parallel or args.citizens)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)

    def terminate(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    workdir = Path(tempfile.mkdtemp(prefix="handoff-bench-"))
    stack = Stack(workdir, queue_limit=max(1000, 10 * args.citizens))
    results = {key: Measure() for key, _ in MEASURES}
    code = 1
    started = time.monotonic()
    try:
        log(f"starting action server, Rasa (socket.io + REST, API) and the staff console in {workdir} …")
        stack.start()
        log(f"stack up after {time.monotonic() - started:.0f} s: Rasa {stack.rasa_url}, console {stack.console_url}")
        code = asyncio.run(measure(stack, args, results))
    except (RuntimeError, OSError) as error:  # a server did not start (BenchError is a RuntimeError)
        log(f"error: {error}")
    except KeyboardInterrupt:
        log("interrupted")
        code = 130
    finally:
        failed = code not in (0, 130)
        if failed and stack.running:
            log(stack.log_tail(15))
        log("stopping the servers …")
        # a second Ctrl-C or SIGTERM must not leave servers behind
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log("")
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    log(f"{args.citizens} citizens asking within {args.spread:g} s, {args.messages} messages each way "
        f"(pause 0–{args.think:g} s before each), {args.parallel} conversations at a time, one agent")
    log(f"timeout {args.timeout:g} s per wait, seed {args.seed}; the console's live streams poll every "
        f"{POLL_SECONDS:g} s")
    log(f"{cores} CPU cores ({usable} usable) shared by the client and all servers; SQLite stores; "
        f"python-socketio long-polling")
    print_table(results)
    return code


if __name__ == "__main__":
    sys.exit(main())
