"""Web-chat callback and e-mail requests in ``callback_requests`` (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot.config import TIMEZONE
from bot.db.engine import get_engine
from bot.handoff.callback.windows import Window
from bot.telephony.callbacks import CallbackRepository, CallContext
from tests.schema import with_tables

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=TIMEZONE)
WINDOW = Window("nachmittag", "nachmittags", datetime(2026, 3, 5, 12, tzinfo=TIMEZONE),
                datetime(2026, 3, 5, 18, tzinfo=TIMEZONE))


@pytest.fixture(params=["sqlite", "postgres"])
def callbacks(request, tmp_path) -> Iterator[CallbackRepository]:
    url = (f"sqlite:///{tmp_path / 'telephony.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    repo = CallbackRepository(get_engine(with_tables(url, "telephony")))
    yield repo
    repo.dispose()


def test_web_callback_and_email_reply_are_stored_with_channel_web(callbacks: CallbackRepository) -> None:
    context = CallContext("web-1", "request_human", "wohngeld", "mitte")
    phone_id = callbacks.add_web(context, WINDOW, phone="+49711123456", now=NOW)
    email_window = Window("email", "per E-Mail", WINDOW.start, WINDOW.end)
    email_id = callbacks.add_web(CallContext("web-2", "fallback"), email_window, email="erika@example.de", now=NOW)
    rows = {row.id: row for row in callbacks.open_requests()}
    phone, email = rows[phone_id], rows[email_id]
    assert (phone.channel, phone.phone, phone.email, phone.window_key, phone.service) == (
        "web", "+49711123456", None, "nachmittag", "wohngeld")
    assert (email.channel, email.phone, email.email, email.window_key, email.reason) == (
        "web", None, "erika@example.de", "email", "fallback")
    assert phone.due_from.astimezone(TIMEZONE).hour == 12 and phone.preferred_day.isoformat() == "2026-03-05"


def test_web_request_needs_exactly_one_way_of_contact(callbacks: CallbackRepository) -> None:
    with pytest.raises(ValueError, match="either a phone number or an e-mail"):
        callbacks.add_web(CallContext("web-1"), WINDOW, now=NOW)
    with pytest.raises(ValueError, match="either a phone number or an e-mail"):
        callbacks.add_web(CallContext("web-1"), WINDOW, phone="+49711123456", email="a@example.de", now=NOW)
    assert callbacks.open_requests() == []


def test_web_requests_are_purged_and_deleted_like_phone_requests(callbacks: CallbackRepository) -> None:
    callbacks.add_web(CallContext("old"), WINDOW, phone="+49711123456", now=NOW - timedelta(days=31))
    callbacks.add_web(CallContext("new"), WINDOW, email="a@example.de", now=NOW)
    assert callbacks.purge(30, NOW) == 1
    assert callbacks.delete_conversation("new") == 1
    assert callbacks.open_requests() == []
