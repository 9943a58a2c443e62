"""``handoff.yml`` and the console's overrides (``bot/handoff/settings.py``)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.handoff.settings import HandoffConfigError, HandoffSettings, effective_settings
from bot.staff import session_factory
from bot.staff.models import ConsoleSetting


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "handoff.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_file_loads() -> None:
    settings = HandoffSettings.load()
    assert settings.teams and settings.retention_days == 30
    assert settings.team_for(None).key == settings.teams[0].key


def test_team_for_picks_the_listed_service(tmp_path: Path) -> None:
    settings = HandoffSettings.load(_write(tmp_path, """
teams:
  - {key: sozial, name: Sozialamt, hours_office: null, services: [wohngeld]}
  - {key: alle, name: Bürgertelefon, hours_office: null}
"""))
    assert settings.team_for("wohngeld").key == "sozial"
    assert settings.team_for("personalausweis").key == "alle"
    assert settings.team("sozial").hours_office is None


@pytest.mark.parametrize(
    "text",
    [
        "teams: []",
        "teams: [{name: x}]",
        "teams: [{key: a}]\nqueue_limit: -1",
        "teams: [{key: a}]\nretention_days: 0",
        "teams: [{key: a}]\navg_handle_minutes: 'six'",
        "teams: [{key: a}]\nalways_human_services: wohngeld",
        "- just a list",
        "teams: [{key: a}\n",
    ],
)
def test_invalid_files_are_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(HandoffConfigError):
        HandoffSettings.load(_write(tmp_path, text))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HandoffConfigError):
        HandoffSettings.load(tmp_path / "nope.yml")


def test_environment_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_CONFIG", str(_write(tmp_path, "teams: [{key: x}]\nqueue_limit: 2")))
    assert HandoffSettings.load().queue_limit == 2


def test_console_overrides_win_and_broken_ones_are_ignored(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'staff.db'}")
    create_all(engine, "staff")
    base = HandoffSettings.load()
    sessions = session_factory(engine)
    now = datetime.now(timezone.utc)
    with sessions() as session, session.begin():
        session.add(ConsoleSetting(key="queue_limit", value=3, updated_at=now, updated_by="admin"))
        session.add(ConsoleSetting(key="always_human_services", value=["wohngeld"], updated_at=now, updated_by="admin"))
    with sessions() as session:
        settings = effective_settings(session, base)
    assert settings.queue_limit == 3 and settings.always_human_services == ("wohngeld",)
    with sessions() as session, session.begin():
        session.get(ConsoleSetting, "queue_limit").value = "many"
    with sessions() as session:
        assert effective_settings(session, base) == base
    engine.dispose()
