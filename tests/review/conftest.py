"""Fixtures of the review tests: console settings on fresh SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console.settings import ConsoleSettings
from tests.review.trackers import tracker_store
from tests.schema import with_tables


@pytest.fixture
def settings(tmp_path: Path) -> ConsoleSettings:
    """Console settings on empty SQLite files; the tracker store is Rasa's own, still without events."""
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    tracker_store(tracker_url).engine.dispose()  # Rasa creates its table when it starts
    return ConsoleSettings(
        staff_db_url=with_tables(f"sqlite:///{tmp_path / 'staff.db'}", "staff"),
        tracker_db_url=tracker_url,
        telephony_db_url=with_tables(f"sqlite:///{tmp_path / 'telephony.db'}", "telephony"),
    )
