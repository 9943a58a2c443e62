"""Retention and deletion on request: nothing about a citizen outlives ``retention_days``.

:func:`purge` deletes, with cutoff = now − ``retention_days`` (effective settings,
default 30): every tracker event older than the cutoff (by the event's own age, so an
active sender id loses its old events too), closed handoffs created before it (open ones stay), callback requests of
phone and web chat, review rows and annotations of the deleted conversations, and expired
console sessions, and audit entries older than ``audit_retention_days`` (365).
:func:`delete_conversation` deletes everything of one conversation.
Both write one audit entry.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.handoff.notices import purge_ended
from bot.handoff.settings import HandoffConfigError, HandoffSettings, effective_settings
from bot.review import tracker_events
from bot.review.models import ReviewAnnotation, ReviewConversation, ReviewTurn
from bot.review.stores import Stores, StoreUrls, open_stores
from bot.staff.audit import record_audit
from bot.staff.models import AuditEntry, ConsoleSession
from bot.telephony.store.sql import purge_expired_calls

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = HandoffSettings.retention_days  # the dataclass default
_CHUNK = 500


DEFAULT_AUDIT_DAYS = HandoffSettings.audit_retention_days


class RetentionError(RuntimeError):
    """Retention could not reach a store; nothing was deleted there (the message says where)."""


def retention_days(session: Session) -> int:
    """The effective retention period (``handoff.yml`` and console overrides; 30 if unreadable)."""
    try:
        return effective_settings(session).retention_days
    except HandoffConfigError as error:
        logger.error("handoff settings unreadable, using %d days retention: %s", DEFAULT_RETENTION_DAYS, error)
        return DEFAULT_RETENTION_DAYS


def audit_retention_days(session: Session) -> int:
    """How long the audit log is kept (``audit_retention_days``; 365 if unreadable)."""
    try:
        return effective_settings(session).audit_retention_days
    except HandoffConfigError:
        return DEFAULT_AUDIT_DAYS


def _delete_review_rows(session: Session, conversation_ids: Iterable[str]) -> dict[str, int]:
    ids = list(dict.fromkeys(conversation_ids))
    counts = {"review_conversations": 0, "review_turns": 0, "annotations": 0}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        counts["review_turns"] += session.execute(
            delete(ReviewTurn).where(ReviewTurn.conversation_id.in_(chunk))).rowcount
        counts["annotations"] += session.execute(
            delete(ReviewAnnotation).where(ReviewAnnotation.conversation_id.in_(chunk))).rowcount
        counts["review_conversations"] += session.execute(
            delete(ReviewConversation).where(ReviewConversation.conversation_id.in_(chunk))).rowcount
    return counts


def purge_stores(
    stores: Stores, now: datetime | None = None, days: int | None = None, actor: str = "system",
) -> dict[str, int]:
    """:func:`purge` on already opened stores (the background job reuses its connections)."""
    moment = as_utc(now)
    if days is None:
        with stores.sessions() as session:
            days = retention_days(session)
    if days < 1:
        raise ValueError("retention days must be at least 1")
    cutoff = moment - timedelta(days=days)
    if not tracker_events.has_events_table(stores.tracker_engine):
        raise RetentionError(
            f"retention cannot reach Rasa's tracker store ({stores.tracker_engine.url!r} has no events "
            "table): nothing was deleted. Check ENDPOINTS_FILE, the endpoints file Rasa reads.")
    counts: dict[str, int] = {"days": days}
    counts["events"], stale = tracker_events.delete_events_before(stores.tracker_engine, cutoff.timestamp())
    counts["conversations"] = len(stale)
    counts["handoffs"] = stores.queue.purge(days, now=moment)
    counts["callbacks"] = stores.callbacks.purge(days, now=moment)
    counts["calls"] = purge_expired_calls(stores.telephony_engine, moment.timestamp())
    with stores.sessions() as session, session.begin():
        old = session.scalars(
            select(ReviewConversation.conversation_id).where(ReviewConversation.last_event_at < cutoff)
        ).all()
        counts.update(_delete_review_rows(session, [*stale, *old]))
        counts["review_turns"] += session.execute(delete(ReviewTurn).where(ReviewTurn.at < cutoff)).rowcount
        counts["notices"] = purge_ended(session, cutoff.date())
        counts["console_sessions"] = session.execute(
            delete(ConsoleSession).where(ConsoleSession.expires_at < moment)).rowcount
        audit_cutoff = moment - timedelta(days=max(days, audit_retention_days(session)))
        counts["audit_entries"] = session.execute(delete(AuditEntry).where(AuditEntry.at < audit_cutoff)).rowcount
        record_audit(session, actor, "retention_purge", f"retention:{days}d",
                     json.dumps(counts, sort_keys=True), now=moment)
    logger.info("retention purge: %s", counts)
    return counts


def purge(
    settings: StoreUrls, now: datetime | None = None, *, days: int | None = None, actor: str = "system",
) -> dict[str, int]:
    """Delete everything older than the retention period; returns counts per kind (audited).

    Raises:
        ValueError: for ``days`` below 1.
    """
    with open_stores(settings) as stores:
        return purge_stores(stores, now=now, days=days, actor=actor)


def delete_conversation(settings: StoreUrls, conversation_id: str, actor: str) -> dict[str, int]:
    """Delete all data of one conversation (a citizen's request): events, handoffs, callbacks, review, annotations.

    Raises:
        ValueError: for an empty conversation id.
    """
    conversation_id = (conversation_id or "").strip()
    if not conversation_id:
        raise ValueError("conversation id is empty")
    with open_stores(settings) as stores:
        if not tracker_events.has_events_table(stores.tracker_engine):
            raise RetentionError(
                f"cannot reach Rasa's tracker store ({stores.tracker_engine.url!r} has no events table): "
                "nothing was deleted")
        counts: dict[str, int] = {"events": tracker_events.delete_senders(stores.tracker_engine, [conversation_id])}
        counts["handoffs"] = stores.queue.delete_conversation(conversation_id)
        counts["callbacks"] = stores.callbacks.delete_conversation(conversation_id)
        with stores.sessions() as session, session.begin():
            counts.update(_delete_review_rows(session, [conversation_id]))
            record_audit(session, actor, "delete_conversation", f"conversation:{conversation_id}",
                         json.dumps(counts, sort_keys=True))
    return counts
