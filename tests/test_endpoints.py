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


def test_production_credentials_have_no_rest_channel_and_origins_from_the_environment(monkeypatch) -> None:
    from rasa.core.run import create_http_input_channels

    monkeypatch.setenv("WEBCHAT_ALLOWED_ORIGINS", "https://www.stuttgart.de")
    monkeypatch.setenv("WEBCHAT_REDIS_URL", "redis://127.0.0.1:6379/2")
    channels = create_http_input_channels(None, str(PROJECT_ROOT / "credentials.production.yml"))
    assert [channel.name() for channel in channels] == ["socketio"]
    assert channels[0].cors_allowed_origins == ["https://www.stuttgart.de"]


def test_the_console_purges_the_tracker_store_rasa_writes(monkeypatch) -> None:
    """H4: one setting (ENDPOINTS_FILE) for Rasa and the console; the URL is built as Rasa builds it."""
    from rasa.core.tracker_store import SQLTrackerStore

    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    from bot.console.settings import ConsoleSettings

    env = {**PRODUCTION_ENV, "ENDPOINTS_FILE": "endpoints.production.yml"}
    settings = ConsoleSettings.from_env(env)
    config = read_endpoints_from_path(PROJECT_ROOT / "endpoints.production.yml").tracker_store
    store = config.kwargs
    expected = SQLTrackerStore.get_db_url(dialect="postgresql", host=config.url, port=store["port"],
                                          db=store["db"], username=store["username"], password=store["password"])
    assert settings.tracker_db_url == expected.render_as_string(hide_password=False)
    assert settings.tracker_db_url == "postgresql://rasa:secret@db.example:5432/rasa"


def test_rasa_refuses_the_stock_redis_lock_store(tmp_path, monkeypatch, capsys) -> None:
    from bot.endpoints import lock_store_problem
    from bot.server import rasa_server

    stock = tmp_path / "endpoints.yml"
    stock.write_text("lock_store:\n  type: redis\n  url: 127.0.0.1\n", encoding="utf-8")
    assert "bot.locks.AtomicRedisLockStore" in (lock_store_problem(stock) or "")
    monkeypatch.setenv("RASA_AUTH_TOKEN", "t" * 32)
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "a" * 32)
    assert rasa_server.main(["run", "--endpoints", str(stock)]) == 2
    assert "two replicas" in capsys.readouterr().err
    assert rasa_server.main(["run", f"--endpoints={stock}"]) == 2


def test_the_shipped_lock_stores_are_allowed(tmp_path) -> None:
    from bot.endpoints import lock_store_problem

    for name in ("endpoints.yml", "endpoints.production.yml", "deploy/k8s/config/endpoints.yml"):
        assert lock_store_problem(PROJECT_ROOT / name) is None
    assert lock_store_problem(tmp_path / "missing.yml") is None

