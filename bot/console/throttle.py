"""Login throttling: attempts per client address, and a bounded pool for password hashing.

Every login runs argon2 (64 MiB, about 0.1 s). Without a bound, a flood of ``POST /login``
would fill the default thread pool that every request's session lookup also uses, and
the console would stop for all staff. Logins therefore run in their own small pool, at
most :data:`HASH_WORKERS` at a time, and each client address may try at most
:data:`ATTEMPTS_PER_WINDOW` logins per :data:`WINDOW_SECONDS`.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional, TypeVar

T = TypeVar("T")

HASH_WORKERS = 2
ATTEMPTS_PER_WINDOW = 10
WINDOW_SECONDS = 60.0
#: Addresses remembered at most (the oldest are forgotten first).
MAX_ADDRESSES = 10_000


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds per key (in this process)."""

    def __init__(self, limit: int, window: float, max_keys: int = MAX_ADDRESSES,
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


class LoginGuard:
    """The per-address limit and the hashing pool of one console process."""

    def __init__(self, attempts: int = ATTEMPTS_PER_WINDOW, window: float = WINDOW_SECONDS) -> None:
        self.attempts = SlidingWindow(attempts, window)
        self._pool: Optional[ThreadPoolExecutor] = None
        self._slots = asyncio.Semaphore(HASH_WORKERS)

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` in the hashing pool (queued while all its workers are busy)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="login")
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    def close(self) -> None:
        """Stop the pool (on shutdown)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
