"""Login sessions of the console: random token in the cookie, its SHA-256 in ``console_sessions``.

A session ends after ``session_idle_minutes`` without a request, after
``session_max_hours`` in total, at logout, or when its user is disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.console.keys import StaffUser
from bot.console.users import staff_user
from bot.staff.models import ConsoleSession, ConsoleUser

#: Name of the session cookie.
SESSION_COOKIE = "console_session"
#: Over HTTPS the cookie carries the ``__Host-`` prefix: Secure, path /, no Domain.
SECURE_SESSION_COOKIE = "__Host-console_session"


def session_cookie_name(secure: bool) -> str:
    """The session cookie's name: ``__Host-console_session`` when it is ``Secure``."""
    return SECURE_SESSION_COOKIE if secure else SESSION_COOKIE
#: ``last_seen`` is written at most this often per session (every request would be a write).
TOUCH_INTERVAL = timedelta(seconds=15)


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a session token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ActiveSession:
    """A valid session: its user, CSRF token and hash."""

    user: StaffUser
    csrf_token: str
    token_hash: str
    last_seen: datetime


def start_session(session: Session, user_id: int, max_hours: int, now: datetime | None = None) -> tuple[str, str]:
    """Create a session for ``user_id``; returns (cookie token, CSRF token)."""
    moment = as_utc(now)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(ConsoleSession(
        token_hash=token_hash(token), user_id=user_id, csrf_token=csrf, created_at=moment, last_seen=moment,
        expires_at=moment + timedelta(hours=max_hours),
    ))
    return token, csrf


def load_session(
    session: Session, token: str, idle_minutes: int, now: datetime | None = None, touch: bool = True,
) -> ActiveSession | None:
    """The valid session of a cookie token, or None (unknown, expired, idle too long, user disabled).

    An invalid session is deleted; a valid one gets ``last_seen`` refreshed at most
    every :data:`TOUCH_INTERVAL` (live views use :func:`touch_session`).
    """
    if not token or len(token) > 200:
        return None
    moment = as_utc(now)
    hashed = token_hash(token)
    row = session.get(ConsoleSession, hashed)
    if row is None:
        return None
    user = session.get(ConsoleUser, row.user_id)
    idle_deadline = as_utc(row.last_seen) + timedelta(minutes=idle_minutes)
    if user is None or not user.active or as_utc(row.expires_at) <= moment or idle_deadline <= moment:
        session.delete(row)
        return None
    if touch and moment - as_utc(row.last_seen) >= TOUCH_INTERVAL:
        row.last_seen = moment
    return ActiveSession(staff_user(user), row.csrf_token, hashed, as_utc(row.last_seen))


def touch_session(session: Session, hashed: str, now: datetime | None = None) -> bool:
    """Mark the agent present (a live view's heartbeat); False if the session is gone.

    Only ``present_at`` moves: a page left open does not keep the session from its
    idle timeout, which counts from the user's last request (``last_seen``).
    """
    result = session.execute(
        update(ConsoleSession).where(ConsoleSession.token_hash == hashed).values(present_at=as_utc(now))
    )
    return result.rowcount == 1


def session_alive(session: Session, hashed: str, idle_minutes: int, now: datetime | None = None) -> bool:
    """True while the session exists and has not run out (checked by long-running live views)."""
    row = session.get(ConsoleSession, hashed)
    if row is None:
        return False
    moment = as_utc(now)
    return as_utc(row.expires_at) > moment and as_utc(row.last_seen) + timedelta(minutes=idle_minutes) > moment


def end_session(session: Session, hashed: str) -> None:
    """Delete one session (logout)."""
    session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == hashed))


def end_user_sessions(session: Session, user_id: int, keep: str | None = None) -> int:
    """Delete all sessions of a user (disabled, password or roles changed); ``keep``: this one stays."""
    stmt = delete(ConsoleSession).where(ConsoleSession.user_id == user_id)
    if keep is not None:
        stmt = stmt.where(ConsoleSession.token_hash != keep)
    return session.execute(stmt).rowcount
