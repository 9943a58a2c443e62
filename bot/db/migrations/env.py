"""Alembic environment of our three databases (run by :mod:`bot.db.migrate`, no alembic.ini).

The configuration names the database (``database`` option: knowledge, staff or
telephony) and hands in an open connection (``config.attributes["connection"]``);
its revisions are in ``versions/<database>/`` and its version table is
``alembic_version_<database>``. Batch mode lets later revisions alter SQLite tables.
"""

from __future__ import annotations

from alembic import context

from bot.db.databases import database, is_ours

config = context.config
db = database(config.get_main_option("database") or "")
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `python -m bot db …` (bot.db.migrate), which passes a connection")

context.configure(
    connection=connection,
    target_metadata=db.metadata(),
    version_table=db.version_table,
    render_as_batch=True,
    compare_type=True,
    include_name=lambda name, kind, _parents: kind != "table" or is_ours(str(name), db),
)
with context.begin_transaction():
    context.run_migrations()
