"""A Redis lock store whose ticket bookkeeping is atomic across Rasa replicas.

Rasa's ``RedisLockStore`` issues and returns tickets with an unguarded
read-modify-write (GET lock, change it, SET lock). When two replicas receive a
message of the same conversation at the same moment, both can read "no lock",
both take ticket 0, and both process at once; the SQL tracker store then loses
one message's events. We saw that in 5 of 8 tries with two replicas. This store
wraps every read-modify-write in a short Redis mutex (``SET NX PX``), so tickets
are issued strictly one after another.

Use in endpoints: ``lock_store: {type: bot.locks.AtomicRedisLockStore, url, port, db, key_prefix}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import LockError as RedisMutexError

#: The mutex only guards a GET and a SET; it is never held for long.
MUTEX_TIMEOUT_SECONDS = 5.0
MUTEX_WAIT_SECONDS = 5.0


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with atomic ticket issue, update and release."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Create from the ``lock_store`` section of the endpoints file."""
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

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
