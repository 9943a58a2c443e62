"""The audit log (``bot/staff/audit.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.staff import session_factory
from bot.staff.audit import audit_entries, record_audit

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)


def test_entries_newest_first_and_filtered(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'staff.db'}")
    create_all(engine, "staff")
    sessions = session_factory(engine)
    with sessions() as session, session.begin():
        record_audit(session, "anna", "login", now=NOW)
        record_audit(session, "anna", "take_over", "handoff:1", now=NOW + timedelta(minutes=1))
        record_audit(session, "ben", "export", "export:annotations", "12 examples", now=NOW + timedelta(minutes=2))
    with sessions() as session:
        assert [e.action for e in audit_entries(session)] == ["export", "take_over", "login"]
        assert [e.actor for e in audit_entries(session, action="take_over")] == ["anna"]
        assert [e.action for e in audit_entries(session, actor="ben")] == ["export"]
        assert audit_entries(session, limit=1)[0].detail == "12 examples"
    engine.dispose()


def test_unknown_action_is_refused(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'staff.db'}")
    create_all(engine, "staff")
    with session_factory(engine)() as session, pytest.raises(ValueError, match="unknown audit action"):
        record_audit(session, "anna", "looked_around")
    engine.dispose()
