"""Every benchmark and bench helper imports (benchmarks are not run by ``make test``, so a
renamed helper would otherwise show only in the next ``make bench``)."""

from __future__ import annotations

import importlib

import pytest

from bot.config import PROJECT_ROOT

MODULES = sorted(
    ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    for path in (PROJECT_ROOT / "bench").rglob("*.py")
    if path.name != "__init__.py"
)


def test_there_are_benchmarks() -> None:
    assert {"bench.capacity", "bench.rest_bench", "bench.voice_load", "bench.helpers.node"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_the_module_imports(module: str) -> None:
    importlib.import_module(module)
