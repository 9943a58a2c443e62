"""Notices and closures: posted in the console (audited), validated, removed; roles."""

from __future__ import annotations

from datetime import timedelta

from bot.db.engine import get_engine
from bot.handoff.notices import current_notices
from bot.kb.hours import now as berlin_now
from bot.kb.seed import load_seed, parse_directory
from bot.staff import session_factory
from bot.staff.audit import audit_entries
from tests.console.conftest import login


def _notices(staff_db_url: str) -> list:
    engine = get_engine(staff_db_url)
    try:
        with session_factory(engine)() as session:
            return current_notices(session, berlin_now().date())
    finally:
        engine.dispose()


def _audit(staff_db_url: str) -> list[str]:
    engine = get_engine(staff_db_url)
    try:
        with session_factory(engine)() as session:
            return [entry.action for entry in audit_entries(session)]
    finally:
        engine.dispose()


async def test_a_closure_is_posted_listed_and_removed(console, add_user, staff_db_url, console_settings,
                                                      seed_dir) -> None:
    engine = get_engine(console_settings.knowledge_db_url)
    load_seed(engine, parse_directory(seed_dir))
    engine.dispose()
    add_user("rita", "reviewer")
    token = await login(console, "rita")
    today = berlin_now().date()
    form = {"csrf_token": token, "scope": "office", "subject_office": "buergerbuero_mitte", "closure": "yes",
            "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=2)).isoformat(),
            "text": "Wegen einer Betriebsversammlung geschlossen. <script>alert(1)</script>"}
    posted = await console.post("/notices", data=form, allow_redirects=False)
    assert posted.status == 303
    [notice] = _notices(staff_db_url)
    assert (notice.scope, notice.subject_key, notice.closure) == ("office", "buergerbuero_mitte", True)
    page = await (await console.get("/notices")).text()
    assert "Betriebsversammlung" in page and "<script>alert(1)</script>" not in page  # escaped
    removed = await console.post(f"/notices/{notice.id}/delete", data={"csrf_token": token}, allow_redirects=False)
    assert removed.status == 303 and _notices(staff_db_url) == []
    assert {"notice_created", "notice_deleted"} <= set(_audit(staff_db_url))


async def test_bad_notices_are_refused_in_german(console, add_user, staff_db_url, console_settings, seed_dir) -> None:
    engine = get_engine(console_settings.knowledge_db_url)
    load_seed(engine, parse_directory(seed_dir))
    engine.dispose()
    add_user("rita", "reviewer")
    token = await login(console, "rita")
    today = berlin_now().date().isoformat()
    for bad in ({"scope": "office", "subject_office": "erfunden"}, {"scope": "weltweit"},
                {"scope": "city", "closure": "yes"}, {"scope": "city", "ends_on": "2000-01-01"},
                {"scope": "city", "text": ""}, {"scope": "city", "starts_on": "morgen"}):
        form = {"csrf_token": token, "starts_on": today, "ends_on": today, "text": "Hinweis", **bad}
        response = await console.post("/notices", data=form)
        assert response.status == 400 and 'class="error" role="alert"' in await response.text(), bad
    assert _notices(staff_db_url) == []


async def test_agents_may_not_post_notices(console, add_user) -> None:
    add_user("anna", "agent")
    token = await login(console, "anna")
    assert (await console.get("/notices", allow_redirects=False)).status == 403
    response = await console.post("/notices", data={"csrf_token": token, "scope": "city"}, allow_redirects=False)
    assert response.status == 403
