"""Notices and closures that staff post in the console; the bot uses them at once.

A notice has a scope — one office (``office`` + its key), one service (``service`` +
its key) or the whole city (``city``) — a period (both days inclusive) and a short
German text staff wrote ("24.–31.12. geschlossen"). A closure (``closure=True``) of an
office also makes that office closed on those days in every hours answer, on the web
and the phone, without a restart or a YAML edit. Rows live in the staff database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, String, delete, or_, select
from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.staff import Base

SCOPES = ("office", "service", "city")
MAX_TEXT = 300
MAX_DAYS = 366


class Notice(Base):
    """One notice or closure posted by staff."""

    __tablename__ = "notices"

    id = Column(Integer, primary_key=True)
    scope = Column(String(10), nullable=False)
    subject_key = Column(String(80), nullable=True, index=True)
    closure = Column(Boolean, nullable=False, default=False)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False, index=True)
    text = Column(String(MAX_TEXT), nullable=False)
    created_by = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)


@dataclass(frozen=True)
class ActiveNotice:
    """A notice as answers use it (also a closure for ``bot.kb.hours``: starts_on, ends_on, reason)."""

    id: int
    scope: str
    subject_key: str | None
    closure: bool
    starts_on: date
    ends_on: date
    text: str

    @property
    def reason(self) -> str:
        """The closure's reason, shown in the hours answer."""
        return self.text


class NoticeError(ValueError):
    """The notice cannot be posted; the message (German) says why."""


def add_notice(session: Session, scope: str, subject_key: str | None, starts_on: date, ends_on: date,
               text: str, created_by: str, closure: bool = False, now: datetime | None = None) -> int:
    """Post a notice (in the caller's transaction); returns its id.

    Raises:
        NoticeError: for an unknown scope, a missing subject, a closure that is not an
            office's, a reversed or over-long period, or an empty or over-long text.
    """
    text = " ".join(text.split())
    if scope not in SCOPES:
        raise NoticeError("Bitte wählen Sie, wofür der Hinweis gilt.")
    if scope != "city" and not subject_key:
        raise NoticeError("Bitte wählen Sie die Dienststelle oder die Leistung.")
    if closure and scope != "office":
        raise NoticeError("Eine Schließung gilt für eine Dienststelle.")
    if ends_on < starts_on or (ends_on - starts_on).days >= MAX_DAYS:
        raise NoticeError("Bitte geben Sie einen Zeitraum von höchstens einem Jahr an (Ende nicht vor Beginn).")
    if not text or len(text) > MAX_TEXT:
        raise NoticeError(f"Bitte geben Sie einen Text mit höchstens {MAX_TEXT} Zeichen an.")
    row = Notice(scope=scope, subject_key=subject_key if scope != "city" else None, closure=closure,
                 starts_on=starts_on, ends_on=ends_on, text=text, created_by=created_by[:64],
                 created_at=as_utc(now))
    session.add(row)
    session.flush()
    return int(row.id)


def delete_notice(session: Session, notice_id: int) -> bool:
    """Remove a notice; False if there was none."""
    return session.execute(delete(Notice).where(Notice.id == notice_id)).rowcount == 1


def _active(row: Notice) -> ActiveNotice:
    return ActiveNotice(int(row.id), row.scope, row.subject_key, bool(row.closure), row.starts_on, row.ends_on,
                        row.text)


def current_notices(session: Session, today: date) -> list[ActiveNotice]:
    """Notices that have not ended before ``today`` (the console's list), soonest first."""
    stmt = select(Notice).where(Notice.ends_on >= today).order_by(Notice.starts_on, Notice.id)
    return [_active(row) for row in session.scalars(stmt)]


def notices_for(session: Session, today: date, offices: Iterable[str] = (), services: Iterable[str] = (),
                horizon_days: int = 14) -> list[ActiveNotice]:
    """City notices and those of these offices and services that touch ``today`` … ``today + horizon``."""
    subjects = or_(Notice.scope == "city",
                   (Notice.scope == "office") & Notice.subject_key.in_(list(offices)),
                   (Notice.scope == "service") & Notice.subject_key.in_(list(services)))
    stmt = (select(Notice).where(subjects, Notice.ends_on >= today,
                                 Notice.starts_on <= today + timedelta(days=horizon_days))
            .order_by(Notice.starts_on, Notice.id))
    return [_active(row) for row in session.scalars(stmt)]


def closures_of(notices: Iterable[ActiveNotice], office_key: str) -> list[ActiveNotice]:
    """The closures among ``notices`` that apply to one office."""
    return [n for n in notices if n.closure and n.scope == "office" and n.subject_key == office_key]


def purge_ended(session: Session, before: date) -> int:
    """Delete notices that ended before ``before``."""
    return session.execute(delete(Notice).where(Notice.ends_on < before)).rowcount
