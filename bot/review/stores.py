"""The databases the review jobs touch, named by the caller's settings (:class:`StoreUrls`).

Staff database (review tables, handoffs, audit, console sessions), Rasa's tracker store
and the telephony database (callback requests of phone and web chat). The engines are
the process's own (:func:`bot.db.engine.get_engine`: created on first use, disposed at
shutdown), so a job round opens none; the tables come from ``python -m bot db upgrade``
(no DDL per round).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.db.engine import get_engine
from bot.handoff.queue import HandoffQueue
from bot.staff import session_factory
from bot.telephony.callbacks import CallbackRepository


class StoreUrls(Protocol):
    """The database URLs the review reads from its caller's settings (the console passes its
    ``ConsoleSettings``; the review never imports the console)."""

    @property
    def staff_db_url(self) -> str: ...

    @property
    def tracker_db_url(self) -> str: ...

    @property
    def telephony_db_url(self) -> str: ...


@dataclass(frozen=True)
class Stores:
    """Open connections of one job run."""

    staff_engine: Engine
    sessions: sessionmaker
    tracker_engine: Engine
    queue: HandoffQueue
    callbacks: CallbackRepository
    #: Callback requests, held contact details and (without Redis) live call state.
    telephony_engine: Engine


@contextmanager
def open_stores(settings: StoreUrls) -> Iterator[Stores]:
    """The three databases over the process's engines (created once, disposed at shutdown)."""
    staff_engine = get_engine(settings.staff_db_url, "staff")
    telephony_engine = get_engine(settings.telephony_db_url, "telephony")
    yield Stores(
        staff_engine=staff_engine,
        sessions=session_factory(staff_engine),
        tracker_engine=get_engine(settings.tracker_db_url, "tracker"),
        queue=HandoffQueue(staff_engine),
        callbacks=CallbackRepository(telephony_engine),
        telephony_engine=telephony_engine,
    )
