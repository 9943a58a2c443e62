"""Settings of the staff console, read from the environment (``ConsoleSettings.from_env``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.config import PROJECT_ROOT, database_url, default_database_url
from bot.endpoints import EndpointsError, endpoints_file, tracker_db_url
from bot.secrets import RASA_AUTH_TOKEN, read_secret

DEFAULT_TRACKER_DB_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"


class ConsoleSettingsError(ValueError):
    """An environment variable of the console is invalid; the message names it."""


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
ENVIRONMENTS = ("production", "development")


def is_loopback(host: str) -> bool:
    """True for an address only this machine reaches."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def is_production(env: Mapping[str, str], host: str) -> bool:
    """``CONSOLE_ENV``: ``production`` or ``development``; unset means production outside localhost.

    Raises:
        ConsoleSettingsError: for another value (a typo never falls back to development),
            or development mode on an address other machines reach.
    """
    raw = (env.get("CONSOLE_ENV") or "").strip().lower()
    if raw and raw not in ENVIRONMENTS:
        raise ConsoleSettingsError(f"CONSOLE_ENV must be production or development, not {raw!r}")
    if raw == "development" and not is_loopback(host):
        raise ConsoleSettingsError(
            f"development mode listens only on 127.0.0.1, not {host}: set CONSOLE_ENV=production "
            "and serve the console over HTTPS")
    return raw == "production" or (not raw and not is_loopback(host))


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ConsoleSettingsError(f"{name} must be a whole number, not {raw!r}") from error
    if value < minimum:
        raise ConsoleSettingsError(f"{name} must be at least {minimum}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConsoleSettingsError(f"{name} must be true or false, not {raw!r}")


def _tracker_db_url(env: Mapping[str, str]) -> str:
    """Rasa's tracker store, from the endpoints file Rasa reads (``ENDPOINTS_FILE``)."""
    if env.get("TRACKER_DB_URL"):
        raise ConsoleSettingsError(
            "TRACKER_DB_URL is no longer read: the console uses the tracker store of ENDPOINTS_FILE, "
            "the endpoints file Rasa reads")
    try:
        return tracker_db_url(endpoints_file(env), env)
    except EndpointsError as error:
        raise ConsoleSettingsError(str(error)) from error


@dataclass(frozen=True)
class ConsoleSettings:
    """Everything the console process needs.

    Attributes:
        host, port: where the console listens (``CONSOLE_HOST``, ``CONSOLE_PORT``; 127.0.0.1:8090).
        production: ``CONSOLE_ENV=production`` (the default on any address but loopback):
            secure cookies, HSTS, no development user.
        staff_db_url: handoff queue, users, audit, review copies (``STAFF_DB_URL``).
        tracker_db_url: Rasa's SQL tracker store, read for review/statistics and
            deleted from by retention: the ``tracker_store`` of ``ENDPOINTS_FILE``, the
            endpoints file Rasa reads (default ``endpoints.yml``: ``var/tracker.db``).
        telephony_db_url: callback requests of phone and web chat (``TELEPHONY_DB_URL``).
        rasa_url, rasa_token: Rasa's HTTP API for pause/resume and agent messages
            (``RASA_URL``, ``RASA_AUTH_TOKEN``).
        cookie_secure: ``Secure`` flag of the session cookie (``CONSOLE_COOKIE_SECURE``;
            default on in production, off for http://127.0.0.1 in development).
        session_idle_minutes, session_max_hours: a login ends after this long idle / in total.
        max_failed_logins, lockout_minutes: lockout after this many wrong passwords in a row.
        job_interval_seconds: how often the background jobs (review ingest, position
            notices, retention) run.
        knowledge_db_url: the knowledge base, to validate service keys in the admin
            settings (``KNOWLEDGE_DB_URL``; default ``var/knowledge.db``).
    """

    host: str = "127.0.0.1"
    port: int = 8090
    production: bool = False
    staff_db_url: str = field(default_factory=lambda: default_database_url("staff"))
    tracker_db_url: str = DEFAULT_TRACKER_DB_URL
    telephony_db_url: str = field(default_factory=lambda: default_database_url("telephony"))
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = None
    cookie_secure: bool = False
    session_idle_minutes: int = 30
    session_max_hours: int = 10
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    job_interval_seconds: int = 10
    knowledge_db_url: str = field(default_factory=lambda: default_database_url("knowledge"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> ConsoleSettings:
        """Settings from ``env`` (default ``os.environ``); keyword arguments win (CLI flags).

        Raises:
            ConsoleSettingsError: for an invalid value.
        """
        env = os.environ if env is None else env
        host = str(overrides.get("host") or env.get("CONSOLE_HOST") or "127.0.0.1")
        production = is_production(env, host)
        values = {
            "host": host,
            "port": _int(env, "CONSOLE_PORT", 8090),
            "production": production,
            "staff_db_url": database_url("staff", env),
            "tracker_db_url": _tracker_db_url(env),
            "telephony_db_url": database_url("telephony", env),
            "rasa_url": (env.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            "rasa_token": read_secret(RASA_AUTH_TOKEN, env),
            "cookie_secure": _bool(env, "CONSOLE_COOKIE_SECURE", production),
            "session_idle_minutes": _int(env, "CONSOLE_SESSION_IDLE_MINUTES", 30),
            "session_max_hours": _int(env, "CONSOLE_SESSION_MAX_HOURS", 10),
            "max_failed_logins": _int(env, "CONSOLE_MAX_FAILED_LOGINS", 5),
            "lockout_minutes": _int(env, "CONSOLE_LOCKOUT_MINUTES", 15),
            "job_interval_seconds": _int(env, "CONSOLE_JOB_INTERVAL_SECONDS", 10),
            "knowledge_db_url": database_url("knowledge", env),
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        if values["production"] and not values["cookie_secure"]:
            raise ConsoleSettingsError("CONSOLE_COOKIE_SECURE cannot be off in production "
                                       "(serve the console over HTTPS)")
        return cls(**values)  # type: ignore[arg-type]
