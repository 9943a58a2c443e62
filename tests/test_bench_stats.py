"""The one percentile definition of the benchmarks (linear interpolation between ranks)."""

from __future__ import annotations

import math
import statistics

import pytest

from bench.helpers.stats import percentile


def test_interpolates_between_the_closest_ranks() -> None:
    values = [4.0, 1.0, 3.0, 2.0]  # any order
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 0.5) == 2.5
    assert percentile(values, 0.95) == pytest.approx(3.85)
    assert percentile(values, 1.0) == 4.0


def test_matches_the_standard_librarys_inclusive_quantiles() -> None:
    values = [0.012, 0.030, 0.018, 0.250, 0.041, 0.019, 0.022, 0.090, 0.015, 0.027, 0.033]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    assert percentile(values, 0.95) == pytest.approx(cuts[94])
    assert percentile(values, 0.5) == pytest.approx(statistics.median(values))


def test_one_value_and_no_values() -> None:
    assert percentile([7.0], 0.95) == 7.0
    assert math.isnan(percentile([], 0.95))


def test_rejects_a_percent_instead_of_a_fraction() -> None:
    with pytest.raises(ValueError, match="fraction must be between 0 and 1"):
        percentile([1.0, 2.0], 95)


def test_benchmark_tables_align_and_show_missing_values(capsys) -> None:
    import math

    from bench.helpers.report import ms, table

    table(["level", "p95 ms"], [["1 call", ms(0.0384)], ["no turns", ms(math.nan)]])
    assert capsys.readouterr().out.splitlines() == ["level     p95 ms", "--------  ------", "1 call        38",
                                                    "no turns       -"]


async def test_the_load_search_doubles_then_bisects_to_the_largest_passing_level() -> None:
    import time

    from bench.helpers.stats import largest_passing

    async def measure(n: int) -> int:
        return n

    levels, best, worst = await largest_passing(measure, lambda n: n <= 100, 10, 1000, time.monotonic() + 60,
                                                min_step=4)
    assert levels[:5] == [10, 20, 40, 80, 160] and best <= 100 < (worst or 0) and worst - best <= 10
    assert await largest_passing(measure, lambda n: True, 10, 50, time.monotonic() + 60, min_step=4) == (
        [10, 20, 40], 40, None)
