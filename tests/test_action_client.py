"""bot/server/action_client.py: Rasa's action-response check with a validator built once."""

from __future__ import annotations

import time

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.server import action_client

GOOD = {"events": [{"event": "slot", "name": "topic", "value": "fees", "timestamp": None}],
        "responses": [{"text": "Der Personalausweis kostet 37 Euro.", "buttons": []}]}
BAD = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [42]},
    {"events": [{"event": "slot", "name": 3}]},
]


@pytest.fixture
def remote_action() -> RemoteAction:
    action_client.install()
    return RemoteAction("action_fees", None)


def test_install_patches_the_pinned_method() -> None:
    action_client.install()
    action_client.install()  # idempotent
    assert RemoteAction._validate_action_result is action_client.validate_action_result


def test_valid_responses_pass(remote_action: RemoteAction) -> None:
    assert remote_action._validate_action_result(GOOD) is True


@pytest.mark.parametrize("result", BAD)
def test_the_same_error_as_rasa(remote_action: RemoteAction, result: dict) -> None:
    """The error jsonschema.validate raises for Rasa's schema, with Rasa's hint appended."""
    with pytest.raises(jsonschema.ValidationError) as expected:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as got:
        remote_action._validate_action_result(result)
    assert got.value.message.startswith(expected.value.message)
    assert "Failed to validate Action server response" in got.value.message
    assert list(got.value.path) == list(expected.value.path)


def test_the_check_is_cheap(remote_action: RemoteAction) -> None:
    """The reason it exists: well under a millisecond per response, not Rasa's 15+ ms."""
    remote_action._validate_action_result(GOOD)
    start = time.perf_counter()
    for _ in range(50):
        remote_action._validate_action_result(GOOD)
    assert (time.perf_counter() - start) / 50 < 0.003



async def test_an_action_call_that_could_not_be_sent_is_sent_once_more(caplog) -> None:
    import aiohttp
    from rasa.utils.endpoints import EndpointConfig

    action_client.install()
    assert getattr(EndpointConfig.request, "sends_once_more", False)  # installed on the pinned class
    calls: list[str] = []

    async def request(self: EndpointConfig, **kwargs: object) -> dict:
        calls.append(self.url)
        if len(calls) == 1:  # what aiohttp raises when the server closed the connection under the body
            raise aiohttp.ClientOSError(None, f"Can not write request body for {self.url}")
        return {"events": []}

    endpoint = EndpointConfig("http://127.0.0.1:5055/webhook")
    assert await action_client.send_once_more(request)(endpoint, json={}) == {"events": []}
    assert len(calls) == 2 and "was not sent (ClientOSError): sending it once more" in caplog.text

    async def sent_then_lost(self: EndpointConfig, **kwargs: object) -> dict:
        calls.append(self.url)
        raise aiohttp.ServerDisconnectedError()  # the request went out: the action may have run

    calls.clear()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await action_client.send_once_more(sent_then_lost)(endpoint, json={})
    assert len(calls) == 1

def test_only_requests_that_were_not_sent_are_sent_again() -> None:
    import inspect

    import aiohttp.client_reqrep

    assert action_client.NOT_SENT in inspect.getsource(aiohttp.client_reqrep)  # the pinned wording
    assert action_client.was_not_sent(aiohttp.ClientOSError(None, "Can not write request body for http://a/webhook"))
    assert not action_client.was_not_sent(aiohttp.ServerDisconnectedError())  # the action may have run
    assert not action_client.was_not_sent(aiohttp.ClientOSError(104, "Connection reset by peer"))


@pytest.mark.parametrize(("channel", "spoken"), [("rest", False), ("socketio", False), ("audiocodes", True)])
async def test_an_unreachable_action_server_gets_the_citizen_the_outage_message(channel: str, spoken: bool) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bench.helpers.servers import free_port
    from bot.outage_answers import SPOKEN, WRITTEN

    action_client.install()
    nobody = EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook")  # a real refused connection
    tracker = DialogueStateTracker.from_events("c1", [UserUttered("Was kostet ein Reisepass?", input_channel=channel)])
    events = await RemoteAction("action_fees", nobody).run(CollectingOutputChannel(), None, tracker, Domain.empty())
    assert [type(e) for e in events] == [BotUttered] and events[0].text == (SPOKEN if spoken else WRITTEN)
