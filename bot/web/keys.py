"""Typed keys of the application's state."""

from __future__ import annotations

import aiohttp
import jinja2
from aiohttp import web

from bot.web.settings import WebSettings

SETTINGS = web.AppKey("settings", WebSettings)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
#: Client session for ``/health`` (created and closed by ``app.cleanup_ctx``).
HTTP = web.AppKey("http", aiohttp.ClientSession)
