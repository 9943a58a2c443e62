"""Run a unit of work on the staff database from a handler (in a worker thread, one session)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.console.keys import STAFF_SESSIONS
from bot.db.engine import get_engine

T = TypeVar("T")


def read_knowledge(url: str, work: Callable[[Session], T], fallback: T) -> T:
    """``work(session)`` on the knowledge base (read only); ``fallback`` when it cannot be read.

    The engine is the process's one for ``url`` (:func:`bot.db.engine.get_engine`).
    """
    try:
        with Session(get_engine(url, "knowledge"), future=True) as session:
            return work(session)
    except SQLAlchemyError:  # the page says the knowledge base is unavailable
        return fallback


async def in_transaction(app: web.Application, work: Callable[[Session], T]) -> T:
    """``work(session)`` in one transaction (committed when it returns, rolled back when it raises)."""
    factory = app[STAFF_SESSIONS]

    def run() -> T:
        with factory() as session, session.begin():
            return work(session)

    return await asyncio.to_thread(run)
