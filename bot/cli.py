"""Command line of the assistant: ``python -m bot <command>``.

Commands:
    load-knowledge   validate data/knowledge/*.yml and load it into the database
    check-knowledge  validate only; loads nothing
    build-spacy      write the offline German spaCy pipeline (blank + lookup lemmas)
    nlu-report       held-out NLU accuracy of a trained model, failing below the targets
    agents           phone hotline: show or set free agents, queue, hours override
    callbacks        callback requests (phone and web chat): list, mark done, purge (retention), delete
    console          staff console: users, retention, deletion by id, review export
    secrets          create the local secrets (API and action-server tokens, web-chat key)
    db               schema migrations of the knowledge, staff and telephony databases (bot.db.cli)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import DATABASE_URLS, PROJECT_ROOT, Settings, database_url
from bot.nlu_report import HOLDOUT_SETS

SPACY_DIR = PROJECT_ROOT / "build" / "spacy-de-lookups"


def database_urls() -> dict[str, str]:
    """The URL of each of our databases (:func:`bot.config.database_url`)."""
    return {name: database_url(name) for name in DATABASE_URLS}


def _load_knowledge(args: argparse.Namespace) -> int:
    from bot.db.engine import get_engine
    from bot.kb.seed import KnowledgeFileError, load_seed, parse_directory

    settings = Settings.from_env()
    directory = Path(args.dir) if args.dir else settings.knowledge_dir
    url = args.db_url or settings.knowledge_db_url
    try:
        seed = parse_directory(directory)
    except KnowledgeFileError as error:
        print(f"error: {error}", file=sys.stderr)
        print("nothing was loaded", file=sys.stderr)
        return 2
    counts = ", ".join(f"{name} {count}" for name, count in seed.counts().items())
    if args.command == "check-knowledge":
        print(f"ok: {directory} is valid ({counts})")
        return 0
    engine = get_engine(url, "knowledge")
    try:
        load_seed(engine, seed)
    finally:
        engine.dispose()
    print(f"loaded {directory} into {engine.url.render_as_string(hide_password=True)} ({counts})")
    return 0


def _build_spacy(args: argparse.Namespace) -> int:
    import spacy

    target = Path(args.out)
    nlp = spacy.blank("de")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # reads the German lookup table from spacy-lookups-data, offline
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    print(f"wrote offline German spaCy pipeline to {target}")
    return 0


def _nlu_report(args: argparse.Namespace) -> int:
    from bot.nlu_report import run_report

    return run_report(Path(args.model), Path(args.data), Path(args.out) if args.out else None,
                      [Path(styles) for styles in args.styles])


def _agents(args: argparse.Namespace) -> int:
    from bot.telephony import runtime

    store = runtime.store()
    if args.action == "set":
        changes = {k: getattr(args, k) for k in ("staffed", "free", "waiting", "avg_handle_seconds")
                   if getattr(args, k) is not None}
        if args.hours is not None:
            changes["hours_override"] = None if args.hours == "auto" else args.hours
        try:
            store.set_board(**changes)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        audit_cli("settings_changed", "phone_board", json.dumps(changes, sort_keys=True))
    board = store.board()
    print(f"staffed {board.staffed}, free {board.free}, waiting {board.waiting}, "
          f"avg handling {board.avg_handle_seconds} s, hours {board.hours_override or 'from knowledge base'}")
    return 0


def masked_contact(phone: str | None, email: str | None) -> str:
    """``…456`` for a number, ``e…@example.de`` for an address: enough to tell requests apart."""
    if phone:
        return f"…{phone[-3:]}"
    if email and "@" in email:
        local, domain = email.split("@", 1)
        return f"{local[:1]}…@{domain}"
    return "-"


def audit_cli(action: str, target: str = "", detail: str = "") -> None:
    """The command in the staff console's audit log (see ``bot.console.cli_data.audit_cli``)."""
    from bot.console.cli_data import audit_cli as record

    record(action, target, detail)


