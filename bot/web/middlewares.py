"""Middlewares: security headers on every response, one place that renders errors."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.pages import add_page_headers, error_middleware, error_title
from bot.web.keys import SETTINGS, TEMPLATES
from bot.web.settings import WebSettings


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
    if request.path.startswith("/webchat/"):
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
        headers.setdefault("Cache-Control", "no-cache")
    else:
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if (response.content_type or "").startswith("text/html"):
        headers.setdefault("Content-Security-Policy", content_security_policy(request.app[SETTINGS]))
        add_page_headers(headers)
    else:
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def _error_page(request: web.Request, status: int) -> web.Response:
    title = error_title(status)
    if request.path == "/health" or "application/json" in request.headers.get("Accept", ""):
        return web.json_response({"error": title}, status=status)
    html = request.app[TEMPLATES].get_template("error.html").render(status=status, title=title)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


#: 4xx/5xx as a short German page (JSON for ``/health``); unexpected errors are logged.
error_pages = error_middleware(_error_page)
