"""A YAML loader that remembers the line of every mapping, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    """A mapping loaded from YAML that knows its 1-based line number."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        mapping = LineDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)


class KnowledgeFileError(ValueError):
    """A seed file is invalid; the message names the file and the line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


def load_yaml(path: Path) -> Any:
    """Load one YAML file; syntax errors become :class:`KnowledgeFileError`."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise KnowledgeFileError(path, line, f"YAML syntax error: {error.problem}") from error
    except UnicodeDecodeError as error:
        raise KnowledgeFileError(path, 0, "file is not UTF-8") from error
