"""Session-wide real servers for end-to-end tests over REST."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from bench.helpers.servers import Servers, http_json, knowledge_db, start_servers
from tests.e2e.feed import FakeFeed


@pytest.fixture(scope="session")
def feed() -> Iterator[FakeFeed]:
    """The Bürgerbüros' waiting-time feed (the recorded response) on loopback."""
    running = FakeFeed()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory, seed_dir, feed: FakeFeed) -> Iterator[Servers]:
    """The action server and Rasa server, with a knowledge base built from the seed files."""
    workdir = tmp_path_factory.mktemp("servers")
    url = knowledge_db(workdir, seed_dir)
    running = start_servers(workdir, url, env_extra={"WAITING_TIMES_URL": feed.url})
    yield running
    running.stop()


Say = Callable[[str], list[dict]]


@pytest.fixture
def sender() -> str:
    """A fresh conversation id."""
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
def say(servers: Servers, sender: str) -> Say:
    """Send one message as ``sender`` over the REST webhook; returns the bot's messages."""

    def _say(text: str) -> list[dict]:
        status, body = http_json("POST", f"{servers.rasa_url}/webhooks/rest/webhook",
                                 {"sender": sender, "message": text})
        assert status == 200, (status, body)
        assert isinstance(body, list)
        return body

    return _say


def joined(messages: list[dict]) -> str:
    """All texts of a bot answer."""
    return "\n".join(m.get("text", "") for m in messages)
