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

``bot.db.engine`` imports only :mod:`bot.metrics` (its error counter). ``bot.db.databases`` (and so ``migrate`` and
``cli``) imports the model modules (``bot.kb.models``, ``bot.staff``, ``bot.staff.models``,
``bot.handoff.models``, ``bot.handoff.notices``, ``bot.review.models``,
``bot.telephony.models``), which import only their bases; no app package (console, web,
actions, channels) is imported.
"""
