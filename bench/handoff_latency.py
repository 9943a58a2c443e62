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
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.helpers.handoff_config import ALWAYS_STAFFED, write_config
from bench.helpers.servers import (
    MODEL,
    SECRETS_ENV,
    free_port,
    http_json,
    knowledge_db,
    staff_db,
    webchat_sender,
    write_credentials,
)
from bench.helpers.sioclient import Client
from bench.helpers.stats import percentile
from bot.config import PROJECT_ROOT
from bot.console.sse import POLL_SECONDS
from bot.console.views.conversation import HAND_BACK_TEXT

REQUEST_HUMAN = "Ich möchte mit einem Menschen sprechen"
QUESTION = "Was kostet ein Personalausweis?"
#: The bot's answer when the conversation entered the queue (actions/handoff_queue.py).
QUEUE_ANSWER = "Sie sind an Position"
AGENT_USER = "bench"
AGENT_NAME = "Frau Bench"
AGENT_PASSWORD = "bench-agentin-passwort-lang"
#: Words for the citizens' messages: letters only, so that redaction leaves them alone.
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
         "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango")
START_TIMEOUT = 240.0

#: (key, label) of the measures, in the order they are printed.
MEASURES = (
    ("queue_answer", "queue entry: ask → bot's answer (position)"),
    ("queue_visible", "queue entry: ask → in the console's live queue"),
    ("take_post", "take-over: POST /take → response"),
    ("takeover", "take-over: POST /take → \"verbunden\" at the citizen"),
    ("agent_message", "agent message: POST reply → citizen's socket"),
    ("citizen_message", "citizen message: emit → agent's stream"),
    ("handback_notice", "hand back: POST → notice at the citizen"),
    ("handback_answer", "hand back: POST → bot answers the question"),
    ("bot_answer", "bot again: question → answer"),
)


def log(message: str) -> None:
    print(message, flush=True)


class BenchError(RuntimeError):
    """A step failed (the message says which and why)."""


# --------------------------------------------------------------------------- #
# results
# --------------------------------------------------------------------------- #
@dataclass
class Measure:
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    def fail(self, message: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or message


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


# --------------------------------------------------------------------------- #
# the stack
# --------------------------------------------------------------------------- #
class Stack:
    """Action server, Rasa and the staff console on free loopback ports; ``stop()`` ends all."""

    def __init__(self, workdir: Path, queue_limit: int) -> None:
        self.workdir = workdir
        self.queue_limit = queue_limit
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.origin = f"http://127.0.0.1:{free_port()}"
        self.rasa_url = ""
        self.console_url = ""

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log_file = (self.workdir / f"{name}.log").open("w")
        process = subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        self.processes.append((name, process))
        log_file.close()
        return process

    def _wait(self, url: str, deadline: float) -> None:
        while time.monotonic() < deadline:
            for name, process in self.processes:
                if process.poll() is not None:
                    raise BenchError(f"{name} exited with {process.returncode} while starting\n{self.log_tail()}")
            try:
                if http_json("GET", url, timeout=2)[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.3)
        raise BenchError(f"{url} did not answer within {START_TIMEOUT:.0f} s\n{self.log_tail()}")

    def start(self) -> None:
        if not MODEL.exists():
            raise BenchError(f"{MODEL} is missing: run `make train` first")
        work = self.workdir
        knowledge_url = knowledge_db(work)
        staff_url = staff_db(work, ((AGENT_USER, AGENT_PASSWORD, ("agent",), AGENT_NAME),))
        config = work / "handoff.yml"
        write_config(config, [ALWAYS_STAFFED], queue_limit=self.queue_limit)
        action_port, rasa_port, console_port = free_port(), free_port(), free_port()
        endpoints = work / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{work / "tracker.db"}"\n',
            encoding="utf-8",
        )
        credentials = write_credentials(work / "credentials.yml", [self.origin])
        env = {
            **os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "KNOWLEDGE_DB_URL": knowledge_url, "STAFF_DB_URL": staff_url, "HANDOFF_CONFIG": str(config),
            "TELEPHONY_DB_URL": f"sqlite:///{work / 'telephony.db'}",
            "ENDPOINTS_FILE": str(endpoints), **SECRETS_ENV,
            "RATE_LIMIT_CONVERSATION": "0", "RATE_LIMIT_ADDRESS": "0", "RATE_LIMIT_NEW_SESSIONS": "0",
            "WEBCHAT_MAX_SOCKETS_PER_ADDRESS": "0",
        }
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.console_url = f"http://127.0.0.1:{console_port}"
        deadline = time.monotonic() + START_TIMEOUT
        self._spawn("actions", [sys.executable, "-m", "bot.server.action_server", "--port", str(action_port)], env)
        self._spawn("rasa", [sys.executable, "-m", "bot.server.rasa_server", "--model", str(MODEL),
                             "--endpoints", str(endpoints), "--credentials", str(credentials),
                             "-i", "127.0.0.1", "--port", str(rasa_port)], env)
        self._wait(f"http://127.0.0.1:{action_port}/health", deadline)
        self._wait(f"{self.rasa_url}/status", deadline)
        self._spawn("console", [sys.executable, "-m", "bot.console", "--host", "127.0.0.1",
                                "--port", str(console_port), "--rasa-url", self.rasa_url],
                    {**env, "RASA_URL": self.rasa_url})
        self._wait(f"{self.console_url}/login", time.monotonic() + 60)

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes.clear()

    def log_tail(self, lines: int = 30) -> str:
        parts = []
        for name, _ in self.processes:
            path = self.workdir / f"{name}.log"
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {name}.log (tail) ---\n" + "\n".join(tail))
        return "\n".join(parts)


