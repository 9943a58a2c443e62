"""Prometheus metrics of every process (Rasa, action server, console), prefix ``buergertelefon_``.

Each process serves its own registry on an internal port with :func:`serve_metrics`:
``METRICS_PORT`` (unset or ``0``: off) on ``METRICS_HOST`` (default ``127.0.0.1``; the
reverse proxy never forwards to it). ``make run`` uses 9105 (Rasa), 9106 (actions) and
9107 (console).

What is measured, and what never is: counts, durations and a few fixed labels
(the input channel, an action's name, a database, a topic). No message text, no
personal data, no conversation, sender or call ids — a label value is always one of a
small, fixed set (:func:`bounded`), so nothing a citizen sends can become a label.

A counter of one process counts that process only; Prometheus adds up the replicas.
Sanic's multi-worker mode is not supported (one worker per process, the default).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

from prometheus_client import Counter, Gauge, Histogram, start_http_server

logger = logging.getLogger(__name__)

PREFIX = "buergertelefon_"
#: Input channels (``InputChannel.name()``); anything else is counted as ``other``.
CHANNELS = ("rest", "socketio", "audiocodes")
DATABASES = ("knowledge", "staff", "telephony", "tracker", "lock", "other")
#: Turn latency buckets (seconds): the phone target is p95 < 300 ms.
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0)
#: Distinct values a free-form label (action names, topics, error types) may take per process.
MAX_LABEL_VALUES = 64
_LABEL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_seen: dict[str, set[str]] = {}
_seen_lock = threading.Lock()

TURNS = Counter(f"{PREFIX}turns_total", "Messages an input channel handed to Rasa.", ["channel"])
TURN_SECONDS = Histogram(f"{PREFIX}turn_seconds", "Time from handing a message to Rasa to its answer.",
                         ["channel"], buckets=LATENCY_BUCKETS)
NLU_FALLBACKS = Counter(f"{PREFIX}nlu_fallbacks_total", "Messages classified as nlu_fallback.", ["channel"])
UNKNOWN_FACT_ANSWERS = Counter(f"{PREFIX}unknown_fact_answers_total",
                               "Answers that said a fact is unknown (knowledge gaps).", ["kind", "topic"])
EMERGENCY_ANSWERS = Counter(f"{PREFIX}emergency_answers_total", "Emergency answers (110/112 first).", ["channel"])
HANDOFFS_WAITING = Gauge(f"{PREFIX}handoffs_waiting", "Conversations waiting in the handoff queue.")
HANDOFF_WAIT_SECONDS = Histogram(f"{PREFIX}handoff_wait_seconds", "Time a conversation waited for an agent.",
                                 buckets=(10, 30, 60, 120, 300, 600, 1200, 1800, 3600))
ACTIVE_CALLS = Gauge(f"{PREFIX}active_calls", "Phone calls this instance carries.")
ADMISSION_REJECTIONS = Counter(f"{PREFIX}admission_rejections_total",
                               "Calls answered with 'alle Leitungen belegt' (admission control).")
CALLBACK_REQUESTS = Counter(f"{PREFIX}callback_requests_total", "Callback and e-mail requests stored.",
                            ["channel"])
ACTION_ERRORS = Counter(f"{PREFIX}action_errors_total", "Action calls that failed in the action server.",
                        ["action"])
DATABASE_ERRORS = Counter(f"{PREFIX}database_errors_total", "Failed reads or writes of our databases.",
                          ["database"])
WAITING_TIME_FEED_ERRORS = Counter(f"{PREFIX}waiting_time_feed_errors_total",
                                   "Failed reads of the Bürgerbüros' waiting-time feed.", ["reason"])


def bounded(family: str, value: str | None, allowed: Iterable[str] | None = None) -> str:
    """``value`` as a label value: one of ``allowed``, or an identifier among the first
    :data:`MAX_LABEL_VALUES` of ``family``; else ``other``."""
    if allowed is not None:
        return value if value in tuple(allowed) else "other"
    if not isinstance(value, str) or not _LABEL.match(value):
        return "other"
    with _seen_lock:
        seen = _seen.setdefault(family, set())
        if value in seen:
            return value
        if len(seen) >= MAX_LABEL_VALUES:
            return "other"
        seen.add(value)
    return value


def channel_label(channel: str | None) -> str:
    return bounded("channel", channel, CHANNELS)


def count_unknown_fact(kind: str, topic: str) -> None:
    UNKNOWN_FACT_ANSWERS.labels(bounded("gap_kind", kind), bounded("gap_topic", topic)).inc()


def count_callback_request(channel: str) -> None:
    CALLBACK_REQUESTS.labels(bounded("callback_channel", channel, ("phone", "web"))).inc()


def count_action_error(action: str | None) -> None:
    ACTION_ERRORS.labels(bounded("action", action)).inc()


def count_database_error(database: str) -> None:
    DATABASE_ERRORS.labels(bounded("database", database, DATABASES)).inc()


def count_feed_error(error: BaseException) -> None:
    WAITING_TIME_FEED_ERRORS.labels(bounded("feed_error", type(error).__name__)).inc()


T = TypeVar("T")


def timed_turns(handler: Callable[[Any], Awaitable[T]], channel: str) -> Callable[[Any], Awaitable[T]]:
    """``on_new_message`` of an input channel, counting each turn and its duration by ``channel``."""
    label = channel_label(channel)
    turns, seconds = TURNS.labels(label), TURN_SECONDS.labels(label)

    @functools.wraps(handler)
    async def timed(message: Any) -> T:
        started = time.perf_counter()
        try:
            return await handler(message)
        finally:
            turns.inc()
            seconds.observe(time.perf_counter() - started)

    return timed


def metrics_port(process: str = "", env: Mapping[str, str] | None = None) -> int | None:
    """``METRICS_PORT_<PROCESS>`` or else ``METRICS_PORT`` of ``env`` (default ``os.environ``);
    None when unset or 0. (The per-process name lets one environment serve several processes.)

    Raises:
        ValueError: for anything but a port number.
    """
    env = os.environ if env is None else env
    value = (env.get(f"METRICS_PORT_{process.upper()}") or env.get("METRICS_PORT") or "").strip()
    if value in ("", "0"):
        return None
    port = int(value)
    if not 0 < port < 65536:
        raise ValueError(f"METRICS_PORT {port} is out of range")
    return port


def serve_metrics(process: str, port: int | None = None, host: str | None = None) -> str | None:
    """Serve ``/metrics`` of this process in a daemon thread; returns its URL (None when off).

    ``process`` is ``rasa``, ``actions`` or ``console``; ``port``/``host`` default to
    :func:`metrics_port` and ``METRICS_HOST``. The server runs beside
    the event loop, so a busy loop does not block scraping. Never raises: a port already
    in use is logged and the process runs without metrics.
    """
    try:
        port = port if port is not None else metrics_port(process)
    except ValueError as error:
        logger.error("metrics off: %s", error)
        return None
    if not port:
        return None
    host = host or os.environ.get("METRICS_HOST") or "127.0.0.1"
    try:
        start_http_server(port, addr=host)
    except OSError as error:
        logger.error("metrics of %s off: cannot listen on %s:%s (%s)", process, host, port, error.strerror)
        return None
    url = f"http://{host}:{port}/metrics"
    logger.info("metrics of %s on %s", process, url)
    return url
