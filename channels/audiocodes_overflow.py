"""Admission and overflow calls of the phone channel, without Rasa.

Shared by the Rasa input channel (``channels/audiocodes.py``) and the phone front
(``channels/phone_front.py``, a small process before Rasa): a new call is admitted while
the instance carries fewer than ``max_concurrent_calls`` calls (shared call store); a
call beyond that is an overflow call, which hears the callback offer at once
(``bot/telephony/overflow.py``) — no NLU, no tracker, no action server. The methods are
blocking (call store, databases): async callers run them in a thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.handoff.short_answers import Answer
from bot.kb.models import Office
from bot.metrics import ACTIVE_CALLS, ADMISSION_REJECTIONS
from bot.telephony import runtime
from bot.telephony.activities import config_event
from bot.telephony.overflow import OverflowDialog
from bot.telephony.replicas import ReplicaCount
from bot.telephony.settings import TelephonySettings
from bot.telephony.store.base import CallRecord, CallStore
from channels.audiocodes_api import Activity, CallerInput, interpret, stamp

logger = logging.getLogger(__name__)

#: Path segment of the conversation URLs: calls Rasa serves, and overflow calls the phone front serves.
ADMITTED_PATH, OVERFLOW_PATH = "conversation", "overflow"
#: Bot events after which the rest of a request is moot.
ENDING_EVENTS = frozenset({"hangup", "transfer", "handover"})


@dataclass(frozen=True)
class Begun:
    """A request of a live call: admitted (Rasa answers), or an overflow call's answer."""

    admitted: bool
    activities: list[dict] = field(default_factory=list)


def ends_call(activities: Sequence[dict]) -> bool:
    """The bot asked the gateway to hang up or to transfer the call."""
    return any(a.get("type") == "event" and a.get("name") in ENDING_EVENTS for a in activities)


class Admission:
    """Admission decisions and overflow turns for one instance (``TelephonySettings.instance_id``)."""

    def __init__(self, settings: TelephonySettings, store: CallStore | None = None) -> None:
        self.settings = settings
        self._store = store
        self._dialog: OverflowDialog | None = None
        self._lazy = threading.RLock()  # lazy objects may first be needed in worker threads
        self._replicas = ReplicaCount(settings.replica_hosts) if settings.replica_hosts else None
        ACTIVE_CALLS.set_function(self.active_calls)  # read from the shared store at each scrape

    def active_calls(self) -> float:
        """Calls this instance carries now (``buergertelefon_active_calls``; NaN if the store is down)."""
        try:
            return float(self.store.active_calls(self.settings.instance_id))
        except Exception:  # noqa: BLE001 - a scrape must not fail; the store error is counted where it matters
            return float("nan")

    @property
    def store(self) -> CallStore:
        """The shared call store (opened on first use)."""
        with self._lazy:
            if self._store is None:
                self._store = runtime.store()
            return self._store

    def _hotline_office(self) -> Office | None:
        """The hotline office with its hours (the process's cached knowledge repository)."""
        return runtime.hotline_office(self.settings.hotline_office)

    @property
    def dialog(self) -> OverflowDialog:
        """The overflow dialogue (created on first use)."""
        with self._lazy:
            if self._dialog is None:
                self._dialog = OverflowDialog(self.store, runtime.callbacks(), self.settings, self._hotline_office)
            return self._dialog

    def urls(self, cid: str, path: str = ADMITTED_PATH) -> dict:
        """The conversation URLs (relative to the bot URL) the gateway gets for a new call."""
        base = f"{path}/{cid}"
        return {
            "activitiesURL": f"{base}/activities",
            "disconnectURL": f"{base}/disconnect",
            "refreshURL": f"{base}/keepalive",
            "expiresSeconds": self.settings.expires_seconds,
        }

    def capacity(self) -> int:
        """The calls this instance admits: ``max_concurrent_calls``, per Rasa replica up when
        ``replica_hosts`` is set (a phone front, :mod:`bot.telephony.replicas`)."""
        per_instance = self.settings.max_concurrent_calls
        return per_instance * self._replicas() if self._replicas is not None else per_instance

    def admit(self, cid: str) -> CallRecord:
        """Create the call and decide admission once (a retried create keeps the first decision)."""
        record, created = self.store.create_call(cid, self.settings.instance_id, self.capacity(),
                                                 self.settings.state_ttl_seconds)
        if created:
            if not record.admitted:
                ADMISSION_REJECTIONS.inc()
            logger.info("call %s on %s", "admitted" if record.admitted else "overflow", record.instance)
        return record

    def begin(self, cid: str, items: Sequence[Activity]) -> Begun | None:
        """Begin one request of call ``cid`` (refresh it, note the activity ids); None for an
        unknown call. An overflow call's answer is in ``activities``; an admitted call's
        activities go to Rasa, which answers a retried one once."""
        turn = self.store.begin_turn(cid, [a.id for a in items], self.settings.state_ttl_seconds)
        if turn is None:
            return None
        if turn.call.admitted:
            return Begun(admitted=True)
        return Begun(admitted=False, activities=[stamp(a) for a in self.overflow_activities(cid, items, turn.fresh)])

    def overflow_turn(self, cid: str, caller_input: CallerInput) -> list[dict]:
        """The bot activities answering one input of an overflow call."""
        if caller_input.kind == "start":
            return [config_event(self.settings.voice.session_params()),
                    *self.dialog.start(cid, caller_input.number)]
        if caller_input.kind in ("hangup", "transfer_status"):
            return []
        answer = Answer(
            dtmf=caller_input.dtmf,
            text=caller_input.text,
            no_input=caller_input.kind == "no_input",
            number_entered=caller_input.kind == "number",
        )
        return self.dialog.answer(cid, answer, caller_input.number if caller_input.kind == "number" else None)

    def overflow_activities(self, cid: str, items: Sequence[Activity], fresh: Sequence[bool]) -> list[dict]:
        """The answer to one activities request of an overflow call (retried activities answered once)."""
        out: list[dict] = []
        for activity, is_fresh in zip(items, fresh, strict=False):
            caller_input = interpret(activity) if is_fresh else None
            if caller_input is None:
                continue
            out += self.overflow_turn(cid, caller_input)
            if ends_call(out):
                break
        return out
