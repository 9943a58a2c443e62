"""Validate the seed files in ``data/knowledge/`` and load them into the database.

Loading is all-or-nothing: every file is parsed and validated first; only then
are the tables replaced in one transaction. Running it twice gives the same
database (idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.kb.fields import DISTRICTS, SERVICES, Fields, parse_time_range
from bot.kb.models import (
    Base,
    Closure,
    Contact,
    Fee,
    Form,
    Office,
    OpeningHours,
    ProcessingTime,
    RequiredDocument,
    Service,
    ServiceNote,
    Situation,
    UnknownFact,
    service_offices,
)
from bot.kb.seed_extra import parse_requirements, parse_situations
from bot.kb.yaml_lines import KnowledgeFileError, load_yaml

WEEKDAYS = {"mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6}
DEPARTMENTS = {"ordnungsamt", "sozialamt", "jobcenter", "other"}
OFFICE_KINDS = {
    "buergerbuero",
    "auslaenderbehoerde",
    "kfz_fuehrerschein",
    "fundbuero",
    "sozialamt",
    "hotline",
    "other",
}
OFFICE_STATUSES = {"open", "closed"}
SOURCED = ("source_url", "verified_on")


@dataclass
class Seed:
    """Everything parsed from the seed files, not yet in a database."""

    offices: list[Office] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    situations: list[Situation] = field(default_factory=list)
    unknown: list[UnknownFact] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Row counts for the CLI's report."""
        return {
            "offices": len(self.offices),
            "services": len(self.services),
            "contacts": len(self.contacts),
            "fees": sum(len(s.fees) for s in self.services),
            "documents": sum(len(s.documents) for s in self.services),
            "forms": sum(len(s.forms) for s in self.services),
            "requirements": sum(len(s.requirements) for s in self.services),
            "situations": len(self.situations),
            "unknown_topics": len(self.unknown),
        }


def _source(fields: Fields) -> dict[str, Any]:
    return fields.source()


def _parse_hours(office: Office, fields: Fields, value: Any) -> None:
    hours = fields.sub(value, f"hours of office '{office.key}'")
    hours.only({"weekly", *SOURCED})
    source = _source(hours)
    office.hours_source_url = source["source_url"]
    office.hours_verified_on = source["verified_on"]
    weekly = hours.sub(hours.mapping.get("weekly"), "weekly hours")
    weekly.only(WEEKDAYS)
    for day, ranges in weekly.mapping.items():
        if not isinstance(ranges, list):
            weekly.fail(f"hours for '{day}' must be a list of ranges")
        for entry in ranges:
            appointment_only, time_range = False, entry
            if isinstance(entry, dict):
                item = weekly.sub(entry, f"range on '{day}'")
                item.only({"time", "appointment_only"})
                appointment_only = bool(item.flag("appointment_only"))
                time_range = item.text("time")
            opens, closes = parse_time_range(weekly, time_range)
            office.hours.append(
                OpeningHours(
                    weekday=WEEKDAYS[day],
                    opens=opens,
                    closes=closes,
                    appointment_only=appointment_only,
                    **source,
                )
            )


def _parse_status(office: Office, fields: Fields, unknown: list[UnknownFact]) -> None:
    """``status: {value: open|closed, source_url, verified_on}``; missing or ``unknown`` = unknown."""
    value = fields.mapping.get("status")
    if value is None or value == "unknown":
        office.status = "unknown"
        unknown.append(UnknownFact(subject_key=office.key, topic="status"))
        return
    status = fields.sub(value, f"status of office '{office.key}'")
    status.only({"value", *SOURCED})
    office.status = status.choice("value", OFFICE_STATUSES)
    source = _source(status)
    office.status_source_url = source["source_url"]
    office.status_verified_on = source["verified_on"]


