"""Fuzzing benchmark: the properties of tests/fuzz with ≥ 10,000 cases in total.

    .venv/bin/python bench/fuzz.py [--parser-cases 500] [--http-cases 1500] [--random]

Runs every channel-parser property (bench/helpers/fuzz_parsers.py) and raw HTTP requests
against the web server and the staff console in-process (bench/helpers/fuzz_http.py).
Prints cases and time per property, failures (must be 0: a failure is shrunk by
hypothesis and printed) and the peak RSS of this process after each property (it must
level off: no unbounded memory). Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import functools
import logging
import resource
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.helpers import fuzz_http
from bench.helpers.fuzz_parsers import properties, run_property


def peak_rss_mb() -> float:
    """Peak resident set size of this process (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parser-cases", type=int, default=500, help="cases per parser property")
    parser.add_argument("--http-cases", type=int, default=1500, help="requests per app")
    parser.add_argument("--random", action="store_true", help="new random cases (default: the same on every run)")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # refused requests are logged by the apps, thousands of them

    runs: list[tuple[str, Any, Callable[[Any], None], int]] = [
        (name, strategy, check, args.parser_cases) for name, (strategy, check) in properties().items()]
    total = failures = 0
    start = time.perf_counter()
    print(f"{'property':<32} {'cases':>7} {'s':>7} {'peak MB':>8}  result")

    def run(name: str, strategy: Any, check: Callable[[Any], None], cases: int) -> None:
        nonlocal total, failures
        began = time.perf_counter()
        try:
            ran = run_property(strategy, check, cases, derandomize=not args.random)
            result = "ok"
        except Exception as error:  # noqa: BLE001 - reported, counted, and the next property runs
            ran, result = cases, f"FAILED: {error!r}"
            failures += 1
            traceback.print_exc()
            for note in getattr(error, "__notes__", []):
                print(note)
        total += ran
        print(f"{name:<32} {ran:>7} {time.perf_counter() - began:>7.1f} {peak_rss_mb():>8.0f}  {result}", flush=True)

    for name, strategy, check, cases in runs:
        run(name, strategy, check, cases)
    with fuzz_http.temporary_directory() as directory:
        for name, make, strategy in (
                ("http_web_server", fuzz_http.web_app, fuzz_http.raw_requests(fuzz_http.WEB_PATHS)),
                ("http_console", fuzz_http.console_app, fuzz_http.console_requests())):
            app = make(Path(directory))
            try:
                run(name, strategy, functools.partial(fuzz_http.check_raw_request, app), args.http_cases)
            finally:
                app.close()
    print(f"\ncases run: {total}   failures: {failures}   time: {time.perf_counter() - start:.0f} s   "
          f"peak RSS: {peak_rss_mb():.0f} MB")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
