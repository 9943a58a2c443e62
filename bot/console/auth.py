"""Authorisation of console handlers: ``require_role`` and the pages a user may open.

Every handler is decorated with :func:`require_role`; the authentication middleware
(:mod:`bot.console.middlewares`) has already set ``request[CURRENT_USER]`` for a valid
session. Roles are checked here, on the server, for every request.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from aiohttp import web

from bot.console.keys import CURRENT_USER, StaffUser

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Navigation: (path, label, roles that may open it), in the order shown.
PAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/queue", "Warteschlange", ("agent",)),
    ("/callbacks", "Rückrufe", ("agent",)),
    ("/phone", "Telefon-Hotline", ("agent", "admin")),
    ("/review", "Prüfung", ("reviewer", "admin")),
    ("/stats", "Statistik", ("reviewer", "admin")),
    ("/knowledge", "Wissenslücken", ("reviewer", "admin")),
    ("/notices", "Hinweise", ("reviewer", "admin")),
    ("/admin/users", "Benutzer", ("admin",)),
    ("/admin/settings", "Einstellungen", ("admin",)),
    ("/admin/audit", "Protokoll", ("admin",)),
)


def wants_json(request: web.Request) -> bool:
    """True for fetch()/API requests (JSON or an event stream), False for page loads."""
    accept = request.headers.get("Accept", "")
    return "application/json" in accept or "text/event-stream" in accept


def current_user(request: web.Request) -> StaffUser | None:
    """The logged-in user of a request, if any."""
    return request.get(CURRENT_USER)


def login_redirect(request: web.Request) -> web.HTTPFound:
    """Redirect to the login page, coming back to this page afterwards."""
    return web.HTTPFound(f"/login?next={quote(request.path_qs, safe='/')}")


def navigation(user: StaffUser | None) -> list[tuple[str, str]]:
    """The pages ``user`` may open."""
    if user is None:
        return []
    return [(path, label) for path, label, roles in PAGES if user.has(*roles)]


def home_path(user: StaffUser) -> str:
    """The first page the user may open (``/`` redirects there)."""
    pages = navigation(user)
    return pages[0][0] if pages else "/queue"


def require_role(*roles: str) -> Callable[[Handler], Handler]:
    """Decorator: the handler runs only for a logged-in user with one of ``roles`` (none: any user).

    Not logged in: 302 to ``/login`` for a page (GET), 401 for anything else.
    Logged in without the role: 403.
    """

    def decorator(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            user = current_user(request)
            if user is None:
                if request.method in ("GET", "HEAD") and not wants_json(request):
                    raise login_redirect(request)
                raise web.HTTPUnauthorized()
            if roles and not user.has(*roles):
                raise web.HTTPForbidden()
            return await handler(request)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator
