"""The Bürgerbüros' live waiting times: the city's Echtzeit-Ampel feed.

The feed (``WAITING_TIMES_URL``, default the city's endpoint) is a JSON list with one
object per open Bürgerbüro: ``id``, ``label``, ``status`` (a waiting level, see
:data:`STATUS_MINUTES`), ``url`` and ``features`` (``"Keine Parkausweise"``: this
office issues no Bewohnerparkausweise). A recorded response is in
``shared/data/wartezeiten-status-2025-06-26.json``.

:class:`WaitingTimeFeed` fetches it with a timeout of at most one second and keeps a
good answer for :data:`CACHE_SECONDS`. An unreachable, slow, malformed, empty or stale
feed never raises and never delays an answer by more than the timeout: ``current()``
then returns ``None`` and the bot says it cannot see the waiting time now.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.metrics import count_feed_error

logger = logging.getLogger(__name__)

DEFAULT_URL = "https://wartezeiten.stuttgart.de/bb/status"
#: The city's page with the Ampel, named when the feed cannot be read.
AMPEL_PAGE = "https://www.stuttgart.de/service/buergerbueros.php"
TIMEOUT_SECONDS = 1.0
#: A good answer is reused this long (the feed changes every few minutes).
CACHE_SECONDS = 60.0
#: An answer older than this is not shown as "current".
STALE_SECONDS = 600.0
#: After a failure the feed is not asked again for this long (answers stay fast).
RETRY_SECONDS = 15.0
NO_PARKING_PERMITS = "Keine Parkausweise"

CLOSED_NOW = 0
NO_TICKETS_LEFT = 11
#: Waiting level → minutes (about); 1 means "under 30", 10 "more than 120".
STATUS_MINUTES = {1: 29, 2: 30, 3: 45, 4: 60, 5: 75, 6: 90, 7: 105, 8: 120, 10: 121}
VALID_STATUSES = frozenset({CLOSED_NOW, NO_TICKETS_LEFT, *STATUS_MINUTES})


class FeedError(ValueError):
    """The feed's answer is not the documented shape."""


@dataclass(frozen=True)
class OfficeWait:
    """One Bürgerbüro in the feed."""

    feed_id: int
    label: str
    status: int
    url: str
    issues_parking_permits: bool

    @property
    def office_key(self) -> str:
        """The knowledge base's key, e.g. ``buergerbuero_bad_cannstatt``."""
        folded = self.label.lower()
        for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
            folded = folded.replace(umlaut, plain)
        return "buergerbuero_" + "_".join(folded.replace("-", " ").split())

    @property
    def is_open(self) -> bool:
        """Serving now with tickets left (a waiting level, not closed or sold out)."""
        return self.status in STATUS_MINUTES

    @property
    def minutes(self) -> int | None:
        """About how long one waits now; ``None`` when closed or without tickets."""
        return STATUS_MINUTES.get(self.status)

    def wait_text(self) -> str:
        """German, for written and spoken answers: "etwa 60 Minuten", "unter 30 Minuten"."""
        if self.status == 1:
            return "unter 30 Minuten"
        if self.status == 10:
            return "mehr als 120 Minuten"
        return f"etwa {self.minutes} Minuten"


@dataclass(frozen=True)
class WaitingTimes:
    """One good answer of the feed and when it was fetched (``time.time()``)."""

    offices: tuple[OfficeWait, ...]
    fetched_at: float

    def office(self, key: str) -> OfficeWait | None:
        """The office with this knowledge-base key, if the feed lists it."""
        return next((office for office in self.offices if office.office_key == key), None)

    def shortest_waits(self, parking_permit: bool = False, count: int = 1) -> list[OfficeWait]:
        """The ``count`` open offices with the shortest waits, shortest first.

        ``parking_permit``: only offices that issue Bewohnerparkausweise.
        """
        candidates = [o for o in self.offices if o.is_open and (o.issues_parking_permits or not parking_permit)]
        return sorted(candidates, key=lambda o: (o.minutes or 0, o.label))[:count]

    def shortest(self, parking_permit: bool = False) -> OfficeWait | None:
        """The open office with the shortest wait (``parking_permit``: only those issuing them)."""
        best = self.shortest_waits(parking_permit)
        return best[0] if best else None


def parse_feed(payload: Any, fetched_at: float) -> WaitingTimes:
    """Check and read the feed's JSON.

    Raises:
        FeedError: for anything but a non-empty list of well-formed office objects.
    """
    if not isinstance(payload, list) or not payload:
        raise FeedError("the feed is not a non-empty list")
    offices = []
    for item in payload:
        if not isinstance(item, dict):
            raise FeedError("a feed entry is not an object")
        feed_id, label, status = item.get("id"), item.get("label"), item.get("status")
        url, features = item.get("url") or "", item.get("features") or []
        if (not isinstance(feed_id, int) or not isinstance(label, str) or not label.strip() or len(label) > 60
                or not isinstance(status, int) or isinstance(status, bool) or status not in VALID_STATUSES
                or not isinstance(url, str) or not isinstance(features, list)):
            raise FeedError(f"a feed entry has an unexpected shape: {str(item)[:120]}")
        safe_url = url if url.startswith("https://www.stuttgart.de/") else ""
        offices.append(OfficeWait(feed_id, label.strip(), status, safe_url, NO_PARKING_PERMITS not in features))
    return WaitingTimes(tuple(offices), fetched_at)


class WaitingTimeFeed:
    """The feed with a short cache; one instance per process."""

    def __init__(self, url: str = DEFAULT_URL, timeout: float = TIMEOUT_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.timeout = min(timeout, TIMEOUT_SECONDS)
        self._clock = clock
        self._good: WaitingTimes | None = None
        self._failed_at: float | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_env(cls) -> WaitingTimeFeed:
        """``WAITING_TIMES_URL`` (default the city's endpoint)."""
        return cls(os.environ.get("WAITING_TIMES_URL") or DEFAULT_URL)

    async def current(self) -> WaitingTimes | None:
        """The waiting times, at most :data:`CACHE_SECONDS` old; ``None`` when they cannot be seen."""
        now = self._clock()
        if self._good is not None and now - self._good.fetched_at < CACHE_SECONDS:
            return self._good
        if self._failed_at is None or now - self._failed_at >= RETRY_SECONDS:
            async with self._lock:
                if self._good is None or self._clock() - self._good.fetched_at >= CACHE_SECONDS:
                    await self._refresh()
        good = self._good
        return good if good is not None and self._clock() - good.fetched_at < STALE_SECONDS else None

    async def _refresh(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        try:
            # The city's own clients add a random value against caches.
            cache_buster = str(random.randint(1, 10**9))  # noqa: S311 - no secret
            async with aiohttp.ClientSession(timeout=timeout) as http, http.get(
                    self.url, params={"r": cache_buster}) as response:
                if response.status != 200:
                    raise FeedError(f"status {response.status}")
                payload = await response.json(content_type=None)
            self._good = parse_feed(payload, self._clock())
            self._failed_at = None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            self._failed_at = self._clock()
            logger.warning("waiting-time feed unavailable: %s", type(error).__name__)
            count_feed_error(error)
