"""Fixtures for action tests: a real SQLite knowledge base and real rasa-sdk trackers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.config import TIMEZONE
from bot.kb import hours as hours_logic
from bot.kb.shared import repository
from tests.kb.test_waiting_times import city  # noqa: F401 - the fake city endpoint, a fixture for test_new_topics
from tests.schema import with_tables

#: A Thursday morning, inside the Behördennummer 115's hours (the web team of handoff.yml).
STAFFED = (2026, 11, 26, 10, 0)
#: A Sunday morning: the 115 and so the web team are closed.
UNSTAFFED = (2026, 11, 29, 10, 0)


@pytest.fixture(autouse=True)
def knowledge_db(sqlite_engine, sqlite_url: str, monkeypatch) -> Iterator[None]:
    """Point the actions at a knowledge base loaded from the real seed files."""
    monkeypatch.setenv("KNOWLEDGE_DB_URL", sqlite_url)
    repository.cache_clear()
    yield
    repository().dispose()
    repository.cache_clear()


@pytest.fixture(autouse=True)
def staff_db(tmp_path, monkeypatch) -> Iterator[str]:
    """Point the actions at empty SQLite staff and telephony databases (handoff queue, callbacks)."""
    from actions import staff
    from bot.telephony import runtime

    url = with_tables(f"sqlite:///{tmp_path / 'staff.db'}", "staff")
    monkeypatch.setenv("STAFF_DB_URL", url)
    # web callback requests
    monkeypatch.setenv("TELEPHONY_DB_URL", with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony"))
    monkeypatch.delenv("HANDOFF_CONFIG", raising=False)  # the repository's handoff.yml unless a test writes one
    staff.reset()
    runtime.reset()
    yield url
    staff.reset()
    runtime.reset()


def make_tracker(
    text: str,
    intent: str,
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    channel: str = "rest",
    history: list[str] | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text`` with ``intent`` and ``entities``.

    Slots from entities are set as Rasa's slot extraction would; ``history`` holds
    the intents of earlier user messages (oldest first).
    """
    entity_list = [{"entity": k, "value": v, "start": 0, "end": 0} for k, v in (entities or {}).items()]
    all_slots = {"service": None, "district": None, "topic": None, "offer": None, **(slots or {})}
    for name, value in (entities or {}).items():
        all_slots[name] = value
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entity_list}
    events = [
        {"event": "user", "text": "…", "parse_data": {"intent": {"name": name}}, "input_channel": channel}
        for name in history or []
    ]
    events.append({"event": "user", "text": text, "parse_data": latest, "input_channel": channel})
    return Tracker("test-sender", all_slots, latest, events, False, None, {}, "action_listen")


@pytest.fixture
def clock(monkeypatch) -> Callable[..., None]:
    """Freeze the actions' "now" (``bot.kb.hours.now``) at a local time: ``clock(*STAFFED)``."""

    def _set(*args: int) -> None:
        monkeypatch.setattr(hours_logic, "now", lambda: datetime(*args, tzinfo=TIMEZONE))

    return _set


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """Collects what the action sends."""
    return CollectingDispatcher()


def texts(dispatcher: CollectingDispatcher) -> str:
    """All texts the action sent, joined."""
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)
