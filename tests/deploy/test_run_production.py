"""``make run-production`` (scripts/run_production.py) as an operator starts it: the whole system on one
machine with the production stores behind nginx, the phone front included; Ctrl-C stops everything.

One REST turn and one follow-up through the proxy (the slot kept across two replicas), a phone call
admitted by the front and answered by Rasa, every printed metrics URL, and nothing left running after
SIGINT.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.helpers.servers import MODEL, SECRETS_ENV, free_port, redis_unavailable_reason
from bot.config import PROJECT_ROOT
from tests.deploy import proxy as nginx
from tests.deploy.conftest import nginx_missing

pytestmark = pytest.mark.e2e

SCRIPT = PROJECT_ROOT / "scripts" / "run_production.py"
PHONE_TOKEN = "run-production-test-token-0123456789"
READY_TIMEOUT = 240.0


@dataclass
class Running:
    process: subprocess.Popen
    output: list[str]
    ports: dict[str, int]
    cert: Path

    @property
    def citizen_url(self) -> str:
        return f"https://localhost:{self.ports['PROXY_PORT']}"

    def metrics_urls(self) -> list[str]:
        return re.findall(r"http://127\.0\.0\.1:\d+/metrics", "\n".join(self.output))


def _read_until_ready(process: subprocess.Popen, output: list[str]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("run_production.py ended before it was ready:\n" + "".join(output[-40:]))
        output.append(line)
        if line.startswith("Logs:"):
            return
    raise AssertionError("run_production.py was not ready in time:\n" + "".join(output[-40:]))


@pytest.fixture(scope="module")
def running(postgres_url_module: str) -> Iterator[Running]:
    nginx_missing()
    reason = redis_unavailable_reason()
    if reason:
        pytest.skip(reason)
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    names = ("ACTION_PORT", "WEB_PORT", "CONSOLE_PORT", "PROXY_PORT", "PROXY_CONSOLE_PORT", "PHONE_FRONT_PORT",
             "ACTION_METRICS_PORT", "RASA_METRICS_PORT", "RASA_2_METRICS_PORT", "CONSOLE_METRICS_PORT",
             "PHONE_FRONT_METRICS_PORT")
    ports = {name: free_port() for name in names}
    rasa_ports = [free_port(), free_port()]
    env = {**os.environ, **SECRETS_ENV, **{name: str(port) for name, port in ports.items()},
           "RASA_PORTS": ",".join(map(str, rasa_ports)), "PRODUCTION_DB_URL": postgres_url_module,
           "AUDIOCODES_TOKEN": PHONE_TOKEN,
           "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, str(SCRIPT), "--rest"], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output: list[str] = []
    try:
        _read_until_ready(process, output)
        cert = Path(re.search(r"self-signed certificate: (\S+)\)", "".join(output)).group(1))  # type: ignore[union-attr]
        yield Running(process, output, {**ports, "RASA_1": rasa_ports[0], "RASA_2": rasa_ports[1]}, cert)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_a_citizen_asks_and_follows_up_through_the_proxy(running: Running) -> None:
    context = nginx.client_context(running.cert)
    sender = f"prod-{uuid.uuid4().hex[:10]}"
    url = f"{running.citizen_url}/webhooks/rest/webhook"
    first = nginx.request(context, "POST", url, json.dumps({"sender": sender, "message": "Was kostet ein Reisepass?"})
                          .encode())
    assert first.status == 200, first.text
    assert "70" in first.text and "Euro" in first.text
    second = nginx.request(context, "POST", url, json.dumps({"sender": sender, "message": "Und welche Unterlagen?"})
                           .encode())
    assert second.status == 200 and "Reisepass" in second.text, second.text  # the slot, whichever replica
    page = nginx.request(context, "GET", f"{running.citizen_url}/")
    assert page.status == 200 and "text/html" in page.headers.get("content-type", "")


def test_a_phone_call_is_admitted_by_the_front_and_answered_by_rasa(running: Running) -> None:
    context = nginx.client_context(running.cert)
    base = f"{running.citizen_url}/webhooks/audiocodes/webhook"
    auth = {"Authorization": f"Bearer {PHONE_TOKEN}"}
    call = f"call-{uuid.uuid4().hex[:10]}"
    created = nginx.request(context, "POST", base, json.dumps({"conversation": call}).encode(), headers=auth)
    assert created.status == 200, created.text
    urls = json.loads(created.body)
    assert urls["activitiesURL"] == f"conversation/{call}/activities"  # admitted: its turns go to Rasa
    start = {"conversation": call, "activities": [{"id": uuid.uuid4().hex, "type": "event", "name": "start",
                                                   "timestamp": "2026-12-01T10:00:00.000Z"}]}
    answered = nginx.request(context, "POST", base.rsplit("/", 1)[0] + "/" + urls["activitiesURL"],
                             json.dumps(start).encode(), headers=auth)
    assert answered.status == 200, answered.text
    said = " ".join(a.get("text", "") for a in json.loads(answered.body)["activities"])
    assert said.strip(), answered.text


def test_every_printed_metrics_url_answers(running: Running) -> None:
    urls = running.metrics_urls()
    assert len(urls) == 5, running.output  # actions, two replicas, console, phone front
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert b"buergertelefon_" in response.read()


def test_the_web_servers_health_reaches_rasa(running: Running) -> None:
    # behind nginx the public origin does not serve Rasa's health route: the web server asks Rasa itself
    with urllib.request.urlopen(f"http://127.0.0.1:{running.ports['WEB_PORT']}/health", timeout=10) as response:
        assert response.status == 200 and json.loads(response.read())["chat_server"] == "ok"


def test_ctrl_c_stops_everything(running: Running) -> None:
    os.killpg(running.process.pid, signal.SIGINT)
    assert running.process.wait(timeout=60) == 0
    for name, port in running.ports.items():
        assert not _listening(port), f"{name} ({port}) still listens after Ctrl-C"
