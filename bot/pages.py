"""What the two page servers (web chat ``bot/web``, staff console ``bot/console``) share.

One error middleware, one set of German error titles, one Jinja2 environment factory
and the security headers every page gets. Each app adds its own CSP and error page.
Imports nothing of ours, so both apps (and nothing below them) may use it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from pathlib import Path

import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

logger = logging.getLogger(__name__)

ERROR_TITLES = {
    400: "Ungültige Anfrage",
    401: "Bitte melden Sie sich an",
    403: "Zugriff verweigert",
    404: "Seite nicht gefunden",
    405: "Methode nicht erlaubt",
    413: "Anfrage zu groß",
    500: "Interner Fehler",
    502: "Dienst nicht erreichbar",
}

#: Headers of every HTML page of both apps (besides each app's own CSP).
PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def error_title(status: int) -> str:
    """The German title of an HTTP error status."""
    return ERROR_TITLES.get(status, "Fehler")


def add_page_headers(headers: MutableMapping[str, str]) -> None:
    """Set :data:`PAGE_HEADERS` where the handler has not set them itself."""
    for name, value in PAGE_HEADERS.items():
        headers.setdefault(name, value)


def make_templates(*directories: Path) -> jinja2.Environment:
    """Jinja2 templates of ``directories`` with HTML autoescaping and strict undefined names."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(directories)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


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
        except Exception:
            logger.exception("%s %s failed", request.method, request.path)
            return render_error(request, 500)

    return errors
