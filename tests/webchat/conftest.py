"""Real servers for the web chat: action server + Rasa (socket.io channel), the web server
(``python -m bot.web``) and Debian's Chromium driven by Playwright.

The allowed origins of the socket.io channel are those of this test run (free ports),
written into a copy of ``credentials.yml``. Without ``chromium``, the built widget or
the npm packages, the browser tests skip locally and fail in CI (``CI`` set).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.helpers.handoff_config import ALWAYS_STAFFED, write_config
from bench.helpers.servers import Servers, free_port, http_json, knowledge_db, start_servers, write_credentials
from bot.config import PROJECT_ROOT

WEBCHAT_DIR = PROJECT_ROOT / "channels" / "webchat"
NODE_MODULES = WEBCHAT_DIR / "node_modules"
OUTPUT_DIR = PROJECT_ROOT / "tests" / "output"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def missing(what: str) -> None:
    """Skip locally, fail in CI."""
    message = f"{what} (run `make install`; Debian's chromium: `apt-get install chromium`)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class ChatStack:
    """The running servers of the web chat."""

    servers: Servers
    web_url: str
    compat_url: str

    @property
    def rasa_url(self) -> str:
        return self.servers.rasa_url


@pytest.fixture(scope="session")
def chat_ports() -> tuple[int, int]:
    """Ports of the web server and of the page with the npm rasa-webchat widget."""
    return free_port(), free_port()


@pytest.fixture(scope="session")
def chat_servers(tmp_path_factory, seed_dir, chat_ports) -> Iterator[Servers]:
    """Action server and Rasa with the socket.io channel, allowing this run's two origins."""
    workdir = tmp_path_factory.mktemp("webchat")
    url = knowledge_db(workdir, seed_dir)
    credentials = write_credentials(workdir / "credentials.yml", [f"http://127.0.0.1:{port}" for port in chat_ports])
    # One team, always staffed: "Mit einem Menschen sprechen" queues at any time of day.
    handoff = write_config(workdir / "handoff.yml", [ALWAYS_STAFFED])
    running = start_servers(workdir, url, credentials=credentials, env_extra={"HANDOFF_CONFIG": str(handoff)})
    yield running
    running.stop()


@pytest.fixture(scope="session")
def widget_bundle() -> Path:
    """The built widget; it must be newer than its sources."""
    bundle = WEBCHAT_DIR / "dist" / "webchat.js"
    if not bundle.exists():
        missing(f"{bundle} is not built")
    sources = [WEBCHAT_DIR / "src" / "webchat.js", WEBCHAT_DIR / "src" / "webchat.css", WEBCHAT_DIR / "build.mjs"]
    if any(source.stat().st_mtime > bundle.stat().st_mtime for source in sources):
        pytest.fail(f"{bundle} is older than channels/webchat/src: run `make install`", pytrace=False)
    return bundle


def _serve_directory(directory: Path, port: int) -> ThreadingHTTPServer:
    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


COMPAT_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>rasa-webchat an unserem Server</title></head>
<body><div id="webchat"></div>
<script src="rasa-webchat.js"></script>
<script>
WebChat.default({socketUrl: "%(rasa)s", socketPath: "/socket.io/", title: "rasa-webchat",
  initPayload: "/greet", embedded: true, params: {storage: "session"}},
  document.getElementById("webchat"));
</script></body></html>
"""


@pytest.fixture(scope="session")
def chat(chat_servers: Servers, chat_ports, widget_bundle, tmp_path_factory) -> Iterator[ChatStack]:
    """The web server with the demo page and a static page with the npm rasa-webchat widget."""
    web_port, compat_port = chat_ports
    workdir = chat_servers.workdir
    log = (workdir / "web.log").open("w")
    web = subprocess.Popen(
        [sys.executable, "-m", "bot.web", "--port", str(web_port), "--chat-server", chat_servers.rasa_url],
        cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    web_url = f"http://127.0.0.1:{web_port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if http_json("GET", f"{web_url}/health", timeout=2)[0] == 200:
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if web.poll() is not None or time.monotonic() > deadline:
            web.kill()
            raise RuntimeError(f"web server did not start\n{(workdir / 'web.log').read_text()}")
        time.sleep(0.3)
    compat_dir = tmp_path_factory.mktemp("compat")
    library = NODE_MODULES / "rasa-webchat" / "lib" / "index.js"
    if library.exists():
        shutil.copy(library, compat_dir / "rasa-webchat.js")
    (compat_dir / "index.html").write_text(COMPAT_PAGE % {"rasa": chat_servers.rasa_url}, encoding="utf-8")
    compat = _serve_directory(compat_dir, compat_port)
    yield ChatStack(chat_servers, web_url, f"http://127.0.0.1:{compat_port}/index.html")
    compat.shutdown()
    web.terminate()
    try:
        web.wait(timeout=10)
    except subprocess.TimeoutExpired:
        web.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, through Playwright (no browser download)."""
    path = shutil.which("chromium")
    if path is None:
        missing("Debian's chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def output_dir() -> Path:
    """``tests/output`` (git-ignored): screenshots for people to look at."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture
def new_chat_page(browser, chat: ChatStack) -> Iterator[object]:
    """Factory: the demo page in a fresh browser context (own sessionStorage); options as Playwright's."""
    from tests.webchat.chatpage import ChatPage

    contexts = []

    def _new(**options: object) -> ChatPage:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, "locale": "de-DE", **options})
        contexts.append(context)
        return ChatPage(context.new_page(), f"{chat.web_url}/")

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def chat_page(new_chat_page) -> object:
    """The demo page in a fresh browser context, desktop size."""
    return new_chat_page()
