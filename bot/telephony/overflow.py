"""Overflow calls: beyond ``max_concurrent_calls`` the bot answers at once with a short
message and a callback offer, handled here without NLU and without the Rasa dialogue,
so the calls the instance already carries do not slow down."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.handoff.callback import dialogue
from bot.handoff.callback.spoken import fill_numbers
from bot.handoff.callback.turns import Numbers, Turn
from bot.handoff.callback.windows import offer_windows
from bot.handoff.short_answers import Answer
from bot.kb.hours import now as berlin_now
from bot.kb.models import Office
from bot.kb.repository import RecordNotFound
from bot.telephony.activities import collect_digits_params, hangup_event, message
from bot.telephony.callbacks import CallbackRepository, CallContext
from bot.telephony.settings import TelephonySettings
from bot.telephony.store.base import CallStore

logger = logging.getLogger(__name__)

OFFER = ("Guten Tag, hier ist das Bürgertelefon der Stadt Stuttgart. Im Moment sind alle Leitungen belegt. "
         "Möchten Sie, dass wir Sie zurückrufen?")
LATER = "Bitte rufen Sie später noch einmal an. Auf Wiederhören!"
BUSY_LATER = "Guten Tag, hier ist das Bürgertelefon der Stadt Stuttgart. Im Moment sind alle Leitungen belegt. " + LATER


class OverflowDialog:
    """The callback offer for calls that were not admitted; state lives in the call store."""

    def __init__(self, store: CallStore, callbacks: CallbackRepository, settings: TelephonySettings,
                 office: Callable[[], Office | None], clock: Callable[[], datetime] = berlin_now) -> None:
        self._store = store
        self._callbacks = callbacks
        self._settings = settings
        self._office = office
        self._clock = clock

    def start(self, conversation_id: str, caller: str | None) -> list[dict]:
        """The first answer: overflow message and callback offer (or "call later" if none can be offered)."""
        now = self._clock()
        try:
            office: Office | None = self._office()
        except RecordNotFound:
            logger.error("hotline office %r is not in the knowledge base", self._settings.hotline_office)
            office = None
        windows = offer_windows(office, self._store.board().hours_override, self._settings.callback_windows, now)
        numbers = Numbers(caller)
        turn = dialogue.start("spoken", windows, now.date(), reason="overflow", lead=OFFER, numbers=numbers)
        self._store.update_call(conversation_id, caller=caller, overflow=turn.state)
        return self._activities(conversation_id, turn, numbers, now)

    def answer(self, conversation_id: str, answer: Answer, entered_number: str | None = None) -> list[dict]:
        """The caller's next answer (keys, speech or silence)."""
        if entered_number:
            self._store.update_call(conversation_id, entered_number=entered_number)
        call = self._store.get_call(conversation_id)
        if call is None or call.overflow is None:
            return []  # the dialogue is over; the gateway hangs up
        now = self._clock()
        numbers = Numbers(call.caller, call.entered_number)
        turn = dialogue.advance(call.overflow, answer, now.date(), numbers)
        self._store.update_call(conversation_id, overflow=turn.state)
        return self._activities(conversation_id, turn, numbers, now)

    def _activities(self, conversation_id: str, turn: Turn, numbers: Numbers, now: datetime) -> list[dict]:
        params = collect_digits_params() if turn.collect_digits else None
        out = [message(fill_numbers(text, numbers), params) for text in turn.texts]
        if turn.state is not None:
            return out
        if turn.outcome == "stored" and turn.draft is not None:
            self._callbacks.add(turn.draft, CallContext(conversation_id, reason="overflow"), now)
        elif turn.outcome == "unavailable":
            out = [message(BUSY_LATER)]
        elif turn.outcome != "no_input":
            out.append(message(LATER))
        out.append(hangup_event("overflow call completed"))
        return out
