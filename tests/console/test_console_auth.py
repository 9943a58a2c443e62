"""Login, sessions, roles, CSRF and security headers of the console, over real HTTP."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot.console.sessions import SESSION_COOKIE, session_cookie_name, token_hash
from bot.console.settings import ConsoleSettings
from bot.db.engine import get_engine
from bot.staff import session_factory
from bot.staff.models import AuditEntry, ConsoleSession, ConsoleUser
from tests.console.conftest import PASSWORD, csrf_of, login, start_console

LOGIN_FAILED = "Die Anmeldung ist fehlgeschlagen"


def _rows(url: str, stmt):  # type: ignore[no-untyped-def]
    engine = get_engine(url)
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(stmt))
    finally:
        engine.dispose()


def _execute(url: str, stmt) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(url)
    try:
        with session_factory(engine)() as session, session.begin():
            session.execute(stmt)
    finally:
        engine.dispose()


async def _try_login(client: TestClient, username: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_of(await (await client.get("/login")).text())
    return await client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                             allow_redirects=False)


async def test_login_sets_a_strict_session_cookie_and_stores_only_its_hash(console, add_user, staff_db_url) -> None:
    add_user("anna", "agent", display_name="Frau Maier")
    response = await _try_login(console, "anna", PASSWORD)
    assert response.status == 302
    assert response.headers["Location"] == "/"
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert not cookie["secure"]
    assert not cookie["max-age"] and not cookie["expires"]  # ends with the browser
    stored = _rows(staff_db_url, select(ConsoleSession))
    assert [row.token_hash for row in stored] == [token_hash(cookie.value)]
    assert cookie.value not in {row.token_hash for row in stored}
    start = await console.get("/", allow_redirects=False)
    assert start.status == 302 and start.headers["Location"] == "/queue"
    actions = [entry.action for entry in _rows(staff_db_url, select(AuditEntry))]
    assert actions == ["login"]


async def test_secure_flag_follows_the_settings(console_settings: ConsoleSettings, add_user) -> None:
    add_user("anna", "agent")
    client = await start_console(ConsoleSettings(**{**console_settings.__dict__, "cookie_secure": True}))
    try:
        page = await client.get("/login")
        assert page.cookies["console_login_csrf"]["secure"] is True
        token = csrf_of(await page.text())
        # The client's jar keeps Secure cookies away from http://, so send it as a browser would over https.
        response = await client.post(
            "/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token},
            headers={"Cookie": f"console_login_csrf={token}"}, allow_redirects=False,
        )
        assert response.status == 302
        assert response.cookies[session_cookie_name(True)]["secure"] is True
    finally:
        await client.close()


async def test_logout_ends_the_session(console, add_user, staff_db_url) -> None:
    add_user("anna", "agent")
    token = await login(console, "anna")
    response = await console.post("/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/login"
    assert _rows(staff_db_url, select(ConsoleSession)) == []
    again = await console.get("/queue", allow_redirects=False)
    assert again.status == 302 and again.headers["Location"].startswith("/login")


async def test_idle_session_expires(console, add_user, staff_db_url, console_settings) -> None:
    add_user("anna", "agent")
    await login(console, "anna")
    assert (await console.get("/queue", allow_redirects=False)).status == 200
    long_ago = datetime.now(timezone.utc) - timedelta(minutes=console_settings.session_idle_minutes + 1)
    _execute(staff_db_url, update(ConsoleSession).values(last_seen=long_ago))
    response = await console.get("/queue", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/login")
    assert _rows(staff_db_url, select(ConsoleSession)) == []


async def test_absolute_session_lifetime(console, add_user, staff_db_url) -> None:
    add_user("anna", "agent")
    await login(console, "anna")
    _execute(staff_db_url, update(ConsoleSession).values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert (await console.get("/queue", allow_redirects=False)).status == 302


async def test_wrong_password_and_unknown_user_get_the_same_answer(console, add_user) -> None:
    add_user("anna", "agent")
    wrong = await _try_login(console, "anna", "falsches-passwort-123")
    unknown = await _try_login(console, "niemand", "falsches-passwort-123")
    assert wrong.status == unknown.status == 401
    assert LOGIN_FAILED in await wrong.text()
    assert LOGIN_FAILED in await unknown.text()
    assert SESSION_COOKIE not in wrong.cookies


async def test_lockout_after_repeated_wrong_passwords(console, add_user, staff_db_url, console_settings) -> None:
    add_user("anna", "agent")
    for _ in range(console_settings.max_failed_logins):
        assert (await _try_login(console, "anna", "falsches-passwort-123")).status == 401
    locked = await _try_login(console, "anna", PASSWORD)
    assert locked.status == 401
    assert LOGIN_FAILED in await locked.text()
    user = _rows(staff_db_url, select(ConsoleUser))[0]
    assert user.locked_until is not None
    actions = [entry.action for entry in _rows(staff_db_url, select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["login_failed"] * (console_settings.max_failed_logins - 1) + ["locked", "login_failed"]


async def test_unlock_by_cli_ends_the_lockout(console, add_user, staff_db_url, console_settings, monkeypatch) -> None:
    from bot.cli import main

    add_user("anna", "agent")
    for _ in range(console_settings.max_failed_logins):
        await _try_login(console, "anna", "falsches-passwort-123")
    assert (await _try_login(console, "anna", PASSWORD)).status == 401
    monkeypatch.setenv("STAFF_DB_URL", staff_db_url)
    assert main(["console", "unlock", "anna"]) == 0
    assert (await _try_login(console, "anna", PASSWORD)).status == 302


async def test_disabled_user_cannot_log_in(console, add_user, staff_db_url) -> None:
    add_user("anna", "agent")
    _execute(staff_db_url, update(ConsoleUser).values(active=False))
    assert (await _try_login(console, "anna", PASSWORD)).status == 401


async def test_every_route_needs_a_login(console) -> None:
    checked = 0
    for route in console.app.router.routes():
        resource = route.resource
        if route.method == "HEAD" or resource is None:
            continue
        info = resource.get_info()
        path = info.get("path") or info.get("formatter") or info.get("prefix")
        if path in ("/login",) or path.startswith("/static"):
            continue
        url = path.replace("{handoff_id}", "1").replace("{conversation_id}", "abc").replace("{username}", "anna")
        for field in ("{id}", "{conversation_id}", "{annotation_id}", "{callback_id}", "{channel}"):
            url = url.replace(field, "1")
        response = await console.request(route.method, url, allow_redirects=False)
        if route.method == "GET":
            assert response.status == 302, (route.method, url, response.status)
            assert response.headers["Location"].startswith("/login"), url
        else:
            assert response.status in (401, 403), (route.method, url, response.status)
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize("path", ["/queue", "/queue/events", "/admin/users", "/admin/settings", "/admin/audit"])
async def test_wrong_role_gets_403(console, add_user, path: str) -> None:
    add_user("rita", "reviewer")
    await login(console, "rita")
    response = await console.get(path, allow_redirects=False)
    assert response.status == 403
    if path != "/queue/events":
        assert "Zugriff verweigert" in await response.text()


async def test_agent_cannot_open_admin_pages_or_post_there(console, add_user) -> None:
    add_user("anna", "agent")
    token = await login(console, "anna")
    assert (await console.get("/admin/users", allow_redirects=False)).status == 403
    response = await console.post("/admin/users", data={"csrf_token": token, "username": "evil", "roles": "admin",
                                                        "password": PASSWORD}, allow_redirects=False)
    assert response.status == 403


async def test_post_without_or_with_wrong_csrf_token_fails(console, add_user, staff_db_url) -> None:
    add_user("anna", "agent")
    token = await login(console, "anna")
    assert (await console.post("/logout", allow_redirects=False)).status == 403
    assert (await console.post("/logout", data={"csrf_token": "falsch"}, allow_redirects=False)).status == 403
    header = await console.post("/logout", headers={"X-CSRF-Token": "falsch"}, allow_redirects=False)
    assert header.status == 403
    assert len(_rows(staff_db_url, select(ConsoleSession))) == 1
    ok = await console.post("/logout", headers={"X-CSRF-Token": token}, allow_redirects=False)
    assert ok.status == 302


async def test_login_form_needs_its_double_submit_token(console, add_user) -> None:
    add_user("anna", "agent")
    await console.get("/login")
    response = await console.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": "x"},
                                  allow_redirects=False)
    assert response.status == 403
    assert SESSION_COOKIE not in response.cookies


async def test_foreign_origin_is_refused(console, add_user) -> None:
    add_user("anna", "agent")
    token = await login(console, "anna")
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        response = await console.post("/logout", data={"csrf_token": token}, headers=headers, allow_redirects=False)
        assert response.status == 403, headers
    # Our own form under Referrer-Policy no-referrer: Origin null, Sec-Fetch-Site same-origin.
    own = await console.post("/logout", data={"csrf_token": token},
                             headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}, allow_redirects=False)
    assert own.status == 302


async def test_security_headers_and_no_store(console, add_user) -> None:
    response = await console.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    html = await response.text()
    assert "<script>" not in html and "style=" not in html
    assert "Strict-Transport-Security" not in response.headers  # development: plain http on loopback


async def test_production_sends_hsts_and_secure_cookies(console_settings) -> None:
    client = await start_console(replace(console_settings, production=True, cookie_secure=True))
    try:
        response = await client.get("/login")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert "Secure" in response.headers.get("Set-Cookie", "")
    finally:
        await client.close()


async def test_unknown_page_and_open_redirect(console, add_user) -> None:
    add_user("anna", "agent")
    await login(console, "anna")
    missing = await console.get("/gibt-es-nicht")
    assert missing.status == 404 and "Seite nicht gefunden" in await missing.text()
    token = csrf_of(await (await console.get("/login?next=//evil.example")).text())
    # logged in: /login redirects to a local page only
    response = await console.get("/login?next=//evil.example", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/"
    assert token


async def test_next_parameter_returns_to_the_page(console, add_user) -> None:
    add_user("anna", "agent")
    first = await console.get("/queue", allow_redirects=False)
    assert first.headers["Location"] == "/login?next=/queue"
    page = await console.get(first.headers["Location"])
    html = await page.text()
    assert 'name="next" value="/queue"' in html
    response = await console.post("/login", data={"username": "anna", "password": PASSWORD, "next": "/queue",
                                                  "csrf_token": csrf_of(html)}, allow_redirects=False)
    assert response.headers["Location"] == "/queue"


async def test_login_attempts_are_throttled_per_address(console, add_user) -> None:
    """M2: one address may try ten logins a minute; then a polite 429, before any hash is checked."""
    from bot.console.throttle import ATTEMPTS_PER_WINDOW

    add_user("anna", "agent")
    for _ in range(ATTEMPTS_PER_WINDOW):
        assert (await _try_login(console, "bertram", "falsches-passwort-123")).status == 401
    refused = await _try_login(console, "anna", PASSWORD)
    assert refused.status == 429 and "Zu viele Anmeldeversuche" in await refused.text()


@pytest.mark.parametrize("password", ["passwort12345", "Stuttgart2024!", "aaaaaaaaaaaaaa", "123456789012",
                                      "anna-ist-die-beste"])
def test_weak_passwords_are_refused(password: str) -> None:
    """L14: no common password, no run of one character, not the user name."""
    from bot.console.passwords import WeakPassword, check_strength

    with pytest.raises(WeakPassword):
        check_strength(password, "anna")
    check_strength("Laterne-Neckar-Brezel-7", "anna")


def test_a_heartbeat_keeps_the_agent_present_but_not_the_session_alive(staff_db_url, add_user) -> None:
    """L5: a live page left open does not stop the idle timeout."""
    from datetime import datetime, timedelta, timezone

    from bot.console.sessions import load_session, start_session, token_hash, touch_session
    from bot.db.engine import get_engine
    from bot.handoff.presence import agents_online
    from bot.staff import session_factory

    user_id = add_user("anna", "agent")
    engine = get_engine(staff_db_url)
    factory = session_factory(engine)
    start = datetime.now(timezone.utc)
    try:
        with factory() as session, session.begin():
            token, _ = start_session(session, user_id, 10, now=start)
        for minutes in range(1, 40):  # a heartbeat every minute, no request by the user
            with factory() as session, session.begin():
                assert touch_session(session, token_hash(token), now=start + timedelta(minutes=minutes))
        with factory() as session, session.begin():
            assert agents_online(session, now=start + timedelta(minutes=39)) == 1
            assert load_session(session, token, 30, now=start + timedelta(minutes=39)) is None
    finally:
        engine.dispose()


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example",
                                    "https://evil.example", "/%2F%2Fevil.example", "/%09/evil.example"])
async def test_no_redirect_to_another_site_after_login(console, add_user, target: str) -> None:
    """M1: ``/login?next=/%09/evil.example`` once led to ``Location: //evil.example``."""
    add_user("anna", "agent")
    page = await console.get("/login", params={"next": target})
    html = await page.text()
    assert "evil.example" not in html
    token = csrf_of(html)
    response = await console.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token,
                                                  "next": target}, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/"
    again = await console.get("/login", params={"next": target}, allow_redirects=False)
    assert again.status == 302 and again.headers["Location"] == "/"


async def test_a_local_next_path_is_kept(console, add_user) -> None:
    add_user("anna", "agent")
    token = csrf_of(await (await console.get("/login", params={"next": "/review?reason=handoff"})).text())
    response = await console.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token,
                                                  "next": "/review?reason=handoff"}, allow_redirects=False)
    assert response.headers["Location"] == "/review?reason=handoff"


async def test_a_name_typed_for_an_unknown_user_is_never_stored(console, staff_db_url) -> None:
    """L4: a password typed into the name field must not land in the audit log."""
    await _try_login(console, "Geheim-Passwort-123", "irgendwas-langes-1")
    entries = _rows(staff_db_url, select(AuditEntry))
    assert [(e.actor, e.target) for e in entries] == [("unbekannt", "user:unbekannt")]
    assert "Geheim" not in str([(e.actor, e.target, e.detail) for e in entries])
