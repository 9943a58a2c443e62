"""Latency statistics shared by every benchmark, so their p50/p95/p99 figures compare."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Iterable[float], fraction: float) -> float:
    """The ``fraction`` (0–1, e.g. 0.95 for p95) percentile of ``values`` (any order).

    Definition: **linear interpolation between the closest ranks** (numpy's default
    ``method="linear"``, ``statistics.quantiles(..., method="inclusive")``). With the ``n``
    values sorted as ``x[0] <= … <= x[n-1]``, the rank is ``k = (n - 1) * fraction`` and the
    result is ``x[floor(k)] + (x[floor(k) + 1] - x[floor(k)]) * (k - floor(k))``. So p0 is
    the minimum, p100 the maximum and p50 the median. Not nearest rank: the result need not
    be one of the samples. NaN for no values.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, not {fraction!r}")
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * fraction
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


async def largest_passing(measure: Callable[[int], Awaitable[T]], passes: Callable[[T], bool], start: int,
                          max_n: int, deadline: float, min_step: int) -> tuple[list[T], int, int | None]:
    """The largest load level that passes: double from ``start`` until a level fails, then
    bisect until the gap is at most ``max(min_step, best // 10)`` (or ``deadline``, a
    ``time.monotonic()`` value, has passed). Returns every result in order, the best level
    (0: none passed) and the lowest failing one (None: none failed)."""
    results: list[T] = []
    best, worst = 0, None
    n = start
    while n <= max_n and time.monotonic() < deadline:
        result = await measure(n)
        results.append(result)
        if not passes(result):
            worst = n
            break
        best = n
        n *= 2
    while worst is not None and worst - best > max(min_step, best // 10) and time.monotonic() < deadline:
        n = (best + worst) // 2
        result = await measure(n)
        results.append(result)
        if passes(result):
            best = n
        else:
            worst = n
    return results, best, worst
