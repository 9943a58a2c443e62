"""The handoff scenario: citizens ask for a person, one agent takes over, messages both ways, hand back.

:class:`Run` drives it on a started :class:`bench.handoff.stack.Stack` and records each step's
times in a :class:`Measure` per key of :data:`MEASURES` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.handoff.clients import BenchError, Citizen, Console, Inbox, agent_of, read_stream, text_of
from bench.handoff.stack import AGENT_NAME, AGENT_PASSWORD, AGENT_USER, Stack
from bench.helpers.report import log
from bot.console.views.conversation import HAND_BACK_TEXT

REQUEST_HUMAN = "Ich möchte mit einem Menschen sprechen"
QUESTION = "Was kostet ein Personalausweis?"
#: The bot's answer when the conversation entered the queue (actions/handoff_queue.py).
QUEUE_ANSWER = "Sie sind an Position"
#: Words for the citizens' messages: letters only, so that redaction leaves them alone.
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
         "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango")

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
                def is_reply(message: Any, text: str = text) -> bool:
                    return text_of(message) == text and agent_of(message) == AGENT_NAME

                arrival, _ = await self.step("agent_message", citizen.inbox.wait_for(
                    is_reply, mark, self.timeout, "agent message with metadata.agent at the citizen"))
                self.record("agent_message", arrival - start)

            tag = f"{WORDS[citizen.number % len(WORDS)]} {WORDS[citizen.number // len(WORDS) % len(WORDS)]}"
            for number in range(self.args.messages):
                await asyncio.sleep(self.rng.uniform(0, self.args.think))
                text = f"Meine Frage {WORDS[number % len(WORDS)]} von {tag}"
                mark = transcript.mark()
                start = time.perf_counter()
                await citizen.send(text)
                def is_message(turn: Any, text: str = text) -> bool:
                    return bool(turn.get("actor") == "citizen" and turn.get("text") == text)

                arrival, _ = await self.step("citizen_message", transcript.wait_for(
                    is_message, mark, self.timeout, "citizen message on the agent's stream"))
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
            await asyncio.wait_for(self.console.login(AGENT_USER, AGENT_PASSWORD), self.timeout)
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
