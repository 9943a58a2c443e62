"""How many Rasa replicas are up, for a phone front whose cap grows with them.

A phone front admits the calls of all Rasa replicas under one instance id. With a fixed
``max_concurrent_calls`` it would hold the node at that many calls however far the
autoscaler has grown Rasa. With ``TELEPHONY_REPLICA_HOSTS`` set (``rasa`` on Kubernetes,
a headless Service that resolves to the ready pods; ``rasa-1,rasa-2`` in Compose, where a
stopped container's name does not resolve), the cap is ``max_concurrent_calls`` per
replica: per replica times the distinct addresses the names resolve to now.

Names are resolved at most every :data:`REFRESH_SECONDS`; a name that does not resolve
counts no replica (nobody to answer: new calls hear the callback offer). The count is
logged when it changes.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence

logger = logging.getLogger(__name__)

#: How long a count is used before the names are resolved again.
REFRESH_SECONDS = 10.0

Resolver = Callable[[str], set[str]]


def resolve(host: str) -> set[str]:
    """The addresses ``host`` resolves to now (none when it does not resolve)."""
    try:
        return {str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError):
        return set()


class ReplicaCount:
    """The Rasa replicas behind ``hosts``, re-resolved at most every :data:`REFRESH_SECONDS`."""

    def __init__(self, hosts: Sequence[str], resolver: Resolver = resolve,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.hosts = tuple(hosts)
        self._resolver = resolver
        self._clock = clock
        self._lock = threading.Lock()
        self._count: int | None = None
        self._at = 0.0

    def __call__(self) -> int:
        """The number of distinct addresses of the hosts (cached)."""
        with self._lock:
            now = self._clock()
            if self._count is None or now - self._at >= REFRESH_SECONDS:
                count = len(set().union(*(self._resolver(host) for host in self.hosts)))
                if count != self._count:
                    logger.info("Rasa replicas for admission: %s", count)
                self._count, self._at = count, now
            return self._count
