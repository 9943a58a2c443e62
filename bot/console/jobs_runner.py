"""The console's background task: position notices, review ingest and retention, every few seconds.

Each round runs :func:`bot.console.notifier.notify_positions` (which also sets the
``handoffs_waiting`` gauge) and :func:`bot.review.jobs.run_once` (synchronous, in a
worker thread). Any failure is
logged and the next round runs as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot.console.keys import QUEUE, RASA, SETTINGS, STAFF_SESSIONS
from bot.console.notifier import notify_positions
from bot.review import jobs as review_jobs

logger = logging.getLogger(__name__)


async def run_round(app: web.Application) -> dict[str, int]:
    """One round of all jobs; returns counts (never raises)."""
    counts: dict[str, int] = {}
    try:
        counts["position_notices"] = await notify_positions(app[QUEUE], app[STAFF_SESSIONS], app[RASA])
    except Exception:  # a background job must survive anything
        logger.exception("position notices failed")
    try:
        counts.update(await asyncio.to_thread(review_jobs.run_once, app[SETTINGS]))
    except Exception:
        logger.exception("review jobs failed")
    return counts


async def _loop(app: web.Application) -> None:
    interval = app[SETTINGS].job_interval_seconds
    while True:
        counts = await run_round(app)
        if any(counts.values()):
            logger.info("background jobs: %s", counts)
        await asyncio.sleep(interval)


async def background_jobs(app: web.Application) -> AsyncIterator[None]:
    """``cleanup_ctx``: start the job loop with the app, cancel it at shutdown."""
    task = asyncio.create_task(_loop(app))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
