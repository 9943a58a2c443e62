"""Typed keys of the console's application and request state, and the logged-in user."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from aiohttp import web
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.console.rasa_client import RasaClient
from bot.console.settings import ConsoleSettings
from bot.console.throttle import LoginGuard
from bot.handoff.queue import HandoffQueue


@dataclass(frozen=True)
class StaffUser:
    """The logged-in staff member of a request."""

    id: int
    username: str
    display_name: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        """True if the user has at least one of ``roles``."""
        return bool(self.roles.intersection(roles))


SETTINGS = web.AppKey("settings", ConsoleSettings)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
#: Sessions of the staff database (one per unit of work; never shared between requests).
STAFF_SESSIONS = web.AppKey("staff_sessions", sessionmaker)
QUEUE = web.AppKey("queue", HandoffQueue)
#: Rasa's SQL tracker store, read by the live transcript (never written by the console's pages).
TRACKER_ENGINE = web.AppKey("tracker_engine", Engine)

#: Set by the authentication middleware for logged-in requests.
CURRENT_USER = "console.user"
#: The session's CSRF token (forms: hidden field ``csrf_token``; fetch: header ``X-CSRF-Token``).
CSRF_TOKEN = "console.csrf_token"  # noqa: S105 - a request key, not a token


#: Per-address login limit and the bounded pool in which password hashes are checked.
LOGIN_GUARD = web.AppKey("login_guard", LoginGuard)

#: Rasa's HTTP API (over the app's client session, created by ``cleanup_ctx``).
RASA = web.AppKey("rasa", RasaClient)
