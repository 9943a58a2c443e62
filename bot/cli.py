"""Command line of the assistant: ``python -m bot <command>``.

Commands:
    load-knowledge   validate data/knowledge/*.yml and load it into the database
    check-knowledge  validate only; loads nothing
    build-spacy      write the offline German spaCy pipeline (blank + lookup lemmas)
    nlu-report       held-out NLU accuracy of a trained model, failing below the targets
    agents           phone hotline: show or set free agents, queue, hours override
    callbacks        callback requests (phone and web chat): list, mark done, purge (retention), delete
    console          staff console: users, retention, deletion by id, review export
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from bot.config import PROJECT_ROOT, Settings

SPACY_DIR = PROJECT_ROOT / "build" / "spacy-de-lookups"


def _load_knowledge(args: argparse.Namespace) -> int:
    from bot.kb.database import make_engine
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
    engine = make_engine(url)
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
                      Path(args.styles) if args.styles else None)


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
    board = store.board()
    print(f"staffed {board.staffed}, free {board.free}, waiting {board.waiting}, "
          f"avg handling {board.avg_handle_seconds} s, hours {board.hours_override or 'from knowledge base'}")
    return 0


def _callbacks(args: argparse.Namespace) -> int:
    from bot.telephony import runtime

    repo = runtime.callbacks()
    if args.action == "list":
        for row in repo.open_requests():
            contact = row.phone or row.email or "-"  # web-chat requests may carry an e-mail address instead
            print(f"{row.id:6d}  {row.channel or 'phone':5s}  {row.preferred_day}  {row.window_key:10s}  {contact:24s}  "
                  f"{row.reason or '-'} / {row.service or '-'} / {row.district or '-'}")
        return 0
    if args.action == "done":
        if not repo.mark_done(args.id):
            print(f"error: no open callback request {args.id}", file=sys.stderr)
            return 2
        print(f"callback request {args.id} done")
        return 0
    if args.action == "delete":
        print(f"deleted {repo.delete_conversation(args.conversation)} callback request(s) of {args.conversation}")
        return 0
    days = args.days or runtime.settings().callback_retention_days
    print(f"deleted {repo.purge(days)} callback request(s) older than {days} days")
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
    report.add_argument("--data", default=str(PROJECT_ROOT / "tests" / "nlu" / "holdout.yml"))
    report.add_argument("--styles", default=str(PROJECT_ROOT / "tests" / "nlu" / "holdout_styles.yml"),
                        help="held-out set per style (empty: skip)")
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
    callback_actions.add_parser("list", help="open requests, the earliest due first")
    done = callback_actions.add_parser("done", help="mark a request as done")
    done.add_argument("id", type=int)
    purge = callback_actions.add_parser("purge", help="delete requests older than the retention period")
    purge.add_argument("--days", type=int, help="default: callback.retention_days in telephony.yml")
    delete = callback_actions.add_parser("delete", help="delete the requests of one call (deletion request)")
    delete.add_argument("conversation")
    callbacks.set_defaults(handler=_callbacks)
    from bot.console.cli import register as register_console

    register_console(commands)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
