"""Application factory of the staff console (``python -m bot.console``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.console.jobs_runner import background_jobs
from bot.console.keys import LOGIN_GUARD, QUEUE, RASA, SETTINGS, STAFF_SESSIONS, TEMPLATES, TRACKER_ENGINE
from bot.console.middlewares import authentication, csrf_protection, error_pages, security_headers
from bot.console.rasa_client import RasaClient
from bot.console.render import make_templates
from bot.console.settings import ConsoleSettings
from bot.console.throttle import LoginGuard
from bot.console.views import admin, auth, callbacks, conversation, knowledge, notices, phone, queue, review, stats
from bot.db.engine import dispose_all, get_engine
from bot.handoff.queue import HandoffQueue
from bot.staff import session_factory

PACKAGE_DIR = Path(__file__).resolve().parent
#: Page modules; each exposes ``routes``.
VIEW_MODULES = (auth, queue, conversation, admin, review, stats, callbacks, phone, knowledge, notices)
#: Largest request body (forms; no uploads).
MAX_BODY_BYTES = 64 * 1024


async def databases(app: web.Application) -> AsyncIterator[None]:
    """``cleanup_ctx``: the staff sessions and queue, and the engine on Rasa's tracker store.

    The live transcript reads the tracker store directly (one query per poll, instead of
    fetching the whole tracker from Rasa every second). Every engine the console used
    (staff, tracker, telephony, knowledge: :func:`bot.db.engine.get_engine`) is disposed
    at shutdown. The tables come from ``python -m bot db upgrade`` (run before the console
    starts).
    """
    engine = get_engine(app[SETTINGS].staff_db_url, "staff")
    app[STAFF_SESSIONS] = session_factory(engine)
    app[QUEUE] = HandoffQueue(engine)
    app[TRACKER_ENGINE] = get_engine(app[SETTINGS].tracker_db_url, "tracker")
    yield
    dispose_all()


async def rasa_client(app: web.Application) -> AsyncIterator[None]:
    """``cleanup_ctx``: one HTTP client session for Rasa's API."""
    settings = app[SETTINGS]
    async with aiohttp.ClientSession() as http:
        app[RASA] = RasaClient(http, settings.rasa_url, settings.rasa_token)
        yield


async def _close_login_guard(app: web.Application) -> AsyncIterator[None]:
    yield
    app[LOGIN_GUARD].close()


def create_app(settings: ConsoleSettings, run_jobs: bool = True) -> web.Application:
    """The console: pages of every view module, static files, database, Rasa client, background jobs.

    ``run_jobs=False`` leaves out the background task (tests that drive the jobs themselves).
    """
    app = web.Application(
        middlewares=[security_headers, error_pages, authentication, csrf_protection],
        client_max_size=MAX_BODY_BYTES,
    )
    app[SETTINGS] = settings
    app[TEMPLATES] = make_templates()
    app[LOGIN_GUARD] = LoginGuard()
    app.cleanup_ctx.append(_close_login_guard)
    app.cleanup_ctx.append(databases)
    app.cleanup_ctx.append(rasa_client)
    if run_jobs:
        app.cleanup_ctx.append(background_jobs)
    for module in VIEW_MODULES:
        app.router.add_routes(module.routes)
    app.router.add_static("/static/", PACKAGE_DIR / "static", name="static")
    return app
