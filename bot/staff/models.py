"""Staff tables on :data:`bot.staff.Base`: console users, login sessions, settings and the audit log."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text

from bot.staff import Base

#: agent: queue, takeover, callbacks · reviewer: transcripts, annotations, statistics ·
#: admin: users, settings, audit log.
ROLES = ("agent", "reviewer", "admin")


class ConsoleUser(Base):
    """A staff member. ``roles`` is a comma-separated subset of :data:`ROLES`."""

    __tablename__ = "console_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    #: Shown to citizens with the agent's messages (e.g. "Frau Maier" or "Team Bürgertelefon").
    display_name = Column(String(80), nullable=False)
    #: argon2id hash (argon2-cffi); never the password.
    password_hash = Column(String(255), nullable=False)
    roles = Column(String(64), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime(timezone=True), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)


class ConsoleSession(Base):
    """A login session; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "console_sessions"

    token_hash = Column(String(64), primary_key=True)
    user_id = Column(ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)
    #: The user's last request (the idle timeout counts from here).
    last_seen = Column(DateTime(timezone=True), nullable=False)
    #: The last heartbeat of an open live page (presence for wait estimates; never extends the idle timeout).
    present_at = Column(DateTime(timezone=True), nullable=True)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)


class ConsoleSetting(Base):
    """A setting staff changed in the console (overrides ``handoff.yml``)."""

    __tablename__ = "console_settings"

    key = Column(String(64), primary_key=True)
    value = Column(JSON, nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False)
    updated_by = Column(String(64), nullable=False)


class AuditEntry(Base):
    """Who did what to which object, and when. Never holds a citizen's text."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, index=True)
    #: Username (kept when the user is deleted) or ``system`` / ``cli:<user>``.
    actor = Column(String(64), nullable=False, index=True)
    action = Column(String(40), nullable=False, index=True)
    #: e.g. ``conversation:<id>``, ``handoff:<id>``, ``user:<name>``, ``export:annotations``.
    target = Column(String(200), nullable=False, default="")
    detail = Column(Text, nullable=False, default="")
