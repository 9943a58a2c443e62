"""Login throttling: attempts per client address, and a bounded pool for password hashing.

Every login runs argon2 (64 MiB, about 0.1 s). Without a bound, a flood of ``POST /login``
would fill the default thread pool that every request's session lookup also uses, and
the console would stop for all staff. Logins therefore run in their own small pool, at
most :data:`HASH_WORKERS` at a time, and each client address may try at most
:data:`ATTEMPTS_PER_WINDOW` logins per :data:`WINDOW_SECONDS`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from bot.ratelimit import SlidingWindow

T = TypeVar("T")

HASH_WORKERS = 2
ATTEMPTS_PER_WINDOW = 10
WINDOW_SECONDS = 60.0


class LoginGuard:
    """The per-address limit and the hashing pool of one console process."""

    def __init__(self, attempts: int = ATTEMPTS_PER_WINDOW, window: float = WINDOW_SECONDS) -> None:
        self.attempts = SlidingWindow(attempts, window)
        self._pool: ThreadPoolExecutor | None = None

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` in the hashing pool (queued while all its workers are busy)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="login")
        return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    def close(self) -> None:
        """Stop the pool (on shutdown)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
