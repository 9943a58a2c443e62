"""SQLAlchemy tables of the phone channel (own metadata; created and migrated by ``python -m bot db upgrade``).

``phone_calls`` and ``phone_call_activities`` hold live call state when no Redis is
configured; rows are deleted when the call ends or its state expires, so the caller's
number never outlives the call here. ``callback_requests`` is the staff's list of
callbacks: only the number, the wished day and window, and what the call was about.
Web-chat requests (``channel="web"``) carry a phone number or an e-mail address.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class PhoneCall(Base):
    """One live call (VoiceAI Connect conversation)."""

    __tablename__ = "phone_calls"

    conversation_id = Column(String(128), primary_key=True)
    instance = Column(String(128), nullable=False, index=True)
    admitted = Column(Boolean, nullable=False)
    #: Caller ID from the start event and a number the caller typed; deleted with the call.
    caller = Column(String(32), nullable=True)
    entered_number = Column(String(32), nullable=True)
    #: State of the overflow dialogue (calls that were not admitted), JSON.
    overflow = Column(JSON, nullable=True)
    created_at = Column(Float, nullable=False)
    expires_at = Column(Float, nullable=False, index=True)


class PhoneCallActivity(Base):
    """An activity id already handled (de-duplication of gateway retries)."""

    __tablename__ = "phone_call_activities"

    conversation_id = Column(
        ForeignKey("phone_calls.conversation_id", ondelete="CASCADE"), primary_key=True
    )
    activity_id = Column(String(128), primary_key=True)


class AgentBoardRow(Base):
    """The hotline's agent board (one row): presence reported by staff, queue, hours override."""

    __tablename__ = "phone_agent_board"

    id = Column(Integer, primary_key=True)
    staffed = Column(Integer, nullable=False)
    free = Column(Integer, nullable=False)
    waiting = Column(Integer, nullable=False)
    avg_handle_seconds = Column(Integer, nullable=False)
    #: "open" / "closed" overrides the hotline hours from the knowledge base; None follows them.
    hours_override = Column(String(10), nullable=True)
    updated_at = Column(Float, nullable=False)


class CallbackRequest(Base):
    """A callback a caller asked for, for staff (minimal personal data: the number only).

    From the web chat (``channel="web"``) also an e-mail reply: then ``email`` is set
    instead of ``phone`` and ``window_key`` is ``"email"``.
    """

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    #: ``phone`` (calls) or ``web`` (web chat).
    channel = Column(String(10), nullable=False, default="phone", server_default="phone")
    phone = Column(String(32), nullable=True)
    email = Column(String(254), nullable=True)
    preferred_day = Column(Date, nullable=False)
    window_key = Column(String(20), nullable=False)
    due_from = Column(DateTime(timezone=True), nullable=False)
    due_until = Column(DateTime(timezone=True), nullable=False)
    #: What the call was about: intent, service, district (no free text).
    reason = Column(String(60), nullable=True)
    service = Column(String(60), nullable=True)
    district = Column(String(60), nullable=True)
    status = Column(String(10), nullable=False, default="open")
    done_at = Column(DateTime(timezone=True), nullable=True)


class HeldContact(Base):
    """A phone number or e-mail address a citizen typed in the web chat, held for the
    callback dialogue instead of in the conversation history (which gets placeholders).

    Deleted when the dialogue ends (stored or not), with the conversation, and after
    ``HELD_CONTACT_HOURS`` at the latest.
    """

    __tablename__ = "held_contacts"

    conversation_id = Column(String(128), primary_key=True)
    phone = Column(String(32), nullable=True)
    email = Column(String(254), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, index=True)