# --------------------------------------------------------------------------- #
# clients
# --------------------------------------------------------------------------- #
class Inbox:
    """Items with their arrival time (perf_counter) and a bounded wait for a matching one."""

    def __init__(self) -> None:
        self.items: list[tuple[float, Any]] = []
        self._changed = asyncio.Condition()

    async def put(self, item: Any) -> None:
        self.items.append((time.perf_counter(), item))
        async with self._changed:
            self._changed.notify_all()

    def mark(self) -> int:
        return len(self.items)

    async def wait_for(self, predicate: Callable[[Any], bool], start: int, timeout: float,
                       what: str) -> tuple[float, Any]:
        """The first item from index ``start`` on that matches; BenchError after ``timeout``."""
        found: list[tuple[float, Any]] = []

        def check() -> bool:
            for arrival, item in self.items[start:]:
                if predicate(item):
                    found.append((arrival, item))
                    return True
            return False

        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(check), timeout)
        except asyncio.TimeoutError:
            raise BenchError(f"no {what} within {timeout:g} s") from None
        return found[0]


class Citizen(Client):
    """A web-chat citizen (bench/helpers/sioclient.py) that keeps every bot_uttered with its time."""

    def __init__(self, number: int) -> None:
        # Client.__init__, but without python-socketio's SIGINT hook: on Ctrl-C it would
        # disconnect every socket behind the script's back (the script stops things itself).
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.messages: asyncio.Queue[dict] = asyncio.Queue()
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.on("bot_uttered", self._received)
        self.number = number
        self.session_id = ""
        self.inbox = Inbox()

    async def _received(self, message: Any) -> None:
        await self.inbox.put(message if isinstance(message, dict) else {"text": str(message)})

    async def send(self, text: str) -> None:
        try:
            await self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})
        except socketio.exceptions.SocketIOError as error:
            raise BenchError(f"citizen {self.number} could not send ({error})") from error

    @property
    def conversation_id(self) -> str:
        """The sender id staff see (the credential in ``session_id`` is the browser's only)."""
        return webchat_sender(self.session_id)

    def last_texts(self, count: int = 3) -> str:
        return " | ".join(str(item.get("text", ""))[:80] for _, item in self.inbox.items[-count:]) or "nothing"


def text_of(message: Any) -> str:
    return str(message.get("text") or "") if isinstance(message, dict) else ""


def agent_of(message: Any) -> str | None:
    metadata = message.get("metadata") if isinstance(message, dict) else None
    return metadata.get("agent") if isinstance(metadata, dict) else None


async def read_stream(http: aiohttp.ClientSession, url: str, inbox: Inbox,
                      on_event: Callable[[str, Any], list[Any]]) -> None:
    """Read server-sent events until the stream ends; ``on_event`` turns each into inbox items."""
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=10, sock_read=60)  # heartbeats every 15 s
    async with http.get(url, headers={"Accept": "text/event-stream"}, timeout=timeout,
                        allow_redirects=False) as response:
        if response.status != 200:
            raise BenchError(f"GET {url} answered {response.status}")
        name, data = "message", []
        async for raw in response.content:
            line = raw.decode("utf-8").rstrip("\r\n")
            if not line:
                if data:
                    payload: Any = "\n".join(data)
                    with contextlib.suppress(ValueError):
                        payload = json.loads(payload)
                    for item in on_event(name, payload):
                        await inbox.put(item)
                name, data = "message", []
            elif line.startswith(":"):
                continue
            else:
                key, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if key == "event":
                    name = value
                elif key == "data":
                    data.append(value)


