"""Hypothesis against the real aiohttp apps in-process: the web server and the staff console.

Shared by ``tests/fuzz`` and ``bench/fuzz.py``. :class:`RunningApp` serves an app on a
loopback port from its own event loop; :func:`check_raw_request` writes one request as
raw bytes (any method, path, header bytes and body, also malformed ones) and reads the
status line. Property: an answer always comes, and it is never a 5xx (``/health`` of the
web server may say 503: the chat server is not running, by design).
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import strategies as st

from bench.helpers.servers import free_port
from bot.console import csrf
from bot.console.app import create_app as create_console
from bot.console.sessions import session_cookie_name
from bot.console.settings import ConsoleSettings
from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.web.app import create_app as create_web
from bot.web.settings import WebSettings

#: Paths of each app the requests start from (the rest are mutations of them and noise).
WEB_PATHS = ("/", "/health", "/webchat/webchat.js", "/webchat/../app.py", "/static/", "/static/%2e%2e/app.py")
CONSOLE_PATHS = ("/login", "/login?next=//evil.example", "/logout", "/", "/favicon.ico", "/static/console.css",
                 "/static/../app.py", "/queue", "/queue/events", "/conversations/x", "/admin/users",
                 "/review/x/annotations", "/handoffs/1/take", "/callbacks/1/done", "/knowledge/gaps.csv", "/stats")
METHODS = ("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH")
READ_TIMEOUT = 15.0


@dataclass
class RawRequest:
    """One HTTP/1.1 request; ``body`` gets a correct Content-Length."""

    method: bytes
    target: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def encode(self, host: str) -> bytes:
        lines = [self.method + b" " + self.target + b" HTTP/1.1", b"Host: " + host.encode()]
        lines += [name + b": " + value for name, value in self.headers]
        lines += [b"Content-Length: " + str(len(self.body)).encode(), b"Connection: close", b"", b""]
        return b"\r\n".join(lines) + self.body


class RunningApp:
    """An aiohttp app on 127.0.0.1 with its own event loop (for hypothesis' synchronous tests)."""

    def __init__(self, app: web.Application, allowed_5xx: frozenset[tuple[str, int]] = frozenset()) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = TestServer(app, host="127.0.0.1", port=free_port())
        self.allowed_5xx = allowed_5xx
        self.loop.run_until_complete(self.server.start_server())

    def status_of(self, request: RawRequest) -> int | None:
        """The status of the answer, None if the connection closed without one."""
        return self.loop.run_until_complete(asyncio.wait_for(self._send(request), READ_TIMEOUT))

    async def _send(self, request: RawRequest) -> int | None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.server.port)
        try:
            writer.write(request.encode(f"127.0.0.1:{self.server.port}"))
            await writer.drain()
            line = await reader.readline()
            await reader.read()  # the whole answer (Connection: close)
        except ConnectionResetError:
            return None
        finally:
            writer.close()
        parts = line.split()
        return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None

    def close(self) -> None:
        self.loop.run_until_complete(self.server.close())
        self.loop.close()


def web_app(directory: Path) -> RunningApp:
    """The web server with a stub widget; Rasa is not running (``/health``: 503)."""
    widget = directory / "widget"
    widget.mkdir(exist_ok=True)
    (widget / "webchat.js").write_text("/* widget */", encoding="utf-8")
    settings = WebSettings(chat_server_url=f"http://127.0.0.1:{free_port()}", title="Bürgerservice", widget_dir=widget)
    return RunningApp(create_web(settings), frozenset({("/health", 503)}))


def console_app(directory: Path) -> RunningApp:
    """The console on fresh SQLite databases, no background jobs; Rasa is not running."""
    urls = {name: f"sqlite:///{directory / (name + '.db')}" for name in ("staff", "telephony", "tracker", "knowledge")}
    for name in ("staff", "telephony"):
        engine = get_engine(urls[name])
        create_all(engine, name)
        engine.dispose()
    settings = ConsoleSettings(staff_db_url=urls["staff"], telephony_db_url=urls["telephony"],
                               tracker_db_url=urls["tracker"], knowledge_db_url=urls["knowledge"],
                               rasa_url=f"http://127.0.0.1:{free_port()}")
    return RunningApp(create_console(settings, run_jobs=False))


# ----------------------------------------------------------------------------- strategies

