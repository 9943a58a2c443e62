"""staff: the schema of the create_all era (first revision).

Revision ID: staff_0001
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

revision = "staff_0001"
down_revision = None
branch_labels = None
depends_on = None

METADATA = sa.MetaData()

sa.Table(
    "audit_log",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(length=64), nullable=False),
    sa.Column("action", sa.String(length=40), nullable=False),
    sa.Column("target", sa.String(length=200), nullable=False),
    sa.Column("detail", sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_audit_log_action", "action", unique=False),
    sa.Index("ix_audit_log_actor", "actor", unique=False),
    sa.Index("ix_audit_log_at", "at", unique=False),
)
sa.Table(
    "console_settings",
    METADATA,
    sa.Column("key", sa.String(length=64), nullable=False),
    sa.Column("value", sa.JSON(), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint("key"),
)
sa.Table(
    "console_users",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("username", sa.String(length=64), nullable=False),
    sa.Column("display_name", sa.String(length=80), nullable=False),
    sa.Column("password_hash", sa.String(length=255), nullable=False),
    sa.Column("roles", sa.String(length=64), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("failed_logins", sa.Integer(), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("username"),
)
sa.Table(
    "knowledge_gaps",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("day", sa.String(length=10), nullable=False),
    sa.Column("kind", sa.String(length=10), nullable=False),
    sa.Column("subject", sa.String(length=80), nullable=False),
    sa.Column("topic", sa.String(length=30), nullable=False),
    sa.Column("count", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_knowledge_gaps_key", "day", "kind", "subject", "topic", unique=True),
)
sa.Table(
    "notices",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("scope", sa.String(length=10), nullable=False),
    sa.Column("subject_key", sa.String(length=80), nullable=True),
    sa.Column("closure", sa.Boolean(), nullable=False),
    sa.Column("starts_on", sa.Date(), nullable=False),
    sa.Column("ends_on", sa.Date(), nullable=False),
    sa.Column("text", sa.String(length=300), nullable=False),
    sa.Column("created_by", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_notices_ends_on", "ends_on", unique=False),
    sa.Index("ix_notices_subject_key", "subject_key", unique=False),
)
sa.Table(
    "review_annotations",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.String(length=255), nullable=False),
    sa.Column("turn_seq", sa.Integer(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("label", sa.String(length=30), nullable=False),
    sa.Column("correct_intent", sa.String(length=255), nullable=True),
    sa.Column("note", sa.String(length=500), nullable=False),
    sa.Column("author", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_review_annotations_conversation_id", "conversation_id", unique=False),
    sa.Index("ix_review_annotations_created_at", "created_at", unique=False),
)
sa.Table(
    "review_conversations",
    METADATA,
    sa.Column("conversation_id", sa.String(length=255), nullable=False),
    sa.Column("channel", sa.String(length=64), nullable=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_turns", sa.Integer(), nullable=False),
    sa.Column("fallbacks", sa.Integer(), nullable=False),
    sa.Column("low_confidence", sa.Integer(), nullable=False),
    sa.Column("min_confidence", sa.Float(), nullable=True),
    sa.Column("handoff_reason", sa.String(length=40), nullable=True),
    sa.Column("handoff_outcome", sa.String(length=40), nullable=True),
    sa.Column("feedback_up", sa.Integer(), nullable=False),
    sa.Column("feedback_down", sa.Integer(), nullable=False),
    sa.Column("service", sa.String(length=60), nullable=True),
    sa.Column("flagged", sa.Boolean(), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("conversation_id"),
    sa.Index("ix_review_conversations_flagged", "flagged", unique=False),
    sa.Index("ix_review_conversations_last_event_at", "last_event_at", unique=False),
    sa.Index("ix_review_conversations_service", "service", unique=False),
    sa.Index("ix_review_conversations_started_at", "started_at", unique=False),
)
sa.Table(
    "review_state",
    METADATA,
    sa.Column("key", sa.String(length=64), nullable=False),
    sa.Column("value", sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint("key"),
)
sa.Table(
    "review_turns",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.String(length=255), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(length=10), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("agent", sa.String(length=80), nullable=True),
    sa.Column("intent", sa.String(length=255), nullable=True),
    sa.Column("confidence", sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_review_turns_conversation_seq", "conversation_id", "seq", unique=True),
)
sa.Table(
    "console_sessions",
    METADATA,
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("csrf_token", sa.String(length=64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("present_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["console_users.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("token_hash"),
    sa.Index("ix_console_sessions_expires_at", "expires_at", unique=False),
    sa.Index("ix_console_sessions_user_id", "user_id", unique=False),
)
sa.Table(
    "handoffs",
    METADATA,
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("conversation_id", sa.String(length=128), nullable=False),
    sa.Column("channel", sa.String(length=32), nullable=False),
    sa.Column("team", sa.String(length=40), nullable=False),
    sa.Column("reason", sa.String(length=40), nullable=False),
    sa.Column("service", sa.String(length=60), nullable=True),
    sa.Column("district", sa.String(length=60), nullable=True),
    sa.Column("summary", sa.String(length=500), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("agent_id", sa.Integer(), nullable=True),
    sa.Column("outcome", sa.String(length=40), nullable=True),
    sa.Column("notified_position", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["agent_id"], ["console_users.id"], ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id"),
    sa.Index("ix_handoffs_conversation_id", "conversation_id", unique=False),
    sa.Index("ix_handoffs_status_team_created", "status", "team", "created_at", unique=False),
)

#: The tables this revision creates (a database that has them all is stamped instead).
TABLES = tuple(METADATA.tables)


def upgrade() -> None:
    """Create the tables that do not exist yet (all of them in a new database)."""
    METADATA.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    METADATA.drop_all(op.get_bind())
