"""Export of annotated citizen messages as Rasa NLU training data (YAML, ``version: "3.1"``).

Only annotations that name a correct intent are exported, with the **redacted** text.
Characters of Rasa's entity markup (``[]``, ``()``, ``{}``) are removed, so a
placeholder such as ``[TELEFON]`` becomes the plain word ``TELEFON`` and no citizen's
text can smuggle an entity annotation into the training data.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.review.annotations import training_examples
from bot.staff.audit import record_audit

_MARKUP = re.compile(r"[\[\](){}]")
_PLACEHOLDER = re.compile(r"\[([A-Z][A-Z\-]*)\]")
_INTENT_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def _example(text: str) -> str:
    """One line of an ``examples: |`` block: single-line, no entity markup, no leading list marker.

    Button payloads (``/intent``) are no training examples and give ``""``.
    """
    if text.lstrip().startswith("/"):
        return ""
    cleaned = " ".join(_MARKUP.sub(" ", _PLACEHOLDER.sub(r"\1", text)).split())
    return cleaned.lstrip("-# ").strip()


def nlu_yaml(examples: dict[str, list[str]], now: datetime | None = None) -> str:
    """Rasa NLU YAML for ``{intent: [texts]}`` (intents sorted, empty ones left out)."""
    moment = as_utc(now)
    lines = [
        f"# Aus Annotationen der Review exportiert am {moment:%Y-%m-%d %H:%M} UTC; Texte sind geschwärzt.",
        'version: "3.1"',
        "nlu:",
    ]
    written = 0
    for intent in sorted(examples):
        if not _INTENT_NAME.match(intent):
            continue
        texts = list(dict.fromkeys(filter(None, (_example(text) for text in examples[intent]))))
        if not texts:
            continue
        lines.append(f"  - intent: {intent}")
        lines.append("    examples: |")
        lines.extend(f"      - {text}" for text in texts)
        written += 1
    if not written:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"


def export_annotations(session: Session, actor: str, now: datetime | None = None) -> str:
    """The NLU YAML of all annotations with a correct intent; audited ``export``."""
    examples = training_examples(session)
    record_audit(
        session, actor, "export", "export:annotations",
        json.dumps({"intents": len(examples), "examples": sum(map(len, examples.values()))}),
        now=now,
    )
    return nlu_yaml(examples, now=now)
