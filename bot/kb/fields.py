"""Typed, line-aware field access for seed YAML mappings."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from datetime import date, time
from pathlib import Path
from typing import Any, NoReturn

from bot.kb.yaml_lines import KnowledgeFileError, LineDict

KEY_PATTERN = re.compile(r"^[a-z0-9_]+$")
URL_PATTERN = re.compile(r"^https?://[^\s<>\"']+$")
TIME_RANGE_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")

DISTRICTS = frozenset(
    ["mitte", "nord", "ost", "sued", "west", "bad_cannstatt", "birkach", "botnang", "degerloch", "feuerbach",
     "hedelfingen", "moehringen", "muehlhausen", "muenster", "obertuerkheim", "plieningen", "sillenbuch", "stammheim",
     "untertuerkheim", "vaihingen", "wangen", "weilimdorf", "zuffenhausen"]
)
SERVICES = frozenset(
    ["personalausweis", "reisepass", "wohnsitz_anmeldung", "wohnsitz_abmeldung", "meldebescheinigung",
     "fuehrungszeugnis", "bewohnerparkausweis", "fuehrerschein", "kfz_zulassung", "aufenthaltstitel", "einbuergerung",
     "gewerbeanmeldung", "fundsache", "grundsicherung", "hilfe_zum_lebensunterhalt", "wohngeld", "bonuscard",
     "hilfe_zur_pflege", "bildung_und_teilhabe", "buergergeld"]
)


class Fields:
    """Reads and validates the fields of one YAML mapping.

    Every error names the file and the line of the mapping.
    """

    def __init__(self, path: Path, mapping: Any, what: str, parent_line: int = 0) -> None:
        self.path = path
        self.line = getattr(mapping, "line", parent_line)
        if not isinstance(mapping, dict):
            self.fail(f"{what} must be a mapping, got {type(mapping).__name__}")
        self.mapping: dict = mapping
        self.what = what

    def fail(self, message: str) -> NoReturn:
        """Raise a :class:`KnowledgeFileError` at this mapping's line."""
        raise KnowledgeFileError(self.path, self.line, message)

    def only(self, allowed: Iterable[str]) -> None:
        """Reject keys that are not in ``allowed`` (catches typos)."""
        unknown = sorted(set(self.mapping) - set(allowed))
        if unknown:
            self.fail(f"{self.what}: unknown field(s) {', '.join(map(str, unknown))}")

    def text(self, key: str, required: bool = True, max_length: int = 2000) -> str | None:
        """A non-empty string (or None when optional and missing/null)."""
        value = self.mapping.get(key)
        if value is None:
            if required:
                self.fail(f"{self.what}: field '{key}' is required")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{self.what}: field '{key}' must be a non-empty string")
        if len(value) > max_length:
            self.fail(f"{self.what}: field '{key}' is longer than {max_length} characters")
        return value.strip()

    def key(self, key: str = "key") -> str:
        """A lower-case identifier."""
        value = self.text(key)
        assert value is not None
        if not KEY_PATTERN.match(value):
            self.fail(f"{self.what}: '{key}' must match {KEY_PATTERN.pattern}, got {value!r}")
        return value

    def url(self, key: str, required: bool = True) -> str | None:
        """An http(s) URL."""
        value = self.text(key, required=required, max_length=500)
        if value is not None and not URL_PATTERN.match(value):
            self.fail(f"{self.what}: '{key}' is not an http(s) URL: {value!r}")
        return value

    def choice(self, key: str, choices: Iterable[str], required: bool = True) -> str | None:
        """One of ``choices``."""
        value = self.text(key, required=required)
        allowed = sorted(choices)
        if value is not None and value not in allowed:
            self.fail(f"{self.what}: '{key}' must be one of {', '.join(allowed)}, got {value!r}")
        return value

    def day(self, key: str) -> date:
        """An ISO date written without quotes (YYYY-MM-DD)."""
        value = self.mapping.get(key)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = date.fromisoformat(value)
        if not isinstance(value, date):
            self.fail(f"{self.what}: '{key}' must be a date YYYY-MM-DD, got {value!r}")
        return value

    def flag(self, key: str) -> bool | None:
        """True, False or None (unknown)."""
        value = self.mapping.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail(f"{self.what}: '{key}' must be true, false or null, got {value!r}")
        return value

    def cents(self, key: str) -> int:
        """A non-negative whole number of cents (floats are rejected: no money as float)."""
        value = self.mapping.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(f"{self.what}: '{key}' must be a whole number of cents >= 0, got {value!r}")
        return value

    def items(self, key: str) -> list:
        """A list; missing, null or the marker string ``unknown`` give an empty list."""
        value = self.mapping.get(key)
        if value is None or value == "unknown":
            return []
        if not isinstance(value, list):
            self.fail(f"{self.what}: '{key}' must be a list or 'unknown'")
        return value

    def source(self) -> dict[str, Any]:
        """``source_url`` and ``verified_on`` of a fact row (both required)."""
        return {"source_url": self.url("source_url"), "verified_on": self.day("verified_on")}

    def sub(self, value: Any, what: str) -> Fields:
        """Fields of a nested mapping (inherits this line when it has none)."""
        return Fields(self.path, value, what, parent_line=self.line)


def parse_time_range(fields: Fields, value: str) -> tuple[time, time]:
    """Parse ``"08:30-13:00"`` into two times, opening before closing."""
    match = TIME_RANGE_PATTERN.match(value.strip()) if isinstance(value, str) else None
    if not match:
        fields.fail(f"opening range must look like '08:30-13:00', got {value!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        opens, closes = time(h1, m1), time(h2, m2)
    except ValueError:
        fields.fail(f"opening range has an impossible time: {value!r}")
    if opens >= closes:
        fields.fail(f"opening range closes before it opens: {value!r}")
    return opens, closes


__all__ = ["DISTRICTS", "SERVICES", "Fields", "KnowledgeFileError", "LineDict", "parse_time_range"]
