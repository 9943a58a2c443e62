"""Logs of every process: text for people, JSON lines for machines, never what citizens say.

``configure_logging(process)`` is called once at the start of each entry point
(``bot.server.rasa_server``, ``bot.server.action_server``, ``bot.console``, ``bot.web``).
It reads

- ``LOG_LEVEL`` (``DEBUG``, ``INFO`` (default), ``WARNING``, ``ERROR``) and
- ``LOG_FORMAT``: ``text`` (default, ``make run``) or ``json`` (the deployment manifests):
  one JSON object per line on stderr with ``time`` (UTC, ISO 8601), ``level``,
  ``logger``, ``message``, ``process`` and the event's safe extra fields (and ``exc``,
  the traceback, for an exception).

What is never logged:

- **Citizen text.** Our code (``bot/``, ``actions/``, ``channels/``) never logs what a
  citizen typed or said, and at ``INFO`` and above no sender, conversation or call id
  either: only events, counts, durations and types of errors (no message, slot value,
  phone number or e-mail address).
- **Risky extra fields** of any logger (ours, Rasa's structlog events, Sanic's and
  aiohttp's access logs): :class:`PersonalDataFilter` blanks fields whose names are
  known to carry text or personal data (:data:`RISKY_FIELDS`, :data:`RISKY_PARTS`:
  ``text``, ``message``, ``sender_id``, ``tracker``, ``slots``, ``entities``, ``phone``,
  ``email``, ``remote_address`` …) and drops values that are not plain scalars (dicts and
  lists such as parse data or events). Access-log lines keep only method, path (without
  the query string) and status.
- Rasa's own ``DEBUG`` lines ("Received user message …") do contain what citizens type:
  ``LOG_LEVEL=DEBUG`` is for a developer's machine, never for production (a warning says so).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.config
import os
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

FORMATS = ("text", "json")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_FORMAT = "text"
DEFAULT_LEVEL = "INFO"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
#: Longest string value of an extra field (characters).
MAX_FIELD_CHARS = 200
#: Field names that carry text or personal data (exact, lower case).
RISKY_FIELDS = frozenset({
    "message", "msg_text", "text", "user_text", "response_text", "parse_data_text", "token_text",
    "sender", "sender_id", "conversation_id", "call_id", "cid", "session_id", "user_id", "sid",
    "tracker", "tracker_latest_message", "tracker_states", "slots", "slot_values", "slot_candidates",
    "prefilled_slots", "entities", "entity", "parse_data", "parse_data_entities", "metadata",
    "event_info", "rasa_event", "rasa_events", "events", "prediction_events", "states", "old_states",
    "current_states", "body", "payload", "headers", "request_header", "data",
    "name", "first_name", "last_name", "address", "street", "caller", "number", "contact",
    "remote_address", "remote", "client", "ip", "host", "peer",
})
#: Parts of field names that carry text or personal data (substring, lower case).
RISKY_PARTS = ("text", "utter", "sender", "tracker", "slot", "entit", "phone", "email", "mail",
               "caller", "password", "secret", "token", "authorization", "cookie", "iban", "contact")
ACCESS_LOGGERS = ("aiohttp.access", "sanic.access")
#: Attributes every LogRecord has: anything else was passed as ``extra``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
#: Extra fields of one structlog event (see :func:`_structlog_to_stdlib`).
FIELDS_ATTR = "bt_fields"

_state: dict[str, Any] = {"process": "", "format": DEFAULT_FORMAT, "stream": None}


class LoggingSettingsError(ValueError):
    """``LOG_LEVEL`` or ``LOG_FORMAT`` has a value we do not know."""


def settings_from_env(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """``(level, format)`` from ``LOG_LEVEL`` and ``LOG_FORMAT``.

    Raises:
        LoggingSettingsError: for an unknown level or format.
    """
    env = os.environ if env is None else env
    level = (env.get("LOG_LEVEL") or DEFAULT_LEVEL).strip().upper()
    fmt = (env.get("LOG_FORMAT") or DEFAULT_FORMAT).strip().lower()
    if level == "WARN":
        level = "WARNING"
    if level not in LEVELS:
        raise LoggingSettingsError(f"LOG_LEVEL must be one of {', '.join(LEVELS)}, not {level!r}")
    if fmt not in FORMATS:
        raise LoggingSettingsError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return level, fmt


def is_risky(field: str) -> bool:
    """True for a field name that may carry citizen text or personal data."""
    name = field.lower()
    return name in RISKY_FIELDS or any(part in name for part in RISKY_PARTS)


def safe_value(field: str, value: Any) -> Any:
    """``value`` as it may be logged under ``field``: blanked, dropped to its type, or itself."""
    if is_risky(field):
        return REDACTED
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        if field == "first_request_line":  # "GET /path?query HTTP/1.1": no query string
            value = value.split("?", 1)[0]
        return value if len(value) <= MAX_FIELD_CHARS else value[:MAX_FIELD_CHARS] + "…"
    return f"[{type(value).__name__}]"


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's extra fields (``extra=…`` and structlog's key-value pairs)."""
    fields = {key: value for key, value in vars(record).items() if key not in _STANDARD and key != FIELDS_ATTR}
    fields.update(getattr(record, FIELDS_ATTR, None) or {})
    return fields


