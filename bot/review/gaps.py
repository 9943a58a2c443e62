"""Knowledge gaps: which answers ended as "unknown", and which facts are old.

:func:`record_gap` is called by the action server for every honest "keine geprüften
Angaben" answer (counts only). :func:`gap_counts` and :func:`stale_facts` feed the
console page "Wissenslücken" and its CSV exports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import utc_now
from bot.kb.hours import now as berlin_now
from bot.kb.models import Contact, Fee, Form, Office, ProcessingTime, RequiredDocument, Requirement, Service
from bot.review.models import KnowledgeGap

KINDS = ("service", "office")
#: A fact verified longer ago than this is listed for re-checking.
STALE_AFTER = timedelta(days=365)
_SOURCED = (Service, Office, Fee, Form, RequiredDocument, ProcessingTime, Requirement, Contact)


@dataclass(frozen=True)
class GapCount:
    """How often one subject × topic was unknown in the period."""

    kind: str
    subject: str
    topic: str
    count: int


@dataclass(frozen=True)
class StaleFact:
    """A fact whose source was verified more than :data:`STALE_AFTER` ago."""

    table: str
    key: str
    source_url: str
    verified_on: date


def record_gap(session: Session, kind: str, subject: str, topic: str, now: datetime | None = None) -> None:
    """Count one unknown answer (in the caller's transaction)."""
    if kind not in KINDS or not subject or not topic:
        raise ValueError(f"not a knowledge gap: {kind!r} {subject!r} {topic!r}")
    day = (now or utc_now()).date().isoformat()
    key = (KnowledgeGap.day == day, KnowledgeGap.kind == kind, KnowledgeGap.subject == subject[:80],
           KnowledgeGap.topic == topic[:30])
    if session.execute(update(KnowledgeGap).where(*key).values(count=KnowledgeGap.count + 1)).rowcount:
        return
    try:
        with session.begin_nested():
            session.add(KnowledgeGap(day=day, kind=kind, subject=subject[:80], topic=topic[:30], count=1))
    except IntegrityError:  # another process inserted the row at the same moment
        session.execute(update(KnowledgeGap).where(*key).values(count=KnowledgeGap.count + 1))


def gap_counts(session: Session, since: date | None = None) -> list[GapCount]:
    """Unknown answers per subject and topic since ``since`` (all days when None), most first."""
    stmt = (select(KnowledgeGap.kind, KnowledgeGap.subject, KnowledgeGap.topic, func.sum(KnowledgeGap.count))
            .group_by(KnowledgeGap.kind, KnowledgeGap.subject, KnowledgeGap.topic))
    if since is not None:
        stmt = stmt.where(KnowledgeGap.day >= since.isoformat())
    rows = [GapCount(kind, subject, topic, int(total)) for kind, subject, topic, total in session.execute(stmt)]
    return sorted(rows, key=lambda row: (-row.count, row.kind, row.subject, row.topic))


def stale_facts(session: Session, today: date | None = None) -> list[StaleFact]:
    """Facts of the knowledge base (``session``) verified more than a year before ``today``, oldest first."""
    cutoff = (today or berlin_now().date()) - STALE_AFTER
    found: list[StaleFact] = []
    for model in _SOURCED:
        for row in session.scalars(select(model).where(model.verified_on < cutoff)):
            key = getattr(row, "key", None) or f"{getattr(row, 'service_key', '')}#{row.id}"
            found.append(StaleFact(model.__tablename__, str(key), row.source_url or "", row.verified_on))
    return sorted(found, key=lambda fact: (fact.verified_on, fact.table, fact.key))


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with a header (``;``-separated, as German spreadsheets expect)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _cell(value: object) -> str:
    """No formula injection: a cell never starts with = + - @."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
