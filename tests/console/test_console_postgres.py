"""The console on PostgreSQL: login, lockout, session expiry and the takeover race."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.db.engine import get_engine
from bot.handoff.queue import HandoffQueue
from bot.staff import session_factory
from bot.staff.models import AuditEntry, ConsoleSession, ConsoleUser
from tests.console.conftest import PASSWORD, csrf_of, login
from tests.schema import with_tables

pytestmark = pytest.mark.postgres


@pytest.fixture
def staff_db_url(postgres_url: str) -> str:
    """The console fixtures use a fresh PostgreSQL database instead of SQLite."""
    return with_tables(postgres_url, "staff")


def _session(url: str):  # type: ignore[no-untyped-def]
    engine = get_engine(url)
    return engine, session_factory(engine)()


async def _try_login(client, username: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_of(await (await client.get("/login")).text())
    return await client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                             allow_redirects=False)


async def test_login_lockout_and_idle_expiry_on_postgres(console, add_user, staff_db_url, console_settings) -> None:
    add_user("anna", "agent")
    for _ in range(console_settings.max_failed_logins):
        assert (await _try_login(console, "anna", "falsches-passwort-123")).status == 401
    assert (await _try_login(console, "anna", PASSWORD)).status == 401
    engine, session = _session(staff_db_url)
    with session, session.begin():
        user = session.scalars(select(ConsoleUser)).one()
        assert user.locked_until is not None
        user.locked_until = None
    assert (await _try_login(console, "anna", PASSWORD)).status == 302
    assert (await console.get("/queue", allow_redirects=False)).status == 200
    with session, session.begin():
        session.execute(update(ConsoleSession).values(last_seen=datetime.now(timezone.utc) - timedelta(hours=2)))
    assert (await console.get("/queue", allow_redirects=False)).status == 302
    engine.dispose()


async def test_takeover_race_on_postgres(console, make_client, add_user, staff_db_url) -> None:
    ids = [add_user(f"agent{number}", "agent") for number in range(4)]
    queue = HandoffQueue(get_engine(staff_db_url))
    entry = queue.enqueue("c-1", "socketio", "buergertelefon", "request_human")
    clients = [console] + [make_client() for _ in range(3)]
    tokens = [await login(client, f"agent{number}") for number, client in enumerate(clients)]
    responses = await asyncio.gather(*(
        client.post(f"/handoffs/{entry.id}/take", data={"csrf_token": token}, allow_redirects=False)
        for client, token in zip(clients, tokens, strict=True)
    ))
    locations = sorted(response.headers["Location"] for response in responses)
    assert locations == ["/queue?msg=rasa"] + ["/queue?msg=taken"] * 3
    taken = queue.get(entry.id)
    assert taken is not None and taken.status == "assigned" and taken.agent_id in ids
    engine, session = _session(staff_db_url)
    with session:
        takes = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "take_over")))
    engine.dispose()
    assert len(takes) == 1


def test_parallel_wrong_passwords_are_all_counted(add_user, staff_db_url) -> None:
    """M2: guesses running at the same time cannot lose increments of the lockout counter."""
    from concurrent.futures import ThreadPoolExecutor

    from bot.console.users import authenticate

    add_user("anna", "agent")
    engine = get_engine(staff_db_url)
    factory = session_factory(engine)

    def guess(_: int) -> bool:
        with factory() as session, session.begin():
            return authenticate(session, "anna", "falsches-passwort-123", 5, 15).locked_now

    try:
        with ThreadPoolExecutor(max_workers=5) as pool:
            locked_now = list(pool.map(guess, range(5)))
        with factory() as session:
            user = session.scalars(select(ConsoleUser).where(ConsoleUser.username == "anna")).one()
        assert locked_now.count(True) == 1 and user.locked_until is not None
    finally:
        engine.dispose()
