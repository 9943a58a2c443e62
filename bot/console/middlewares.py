"""Middlewares of the console: security headers, error pages, authentication, CSRF and origin checks.

Order (outermost first): :func:`security_headers`, :func:`error_pages`,
:func:`authentication`, :func:`csrf_protection`.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from aiohttp.typedefs import Handler
from yarl import URL

from bot.console import csrf
from bot.console.auth import current_user, login_redirect, navigation, wants_json
from bot.console.keys import CSRF_TOKEN, CURRENT_USER, SETTINGS, STAFF_SESSIONS, TEMPLATES
from bot.console.sessions import ActiveSession, load_session, session_cookie_name
from bot.pages import add_page_headers, error_middleware, error_title

logger = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
))

ERROR_TEXTS = {
    401: "Ihre Sitzung ist abgelaufen oder Sie sind nicht angemeldet.",
    403: "Sie haben keine Berechtigung für diese Seite oder das Formular ist abgelaufen. "
         "Bitte laden Sie die Seite neu.",
    404: "Diese Seite gibt es nicht.",
    500: "Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal.",
}
#: Paths anyone may open (everything else needs a session; roles are checked by the handlers).
PUBLIC_PATHS = frozenset({"/login", "/favicon.ico"})
PUBLIC_PREFIXES = ("/static/",)
#: The request key of the session's hash (live views refresh ``last_seen`` through it).
SESSION_HASH = "console.session_hash"


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Strict CSP and friends on every response; pages and data are never cached."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _add_headers(request, error)
        raise
    _add_headers(request, response)
    return response


def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    if response.prepared:  # streams (SSE) set their headers before sending
        return
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    add_page_headers(headers)
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if not request.path.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")
    if request.app[SETTINGS].production:
        # production serves the console over HTTPS only (secure cookies are enforced)
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")


def sse_headers() -> dict[str, str]:
    """Headers of a server-sent event stream (prepared before the middleware sees it)."""
    return {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Accel-Buffering": "no",
    }


def error_response(request: web.Request, status: int, message: str | None = None) -> web.Response:
    """A German error page, or JSON for fetch()/event-stream requests."""
    title = error_title(status)
    text = message or ERROR_TEXTS.get(status, title)
    if wants_json(request):
        return web.json_response({"error": title, "message": text}, status=status)
    user = current_user(request)
    html = request.app[TEMPLATES].get_template("error.html").render(
        status=status, title=title, error_text=text, message=None, user=user, nav=navigation(user),
        csrf_token=request.get(CSRF_TOKEN, ""), path=request.path,
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


#: 4xx/5xx as a German page (JSON for JSON requests); unexpected errors are logged, never shown.
error_pages = error_middleware(error_response)


def _public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


async def _session_of(request: web.Request) -> ActiveSession | None:
    settings = request.app[SETTINGS]
    token = request.cookies.get(session_cookie_name(settings.cookie_secure))
    if not token:
        return None
    factory = request.app[STAFF_SESSIONS]

    def load() -> ActiveSession | None:
        with factory() as session, session.begin():
            return load_session(session, token, settings.session_idle_minutes)

    return await asyncio.get_running_loop().run_in_executor(None, load)


@web.middleware
async def authentication(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Set ``request[CURRENT_USER]`` and ``request[CSRF_TOKEN]`` from a valid session cookie.

    Non-public paths without a session: 302 to ``/login`` (page) or 401 — a second
    line of defence behind :func:`bot.console.auth.require_role`.
    """
    if request.path.startswith("/static/"):
        return await handler(request)
    active = await _session_of(request)
    if active is not None:
        request[CURRENT_USER] = active.user
        request[CSRF_TOKEN] = active.csrf_token
        request[SESSION_HASH] = active.token_hash
    elif not _public(request.path):
        if request.method in ("GET", "HEAD") and not wants_json(request):
            raise login_redirect(request)
        raise web.HTTPUnauthorized()
    return await handler(request)


def _origin_allowed(request: web.Request) -> bool:
    """False when the browser says the request comes from another site.

    ``Origin`` is compared with ``Host`` when it names an origin. Pages are served with
    ``Referrer-Policy: no-referrer``, so browsers send ``Origin: null`` even for our own
    forms; then ``Sec-Fetch-Site`` (if sent) must say ``same-origin``. The CSRF token is
    checked in any case.
    """
    origin = request.headers.get("Origin")
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    if origin is None or origin == "null":
        return True
    try:
        parsed = URL(origin)
    except ValueError:
        return False
    host = request.headers.get("Host", "")
    return parsed.scheme in ("http", "https") and parsed.raw_authority == host


@web.middleware
async def csrf_protection(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Reject non-GET requests without a valid CSRF token or from another origin (403)."""
    if request.method in csrf.SAFE_METHODS:
        return await handler(request)
    if not _origin_allowed(request):
        logger.warning("%s %s refused: foreign Origin %r", request.method, request.path, request.headers.get("Origin"))
        raise web.HTTPForbidden()
    given = await csrf.submitted_token(request)
    expected = request.cookies.get(csrf.LOGIN_COOKIE) if request.path == "/login" else request.get(CSRF_TOKEN)
    if not csrf.tokens_match(expected, given):
        logger.info("%s %s refused: missing or wrong CSRF token", request.method, request.path)
        raise web.HTTPForbidden()
    return await handler(request)
