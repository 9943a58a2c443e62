"""Two Rasa replicas share socket.io rooms through Redis (``redis_url`` of the web-chat channel).

The citizen's socket is connected to one replica; the console sends an agent's message
through the other replica's HTTP API (as it does behind a load balancer). Without the
Redis client manager the message would only reach sockets of the second replica and
this test would time out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bench.helpers.production import lock_store_yaml, tracker_store_yaml
from bench.helpers.servers import (
    Servers,
    free_port,
    http_json,
    knowledge_db,
    redis_unavailable_reason,
    start_servers,
    webchat_sender,
    write_credentials,
)
from bench.helpers.sioclient import Client

pytestmark = pytest.mark.e2e

REDIS = ("127.0.0.1", 6379)
TIMEOUT = 30


@pytest.fixture(scope="module")
def origin() -> str:
    """The web page origin allowed to connect."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, seed_dir, postgres_url_module, origin) -> Iterator[Servers]:
    reason = redis_unavailable_reason(*REDIS)
    if reason:
        pytest.skip(reason)
    workdir: Path = tmp_path_factory.mktemp("socketio-replicas")
    kb_url = knowledge_db(workdir, seed_dir)
    credentials = write_credentials(workdir / "credentials.yml", [origin])
    content = yaml.safe_load(credentials.read_text(encoding="utf-8"))
    channel = content["channels.socketio_input.CitizenSocketIOInput"]
    channel["redis_url"] = f"redis://{REDIS[0]}:{REDIS[1]}/3"
    channel["redis_channel"] = f"test-socketio-{uuid.uuid4().hex[:8]}"
    credentials.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    database = postgres_url_module.rsplit("/", 1)[1]
    tracker, lock = tracker_store_yaml(database), lock_store_yaml(f"test{uuid.uuid4().hex[:8]}")
    servers = start_servers(workdir, kb_url, endpoints_extra=lock, tracker_store=tracker, replicas=2,
                            credentials=credentials)
    yield servers
    servers.stop()


async def test_agent_message_sent_through_the_other_replica_arrives(replicas: Servers, origin: str) -> None:
    first, second = replicas.rasa_urls
    client = Client()
    await client.connect(first, origin)
    try:
        session = await client.session()
        answer = await client.say(session, "Was kostet ein Reisepass?")
        assert "Euro" in answer["text"]
        text = "Guten Tag, hier ist Frau Maier vom Bürgertelefon."
        status, _ = await asyncio.to_thread(
            http_json, "POST",
            f"{second}/conversations/{webchat_sender(session)}/tracker/events?execute_side_effects=true&output_channel=latest",
            [{"event": "bot", "text": text, "metadata": {"agent": "Frau Maier"}}],
        )
        assert status == 200
        message = await asyncio.wait_for(client.messages.get(), TIMEOUT)
        assert message["text"] == text
        assert message["metadata"]["agent"] == "Frau Maier"
    finally:
        await client.close()
