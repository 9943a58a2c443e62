"""Rendering of console pages: Jinja2 with autoescaping, plus user, CSRF token and navigation."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.config import TIMEZONE, as_utc
from bot.console.auth import current_user, navigation
from bot.console.keys import CSRF_TOKEN, TEMPLATES
from bot.pages import make_templates as page_templates

PACKAGE_DIR = Path(__file__).resolve().parent


def local_time(moment: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    """A UTC moment as Stuttgart time (template filter ``local``)."""
    if moment is None:
        return ""
    return as_utc(moment).astimezone(TIMEZONE).strftime(fmt)


def make_templates(extra_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """Templates of ``bot/console/templates`` (and ``extra_dirs``) with the ``local`` time filter."""
    environment = page_templates(PACKAGE_DIR / "templates", *extra_dirs)
    environment.filters["local"] = local_time
    return environment


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """A page from ``template`` (which extends ``base.html``) with ``user``, ``csrf_token`` and ``nav``."""
    user = current_user(request)
    context.setdefault("csrf_token", request.get(CSRF_TOKEN, ""))
    context.setdefault("message", None)
    html = request.app[TEMPLATES].get_template(template).render(
        user=user, nav=navigation(user), path=request.path, **context,
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
