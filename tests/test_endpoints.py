"""The endpoint files read as intended (environment variables are expanded)."""

from __future__ import annotations

from rasa.core.utils import read_endpoints_from_path

from bot.config import PROJECT_ROOT

PRODUCTION_ENV = {
    "ACTION_ENDPOINT_URL": "http://actions:5055/webhook",
    "TRACKER_DB_HOST": "db.example",
    "TRACKER_DB_PORT": "5432",
    "TRACKER_DB_NAME": "rasa",
    "TRACKER_DB_USER": "rasa",
    "TRACKER_DB_PASSWORD": "secret",
    "REDIS_HOST": "redis.example",
    "REDIS_PORT": "6379",
    "REDIS_DB": "0",
}


def test_production_endpoints_expand_the_environment(monkeypatch) -> None:
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(PROJECT_ROOT / "endpoints.production.yml")
    assert endpoints.action.url == "http://actions:5055/webhook"
    assert endpoints.tracker_store.url == "db.example"
    assert str(endpoints.tracker_store.kwargs["password"]) == "secret"
    assert endpoints.lock_store.type == "bot.locks.AtomicRedisLockStore"
    assert endpoints.lock_store.url == "redis.example"


def test_default_endpoints_use_sqlite_and_local_actions() -> None:
    endpoints = read_endpoints_from_path(PROJECT_ROOT / "endpoints.yml")
    assert endpoints.tracker_store.kwargs["dialect"] == "sqlite"
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"
