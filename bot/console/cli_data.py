"""``python -m bot console`` subcommands for data protection and the review (audited ``cli:<user>``).

    purge [--days N]                  delete everything older than the retention period
    delete-conversation ID            delete all data of one conversation (a citizen's request)
    ingest                            copy new tracker events into the review tables now
    export-annotations --out FILE     annotated messages as Rasa NLU YAML (redacted)

Databases come from the console's environment (``STAFF_DB_URL``, ``ENDPOINTS_FILE`` (Rasa's tracker store),
``TELEPHONY_DB_URL``). Each subcommand parser gets ``set_defaults(handler=<function(args) -> int>)``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.console.settings import ConsoleSettings, ConsoleSettingsError
from bot.review.export import export_annotations
from bot.review.ingest import ingest
from bot.review.retention import RetentionError, delete_conversation, purge
from bot.review.stores import open_stores
from bot.staff.audit import record_audit


def cli_actor() -> str:
    """``cli:<operating-system user>`` for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def audit_cli(action: str, target: str = "", detail: str = "") -> None:
    """Record a command-line operation in the console's audit log (actor ``cli:<user>``)."""
    from bot.db.engine import get_engine
    from bot.staff import session_factory, staff_db_url

    engine = get_engine(staff_db_url(), "staff")
    try:
        with session_factory(engine)() as session, session.begin():
            record_audit(session, cli_actor(), action, target, detail)
    finally:
        engine.dispose()


def _settings() -> ConsoleSettings:
    return ConsoleSettings.from_env()


def _print_counts(counts: dict[str, int]) -> None:
    print(json.dumps(counts, sort_keys=True))


def _purge(args: argparse.Namespace) -> int:
    if args.days is not None and args.days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    try:
        counts = purge(_settings(), days=args.days, actor=cli_actor())
    except RetentionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    _print_counts(counts)
    return 0


def _delete(args: argparse.Namespace) -> int:
    try:
        counts = delete_conversation(_settings(), args.conversation_id, cli_actor())
    except RetentionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not any(value for key, value in counts.items()):
        print(f"nothing found for {args.conversation_id}: nothing was deleted", file=sys.stderr)
    _print_counts(counts)
    return 0


def _ingest(_args: argparse.Namespace) -> int:
    with open_stores(_settings()) as stores:
        _print_counts(ingest(stores.tracker_engine, stores.sessions))
    return 0


def _export(args: argparse.Namespace) -> int:
    with open_stores(_settings()) as stores, stores.sessions() as session, session.begin():
        text = export_annotations(session, cli_actor())
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"error: cannot write {args.out}: {error}", file=sys.stderr)
        return 2
    print(f"written: {args.out}")
    return 0


def _guarded(handler):  # type: ignore[no-untyped-def]
    """Turn configuration and database errors into a message and exit code 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except (ConsoleSettingsError, SQLAlchemyError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2

    return run


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    command = actions.add_parser("purge",
                                 help="delete conversations, handoffs, callbacks older than the retention period")
    command.add_argument("--days", type=int, default=None, help="retention in days (default: handoff.yml / console)")
    command.set_defaults(handler=_guarded(_purge))

    command = actions.add_parser("delete-conversation", help="delete all data of one conversation")
    command.add_argument("conversation_id", metavar="ID")
    command.set_defaults(handler=_guarded(_delete))

    command = actions.add_parser("ingest", help="copy new tracker events into the review tables")
    command.set_defaults(handler=_guarded(_ingest))

    command = actions.add_parser("export-annotations", help="annotated messages as Rasa NLU YAML")
    command.add_argument("--out", required=True, help="file to write")
    command.set_defaults(handler=_guarded(_export))
