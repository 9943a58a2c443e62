"""The phone channel's setting for its tests: one admitted call at most, a SQLite call store,
the real knowledge base (seeded) — shared by the Rasa channel's and the phone front's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.db.engine import get_engine
from bot.telephony import runtime
from bot.telephony.settings import TelephonySettings
from bot.telephony.store.base import AgentBoard
from bot.telephony.store.sql import SqlCallStore
from tests.schema import with_tables


@pytest.fixture
def phone_setting(tmp_path, sqlite_engine, sqlite_url, monkeypatch) -> Iterator[tuple[TelephonySettings,
                                                                                       SqlCallStore]]:
    """``telephony.yml`` with ``max_concurrent_calls`` 1 and a fresh SQLite call store."""
    telephony_url = with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony")
    monkeypatch.setenv("KNOWLEDGE_DB_URL", sqlite_url)
    monkeypatch.setenv("TELEPHONY_DB_URL", telephony_url)
    monkeypatch.setenv("TELEPHONY_MAX_CALLS", "1")
    runtime.reset()
    settings = TelephonySettings.load()
    store = SqlCallStore(get_engine(telephony_url), AgentBoard.from_settings(settings))
    yield settings, store
    store.close()
    runtime.reset()
