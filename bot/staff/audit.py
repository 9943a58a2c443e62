"""The audit log: record what staff (and the retention job) did, list it for admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.staff.models import AuditEntry

#: Actions written to the audit log (checked, so that a typo cannot hide an entry).
ACTIONS = frozenset({
    "login", "login_failed", "locked", "logout",
    "view_conversation", "stream_conversation", "view_callbacks", "reveal_original", "take_over", "hand_back",
    "close_handoff",
    "annotate", "export", "delete_conversation", "retention_purge",
    "callback_done", "callback_deleted", "callbacks_purged", "notice_created", "notice_deleted",
    "user_created", "user_changed", "settings_changed",
})


def record_audit(
    session: Session, actor: str, action: str, target: str = "", detail: str = "",
    now: datetime | None = None,
) -> None:
    """Add an entry to ``session`` (committed with the caller's transaction).

    Raises:
        ValueError: for an action not in :data:`ACTIONS`.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(AuditEntry(
        at=as_utc(now),
        actor=actor[:64], action=action, target=target[:200], detail=detail[:2000],
    ))


def audit_entries(
    session: Session, limit: int = 200, action: str | None = None, actor: str | None = None,
) -> list[AuditEntry]:
    """The newest entries first, optionally of one action or actor."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    return list(session.scalars(stmt))
