"""Run a unit of work on the staff database from a handler (in a worker thread, one session)."""

from __future__ import annotations

import asyncio
from typing import Callable, TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from bot.console.keys import STAFF_SESSIONS

T = TypeVar("T")


async def in_transaction(app: web.Application, work: Callable[[Session], T]) -> T:
    """``work(session)`` in one transaction (committed when it returns, rolled back when it raises)."""
    factory = app[STAFF_SESSIONS]

    def run() -> T:
        with factory() as session, session.begin():
            return work(session)

    return await asyncio.to_thread(run)
