"""The action server is down: citizens get the outage message, never an empty answer.

Real processes on loopback: Rasa and the action server; the action server is stopped
between two turns (Rasa's own behaviour would be to log the error, drop the action's
events and answer nothing).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from bench.helpers.servers import Servers, http_json, knowledge_db, start_servers, stop_process
from bot.outage_answers import WRITTEN

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def alone(tmp_path_factory, seed_dir) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("actions-down")
    running = start_servers(workdir, knowledge_db(workdir, seed_dir))
    yield running
    running.stop()


def test_a_citizen_gets_the_outage_message_while_the_action_server_is_down(alone: Servers) -> None:
    sender = f"down-{uuid.uuid4().hex[:8]}"
    url = f"{alone.rasa_url}/webhooks/rest/webhook"
    status, first = http_json("POST", url, {"sender": sender, "message": "Was kostet ein Reisepass?"})
    assert status == 200 and "Euro" in " ".join(m.get("text", "") for m in first)
    stop_process(alone.processes[0])  # the action server
    status, answer = http_json("POST", url, {"sender": sender, "message": "Was kostet ein Personalausweis?"})
    assert status == 200 and [m.get("text") for m in answer] == [WRITTEN]
