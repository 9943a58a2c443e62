"""bot/logs.py: JSON lines, no citizen text in them, level and format from the environment."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot import logs
from bot.config import PROJECT_ROOT

CITIZEN_TEXT = "Ich heiße Anna Muster, Tel. 0711 123456, anna@example.de"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes the root logger and Sanic's defaults: put them back."""
    from sanic.log import LOGGING_CONFIG_DEFAULTS

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    sanic_defaults = dict(LOGGING_CONFIG_DEFAULTS)
    sanic_loggers = {name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate)
                     for name in ("sanic.root", "sanic.error", "sanic.access")}
    yield
    for name, (old_handlers, propagate) in sanic_loggers.items():
        logging.getLogger(name).handlers[:] = old_handlers
        logging.getLogger(name).propagate = propagate
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)
    LOGGING_CONFIG_DEFAULTS.clear()
    LOGGING_CONFIG_DEFAULTS.update(sanic_defaults)
    logs._state.update(process="", format=logs.DEFAULT_FORMAT, stream=None)


def configured(env: dict, process: str = "actions") -> io.StringIO:
    stream = io.StringIO()
    logs.configure_logging(process, env=env, stream=stream)
    return stream


def lines(stream: io.StringIO) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if line.strip()]


def test_a_json_line_parses_and_carries_level_logger_message(restore_logging) -> None:
    stream = configured({"LOG_FORMAT": "json"})
    logging.getLogger("bot.test").warning("knowledge base %s unavailable", "staff", extra={"channel": "rest"})
    [line] = lines(stream)
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "bot.test"
    assert entry["message"] == "knowledge base staff unavailable"
    assert entry["process"] == "actions" and entry["channel"] == "rest"
    assert entry["time"].endswith("+00:00")


def test_citizen_text_in_extra_fields_does_not_leak(restore_logging) -> None:
    stream = configured({"LOG_FORMAT": "json"})
    logging.getLogger("channels.test").info("turn", extra={
        "text": CITIZEN_TEXT, "user_text": CITIZEN_TEXT, "sender_id": "web-4711", "phone_number": "0711 123456",
        "slots": {"contact": CITIZEN_TEXT}, "entities": [CITIZEN_TEXT], "channel": "socketio", "latency_ms": 12,
    })
    output = stream.getvalue()
    assert "Anna" not in output and "0711" not in output and "web-4711" not in output
    entry = json.loads(lines(stream)[0])
    assert entry["text"] == logs.REDACTED and entry["sender_id"] == logs.REDACTED
    assert entry["channel"] == "socketio" and entry["latency_ms"] == 12


def test_text_format_does_not_show_extra_fields_either(restore_logging) -> None:
    stream = configured({})
    logging.getLogger("bot.test").info("turn answered", extra={"text": CITIZEN_TEXT})
    [line] = lines(stream)
    assert "INFO bot.test: turn answered" in line and "Anna" not in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_unknown_structures_are_dropped_to_their_type() -> None:
    assert logs.safe_value("result", {"a": CITIZEN_TEXT}) == "[dict]"
    assert logs.safe_value("first_request_line", "GET /a?token=x HTTP/1.1") == "GET /a"
    assert len(logs.safe_value("detail", "x" * 1000)) == logs.MAX_FIELD_CHARS + 1


def test_access_lines_keep_method_path_and_status_only(restore_logging) -> None:
    stream = configured({"LOG_FORMAT": "json"})
    logging.getLogger("aiohttp.access").info(
        '10.1.2.3 "GET /queue?q=Anna HTTP/1.1" 200', extra={
            "remote_address": "10.1.2.3", "first_request_line": "GET /queue?q=Anna HTTP/1.1",
            "response_status": 200, "request_header": {"User-Agent": "x"}})
    entry = json.loads(lines(stream)[0])
    assert entry["message"] == "GET /queue 200"
    assert "10.1.2.3" not in stream.getvalue() and "Anna" not in stream.getvalue()


def test_env_switches_level(restore_logging) -> None:
    stream = configured({"LOG_LEVEL": "warning", "LOG_FORMAT": "json"})
    logging.getLogger("bot.test").info("not shown")
    logging.getLogger("bot.test").error("shown")
    assert [json.loads(line)["message"] for line in lines(stream)] == ["shown"]
    assert logging.getLogger().level == logging.WARNING


def test_debug_level_warns_that_it_is_not_for_production(restore_logging) -> None:
    stream = configured({"LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json"})
    assert "never use it in production" in stream.getvalue()


@pytest.mark.parametrize("env", [{"LOG_LEVEL": "LOUD"}, {"LOG_FORMAT": "xml"}])
def test_unknown_settings_are_refused(env: dict) -> None:
    with pytest.raises(logs.LoggingSettingsError):
        logs.settings_from_env(env)
    with pytest.raises(SystemExit, match="LOG_"):
        logs.configure_logging("web", env=env, stream=io.StringIO())


def test_defaults_are_text_and_info() -> None:
    assert logs.settings_from_env({}) == ("INFO", "text")


def test_sanic_apps_log_through_the_json_handler(restore_logging) -> None:
    stream = configured({"LOG_FORMAT": "json"}, process="rasa-test")
    from sanic import Sanic

    Sanic("bt_logs_test")  # applies Sanic's logging defaults, as Rasa's server does
    logging.getLogger("sanic.root").warning("Starting worker")
    logging.getLogger("sanic.access").warning("", extra={"host": "10.9.8.7", "request": "GET /x?y=1", "status": 200,
                                                          "byte": 3})
    entries = [json.loads(line) for line in lines(stream)]
    assert entries[0]["logger"] == "sanic.root" and entries[0]["message"] == "Starting worker"
    assert entries[1]["message"] == "GET /x 200" and entries[1]["host"] == logs.REDACTED
    assert len(entries) == 2  # not a second time through the root logger


def test_rasa_structlog_events_become_filtered_json_lines() -> None:
    """In a fresh process, as `python -m bot.server.rasa_server` sets it up."""
    script = (
        "import logging; from bot.logs import configure_logging; configure_logging('rasa'); "
        "import rasa.utils.io, rasa.__main__ as m, structlog; "
        "rasa.utils.io.configure_colored_logging('INFO'); m.configure_structlog(logging.INFO); "
        f"structlog.get_logger().info('processor.message.parse', text={CITIZEN_TEXT!r}, "
        f"parse_data_entities=[{CITIZEN_TEXT!r}], intent='ask_fees', message={CITIZEN_TEXT!r})"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, check=False, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(PROJECT_ROOT), "LOG_FORMAT": "json", "PATH": "/usr/bin:/bin",
             "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Anna" not in result.stdout + result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    [event] = [entry for entry in entries if entry["message"] == "processor.message.parse"]
    assert event["intent"] == "ask_fees" and event["text"] == logs.REDACTED and event["process"] == "rasa"
