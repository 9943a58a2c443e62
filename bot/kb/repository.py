"""Read access to the knowledge base, one short session per query.

The repository hands out ORM objects that are fully loaded and detached, so
callers never trigger lazy loads after the session has closed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from bot.kb.models import Contact, Office, Requirement, Service, Situation, UnknownFact


class RecordNotFound(LookupError):
    """No row with that key."""


class KnowledgeRepository:
    """Queries the actions need; each method opens and closes its own session."""

    def __init__(self, engine: Engine, cache_seconds: float = 0.0) -> None:
        """Create a repository.

        Args:
            engine: the knowledge base's engine.
            cache_seconds: keep query results this long (0: no cache). The
                knowledge base changes only when seed files are loaded, so a
                short cache saves the database round trips of every answer.
        """
        self._engine = engine
        self._cache_seconds = cache_seconds
        self._cache: dict[tuple, tuple[float, Any]] = {}

    def _cached(self, key: tuple, load: Callable[[], Any]) -> Any:
        if self._cache_seconds <= 0:
            return load()
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load()
        self._cache[key] = (now + self._cache_seconds, value)
        return value

    def dispose(self) -> None:
        """Close the engine's pooled connections."""
        self._engine.dispose()

    def _session(self) -> Session:
        return Session(self._engine, future=True, expire_on_commit=False)

    def service(self, key: str) -> Service:
        """A service with its offices, documents, forms, fees (see :meth:`_service`)."""
        service = self._cached(("service", key), lambda: self._service(key))
        if service is None:
            raise RecordNotFound(f"no service {key!r}")
        return service

    def _service(self, key: str) -> Service | None:
        """A service with its offices (and their hours), documents, forms, fees.

        Raises:
            RecordNotFound: when there is no service with that key.
        """
        stmt = (
            select(Service)
            .where(Service.key == key)
            .options(
                selectinload(Service.offices).selectinload(Office.hours),
                selectinload(Service.offices).selectinload(Office.closures),
                selectinload(Service.documents),
                selectinload(Service.forms),
                selectinload(Service.fees),
                selectinload(Service.processing_times),
                selectinload(Service.notes),
                selectinload(Service.requirements),
            )
        )
        with self._session() as session:
            return session.scalars(stmt).first()

    def offices(
        self, kind: str | None = None, district: str | None = None, status: str | None = None
    ) -> list[Office]:
        """Offices filtered by kind, district and/or status, with hours and closures.

        ``status="open"`` gives only offices a source says operate; without it,
        closed offices are included (their ``status`` and note say so).
        """
        return self._cached(
            ("offices", kind, district, status), lambda: self._offices(kind, district, status)
        )

    def _offices(
        self, kind: str | None, district: str | None, status: str | None
    ) -> list[Office]:
        stmt = select(Office).options(selectinload(Office.hours), selectinload(Office.closures))
        if kind is not None:
            stmt = stmt.where(Office.kind == kind)
        if district is not None:
            stmt = stmt.where(Office.district == district)
        if status is not None:
            stmt = stmt.where(Office.status == status)
        with self._session() as session:
            return list(session.scalars(stmt.order_by(Office.name)))

    def office(self, key: str) -> Office:
        """One office by key.

        Raises:
            RecordNotFound: when there is no office with that key.
        """
        stmt = (
            select(Office)
            .where(Office.key == key)
            .options(selectinload(Office.hours), selectinload(Office.closures))
        )
        with self._session() as session:
            office = session.scalars(stmt).first()
        if office is None:
            raise RecordNotFound(f"no office {key!r}")
        return office

    def requirements(self, service_key: str) -> list[Requirement]:
        """Eligibility rules, prerequisites, obligations and deadlines of a service, in order.

        An empty list means none are known (the topic is then recorded as unknown).
        """

        def load() -> list[Requirement]:
            stmt = (
                select(Requirement)
                .where(Requirement.service_key == service_key)
                .order_by(Requirement.position)
            )
            with self._session() as session:
                return list(session.scalars(stmt))

        return self._cached(("requirements", service_key), load)

    def situations(self) -> list[Situation]:
        """All life situations with their steps, by name."""

        def load() -> list[Situation]:
            stmt = select(Situation).options(selectinload(Situation.steps)).order_by(Situation.name)
            with self._session() as session:
                return list(session.scalars(stmt))

        return self._cached(("situations",), load)

    def situation(self, key: str) -> Situation:
        """One life situation with its steps (the services that apply, in order).

        Raises:
            RecordNotFound: when there is no situation with that key.
        """
        found = next((s for s in self.situations() if s.key == key), None)
        if found is None:
            raise RecordNotFound(f"no situation {key!r}")
        return found

    def contact(self, key: str) -> Contact | None:
        """A general contact such as ``behoerdennummer`` (115), or None."""

        def load() -> Contact | None:
            with self._session() as session:
                return session.get(Contact, key)

        return self._cached(("contact", key), load)

    def is_unknown(self, subject_key: str, topic: str) -> bool:
        """Whether a topic was recorded as unknown for an office or service."""
        stmt = select(UnknownFact.id).where(
            UnknownFact.subject_key == subject_key, UnknownFact.topic == topic
        )
        with self._session() as session:
            return session.scalars(stmt).first() is not None
