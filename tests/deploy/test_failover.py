"""One of two Rasa replicas is killed (SIGKILL) in the middle of 20 web and 20 phone conversations.

Real processes on loopback: two Rasa replicas on one PostgreSQL tracker store, the
Redis lock store (``bot.locks.AtomicRedisLockStore``) and call state in Redis, as in
production, behind the real nginx of ``deploy/nginx`` (both replicas in its upstreams).
Every conversation asks a question and then follow-ups that only make sense with its
slots (service, district). Asserted: every conversation goes on on the surviving replica
with its slots, every user turn gets exactly one answer (a REST client may retry a
502/504 with the same ``message_id``; nginx itself passes phone requests to the other
replica), and PostgreSQL holds each user message once.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import signal
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from sqlalchemy import create_engine, text

from bench.helpers.phone_servers import PhoneServers, start_phone_servers
from bench.helpers.production import lock_store_yaml, tracker_store_yaml
from bench.helpers.servers import free_port, redis_unavailable_reason
from bench.helpers.vaic import BotTurn, Call, VoiceGateway
from tests.deploy import proxy as nginx
from tests.deploy.conftest import nginx_missing

pytestmark = pytest.mark.e2e

REDIS = ("127.0.0.1", 6379)
CONVERSATIONS = 20  # of each kind
#: A turn (with its retries) must be answered within this, also across the kill (seconds).
TURN_BOUND = 30.0
RETRY_STATUSES = (502, 504)

#: (fee question, the fee in the answer, service name in the documents answer)
SERVICES = [
    ("Was kostet ein Personalausweis?", "Euro", "Personalausweis"),
    ("Was kostet ein Reisepass?", "Euro", "Reisepass"),
]
DISTRICTS = ["Vaihingen", "Feuerbach", "Zuffenhausen", "Degerloch"]


@dataclass
class Turn:
    started: float
    ended: float = 0.0
    retries: int = 0
    answer: str = ""


@dataclass
class Conversation:
    kind: str
    sender: str
    sent: list[str] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)


@dataclass
class Failover:
    servers: PhoneServers
    proxy: nginx.Proxy
    database_url: str
    ssl: object


@pytest.fixture(scope="module")
def failover(tmp_path_factory, seed_dir, postgres_url_module) -> Iterator[Failover]:
    nginx_missing()
    reason = redis_unavailable_reason(*REDIS)
    if reason:
        pytest.skip(reason)
    database = postgres_url_module.rsplit("/", 1)[1]
    tracker, lock = tracker_store_yaml(database), lock_store_yaml(f"failover{uuid.uuid4().hex[:8]}")
    servers = start_phone_servers(tmp_path_factory.mktemp("failover"), seed_dir, max_calls=2 * CONVERSATIONS,
                                  replicas=2, redis_url=f"redis://{REDIS[0]}:{REDIS[1]}/2", tracker_store=tracker,
                                  endpoints_extra=lock)
    servers.store.set_board(free=0, waiting=0, hours_override="open")
    proxy_dir = nginx.unprivileged_dir("bt-failover-")
    try:
        cert, key = nginx.self_signed(proxy_dir)
        upstreams = ",".join(url.split("//", 1)[1] for url in servers.servers.rasa_urls)
        proxy = nginx.start_proxy(
            proxy_dir, free_port(), free_port(), cert, key, RASA_UPSTREAMS=upstreams,
            WEB_UPSTREAM=f"127.0.0.1:{free_port()}", CONSOLE_UPSTREAM=f"127.0.0.1:{free_port()}",
            GATEWAY_ALLOW="127.0.0.1", STAFF_ALLOW="127.0.0.1", EXPOSE_REST="on",
            # every simulated citizen comes from 127.0.0.1: the per-address limits would count them as one
            WEBHOOK_RATE="1000r/s", WEBHOOK_BURST="1000", CONN_PER_ADDRESS="1000")
        try:
            yield Failover(servers, proxy, postgres_url_module, nginx.client_context(cert))
        finally:
            proxy.stop()
    finally:
        servers.stop()
        shutil.rmtree(proxy_dir, ignore_errors=True)


Send = Callable[[], Awaitable[tuple[int | None, str]]]


async def answered(conversation: Conversation, kind: str, send: Send) -> Turn:
    """One turn, sent again (the same message id) after a 502/504 or a dropped connection, as
    a client or the gateway would; ``send`` gives the status (None: no answer) and the answer text."""
    turn = Turn(time.monotonic())
    while True:
        try:
            status, text = await send()
        except (aiohttp.ClientError, asyncio.TimeoutError):
            status, text = None, ""
        if status == 200:
            turn.answer = text
            break
        assert status in (*RETRY_STATUSES, None), f"{kind} turn answered {status}: {text!r}"
        assert time.monotonic() - turn.started < TURN_BOUND, f"{kind} turn not answered in time"
        turn.retries += 1
        await asyncio.sleep(0.2)
    turn.ended = time.monotonic()
    conversation.turns.append(turn)
    return turn


async def rest_turn(session: aiohttp.ClientSession, url: str, conversation: Conversation, message: str) -> Turn:
    """One REST turn; a 502/504 or a dropped connection is retried with the same message id."""
    body = {"sender": conversation.sender, "message": message, "message_id": uuid.uuid4().hex}
    conversation.sent.append(message)

    async def send() -> tuple[int | None, str]:
        async with session.post(url, json=body) as response:
            payload = await response.read()
        if response.status != 200:
            return response.status, payload.decode(errors="replace")
        return 200, "\n".join(m.get("text", "") for m in json.loads(payload))

    return await answered(conversation, "REST", send)


async def phone_turn(call: Call, conversation: Conversation, message: str | None, start: bool = False) -> Turn:
    """One phone request; a gateway would resend an activity with the same id after an error."""
    activity_id = str(uuid.uuid4())
    if message:
        conversation.sent.append(message)
    activity = ({"type": "event", "name": "start", "parameters": {"caller": "+49711222333", "callee": "115"}}
                if start else {"type": "message", "text": message, "parameters": {"confidence": 0.9}})

    async def send() -> tuple[int | None, str]:
        answer: BotTurn = await call.send(activity, activity_id=activity_id)
        return answer.status, answer.said

    return await answered(conversation, "phone", send)


async def pause() -> None:
    await asyncio.sleep(random.uniform(0.1, 0.5))


async def web_citizen(session: aiohttp.ClientSession, url: str, number: int) -> Conversation:
    conversation = Conversation("web", f"failover-web-{number}-{uuid.uuid4().hex[:6]}")
    question, fee, service = SERVICES[number % len(SERVICES)]
    district = DISTRICTS[number % len(DISTRICTS)]
    assert fee in (await rest_turn(session, url, conversation, question)).answer
    await pause()
    documents = (await rest_turn(session, url, conversation, "Und welche Unterlagen brauche ich dafür?")).answer
    assert service in documents and "Für welche Leistung" not in documents, documents
    await pause()
    assert fee in (await rest_turn(session, url, conversation, "Und was kostet das noch mal?")).answer
    await pause()
    hours = (await rest_turn(session, url, conversation, f"Wann hat das Bürgerbüro {district} geöffnet?")).answer
    assert district in hours, hours
    await pause()
    saturday = (await rest_turn(session, url, conversation, "Und am Samstag?")).answer
    assert district in saturday and "Welches Bürgerbüro" not in saturday, saturday
    return conversation


async def caller(gateway: VoiceGateway, number: int) -> Conversation:
    call = await gateway.call(caller="+49711222333")
    conversation = Conversation("phone", call.conversation)
    question, _, service = SERVICES[number % len(SERVICES)]
    assert "Wie kann ich Ihnen helfen" in (await phone_turn(call, conversation, None, start=True)).answer
    await pause()
    assert "Euro" in (await phone_turn(call, conversation, question)).answer
    await pause()
    documents = (await phone_turn(call, conversation, "Welche Unterlagen brauche ich dafür?")).answer
    assert service in documents and "Für welche Leistung" not in documents, documents
    await pause()
    assert "Euro" in (await phone_turn(call, conversation, "Und was kostet das noch mal?")).answer
    assert (await call.disconnect()).status == 200
    return conversation


def stored_user_texts(database_url: str, sender: str) -> list[str]:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                                           "ORDER BY id"), {"s": sender}).scalars().all()
    finally:
        engine.dispose()
    return [json.loads(row).get("text") for row in rows]


async def test_killing_a_replica_loses_no_turn_and_answers_none_twice(failover: Failover) -> None:
    random.seed(14)
    victim = failover.servers.servers.processes[1]  # processes: action server, replica 0, replica 1
    rest_url = f"{failover.proxy.url}/webhooks/rest/webhook"
    connector = aiohttp.TCPConnector(ssl=failover.ssl, limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=TURN_BOUND)) as session:
        gateway = VoiceGateway(f"{failover.proxy.url}/webhooks/audiocodes/webhook", failover.servers.token, session)
        tasks = [asyncio.create_task(web_citizen(session, rest_url, n)) for n in range(CONVERSATIONS)]
        tasks += [asyncio.create_task(caller(gateway, n)) for n in range(CONVERSATIONS)]
        await asyncio.sleep(1.5)
        killed_at = time.monotonic()
        victim.send_signal(signal.SIGKILL)
        conversations = await asyncio.wait_for(asyncio.gather(*tasks), timeout=180)
    assert victim.wait(timeout=5) == -signal.SIGKILL

    turns = [turn for conversation in conversations for turn in conversation.turns]
    across = [turn for turn in turns if turn.started <= killed_at <= turn.ended]
    after = [turn for turn in turns if turn.started > killed_at]
    assert across and after, "the kill did not fall in the middle of the conversations"
    lost, duplicated = 0, 0
    for conversation in conversations:
        stored = [t for t in stored_user_texts(failover.database_url, conversation.sender) if not t.startswith("/")]
        lost += sum(1 for message in conversation.sent if message not in stored)
        duplicated += len(stored) - len(set(stored))
        assert stored == conversation.sent, (conversation.kind, conversation.sender, stored)
    retried = {kind: sum(t.retries > 0 for c in conversations if c.kind == kind for t in c.turns)
               for kind in ("web", "phone")}
    recovered = max(turn.ended for turn in across) - killed_at
    print(f"\nfailover: {len(conversations)} conversations, {len(turns)} turns "
          f"({len(across)} in flight at the kill, {len(after)} after it); retried by the client: "
          f"web {retried['web']}, phone {retried['phone']}; lost {lost}, duplicated {duplicated}; "
          f"every turn in flight answered {recovered:.2f} s after the kill; slowest turn after it "
          f"{max(t.ended - t.started for t in after):.2f} s")
    assert lost == 0 and duplicated == 0