class PersonalDataFilter(logging.Filter):
    """Blanks risky extra fields of every record (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and key != FIELDS_ATTR:
                setattr(record, key, safe_value(key, value))
        fields = getattr(record, FIELDS_ATTR, None)
        if isinstance(fields, dict):
            setattr(record, FIELDS_ATTR, {key: safe_value(key, value) for key, value in fields.items()})
        if record.name in ACCESS_LOGGERS:
            record.msg, record.args = _access_line(record), ()
        return True


def _access_line(record: logging.LogRecord) -> str:
    line = getattr(record, "first_request_line", None) or getattr(record, "request", None) or "request"
    status = getattr(record, "response_status", None) or getattr(record, "status", None)
    line = str(line).split("?", 1)[0]
    return f"{line} {status}" if status is not None else line


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if _state["process"]:
            entry["process"] = _state["process"]
        for key, value in extra_fields(record).items():
            entry.setdefault(key, safe_value(key, value))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def make_handler(stream: TextIO | None = None, fmt: str | None = None) -> logging.Handler:
    """A handler with the configured format and :class:`PersonalDataFilter` (also used by Sanic)."""
    handler = logging.StreamHandler(stream or _state["stream"] or sys.stderr)
    handler.setFormatter(JsonFormatter() if (fmt or _state["format"]) == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(PersonalDataFilter())
    return handler


def configure_logging(process: str, env: Mapping[str, str] | None = None,
                      stream: TextIO | None = None) -> None:
    """Log to ``stream`` (stderr) in the level and format of the environment.

    ``process`` (``rasa``, ``actions``, ``console``, ``web``) is written into JSON lines; for
    ``rasa`` Rasa's own logging set-up (coloredlogs, structlog, Sanic's loggers) is routed here too.

    Raises:
        SystemExit: for an unknown ``LOG_LEVEL`` or ``LOG_FORMAT`` (the message names it).
    """
    try:
        level, fmt = settings_from_env(env)
    except LoggingSettingsError as error:
        raise SystemExit(f"error: {error}") from None
    _state.update(process=process, format=fmt, stream=stream)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(make_handler(stream, fmt))
    root.setLevel(level)
    logging.captureWarnings(fmt == "json")  # Python warnings as JSON lines too
    _route_sanic()
    if process == "rasa":
        _route_rasa()
    if level == "DEBUG":
        logging.getLogger(__name__).warning(
            "LOG_LEVEL=DEBUG: Rasa's debug lines contain what citizens type; never use it in production")


def _route_sanic() -> None:
    """Sanic's own logging configuration (applied when an app is created) writes through our handler."""
    try:
        from sanic.log import LOGGING_CONFIG_DEFAULTS
    except ImportError:  # pragma: no cover - every process has Sanic (Rasa, rasa-sdk)
        return
    handler = {"()": f"{__name__}.make_handler"}
    LOGGING_CONFIG_DEFAULTS["handlers"] = {"console": handler, "error_console": handler, "access_console": handler}
    LOGGING_CONFIG_DEFAULTS.pop("formatters", None)
    LOGGING_CONFIG_DEFAULTS["loggers"] = {
        name: {**config, "propagate": False} for name, config in LOGGING_CONFIG_DEFAULTS.get("loggers", {}).items()
    }


def _route_rasa() -> None:
    """``rasa run`` installs coloredlogs on the root logger and its own structlog renderer: not here."""
    import rasa.__main__ as rasa_main
    import rasa.utils.io as rasa_io

    rasa_io.configure_colored_logging = lambda *args, **kwargs: None
    rasa_main.configure_structlog = _configure_structlog


def _configure_structlog(log_level: int | None = None) -> None:
    """Rasa's structlog events become stdlib records: the event name as the message, the
    key-value pairs as fields (filtered like any extra field)."""
    import structlog

    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, structlog.contextvars.merge_contextvars,
                    _structlog_to_stdlib],
        context_class=dict,
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def _structlog_to_stdlib(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> dict[str, Any]:
    event = str(event_dict.pop("event", ""))
    kwargs: dict[str, Any] = {key: event_dict.pop(key) for key in ("exc_info", "stack_info") if key in event_dict}
    return {"msg": event, "extra": {FIELDS_ATTR: {key: safe_value(key, value) for key, value in event_dict.items()}},
            **kwargs}
