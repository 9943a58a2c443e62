"""The reverse proxy (deploy/nginx) in front of the real servers: what passes, what is 404, TLS, headers, limits."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import ssl
import threading
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import socketio

from bench.helpers.servers import free_port
from bot.web.middlewares import content_security_policy
from bot.web.settings import WebSettings
from tests.deploy import proxy as nginx
from tests.deploy.conftest import Stack, nginx_missing

pytestmark = pytest.mark.e2e

INTERNAL = [
    ("GET", "/"), ("GET", "/version"), ("GET", "/status"), ("GET", "/domain"),
    ("GET", "/conversations/x/tracker"), ("POST", "/conversations/x/tracker/events"),
    ("POST", "/model/parse"), ("PUT", "/model"), ("DELETE", "/model"),
    ("POST", "/webhook"), ("GET", "/actions"), ("GET", "/health"), ("GET", "/metrics"),
    ("GET", "/webhooks/rest/"), ("GET", "/webhooks/socketio/"), ("GET", "/webhooks/audiocodes/"),
    # the allowed prefixes do not open the rest by traversal or encoding
    ("GET", "/socket.io/../status"), ("GET", "/socket.io/%2e%2e/status"), ("GET", "/webchat/..%2Fstatus"),
    ("GET", "/webhooks/rest/webhook/../../conversations/x/tracker"),
    ("POST", "/webhooks/audiocodes/conversation/x/../../../model/parse"),
    ("POST", "/webhooks/audiocodes/webhook/conversation/x/activities"), ("GET", "/static/demo.css"),
]


def call(stack: Stack, method: str, path: str, body: object = None, raw: bytes | None = None, **headers: str):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    return nginx.request(stack.context, method, stack.proxy.url + path, data, headers)


def test_the_rest_webhook_passes(stack: Stack) -> None:
    reply = call(stack, "POST", "/webhooks/rest/webhook", {"sender": f"proxy-{uuid.uuid4().hex}",
                                                          "message": "Was kostet ein Reisepass?"})
    assert reply.status == 200, reply.text
    assert "Euro" in " ".join(m.get("text", "") for m in json.loads(reply.body))


def test_the_audiocodes_webhooks_pass_with_the_token(stack: Stack) -> None:
    auth = {"Authorization": f"Bearer {stack.audiocodes_token}"}
    cid = f"proxy-call-{uuid.uuid4().hex[:12]}"
    created = call(stack, "POST", "/webhooks/audiocodes/webhook", {"conversation": cid}, **auth)
    assert created.status == 200, created.text
    urls = json.loads(created.body)
    start = {"conversation": cid, "activities": [{
        "id": uuid.uuid4().hex, "type": "event", "name": "start", "timestamp": "2026-12-01T10:00:00.000Z",
        "parameters": {"caller": "+4971112345", "callee": "115"}}]}
    turn = call(stack, "POST", f"/webhooks/audiocodes/{urls['activitiesURL']}", start, **auth)
    assert turn.status == 200, turn.text
    assert json.loads(turn.body)["activities"], turn.text
    assert call(stack, "POST", f"/webhooks/audiocodes/{urls['refreshURL']}", {}, **auth).status == 200
    assert call(stack, "POST", f"/webhooks/audiocodes/{urls['disconnectURL']}", {}, **auth).status == 200
    assert call(stack, "POST", "/webhooks/audiocodes/webhook", {"conversation": cid}).status == 401


async def test_socketio_long_polling_passes_a_whole_conversation(stack: Stack) -> None:
    client = socketio.AsyncClient(reconnection=False, ssl_verify=False)
    answers: asyncio.Queue = asyncio.Queue()
    confirmed: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", answers.put)
    client.on("session_confirm", confirmed.put)
    await client.connect(stack.proxy.url, headers={"Origin": stack.proxy.origin}, transports=["polling"],
                         wait_timeout=10)
    try:
        await client.emit("session_request", {"session_id": None})
        session = await asyncio.wait_for(confirmed.get(), 30)
        await client.emit("user_uttered", {"message": "Was kostet ein Reisepass?", "session_id": session})
        answer = await asyncio.wait_for(answers.get(), 30)
        assert "Euro" in answer["text"]
    finally:
        await client.eio.disconnect(abort=True)


def test_socketio_websocket_upgrade_passes(stack: Stack) -> None:
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", stack.proxy.port), timeout=10) as raw, \
            stack.context.wrap_socket(raw, server_hostname=nginx.SERVER_NAME) as tls:
        tls.sendall((
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            f"Host: {nginx.SERVER_NAME}:{stack.proxy.port}\r\nOrigin: {stack.proxy.origin}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += tls.recv(4096)
        head, _, rest = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        while len(rest) < 2 or len(rest) < 2 + (rest[1] & 0x7F):
            rest += tls.recv(4096)
        assert rest[0] & 0x0F == 1  # a text frame: engine.io's "open" packet
        assert rest[2:].startswith(b'0{"sid"'), rest


def test_a_socket_from_another_origin_is_refused(stack: Stack) -> None:
    reply = call(stack, "GET", "/socket.io/?EIO=4&transport=polling", Origin="https://evil.example")
    assert reply.status == 400


@pytest.mark.parametrize(("method", "path"), INTERNAL)
def test_everything_else_is_404_through_the_proxy(stack: Stack, method: str, path: str) -> None:
    body = b"{}" if method in ("POST", "PUT") else None
    # With the API token too: the proxy does not forward these at all.
    reply = call(stack, method, path, raw=body, Authorization="Bearer test-rasa-api-token-0123456789")
    assert reply.status == 404, (path, reply.status, reply.text[:200])
    assert "rasa" not in reply.text.lower()


def test_the_web_chat_assets_pass(stack: Stack) -> None:
    reply = call(stack, "GET", "/webchat/webchat.js")
    assert reply.status == 200
    assert "javascript" in reply.headers["content-type"]


def test_security_headers_on_answers_and_on_the_proxys_own_errors(stack: Stack) -> None:
    expected_csp = content_security_policy(WebSettings(chat_server_url=stack.proxy.origin))
    for reply in (call(stack, "GET", "/webchat/webchat.js"), call(stack, "GET", "/status")):
        headers = reply.headers
        assert headers["strict-transport-security"].startswith("max-age=31536000")
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        assert headers["content-security-policy"] == expected_csp
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers.get("server", "nginx") == "nginx"  # no version


def test_an_oversized_body_gets_413_at_the_proxy(stack: Stack) -> None:
    big = json.dumps({"sender": "big", "message": "x" * (200 * 1024)}).encode()
    assert call(stack, "POST", "/webhooks/rest/webhook", raw=big).status == 413
    assert call(stack, "POST", "/socket.io/?EIO=4&transport=polling&sid=x", raw=big).status == 413
    just_below = json.dumps({"sender": "below", "message": "x" * (100 * 1024)}).encode()
    assert call(stack, "POST", "/webhooks/rest/webhook", raw=just_below).status == 400  # Rasa's own check


def test_new_calls_have_their_own_limit_not_the_per_call_one(stack: Stack) -> None:
    """All new calls share one URI: under the per-URI limit (5 r/s, burst 20) a node could take only
    5 new calls a second. 40 at once from the gateway pass (bt_gateway_new: 20 r/s, burst 100)."""
    auth = {"Authorization": f"Bearer {stack.audiocodes_token}"}
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda n: call(stack, "POST", "/webhooks/audiocodes/webhook",
                                                {"conversation": f"burst-{uuid.uuid4().hex}"}, **auth).status,
                                 range(40)))
    assert statuses == [200] * 40, statuses


def test_the_rest_webhook_is_rate_limited_per_address(stack: Stack) -> None:
    def post(_: int) -> int:
        return call(stack, "POST", "/webhooks/rest/webhook", raw=b"{}").status

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(post, range(60)))
    assert 429 in statuses and 400 in statuses, statuses


def test_the_console_has_its_own_server_block(stack: Stack) -> None:
    login = nginx.request(stack.context, "GET", stack.proxy.console_url + "/login")
    assert login.status == 200 and "<form" in login.text
    assert login.headers["strict-transport-security"].startswith("max-age=")
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]  # the console's own
    assert nginx.request(stack.context, "GET", stack.proxy.console_url + "/metrics").status == 404
    assert call(stack, "GET", "/login").status == 404  # not on the citizens' server


def test_tls_needs_the_server_name_and_tls_1_2(stack: Stack) -> None:
    unverified = ssl._create_unverified_context()  # noqa: S323 - the handshake is what is tested, not the certificate
    with pytest.raises(ssl.SSLError), socket.create_connection(("127.0.0.1", stack.proxy.port), timeout=5) as raw, \
            unverified.wrap_socket(raw):  # no SNI: refused
        pass
    old = nginx.client_context(stack.proxy.cert)
    with warnings.catch_warnings():  # an outdated client on purpose: Python warns about TLS 1.1
        warnings.simplefilter("ignore", DeprecationWarning)
        old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        old.maximum_version = ssl.TLSVersion.TLSv1_1
        with pytest.raises((ssl.SSLError, OSError)), socket.create_connection(("127.0.0.1", stack.proxy.port),
                                                                              timeout=5) as raw, \
                old.wrap_socket(raw, server_hostname=nginx.SERVER_NAME):
            pass
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        context = nginx.client_context(stack.proxy.cert)
        context.minimum_version = context.maximum_version = version
        with socket.create_connection(("127.0.0.1", stack.proxy.port), timeout=5) as raw, \
                context.wrap_socket(raw, server_hostname=nginx.SERVER_NAME) as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")


# ---------------------------------------------------------------- without the real servers


def test_nginx_t_passes_on_the_production_defaults() -> None:
    nginx_missing()
    directory = nginx.unprivileged_dir("bt-nginx-t-")
    cert, key = nginx.self_signed(directory)
    values = nginx.render.settings_from_env({}, TLS_CERTIFICATE=str(cert), TLS_CERTIFICATE_KEY=str(key),
                                           LISTEN="127.0.0.1:8443", HTTP_LISTEN="127.0.0.1:8080",
                                           CONSOLE_LISTEN="127.0.0.1:9443", GATEWAY_ALLOW="192.0.2.0/24")
    nginx.local.prepare(directory, values)
    done = nginx.nginx_test(directory)
    site = (directory / "buergertelefon.conf").read_text()
    shutil.rmtree(directory, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    limits = site.split("# ----------------------------------------------------------------- limits")[1]
    assert "/webhooks/rest/webhook" not in limits
    assert "allow 192.0.2.0/24;" in site and "ssl_protocols TLSv1.2 TLSv1.3;" in site


@pytest.mark.parametrize(("name", "value"), [("SERVER_NAME", "x; include /etc/passwd"), ("RASA_UPSTREAMS", "a b"),
                                        ("GATEWAY_ALLOW", "everyone"), ("TLS_CERTIFICATE", "cert.pem"),
                                        ("CONSOLE_LISTEN", "443")])
def test_the_renderer_refuses_values_that_could_change_the_configuration(name: str, value: str) -> None:
    with pytest.raises(nginx.render.RenderError):
        nginx.render.render(nginx.render.settings_from_env({}, **{name: value}))


class _Named(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server's name
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        body = self.server.name.encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_socketio_sticks_to_one_replica_while_webhooks_use_both() -> None:
    nginx_missing()
    upstreams = []
    for name in ("replica-a", "replica-b"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Named)
        server.name = name  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        upstreams.append(server)
    directory = nginx.unprivileged_dir("bt-nginx-sticky-")
    cert, key = nginx.self_signed(directory)
    port, console_port = free_port(), free_port()
    proxy = nginx.start_proxy(directory, port, console_port, cert, key, EXPOSE_REST="on",
                              RASA_UPSTREAMS=",".join(f"127.0.0.1:{s.server_address[1]}" for s in upstreams))
    context = nginx.client_context(cert)
    try:
        sockets = {nginx.request(context, "GET", f"{proxy.url}/socket.io/?EIO=4&transport=polling").text
                   for _ in range(12)}
        webhooks = {nginx.request(context, "POST", f"{proxy.url}/webhooks/rest/webhook", b"{}").text
                    for _ in range(12)}
    finally:
        proxy.stop()
        for server in upstreams:
            server.shutdown()
        shutil.rmtree(directory, ignore_errors=True)
    assert len(sockets) == 1, sockets
    assert webhooks == {"replica-a", "replica-b"}


def test_the_demo_page_and_the_rest_channel_are_opt_in() -> None:
    off = nginx.render.render(nginx.render.settings_from_env({}))
    on = nginx.render.render(nginx.render.settings_from_env({"BT_DEMO_PAGE": "on", "BT_EXPOSE_REST": "on"}))
    assert "location = / {" not in off and "location = /webhooks/rest/webhook" not in off
    assert "location = / {" in on and "location = /webhooks/rest/webhook" in on
