"""Rate limits in one process: at most N events per window per key (address, conversation).

Used by the console's login and the citizen channels. Limits are per process: with
several replicas each counts on its own, so the proxy's limits (per address) stay the
first line; these protect each process and each conversation.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

#: Keys remembered at most (the oldest are forgotten first).
MAX_KEYS = 10_000


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds per key (in this process)."""

    def __init__(self, limit: int, window: float, max_keys: int = MAX_KEYS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._limit, self._window, self._max_keys, self._clock = limit, window, max_keys, clock
        self._events: OrderedDict[str, list[float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Count one event for ``key``; False when it is over the limit (not counted then)."""
        now = self._clock()
        recent = [moment for moment in self._events.pop(key, []) if now - moment < self._window]
        allowed = len(recent) < self._limit
        if allowed:
            recent.append(now)
        self._events[key] = recent
        while len(self._events) > self._max_keys:
            self._events.popitem(last=False)
        return allowed



def limit_from_env(name: str, default: str, env: Mapping[str, str] | None = None) -> SlidingWindow | None:
    """A window from ``NAME=count/seconds`` (e.g. ``20/60``); ``0`` switches the limit off.

    Raises:
        ValueError: for another form.
    """
    env = os.environ if env is None else env
    raw = (env.get(name) or default).strip()
    if raw == "0":
        return None
    try:
        count, seconds = (float(part) for part in raw.split("/"))
    except ValueError as error:
        raise ValueError(f"{name} must look like 20/60 (messages per seconds) or 0, not {raw!r}") from error
    if count < 1 or seconds <= 0:
        raise ValueError(f"{name} must allow at least one event per window")
    return SlidingWindow(int(count), seconds)
