"""Our databases below every app: the engine factory, the table registry and the migrations.

* :mod:`bot.db.engine`: ``get_engine`` (the only engine factory: one engine per process
  and URL, disposed at exit) and ``dispose_all``.
* :mod:`bot.db.databases`: our three databases (``knowledge``, ``staff``, ``telephony``),
  the modules that declare their tables and the Alembic version table of each.
* :mod:`bot.db.migrate`: ``upgrade`` (stamps databases the old ``create_all`` code
  made), ``schema_diff`` (models versus a live database) and ``create_all`` for tests.
* ``bot/db/migrations``: one Alembic environment; ``versions/<database>/`` holds the
  revisions of each database.
* :mod:`bot.db.cli`: ``python -m bot db upgrade|check|current|revision``.

Schema changes go through ``python -m bot db upgrade`` (``make run`` calls it before the
processes start); the processes themselves never create tables.

Nothing here imports an app package (console, handoff, review, telephony) at import
time: the model modules are named as strings and imported when a metadata is needed.
"""
