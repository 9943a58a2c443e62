"""Process-wide telephony objects: created on first use from the environment, reset for tests."""

from __future__ import annotations

from bot.telephony import runtime
from bot.telephony.store.sql import SqlCallStore
from tests.schema import with_tables


def test_objects_follow_the_environment_and_are_cached(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TELEPHONY_DB_URL", with_tables(f"sqlite:///{tmp_path / 'a.db'}", "telephony"))
    monkeypatch.setenv("TELEPHONY_MAX_CALLS", "9")
    runtime.reset()
    try:
        assert runtime.settings().max_concurrent_calls == 9
        assert isinstance(runtime.store(), SqlCallStore) and runtime.store() is runtime.store()
        runtime.store().create_call("c1", "node", 1, 60)
        assert runtime.callbacks().open_requests() == []
        monkeypatch.setenv("TELEPHONY_DB_URL", with_tables(f"sqlite:///{tmp_path / 'b.db'}", "telephony"))
        runtime.reset()
        assert runtime.store().get_call("c1") is None  # the new database
        assert (tmp_path / "a.db").exists() and (tmp_path / "b.db").exists()
    finally:
        runtime.reset()
