"""Security regressions against the real servers on loopback, tried as an attacker would (#10).

C1: Rasa's HTTP API needs the token on every path but the citizen endpoints; it is never
read from ``?token=``. H3: the action server listens on loopback only and refuses forged
calls before it runs an action. M5: a payload cannot put free text into slots. M7:
bodies over the limit are refused before they are buffered.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from urllib.parse import urlsplit

import pytest

from bench.helpers.servers import ACTION_TOKEN, API_TOKEN, Servers, http_json
from bot.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

API_PATHS = [
    ("GET", "/"), ("GET", "/version"), ("GET", "/status"), ("GET", "/domain"),
    ("GET", "/conversations/victim/tracker"), ("POST", "/conversations/victim/tracker/events"),
    ("PUT", "/conversations/victim/tracker/events"), ("GET", "/conversations/victim/story"),
    ("POST", "/conversations/victim/messages"), ("POST", "/conversations/victim/trigger_intent"),
    ("POST", "/conversations/victim/predict"), ("POST", "/conversations/victim/execute"),
    ("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train"), ("POST", "/model/parse"),
    ("POST", "/model/test/intents"), ("POST", "/model/predict"),
    ("GET", "/webhooks/../conversations/victim/tracker"), ("GET", "/conversations%2Fvictim%2Ftracker"),
]
FORGED_CALLBACK = {
    "next_action": "action_contact_request", "sender_id": "forged-1", "version": "3.6.21", "domain": {},
    "tracker": {"sender_id": "forged-1", "slots": {"contact_data": {"step": "consent", "email": "opfer@example.org"}},
                "latest_message": {"intent": {"name": "affirm", "confidence": 1.0}, "text": "ja"},
                "events": [], "latest_input_channel": "socketio"},
}


@pytest.mark.parametrize(("method", "path"), API_PATHS)
def test_the_api_refuses_requests_without_the_token(servers: Servers, method: str, path: str) -> None:
    body = [{"event": "pause"}] if method in ("POST", "PUT") else None
    status, _ = http_json(method, servers.rasa_url + path, body, auth=False)
    assert status in (401, 403, 404), (method, path, status)
    wrong, _ = http_json(method, servers.rasa_url + path, body, auth=False,
                         headers={"Authorization": "Bearer " + "x" * len(API_TOKEN)})
    assert wrong in (401, 403, 404), (method, path, wrong)


def test_the_token_counts_only_in_the_header(servers: Servers) -> None:
    assert http_json("GET", f"{servers.rasa_url}/status?token={API_TOKEN}", auth=False)[0] == 401
    assert http_json("GET", f"{servers.rasa_url}/status")[0] == 200  # with the header, as the console sends it


def test_a_forged_pause_cannot_silence_a_citizen(servers: Servers) -> None:
    sender = f"victim-{uuid.uuid4().hex}"
    url = f"{servers.rasa_url}/conversations/{sender}/tracker/events"
    raw = b'[{"event":"pause"}]'  # a blind cross-site POST as text/plain, as a website could send it
    assert http_json("POST", url, raw=raw, auth=False, headers={"Content-Type": "text/plain"})[0] == 401
    status, answer = http_json("POST", f"{servers.rasa_url}/webhooks/rest/webhook",
                               {"sender": sender, "message": "Was kostet ein Reisepass?"}, auth=False)
    assert status == 200 and "Euro" in " ".join(m.get("text", "") for m in answer)


def test_the_action_server_refuses_forged_calls(servers: Servers) -> None:
    url = f"{servers.action_url}/webhook"
    for headers in ({}, {"Authorization": "Bearer " + "y" * len(ACTION_TOKEN)}, {"Authorization": ACTION_TOKEN}):
        status, body = http_json("POST", url, FORGED_CALLBACK, auth=False, headers=headers)
        assert status == 401, body
    assert http_json("GET", f"{servers.action_url}/actions", auth=False)[0] == 401
    assert http_json("GET", f"{servers.action_url}/health", auth=False)[0] == 200


def test_the_action_server_listens_on_loopback_only(servers: Servers) -> None:
    port = urlsplit(servers.action_url).port
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], check=False, capture_output=True, text=True).stdout
    assert listening.strip() and all(" 127.0.0.1:" in line for line in listening.strip().splitlines()), listening


def test_a_payload_cannot_put_free_text_into_slots(servers: Servers) -> None:
    sender = f"inject-{uuid.uuid4().hex}"
    payload = '/request_human{"service":"Bitte sofort 0900 123456 anrufen\\r\\nX: y","district":"mitte"}'
    status, _ = http_json("POST", f"{servers.rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": payload})
    assert status == 200
    _, tracker = http_json("GET", f"{servers.rasa_url}/conversations/{sender}/tracker")
    slots = tracker["slots"]
    assert "0900" not in str(slots.get("service")) and "0900" not in str(slots.get("district"))


def test_huge_bodies_are_refused_before_they_are_buffered(servers: Servers) -> None:
    """A 100 MB body gets 413 at once: Sanic's limit, not only the channel's 64 KB check."""
    parts = urlsplit(servers.rasa_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 100000000\r\n\r\n" + b"x" * 65536)
        answer = connection.recv(200)
    assert answer.startswith(b"HTTP/1.1 413"), answer


def test_the_launchers_refuse_to_start_without_secrets(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "RASA_AUTH_TOKEN_FILE": str(tmp_path / "none"),
           "ACTION_SERVER_TOKEN_FILE": str(tmp_path / "none")}
    for module in ("bot.server.rasa_server", "bot.server.action_server"):
        result = subprocess.run([sys.executable, "-m", module], cwd=PROJECT_ROOT, env=env,
                                check=False, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and "is not set" in result.stderr, result.stderr
    refused = subprocess.run([sys.executable, "-m", "bot.server.rasa_server", "--auth-token", "geheim"],
                             cwd=PROJECT_ROOT, check=False, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "not accepted" in refused.stderr


def test_a_flood_in_one_conversation_is_slowed_politely(servers: Servers) -> None:
    """M6: 20 messages a minute per conversation; then a German answer with 429, others go on."""
    sender, other = f"flood-{uuid.uuid4().hex}", f"calm-{uuid.uuid4().hex}"
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    statuses = [http_json("POST", url, {"sender": sender, "message": "/greet"})[0] for _ in range(20)]
    assert statuses == [200] * 20
    status, body = http_json("POST", url, {"sender": sender, "message": "Hallo"})
    assert status == 429 and "sehr viele Nachrichten" in body[0]["text"]
    assert http_json("POST", url, {"sender": other, "message": "Hallo"})[0] == 200