def _parse_office(fields: Fields, unknown: list[UnknownFact]) -> Office:
    fields.only(
        {
            "key", "name", "department", "kind", "district", "address", "phone", "email",
            "accessibility", "booking_url", "web_url", "note", "status", "hours", "closures",
            *SOURCED,
        }
    )
    office = Office(
        key=fields.key(),
        name=fields.text("name"),
        department=fields.choice("department", DEPARTMENTS),
        kind=fields.choice("kind", OFFICE_KINDS),
        district=fields.choice("district", DISTRICTS, required=False),
        address=fields.text("address", required=False),
        phone=fields.text("phone", required=False),
        email=fields.text("email", required=False),
        accessibility=fields.text("accessibility", required=False),
        booking_url=fields.url("booking_url", required=False),
        web_url=fields.url("web_url", required=False),
        note=fields.text("note", required=False),
        **_source(fields),
    )
    _parse_status(office, fields, unknown)
    hours = fields.mapping.get("hours")
    if hours is None or hours == "unknown":
        unknown.append(UnknownFact(subject_key=office.key, topic="hours"))
    else:
        _parse_hours(office, fields, hours)
    for entry in fields.items("closures"):
        closure = fields.sub(entry, f"closure of office '{office.key}'")
        closure.only({"from", "to", "reason", *SOURCED})
        starts, ends = closure.day("from"), closure.day("to")
        if ends < starts:
            closure.fail("closure ends before it starts")
        office.closures.append(
            Closure(starts_on=starts, ends_on=ends, reason=closure.text("reason"), **_source(closure))
        )
    return office


def _parse_online_note(service: Service, fields: Fields) -> None:
    """``online_note: {text, source_url, verified_on}``; missing, null or ``unknown`` = not known.

    A sourced statement about online access for a service without an ``online_url``
    (typically: there is no online application). It counts as a known ``online`` topic.
    """
    value = fields.mapping.get("online_note")
    if value is None or value == "unknown":
        return
    note = fields.sub(value, f"online_note of service '{service.key}'")
    note.only({"text", *SOURCED})
    if service.online_url is not None:
        note.fail(f"service '{service.key}' has an online_url; an online_note is only for services without one")
    source = _source(note)
    service.online_note = note.text("text")
    service.online_note_source_url = source["source_url"]
    service.online_note_verified_on = source["verified_on"]


def _parse_service(
    fields: Fields, offices: dict[str, Office], unknown: list[UnknownFact]
) -> Service:
    fields.only(
        {
            "key", "name", "department", "leika_key", "info_url", "online_url", "online_note",
            "appointment_required", "appointment_note", "offices", "documents", "forms",
            "fees", "processing_time", "notes", *SOURCED,
        }
    )
    service = Service(
        key=fields.choice("key", SERVICES),
        name=fields.text("name"),
        department=fields.choice("department", DEPARTMENTS),
        leika_key=fields.text("leika_key", required=False),
        info_url=fields.url("info_url"),
        online_url=fields.url("online_url", required=False),
        appointment_required=fields.flag("appointment_required"),
        appointment_note=fields.text("appointment_note", required=False),
        **_source(fields),
    )
    if service.leika_key is not None and not (
        service.leika_key.isdigit() and len(service.leika_key) == 14
    ):
        fields.fail(f"leika_key must be 14 digits, got {service.leika_key!r}")
    _parse_online_note(service, fields)
    for office_key in fields.items("offices"):
        if office_key not in offices:
            fields.fail(f"service '{service.key}' names unknown office '{office_key}'")
        if offices[office_key].is_closed:
            fields.fail(f"service '{service.key}' names office '{office_key}', which is closed")
        service.offices.append(offices[office_key])

    def facts(topic: str, allowed: set[str]) -> list[Fields]:
        entries = fields.items(topic)
        if not entries:
            unknown.append(UnknownFact(subject_key=service.key, topic=topic))
        parsed = []
        for entry in entries:
            item = fields.sub(entry, f"{topic} entry of service '{service.key}'")
            item.only(allowed | set(SOURCED))
            parsed.append(item)
        return parsed

    for pos, item in enumerate(facts("documents", {"text", "note"})):
        service.documents.append(
            RequiredDocument(position=pos, text=item.text("text"), note=item.text("note", required=False),
                             **_source(item))
        )
    for pos, item in enumerate(facts("forms", {"title", "url", "kind"})):
        service.forms.append(
            Form(
                position=pos,
                title=item.text("title"),
                url=item.url("url"),
                kind=item.choice("kind", {"online", "pdf"}),
                **_source(item),
            )
        )
    for pos, item in enumerate(facts("fees", {"amount_cents", "condition"})):
        service.fees.append(
            Fee(position=pos, amount_cents=item.cents("amount_cents"), condition=item.text("condition", required=False),
                **_source(item))
        )
    processing = fields.mapping.get("processing_time")
    if processing is None or processing == "unknown":
        unknown.append(UnknownFact(subject_key=service.key, topic="processing_time"))
    else:
        item = fields.sub(processing, f"processing_time of service '{service.key}'")
        item.only({"text", *SOURCED})
        service.processing_times.append(ProcessingTime(text=item.text("text"), **_source(item)))
    for pos, entry in enumerate(fields.items("notes")):
        item = fields.sub(entry, f"note of service '{service.key}'")
        item.only({"text", *SOURCED})
        service.notes.append(ServiceNote(position=pos, text=item.text("text"), **_source(item)))
    return service


