"""Fixtures of the review tests: console settings on fresh SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console.settings import ConsoleSettings


@pytest.fixture()
def settings(tmp_path: Path) -> ConsoleSettings:
    """Console settings whose staff, tracker and telephony databases are empty SQLite files."""
    return ConsoleSettings(
        staff_db_url=f"sqlite:///{tmp_path / 'staff.db'}",
        tracker_db_url=f"sqlite:///{tmp_path / 'tracker.db'}",
        telephony_db_url=f"sqlite:///{tmp_path / 'telephony.db'}",
    )
