"""Request handlers: the demo page and the health check."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from aiohttp import web
from markupsafe import Markup

from bot.web.keys import HTTP, SETTINGS, TEMPLATES
from bot.web.settings import WebSettings

routes = web.RouteTableDef()


def widget_config(settings: WebSettings) -> dict:
    """The config object of the widget on the demo page."""
    config: dict[str, Any] = {"serverUrl": settings.chat_server_url, "title": settings.title,
                              "language": settings.language}
    if settings.privacy_url:
        config["privacyUrl"] = settings.privacy_url
    if settings.retention_days:
        config["retentionDays"] = settings.retention_days
    return config


def json_for_script(value: object) -> Markup:
    """JSON that is safe inside ``<script type="application/json">`` (no ``</script>``)."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escape)
    return Markup(text)  # noqa: S704 - escaped above: no tag can end the script element


@routes.get("/")
async def demo_page(request: web.Request) -> web.Response:
    """The demo city service page with the widget."""
    settings = request.app[SETTINGS]
    html = request.app[TEMPLATES].get_template("demo.html").render(
        config=json_for_script(widget_config(settings)), title=settings.title
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    """200 if the chat server answers, else 503 (this server is up either way)."""
    settings = request.app[SETTINGS]
    try:
        async with request.app[HTTP].get(settings.rasa_health_url) as response:
            chat_server = "ok" if response.status == 200 else f"status {response.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError):
        chat_server = "unreachable"
    return web.json_response(
        {"status": "ok", "chat_server": chat_server}, status=200 if chat_server == "ok" else 503
    )
