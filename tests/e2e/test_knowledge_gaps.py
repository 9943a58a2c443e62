"""An honest "unknown" answer over REST is counted for the staff's knowledge-gap page."""

from __future__ import annotations

import pytest

from bench.helpers.servers import Servers
from bot.db.engine import get_engine
from bot.review.gaps import gap_counts
from bot.staff import session_factory
from tests.e2e.conftest import Say, joined

pytestmark = pytest.mark.e2e


def test_an_unknown_answer_is_counted(servers: Servers, say: Say) -> None:
    answer = joined(say("Welche Unterlagen brauche ich für Wohngeld?"))
    assert "keine geprüften Angaben" in answer
    engine = get_engine(f"sqlite:///{servers.workdir / 'staff.db'}")
    try:
        with session_factory(engine)() as session:
            counts = {(g.kind, g.subject, g.topic): g.count for g in gap_counts(session)}
    finally:
        engine.dispose()
    assert counts.get(("service", "wohngeld", "documents"), 0) >= 1
