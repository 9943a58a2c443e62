"""Configuration and output of the web chat's socket.io channel (channels/socketio_input.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.exceptions import InvalidConfigException

from bot.config import PROJECT_ROOT
from channels.socketio_input import CitizenSocketIOInput, CitizenSocketIOOutput, parse_origins, parse_redis_url


class RecordingServer:
    """Stands in for socketio.AsyncServer: records what is emitted."""

    def __init__(self) -> None:
        self.emitted: list[tuple] = []

    async def emit(self, event, data=None, room=None, **kwargs) -> None:
        self.emitted.append((event, data, room))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (["https://www.stuttgart.de", "http://127.0.0.1:8080/"], ["https://www.stuttgart.de", "http://127.0.0.1:8080"]),
        ("https://a.example, https://b.example:8443", ["https://a.example", "https://b.example:8443"]),
        (["http://[::1]:8080"], ["http://[::1]:8080"]),
    ],
)
def test_origins_are_read_and_normalised(value, expected) -> None:
    assert parse_origins(value) == expected


@pytest.mark.parametrize(
    "value", ["*", ["*"], ["https://www.stuttgart.de/chat"], ["www.stuttgart.de"], [5], {"a": 1}, ["ftp://x"]]
)
def test_wildcards_paths_and_junk_are_refused(value) -> None:
    with pytest.raises(InvalidConfigException):
        parse_origins(value)


def test_project_credentials_enable_the_channel_with_persistence_and_origins() -> None:
    credentials = yaml.safe_load(Path(PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    channel = CitizenSocketIOInput.from_credentials(credentials["channels.socketio_input.CitizenSocketIOInput"])
    assert channel.session_persistence is True
    assert channel.user_message_evt == "user_uttered" and channel.bot_message_evt == "bot_uttered"
    assert channel.cors_allowed_origins == ["http://127.0.0.1:8080", "http://localhost:8080"]
    assert CitizenSocketIOInput.name() == "socketio"


def test_blueprint_checks_origins_and_limits_message_size() -> None:
    channel = CitizenSocketIOInput.from_credentials({"cors_allowed_origins": ["https://www.stuttgart.de"]})

    async def on_new_message(message) -> None:  # pragma: no cover - not called
        raise AssertionError

    channel.blueprint(on_new_message)
    assert channel.sio.eio.cors_allowed_origins == ["https://www.stuttgart.de"]
    assert channel.sio.eio.cors_credentials is False
    assert channel.sio.eio.max_http_buffer_size == 64 * 1024
    assert isinstance(channel.get_output_channel(), CitizenSocketIOOutput)


async def test_output_sends_one_message_per_answer_with_id_and_link_buttons() -> None:
    server = RecordingServer()
    output = CitizenSocketIOOutput(server, "bot_uttered")
    await output.send_response("s1", {
        "text": "Formulare:\n\nAbsatz zwei",
        "buttons": [{"title": "Antrag", "url": "https://www.stuttgart.de/a.pdf", "type": "web_url"}],
        "timestamp": 1800000000.5,
    })
    await output.send_response("s1", {"text": "Hallo", "timestamp": 1800000001.0})
    assert server.emitted == [
        ("bot_uttered", {
            "text": "Formulare:\n\nAbsatz zwei",
            "quick_replies": [{"content_type": "text", "type": "web_url", "title": "Antrag",
                               "url": "https://www.stuttgart.de/a.pdf"}],
            "metadata": {"message_id": "1800000000.5"},
        }, "s1"),
        ("bot_uttered", {"text": "Hallo", "metadata": {"message_id": "1800000001.0"}}, "s1"),
    ]


@pytest.mark.parametrize("value", [None, "", "redis://127.0.0.1:6379/3", "rediss://redis.intern:6380/0"])
def test_redis_url_is_optional_and_checked(value) -> None:
    assert parse_redis_url(value) == (value or None)


@pytest.mark.parametrize("value", ["http://redis:6379", "127.0.0.1:6379", 6379, ["redis://x"]])
def test_wrong_redis_urls_are_refused(value) -> None:
    with pytest.raises(InvalidConfigException):
        parse_redis_url(value)


def test_redis_url_gives_the_server_a_redis_client_manager() -> None:
    channel = CitizenSocketIOInput.from_credentials({"redis_url": "redis://127.0.0.1:6379/3", "redis_channel": "x"})
    channel.blueprint(lambda message: None)
    assert type(channel.sio.manager).__name__ == "AsyncRedisManager"
    assert channel.sio.manager.channel == "x"
    plain = CitizenSocketIOInput.from_credentials({})
    plain.blueprint(lambda message: None)
    assert type(plain.sio.manager).__name__ == "AsyncManager"
