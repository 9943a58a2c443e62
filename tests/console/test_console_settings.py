"""Console settings from the environment (``bot/console/settings.py``)."""

from __future__ import annotations

import pytest

from bot.console.settings import ConsoleSettings, ConsoleSettingsError


def test_development_defaults() -> None:
    settings = ConsoleSettings.from_env({})
    assert (settings.host, settings.port, settings.production, settings.cookie_secure) == ("127.0.0.1", 8090, False,
                                                                                           False)
    assert settings.staff_db_url.startswith("sqlite:///") and settings.tracker_db_url.endswith("var/tracker.db")


def test_production_forces_secure_cookies() -> None:
    settings = ConsoleSettings.from_env({"CONSOLE_ENV": "production", "RASA_URL": "https://rasa.intern/"})
    assert settings.production and settings.cookie_secure
    assert settings.rasa_url == "https://rasa.intern"
    with pytest.raises(ConsoleSettingsError):
        ConsoleSettings.from_env({"CONSOLE_ENV": "production", "CONSOLE_COOKIE_SECURE": "false"})


@pytest.mark.parametrize(
    "env",
    [{"CONSOLE_PORT": "http"}, {"CONSOLE_MAX_FAILED_LOGINS": "0"}, {"CONSOLE_COOKIE_SECURE": "vielleicht"}],
)
def test_invalid_values_name_the_variable(env: dict[str, str]) -> None:
    with pytest.raises(ConsoleSettingsError, match=next(iter(env))):
        ConsoleSettings.from_env(env)


def test_flags_override_the_environment() -> None:
    assert ConsoleSettings.from_env({"CONSOLE_PORT": "9000"}, port=9100, host=None).port == 9100


def test_production_is_the_default_outside_localhost_and_typos_fail() -> None:
    assert ConsoleSettings.from_env({"CONSOLE_HOST": "0.0.0.0"}).production
    assert ConsoleSettings.from_env({}, host="10.1.2.3").cookie_secure
    assert not ConsoleSettings.from_env({"CONSOLE_HOST": "127.0.0.1"}).production
    for env in ({"CONSOLE_ENV": "prod"}, {"CONSOLE_ENV": "development", "CONSOLE_HOST": "0.0.0.0"}):
        with pytest.raises(ConsoleSettingsError):
            ConsoleSettings.from_env(env)
