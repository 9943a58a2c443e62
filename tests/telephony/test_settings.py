"""telephony.yml and its environment overrides."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.telephony.settings import DEFAULT_CONFIG, TelephonyConfigError, TelephonySettings


def test_project_file_loads_with_defaults() -> None:
    settings = TelephonySettings.load(env={})
    assert settings.hotline_office == "behoerdennummer_115"
    assert settings.voice.language == "de-DE" and settings.voice.barge_in
    assert [w.key for w in settings.callback_windows] == ["vormittag", "nachmittag"]
    assert settings.callback_windows[0].start == time(8, 0)
    assert settings.redis_url is None and settings.db_url.startswith("sqlite:///")
    assert settings.state_ttl_seconds == 3 * settings.expires_seconds


def test_environment_overrides() -> None:
    settings = TelephonySettings.load(env={
        "TELEPHONY_MAX_CALLS": "7", "TELEPHONY_TRANSFER_TARGET": "tel:+49711123",
        "TELEPHONY_DB_URL": "postgresql://u@h/db", "TELEPHONY_REDIS_URL": "redis://r:6379/0",
        "TELEPHONY_INSTANCE_ID": "node-1",
    })
    assert settings.max_concurrent_calls == 7 and settings.transfer_target == "tel:+49711123"
    assert settings.db_url == "postgresql://u@h/db" and settings.redis_url == "redis://r:6379/0"
    assert settings.instance_id == "node-1"


def test_session_params_use_the_bot_api_names() -> None:
    params = TelephonySettings.load(env={}).voice.session_params()
    assert params["language"] == "de-DE" and params["bargeIn"] is True
    assert params["sendEventsToBot"] == ["noUserInput"] and params["sendDTMF"] is True
    assert params["botNoInputTimeoutMS"] > 0 and params["userNoInputTimeoutMS"] >= 1000


@pytest.mark.parametrize(("change", "message"), [
    ({"TELEPHONY_MAX_CALLS": "many"}, "max_concurrent_calls"),
    ({"TELEPHONY_MAX_CALLS": "-1"}, "at least 0"),
    ({"TELEPHONY_TRANSFER_TARGET": "http://example.org"}, "tel: or sip:"),
])
def test_invalid_overrides_are_named(change: dict, message: str) -> None:
    with pytest.raises(TelephonyConfigError, match=message):
        TelephonySettings.load(env=change)


def test_invalid_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "telephony.yml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace('start: "08:00", end: "12:00"',
                                                              'start: "12:00", end: "08:00"')
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(TelephonyConfigError, match="vormittag ends before it starts"):
        TelephonySettings.load(bad, env={})
    with pytest.raises(TelephonyConfigError, match="cannot read"):
        TelephonySettings.load(tmp_path / "missing.yml", env={})


@pytest.mark.parametrize(("old", "hint"), [
    ("agents:\n  staffed: 4\n  avg_handle_seconds: 240\n", "avg_handle_minutes in handoff.yml"),
    ("callback:\n  retention_days: 30\n  windows:\n    - {key: v, spoken: v, start: '08:00', end: '12:00'}\n",
     "retention_days in handoff.yml"),
])
def test_keys_that_moved_to_handoff_yml_are_refused_with_a_hint(tmp_path: Path, old: str, hint: str) -> None:
    """One setting for both channels: an old telephony.yml fails loudly instead of being half read."""
    config = tmp_path / "telephony.yml"
    base = "hotline_office: behoerdennummer_115\ntransfer_target: 'sip:a@b.invalid'\n"
    windows = "callback:\n  windows:\n    - {key: v, spoken: v, start: '08:00', end: '12:00'}\n"
    config.write_text(base + old + ("" if old.startswith("callback") else windows), encoding="utf-8")
    with pytest.raises(TelephonyConfigError, match=hint):
        TelephonySettings.load(config, env={})
