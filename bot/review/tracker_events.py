"""Read (and, for retention, delete) events of Rasa's SQL tracker store.

Rasa 3.6's ``SQLTrackerStore`` keeps every event in one table ``events`` (``id``,
``sender_id``, ``type_name``, ``timestamp`` as Unix seconds, ``intent_name``,
``action_name`` and ``data``: the event's JSON). The table is described here with
SQLAlchemy Core, so no SQL is written by hand and the same code runs on SQLite and
PostgreSQL. Rasa creates the table; until it exists there is nothing to read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, func, inspect, select
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

_METADATA = MetaData()

#: Rasa's ``SQLTrackerStore.SQLEvent`` table (read and delete only; Rasa creates it).
EVENTS = Table(
    "events",
    _METADATA,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

#: How many sender ids one ``DELETE … WHERE sender_id IN (…)`` names at most.
_DELETE_CHUNK = 500


@dataclass(frozen=True)
class TrackerEvent:
    """One stored event with its JSON parsed (``data`` is ``{}`` if it was unreadable)."""

    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None
    action_name: str | None
    data: dict[str, Any] = field(default_factory=dict)


def has_events_table(engine: Engine) -> bool:
    """True once Rasa has created its ``events`` table."""
    return inspect(engine).has_table("events")


def _parse(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        logger.warning("unreadable tracker event JSON skipped")
        return {}
    return value if isinstance(value, dict) else {}


def senders_after(engine: Engine, after_id: int, limit: int = 5000) -> tuple[list[str], int, int]:
    """Sender ids of the events with ``id > after_id`` (at most ``limit`` events), the highest id read
    and the number of events read.

    Returns ``([], after_id, 0)`` when there is nothing new.
    """
    stmt = (
        select(EVENTS.c.id, EVENTS.c.sender_id)
        .where(EVENTS.c.id > after_id)
        .order_by(EVENTS.c.id)
        .limit(limit)
    )
    senders: dict[str, None] = {}
    highest = after_id
    count = 0
    with engine.connect() as connection:
        for event_id, sender_id in connection.execute(stmt):
            senders[sender_id] = None
            highest = max(highest, int(event_id))
            count += 1
    return list(senders), highest, count


def conversation_events(engine: Engine, sender_id: str, after_id: int = 0) -> list[TrackerEvent]:
    """The events of one conversation with ``id > after_id``, in the order Rasa stored them.

    An empty list until Rasa has created its table (the console may start first).
    """
    if not has_events_table(engine):
        return []
    stmt = (
        select(EVENTS)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.id > after_id)
        .order_by(EVENTS.c.id)
    )
    with engine.connect() as connection:
        return [
            TrackerEvent(
                id=int(row.id), sender_id=row.sender_id, type_name=row.type_name,
                timestamp=float(row.timestamp or 0.0), intent_name=row.intent_name,
                action_name=row.action_name, data=_parse(row.data),
            )
            for row in connection.execute(stmt)
        ]


def stale_senders(engine: Engine, cutoff: float) -> list[str]:
    """Conversations whose last event is older than ``cutoff`` (Unix seconds)."""
    stmt = (
        select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(func.max(EVENTS.c.timestamp) < cutoff)
    )
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(stmt)]


def delete_events_before(engine: Engine, cutoff: float) -> tuple[int, list[str]]:
    """Delete every event older than ``cutoff`` (Unix seconds), whatever its conversation.

    Retention goes by each event's own age: a sender id that stays active (a REST
    client's fixed id, ``rasa-webchat`` with ``localStorage``) still loses its old
    events on schedule. Returns the number of events deleted and the conversations
    that have no event left.
    """
    with engine.begin() as connection:
        touched = [row[0] for row in connection.execute(
            select(EVENTS.c.sender_id).where(EVENTS.c.timestamp < cutoff).distinct())]
        deleted = connection.execute(delete(EVENTS).where(EVENTS.c.timestamp < cutoff)).rowcount
        remaining = {row[0] for row in connection.execute(
            select(EVENTS.c.sender_id).where(EVENTS.c.sender_id.in_(touched)).distinct())} if touched else set()
    return deleted, [sender for sender in touched if sender not in remaining]


def delete_senders(engine: Engine, sender_ids: Iterable[str]) -> int:
    """Delete every event of these conversations; returns the number of events deleted."""
    ids: Sequence[str] = list(dict.fromkeys(sender_ids))
    deleted = 0
    with engine.begin() as connection:
        for start in range(0, len(ids), _DELETE_CHUNK):
            chunk = ids[start:start + _DELETE_CHUNK]
            deleted += connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk))).rowcount
    return deleted
