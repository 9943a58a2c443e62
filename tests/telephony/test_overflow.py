"""Overflow calls: callback offer without NLU, state in the call store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.config import TIMEZONE
from bot.db.engine import get_engine
from bot.handoff.short_answers import Answer
from bot.kb.repository import KnowledgeRepository
from bot.telephony.callbacks import CallbackRepository
from bot.telephony.overflow import OverflowDialog
from bot.telephony.settings import TelephonySettings
from bot.telephony.store.base import AgentBoard
from bot.telephony.store.sql import SqlCallStore
from tests.schema import with_tables

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=TIMEZONE)


@pytest.fixture
def parts(tmp_path, repo: KnowledgeRepository) -> Iterator[tuple[OverflowDialog, SqlCallStore, CallbackRepository]]:
    url = with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony")
    settings = TelephonySettings.load(env={})
    store = SqlCallStore(get_engine(url), AgentBoard.from_settings(settings))
    callbacks = CallbackRepository(get_engine(url))
    dialog = OverflowDialog(store, callbacks, settings, lambda: repo.office(settings.hotline_office), clock=lambda: NOW)
    store.create_call("c1", "node", 0, 60)
    yield dialog, store, callbacks
    store.close()
    callbacks.dispose()


def texts(activities: list[dict]) -> str:
    return " ".join(a["text"] for a in activities if a["type"] == "message")


def test_callback_with_caller_id(parts) -> None:
    dialog, store, callbacks = parts
    first = dialog.start("c1", "+49711555666")
    assert "alle Leitungen belegt" in texts(first) and not any(a["type"] == "event" for a in first)
    confirm = dialog.answer("c1", Answer(dtmf="1"))
    assert "0 7 1 1, 5 5 5, 6 6 6" in texts(confirm)  # filled in for the gateway
    windows = dialog.answer("c1", Answer(text="ja"))
    assert "heute vormittags" in texts(windows)
    done = dialog.answer("c1", Answer(dtmf="2"))
    assert done[-1]["name"] == "hangup" and "6 6 6" in texts(done)
    [request] = callbacks.for_conversation("c1")
    assert request.phone == "+49711555666" and request.reason == "overflow" and request.window_key == "nachmittag"
    assert store.get_call("c1").overflow is None
    assert dialog.answer("c1", Answer(dtmf="1")) == []  # over: nothing more to say


def test_typed_number_is_kept_in_the_store(parts) -> None:
    dialog, store, _ = parts
    dialog.start("c1", None)
    enter = dialog.answer("c1", Answer(text="ja bitte"))
    assert enter[0]["activityParams"]["dtmfCollect"] is True
    confirm = dialog.answer("c1", Answer(number_entered=True), entered_number="0711987654")
    assert "0 7 1 1, 9 8 7, 6 5 4" in texts(confirm)
    assert store.get_call("c1").entered_number == "0711987654"


def test_declined_offer_says_goodbye_and_hangs_up(parts) -> None:
    dialog, _, callbacks = parts
    dialog.start("c1", "+49711555666")
    bye = dialog.answer("c1", Answer(dtmf="2"))
    assert "später noch einmal" in texts(bye) and bye[-1]["name"] == "hangup"
    assert callbacks.for_conversation("c1") == []


def test_silence_twice_hangs_up(parts) -> None:
    dialog, _, _ = parts
    dialog.start("c1", "+49711555666")
    assert "Sind Sie noch da" in texts(dialog.answer("c1", Answer(no_input=True)))
    assert dialog.answer("c1", Answer(no_input=True))[-1]["name"] == "hangup"


def test_missing_hotline_office_means_call_later(tmp_path) -> None:
    from bot.kb.repository import RecordNotFound

    def missing():
        raise RecordNotFound("no office")

    url = with_tables(f"sqlite:///{tmp_path / 'other.db'}", "telephony")
    settings = TelephonySettings.load(env={})
    store = SqlCallStore(get_engine(url), AgentBoard.from_settings(settings))
    callbacks = CallbackRepository(get_engine(url))
    store.create_call("c9", "node", 0, 60)
    out = OverflowDialog(store, callbacks, settings, missing, clock=lambda: NOW).start("c9", "+49711555666")
    assert "später noch einmal" in texts(out) and out[-1]["name"] == "hangup"
    store.close()
    callbacks.dispose()
