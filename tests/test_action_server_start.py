"""What the action server checks when it starts."""

from __future__ import annotations


def test_the_action_server_says_at_start_when_the_knowledge_base_is_empty(tmp_path, monkeypatch, caplog,
                                                                          sqlite_engine, sqlite_url) -> None:
    from bot.kb.shared import repository
    from bot.server.action_server import check_knowledge
    from tests.schema import with_tables

    monkeypatch.setenv("KNOWLEDGE_DB_URL", sqlite_url)  # the real seed
    repository.cache_clear()
    assert check_knowledge() and "knowledge base" not in caplog.text
    monkeypatch.setenv("KNOWLEDGE_DB_URL", with_tables(f"sqlite:///{tmp_path / 'empty.db'}", "knowledge"))
    repository.cache_clear()
    assert not check_knowledge() and "the knowledge base is empty" in caplog.text
    monkeypatch.setenv("KNOWLEDGE_DB_URL", f"sqlite:///{tmp_path / 'no-tables.db'}")
    repository.cache_clear()
    assert not check_knowledge() and "cannot be read (OperationalError)" in caplog.text
    repository.cache_clear()
