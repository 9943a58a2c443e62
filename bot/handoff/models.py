"""The ``handoffs`` table: one row per request of a conversation for a person.

Status ``waiting`` (in the queue) → ``assigned`` (an agent has it; the bot is paused)
→ ``closed`` (with an ``outcome``). Only what the bot understood is stored (reason,
service, district and a summary built from intents and slots), never free text.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String

from bot.staff import Base

STATUSES = ("waiting", "assigned", "closed")
#: Why a conversation asked for a person.
REASONS = ("request_human", "fallback", "application_status", "always_human")
#: How a handoff ended. ``cancelled`` is the citizen's, the rest are the agent's tags.
OUTCOMES = ("solved", "callback", "forwarded", "no_response", "returned_to_bot", "cancelled", "expired")


class Handoff(Base):
    """A conversation waiting for, or handled by, a person."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    #: Input channel of the conversation (``socketio``, ``rest``).
    channel = Column(String(32), nullable=False)
    team = Column(String(40), nullable=False)
    reason = Column(String(40), nullable=False)
    service = Column(String(60), nullable=True)
    district = Column(String(60), nullable=True)
    summary = Column(String(500), nullable=False, default="")
    status = Column(String(10), nullable=False, default="waiting")
    #: Waiting since (UTC).
    created_at = Column(DateTime(timezone=True), nullable=False)
    #: Last change of status, position notice or assignment (UTC); the console's live views watch it.
    updated_at = Column(DateTime(timezone=True), nullable=False)
    assigned_at = Column(DateTime(timezone=True), nullable=True)
    closed_at = Column(DateTime(timezone=True), nullable=True)
    agent_id = Column(ForeignKey("console_users.id", ondelete="SET NULL"), nullable=True)
    outcome = Column(String(40), nullable=True)
    #: The position the citizen was last told (the console's notifier tells changes).
    notified_position = Column(Integer, nullable=True)

    __table_args__ = (Index("ix_handoffs_status_team_created", "status", "team", "created_at"),)
