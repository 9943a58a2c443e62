"""What every call store shares: the records, the agent board, the :class:`CallStore` ABC.

Every replica of the Rasa server (and the action server) reads and writes the same
store, so any replica can serve any request of any call. The backends:
:mod:`bot.telephony.store.sql` and :mod:`bot.telephony.store.redis_store`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.handoff.settings import HandoffSettings
from bot.telephony.settings import TelephonySettings

HOURS_OVERRIDES = (None, "open", "closed")
#: Default of an optional argument: leave this field as it is (None clears it).
UNSET: Any = object()


@dataclass
class CallRecord:
    """What the store knows about one live call."""

    conversation_id: str
    instance: str
    admitted: bool
    created_at: float
    expires_at: float
    caller: str | None = None
    entered_number: str | None = None
    overflow: dict | None = None


@dataclass(frozen=True)
class AgentBoard:
    """Hotline presence: staffed and free agents, callers waiting, handling time, hours override."""

    staffed: int
    free: int
    waiting: int
    avg_handle_seconds: int
    hours_override: str | None = None

    @classmethod
    def from_settings(cls, settings: TelephonySettings, avg_handle_seconds: int | None = None) -> AgentBoard:
        """Defaults before staff report; handling time: ``avg_handle_minutes`` of ``handoff.yml``."""
        if avg_handle_seconds is None:
            avg_handle_seconds = HandoffSettings.load().avg_handle_minutes * 60
        return cls(settings.staffed_agents, settings.free_agents, settings.waiting_calls, avg_handle_seconds)


@dataclass
class TurnStart:
    """A call at the start of a request, and which of its activity ids are new."""

    call: CallRecord
    fresh: list[bool] = field(default_factory=list)


class CallStore(ABC):
    """Shared call state; all methods are synchronous and safe to call from threads."""

    def __init__(self, defaults: AgentBoard) -> None:
        self.defaults = defaults

    @abstractmethod
    def create_call(self, conversation_id: str, instance: str, max_admitted: int, ttl: float,
                    now: float | None = None) -> tuple[CallRecord, bool]:
        """Create a call; admitted while ``instance`` carries fewer than ``max_admitted`` calls.

        Returns the record and whether it was created now (False: it existed already,
        e.g. the gateway retried the request; the first decision stands).
        """

    @abstractmethod
    def begin_turn(self, conversation_id: str, activity_ids: Sequence[str | None], ttl: float,
                   now: float | None = None) -> TurnStart | None:
        """Refresh a live call and, for an overflow call, record activity ids; None for an
        unknown or expired call.

        ``fresh[i]`` is False when ``activity_ids[i]`` was handled before (a retry);
        activities without an id are always fresh, and so is every activity of an admitted
        call: Rasa answers a retried one once by its message id (``bot/server/rasa_stores.py``),
        so the store writes nothing for it.
        """

    @abstractmethod
    def get_call(self, conversation_id: str, now: float | None = None) -> CallRecord | None:
        """The live call, or None."""

    @abstractmethod
    def update_call(self, conversation_id: str, *, caller: Any = UNSET, entered_number: Any = UNSET,
                    overflow: Any = UNSET) -> bool:
        """Change fields of a live call; False if there is none."""

    @abstractmethod
    def end_call(self, conversation_id: str) -> CallRecord | None:
        """Delete the call's state (it no longer counts for admission); the record, or None."""

    @abstractmethod
    def active_calls(self, instance: str, now: float | None = None) -> int:
        """Admitted live calls of ``instance``."""

    @abstractmethod
    def board(self) -> AgentBoard:
        """The current agent board."""

    @abstractmethod
    def set_board(self, **changes: Any) -> AgentBoard:
        """Set fields of the agent board (staff presence, queue, hours override)."""

    @abstractmethod
    def claim_agent(self) -> bool:
        """Take one free agent for a transfer (atomically); False if none is free."""

    @abstractmethod
    def join_queue(self) -> int:
        """A caller joins the hotline queue; returns the number now waiting (its position)."""

    @abstractmethod
    def leave_queue(self) -> None:
        """A caller left the queue before an agent took the call (e.g. the transfer failed)."""

    @abstractmethod
    def purge_expired(self, now: float | None = None) -> int:
        """Delete expired call state; the number of calls removed."""

    def close(self) -> None:  # noqa: B027 - an optional hook: stores without connections keep the no-op
        """Release connections."""


def check_board(changes: dict[str, Any]) -> dict[str, Any]:
    """The agent board changes, if valid; ValueError for an unknown field or a wrong value."""
    allowed = {"staffed", "free", "waiting", "avg_handle_seconds", "hours_override"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown agent board fields: {sorted(unknown)}")
    for key in ("staffed", "free", "waiting"):
        if key in changes and (not isinstance(changes[key], int) or changes[key] < 0):
            raise ValueError(f"{key} must be a non-negative integer")
    if "avg_handle_seconds" in changes and (not isinstance(changes["avg_handle_seconds"], int)
                                            or changes["avg_handle_seconds"] < 1):
        raise ValueError("avg_handle_seconds must be a positive integer")
    if "hours_override" in changes and changes["hours_override"] not in HOURS_OVERRIDES:
        raise ValueError("hours_override must be 'open', 'closed' or None")
    return changes
