"""Staff users: create, change, authenticate (with lockout). One session per call, given by the caller."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.console.keys import StaffUser
from bot.console.passwords import hash_password, hasher, needs_rehash, verify_password
from bot.staff.models import ROLES, ConsoleUser

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MAX_DISPLAY_NAME = 80


class UserError(ValueError):
    """Invalid user data; the message is German and can be shown to staff."""


def parse_roles(roles: Iterable[str]) -> str:
    """Validated roles as stored (comma-separated, in the order of :data:`ROLES`).

    Raises:
        UserError: for an unknown role or none at all.
    """
    wanted = {role.strip().lower() for role in roles if role and role.strip()}
    unknown = wanted.difference(ROLES)
    if unknown:
        raise UserError(f"Unbekannte Rolle: {', '.join(sorted(unknown))}. Erlaubt: {', '.join(ROLES)}.")
    if not wanted:
        raise UserError("Mindestens eine Rolle ist nötig.")
    return ",".join(role for role in ROLES if role in wanted)


def role_set(user: ConsoleUser) -> frozenset[str]:
    """The roles of a stored user."""
    return frozenset(role for role in (user.roles or "").split(",") if role in ROLES)


def staff_user(user: ConsoleUser) -> StaffUser:
    """The request-scoped view of a user."""
    return StaffUser(id=user.id, username=user.username, display_name=user.display_name, roles=role_set(user))


def _display_name(display_name: str | None, username: str) -> str:
    name = " ".join((display_name or "").split()) or username
    if len(name) > MAX_DISPLAY_NAME:
        raise UserError(f"Der Anzeigename darf höchstens {MAX_DISPLAY_NAME} Zeichen lang sein.")
    return name


def find_user(session: Session, username: str) -> ConsoleUser | None:
    """The user with this name (case-insensitive input, names are stored lower case)."""
    return session.scalars(select(ConsoleUser).where(ConsoleUser.username == username.strip().lower())).first()


def get_user(session: Session, username: str) -> ConsoleUser:
    """Like :func:`find_user`, raising :class:`UserError` when there is none."""
    user = find_user(session, username)
    if user is None:
        raise UserError(f"Es gibt keinen Benutzer {username!r}.")
    return user


def create_user(
    session: Session, username: str, password: str, roles: Iterable[str], display_name: str | None = None,
    now: datetime | None = None,
) -> ConsoleUser:
    """Add a user (argon2id hash) to ``session``; flushed so that it has an id.

    Raises:
        UserError: for an invalid or taken name, unknown roles, a bad display name.
        WeakPassword: for a password that is too short.
    """
    name = username.strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise UserError("Benutzernamen: 2–64 Zeichen, Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich.")
    if find_user(session, name) is not None:
        raise UserError(f"Den Benutzer {name!r} gibt es schon.")
    user = ConsoleUser(
        username=name, display_name=_display_name(display_name, name), password_hash=hash_password(password, name),
        roles=parse_roles(roles), active=True, failed_logins=0, locked_until=None, created_at=as_utc(now),
    )
    session.add(user)
    session.flush()
    return user


def set_password(user: ConsoleUser, password: str) -> None:
    """A new password; also clears failed logins and a lockout."""
    user.password_hash = hash_password(password, user.username)
    unlock(user)


def set_roles(user: ConsoleUser, roles: Iterable[str]) -> None:
    """Replace the roles."""
    user.roles = parse_roles(roles)


def set_display_name(user: ConsoleUser, display_name: str) -> None:
    """Change the name citizens see."""
    user.display_name = _display_name(display_name, user.username)


def unlock(user: ConsoleUser) -> None:
    """End a lockout and forget failed logins."""
    user.failed_logins = 0
    user.locked_until = None


def count_users(session: Session) -> int:
    """How many users exist."""
    return int(session.scalar(select(func.count()).select_from(ConsoleUser)) or 0)


def list_users(session: Session) -> list[ConsoleUser]:
    """All users by name."""
    return list(session.scalars(select(ConsoleUser).order_by(ConsoleUser.username)))


def is_locked(user: ConsoleUser, now: datetime | None = None) -> bool:
    """True while a lockout lasts."""
    return user.locked_until is not None and as_utc(user.locked_until) > as_utc(now)


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login attempt: the user on success; ``locked_now`` when this attempt locked the account."""

    user: StaffUser | None
    known_user: bool = False
    locked: bool = False
    locked_now: bool = False


def authenticate(
    session: Session, username: str, password: str, max_failed: int, lockout_minutes: int,
    now: datetime | None = None,
) -> LoginResult:
    """Check a password and keep count of failures (in the caller's transaction).

    The password hash is always verified (a dummy hash for unknown users), also for
    locked accounts, so neither the answer nor its timing tells an attacker more than
    "failed". After ``max_failed`` wrong passwords in a row the account is locked for
    ``lockout_minutes``; a correct password during the lockout does not log in.
    """
    moment = as_utc(now)
    user = find_user(session, username) if username.strip() else None
    matches = verify_password(user.password_hash if user is not None else None, password)
    if user is None:
        return LoginResult(None)
    if is_locked(user, moment):
        return LoginResult(None, known_user=True, locked=True)
    if not matches or not user.active:
        if not matches:
            # Counted in the database (failed_logins + 1), not from the value read before the
            # ~100 ms hash check: parallel guesses on PostgreSQL cannot lose increments.
            session.execute(update(ConsoleUser).where(ConsoleUser.id == user.id)
                            .values(failed_logins=func.coalesce(ConsoleUser.failed_logins, 0) + 1))
            session.refresh(user, ["failed_logins"])
            if user.failed_logins >= max_failed:
                user.locked_until = moment + timedelta(minutes=lockout_minutes)
                user.failed_logins = 0
                return LoginResult(None, known_user=True, locked=True, locked_now=True)
        return LoginResult(None, known_user=True)
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    return LoginResult(staff_user(user), known_user=True)
