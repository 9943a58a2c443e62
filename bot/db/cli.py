"""``python -m bot db …``: schema migrations of our databases.

    upgrade   bring every database (or ``--database NAME``) to the newest revision;
              databases the old ``create_all`` code made are stamped, not recreated
    check     compare each database with the models; exit 1 on any difference
    current   print the revision of each database
    revision  write a new revision from what the models changed (developers;
              computed against a throwaway SQLite database at the newest revision)

The URLs come from the caller (:func:`register`), the same settings the processes read
(``KNOWLEDGE_DB_URL``, ``STAFF_DB_URL``, ``TELEPHONY_DB_URL``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.db.databases import DATABASES
from bot.db.engine import get_engine
from bot.db.migrate import current_revision, describe, new_revision, schema_diff, upgrade


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _upgrade(names: list[str], urls: Mapping[str, str]) -> int:
    failed = False
    for name in names:
        engine = get_engine(urls[name], name)
        try:
            result = upgrade(engine, name)
        finally:
            engine.dispose()
        how = ("stamped (existing tables kept)" if result.stamped
               else "unchanged" if result.before == result.after else f"upgraded from {result.before or 'empty'}")
        print(f"{name}: {_shown(urls[name])} at {result.after}, {how}")
        for diff in result.diffs:
            if isinstance(diff, tuple) and diff[0] == "remove_table":  # not ours: left alone
                print(f"  note: table {diff[1].name} is not in the models (left alone)")
                continue
            failed = True
            print(f"  differs from the models: {describe(diff)}", file=sys.stderr)
    if failed:
        print("error: the databases above differ from the models: write a migration "
              "(python -m bot db revision) or, in development, delete the database file", file=sys.stderr)
    return 1 if failed else 0


def _check(names: list[str], urls: Mapping[str, str]) -> int:
    failed = False
    for name in names:
        engine = get_engine(urls[name], name)
        try:
            diffs = schema_diff(engine, name)
            with engine.connect() as connection:
                revision = current_revision(connection, name)
        finally:
            engine.dispose()
        print(f"{name}: at {revision or 'no revision'}, {len(diffs)} difference(s) from the models")
        for diff in diffs:
            print(f"  {describe(diff)}")
        failed = failed or bool(diffs) or revision is None
    return 1 if failed else 0


def _current(names: list[str], urls: Mapping[str, str]) -> int:
    for name in names:
        engine = get_engine(urls[name], name)
        try:
            with engine.connect() as connection:
                print(f"{name}: {current_revision(connection, name) or 'no revision'}")
        finally:
            engine.dispose()
    return 0


def _revision(name: str, message: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        engine = get_engine(f"sqlite:///{Path(folder) / 'head.db'}")
        try:
            upgrade(engine, name)
            path = new_revision(engine, name, message)
        finally:
            engine.dispose()
    print(f"wrote {path}: review it, then run python -m bot db upgrade")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser],
             urls: Callable[[], Mapping[str, str]]) -> None:
    """Add ``db`` to the CLI; ``urls()`` maps each database name to its configured URL."""
    parser = commands.add_parser("db", help="schema migrations: upgrade, check, current, revision")
    actions = parser.add_subparsers(dest="action", required=True)
    for action, text in (("upgrade", "upgrade the databases to the newest revision (stamps old ones)"),
                         ("check", "compare the databases with the models (exit 1 on a difference)"),
                         ("current", "print the revision of each database")):
        command = actions.add_parser(action, help=text)
        command.add_argument("--database", choices=tuple(DATABASES), action="append",
                             help="only this database (repeatable; default: all)")
    revision = actions.add_parser("revision", help="write a revision for a model change (autogenerate)")
    revision.add_argument("--database", choices=tuple(DATABASES), required=True)
    revision.add_argument("-m", "--message", required=True)

    def handle(args: argparse.Namespace) -> int:
        if args.action == "revision":
            return _revision(args.database, args.message)
        names = args.database or list(DATABASES)
        run = {"upgrade": _upgrade, "check": _check, "current": _current}[args.action]
        return run(names, urls())

    parser.set_defaults(handler=handle)