def _callbacks(args: argparse.Namespace) -> int:
    from bot.handoff.phone_numbers import written as written_number
    from bot.handoff.settings import HandoffSettings
    from bot.telephony import runtime

    repo = runtime.callbacks()
    if args.action == "list":
        rows = repo.open_requests()
        if args.show_contact:  # full numbers and addresses: a read of personal data, audited
            audit_cli("view_callbacks", "callbacks", f"{len(rows)} offen")
        for row in rows:
            # Web-chat requests may carry an e-mail address instead of a number.
            full = written_number(row.phone) if row.phone else row.email or "-"
            contact = full if args.show_contact else masked_contact(row.phone, row.email)
            print(f"{row.id:6d}  {row.channel or 'phone':5s}  {row.preferred_day}  {row.window_key:10s}  "
                  f"{contact:24s}  "
                  f"{row.reason or '-'} / {row.service or '-'} / {row.district or '-'}")
        return 0
    if args.action == "done":
        if not repo.mark_done(args.id):
            print(f"error: no open callback request {args.id}", file=sys.stderr)
            return 2
        audit_cli("callback_done", f"callback:{args.id}")
        print(f"callback request {args.id} done")
        return 0
    if args.action == "delete":
        deleted = repo.delete_conversation(args.conversation)
        audit_cli("callback_deleted", f"conversation:{args.conversation}", str(deleted))
        print(f"deleted {deleted} callback request(s) of {args.conversation}")
        return 0
    days = args.days or HandoffSettings.load().retention_days
    purged = repo.purge(days)
    audit_cli("callbacks_purged", f"retention:{days}d", str(purged))
    print(f"deleted {purged} callback request(s) older than {days} days")
    return 0


def _secrets(_: argparse.Namespace) -> int:
    from bot.secrets import LOCAL_SECRETS, ensure_secret_file

    for name in LOCAL_SECRETS:
        path = ensure_secret_file(name)
        if path is not None:
            print(f"created {name} in {path} (mode 0600)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of all commands."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("load-knowledge", "validate and load the seed files (all or nothing)"),
        ("check-knowledge", "validate the seed files without loading"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--dir", help="folder with offices.yml, services.yml, general.yml")
        command.add_argument("--db-url", help="SQLAlchemy URL (default: $KNOWLEDGE_DB_URL or SQLite)")
        command.set_defaults(handler=_load_knowledge)
    spacy_command = commands.add_parser("build-spacy", help="write the offline spaCy pipeline")
    spacy_command.add_argument("--out", default=str(SPACY_DIR))
    spacy_command.set_defaults(handler=_build_spacy)
    report = commands.add_parser("nlu-report", help="held-out NLU accuracy of a trained model")
    report.add_argument("--model", default=str(PROJECT_ROOT / "models" / "buergertelefon.tar.gz"))
    report.add_argument("--data", default=str(HOLDOUT_SETS[0].path))
    report.add_argument("--styles", nargs="*", default=[str(held_out.path) for held_out in HOLDOUT_SETS[1:]],
                        help="held-out sets per style (none: skip)")
    report.add_argument("--out", default=str(PROJECT_ROOT / "results" / "nlu_holdout.json"))
    report.set_defaults(handler=_nlu_report)
    agents = commands.add_parser("agents", help="phone hotline: agent presence, queue, hours override")
    agents_actions = agents.add_subparsers(dest="action", required=True)
    agents_actions.add_parser("show", help="print the agent board")
    board = agents_actions.add_parser("set", help="set fields of the agent board")
    for name in ("staffed", "free", "waiting", "avg_handle_seconds"):
        board.add_argument(f"--{name.replace('_', '-')}", dest=name, type=int)
    board.add_argument("--hours", choices=("open", "closed", "auto"),
                       help="override today's hotline hours, or follow the knowledge base (auto)")
    agents.set_defaults(handler=_agents)
    callbacks = commands.add_parser("callbacks", help="callback requests (phone and web chat) for staff")
    callback_actions = callbacks.add_subparsers(dest="action", required=True)
    listing = callback_actions.add_parser("list", help="open requests, the earliest due first (contacts masked)")
    listing.add_argument("--show-contact", action="store_true", help="full numbers and addresses (audited)")
    done = callback_actions.add_parser("done", help="mark a request as done")
    done.add_argument("id", type=int)
    purge = callback_actions.add_parser("purge", help="delete requests older than the retention period")
    purge.add_argument("--days", type=int, help="default: retention_days in handoff.yml")
    delete = callback_actions.add_parser("delete", help="delete the requests of one call (deletion request)")
    delete.add_argument("conversation")
    callbacks.set_defaults(handler=_callbacks)
    secrets_command = commands.add_parser("secrets", help="local secrets of the processes")
    secrets_command.add_argument("action", choices=("init",),
                                 help="init: create var/secrets/* with random values unless set in the environment")
    secrets_command.set_defaults(handler=_secrets)
    from bot.console.cli import register as register_console
    from bot.db.cli import register as register_db

    register_console(commands)
    register_db(commands, database_urls)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
