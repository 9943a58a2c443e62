"""``python -m bot agents …`` and ``python -m bot callbacks …``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot.cli import main
from bot.config import TIMEZONE
from bot.handoff.callback.turns import CallbackDraft
from bot.handoff.callback.windows import Window
from bot.telephony import runtime
from bot.telephony.callbacks import CallContext
from tests.schema import with_tables


@pytest.fixture(autouse=True)
def telephony(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("TELEPHONY_DB_URL", with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony"))
    monkeypatch.setenv("STAFF_DB_URL", with_tables(f"sqlite:///{tmp_path / 'staff.db'}", "staff"))
    runtime.reset()
    yield
    runtime.reset()


def add_request(conversation: str, days_ago: int) -> int:
    start = datetime(2026, 3, 5, 8, tzinfo=TIMEZONE)
    draft = CallbackDraft("phone", "+49711987654", None,
                          Window("vormittag", "vormittags", start, start + timedelta(hours=4)))
    return runtime.callbacks().add(draft, CallContext(conversation, "ask_fees"),
                                   datetime.now(TIMEZONE) - timedelta(days=days_ago))


def test_agents_show_and_set(capsys) -> None:
    assert main(["agents", "set", "--free", "2", "--waiting", "5", "--hours", "closed"]) == 0
    assert "free 2, waiting 5" in capsys.readouterr().out
    board = runtime.store().board()
    assert (board.free, board.waiting, board.hours_override) == (2, 5, "closed")
    assert main(["agents", "set", "--hours", "auto"]) == 0
    assert runtime.store().board().hours_override is None
    assert main(["agents", "set", "--free", "-3"]) == 2
    assert [(e.action, e.target) for e in _audit()][:1] == [("settings_changed", "phone_board")]


def test_callbacks_list_done_delete_purge(capsys) -> None:
    first = add_request("call-1", days_ago=0)
    add_request("call-2", days_ago=45)
    add_request("call-3", days_ago=1)
    assert main(["callbacks", "list"]) == 0
    masked = capsys.readouterr().out
    assert "0711987654" not in masked and masked.count("…654") == 3  # L9: numbers masked by default
    assert main(["callbacks", "list", "--show-contact"]) == 0
    assert capsys.readouterr().out.count("0711 987654") == 3  # stored as +49711987654, written as staff dial it
    assert main(["callbacks", "done", str(first)]) == 0
    assert main(["callbacks", "done", str(first)]) == 2
    assert main(["callbacks", "delete", "call-3"]) == 0
    assert main(["callbacks", "purge"]) == 0  # retention_days 30 of handoff.yml
    assert "deleted 1 callback request(s) older than 30 days" in capsys.readouterr().out
    assert runtime.callbacks().open_requests() == []
    assert [entry.action for entry in reversed(_audit())] == [
        "view_callbacks", "callback_done", "callback_deleted", "callbacks_purged"]
    assert all(entry.actor.startswith("cli") for entry in _audit())


def _audit() -> list:
    from bot.db.engine import get_engine
    from bot.staff import session_factory, staff_db_url
    from bot.staff.audit import audit_entries

    engine = get_engine(staff_db_url())
    try:
        with session_factory(engine)() as session:
            return audit_entries(session)
    finally:
        engine.dispose()


def test_callbacks_list_shows_web_requests_with_an_email_address(capsys) -> None:
    start = datetime(2026, 3, 5, 8, tzinfo=TIMEZONE)
    window = Window("email", "per E-Mail", start, start + timedelta(hours=10))
    runtime.callbacks().add_web(CallContext("web-1", "request_human"), window, email="erika@example.de")
    add_request("call-1", days_ago=0)
    assert main(["callbacks", "list"]) == 0
    out = capsys.readouterr().out
    assert "web    2026-03-05  email       e…@example.de" in out and "phone" in out and "…654" in out


def test_callbacks_purge_follows_the_retention_of_handoff_yml(tmp_path, monkeypatch, capsys) -> None:
    config = tmp_path / "handoff.yml"
    config.write_text("teams: [{key: a}]\nretention_days: 40\n", encoding="utf-8")
    monkeypatch.setenv("HANDOFF_CONFIG", str(config))
    add_request("call-1", days_ago=45)
    add_request("call-2", days_ago=35)
    assert main(["callbacks", "purge"]) == 0
    assert "deleted 1 callback request(s) older than 40 days" in capsys.readouterr().out
    assert [row.conversation_id for row in runtime.callbacks().open_requests()] == ["call-2"]
