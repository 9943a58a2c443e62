"""Middlewares: security headers on every response, one place that renders errors."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.web.keys import SETTINGS, TEMPLATES
from bot.web.settings import WebSettings

logger = logging.getLogger(__name__)

ERROR_TITLES = {
    400: "Ungültige Anfrage",
    403: "Zugriff verweigert",
    404: "Seite nicht gefunden",
    405: "Methode nicht erlaubt",
    500: "Interner Fehler",
}


def content_security_policy(settings: WebSettings) -> str:
    """The pages' CSP: own scripts and styles only, sockets to the chat server, no inline code.

    ``require-trusted-types-for 'script'`` makes the browser refuse any HTML written
    through ``innerHTML`` & co. — the widget renders text only.
    """
    http_origin, ws_origin = settings.chat_socket_origins
    return "; ".join((
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        f"connect-src 'self' {http_origin} {ws_origin}",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    ))


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Headers for every response (error pages included).

    The widget's files may be loaded by other sites (the city website embeds them),
    everything else stays same-origin.
    """
    response = await handler(request)
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/webchat/"):
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
        headers.setdefault("Cache-Control", "no-cache")
    else:
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if (response.content_type or "").startswith("text/html"):
        headers.setdefault("Content-Security-Policy", content_security_policy(request.app[SETTINGS]))
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    return response


def _error_page(request: web.Request, status: int) -> web.Response:
    title = ERROR_TITLES.get(status, "Fehler")
    if request.path == "/health" or "application/json" in request.headers.get("Accept", ""):
        return web.json_response({"error": title}, status=status)
    html = request.app[TEMPLATES].get_template("error.html").render(status=status, title=title)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def error_middleware(render_error: Callable[[web.Request, int], web.StreamResponse]) -> Middleware:
    """One place that turns 4xx/5xx and unexpected exceptions into ``render_error(request, status)``.

    Redirects pass through; unexpected exceptions are logged with the request line and
    answered with a 500 page, never a traceback. Used by the web chat's server and the
    staff console, each with its own error page.
    """

    @web.middleware
    async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException as error:
            if error.status < 400:
                raise
            return render_error(request, error.status)
        except Exception:  # one place turns every failure into a 500 page
            logger.exception("%s %s failed", request.method, request.path)
            return render_error(request, 500)

    return errors


#: 4xx/5xx as a short German page (JSON for ``/health``); unexpected errors are logged.
error_pages = error_middleware(_error_page)
