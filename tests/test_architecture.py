"""The house rules, checked on the source with ``ast`` (nothing is imported or run).

* Arrows run downwards: no module under ``bot/`` but the console itself and the
  top-level CLI (``bot/cli.py``, ``bot/__main__.py``) imports ``bot.console``.
* No import cycle between the modules of our packages (``bot``, ``actions``,
  ``channels``, ``bench``), function-local imports included.
* ``bench/`` imports nothing from ``tests/`` (shared simulators live in ``bench/helpers``).
* No module of ours is over :data:`MAX_LINES` lines, but the listed exceptions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from bot.config import PROJECT_ROOT

PACKAGES = ("bot", "actions", "channels", "bench")
MAX_LINES = 400
#: Modules allowed over :data:`MAX_LINES`, each with its reason (lower a limit when a module shrinks).
LONG_MODULES: dict[str, tuple[int, str]] = {}
#: May import the console: the console itself and the CLI that dispatches to it.
CONSOLE_IMPORTERS = ("bot/console/", "bot/cli.py", "bot/__main__.py")


def _sources() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(PROJECT_ROOT).parts:
                yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module name ``path`` imports (absolute; relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in _sources()}
    return {name: {target for target in _imports(path) if target in paths and target != name}
            for name, path in paths.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _relative(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def test_nothing_below_the_console_imports_it() -> None:
    upward = [
        f"{_relative(path)} imports {target}"
        for path in _sources()
        if _relative(path).startswith("bot/") and not _relative(path).startswith(CONSOLE_IMPORTERS)
        for target in _imports(path)
        if target == "bot.console" or target.startswith("bot.console.")
    ]
    assert upward == []


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_bench_imports_no_tests() -> None:
    wrong = [f"{_relative(path)} imports {target}"
             for path in _sources() if _relative(path).startswith("bench/")
             for target in _imports(path) if target == "tests" or target.startswith("tests.")]
    assert wrong == []


def test_no_module_is_over_the_line_limit() -> None:
    too_long = {}
    for path in _sources():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        limit = LONG_MODULES.get(_relative(path), (MAX_LINES, ""))[0]
        if lines > limit:
            too_long[_relative(path)] = lines
    assert too_long == {}


def test_the_listed_exceptions_still_exist_and_are_still_long() -> None:
    for name in LONG_MODULES:
        path = PROJECT_ROOT / name
        assert path.exists(), f"{name} is gone: remove it from LONG_MODULES"
        assert len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES, f"{name} is short now: remove it"
