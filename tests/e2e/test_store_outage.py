"""PostgreSQL and Redis briefly unreachable for the bot: turns fail fast with a German message,
the bot heals by itself, nothing is corrupted.

Rasa (REST and phone) and the action server reach the shared PostgreSQL (tracker store)
and Redis (lock store, call store) through TCP forwarders on loopback
(``bench/helpers/forwarder.py``); cutting a forwarder closes the bot's connections and
refuses new ones while the servers keep running for everybody else.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from sqlalchemy import create_engine, text

from bench.helpers.forwarder import Forwarder
from bench.helpers.phone_servers import PhoneServers, start_phone_servers
from bench.helpers.production import lock_store_yaml, tracker_store_yaml
from bench.helpers.servers import free_port, http_json, redis_unavailable_reason
from bench.helpers.vaic import VoiceGateway
from channels import outage
from tests.deploy.test_metrics import scrape, value
from tests.e2e.conftest import joined

pytestmark = pytest.mark.e2e

REDIS = ("127.0.0.1", 6379)
POSTGRES = ("127.0.0.1", 5432)
#: A turn during an outage must be answered within this (seconds).
FAIL_FAST = 5.0


class Outage:
    """The running servers, the two forwarders, the tracker database and the metrics URL."""

    def __init__(self, servers: PhoneServers, postgres: Forwarder, redis: Forwarder, database_url: str,
                 metrics_url: str) -> None:
        self.servers, self.postgres, self.redis = servers, postgres, redis
        self.database_url, self.metrics_url = database_url, metrics_url

    def rest(self, sender: str, message: str) -> tuple[int, list, float]:
        started = time.monotonic()
        status, body = http_json("POST", f"{self.servers.servers.rasa_url}/webhooks/rest/webhook",
                                 {"sender": sender, "message": message}, timeout=30)
        return status, body, time.monotonic() - started

    def user_events(self, sender: str) -> list[dict]:
        """Every stored event of ``sender`` (parsed; a row that is no JSON event fails the test)."""
        engine = create_engine(self.database_url, future=True)
        try:
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                                          {"s": sender}).all()
        finally:
            engine.dispose()
        events = [json.loads(data) for _, data in rows]
        assert all(event["event"] == type_name for (type_name, _), event in zip(rows, events, strict=False))
        return events


@pytest.fixture(scope="module")
def stack(tmp_path_factory, seed_dir, postgres_url_module) -> Iterator[Outage]:
    reason = redis_unavailable_reason(*REDIS)
    if reason:
        pytest.skip(reason)
    with Forwarder(POSTGRES) as postgres, Forwarder(REDIS) as redis:
        database = postgres_url_module.rsplit("/", 1)[1]
        tracker = tracker_store_yaml(database, port=postgres.port)
        lock = lock_store_yaml(f"outage{uuid.uuid4().hex[:8]}", port=redis.port)
        metrics_port = free_port()
        running = start_phone_servers(
            tmp_path_factory.mktemp("outage"), seed_dir, max_calls=10, redis_url=f"redis://127.0.0.1:{redis.port}/2",
            tracker_store=tracker, endpoints_extra=lock, env={"METRICS_PORT_RASA": str(metrics_port)})
        running.store.set_board(free=0, waiting=0, hours_override="open")
        try:
            yield Outage(running, postgres, redis, postgres_url_module, f"http://127.0.0.1:{metrics_port}/metrics")
        finally:
            postgres.restore()
            redis.restore()
            running.stop()


@pytest.fixture
async def gateway(stack: Outage) -> AsyncIterator[VoiceGateway]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield VoiceGateway(stack.servers.bot_url(), stack.servers.token, session)


def errors(stack: Outage, database: str) -> float:
    return value(scrape(stack.metrics_url), "buergertelefon_database_errors_total", database=database)


@pytest.mark.parametrize("store", ["postgres", "redis"])
async def test_a_store_outage_fails_fast_and_heals(stack: Outage, gateway: VoiceGateway, store: str) -> None:
    forwarder = stack.postgres if store == "postgres" else stack.redis
    label = "tracker" if store == "postgres" else "lock"
    sender = f"outage-{store}-{uuid.uuid4().hex[:8]}"
    status, body, _ = await asyncio.to_thread(stack.rest, sender, "Was kostet ein Personalausweis?")
    assert status == 200 and "Euro" in joined(body)
    call = await gateway.call(caller="+49711222333")
    await call.start()
    assert "Euro" in (await call.say("Was kostet ein Reisepass?")).said
    before = errors(stack, label), errors(stack, "telephony")

    forwarder.cut()
    try:
        status, body, took = await asyncio.to_thread(stack.rest, sender, "Welche Unterlagen brauche ich dafür?")
        assert status == 503 and [m["text"] for m in body] == [outage.WRITTEN], body
        assert took < FAIL_FAST, f"the REST turn took {took:.1f} s during the outage"
        spoken = await call.say("Welche Unterlagen brauche ich dafür?")
        assert spoken.status == 200 and spoken.texts == [outage.SPOKEN], spoken.body
        assert spoken.latency < FAIL_FAST, f"the phone turn took {spoken.latency:.1f} s during the outage"
        print(f"\n{store} outage: REST answered in {took * 1000:.0f} ms, phone in {spoken.latency * 1000:.0f} ms")
    finally:
        forwarder.restore()

    status, body, took = await asyncio.to_thread(stack.rest, sender, "Welche Unterlagen brauche ich dafür?")
    assert status == 200, body
    documents = joined(body)
    assert "Personalausweis" in documents and "Für welche Leistung" not in documents  # the slots survived
    spoken = await call.say("Welche Unterlagen brauche ich dafür?")
    assert "Für welche Leistung" not in spoken.said and spoken.texts and outage.SPOKEN not in spoken.texts
    print(f"{store} restored: the next REST turn took {took * 1000:.0f} ms, "
          f"the phone turn {spoken.latency * 1000:.0f} ms")
    assert (await call.disconnect()).status == 200

    after = errors(stack, label), errors(stack, "telephony")
    if store == "postgres":
        assert after[0] >= before[0] + 2  # the REST and the phone turn
    else:
        assert after[0] >= before[0] + 1 and after[1] >= before[1] + 1  # REST: lock store; phone: call store
    for conversation, first in ((sender, "Was kostet ein Personalausweis?"), (call.conversation, None)):
        events = stack.user_events(conversation)
        texts = [e.get("text") for e in events if e["event"] == "user"]
        if first:
            assert texts == [first, "Welche Unterlagen brauche ich dafür?"]  # the failed turn left nothing
        else:
            assert texts.count("Welche Unterlagen brauche ich dafür?") == 1
        keys = [(e["event"], e.get("timestamp"), json.dumps(e, sort_keys=True)) for e in events]
        assert len(keys) == len(set(keys)), "an event is stored twice"
