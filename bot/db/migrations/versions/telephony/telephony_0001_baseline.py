"""telephony: the schema of the create_all era (first revision).

Revision ID: telephony_0001
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

revision = "telephony_0001"
down_revision = None
branch_labels = None
depends_on = None

METADATA = sa.MetaData()

sa.Table(
    "callback_requests",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("conversation_id", sa.String(length=128), nullable=False),
    sa.Column("channel", sa.String(length=10), server_default="phone", nullable=False),
    sa.Column("phone", sa.String(length=32), nullable=True),
    sa.Column("email", sa.String(length=254), nullable=True),
    sa.Column("preferred_day", sa.Date(), nullable=False),
    sa.Column("window_key", sa.String(length=20), nullable=False),
    sa.Column("due_from", sa.DateTime(timezone=True), nullable=False),
    sa.Column("due_until", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.String(length=60), nullable=True),
    sa.Column("service", sa.String(length=60), nullable=True),
    sa.Column("district", sa.String(length=60), nullable=True),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_callback_requests_conversation_id", "conversation_id", unique=False),
    sa.Index("ix_callback_requests_created_at", "created_at", unique=False),
)
sa.Table(
    "held_contacts",
    METADATA,
    sa.Column("conversation_id", sa.String(length=128), nullable=False),
    sa.Column("phone", sa.String(length=32), nullable=True),
    sa.Column("email", sa.String(length=254), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("conversation_id"),
    sa.Index("ix_held_contacts_updated_at", "updated_at", unique=False),
)
sa.Table(
    "phone_agent_board",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("staffed", sa.Integer(), nullable=False),
    sa.Column("free", sa.Integer(), nullable=False),
    sa.Column("waiting", sa.Integer(), nullable=False),
    sa.Column("avg_handle_seconds", sa.Integer(), nullable=False),
    sa.Column("hours_override", sa.String(length=10), nullable=True),
    sa.Column("updated_at", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
)
sa.Table(
    "phone_calls",
    METADATA,
    sa.Column("conversation_id", sa.String(length=128), nullable=False),
    sa.Column("instance", sa.String(length=128), nullable=False),
    sa.Column("admitted", sa.Boolean(), nullable=False),
    sa.Column("caller", sa.String(length=32), nullable=True),
    sa.Column("entered_number", sa.String(length=32), nullable=True),
    sa.Column("overflow", sa.JSON(), nullable=True),
    sa.Column("created_at", sa.Float(), nullable=False),
    sa.Column("expires_at", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("conversation_id"),
    sa.Index("ix_phone_calls_expires_at", "expires_at", unique=False),
    sa.Index("ix_phone_calls_instance", "instance", unique=False),
)
sa.Table(
    "phone_call_activities",
    METADATA,
    sa.Column("conversation_id", sa.String(length=128), nullable=False),
    sa.Column("activity_id", sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(["conversation_id"], ["phone_calls.conversation_id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("conversation_id", "activity_id"),
)

#: The tables this revision creates (a database that has them all is stamped instead).
TABLES = tuple(METADATA.tables)


def upgrade() -> None:
    """Create the tables that do not exist yet (all of them in a new database)."""
    METADATA.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    METADATA.drop_all(op.get_bind())