def _entries(path: Path, document: Any, top_key: str) -> list[Fields]:
    root = Fields(path, document if document is not None else {}, f"file {path.name}")
    root.only({top_key})
    entries = root.items(top_key)
    return [root.sub(entry, f"{top_key} entry #{number}") for number, entry in enumerate(entries, 1)]


def parse_directory(directory: Path) -> Seed:
    """Parse and validate ``offices.yml``, ``services.yml``, ``general.yml``,
    ``requirements.yml`` and ``situations.yml``.

    Raises:
        KnowledgeFileError: naming the file and line of the first problem.
    """
    seed = Seed()
    names = ("offices", "services", "general", "requirements", "situations")
    paths = {name: directory / f"{name}.yml" for name in names}
    for name, path in paths.items():
        if not path.is_file():
            raise KnowledgeFileError(path, 0, f"seed file {name}.yml is missing")
    offices: dict[str, Office] = {}
    for fields in _entries(paths["offices"], load_yaml(paths["offices"]), "offices"):
        office = _parse_office(fields, seed.unknown)
        if office.key in offices:
            fields.fail(f"duplicate office key '{office.key}'")
        offices[office.key] = office
    seed.offices = list(offices.values())
    seen: set[str] = set()
    for fields in _entries(paths["services"], load_yaml(paths["services"]), "services"):
        service = _parse_service(fields, offices, seed.unknown)
        if service.key in seen:
            fields.fail(f"duplicate service key '{service.key}'")
        seen.add(service.key)
        seed.services.append(service)
    missing = sorted(SERVICES - seen)
    if missing:
        raise KnowledgeFileError(paths["services"], 0, f"services missing: {', '.join(missing)}")
    keys: set[str] = set()
    for fields in _entries(paths["general"], load_yaml(paths["general"]), "contacts"):
        fields.only({"key", "name", "phone", "url", "hours_text", *SOURCED})
        contact = Contact(
            key=fields.key(),
            name=fields.text("name"),
            phone=fields.text("phone", required=False),
            url=fields.url("url", required=False),
            hours_text=fields.text("hours_text", required=False),
            **_source(fields),
        )
        if contact.key in keys:
            fields.fail(f"duplicate contact key '{contact.key}'")
        keys.add(contact.key)
        seed.contacts.append(contact)
    services = {service.key: service for service in seed.services}
    path = paths["requirements"]
    parse_requirements(path, _entries(path, load_yaml(path), "requirements"), services, seed.unknown)
    path = paths["situations"]
    seed.situations = parse_situations(path, _entries(path, load_yaml(path), "situations"))
    return seed


def _upgrade_schema(engine: Engine) -> None:
    """Create the knowledge tables; rebuild them when a table lacks a column of the models.

    The knowledge base is replaced as a whole on every load, so a database written by an
    older version (e.g. ``offices`` without ``status``) is simply dropped and recreated;
    only the knowledge tables are touched. ``python -m bot db upgrade`` stamps a knowledge base
    made here (``alembic_version_knowledge``); ``tests/db`` keeps the models and migrations equal.
    """
    existing = inspect(engine)
    outdated = any(
        existing.has_table(table.name)
        and {c.name for c in table.columns} - {c["name"] for c in existing.get_columns(table.name)}
        for table in Base.metadata.sorted_tables
    )
    if outdated:
        Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def load_seed(engine: Engine, seed: Seed) -> None:
    """Replace the knowledge tables with ``seed`` in a single transaction.

    A parsed seed can be loaded once; parse the files again to load them again.
    """
    rows = [*seed.offices, *seed.services, *seed.contacts, *seed.situations, *seed.unknown]
    if any(inspect(row).has_identity for row in rows):
        raise ValueError("this seed was loaded before; parse the files again to reload them")
    _upgrade_schema(engine)
    with Session(engine, future=True) as session, session.begin():
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
        session.add_all(rows)


__all__ = ["KnowledgeFileError", "Seed", "load_seed", "parse_directory", "service_offices"]
