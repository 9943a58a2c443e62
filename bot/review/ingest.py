"""Copy new tracker events into the review tables (summaries for all, redacted turns for flagged).

Incremental: the highest event id already read is kept in ``review_state``. A
conversation with new events (or a changed handoff) is rebuilt from all its events,
so a turn that only later became interesting (a fallback at the end) is kept too, and
running the ingest twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import utc_now
from bot.handoff.models import Handoff
from bot.review import tracker_events
from bot.review.digest import ConversationDigest, digest
from bot.review.models import ReviewConversation, ReviewTurn
from bot.review.state import EVENTS_WATERMARK, HANDOFFS_SEEN, get_state, parse_moment, set_state


@dataclass(frozen=True)
class HandoffFacts:
    """The latest handoff of a conversation as the review shows it."""

    reason: str | None
    outcome: str | None


def latest_handoff(session: Session, conversation_id: str) -> HandoffFacts:
    """Reason and outcome (or status while open) of the conversation's latest handoff."""
    row = session.scalars(
        select(Handoff).where(Handoff.conversation_id == conversation_id).order_by(Handoff.id.desc()).limit(1)
    ).first()
    if row is None:
        return HandoffFacts(None, None)
    return HandoffFacts(row.reason, row.outcome if row.status == "closed" else row.status)


def store_digest(session: Session, found: ConversationDigest, now: datetime) -> bool:
    """Write the summary row and (if flagged) the redacted turns; returns whether it is flagged."""
    handoff = latest_handoff(session, found.conversation_id)
    flagged = found.flagged(handoff.reason)
    row = session.get(ReviewConversation, found.conversation_id)
    if row is None:
        row = ReviewConversation(conversation_id=found.conversation_id)
        session.add(row)
    row.channel = found.channel
    row.started_at = found.started_at
    row.last_event_at = found.last_event_at
    row.user_turns = found.user_turns
    row.fallbacks = found.fallbacks
    row.low_confidence = found.low_confidence
    row.min_confidence = found.min_confidence
    row.handoff_reason = handoff.reason
    row.handoff_outcome = handoff.outcome
    row.feedback_up = found.feedback_up
    row.feedback_down = found.feedback_down
    row.service = found.service
    row.flagged = flagged
    row.updated_at = now
    session.execute(delete(ReviewTurn).where(ReviewTurn.conversation_id == found.conversation_id))
    if flagged:
        session.add_all(
            ReviewTurn(
                conversation_id=found.conversation_id, seq=turn.seq, at=turn.at, actor=turn.actor,
                text=turn.text, agent=turn.agent, intent=turn.intent, confidence=turn.confidence,
            )
            for turn in found.turns
        )
    return flagged


def refresh_conversations(
    tracker_engine: Engine, sessions: sessionmaker, conversation_ids: Iterable[str], now: datetime | None = None,
) -> tuple[int, int]:
    """Rebuild the review rows of these conversations; returns (conversations, flagged)."""
    moment = now or utc_now()
    done = flagged = 0
    for conversation_id in dict.fromkeys(conversation_ids):
        found = digest(conversation_id, tracker_events.conversation_events(tracker_engine, conversation_id))
        if found is None:
            continue
        try:
            with sessions() as session, session.begin():
                flagged += store_digest(session, found, moment)
        except IntegrityError:
            # Another console replica wrote the same conversation at the same moment; the next run settles it.
            continue
        done += 1
    return done, flagged


def _changed_handoffs(session: Session) -> tuple[list[str], str | None]:
    seen = parse_moment(get_state(session, HANDOFFS_SEEN))
    stmt = select(Handoff.conversation_id)
    if seen is not None:
        stmt = stmt.where(Handoff.updated_at > seen)
    ids = list(dict.fromkeys(session.scalars(stmt)))
    newest = session.scalar(select(func.max(Handoff.updated_at)))
    return ids, (newest.isoformat() if newest is not None else None)


def ingest(
    tracker_engine: Engine, sessions: sessionmaker, now: datetime | None = None,
    batch_size: int = 5000, max_batches: int = 20,
) -> dict[str, int]:
    """Read new tracker events (and changed handoffs) into the review tables.

    Returns counts: ``events_read`` (new events seen), ``conversations`` (rebuilt),
    ``flagged`` (of those, kept with turns).
    """
    counts = {"events_read": 0, "conversations": 0, "flagged": 0}
    if not tracker_events.has_events_table(tracker_engine):
        return counts
    with sessions() as session:
        handoff_ids, handoffs_newest = _changed_handoffs(session)
    pending: list[str] = handoff_ids
    for _ in range(max_batches):
        with sessions() as session:
            watermark = int(get_state(session, EVENTS_WATERMARK, 0) or 0)
        senders, highest, read = tracker_events.senders_after(tracker_engine, watermark, batch_size)
        conversation_ids = list(dict.fromkeys([*pending, *senders]))
        pending = []
        done, flagged = refresh_conversations(tracker_engine, sessions, conversation_ids, now)
        counts["conversations"] += done
        counts["flagged"] += flagged
        counts["events_read"] += read
        with sessions() as session, session.begin():
            set_state(session, EVENTS_WATERMARK, highest)
            if handoffs_newest is not None:
                set_state(session, HANDOFFS_SEEN, handoffs_newest)
        if not senders:
            break
    return counts
