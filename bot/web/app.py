"""Application factory of the web server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.pages import make_templates
from bot.web.keys import HTTP, SETTINGS, TEMPLATES
from bot.web.middlewares import error_pages, security_headers
from bot.web.settings import WebSettings
from bot.web.views import routes

PACKAGE_DIR = Path(__file__).resolve().parent


async def http_client(app: web.Application) -> AsyncIterator[None]:
    """One client session for the app's lifetime (used by ``/health``)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as session:
        app[HTTP] = session
        yield


def create_app(settings: WebSettings) -> web.Application:
    """The web server: demo page, widget files, health check."""
    app = web.Application(middlewares=[security_headers, error_pages])
    app[SETTINGS] = settings
    app[TEMPLATES] = make_templates(PACKAGE_DIR / "templates")
    app.cleanup_ctx.append(http_client)
    app.router.add_routes(routes)
    app.router.add_static("/webchat/", settings.widget_dir, name="webchat")
    app.router.add_static("/static/", PACKAGE_DIR / "static", name="static")
    return app
