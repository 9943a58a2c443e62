"""knowledge: the schema of the create_all era (first revision).

Revision ID: knowledge_0001
Revises: (none)
Create Date: 2026-12-01

A frozen copy of the tables as the models declared them before migrations (no model
import: later model changes must not change this revision). A new database gets every
table; a database the old ``create_all`` code made is stamped with this revision by
``bot.db.migrate.upgrade`` (or, if it lacks tables, only the missing ones are created).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "knowledge_0001"
down_revision = None
branch_labels = None
depends_on = None

METADATA = sa.MetaData()

sa.Table(
    "contacts",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("key", sa.String(length=60), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("phone", sa.String(length=40), nullable=True),
    sa.Column("url", sa.String(length=500), nullable=True),
    sa.Column("hours_text", sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint("key"),
)
sa.Table(
    "offices",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("key", sa.String(length=80), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("department", sa.String(length=40), nullable=False),
    sa.Column("kind", sa.String(length=40), nullable=False),
    sa.Column("district", sa.String(length=40), nullable=True),
    sa.Column("address", sa.String(length=300), nullable=True),
    sa.Column("phone", sa.String(length=80), nullable=True),
    sa.Column("email", sa.String(length=200), nullable=True),
    sa.Column("accessibility", sa.Text(), nullable=True),
    sa.Column("booking_url", sa.String(length=500), nullable=True),
    sa.Column("web_url", sa.String(length=500), nullable=True),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("status", sa.String(length=20), nullable=False),
    sa.Column("status_source_url", sa.String(length=500), nullable=True),
    sa.Column("status_verified_on", sa.Date(), nullable=True),
    sa.Column("hours_source_url", sa.String(length=500), nullable=True),
    sa.Column("hours_verified_on", sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint("key"),
    sa.Index("ix_offices_district", "district", unique=False),
    sa.Index("ix_offices_kind", "kind", unique=False),
    sa.Index("ix_offices_status", "status", unique=False),
)
sa.Table(
    "services",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("key", sa.String(length=60), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("department", sa.String(length=40), nullable=False),
    sa.Column("leika_key", sa.String(length=14), nullable=True),
    sa.Column("info_url", sa.String(length=500), nullable=False),
    sa.Column("online_url", sa.String(length=500), nullable=True),
    sa.Column("appointment_required", sa.Boolean(), nullable=True),
    sa.Column("appointment_note", sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint("key"),
)
sa.Table(
    "situations",
    METADATA,
    sa.Column("key", sa.String(length=60), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint("key"),
)
sa.Table(
    "unknown_facts",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("subject_key", sa.String(length=80), nullable=False),
    sa.Column("topic", sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("subject_key", "topic"),
)
sa.Table(
    "closures",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("office_key", sa.String(length=80), nullable=False),
    sa.Column("starts_on", sa.Date(), nullable=False),
    sa.Column("ends_on", sa.Date(), nullable=False),
    sa.Column("reason", sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(["office_key"], ["offices.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_closures_office_key", "office_key", unique=False),
)
sa.Table(
    "fees",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("service_key", sa.String(length=60), nullable=False),
    sa.Column("amount_cents", sa.Integer(), nullable=False),
    sa.Column("condition", sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(["service_key"], ["services.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_fees_service_key", "service_key", unique=False),
)
sa.Table(
    "forms",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("service_key", sa.String(length=60), nullable=False),
    sa.Column("title", sa.String(length=300), nullable=False),
    sa.Column("url", sa.String(length=500), nullable=False),
    sa.Column("kind", sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(["service_key"], ["services.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_forms_service_key", "service_key", unique=False),
)
sa.Table(
    "opening_hours",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("office_key", sa.String(length=80), nullable=False),
    sa.Column("weekday", sa.Integer(), nullable=False),
    sa.Column("opens", sa.Time(), nullable=False),
    sa.Column("closes", sa.Time(), nullable=False),
    sa.Column("appointment_only", sa.Boolean(), nullable=False),
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(["office_key"], ["offices.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_opening_hours_office_key", "office_key", unique=False),
)
sa.Table(
    "processing_times",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("service_key", sa.String(length=60), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["service_key"], ["services.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_processing_times_service_key", "service_key", unique=False),
)
sa.Table(
    "required_documents",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("service_key", sa.String(length=60), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(["service_key"], ["services.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_required_documents_service_key", "service_key", unique=False),
)
sa.Table(
    "requirements",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("service_key", sa.String(length=60), nullable=False),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["service_key"], ["services.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_requirements_service_key", "service_key", unique=False),
)
sa.Table(
    "service_notes",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("service_key", sa.String(length=60), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["service_key"], ["services.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_service_notes_service_key", "service_key", unique=False),
)
sa.Table(
    "service_offices",
    METADATA,
    sa.Column("service_key", sa.String(length=60), nullable=False),
    sa.Column("office_key", sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(["office_key"], ["offices.key"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["service_key"], ["services.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("service_key", "office_key"),
)
sa.Table(
    "situation_steps",
    METADATA,
    sa.Column("source_url", sa.String(length=500), nullable=False),
    sa.Column("verified_on", sa.Date(), nullable=False),
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("situation_key", sa.String(length=60), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("service_key", sa.String(length=60), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["service_key"], ["services.key"], ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["situation_key"], ["situations.key"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_situation_steps_situation_key", "situation_key", unique=False),
)

#: The tables this revision creates (a database that has them all is stamped instead).
TABLES = tuple(METADATA.tables)


def upgrade() -> None:
    """Create the tables that do not exist yet (all of them in a new database)."""
    METADATA.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    METADATA.drop_all(op.get_bind())
