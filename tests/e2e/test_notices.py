"""A closure posted by staff is used at once: the hours answer says closed, with the notice first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bench.helpers.servers import Servers
from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.handoff.notices import add_notice, delete_notice
from bot.kb.hours import now as berlin_now
from bot.staff import session_factory
from tests.e2e.conftest import Say, joined

pytestmark = pytest.mark.e2e


def test_a_staff_closure_changes_the_hours_answer_at_once(servers: Servers, say: Say) -> None:
    engine = get_engine(f"sqlite:///{servers.workdir / 'staff.db'}")
    create_all(engine, "staff")
    factory = session_factory(engine)
    today = berlin_now().date()
    with factory() as session, session.begin():
        notice_id = add_notice(session, "office", "buergerbuero_untertuerkheim", today, today + timedelta(days=1),
                               "Heute und morgen wegen Umbau geschlossen.", "test", closure=True)
    try:
        answer = joined(say("Hat das Bürgerbüro Untertürkheim heute geöffnet?"))
        assert answer.startswith("Hinweis (") and "wegen Umbau geschlossen" in answer
        assert "geschlossen (Heute und morgen wegen Umbau geschlossen.)" in answer, answer
    finally:
        with factory() as session, session.begin():
            delete_notice(session, notice_id)
        engine.dispose()
    assert "Hinweis (" not in joined(say("Hat das Bürgerbüro Untertürkheim heute geöffnet?"))
