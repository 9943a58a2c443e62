#!/usr/bin/env python3
"""Benchmark a running Rasa assistant over its HTTP API.

Parts (all bounded in time):
  1. NLU accuracy on the held-out split (intent + ``service``/``district``
     entities) via ``POST /model/parse``.
  2. REST turn latency via ``POST /webhooks/rest/webhook`` for several
     concurrency levels (default 1 and 20 users).
  3. The same latency measurement against the stock ``rasa init`` starter bot,
     started in a temp dir as a subprocess of this script (``--skip-starter``
     to leave it out).

Run:  .venv/bin/python bench/rest_bench.py [--url http://127.0.0.1:5005]
      [--holdout tests/nlu/holdout.yml] [--skip-starter] [--users 1,20]
      [--turns 10] [--duration 20]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import aiohttp

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.helpers.stats import percentile  # noqa: E402

ENTITY_TYPES: tuple[str, ...] = ("service", "district")

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

STARTER_SCRIPT: tuple[str, ...] = (
    "hi",
    "I am sad",
    "yes",
    "hello there",
    "not so good",
    "no",
    "are you a bot?",
    "I am great",
    "good morning",
    "bye",
)


# --------------------------------------------------------------------------- #
# small helpers
# --------------------------------------------------------------------------- #
def log(msg: str) -> None:
    print(msg, flush=True)


def section(title: str) -> None:
    log("")
    log(f"== {title} " + "=" * max(0, 70 - len(title)))


def normalise(value: Any) -> str:
    """Compare entity values case-/whitespace-/unicode-insensitively (ß == ss)."""
    text = unicodedata.normalize("NFKC", str(value))
    return " ".join(text.casefold().split())


def fmt_ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.0f}"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    for n, row in enumerate(cells):
        log("  ".join(c.rjust(w) if n and i else c.ljust(w)
                      for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            log(line)


def resolve_repo_path(path: str) -> Path:
    """``path`` as given if it exists, else relative to the repo root."""
    given = Path(path)
    if given.exists() or given.is_absolute():
        return given
    return REPO_ROOT / given


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def server_reachable_exact(url: str, timeout: float = 5.0) -> bool:
    """True if ``GET url`` answers with HTTP 200 within ``timeout``."""
    try:
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeout)
        ) as session:
            async with session.get(url) as resp:
                await resp.read()
                return resp.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return False


async def server_reachable(url: str) -> bool:
    """True if ``GET {url}/`` answers with HTTP 200."""
    return await server_reachable_exact(f"{url}/")


# --------------------------------------------------------------------------- #
# part 1: NLU accuracy
# --------------------------------------------------------------------------- #
@dataclass
class NluExample:
    text: str
    intent: str | None
    entities: dict[str, list[str]]  # entity type -> normalised gold values


@dataclass
class NluResult:
    examples: int = 0
    intent_total: int = 0
    intent_correct: int = 0
    entity_total: Counter[str] = field(default_factory=Counter)
    entity_correct: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)


def load_holdout(path: Path) -> list[NluExample]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    examples: list[NluExample] = []
    for msg in data.nlu_examples:
        gold: dict[str, list[str]] = {}
        for ent in msg.get("entities") or []:
            if ent.get("entity") in ENTITY_TYPES:
                gold.setdefault(ent["entity"], []).append(normalise(ent.get("value")))
        examples.append(NluExample(msg.get("text"), msg.get("intent"), gold))
    return examples


async def parse_one(
    session: aiohttp.ClientSession, url: str, text: str
) -> dict[str, Any] | None:
    try:
        async with session.post(f"{url}/model/parse", json={"text": text}) as resp:
            if resp.status != 200:
                return None
            return await resp.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return None


def score_example(
    result: NluResult, ex: NluExample, parsed: dict[str, Any] | None
) -> None:
    result.examples += 1
    if parsed is None:
        result.errors += 1
    predicted_intent = ((parsed or {}).get("intent") or {}).get("name")
    if ex.intent:
        result.intent_total += 1
        if predicted_intent == ex.intent:
            result.intent_correct += 1
        else:
            result.confusions[(ex.intent, str(predicted_intent))] += 1
    predicted: dict[str, set[str]] = {}
    for ent in (parsed or {}).get("entities") or []:
        predicted.setdefault(ent.get("entity"), set()).add(normalise(ent.get("value")))
    for etype, gold_values in ex.entities.items():
        result.entity_total[etype] += 1
        if all(v in predicted.get(etype, set()) for v in gold_values):
            result.entity_correct[etype] += 1


async def evaluate_nlu(
    url: str, examples: list[NluExample], concurrency: int, request_timeout: float,
    total_timeout: float,
) -> NluResult | None:
    """Parse all examples (``concurrency`` at a time); None if over time."""
    result = NluResult()
    sem = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=request_timeout)
    ) as session:

        async def run(ex: NluExample) -> None:
            async with sem:
                score_example(result, ex, await parse_one(session, url, ex.text))

        tasks = [asyncio.create_task(run(ex)) for ex in examples]
        try:
            _, pending = await asyncio.wait(tasks, timeout=total_timeout)
        finally:
            await cancel_all(tasks)
    return None if pending else result


def pct(n: int, d: int) -> str:
    return "-" if d == 0 else f"{100.0 * n / d:.1f}%"


def report_nlu(result: NluResult) -> None:
    rows: list[list[Any]] = [
        ["intent", result.intent_correct, result.intent_total,
         pct(result.intent_correct, result.intent_total)]
    ]
    for etype in ENTITY_TYPES:
        rows.append([f"entity:{etype}", result.entity_correct[etype],
                     result.entity_total[etype],
                     pct(result.entity_correct[etype], result.entity_total[etype])])
    print_table(["metric", "correct", "of", "accuracy"], rows)
    log(f"examples: {result.examples}   request errors: {result.errors}")
    if result.confusions:
        log("most frequent intent confusions (gold -> predicted):")
        for (gold, pred), n in result.confusions.most_common(8):
            log(f"  {n:4d}  {gold} -> {pred}")


async def part_nlu(args: argparse.Namespace, reachable: bool) -> None:
    section(f"1. NLU accuracy on held-out split ({args.holdout})")
    holdout = resolve_repo_path(args.holdout)
    if not holdout.is_file():
        log(f"holdout file {holdout} does not exist (yet) - skipping NLU accuracy.")
        return
    if not reachable:
        log(f"server not reachable at {args.url} - skipping NLU accuracy.")
        return
    examples = load_holdout(holdout)
    if not examples:
        log(f"holdout file {holdout} contains no NLU examples - skipping.")
        return
    t0 = time.monotonic()
    result = await evaluate_nlu(args.url, examples, concurrency=4,
                                request_timeout=args.request_timeout,
                                total_timeout=args.nlu_timeout)
    if result is None:
        log(f"NLU evaluation exceeded {args.nlu_timeout:.0f} s - aborted.")
        return
    report_nlu(result)
    log(f"(parsed in {time.monotonic() - t0:.1f} s)")


# --------------------------------------------------------------------------- #
# part 2: REST turn latency
# --------------------------------------------------------------------------- #
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
                fmt_ms(percentile(s, 0.5)), fmt_ms(percentile(s, 0.95)),
                fmt_ms(percentile(s, 0.99)), fmt_ms(s[-1] if s else math.nan),
                self.errors, self.empty]


LOAD_HEADERS = ["bot", "users", "turns", "turns/s", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "errors", "empty"]


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
    print_table(LOAD_HEADERS, [r.row() for r in results])
    return results


def make_script(base: Sequence[str], turns: int) -> list[str]:
    """Repeat/cut the fixed script to exactly ``turns`` turns."""
    return [base[i % len(base)] for i in range(max(1, turns))]


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
    print_table(
        ["turns", "p50 ms", "p95 ms"],
        [
            [f"1-{window}", fmt_ms(percentile(first, 0.5)), fmt_ms(percentile(first, 0.95))],
            [f"{len(latencies) - window + 1}-{len(latencies)}", fmt_ms(percentile(last, 0.5)), fmt_ms(percentile(last, 0.95))],
        ],
    )


# --------------------------------------------------------------------------- #
# child processes (rasa init / rasa run / rasa run actions)
# --------------------------------------------------------------------------- #
def rasa_binary() -> str:
    candidate = Path(sys.executable).with_name("rasa")
    if not candidate.exists():
        raise FileNotFoundError(f"no rasa executable next to {sys.executable}")
    return str(candidate)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2",
               SQLALCHEMY_SILENCE_UBER_WARNING="1", PYTHONUNBUFFERED="1",
               # One client address sends every turn: no rate limits while measuring.
               RATE_LIMIT_CONVERSATION="0", RATE_LIMIT_ADDRESS="0", RATE_LIMIT_NEW_SESSIONS="0",
               WEBCHAT_MAX_SOCKETS_PER_ADDRESS="0")
    return env


def api_headers() -> dict[str, str]:
    """The Rasa API token of `make run` (created in var/secrets if missing), as a header."""
    from bot.secrets import LOCAL_SECRETS, RASA_AUTH_TOKEN, bearer_header, ensure_secret_file, require_secret

    for name in LOCAL_SECRETS:
        ensure_secret_file(name)
    return bearer_header(require_secret(RASA_AUTH_TOKEN))


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# every child process we start, so that main() can stop them on any exit path
_CHILDREN: set[subprocess.Popen[bytes]] = set()


def spawn(
    cmd: list[str], logfile: Path, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in its own process group, output to ``logfile``."""
    with open(logfile, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=child_env(), start_new_session=True,
        )
    _CHILDREN.add(proc)
    return proc


