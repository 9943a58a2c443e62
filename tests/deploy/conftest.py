"""The whole system behind the proxy: real Rasa (REST, socket.io, AudioCodes) and action server,
the web server, the console, each with its metrics port, and nginx in front (started once)."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bench.helpers.servers import (
    Servers,
    free_port,
    knowledge_db,
    start_http_process,
    start_servers,
    stop_process,
    write_credentials,
)
from bot.config import PROJECT_ROOT
from tests.deploy import proxy as nginx

WIDGET_DIST = PROJECT_ROOT / "channels" / "webchat" / "dist"
def nginx_missing() -> None:
    if nginx.NGINX is None:
        pytest.skip("Debian's nginx is not installed (apt-get install nginx; .ci/run installs it)")


@dataclass
class Stack:
    servers: Servers
    proxy: nginx.Proxy
    context: object
    audiocodes_token: str
    metrics: dict[str, str]
    web_url: str
    console_url: str


@pytest.fixture(scope="session")
def stack(tmp_path_factory, seed_dir) -> Iterator[Stack]:
    nginx_missing()
    workdir = tmp_path_factory.mktemp("deploy")
    proxy_dir = nginx.unprivileged_dir("bt-nginx-")
    cert, key = nginx.self_signed(proxy_dir)
    port, console_port = free_port(), free_port()
    origin = f"https://{nginx.SERVER_NAME}:{port}"
    credentials = write_credentials(workdir / "credentials.yml", [origin])
    credentials.write_text(credentials.read_text(encoding="utf-8") + "\n"
                           + (PROJECT_ROOT / "credentials.audiocodes.yml").read_text(encoding="utf-8"),
                           encoding="utf-8")
    token = secrets.token_hex(16)
    metrics = {name: free_port() for name in ("rasa", "actions", "console")}
    env = {
        "AUDIOCODES_TOKEN": token, "TELEPHONY_MAX_CALLS": "5", "TELEPHONY_INSTANCE_ID": f"deploy-{token[:6]}",
        "TELEPHONY_TRANSFER_TARGET": "sip:agents@pbx.test.invalid",
        "SANIC_PROXIES_COUNT": "1",  # the citizen's address comes from the proxy's X-Forwarded-For
        **{f"METRICS_PORT_{name.upper()}": str(value) for name, value in metrics.items()},
    }
    kb_url = knowledge_db(workdir, seed_dir)
    servers = start_servers(workdir, kb_url, env_extra=env, credentials=credentials)
    processes: list[subprocess.Popen] = []
    try:
        web_port, console_upstream = free_port(), free_port()
        widget = WIDGET_DIST
        if not (widget / "webchat.js").exists():
            widget = workdir / "widget"
            widget.mkdir()
            (widget / "webchat.js").write_text("/* stub widget */\n", encoding="utf-8")
        web_url = f"http://127.0.0.1:{web_port}"
        processes.append(start_http_process(
            ["-m", "bot.web", "--port", str(web_port), "--chat-server", origin, "--rasa-url", servers.rasa_url,
             "--widget-dir", str(widget)], f"{web_url}/health", workdir / "web.log"))
        console_url = f"http://127.0.0.1:{console_upstream}"
        processes.append(start_http_process(
            ["-m", "bot.console", "--port", str(console_upstream), "--rasa-url", servers.rasa_url],
            f"{console_url}/login", workdir / "console.log",
            env={**env, "STAFF_DB_URL": f"sqlite:///{workdir / 'staff.db'}", "KNOWLEDGE_DB_URL": kb_url,
                 "ENDPOINTS_FILE": str(workdir / "endpoints.yml"),
                 "TELEPHONY_DB_URL": f"sqlite:///{workdir / 'telephony.db'}"}))
        rasa_upstream = servers.rasa_url.split("//", 1)[1]
        proxy = nginx.start_proxy(
            proxy_dir, port, console_port, cert, key,
            RASA_UPSTREAMS=rasa_upstream, WEB_UPSTREAM=f"127.0.0.1:{web_port}",
            CONSOLE_UPSTREAM=f"127.0.0.1:{console_upstream}", GATEWAY_ALLOW="127.0.0.1", STAFF_ALLOW="127.0.0.1",
            EXPOSE_REST="on")
        try:
            yield Stack(servers, proxy, nginx.client_context(cert), token,
                        {name: f"http://127.0.0.1:{value}/metrics" for name, value in metrics.items()},
                        web_url, console_url)
        finally:
            proxy.stop()
    finally:
        for process in processes:
            stop_process(process)
        servers.stop()
        shutil.rmtree(proxy_dir, ignore_errors=True)
