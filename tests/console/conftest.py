"""Fixtures of the console tests: a real console on a loopback port with a SQLite staff DB.

``console_settings`` points every database at tmp files and Rasa at a port where
nothing listens (tests that need Rasa use the real servers, ``tests/e2e``).
``console`` is an ``aiohttp.test_utils.TestClient`` (real HTTP, own cookie jar);
``add_user`` creates users with ``bot.console.users.create_user``; ``login`` logs a
client in over HTTP.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bench.helpers.servers import free_port
from bot.console.app import create_app
from bot.console.settings import ConsoleSettings
from bot.console.users import create_user
from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.staff import session_factory
from tests.schema import with_tables

PASSWORD = "richtig-langes-passwort"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_FIELD.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


@pytest.fixture
def staff_db_url(tmp_path: Path) -> str:
    """A fresh SQLite staff database file with the tables."""
    return with_tables(f"sqlite:///{tmp_path / 'staff.db'}", "staff")


@pytest.fixture
def console_settings(tmp_path: Path, staff_db_url: str) -> ConsoleSettings:
    """Console settings on tmp databases; Rasa is not running (its port is free)."""
    return ConsoleSettings(
        staff_db_url=staff_db_url,
        tracker_db_url=f"sqlite:///{tmp_path / 'tracker.db'}",
        telephony_db_url=with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony"),
        knowledge_db_url=f"sqlite:///{tmp_path / 'knowledge.db'}",
        rasa_url=f"http://127.0.0.1:{free_port()}",
        max_failed_logins=3,
        lockout_minutes=15,
    )


AddUser = Callable[..., int]


@pytest.fixture
def add_user(staff_db_url: str) -> Iterable[AddUser]:
    """``add_user(name, *roles, display_name=None, password=PASSWORD) -> user id``."""
    engine = get_engine(staff_db_url)
    create_all(engine, "staff")
    factory = session_factory(engine)

    def _add(name: str, *roles: str, display_name: str | None = None, password: str = PASSWORD) -> int:
        with factory() as session, session.begin():
            return create_user(session, name, password, roles, display_name).id

    yield _add
    engine.dispose()


async def start_console(settings: ConsoleSettings, run_jobs: bool = False) -> TestClient:
    """A console on a free loopback port with its own client."""
    app: web.Application = create_app(settings, run_jobs=run_jobs)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def console(console_settings: ConsoleSettings) -> AsyncIterator[TestClient]:
    """A running console (no background jobs) and a client without login."""
    client = await start_console(console_settings)
    yield client
    await client.close()


@pytest.fixture
async def make_client(console: TestClient) -> AsyncIterator[Callable[[], aiohttp.ClientSession]]:
    """More browsers (own cookie jars) for the same console: ``make_client()``."""
    sessions: list[aiohttp.ClientSession] = []

    def _make() -> aiohttp.ClientSession:
        session = aiohttp.ClientSession(base_url=str(console.make_url("")), cookie_jar=aiohttp.CookieJar(unsafe=True))
        sessions.append(session)
        return session

    yield _make
    for session in sessions:
        await session.close()


Login = Callable[..., Awaitable[str]]


async def login(client: TestClient | aiohttp.ClientSession, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in over HTTP; returns the session's CSRF token (read from the start page)."""
    page = await client.get("/login")
    token = csrf_of(await page.text())
    response = await client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                                 allow_redirects=False)
    assert response.status == 302, await response.text()
    # Every page of a logged-in user (even an error page) has the logout form with the token.
    start = await client.get("/")
    return csrf_of(await start.text())
