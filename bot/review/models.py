"""Tables of the review (redacted conversation copies, annotations); on ``bot.staff.Base``.

* ``review_conversations``: one summary row per conversation of the tracker store
  (counts only, no text) — the statistics and the review list read it.
* ``review_turns``: the turns of *flagged* conversations (handoff, fallback, low
  confidence, negative feedback), with the citizen's text **redacted**.
* ``review_annotations``: what a reviewer said about one turn.
* ``review_state``: small key/value state of the background jobs (ingest watermark,
  last retention run).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Index, Integer, String, Text

from bot.staff import Base

#: Labels a reviewer can give a turn (German names in the console: see ``LABEL_NAMES``).
LABELS = ("falsche_antwort", "falscher_intent", "fehlender_fakt", "gut")
LABEL_NAMES = {
    "falsche_antwort": "Falsche Antwort",
    "falscher_intent": "Falscher Intent",
    "fehlender_fakt": "Fehlender Fakt",
    "gut": "Gut",
}
#: Who said a turn: the citizen, the bot, or a staff member (bot event with ``metadata.agent``).
ACTORS = ("user", "bot", "agent")


class ReviewConversation(Base):
    """Summary of one conversation (one Rasa sender id)."""

    __tablename__ = "review_conversations"

    conversation_id = Column(String(255), primary_key=True)
    channel = Column(String(64), nullable=True)
    started_at = Column(DateTime(timezone=True), nullable=False, index=True)
    last_event_at = Column(DateTime(timezone=True), nullable=False, index=True)
    user_turns = Column(Integer, nullable=False, default=0)
    fallbacks = Column(Integer, nullable=False, default=0)
    low_confidence = Column(Integer, nullable=False, default=0)
    min_confidence = Column(Float, nullable=True)
    handoff_reason = Column(String(40), nullable=True)
    handoff_outcome = Column(String(40), nullable=True)
    feedback_up = Column(Integer, nullable=False, default=0)
    feedback_down = Column(Integer, nullable=False, default=0)
    #: The most frequent ``service`` slot value.
    service = Column(String(60), nullable=True, index=True)
    #: Handoff, fallback, low confidence or negative feedback: turns are kept for review.
    flagged = Column(Boolean, nullable=False, default=False, index=True)
    updated_at = Column(DateTime(timezone=True), nullable=False)


class ReviewTurn(Base):
    """One message of a flagged conversation; the citizen's text is redacted."""

    __tablename__ = "review_turns"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False)
    #: Position in the conversation (stable across re-ingests: annotations refer to it).
    seq = Column(Integer, nullable=False)
    at = Column(DateTime(timezone=True), nullable=False)
    actor = Column(String(10), nullable=False)
    text = Column(Text, nullable=False, default="")
    #: The agent's display name for ``actor == "agent"``.
    agent = Column(String(80), nullable=True)
    intent = Column(String(255), nullable=True)
    confidence = Column(Float, nullable=True)

    __table_args__ = (Index("ix_review_turns_conversation_seq", "conversation_id", "seq", unique=True),)


class ReviewAnnotation(Base):
    """A reviewer's note on one turn. ``text`` is a redacted copy of the citizen's message."""

    __tablename__ = "review_annotations"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    turn_seq = Column(Integer, nullable=False)
    text = Column(Text, nullable=False, default="")
    label = Column(String(30), nullable=False)
    correct_intent = Column(String(255), nullable=True)
    note = Column(String(500), nullable=False, default="")
    author = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)


class ReviewState(Base):
    """Key/value state of the review jobs (``events_watermark``, ``retention_last_run``, …)."""

    __tablename__ = "review_state"

    key = Column(String(64), primary_key=True)
    value = Column(JSON, nullable=True)


class KnowledgeGap(Base):
    """How often the bot answered "keine geprüften Angaben", per day, subject and topic.

    Counts only: no conversation id, no text. ``kind`` is ``service`` (subject: a
    service key, topic: documents, forms, fees, processing_time, offices, online,
    appointment) or ``office`` (subject: an office key, topic: hours or address).
    The editorial team's work list on the console page "Wissenslücken".
    """

    __tablename__ = "knowledge_gaps"
    __table_args__ = (Index("ix_knowledge_gaps_key", "day", "kind", "subject", "topic", unique=True),)

    id = Column(Integer, primary_key=True)
    day = Column(String(10), nullable=False)
    kind = Column(String(10), nullable=False)
    subject = Column(String(80), nullable=False)
    topic = Column(String(30), nullable=False)
    count = Column(Integer, nullable=False, default=0)
