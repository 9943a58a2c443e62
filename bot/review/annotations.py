"""Reviewers' annotations of single turns: label, correct intent, short note (redacted)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import PROJECT_ROOT, utc_now
from bot.review.models import LABELS, ReviewAnnotation, ReviewTurn
from bot.review.redaction import redact
from bot.staff.audit import record_audit

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
MAX_NOTE = 500
#: Intents a citizen's message can never correctly have (gateway events of the phone).
_NOT_TRAINABLE_PREFIX = "phone_"


class AnnotationError(ValueError):
    """An annotation was refused; the message is German and can be shown to the reviewer."""


@lru_cache(maxsize=4)
def domain_intents(path: Path = DOMAIN_FILE) -> tuple[str, ...]:
    """The intents of ``domain.yml`` that NLU predicts (phone gateway events left out)."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return ()
    items = raw.get("intents") if isinstance(raw, dict) else None
    names = []
    for item in items if isinstance(items, list) else []:
        name = next(iter(item), None) if isinstance(item, dict) else item
        if isinstance(name, str) and not name.startswith(_NOT_TRAINABLE_PREFIX):
            names.append(name)
    return tuple(names)


def add_annotation(
    session: Session, conversation_id: str, turn_seq: int, label: str, author: str,
    correct_intent: str | None = None, note: str = "", now: datetime | None = None,
) -> ReviewAnnotation:
    """Store an annotation of one turn (audited ``annotate``) and return it.

    Raises:
        AnnotationError: unknown turn, label or intent (German message).
    """
    if label not in LABELS:
        raise AnnotationError("Unbekannte Bewertung.")
    turn = session.scalars(
        select(ReviewTurn).where(ReviewTurn.conversation_id == conversation_id, ReviewTurn.seq == turn_seq)
    ).first()
    if turn is None:
        raise AnnotationError("Diese Nachricht gibt es nicht (mehr).")
    intent = (correct_intent or "").strip() or None
    if intent is not None:
        if turn.actor != "user":
            raise AnnotationError("Einen Intent gibt es nur für Nachrichten der Bürgerin oder des Bürgers.")
        if intent not in domain_intents():
            raise AnnotationError("Unbekannter Intent.")
    row = ReviewAnnotation(
        conversation_id=conversation_id, turn_seq=turn_seq,
        text=turn.text if turn.actor == "user" else "",
        label=label, correct_intent=intent,
        note=redact(" ".join((note or "").split()))[:MAX_NOTE],
        author=author[:64], created_at=(now or utc_now()),
    )
    session.add(row)
    record_audit(session, author, "annotate", f"conversation:{conversation_id}", f"turn {turn_seq}: {label}")
    return row


def annotations_for(session: Session, conversation_id: str) -> list[ReviewAnnotation]:
    """Annotations of one conversation, by turn and time."""
    stmt = (
        select(ReviewAnnotation)
        .where(ReviewAnnotation.conversation_id == conversation_id)
        .order_by(ReviewAnnotation.turn_seq, ReviewAnnotation.id)
    )
    return list(session.scalars(stmt))


def training_examples(session: Session) -> dict[str, list[str]]:
    """Redacted citizen messages per correct intent (annotations that name one), de-duplicated."""
    stmt = (
        select(ReviewAnnotation.correct_intent, ReviewAnnotation.text)
        .where(ReviewAnnotation.correct_intent.is_not(None), ReviewAnnotation.text != "")
        .order_by(ReviewAnnotation.correct_intent, ReviewAnnotation.id)
    )
    examples: dict[str, dict[str, None]] = {}
    for intent, text in session.execute(stmt):
        examples.setdefault(intent, {})[text] = None
    return {intent: list(texts) for intent, texts in examples.items()}
