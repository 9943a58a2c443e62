"""Callbacks page over real HTTP: open phone and web requests, "Erledigt" (audited), roles."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from aiohttp.test_utils import TestClient

from bot.console.settings import ConsoleSettings
from bot.handoff.callback.turns import CallbackDraft
from bot.handoff.callback.windows import Window
from bot.review.stores import open_stores
from bot.staff.audit import audit_entries
from bot.telephony.callbacks import CallContext
from tests.console.conftest import AddUser, login


def _requests(settings: ConsoleSettings) -> tuple[int, int]:
    start = datetime.now(timezone.utc) + timedelta(hours=2)
    window = Window(key="tomorrow_morning", spoken="morgen vormittag", start=start, end=start + timedelta(hours=2))
    with open_stores(settings) as stores:
        phone = stores.callbacks.add(CallbackDraft("phone", "+49711123456", None, window),
                                     CallContext("call-1", reason="request_human", service="reisepass"))
        web = stores.callbacks.add_web(CallContext("web-1", reason="always_human", district="mitte"), window,
                                       email="erika@example.de")
    return phone, web


async def test_agent_sees_open_requests_and_marks_one_done(console: TestClient, add_user: AddUser,
                                                           console_settings) -> None:
    phone, web = _requests(console_settings)
    add_user("alex", "agent")
    token = await login(console, "alex")
    page = await (await console.get("/callbacks")).text()
    assert "0711 123456" in page and "erika@example.de" in page  # stored E.164, written as staff dial it
    assert "Web-Chat" in page and "E-Mail-Antwort" in page and "reisepass" in page
    done = await console.post(f"/callbacks/{phone}/done", data={"csrf_token": token}, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == "/callbacks?msg=done"
    page = await (await console.get("/callbacks?msg=done")).text()
    assert "+49711123456" not in page and "erika@example.de" in page
    again = await console.post(f"/callbacks/{phone}/done", data={"csrf_token": token})
    assert "nicht mehr offen" in await again.text()
    with open_stores(console_settings) as stores, stores.sessions() as session:
        entries = audit_entries(session, action="callback_done")
        assert [(e.actor, e.target) for e in entries] == [("alex", f"callback:{phone}")]
        views = audit_entries(session, action="view_callbacks")  # every read of contact data (M4)
        assert len(views) >= 2 and {e.actor for e in views} == {"alex"}
    assert (await console.post(f"/callbacks/{web}/done", data={})).status == 403


@pytest.mark.parametrize("role", ["reviewer", "admin"])
async def test_reviewers_and_admins_may_not_see_or_close_callbacks(
    console: TestClient, add_user: AddUser, console_settings, role: str,
) -> None:
    phone, _ = _requests(console_settings)
    assert (await console.get("/callbacks", allow_redirects=False)).status == 302
    add_user("rita", role)
    token = await login(console, "rita")
    assert (await console.get("/callbacks")).status == 403
    assert (await console.post(f"/callbacks/{phone}/done", data={"csrf_token": token})).status == 403
    with open_stores(console_settings) as stores:
        assert len(stores.callbacks.open_requests()) == 2
