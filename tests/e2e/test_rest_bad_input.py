"""Bad input over REST gets an answer or a 4xx — never a 500 — and no leaks between conversations."""

from __future__ import annotations

import threading
import uuid

import pytest

from bench.helpers.servers import Servers, http_json
from tests.e2e.conftest import joined

pytestmark = pytest.mark.e2e

WEBHOOK = "/webhooks/rest/webhook"


def _post(servers: Servers, raw: bytes, content_type: str = "application/json"):
    return http_json("POST", servers.rasa_url + WEBHOOK, raw=raw, headers={"Content-Type": content_type})


def _message(servers: Servers, message) -> tuple[int, object]:
    return http_json("POST", servers.rasa_url + WEBHOOK, {"sender": f"bad-{uuid.uuid4().hex}", "message": message})


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "x" * 20_000,
        "Was kostet ein Pass? " * 1000,
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "😀🙈🇩🇪 Perso?? 🤔",
        "\u0000\u0001\u0002 Pass",
        "Robert'); DROP TABLE events;--",
        "\ud7ff\ue000\uffff",
    ],
)
def test_odd_texts_get_an_answer(servers: Servers, message: str) -> None:
    status, body = _message(servers, message)
    assert status == 200, body
    assert isinstance(body, list)
    text = joined(body)
    assert "<script" not in text and "onerror" not in text
    assert servers.alive()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{not json",
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"sender": "a"}',
        b'{"message": 42, "sender": "a"}',
        b'{"message": ["a"], "sender": {"x": 1}}',
        b'{"message": null, "sender": null}',
        bytes(range(256)) * 4,
        b"\xff\xfe\x00\x00garbage",
    ],
)
def test_wrong_json_gets_an_answer_or_4xx(servers: Servers, raw: bytes) -> None:
    status, body = _post(servers, raw)
    assert status < 500, (status, body)
    assert servers.alive()


def test_wrong_content_type(servers: Servers) -> None:
    status, _ = _post(servers, b"message=hallo&sender=x", "application/x-www-form-urlencoded")
    assert status < 500


def test_conversations_do_not_share_slots(servers: Servers) -> None:
    """Concurrent citizens: one names the Reisepass, the other asks 'Was kostet das?'."""
    results: dict[str, str] = {}

    def run(sender: str, texts: list[str]) -> None:
        answer = ""
        for text in texts:
            status, body = http_json("POST", servers.rasa_url + WEBHOOK, {"sender": sender, "message": text})
            assert status == 200
            answer = joined(body)
        results[sender] = answer

    a, b = f"iso-a-{uuid.uuid4().hex}", f"iso-b-{uuid.uuid4().hex}"
    threads = [
        threading.Thread(target=run, args=(a, ["Was kostet ein Reisepass?", "Und was brauche ich dafür?"])),
        threading.Thread(target=run, args=(b, ["Hallo", "Was kostet das?"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert "Für welche Leistung" in results[b]
    assert "Reisepass" in results[a]
    _, tracker_b = http_json("GET", f"{servers.rasa_url}/conversations/{b}/tracker")
    assert tracker_b["slots"]["service"] is None
    _, tracker_a = http_json("GET", f"{servers.rasa_url}/conversations/{a}/tracker")
    assert tracker_a["slots"]["service"] == "reisepass"
