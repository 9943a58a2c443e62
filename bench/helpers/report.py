"""How the benchmarks print: a line at once, milliseconds, plain-text tables."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def log(message: str) -> None:
    """Print one line at once (benchmarks run for minutes; the output is their progress)."""
    print(message, flush=True)


def ms(seconds: float) -> str:
    """Seconds as whole milliseconds, ``-`` for no value (NaN)."""
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.0f}"


def table(headers: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        log("  ".join(c.rjust(w) if n and i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        if n == 0:
            log("  ".join("-" * w for w in widths))
