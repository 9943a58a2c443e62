"""Any replica serves any request of any call: two Rasa replicas on one PostgreSQL tracker
store, with call state and the agent board in Redis (as in production)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from bench.helpers.phone_servers import PhoneServers, start_phone_servers
from bench.helpers.production import lock_store_yaml, tracker_store_yaml
from bench.helpers.servers import http_json, redis_unavailable_reason
from bench.helpers.vaic import Call, VoiceGateway

pytestmark = pytest.mark.e2e

REDIS = ("127.0.0.1", 6379)


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, seed_dir, postgres_url_module) -> Iterator[PhoneServers]:
    reason = redis_unavailable_reason(*REDIS)
    if reason:
        pytest.skip(reason)
    database = postgres_url_module.rsplit("/", 1)[1]
    tracker, lock = tracker_store_yaml(database), lock_store_yaml(f"phone{uuid.uuid4().hex[:8]}")
    running = start_phone_servers(
        tmp_path_factory.mktemp("phone-replicas"), seed_dir, max_calls=10, replicas=2,
        redis_url=f"redis://{REDIS[0]}:{REDIS[1]}/2", tracker_store=tracker, endpoints_extra=lock,
    )
    running.store.set_board(free=0, waiting=0, hours_override="open")
    yield running
    running.stop()


@pytest.fixture
async def gateways(replicas: PhoneServers) -> AsyncIterator[tuple[VoiceGateway, VoiceGateway]]:
    """One simulated gateway per replica (as behind a load balancer)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        yield (VoiceGateway(replicas.bot_url(0), replicas.token, session),
               VoiceGateway(replicas.bot_url(1), replicas.token, session))


def on(call: Call, gateway: VoiceGateway) -> Call:
    """The same call, with its next requests sent to another replica."""
    return Call(gateway, call.conversation, call.urls, call.caller, call.callee)


async def test_a_call_moves_between_replicas(replicas: PhoneServers, gateways) -> None:
    first, second = gateways
    call = await first.call(caller="+49711222333")
    assert "Wie kann ich Ihnen helfen" in (await on(call, second).start()).said
    assert "70 Euro" in (await call.say("Was kostet ein Reisepass?")).said
    documents = await on(call, second).say("Welche Unterlagen brauche ich dafür?")
    assert "Für welche Leistung" not in documents.said  # the other replica has the context
    assert (await on(call, second).keepalive()).status == 200
    offer = await call.say("Ich möchte einen Rückruf")
    assert "0 7 1 1, 2 2 2, 3 3 3" in offer.said  # caller ID from Redis, read by the action server
    assert (await on(call, second).disconnect()).status == 200
    assert replicas.store.get_call(call.conversation) is None
    assert (await call.say("Hallo")).status == 404
    status, tracker = http_json("GET", f"{replicas.servers.rasa_urls[0]}/conversations/{call.conversation}/tracker")
    assert status == 200 and "pause" in [e["event"] for e in tracker["events"][-4:]]
    assert not tracker.get("active_loop")


async def test_a_retried_activity_on_both_replicas_is_handled_once(replicas: PhoneServers, gateways) -> None:
    first, second = gateways
    call = await first.call()
    await call.start()
    activity = {"type": "message", "text": "Was kostet ein Personalausweis?"}
    answers = await asyncio.gather(call.send(activity, activity_id="dup-1"),
                                   on(call, second).send(activity, activity_id="dup-1"))
    # Rasa handles it once; the other copy waits for the conversation's lock and gets the
    # same answer from the tracker (a gateway resends only what it got no answer for).
    assert answers[0].texts == answers[1].texts and "Euro" in answers[0].said
    _status, tracker = http_json("GET", f"{replicas.servers.rasa_urls[1]}/conversations/{call.conversation}/tracker")
    assert [e.get("text") for e in tracker["events"] if e["event"] == "user"].count(activity["text"]) == 1
    await call.disconnect()