async def init_starter(workdir: Path, timeout: float) -> None:
    """``rasa init --no-prompt`` (creates and trains the starter project)."""
    logfile = workdir.parent / "rasa-init.log"
    proc = spawn([rasa_binary(), "init", "--no-prompt", "--init-dir", str(workdir)],
                 logfile)
    try:
        deadline = time.monotonic() + timeout
        while proc.poll() is None:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"rasa init exceeded {timeout:.0f} s:\n{tail(logfile)}"
                )
            await asyncio.sleep(0.5)
    finally:
        stop_process(proc)
    if proc.returncode != 0 or not any((workdir / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init failed (rc={proc.returncode}):\n{tail(logfile)}")


def stop_process(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Terminate the process group we started (SIGTERM, then SIGKILL)."""
    _CHILDREN.discard(proc)
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


async def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Poll ``GET /`` and ``GET /status`` until the model is loaded."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=5)
    ) as session:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            with contextlib.suppress(
                aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError
            ):
                async with session.get(f"{url}/", headers=api_headers()) as root:
                    await root.read()
                async with session.get(f"{url}/status", headers=api_headers()) as status:
                    body = await status.json(content_type=None)
                    loaded = isinstance(body, dict) and body.get("model_file")
                    if root.status == 200 and status.status == 200 and loaded:
                        return True
            await asyncio.sleep(1.0)
    return False


@contextlib.contextmanager
def managed(cmd: list[str], logfile: Path, cwd: Path | None = None
            ) -> Iterator[subprocess.Popen[bytes]]:
    """A child process that is always stopped when the block is left."""
    proc = spawn(cmd, logfile, cwd=cwd)
    try:
        yield proc
    finally:
        stop_process(proc)


async def wait_http_ok(url: str, proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Poll ``GET url`` until it answers 200 (False if proc dies or time runs out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if await server_reachable_exact(url):
            return True
        await asyncio.sleep(1.0)
    return False


# --------------------------------------------------------------------------- #
# --with-server: start our own bot (like `make run`)
# --------------------------------------------------------------------------- #
def action_endpoint_url(endpoints: Path) -> str | None:
    """``action_endpoint.url`` from endpoints.yml, if any."""
    import yaml

    try:
        data = yaml.safe_load(endpoints.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return None
    return (data.get("action_endpoint") or {}).get("url")


async def start_our_bot(
    args: argparse.Namespace, stack: contextlib.ExitStack, logdir: Path
) -> bool:
    """``--with-server``: start the action server and ``rasa run`` like ``make run``."""
    from urllib.parse import urlsplit

    model = resolve_repo_path(args.model).resolve()
    if not model.is_file():
        log(f"--with-server: no trained model at {model} (run `make train`).")
        return False
    action_url = action_endpoint_url(REPO_ROOT / "endpoints.yml")
    if action_url:
        action = urlsplit(action_url)
        health = f"{action.scheme}://{action.netloc}/health"
        if await server_reachable_exact(health):
            log(f"action server already running at {action.netloc}")
        else:
            proc = stack.enter_context(managed(
                [sys.executable, "-m", "bot.server.action_server", "--port", str(action.port or 5055)],
                logdir / "actions.log", cwd=REPO_ROOT))
            log(f"rasa run actions --port {action.port or 5055}  (pid {proc.pid}) ...")
            if not await wait_http_ok(health, proc, args.startup_timeout):
                log(f"action server did not start:\n{tail(logdir / 'actions.log')}")
                return False
    target = urlsplit(args.url)
    proc = stack.enter_context(managed(
        [sys.executable, "-m", "bot.server.rasa_server", "--model", str(model), "--endpoints", "endpoints.yml",
         "--credentials", "credentials.yml",
         "-i", target.hostname or "127.0.0.1", "--port", str(target.port or 5005)],
        logdir / "rasa-run.log", cwd=REPO_ROOT))
    log(f"python -m bot.server.rasa_server --model {args.model} --port {target.port or 5005}"
        f"  (pid {proc.pid}) ...")
    t0 = time.monotonic()
    if not await wait_ready(args.url, proc, args.startup_timeout):
        log(f"our bot did not become ready:\n{tail(logdir / 'rasa-run.log')}")
        return False
    log(f"  ready in {time.monotonic() - t0:.0f} s")
    return True


# --------------------------------------------------------------------------- #
# part 3: starter bot (rasa init) in a subprocess
# --------------------------------------------------------------------------- #
async def part_starter(args: argparse.Namespace) -> list[LoadResult]:
    section("3. REST turn latency - stock `rasa init` starter bot")
    if args.skip_starter:
        log("skipped (--skip-starter).")
        return []
    tmp = Path(tempfile.mkdtemp(prefix="rasa-starter-"))
    workdir = tmp / "bot"
    workdir.mkdir()
    try:
        log(f"rasa init --no-prompt --init-dir {workdir}  (trains; ~1 min) ...")
        t0 = time.monotonic()
        await init_starter(workdir, args.init_timeout)
        log(f"  done in {time.monotonic() - t0:.0f} s")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        logfile = tmp / "rasa-run.log"
        with managed([rasa_binary(), "run", "--enable-api", "-i", "127.0.0.1",
                      "--port", str(port)], logfile, cwd=workdir) as proc:
            log(f"rasa run --enable-api -i 127.0.0.1 --port {port}"
                f"  (pid {proc.pid}) ...")
            t0 = time.monotonic()
            if not await wait_ready(url, proc, args.startup_timeout):
                log(f"starter bot did not become ready (rc={proc.poll()}):\n"
                    f"{tail(logfile)}")
                return []
            log(f"  ready in {time.monotonic() - t0:.0f} s")
            return await run_latency("starter", url,
                                     make_script(STARTER_SCRIPT, args.turns), args)
    except (RuntimeError, OSError) as exc:
        log(f"starter bot benchmark failed: {exc}")
        return []
    finally:
        if args.keep_starter:
            log(f"starter project kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #
def report_summary(results: Sequence[LoadResult]) -> None:
    section("Summary")
    if not results:
        log("no latency results.")
        return
    print_table(
        ["bot", "users", "turns/s", "p50 ms", "p95 ms", "p99 ms", "errors"],
        [[r.bot, r.users, f"{r.throughput:.1f}", fmt_ms(r.stat(0.5)),
          fmt_ms(r.stat(0.95)), fmt_ms(r.stat(0.99)), r.errors] for r in results],
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
    p.add_argument("--holdout", default="tests/nlu/holdout.yml")
    p.add_argument("--skip-starter", action="store_true",
                   help="do not build/run the rasa init starter bot")
    p.add_argument("--skip-ours", action="store_true",
                   help="only benchmark the starter bot (skip parts 1 and 2)")
    p.add_argument("--with-server", action="store_true",
                   help="if --url is not reachable, start our bot there (action "
                        "server + rasa run, like `make run`) and stop it at the end")
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
    p.add_argument("--keep-starter", action="store_true",
                   help="keep the starter project temp dir (for debugging)")
    return p


async def bench_our_bot(args: argparse.Namespace) -> list[LoadResult]:
    """Parts 1 and 2 (with ``--with-server``: on a bot this script starts)."""
    with contextlib.ExitStack() as stack:
        reachable = await server_reachable(args.url)
        if args.with_server and not reachable:
            section(f"0. starting our bot for {args.url} (--with-server)")
            logdir = Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="rasa-bench-ours-")))
            reachable = await start_our_bot(args, stack, logdir)
        await part_nlu(args, reachable)
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
    finally:
        for proc in list(_CHILDREN):
            stop_process(proc)


if __name__ == "__main__":
    sys.exit(main())
