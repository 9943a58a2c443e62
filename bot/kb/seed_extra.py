"""Seed parsing of ``requirements.yml`` and ``situations.yml``.

Same rules as the other seed files: every fact row has ``source_url`` and
``verified_on``; a service whose requirements are not known is written as
``items: unknown`` and stored as an unknown topic; every error names the file
and the line, and :func:`bot.kb.seed.parse_directory` then loads nothing.
"""

from __future__ import annotations

from pathlib import Path

from bot.kb.fields import SERVICES, Fields
from bot.kb.models import Requirement, Service, Situation, SituationStep, UnknownFact
from bot.kb.yaml_lines import KnowledgeFileError

REQUIREMENT_KINDS = frozenset({"eligibility", "prerequisite", "obligation", "deadline"})

#: The life situations the assistant knows (issue 13), each with its services in order.
SITUATIONS = frozenset(
    ["umzug_nach_stuttgart", "umzug_innerhalb_stuttgart", "umzug_ins_ausland", "geld_reicht_nicht", "verloren_gefunden",
     "gewerbe_gegruendet", "kind_geboren", "aufenthaltstitel_laeuft_ab"]
)

SOURCED = ("source_url", "verified_on")


def parse_requirements(
    path: Path, entries: list[Fields], services: dict[str, Service], unknown: list[UnknownFact]
) -> None:
    """Attach the requirements of ``requirements.yml`` to their services.

    Every service appears exactly once, with a list of items or ``items: unknown``.
    """
    seen: set[str] = set()
    for fields in entries:
        fields.only({"service", "items"})
        key = fields.choice("service", SERVICES)
        assert key is not None
        if key in seen:
            fields.fail(f"duplicate requirements for service '{key}'")
        seen.add(key)
        items = fields.items("items")
        if not items:
            unknown.append(UnknownFact(subject_key=key, topic="requirements"))
        for position, entry in enumerate(items):
            item = fields.sub(entry, f"requirement of service '{key}'")
            item.only({"kind", "text", *SOURCED})
            services[key].requirements.append(
                Requirement(
                    position=position,
                    kind=item.choice("kind", REQUIREMENT_KINDS),
                    text=item.text("text"),
                    **item.source(),
                )
            )
    missing = sorted(SERVICES - seen)
    if missing:
        message = f"requirements missing for: {', '.join(missing)} (write 'items: unknown')"
        raise KnowledgeFileError(path, 0, message)


def parse_situations(path: Path, entries: list[Fields]) -> list[Situation]:
    """The life situations of ``situations.yml``; every known situation must be there."""
    situations: dict[str, Situation] = {}
    for fields in entries:
        fields.only({"key", "name", "steps"})
        key = fields.choice("key", SITUATIONS)
        assert key is not None
        if key in situations:
            fields.fail(f"duplicate situation '{key}'")
        situation = Situation(key=key, name=fields.text("name"))
        steps = fields.items("steps")
        if not steps:
            fields.fail(f"situation '{key}' needs at least one step")
        for position, entry in enumerate(steps):
            step = fields.sub(entry, f"step of situation '{key}'")
            step.only({"service", "text", *SOURCED})
            service_key = step.choice("service", SERVICES)
            situation.steps.append(
                SituationStep(
                    position=position,
                    service_key=service_key,
                    text=step.text("text", max_length=300),
                    **step.source(),
                )
            )
        situations[key] = situation
    missing = sorted(SITUATIONS - set(situations))
    if missing:
        raise KnowledgeFileError(path, 0, f"situations missing: {', '.join(missing)}")
    return list(situations.values())


__all__ = ["REQUIREMENT_KINDS", "SITUATIONS", "parse_requirements", "parse_situations"]
