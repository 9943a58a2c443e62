#!/usr/bin/env python3
"""Profile a turn: where the milliseconds of one REST or phone turn go, stage by stage.

Starts the action server and one Rasa server with the phone channel and
``TURN_PROFILE`` (``bot/server/turn_profile.py``: ``perf_counter`` spans around the tracker
load and save, the lock, NLU, the policies, the action server round trip, and in the
action server the knowledge base and the staff database), then plays one user at a
time: ``--conversations`` REST conversations of ten turns and ``--calls`` phone calls.
Prints per stage the samples, the milliseconds per turn (sum / turns), p50 and p95,
and the share of the Rasa turn. Client and servers on loopback; SQLite stores as
``make run``, or ``--production`` (PostgreSQL tracker, Redis lock store and call state).

Run:  .venv/bin/python bench/turn_profile.py [--production] [--conversations 6] [--calls 6]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

import aiohttp

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.helpers.report import log, table  # noqa: E402
from bench.helpers.rest_load import OUR_SCRIPT  # noqa: E402
from bench.helpers.stats import percentile  # noqa: E402
from bench.helpers.vaic import VoiceGateway  # noqa: E402
from bench.voice_load import SCRIPT  # noqa: E402

#: The same conversations as the REST and phone benchmarks, so the profile explains their figures.
REST_SCRIPT, PHONE_SCRIPT = OUR_SCRIPT, SCRIPT
RASA_STAGES = ("lock", "tracker_load", "nlu", "policy", "action_call_format", "action_server", "action_http",
               "action_validate", "tracker_save")
ACTION_STAGES = ("action", "knowledge", "staff_settings", "staff_notices", "staff_queue")


async def rest_turns(url: str, conversations: int) -> list[float]:
    latencies: list[float] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        for number in range(conversations):
            sender = f"profile-{uuid.uuid4().hex[:8]}-{number}"
            for text in REST_SCRIPT:
                start = time.perf_counter()
                async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as r:
                    await r.read()
                    if r.status != 200:
                        raise RuntimeError(f"REST turn failed: {r.status}")
                latencies.append(time.perf_counter() - start)
    return latencies


async def phone_turns(bot_url: str, token: str, calls: int) -> list[float]:
    latencies: list[float] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        gateway = VoiceGateway(bot_url, token, session)
        for _ in range(calls):
            call = await gateway.call()
            turns = [await call.start()] + [await call.say(text) for text in PHONE_SCRIPT]
            await call.disconnect()
            if any(turn.status != 200 for turn in turns):
                raise RuntimeError("phone turn failed")
            latencies += [turn.latency for turn in turns]
    return latencies


def read_samples(directory: Path, role: str) -> dict[str, list[float]]:
    merged: dict[str, list[float]] = {}
    for path in directory.glob(f"{role}-*.json"):
        for stage, values in json.loads(path.read_text(encoding="utf-8")).items():
            merged.setdefault(stage, []).extend(values)
    return merged


def snapshot(directory: Path) -> dict[str, dict[str, list[float]]]:
    return {role: read_samples(directory, role) for role in ("rasa", "actions")}


def delta(after: dict[str, list[float]], before: dict[str, list[float]]) -> dict[str, list[float]]:
    """The samples recorded between two snapshots (the files only grow, up to KEEP per stage)."""
    return {stage: values[len(before.get(stage, [])):] for stage, values in after.items()}


def profile_table(label: str, client: list[float], rasa: dict[str, list[float]],
                  actions: dict[str, list[float]]) -> None:
    turns = len(client)
    turn_total = sum(rasa.get("turn", []))
    log(f"\n{label}: {turns} turns, client p50 {percentile(client, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(client, 0.95) * 1000:.1f} ms")

    def row(name: str, samples: list[float], scale: float = 1.0) -> list[str]:
        per_turn = sum(samples) * scale / turns
        figures = [f"{percentile(samples, q) * scale:.2f}" if samples else "-" for q in (0.5, 0.95)]
        share = f"{100 * per_turn * turns / turn_total:.0f} %" if turn_total else "-"
        return [name, str(len(samples)), f"{per_turn:.2f}", *figures, share]

    rows = [row("client: whole request", client, 1000.0), row("rasa: turn (in the lock)", rasa.get("turn", []))]
    rows += [row(f"  rasa: {stage}", rasa.get(stage, [])) for stage in RASA_STAGES]
    rows += [row(f"    actions: {stage}", actions.get(stage, [])) for stage in ACTION_STAGES]
    table(["stage", "samples", "ms/turn", "p50 ms", "p95 ms", "share of turn"], rows)


async def settle(directory: Path) -> dict[str, dict[str, list[float]]]:
    """Wait until the servers have written their last samples (they write once a second)."""
    await asyncio.sleep(1.5)
    return snapshot(directory)


async def run(args: argparse.Namespace, directory: Path, url: str, bot_url: str, token: str) -> None:
    await rest_turns(url, 1)  # warm-up, not measured
    await phone_turns(bot_url, token, 1)
    before = await settle(directory)
    client = await rest_turns(url, args.conversations)
    after = await settle(directory)
    rest = {role: delta(after[role], before[role]) for role in after}
    phone_client = await phone_turns(bot_url, token, args.calls)
    final = await settle(directory)
    phone = {role: delta(final[role], after[role]) for role in final}
    profile_table("REST, one user", client, rest["rasa"], rest["actions"])
    profile_table("phone, one caller", phone_client, phone["rasa"], phone["actions"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--production", action="store_true", help="PostgreSQL tracker, Redis locks and call state")
    parser.add_argument("--conversations", type=int, default=6, help="REST conversations of 10 turns")
    parser.add_argument("--calls", type=int, default=6, help="phone calls of 6 turns")
    args = parser.parse_args(argv)
    from bench.helpers.phone_servers import start_phone_servers
    from bench.helpers.production import production_stores
    from bot.config import KNOWLEDGE_DIR

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="turn-profile-")))
        profile_dir = workdir / "profile"
        stores = stack.enter_context(production_stores("turn_profile")).as_kwargs() if args.production else {}
        log(f"starting the servers with TURN_PROFILE ({'production stores' if args.production else 'SQLite stores'}) …")
        phone = start_phone_servers(workdir, KNOWLEDGE_DIR, max_calls=1000, env={"TURN_PROFILE": str(profile_dir)},
                                    **stores)
        stack.callback(phone.stop)
        asyncio.run(run(args, profile_dir, phone.servers.rasa_url, phone.bot_url(), phone.token))
    return 0


if __name__ == "__main__":
    sys.exit(main())