class Console:
    """The agent in the staff console: an aiohttp session logged in over the login form."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies for 127.0.0.1
            connector=aiohttp.TCPConnector(limit=0),  # one connection per live stream
            timeout=aiohttp.ClientTimeout(total=timeout),
        )
        self.csrf = ""

    async def close(self) -> None:
        await self.http.close()

    async def login(self) -> None:
        async with self.http.get(f"{self.url}/login?next=/queue") as response:
            page = await response.text()
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if response.status != 200 or match is None:
            raise BenchError(f"login form: status {response.status}, no CSRF token")
        form = {"csrf_token": match.group(1), "next": "/queue", "username": AGENT_USER, "password": AGENT_PASSWORD}
        async with self.http.post(f"{self.url}/login", data=form, allow_redirects=False) as response:
            if response.status != 302 or response.headers.get("Location") != "/queue":
                raise BenchError(f"login failed: status {response.status}")
        async with self.http.get(f"{self.url}/queue") as response:
            page = await response.text()
        match = re.search(r'data-csrf="([^"]+)"', page)
        if response.status != 200 or match is None:
            raise BenchError(f"queue page: status {response.status}, no CSRF token")
        self.csrf = match.group(1)

    async def post(self, path: str, form: dict | None = None, want_json: bool = False) -> tuple[int, str]:
        """POST with the session's CSRF token (header, as conversation.js; form field for the plain forms).

        Returns (status, Location header or body).
        """
        headers = {"X-CSRF-Token": self.csrf}
        if want_json:
            headers["Accept"] = "application/json"
        data = {**(form or {})}
        if not want_json:
            data["csrf_token"] = self.csrf
        async with self.http.post(f"{self.url}{path}", data=data, headers=headers, allow_redirects=False) as response:
            if response.status in (301, 302, 303):
                return response.status, response.headers.get("Location", "")
            return response.status, await response.text()


# --------------------------------------------------------------------------- #
# the run
# --------------------------------------------------------------------------- #
def queue_items(event: str, data: Any) -> list[Any]:
    if event == "session_ended":
        return [{"session_ended": True}]
    return [data] if event == "queue" and isinstance(data, dict) else []


def turn_items(event: str, data: Any) -> list[Any]:
    if event == "turns" and isinstance(data, list):
        return [turn for turn in data if isinstance(turn, dict)]
    if event in ("status", "history", "session_ended"):
        return [{"event": event, "data": data}]
    return []


def _json_ok(body: str) -> bool:
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("ok") is True


def in_queue(conversation_id: str) -> Callable[[Any], bool]:
    def check(snapshot: Any) -> bool:
        waiting = snapshot.get("waiting") if isinstance(snapshot, dict) else None
        return any(entry.get("conversation_id") == conversation_id for entry in waiting or [])

    return check


def handoff_id(snapshot: Any, conversation_id: str) -> int | None:
    for entry in snapshot.get("waiting") or []:
        if entry.get("conversation_id") == conversation_id:
            return int(entry["id"])
    return None


class Run:
    def __init__(self, stack: Stack, args: argparse.Namespace, results: dict[str, Measure]) -> None:
        self.stack = stack
        self.args = args
        self.results = results
        self.timeout: float = args.timeout
        self.console = Console(stack.console_url, args.timeout)
        self.queue = Inbox()
        self.aborted = 0
        self.rng = random.Random(args.seed)

    def record(self, key: str, seconds: float) -> None:
        self.results[key].samples.append(seconds)

    async def step(self, key: str, coroutine: Any) -> Any:
        """Await a step; on failure count an error under ``key`` and re-raise (the conversation stops)."""
        try:
            return await coroutine
        except (BenchError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            self.results[key].fail(str(error) or type(error).__name__)
            raise BenchError(str(error)) from error

    async def ask_for_person(self, citizen: Citizen, delay: float) -> int | None:
        """After ``delay`` s: both (a) and (b) from the moment the citizen sends; the handoff id (None on failure)."""
        await asyncio.sleep(delay)
        mark, queue_mark = citizen.inbox.mark(), 0
        sent = time.perf_counter()
        try:
            await citizen.send(REQUEST_HUMAN)
        except BenchError as error:
            self.results["queue_answer"].fail(str(error))
            return None

        async def answer() -> None:
            try:
                arrival, _ = await citizen.inbox.wait_for(lambda m: QUEUE_ANSWER in text_of(m), mark, self.timeout,
                                                          f'answer with "{QUEUE_ANSWER}"')
            except BenchError as error:
                raise BenchError(f"{error} (citizen {citizen.number} got: {citizen.last_texts()})") from None
            self.record("queue_answer", arrival - sent)

        async def visible() -> int:
            arrival, snapshot = await self.queue.wait_for(in_queue(citizen.conversation_id), queue_mark, self.timeout,
                                                          "queue event with this conversation")
            self.record("queue_visible", arrival - sent)
            found = handoff_id(snapshot, citizen.conversation_id)
            assert found is not None
            return found

        results = await asyncio.gather(self.step("queue_answer", answer()), self.step("queue_visible", visible()),
                                       return_exceptions=True)
        return results[1] if isinstance(results[1], int) else None

    async def conversation(self, citizen: Citizen, handoff: int, limit: asyncio.Semaphore) -> None:
        async with limit:
            try:
                await self._conversation(citizen, handoff)
            except BenchError:
                self.aborted += 1
            except Exception as error:  # noqa: BLE001 (one conversation must not stop the others)
                self.aborted += 1
                log(f"conversation of citizen {citizen.number} stopped: {error!r}")

    async def _conversation(self, citizen: Citizen, handoff: int) -> None:
        cid = citizen.conversation_id
        path = "/conversations/" + cid

        # take-over: POST → "Sie sind jetzt mit … verbunden." on the citizen's socket
        mark = citizen.inbox.mark()
        start = time.perf_counter()
        status, location = await self.step("take_post", self.console.post(f"/handoffs/{handoff}/take"))
        if status != 302 or location != path:
            self.results["take_post"].fail(f"take answered {status} → {location[:120]}")
            raise BenchError("take failed")
        self.record("take_post", time.perf_counter() - start)
        connected = f"Sie sind jetzt mit {AGENT_NAME} verbunden."
        arrival, _ = await self.step("takeover", citizen.inbox.wait_for(
            lambda m: text_of(m) == connected, mark, self.timeout, f'"{connected}" at the citizen'))
        self.record("takeover", arrival - start)

        # the agent's live transcript
        transcript = Inbox()
        reader = asyncio.create_task(read_stream(self.console.http, f"{self.stack.console_url}{path}/events",
                                                 transcript, turn_items))
        try:
            await self.step("citizen_message", transcript.wait_for(lambda item: True, 0, self.timeout,
                                                                   "first event on the transcript stream"))

            for number in range(self.args.messages):
                await asyncio.sleep(self.rng.uniform(0, self.args.think))
                text = f"Antwort {number + 1} an Bürger/in {citizen.number}: Ich schaue gleich nach."
                mark = citizen.inbox.mark()
                start = time.perf_counter()
                status, body = await self.step("agent_message", self.console.post(f"{path}/reply", {"text": text},
                                                                                  want_json=True))
                if status != 200 or not _json_ok(body):
                    self.results["agent_message"].fail(f"reply answered {status}: {body[:120]}")
                    raise BenchError("reply failed")
                arrival, _ = await self.step("agent_message", citizen.inbox.wait_for(
                    lambda m, text=text: text_of(m) == text and agent_of(m) == AGENT_NAME, mark, self.timeout,
                    "agent message with metadata.agent at the citizen"))
                self.record("agent_message", arrival - start)

            tag = f"{WORDS[citizen.number % len(WORDS)]} {WORDS[citizen.number // len(WORDS) % len(WORDS)]}"
            for number in range(self.args.messages):
                await asyncio.sleep(self.rng.uniform(0, self.args.think))
                text = f"Meine Frage {WORDS[number % len(WORDS)]} von {tag}"
                mark = transcript.mark()
                start = time.perf_counter()
                await citizen.send(text)
                arrival, _ = await self.step("citizen_message", transcript.wait_for(
                    lambda turn, text=text: turn.get("actor") == "citizen" and turn.get("text") == text,
                    mark, self.timeout, "citizen message on the agent's stream"))
                self.record("citizen_message", arrival - start)
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

        # hand back: POST → notice; once Rasa has resumed (POST answered), ask a question
        mark = citizen.inbox.mark()
        start = time.perf_counter()
        notice = asyncio.create_task(citizen.inbox.wait_for(
            lambda m: text_of(m) == HAND_BACK_TEXT, mark, self.timeout, "hand-back notice at the citizen"))
        try:
            status, location = await self.step("handback_notice", self.console.post(f"{path}/handback"))
            if status != 302 or location != "/queue?msg=returned":
                self.results["handback_notice"].fail(f"handback answered {status} → {location[:120]}")
                raise BenchError("hand back failed")
            arrival, _ = await self.step("handback_notice", notice)
        finally:
            notice.cancel()
            await asyncio.gather(notice, return_exceptions=True)
        self.record("handback_notice", arrival - start)
        mark = citizen.inbox.mark()
        asked = time.perf_counter()
        await citizen.send(QUESTION)
        arrival, _ = await self.step("handback_answer", citizen.inbox.wait_for(
            lambda m: "Personalausweis" in text_of(m) and "Euro" in text_of(m) and agent_of(m) is None,
            mark, self.timeout, "bot's answer about the Personalausweis"))
        self.record("handback_answer", arrival - start)
        self.record("bot_answer", arrival - asked)

    async def run(self) -> None:
        args = self.args
        citizens = [Citizen(number) for number in range(args.citizens)]
        queue_reader: asyncio.Task | None = None
        try:
            log(f"connecting {args.citizens} citizens (socket.io, long-polling) …")

            async def connect(citizen: Citizen) -> None:
                await asyncio.wait_for(citizen.connect(self.stack.rasa_url, self.stack.origin), self.timeout)
                citizen.session_id = await asyncio.wait_for(citizen.session(), self.timeout)

            connected = await asyncio.gather(*(connect(c) for c in citizens), return_exceptions=True)
            failed = [(c, e) for c, e in zip(citizens, connected, strict=True) if isinstance(e, BaseException)]
            if failed:
                raise BenchError(f"{len(failed)} citizens could not connect, e.g.: {failed[0][1]!r}")

            log("agent logs in to the console and opens the live queue …")
            await asyncio.wait_for(self.console.login(), self.timeout)
            queue_reader = asyncio.create_task(read_stream(self.console.http, f"{self.stack.console_url}/queue/events",
                                                           self.queue, queue_items))
            await self.queue.wait_for(lambda item: True, 0, self.timeout, "first event on /queue/events")

            log(f"{args.citizens} citizens ask for a person within {args.spread:g} s …")
            handoffs = await asyncio.gather(*(self.ask_for_person(c, self.rng.uniform(0, args.spread))
                                              for c in citizens))
            if queue_reader.done():
                raise BenchError(f"the queue stream ended: {queue_reader.exception()!r}")

            pairs = [(c, h) for c, h in zip(citizens, handoffs, strict=True) if h is not None]
            log(f"agent takes over {len(pairs)} conversations ({args.parallel} at a time), "
                f"{args.messages} messages each way, then hands back …")
            limit = asyncio.Semaphore(args.parallel)
            await asyncio.gather(*(self.conversation(c, h, limit) for c, h in pairs))
            self.aborted += len(citizens) - len(pairs)
        finally:
            if queue_reader is not None:
                queue_reader.cancel()
                await asyncio.gather(queue_reader, return_exceptions=True)
            await asyncio.gather(*(asyncio.wait_for(c.close(), 5) for c in citizens if c.sio.connected),
                                 return_exceptions=True)
            await self.console.close()


async def measure(stack: Stack, args: argparse.Namespace, results: dict[str, Measure]) -> int:
    run = Run(stack, args, results)
    try:
        await asyncio.wait_for(run.run(), args.budget)
    except asyncio.TimeoutError:
        log(f"error: the run did not finish within --budget {args.budget:.0f} s (partial figures below)")
        return 1
    except BenchError as error:
        log(f"error: {error}")
        return 1
    if run.aborted:
        log(f"{run.aborted} of {args.citizens} conversations stopped at an error (see the errors column)")
    return 1 if run.aborted else 0


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
    except BenchError as error:
        log(f"error: {error}")
    except KeyboardInterrupt:
        log("interrupted")
        code = 130
    finally:
        failed = code not in (0, 130)
        if failed and stack.processes:
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
