"""The phone front (channels/phone_front.py) on loopback, played by the gateway simulator; and through nginx."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bench.helpers import proxy as nginx
from bench.helpers.servers import free_port
from bench.helpers.vaic import VoiceGateway
from bot.metrics import ACTIVE_CALLS
from channels.audiocodes_overflow import Admission
from channels.phone_front import PhoneFront, create_app

TOKEN = "0123456789abcdef0123"


@pytest.fixture
async def front(phone_setting) -> AsyncIterator[tuple[TestServer, Admission]]:
    """The front with one admitted call at most, a SQLite call store and the real knowledge base."""
    settings, store = phone_setting
    admission = Admission(settings, store)
    server = TestServer(create_app(PhoneFront(TOKEN, admission)), host="127.0.0.1", port=free_port())
    await server.start_server()
    yield server, admission
    await server.close()


def bot_url(server: TestServer) -> str:
    return f"http://127.0.0.1:{server.port}/webhooks/audiocodes/webhook"


async def test_admitted_calls_go_to_rasa_overflow_calls_are_answered_here(front) -> None:
    server, admission = front
    async with aiohttp.ClientSession() as session:
        gateway = VoiceGateway(bot_url(server), TOKEN, session)
        assert (await gateway.validate()).body == {"type": "ac-bot-api", "success": True}
        first = await gateway.call()
        assert first.urls["activitiesURL"] == f"conversation/{first.conversation}/activities"
        assert (await first.start()).status == 404  # Rasa's URL: this process does not serve it
        overflow = await gateway.call(caller="+4971155566677")
        assert overflow.urls["activitiesURL"] == f"overflow/{overflow.conversation}/activities"
        assert not admission.store.get_call(overflow.conversation).admitted
        offer = await overflow.start()
        assert offer.activities[0]["name"] == "config" and "alle Leitungen belegt" in offer.said
        assert all(a.get("id") and a.get("timestamp") for a in offer.activities)  # stamped like the channel's
        again = await overflow.send({"type": "event", "name": "start"}, activity_id=offer.activities[0]["id"])
        assert again.status == 200
        assert (await overflow.keepalive()).body == {"expiresSeconds": admission.settings.expires_seconds}
        declined = await overflow.press("2")
        assert declined.hangup and "später noch einmal" in declined.said
        assert (await overflow.disconnect()).status == 200
        assert admission.store.get_call(overflow.conversation) is None
        assert admission.store.get_call(first.conversation).admitted  # the admitted call is untouched
        assert ACTIVE_CALLS.collect()[0].samples[0].value == 1  # the gauge reads the shared store


async def test_a_call_store_outage_is_apologised_for(front, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    from channels import outage

    server, admission = front
    async with aiohttp.ClientSession() as session:
        gateway = VoiceGateway(bot_url(server), TOKEN, session)
        await gateway.call()
        overflow = await gateway.call(caller="+4971155566677")

        def down(*_args: object, **_kwargs: object) -> None:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

        monkeypatch.setattr(admission.store, "begin_turn", down)
        monkeypatch.setattr(admission.store, "create_call", down)
        offer = await overflow.start()
        assert offer.status == 200 and offer.said == outage.SPOKEN  # never silence, never a 500
        async with session.post(bot_url(server), json={"conversation": "c-new"},
                                headers={"Authorization": f"Bearer {TOKEN}"}) as refused:
            assert refused.status == 503 and refused.headers["Retry-After"]  # a new call: the gateway retries


async def test_a_retried_create_keeps_the_first_decision(front) -> None:
    server, admission = front
    async with aiohttp.ClientSession() as session:
        gateway = VoiceGateway(bot_url(server), TOKEN, session)
        await gateway.call(conversation="c-one")
        for _ in range(2):
            urls = (await gateway.create("c-two")).body
            assert urls["activitiesURL"] == "overflow/c-two/activities"
        assert admission.store.active_calls(admission.settings.instance_id) == 1


async def test_token_and_validation(front) -> None:
    server, _ = front
    async with aiohttp.ClientSession() as session:
        assert (await VoiceGateway(bot_url(server), None, session).create()).status == 401
        assert (await VoiceGateway(bot_url(server), "wrong-token-but-long-enough", session).create()).status == 401
        gateway = VoiceGateway(bot_url(server), TOKEN, session)
        assert (await gateway.post(bot_url(server), raw=b"{not json")).status == 400
        assert (await gateway.post(f"{bot_url(server)[:-7]}overflow/bad id/activities", {})).status in (400, 404)
        unknown = f"{bot_url(server)[:-7]}overflow/{uuid.uuid4()}/activities"
        assert (await gateway.post(unknown, {"activities": []})).status == 400
        assert (await gateway.post(unknown, {"activities": [{"type": "event", "name": "start"}]})).status == 404
        async with session.get(f"http://127.0.0.1:{server.port}/health") as health:
            assert health.status == 200


async def test_the_proxy_sends_new_and_overflow_calls_to_the_front(front) -> None:
    """The rendered production nginx with BT_PHONE_FRONT=on; Rasa is not running (its routes answer 502)."""
    if nginx.NGINX is None:
        pytest.skip("Debian's nginx is not installed")
    server, _ = front
    directory = nginx.unprivileged_dir("bt-front-nginx-")
    cert, key = nginx.self_signed(directory)
    proxy = nginx.start_proxy(directory, free_port(), free_port(), cert, key, RASA_UPSTREAMS=f"127.0.0.1:{free_port()}",
                              GATEWAY_ALLOW="127.0.0.1", PHONE_FRONT="on",
                              PHONE_FRONT_UPSTREAM=f"127.0.0.1:{server.port}")
    try:
        connector = aiohttp.TCPConnector(ssl=nginx.client_context(cert))
        async with aiohttp.ClientSession(connector=connector) as session:
            gateway = VoiceGateway(f"{proxy.url}/webhooks/audiocodes/webhook", TOKEN, session)
            admitted = await gateway.call()
            assert (await admitted.start()).status == 502  # to the (stopped) Rasa replicas
            overflow = await gateway.call()
            assert "alle Leitungen belegt" in (await overflow.start()).said
            assert (await overflow.press("2")).hangup
            assert (await overflow.disconnect()).status == 200
    finally:
        proxy.stop()
        shutil.rmtree(directory, ignore_errors=True)
