"""Test data for the handoff: handoff.yml variants, a closed office, console overrides."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.config import utc_now
from bot.kb.models import Closure, Office, OpeningHours

CLOSED_OFFICE = "test_geschlossen"
SOURCE = "https://www.stuttgart.de/test"


def add_closed_office(engine: Engine, today: date, key: str = CLOSED_OFFICE) -> None:
    """An office with weekday hours 8–18 that is closed from yesterday to the day after tomorrow."""
    office = Office(
        key=key, name="Testteam (geschlossen)", department="other", kind="hotline", district=None,
        source_url=SOURCE, verified_on=today, hours_source_url=SOURCE, hours_verified_on=today,
    )
    office.hours = [
        OpeningHours(weekday=day, opens=time(8), closes=time(18), source_url=SOURCE, verified_on=today)
        for day in range(5)
    ]
    office.closures = [Closure(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=2),
                               reason="Test", source_url=SOURCE, verified_on=today)]
    with Session(engine, future=True) as session, session.begin():
        session.add(office)


def write_config(path: Path, teams: Iterable[dict[str, Any]], queue_limit: int = 10,
                 always_human: list[str] | None = None, retention_days: int = 30,
                 avg_handle_minutes: int = 6) -> Path:
    """A handoff.yml for tests."""
    path.write_text(yaml.safe_dump({
        "teams": list(teams), "queue_limit": queue_limit, "avg_handle_minutes": avg_handle_minutes,
        "always_human_services": always_human or [], "retention_days": retention_days,
    }, allow_unicode=True), encoding="utf-8")
    return path


ALWAYS_STAFFED: dict[str, object] = {"key": "buergertelefon", "name": "Bürgertelefon", "hours_office": None,
                                     "services": []}
CLOSED_TEAM = {"key": "geschlossen", "name": "Geschlossen", "hours_office": CLOSED_OFFICE, "services": ["wohngeld"]}


def set_override(engine: Engine, key: str, value: Any) -> None:
    """Save a console override (as the console's settings page does)."""
    from bot.staff.models import ConsoleSetting

    with Session(engine, future=True) as session, session.begin():
        row = session.get(ConsoleSetting, key)
        if row is None:
            session.add(ConsoleSetting(key=key, value=value, updated_at=utc_now(), updated_by="test"))
        else:
            row.value = value
