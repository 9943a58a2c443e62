"""SQLAlchemy models of the knowledge base.

Every fact row carries ``source_url`` and ``verified_on``. Money is stored as
integer cents. A topic that is known to be unknown is stored as an
:class:`UnknownFact` so that the assistant can say so instead of guessing.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, Time, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class SourcedMixin:
    """Columns every fact row carries."""

    source_url = Column(String(500), nullable=False)
    verified_on = Column(Date, nullable=False)


service_offices = Table(
    "service_offices",
    Base.metadata,
    Column("service_key", ForeignKey("services.key", ondelete="CASCADE"), primary_key=True),
    Column("office_key", ForeignKey("offices.key", ondelete="CASCADE"), primary_key=True),
)


class Office(SourcedMixin, Base):
    """A place citizens can go to or call (Bürgerbüro, Ausländerbehörde, 115 …)."""

    __tablename__ = "offices"

    key = Column(String(80), primary_key=True)
    name = Column(String(200), nullable=False)
    department = Column(String(40), nullable=False)
    kind = Column(String(40), nullable=False, index=True)
    district = Column(String(40), nullable=True, index=True)
    address = Column(String(300), nullable=True)
    phone = Column(String(80), nullable=True)
    email = Column(String(200), nullable=True)
    accessibility = Column(Text, nullable=True)
    booking_url = Column(String(500), nullable=True)
    web_url = Column(String(500), nullable=True)
    note = Column(Text, nullable=True)
    #: ``open``, ``closed`` or ``unknown`` (no source says whether it operates).
    status = Column(String(20), nullable=False, default="unknown", index=True)
    #: Source of the status (None when the status is unknown).
    status_source_url = Column(String(500), nullable=True)
    status_verified_on = Column(Date, nullable=True)
    #: Source of the opening hours (None when the hours are unknown).
    hours_source_url = Column(String(500), nullable=True)
    hours_verified_on = Column(Date, nullable=True)

    hours = relationship(
        "OpeningHours", cascade="all, delete-orphan", order_by="OpeningHours.weekday, OpeningHours.opens"
    )
    closures = relationship("Closure", cascade="all, delete-orphan", order_by="Closure.starts_on")

    @property
    def hours_known(self) -> bool:
        """Whether the weekly opening hours of this office are known."""
        return self.hours_source_url is not None

    @property
    def is_open(self) -> bool:
        """Whether a source says this office operates (not closed, not unknown)."""
        return self.status == "open"

    @property
    def is_closed(self) -> bool:
        """Whether a source says this office is closed: never send a citizen there."""
        return self.status == "closed"


class OpeningHours(Base):
    """One opening range on a weekday (0 = Monday); several per day are allowed."""

    __tablename__ = "opening_hours"

    id = Column(Integer, primary_key=True)
    office_key = Column(ForeignKey("offices.key", ondelete="CASCADE"), nullable=False, index=True)
    weekday = Column(Integer, nullable=False)
    opens = Column(Time, nullable=False)
    closes = Column(Time, nullable=False)
    appointment_only = Column(Boolean, nullable=False, default=False)
    source_url = Column(String(500), nullable=False)
    verified_on = Column(Date, nullable=False)


class Closure(SourcedMixin, Base):
    """An office closed from ``starts_on`` to ``ends_on`` (both inclusive)."""

    __tablename__ = "closures"

    id = Column(Integer, primary_key=True)
    office_key = Column(ForeignKey("offices.key", ondelete="CASCADE"), nullable=False, index=True)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    reason = Column(String(300), nullable=False)


class Service(SourcedMixin, Base):
    """A service citizens ask about (Personalausweis, Wohngeld …)."""

    __tablename__ = "services"

    key = Column(String(60), primary_key=True)
    name = Column(String(200), nullable=False)
    department = Column(String(40), nullable=False)
    leika_key = Column(String(14), nullable=True)
    info_url = Column(String(500), nullable=False)
    online_url = Column(String(500), nullable=True)
    appointment_required = Column(Boolean, nullable=True)
    appointment_note = Column(Text, nullable=True)
    #: A sourced statement about online access when there is no ``online_url`` to give,
    #: e.g. "there is no online application, apply in person" (None = not known).
    online_note = Column(Text, nullable=True)
    online_note_source_url = Column(String(500), nullable=True)
    online_note_verified_on = Column(Date, nullable=True)

    offices = relationship("Office", secondary=service_offices, order_by="Office.name")
    documents = relationship("RequiredDocument", cascade="all, delete-orphan", order_by="RequiredDocument.position")
    forms = relationship("Form", cascade="all, delete-orphan", order_by="Form.position")
    fees = relationship("Fee", cascade="all, delete-orphan", order_by="Fee.position")
    processing_times = relationship("ProcessingTime", cascade="all, delete-orphan")
    notes = relationship("ServiceNote", cascade="all, delete-orphan", order_by="ServiceNote.position")
    requirements = relationship(
        "Requirement", cascade="all, delete-orphan", order_by="Requirement.position"
    )


class _ServiceFact(SourcedMixin):
    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False, default=0)


class RequiredDocument(_ServiceFact, Base):
    """A document a citizen has to bring or send."""

    __tablename__ = "required_documents"

    service_key = Column(ForeignKey("services.key", ondelete="CASCADE"), nullable=False, index=True)
    text = Column(Text, nullable=False)
    note = Column(Text, nullable=True)


class Form(_ServiceFact, Base):
    """A form or online application."""

    __tablename__ = "forms"

    service_key = Column(ForeignKey("services.key", ondelete="CASCADE"), nullable=False, index=True)
    title = Column(String(300), nullable=False)
    url = Column(String(500), nullable=False)
    kind = Column(String(10), nullable=False)  # "online" | "pdf"


class Fee(_ServiceFact, Base):
    """A fee in integer cents with the condition it applies to."""

    __tablename__ = "fees"

    service_key = Column(ForeignKey("services.key", ondelete="CASCADE"), nullable=False, index=True)
    amount_cents = Column(Integer, nullable=False)
    condition = Column(String(300), nullable=True)


class ProcessingTime(_ServiceFact, Base):
    """How long a service usually takes, as text a citizen reads."""

    __tablename__ = "processing_times"

    service_key = Column(ForeignKey("services.key", ondelete="CASCADE"), nullable=False, index=True)
    text = Column(Text, nullable=False)


class ServiceNote(_ServiceFact, Base):
    """A further sourced fact about a service (deadlines, eligibility …)."""

    __tablename__ = "service_notes"

    service_key = Column(ForeignKey("services.key", ondelete="CASCADE"), nullable=False, index=True)
    text = Column(Text, nullable=False)


class Requirement(_ServiceFact, Base):
    """An eligibility rule, prerequisite, obligation or deadline of a service."""

    __tablename__ = "requirements"

    service_key = Column(ForeignKey("services.key", ondelete="CASCADE"), nullable=False, index=True)
    #: ``eligibility`` | ``prerequisite`` | ``obligation`` | ``deadline``
    kind = Column(String(20), nullable=False)
    text = Column(Text, nullable=False)


class Situation(Base):
    """A life situation ("Umzug nach Stuttgart") and the services that apply, in order."""

    __tablename__ = "situations"

    key = Column(String(60), primary_key=True)
    name = Column(String(200), nullable=False)

    steps = relationship("SituationStep", cascade="all, delete-orphan", order_by="SituationStep.position")


class SituationStep(SourcedMixin, Base):
    """One service of a life situation with one line for the citizen."""

    __tablename__ = "situation_steps"

    id = Column(Integer, primary_key=True)
    situation_key = Column(ForeignKey("situations.key", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False, default=0)
    service_key = Column(ForeignKey("services.key", ondelete="CASCADE"), nullable=False)
    text = Column(Text, nullable=False)


class UnknownFact(Base):
    """A topic we looked for and found no reliable source for."""

    __tablename__ = "unknown_facts"
    __table_args__ = (UniqueConstraint("subject_key", "topic"),)

    id = Column(Integer, primary_key=True)
    subject_key = Column(String(80), nullable=False)
    topic = Column(String(40), nullable=False)


class Contact(SourcedMixin, Base):
    """A general contact (115, service portal, emergency numbers …)."""

    __tablename__ = "contacts"

    key = Column(String(60), primary_key=True)
    name = Column(String(200), nullable=False)
    phone = Column(String(40), nullable=True)
    url = Column(String(500), nullable=True)
    hours_text = Column(String(300), nullable=True)


__all__ = [
    "Base",
    "Closure",
    "Contact",
    "Fee",
    "Form",
    "Office",
    "OpeningHours",
    "ProcessingTime",
    "RequiredDocument",
    "Requirement",
    "Service",
    "ServiceNote",
    "Situation",
    "SituationStep",
    "UnknownFact",
]
