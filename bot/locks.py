"""A Redis lock store whose ticket bookkeeping is atomic across Rasa replicas.

Rasa's ``RedisLockStore`` issues and returns tickets with an unguarded
read-modify-write (GET lock, change it, SET lock). When two replicas receive a
message of the same conversation at the same moment, both can read "no lock",
both take ticket 0, and both process at once; the SQL tracker store then loses
one message's events. We saw that in 5 of 8 tries with two replicas. This store
wraps every read-modify-write in a short Redis mutex (``SET NX PX``), so tickets
are issued strictly one after another.

Tickets are **leases**: a ticket lives :data:`LEASE_SECONDS` and the process holding it
renews it every :data:`RENEW_SECONDS` while the turn runs (at most Rasa's lock
lifetime, 60 s). When a replica dies (SIGKILL, power loss) in the middle of a turn, its
ticket expires within a lease, and the conversation's next message — on the other
replica — waits at most that long, not Rasa's 60 s.

Redis calls give up after :data:`SOCKET_TIMEOUT_SECONDS` (connect and read), so a Redis
outage fails a turn fast; the input channels answer it (``channels/outage.py``).

Use in endpoints: ``lock_store: {type: bot.locks.AtomicRedisLockStore, url, port, db, key_prefix}``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Iterator
from contextlib import asynccontextmanager, contextmanager

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import LockError as RedisMutexError

#: The mutex only guards a GET and a SET; it is never held for long.
MUTEX_TIMEOUT_SECONDS = 5.0
MUTEX_WAIT_SECONDS = 5.0
#: A ticket's lease, and how often its holder renews it.
LEASE_SECONDS = 5.0
RENEW_SECONDS = 1.0
#: How often a waiting message looks whether its turn has come (Rasa: 1 s).
POLL_SECONDS = 0.1
SOCKET_TIMEOUT_SECONDS = 2.0

logger = logging.getLogger(__name__)


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with atomic ticket issue, update and release."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Create from the ``lock_store`` section of the endpoints file."""
        kwargs = {"socket_timeout": SOCKET_TIMEOUT_SECONDS, **endpoint_config.kwargs}
        super().__init__(host=endpoint_config.url, **kwargs)
        self.red.connection_pool.connection_kwargs["socket_connect_timeout"] = kwargs["socket_timeout"]

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = POLL_SECONDS) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ticket lock, with a ticket leased for :data:`LEASE_SECONDS` and renewed
        while this process waits for it and holds it (until ``lock_lifetime``)."""
        ticket = self.issue_ticket(conversation_id, min(LEASE_SECONDS, lock_lifetime))
        renewal = asyncio.create_task(self._renew(conversation_id, ticket, time.time() + lock_lifetime))
        try:
            yield await self._acquire_lock(conversation_id, ticket, min(wait_time_in_seconds, POLL_SECONDS))
        finally:
            renewal.cancel()
            self.cleanup(conversation_id, ticket)

    async def _renew(self, conversation_id: str, ticket_number: int, until: float) -> None:
        while time.time() < until:
            await asyncio.sleep(RENEW_SECONDS)
            try:
                self.extend_ticket(conversation_id, ticket_number, min(time.time() + LEASE_SECONDS, until))
            except Exception as error:  # noqa: BLE001 - the turn itself reports an outage
                logger.warning("could not renew a lock ticket: %s", type(error).__name__)

    def extend_ticket(self, conversation_id: str, ticket_number: int, expires: float) -> None:
        """Move the expiry of a live ticket to ``expires`` (an expired ticket stays gone)."""
        with self._mutex(conversation_id):
            lock = self.get_lock(conversation_id)
            ticket = lock._ticket_for_ticket_number(ticket_number) if lock else None
            if lock is not None and ticket is not None:
                ticket.expires = max(ticket.expires, expires)
                self.save_lock(lock)

    @contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        name = f"{self.key_prefix}{conversation_id}:mutex"
        try:
            with self.red.lock(
                name, timeout=MUTEX_TIMEOUT_SECONDS, blocking_timeout=MUTEX_WAIT_SECONDS, sleep=0.005
            ):
                yield
        except RedisMutexError as error:
            raise LockError(f"Could not guard the lock of conversation '{conversation_id}': {error}") from error

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a ticket while holding the mutex."""
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets while holding the mutex."""
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket while holding the mutex."""
        with self._mutex(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return the ticket and delete the lock if nobody waits, in one guarded step."""
        with self._mutex(conversation_id):
            lock = self.get_lock(conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self.save_lock(lock)
            else:
                self.delete_lock(conversation_id)
