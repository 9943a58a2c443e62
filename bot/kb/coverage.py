"""How much of the knowledge base is known: service × topic cells, requirements, offices.

Computed from a parsed :class:`~bot.kb.seed.Seed` (no database), so the benchmark and the
tests measure exactly what ``load-knowledge`` would load. A cell counts as known when the
assistant can answer that topic from a sourced fact:

========================  ==========================================================
documents                 at least one required document
forms                     at least one form or online application row
fees                      at least one fee row (0 cents = "gebührenfrei" is a fact)
processing_time           a processing-time text
offices                   at least one responsible office (closed offices never count)
online                    an online service URL, or a sourced ``online_note`` (e.g. "no online
                          application: apply in person")
appointment               whether an appointment is needed, or a note on how to get one
========================  ==========================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.kb.models import Office, Service
from bot.kb.seed import Seed

TOPICS = ("documents", "forms", "fees", "processing_time", "offices", "online", "appointment")


def service_cells(service: Service) -> dict[str, bool]:
    """Which of the seven topics of one service are known."""
    return {
        "documents": bool(service.documents),
        "forms": bool(service.forms),
        "fees": bool(service.fees),
        "processing_time": bool(service.processing_times),
        "offices": any(not office.is_closed for office in service.offices),
        "online": service.online_url is not None or service.online_note is not None,
        "appointment": service.appointment_required is not None or bool(service.appointment_note),
    }


def office_parts(office: Office) -> dict[str, bool]:
    """Address, weekly hours and status of one office: known or not."""
    return {
        "address": office.address is not None,
        "hours": office.hours_known,
        "status": office.status != "unknown",
    }


@dataclass
class Coverage:
    """The figures of one knowledge base."""

    cells: dict[str, dict[str, bool]] = field(default_factory=dict)
    requirements: dict[str, int] = field(default_factory=dict)
    offices: dict[str, dict[str, bool]] = field(default_factory=dict)
    office_kinds: dict[str, str] = field(default_factory=dict)
    office_status: dict[str, str] = field(default_factory=dict)

    @property
    def known(self) -> int:
        """Known service × topic cells."""
        return sum(sum(row.values()) for row in self.cells.values())

    @property
    def total(self) -> int:
        """All service × topic cells (20 services × 7 topics)."""
        return sum(len(row) for row in self.cells.values())

    def known_per_topic(self) -> dict[str, int]:
        """Known cells per topic, over all services."""
        return {topic: sum(row[topic] for row in self.cells.values()) for topic in TOPICS}

    def complete_offices(self, kind: str | None = None) -> list[str]:
        """Keys of offices with address, hours and status known (optionally of one kind)."""
        return [
            key for key, parts in self.offices.items()
            if all(parts.values()) and (kind is None or self.office_kinds[key] == kind)
        ]

    def offices_of(self, kind: str) -> list[str]:
        """Keys of the offices of one kind."""
        return [key for key, office_kind in self.office_kinds.items() if office_kind == kind]


def measure(seed: Seed) -> Coverage:
    """The coverage of a parsed seed."""
    coverage = Coverage()
    for service in sorted(seed.services, key=lambda s: s.key):
        coverage.cells[service.key] = service_cells(service)
        coverage.requirements[service.key] = len(service.requirements)
    for office in sorted(seed.offices, key=lambda o: o.key):
        coverage.offices[office.key] = office_parts(office)
        coverage.office_kinds[office.key] = office.kind
        coverage.office_status[office.key] = office.status
    return coverage


__all__ = ["TOPICS", "Coverage", "measure", "office_parts", "service_cells"]