#: Header bytes as an attacker may send them: anything but CR and LF (latin-1, invalid UTF-8, NUL).
header_bytes = st.binary(max_size=80).map(lambda raw: raw.replace(b"\r", b"").replace(b"\n", b""))
_text = st.text(max_size=40)
_utf8 = _text.map(lambda text: text.encode("utf-8", "surrogatepass"))
_header_names = st.one_of(
    st.sampled_from([b"Accept", b"Content-Type", b"Origin", b"Sec-Fetch-Site", b"X-CSRF-Token", b"Cookie",
                     b"Authorization", b"Referer", b"X-Forwarded-For", b"Range", b"If-Modified-Since"]),
    st.from_regex(rb"[A-Za-z0-9-]{1,20}", fullmatch=True).filter(
        lambda name: name.lower() not in (b"content-length", b"transfer-encoding", b"connection", b"host",
                                          b"expect", b"upgrade")))
_header_values = st.one_of(
    st.sampled_from([b"application/json", b"text/event-stream", b"application/x-www-form-urlencoded",
                     b"multipart/form-data; boundary=x", b"multipart/form-data", b"null", b"same-origin",
                     b"cross-site", b"http://127.0.0.1", b"https://evil.example", b"bytes=0-1,-5",
                     b"\xff\xfe\xc3("]),
    header_bytes, _utf8)


def _targets(paths: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    known = st.sampled_from(paths).map(str.encode)
    mutated = st.builds(lambda base, extra, query: (base + quote(extra, safe="/%?&=.")
                                                    + (("?" + query) if query else "")).encode(),
                        st.sampled_from(paths), _text, st.one_of(st.just(""), _text.map(lambda q: quote(q, safe="=&"))))
    raw = st.binary(min_size=1, max_size=60).map(
        lambda raw: b"/" + bytes(byte for byte in raw if byte not in b" \r\n"))
    return st.one_of(known, mutated, raw)


def _bodies() -> st.SearchStrategy[bytes]:
    form = st.dictionaries(st.sampled_from(["csrf_token", "username", "password", "next", "text", "role"]), _text,
                           max_size=5).map(lambda fields: urlencode(fields).encode())
    multipart = st.builds(lambda value: (b"--x\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                                         + value + b"\r\n--x--\r\n"), header_bytes)
    return st.one_of(st.just(b""), st.binary(max_size=300), form, multipart, _utf8)


def raw_requests(paths: tuple[str, ...], cookie_names: tuple[str, ...] = ()) -> st.SearchStrategy[RawRequest]:
    """Requests with any method, path, headers and body (also cookies named ``cookie_names``)."""
    cookies = st.builds(lambda name, value: (b"Cookie", name.encode() + b"=" + value),
                        st.sampled_from(cookie_names or ("x",)), header_bytes)
    return st.builds(
        RawRequest,
        st.one_of(st.sampled_from(METHODS).map(str.encode), st.from_regex(rb"[A-Z]{1,10}", fullmatch=True)),
        _targets(paths),
        st.lists(st.one_of(st.tuples(_header_names, _header_values), cookies), max_size=6),
        _bodies())


def login_posts() -> st.SearchStrategy[RawRequest]:
    """``POST /login`` that passes (or just misses) the double-submit CSRF check: the password is checked."""
    def build(token: str, same: bool, username: str, password: str, next_path: str, origin: bytes) -> RawRequest:
        form = urlencode({"csrf_token": token if same else token + "x", "username": username,
                          "password": password, "next": next_path}).encode()
        headers = [(b"Cookie", f"{csrf.LOGIN_COOKIE}={token}".encode()),
                   (b"Content-Type", b"application/x-www-form-urlencoded"), (b"Origin", origin)]
        return RawRequest(b"POST", b"/login", headers, form)

    return st.builds(build, st.from_regex(r"[A-Za-z0-9_-]{1,43}", fullmatch=True), st.booleans(), _text, _text,
                     st.one_of(_text, st.sampled_from(["/queue", "//evil.example", "/\t/evil", "https://x"])),
                     st.sampled_from([b"null", b"http://127.0.0.1", b"https://evil.example"]))


def console_requests() -> st.SearchStrategy[RawRequest]:
    """Any request, or a login attempt (one in five)."""
    return st.one_of(raw_requests(CONSOLE_PATHS, (session_cookie_name(False), csrf.LOGIN_COOKIE)),
                     raw_requests(CONSOLE_PATHS), raw_requests(CONSOLE_PATHS), raw_requests(CONSOLE_PATHS),
                     login_posts())


def check_raw_request(app: RunningApp, request: RawRequest) -> None:
    """An answer, and never a 5xx (but the allowed ones: ``/health`` when Rasa is down)."""
    status = app.status_of(request)
    assert status is not None, "no answer"
    path = request.target.split(b"?", 1)[0].decode("latin-1")
    assert status < 500 or (path, status) in app.allowed_5xx, f"{status} for {request!r}"


def temporary_directory() -> tempfile.TemporaryDirectory:
    """Where the apps keep their databases and widget files."""
    return tempfile.TemporaryDirectory(prefix="fuzz-http-")
