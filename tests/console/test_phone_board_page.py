"""The phone hotline's agent board in the console (``bot/console/views/phone.py``), over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.db.engine import get_engine
from bot.staff import session_factory
from bot.staff.models import AuditEntry
from bot.telephony import runtime
from tests.console.conftest import csrf_of, login
from tests.schema import with_tables


@pytest.fixture(autouse=True)
def telephony(tmp_path, monkeypatch) -> Iterator[None]:
    """The console's call store on a tmp SQLite file (no Redis)."""
    monkeypatch.setenv("TELEPHONY_DB_URL", with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony"))
    monkeypatch.delenv("TELEPHONY_REDIS_URL", raising=False)
    runtime.reset()
    yield
    runtime.reset()


FORM = {"staffed": "5", "free": "2", "waiting": "3", "avg_handle_minutes": "6", "hours": "closed"}


async def test_agent_sets_the_board_the_phone_channel_reads(console, add_user, staff_db_url) -> None:
    add_user("anna", "agent")
    token = await login(console, "anna")
    page = await console.get("/phone")
    assert page.status == 200 and "Telefon-Hotline" in await page.text()
    saved = await console.post("/phone", data={**FORM, "csrf_token": token}, allow_redirects=False)
    assert saved.status == 302 and saved.headers["Location"] == "/phone?msg=saved"
    board = runtime.store().board()
    assert (board.staffed, board.free, board.waiting, board.avg_handle_seconds, board.hours_override) == (
        5, 2, 3, 360, "closed")
    await console.post("/phone", data={**FORM, "hours": "auto", "csrf_token": token})
    assert runtime.store().board().hours_override is None
    engine = get_engine(staff_db_url)
    with session_factory(engine)() as session:
        targets = session.scalars(select(AuditEntry.target).where(AuditEntry.action == "settings_changed")).all()
    engine.dispose()
    assert targets == ["phone_board", "phone_board"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("free", "7", "nicht mehr Plätze frei"), ("staffed", "-1", "ganze Zahlen"), ("waiting", "viele", "ganze Zahlen"),
     ("avg_handle_minutes", "0", "zwischen 1 und 240"), ("hours", "immer", "geöffnet ist")],
)
async def test_wrong_values_get_a_german_message_and_change_nothing(console, add_user, field, value, message) -> None:
    add_user("anna", "agent")
    token = await login(console, "anna")
    before = runtime.store().board()
    response = await console.post("/phone", data={**FORM, field: value, "csrf_token": token})
    assert response.status == 400 and message in await response.text()
    assert runtime.store().board() == before


async def test_reviewer_may_not_and_csrf_is_needed(console, add_user, make_client) -> None:
    add_user("rita", "reviewer")
    add_user("anna", "agent")
    token = await login(console, "rita")
    assert (await console.get("/phone", allow_redirects=False)).status == 403
    assert (await console.post("/phone", data={**FORM, "csrf_token": token}, allow_redirects=False)).status == 403
    agent = make_client()
    await login(agent, "anna")
    assert (await agent.post("/phone", data=FORM, allow_redirects=False)).status == 403
    assert csrf_of(await (await agent.get("/phone")).text())
