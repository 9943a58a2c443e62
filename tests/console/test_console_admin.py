"""Admin pages: users, settings (validated against the knowledge base), audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.console.settings import ConsoleSettings
from bot.db.engine import get_engine
from bot.handoff.settings import HandoffSettings, effective_settings
from bot.kb.seed import load_seed
from bot.staff import session_factory
from bot.staff.models import AuditEntry, ConsoleSetting, ConsoleUser
from tests.console.conftest import PASSWORD, login, start_console


def _all(url: str, model):  # type: ignore[no-untyped-def]
    engine = get_engine(url)
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(select(model)))
    finally:
        engine.dispose()


@pytest.fixture
async def admin_console(console_settings: ConsoleSettings, seed, add_user):  # type: ignore[no-untyped-def]
    """A console whose knowledge base holds the real seed; logged in as admin."""
    engine = get_engine(console_settings.knowledge_db_url)
    load_seed(engine, seed)
    engine.dispose()
    add_user("admin", "admin", display_name="Admin")
    client = await start_console(console_settings)
    token = await login(client, "admin")
    yield client, token
    await client.close()


async def test_admin_creates_a_user_who_can_log_in(admin_console, staff_db_url) -> None:
    client, token = admin_console
    response = await client.post("/admin/users", data={
        "csrf_token": token, "username": "anna", "display_name": "Frau Maier", "roles": ["agent", "reviewer"],
        "password": "ein-sehr-langes-passwort"}, allow_redirects=False)
    assert response.status == 302
    users = {user.username: user for user in _all(staff_db_url, ConsoleUser)}
    assert users["anna"].roles == "agent,reviewer" and users["anna"].password_hash.startswith("$argon2id$")
    audit = [(a.action, a.target) for a in _all(staff_db_url, AuditEntry)]
    assert ("user_created", "user:anna") in audit


@pytest.mark.parametrize(("form", "message"), [
    ({"username": "anna", "roles": ["agent"], "password": "kurz"}, "mindestens 12 Zeichen"),
    ({"username": "anna", "roles": ["gott"], "password": PASSWORD}, "Unbekannte Rolle"),
    ({"username": "anna", "password": PASSWORD}, "Mindestens eine Rolle"),
    ({"username": "<b>x</b>", "roles": ["agent"], "password": PASSWORD}, "Benutzernamen"),
    ({"username": "admin", "roles": ["agent"], "password": PASSWORD}, "gibt es schon"),
])
async def test_invalid_users_are_refused_with_a_german_message(admin_console, form, message) -> None:
    client, token = admin_console
    response = await client.post("/admin/users", data={"csrf_token": token, **form})
    assert response.status == 400
    html = await response.text()
    assert message in html
    assert "<b>x</b>" not in html


async def test_disable_unlock_roles_and_password_reset(admin_console, add_user, staff_db_url) -> None:
    client, token = admin_console
    add_user("anna", "agent")
    for data in ({"action": "disable"}, {"action": "enable"}, {"action": "unlock"},
                 {"action": "roles", "roles": ["reviewer"]}, {"action": "password",
                                                              "password": "neues-langes-passwort"},
                 {"action": "display_name", "display_name": "Frau Anna Maier"}):
        response = await client.post("/admin/users/anna", data={"csrf_token": token, **data}, allow_redirects=False)
        assert response.status == 302, data
    anna = next(u for u in _all(staff_db_url, ConsoleUser) if u.username == "anna")
    assert anna.active and anna.roles == "reviewer" and anna.display_name == "Frau Anna Maier"
    changes = [a for a in _all(staff_db_url, AuditEntry) if a.action == "user_changed"]
    assert len(changes) == 6
    own = await client.post("/admin/users/admin", data={"csrf_token": token, "action": "disable"})
    assert own.status == 400 and "eigenes Konto" in await own.text()
    unknown = await client.post("/admin/users/niemand", data={"csrf_token": token, "action": "unlock"})
    assert unknown.status == 400
    bad = await client.post("/admin/users/anna", data={"csrf_token": token, "action": "drop table"})
    assert bad.status == 400


async def test_settings_are_validated_against_the_knowledge_base(admin_console, staff_db_url) -> None:
    client, token = admin_console
    page = await client.get("/admin/settings")
    assert page.status == 200 and "personalausweis" in await page.text()
    unknown = await client.post("/admin/settings", data={"csrf_token": token, "queue_limit": "5",
                                                         "always_human_services": "personalausweis\nerfunden"})
    assert unknown.status == 400 and "Unbekannte Leistung: erfunden" in await unknown.text()
    for limit in ("-1", "viele", "100000"):
        bad = await client.post("/admin/settings", data={"csrf_token": token, "queue_limit": limit,
                                                         "always_human_services": ""})
        assert bad.status == 400, limit
    assert _all(staff_db_url, ConsoleSetting) == []
    ok = await client.post("/admin/settings", data={"csrf_token": token, "queue_limit": "3",
                                                    "always_human_services": "personalausweis, reisepass"},
                           allow_redirects=False)
    assert ok.status == 302
    engine = get_engine(staff_db_url)
    with session_factory(engine)() as session:
        effective = effective_settings(session, HandoffSettings.load())
    engine.dispose()
    assert effective.queue_limit == 3
    assert effective.always_human_services == ("personalausweis", "reisepass")
    assert [a.action for a in _all(staff_db_url, AuditEntry)].count("settings_changed") == 1


async def test_audit_log_is_filtered_and_escaped(admin_console, staff_db_url) -> None:
    client, _ = admin_console
    response = await client.get("/admin/audit?action=login")
    html = await response.text()
    assert response.status == 200 and "login" in html and "admin" in html
    nothing = await client.get("/admin/audit?actor=niemand")
    assert "Keine Einträge" in await nothing.text()
    junk = await client.get("/admin/audit?action=<script>&actor=<script>")
    assert junk.status == 200 and "<script>" not in await junk.text()


async def test_knowledge_base_missing_keeps_settings_page_working(console, add_user, tmp_path: Path) -> None:
    add_user("admin", "admin")
    token = await login(console, "admin")
    page = await console.get("/admin/settings")
    assert page.status == 200 and "nicht erreichbar" in await page.text()
    response = await console.post("/admin/settings", data={"csrf_token": token, "queue_limit": "4",
                                                           "always_human_services": "personalausweis"})
    assert response.status == 400
