"""Command line of the assistant: ``python -m bot <command>``.

Commands:
    load-knowledge   validate data/knowledge/*.yml and load it into the database
    check-knowledge  validate only; loads nothing
    build-spacy      write the offline German spaCy pipeline (blank + lookup lemmas)
    nlu-report       held-out NLU accuracy of a trained model, failing below the targets
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

    return run_report(Path(args.model), Path(args.data), Path(args.out) if args.out else None)


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
    report.add_argument("--out", default=str(PROJECT_ROOT / "results" / "nlu_holdout.json"))
    report.set_defaults(handler=_nlu_report)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
