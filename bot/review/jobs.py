"""Background jobs of the review: ingest of new tracker events on every run, retention hourly.

The console's background task calls :func:`run_once` every ``job_interval_seconds``
(synchronously, in an executor). The time of the last retention run is kept in the
staff database, so several console replicas or restarts do not purge more often.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.config import as_utc
from bot.review.ingest import ingest
from bot.review.retention import RetentionError, purge_stores
from bot.review.state import RETENTION_LAST_RUN, get_state, parse_moment, set_state
from bot.review.stores import StoreUrls, open_stores

logger = logging.getLogger(__name__)

#: Retention runs at most this often.
RETENTION_INTERVAL = timedelta(hours=1)


def run_once(settings: StoreUrls, now: datetime | None = None) -> dict[str, int]:
    """Run the due jobs once (synchronous; the console calls it in an executor). Returns counts.

    Keys: ``events_read``, ``conversations``, ``flagged`` (ingest) and, when retention
    ran, ``purged_<kind>`` for each kind of deleted data.
    """
    moment = as_utc(now)
    with open_stores(settings) as stores:
        counts = ingest(stores.tracker_engine, stores.sessions, now=moment)
        with stores.sessions() as session, session.begin():
            last = parse_moment(get_state(session, RETENTION_LAST_RUN))
            due = last is None or moment - last >= RETENTION_INTERVAL or last > moment + RETENTION_INTERVAL
        if due:
            try:
                purged = purge_stores(stores, now=moment)
            except RetentionError as error:
                # Not marked as done: it is tried (and reported) again on the next round.
                logger.error("RETENTION FAILED, nothing was deleted: %s", error)
                counts["retention_failed"] = 1
                return counts
            with stores.sessions() as session, session.begin():
                set_state(session, RETENTION_LAST_RUN, moment.isoformat())
            counts.update({f"purged_{kind}": value for kind, value in purged.items() if kind != "days"})
    return counts
