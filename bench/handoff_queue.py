"""Cost of the handoff queue's operations as the queue grows (SQLite file and PostgreSQL).

    .venv/bin/python bench/handoff_queue.py [--sizes 10,100,1000] [--repeat 200] [--postgres URL]

For each queue length N (waiting conversations of one team before the run; the
enqueue step adds ``--repeat`` more) it prints p50/p95 in ms of:
enqueue (a citizen asks for a person; includes the position query), open_entry (the
citizen's position, asked again), the console's live-queue poll (last_change + the
whole waiting list, as ``/queue/events`` does each second) and a take-over (claim).
PostgreSQL is skipped with a note when the server is not reachable.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.helpers.stats import percentile
from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.handoff.queue import HandoffQueue


def _percentiles(samples: list[float]) -> str:
    return f"{percentile(samples, 0.5) * 1000:7.2f} {percentile(samples, 0.95) * 1000:7.2f}"


def _time(operation: Callable[[int], object], repeat: int) -> list[float]:
    samples = []
    for index in range(repeat):
        start = time.perf_counter()
        operation(index)
        samples.append(time.perf_counter() - start)
    return samples


def run(label: str, url: str, sizes: list[int], repeat: int) -> None:
    """Measure one database."""
    for size in sizes:
        measure(label, url, size, repeat)


def measure(label: str, url: str, size: int, repeat: int) -> None:
    """One queue length on one database."""
    engine = get_engine(url)
    create_all(engine, "staff")  # a fresh benchmark database (processes use `python -m bot db upgrade`)
    queue = HandoffQueue(engine)
    run_id = uuid.uuid4().hex[:8]
    for index in range(size):
        queue.enqueue(f"{run_id}-w{index}", "socketio", "buergertelefon", "request_human")
    enqueue = _time(lambda i: queue.enqueue(f"{run_id}-n{i}", "socketio", "buergertelefon", "fallback"), repeat)
    position = _time(lambda i: queue.open_entry(f"{run_id}-w{size // 2}"), repeat)
    poll = _time(lambda i: (queue.last_change(), queue.waiting()), max(10, repeat // 10))
    ids = [entry.id for entry in queue.waiting()[:repeat]]
    # no console user here: None is the same statement
    claim = _time(lambda i: queue.claim(ids[i % len(ids)], None), min(repeat, len(ids)))  # type: ignore[arg-type]
    print(f"{label:9} {size:>6}  enqueue {_percentiles(enqueue)}  position {_percentiles(position)}"
          f"  live-poll {_percentiles(poll)}  claim {_percentiles(claim)}")
    for entry in queue.history(limit=size + 2 * repeat):
        queue.delete_conversation(entry.conversation_id)
    engine.dispose()


def _postgres_database(admin_url: str) -> str | None:
    name = f"bench_handoff_{uuid.uuid4().hex[:8]}"
    try:
        with get_engine(admin_url).connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))  # name is generated above
    except OperationalError as error:
        print(f"PostgreSQL skipped: {str(error).splitlines()[0]}")
        return None
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _drop_database(admin_url: str, name: str) -> None:
    with get_engine(admin_url).connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # generated name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", help="queue lengths before measuring")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print("database  length  (p50 ms, p95 ms per operation)")
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{Path(folder) / 'staff.db'}", sizes, args.repeat)
    url = _postgres_database(args.postgres)
    if url:
        try:
            run("postgres", url, sizes, args.repeat)
        finally:
            _drop_database(args.postgres, url.rsplit("/", 1)[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
