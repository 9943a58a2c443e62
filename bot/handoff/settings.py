"""Settings of the handoff: ``handoff.yml`` plus the overrides staff saved in the console."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import PROJECT_ROOT
from bot.staff.models import ConsoleSetting

DEFAULT_CONFIG = PROJECT_ROOT / "handoff.yml"
#: Settings the console may override (``console_settings`` rows with these keys).
OVERRIDABLE = ("queue_limit", "always_human_services")


class HandoffConfigError(ValueError):
    """``handoff.yml`` or a stored override is invalid; the message names the value."""


@dataclass(frozen=True)
class Team:
    """A team of agents: its key, name, the office whose hours are its staffed hours, its services."""

    key: str
    name: str
    hours_office: str | None
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class HandoffSettings:
    """Effective handoff settings."""

    teams: tuple[Team, ...]
    queue_limit: int = 10
    avg_handle_minutes: int = 6
    always_human_services: tuple[str, ...] = ()
    retention_days: int = 30
    #: The audit log (staff actions, no citizen text) is kept longer, for accountability.
    audit_retention_days: int = 365

    def team_for(self, service: str | None) -> Team:
        """The first team that lists ``service``, else the first team without services."""
        for team in self.teams:
            if service and service in team.services:
                return team
        for team in self.teams:
            if not team.services:
                return team
        return self.teams[0]

    def team(self, key: str) -> Team | None:
        """The team with this key."""
        return next((team for team in self.teams if team.key == key), None)

    def with_overrides(self, overrides: Mapping[str, Any]) -> HandoffSettings:
        """These settings with the console's overrides applied (validated)."""
        values: dict[str, Any] = {}
        if "queue_limit" in overrides:
            values["queue_limit"] = _positive_int("queue_limit", overrides["queue_limit"], minimum=0)
        if "always_human_services" in overrides:
            values["always_human_services"] = _keys("always_human_services", overrides["always_human_services"])
        return replace(self, **values)

    @classmethod
    def load(cls, path: Path | None = None) -> HandoffSettings:
        """Read ``handoff.yml`` (or ``HANDOFF_CONFIG``).

        Raises:
            HandoffConfigError: for a missing file or an invalid value.
        """
        path = Path(path or os.environ.get("HANDOFF_CONFIG") or DEFAULT_CONFIG)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise HandoffConfigError(f"{path}: {error}") from error
        if not isinstance(raw, dict):
            raise HandoffConfigError(f"{path}: expected a mapping")
        teams = raw.get("teams") or []
        if not isinstance(teams, list) or not teams:
            raise HandoffConfigError(f"{path}: 'teams' must list at least one team")
        parsed = []
        for item in teams:
            if not isinstance(item, dict) or not isinstance(item.get("key"), str):
                raise HandoffConfigError(f"{path}: every team needs a 'key'")
            parsed.append(Team(
                key=item["key"],
                name=str(item.get("name") or item["key"]),
                hours_office=item.get("hours_office"),
                services=_keys(f"teams.{item['key']}.services", item.get("services") or []),
            ))
        return cls(
            teams=tuple(parsed),
            queue_limit=_positive_int("queue_limit", raw.get("queue_limit", 10), minimum=0),
            avg_handle_minutes=_positive_int("avg_handle_minutes", raw.get("avg_handle_minutes", 6)),
            always_human_services=_keys("always_human_services", raw.get("always_human_services") or []),
            retention_days=_positive_int("retention_days", raw.get("retention_days", 30)),
            audit_retention_days=_positive_int("audit_retention_days", raw.get("audit_retention_days", 365)),
        )


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise HandoffConfigError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return value


def _keys(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise HandoffConfigError(f"{name} must be a list of keys, not {value!r}")
    return tuple(v.strip() for v in value)


def stored_overrides(session: Session) -> dict[str, Any]:
    """The overrides saved in the console (``console_settings``)."""
    rows = session.scalars(select(ConsoleSetting).where(ConsoleSetting.key.in_(OVERRIDABLE)))
    return {row.key: row.value for row in rows}


def effective_settings(session: Session, base: HandoffSettings | None = None) -> HandoffSettings:
    """``handoff.yml`` with the console's overrides; a broken override is ignored (file wins)."""
    base = base or HandoffSettings.load()
    try:
        return base.with_overrides(stored_overrides(session))
    except HandoffConfigError:
        return base
