"""Knowledge: the sourced online note of a service (``online_note``, its source and date).

The columns came with the kb-facts branch after the baseline. A database the old
``create_all`` code made may already have them (it is stamped at the baseline), so each
column is only added when it is missing.

Revision ID: knowledge_0002
Revises: knowledge_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "knowledge_0002"
down_revision = "knowledge_0001"
branch_labels = None
depends_on = None

COLUMNS = (
    sa.Column("online_note", sa.Text(), nullable=True),
    sa.Column("online_note_source_url", sa.String(length=500), nullable=True),
    sa.Column("online_note_verified_on", sa.Date(), nullable=True),
)


def _existing() -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns("services")}


def upgrade() -> None:
    missing = [column for column in COLUMNS if column.name not in _existing()]
    if missing:
        with op.batch_alter_table("services") as batch_op:
            for column in missing:
                batch_op.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("services") as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column.name)
