"""Knowledge coverage report: which facts the assistant can answer from a sourced row.

Prints the service × topic table (x = known, . = unknown), the cells known per topic and in
total (of 20 × 7 = 140), the number of requirements per service, and which offices are
complete (address, weekly hours and status all known). Reads ``data/knowledge`` (or
``--dir``) the way ``load-knowledge`` does; needs no database and no server.

    .venv/bin/python bench/knowledge_coverage.py [--dir data/knowledge]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import KNOWLEDGE_DIR
from bot.kb.coverage import TOPICS, Coverage, measure
from bot.kb.seed import KnowledgeFileError, parse_directory

SHORT = {"documents": "docs", "forms": "forms", "fees": "fees", "processing_time": "time",
         "offices": "office", "online": "online", "appointment": "appt"}


def service_table(coverage: Coverage) -> list[str]:
    """The service × topic table with a known count per row and per topic."""
    width = max(len(key) for key in coverage.cells)
    head = " ".join(f"{SHORT[t]:>6}" for t in TOPICS)
    lines = [f"{'service':<{width}} {head}  known  requirements"]
    for key, row in coverage.cells.items():
        marks = " ".join(f"{'x' if row[t] else '.':>6}" for t in TOPICS)
        lines.append(f"{key:<{width}} {marks}  {sum(row.values())}/7    {coverage.requirements[key]}")
    per_topic = coverage.known_per_topic()
    lines.append(f"{'known per topic':<{width}} " + " ".join(f"{per_topic[t]:>6}" for t in TOPICS))
    share = 100 * coverage.known / coverage.total if coverage.total else 0.0
    lines.append(f"cells known: {coverage.known}/{coverage.total} ({share:.0f} %)")
    with_rules = sum(1 for n in coverage.requirements.values() if n)
    lines.append(f"services with requirements: {with_rules}/{len(coverage.requirements)} "
                 f"({sum(coverage.requirements.values())} rows)")
    return lines


def office_table(coverage: Coverage) -> list[str]:
    """Bürgerbüros one per line, then the totals for all offices."""
    lines = ["", "Bürgerbüro                       address  hours  status"]
    for key in coverage.offices_of("buergerbuero"):
        parts = coverage.offices[key]
        marks = "  ".join(f"{'x' if parts[p] else '.':>5}" for p in ("address", "hours"))
        lines.append(f"{key:<32} {marks}  {coverage.office_status[key]}")
    bbs = coverage.offices_of("buergerbuero")
    complete_bb = coverage.complete_offices("buergerbuero")
    lines.append(f"Bürgerbüros complete (address, hours, status): {len(complete_bb)}/{len(bbs)}")
    for part in ("address", "hours", "status"):
        known = sum(coverage.offices[key][part] for key in bbs)
        lines.append(f"  Bürgerbüros with {part}: {known}/{len(bbs)}")
    closed = [key for key in bbs if coverage.office_status[key] == "closed"]
    lines.append(f"  closed (never offered to citizens): {', '.join(closed) or '-'}")
    lines.append(f"all offices complete: {len(coverage.complete_offices())}/{len(coverage.offices)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit 2 when the seed files are invalid."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(KNOWLEDGE_DIR), help="seed folder (default data/knowledge)")
    args = parser.parse_args(argv)
    try:
        seed = parse_directory(Path(args.dir))
    except KnowledgeFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    coverage = measure(seed)
    print("\n".join(service_table(coverage) + office_table(coverage)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
