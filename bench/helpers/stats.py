"""Latency statistics shared by every benchmark, so their p50/p95/p99 figures compare."""

from __future__ import annotations

import math
from collections.abc import Iterable


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
