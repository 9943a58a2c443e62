"""Where the milliseconds of a turn go: stage timers switched on with ``TURN_PROFILE=<dir>``.

Off by default (nothing is wrapped). With the variable set, the Rasa and the action
server wrap a few methods of the pinned Rasa 3.6 / rasa-sdk 3.6 and our own helpers with
``perf_counter`` spans and a thread writes, once a second, ``<dir>/<role>-<pid>.json``:
``{stage: [milliseconds, …]}`` (the last :data:`KEEP` samples per stage). The benchmark
``bench/turn_profile.py`` reads the files and prints the table. No message text, no ids.

Stages of the Rasa process: ``turn`` (``Agent.handle_message``, the whole turn inside the
lock), ``lock`` (waiting for the lock store), ``tracker_load``, ``nlu``, ``policy``,
``action_call_format`` (the tracker and domain serialised for the action server),
``action_server`` (the HTTP round trip incl. the action), ``tracker_save``.
Stages of the action server: ``action`` (the executor, incl. the tracker parsed from
JSON), ``knowledge`` (every :class:`~bot.kb.repository.KnowledgeRepository` call),
``staff_settings``, ``staff_notices``, ``staff_queue`` (reads of the staff database).
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import threading
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ENV = "TURN_PROFILE"
#: Samples kept per stage.
KEEP = 20000
WRITE_EVERY_SECONDS = 1.0

_samples: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=KEEP))
_lock = threading.Lock()
_state: dict[str, Any] = {"path": None}


def enabled() -> bool:
    """``TURN_PROFILE`` names a directory."""
    return bool(os.environ.get(ENV))


def record(stage: str, seconds: float) -> None:
    """One sample of ``stage``."""
    with _lock:
        _samples[stage].append(seconds * 1000.0)


def _write(path: Path) -> None:
    with _lock:
        snapshot = {name: list(values) for name, values in _samples.items()}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(snapshot), encoding="utf-8")
    tmp.replace(path)


def _writer(path: Path) -> None:
    """Rewrite the file every :data:`WRITE_EVERY_SECONDS` (a daemon thread, off the turns)."""
    while True:
        time.sleep(WRITE_EVERY_SECONDS)
        _write(path)


def timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (sync or async) with its duration recorded as ``stage``."""
    if inspect.iscoroutinefunction(function):
        @functools.wraps(function)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                record(stage, time.perf_counter() - start)

        return async_wrapper

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            record(stage, time.perf_counter() - start)

    return wrapper


def _wrap(owner: Any, name: str, stage: str) -> None:
    setattr(owner, name, timed(stage, getattr(owner, name)))


def _start(role: str) -> bool:
    directory = os.environ.get(ENV)
    if not directory or _state["path"] is not None:
        return False
    Path(directory).mkdir(parents=True, exist_ok=True)
    _state["path"] = Path(directory) / f"{role}-{os.getpid()}.json"
    threading.Thread(target=_writer, args=(_state["path"],), name="turn-profile", daemon=True).start()
    return True


def install_rasa() -> None:
    """Wrap the stages of a turn in the Rasa process (only with ``TURN_PROFILE``)."""
    if not _start("rasa"):
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.lock_store import LockStore
    from rasa.core.processor import MessageProcessor
    from rasa.utils.endpoints import EndpointConfig

    _wrap(Agent, "handle_message", "turn")
    _wrap(MessageProcessor, "get_tracker", "tracker_load")
    _wrap(MessageProcessor, "_parse_message_with_graph", "nlu")
    _wrap(MessageProcessor, "_predict_next_with_tracker", "policy")
    _wrap(MessageProcessor, "save_tracker", "tracker_save")
    _wrap(RemoteAction, "_action_call_format", "action_call_format")
    _wrap(RemoteAction, "run", "action_server")
    _wrap(RemoteAction, "_validate_action_result", "action_validate")
    _wrap(EndpointConfig, "request", "action_http")
    original_lock = LockStore.lock

    @asynccontextmanager
    async def lock(self: Any, conversation_id: str, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        start = time.perf_counter()
        async with original_lock(self, conversation_id, *args, **kwargs) as ticket:
            record("lock", time.perf_counter() - start)
            yield ticket

    LockStore.lock = lock


#: What the action server's stages wrap: (module, attribute, stage). The actions call these
#: names as bound at their own import, so the calling modules are listed, not only the defining one.
ACTION_TARGETS = (
    ("actions.handoff_queue", "handoff_settings", "staff_settings"),
    ("actions.contact_request", "handoff_settings", "staff_settings"),
    ("actions.service_topic", "current_notices", "staff_notices"),
    ("actions.handoff_queue", "online_agents", "staff_queue"),
)


def install_actions() -> None:
    """Wrap the action executor and our database reads in the action server (only with ``TURN_PROFILE``).

    Call after the actions are imported (``rasa_sdk.endpoint.create_app``).
    """
    if not _start("actions"):
        return
    import importlib

    from rasa_sdk.executor import ActionExecutor

    from bot.handoff.queue import HandoffQueue
    from bot.kb.repository import KnowledgeRepository

    _wrap(ActionExecutor, "run", "action")
    for name, member in list(vars(KnowledgeRepository).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            _wrap(KnowledgeRepository, name, "knowledge")
    _wrap(HandoffQueue, "open_entry", "staff_queue")
    for module_name, attribute, stage in ACTION_TARGETS:
        module = importlib.import_module(module_name)
        if hasattr(module, attribute):
            _wrap(module, attribute, stage)
