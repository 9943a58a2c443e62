"""Login, logout and the start page."""

from __future__ import annotations

import re
from urllib.parse import unquote

from aiohttp import web
from sqlalchemy.orm import Session

from bot.console import csrf
from bot.console.auth import current_user, home_path, require_role
from bot.console.db import in_transaction
from bot.console.keys import LOGIN_GUARD, SETTINGS, STAFF_SESSIONS
from bot.console.middlewares import SESSION_HASH
from bot.console.render import render
from bot.console.sessions import end_session, session_cookie_name, start_session
from bot.console.users import LoginResult, authenticate
from bot.staff.audit import record_audit

routes = web.RouteTableDef()

#: One answer for every failure, so that it does not reveal whether a user exists or is locked.
LOGIN_FAILED = (
    "Die Anmeldung ist fehlgeschlagen. Benutzername oder Passwort sind falsch, "
    "oder das Konto ist vorübergehend gesperrt."
)
MAX_FIELD = 256
TOO_MANY_ATTEMPTS = "Zu viele Anmeldeversuche von diesem Gerät. Bitte warten Sie eine Minute."


#: A local path after login: no scheme, host, backslash, white space or control character.
_LOCAL_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9/_.~\-?=&%]{0,499}$")


def _safe_next(value: str | None) -> str:
    """A local path to return to after login (never another site).

    Browsers and yarl drop tab and newline characters, so ``/<Tab>/evil.example`` would
    become ``//evil.example``: only plain path characters are accepted, and no ``//``.
    """
    if not value or not _LOCAL_PATH.match(value):
        return "/"
    decoded = unquote(value)
    if "//" in decoded or "\\" in decoded or any(ord(char) < 32 or ord(char) == 127 for char in decoded):
        return "/"
    return value


def _login_page(request: web.Request, token: str, message: str | None = None, status: int = 200,
                username: str = "", next_path: str = "/") -> web.Response:
    response = render(request, "login.html", status=status, csrf_token=token, message=message,
                      username=username, next_path=next_path)
    settings = request.app[SETTINGS]
    response.set_cookie(csrf.LOGIN_COOKIE, token, max_age=3600, path="/login", httponly=True,
                        samesite="Strict", secure=settings.cookie_secure)
    return response


@routes.get("/login")
async def login_form(request: web.Request) -> web.StreamResponse:
    """The login form (with a fresh double-submit CSRF token)."""
    next_path = _safe_next(request.query.get("next"))
    if current_user(request) is not None:
        raise web.HTTPFound(next_path)
    return _login_page(request, csrf.new_token(), next_path=next_path)


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    """Check the password; on success start a session and redirect."""
    guard = request.app[LOGIN_GUARD]
    if not guard.attempts.allow(request.remote or "unknown"):
        given = request.cookies.get(csrf.LOGIN_COOKIE) or csrf.new_token()
        return _login_page(request, given, TOO_MANY_ATTEMPTS, status=429)
    form = await request.post()
    username = str(form.get("username") or "").strip()[:MAX_FIELD]
    password = str(form.get("password") or "")[:MAX_FIELD]
    next_path = _safe_next(str(form.get("next") or ""))
    settings = request.app[SETTINGS]

    def work(session: Session) -> tuple[LoginResult, str | None]:
        result = authenticate(session, username, password, settings.max_failed_logins, settings.lockout_minutes)
        if result.user is None:
            # An unknown name may be a password typed into the wrong field: never stored.
            actor = username[:64] if result.known_user else "unbekannt"
            target = f"user:{actor}"
            record_audit(session, actor, "locked" if result.locked_now else "login_failed", target,
                         "gesperrt" if result.locked and not result.locked_now else "")
            return result, None
        token, _ = start_session(session, result.user.id, settings.session_max_hours)
        record_audit(session, result.user.username, "login", f"user:{result.user.username}")
        return result, token

    factory = request.app[STAFF_SESSIONS]

    def run() -> tuple[LoginResult, str | None]:
        with factory() as session, session.begin():
            return work(session)

    result, token = await guard.run(run)  # argon2 in its own bounded pool
    if result.user is None or token is None:
        given = request.cookies.get(csrf.LOGIN_COOKIE) or csrf.new_token()
        return _login_page(request, given, LOGIN_FAILED, status=401, username=username, next_path=next_path)
    response = web.HTTPFound(next_path)
    # A session cookie (no Max-Age): it ends with the browser on shared office PCs.
    response.set_cookie(session_cookie_name(settings.cookie_secure), token, path="/", httponly=True,
                        samesite="Strict", secure=settings.cookie_secure)
    response.del_cookie(csrf.LOGIN_COOKIE, path="/login")
    raise response


@routes.post("/logout")
@require_role()
async def logout(request: web.Request) -> web.StreamResponse:
    """End the session and go back to the login form."""
    user = current_user(request)
    hashed = request[SESSION_HASH]

    def work(session: Session) -> None:
        end_session(session, hashed)
        if user is not None:
            record_audit(session, user.username, "logout", f"user:{user.username}")

    await in_transaction(request.app, work)
    response = web.HTTPFound("/login")
    response.del_cookie(session_cookie_name(request.app[SETTINGS].cookie_secure), path="/")
    raise response


@routes.get("/")
@require_role()
async def index(request: web.Request) -> web.StreamResponse:
    """The first page the user may open."""
    user = current_user(request)
    assert user is not None
    raise web.HTTPFound(home_path(user))
