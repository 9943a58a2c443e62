"""The web chat's callback / e-mail reply: loop action ``action_contact_request``.

Offered outside staffed hours or with a full queue (``actions/handoff_queue.py``), and
started directly by ``request_callback``. The steps are the written wording of the
callback dialogue of both channels (``bot/handoff/callback/``); this module runs it as a
Rasa loop (``actions/loop.py``, like the phone's ``action_phone_dialog``): while it is
active it gets every message first, hands an emergency or a clear new question back to
the rules, and stores the request only after consent, as a ``callback_requests`` row with \
``channel="web"``. The ``contact_data`` slot
is reset when the dialogue ends, whatever the outcome.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.loop import Loop, is_new_question, latest_intent
from actions.replies import Reply, hotline_hint, is_voice, send
from actions.staff import base_settings
from bot.german import clock, day_relative
from bot.handoff.callback import dialogue
from bot.handoff.callback.turns import Message, Turn
from bot.handoff.callback.windows import Window
from bot.handoff.contact import EMAIL_PLACEHOLDER, PHONE_PLACEHOLDER, restore_contact
from bot.handoff.short_answers import Answer
from bot.kb import hours as hours_logic
from bot.kb.shared import repository
from bot.telephony import runtime
from bot.telephony.callbacks import HELD_CONTACT_HOURS, CallbackLimitReached, CallContext
from bot.telephony.settings import TelephonyConfigError
from bot.telephony.store.base import AgentBoard

logger = logging.getLogger(__name__)
#: What the ``contact_data`` slot holds instead of the values (held by the channel, not the tracker).
CONTACT_PLACEHOLDERS = {"phone": PHONE_PLACEHOLDER, "email": EMAIL_PLACEHOLDER}
LIMIT_REACHED = "Im Moment können wir leider keine weiteren Rückrufwünsche annehmen. Es wurde nichts gespeichert."

SLOT = "contact_data"
#: The loop; the rules always answer an emergency.
LOOP = Loop("action_contact_request", (SLOT,), frozenset({"emergency"}))
#: Besides ``ask_…``, these intents are a new question that leaves the dialogue.
NEW_QUESTION_INTENTS = frozenset({"report_issue", "request_human", "bot_challenge"})
CLOSED = "Unsere Mitarbeiterinnen und Mitarbeiter sind gerade nicht erreichbar."
QUEUE_FULL = "Im Moment warten schon sehr viele Menschen auf ein Gespräch."
STORE_FAILED = "Das Speichern hat leider nicht geklappt."
STORE_ERRORS = (SQLAlchemyError, OSError, TelephonyConfigError)


def closed_lead(next_opening: datetime | None, now: datetime) -> str:
    """``"… nicht erreichbar. Sie sind wieder am Montag, 30.11. ab 8:00 Uhr für Sie da."``."""
    if next_opening is None:
        return CLOSED
    local = next_opening.astimezone(now.tzinfo)
    return f"{CLOSED} Sie sind wieder {day_relative(local.date(), now.date())} ab {clock(local.time())} für Sie da."


#: The agent board has not been read yet by the caller (read it here).
UNREAD: Any = object()


def contact_windows(now: datetime, board: AgentBoard | None) -> list[Window]:
    """The callback windows to offer now: hotline hours from the knowledge base, as on the phone,
    with today's staff override of the agent board (none offered while the board is unreachable)."""
    if board is None:
        return []
    return runtime.callback_offer(board.hours_override, now)


def start_contact(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str,
                  closed: bool | None = None, next_opening: datetime | None = None,
                  method: str | None = None, board: Any = UNREAD) -> list[EventType]:
    """Offer a callback or an e-mail reply (``closed``: outside hours, False: queue full).

    ``method="phone"`` (the citizen asked for a callback) goes straight to the number;
    ``board``: the agent board the caller has read already (None: unreachable).
    """
    now = hours_logic.now()
    lead = None if closed is None else closed_lead(next_opening, now) if closed else QUEUE_FULL
    windows = contact_windows(now, runtime.board() if board is UNREAD else board)
    turn = dialogue.start("written", windows, now.date(), reason=reason, lead=lead, method=method,
                          retention_days=base_settings().retention_days)
    if turn.outcome == "unavailable" and lead:
        turn.messages.insert(0, Message(lead))
    return apply_turn(dispatcher, tracker, turn, in_loop=False)


def context_of(tracker: Tracker, reason: str | None) -> CallContext:
    """Conversation id, reason, service and district for the staff's list."""
    return CallContext(tracker.sender_id, reason, tracker.get_slot("service"), tracker.get_slot("district"))


def apply_turn(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn, in_loop: bool,
               held: tuple[str | None, str | None] = (None, None)) -> list[EventType]:
    """Send a turn's messages; store the request when consented; enter, stay in or leave the loop.

    ``held``: the phone number and e-mail address already held for the conversation.
    """
    messages = list(turn.messages)
    if turn.outcome == "stored" and turn.draft is not None:
        draft = turn.draft
        try:
            runtime.callbacks().add_web(context_of(tracker, draft.reason), draft.window, phone=draft.phone,
                                        email=draft.email, now=hours_logic.now())
        except CallbackLimitReached:
            logger.warning("web callback request refused: hourly limit reached")
            messages = [Message(f"{LIMIT_REACHED} {hotline_hint(repository(), lead='Bitte')[0]}".strip())]
        except STORE_ERRORS:
            logger.exception("callback request not stored")
            messages = [Message(f"{STORE_FAILED} {hotline_hint(repository(), lead='Bitte')[0]}".strip())]
    if turn.outcome == "unavailable" and messages:  # the way to 115 once, after the last message
        written, _ = hotline_hint(repository(), lead="Bitte")
        last = messages[-1]
        messages[-1] = Message(f"{last.text} {written}".strip(), last.buttons)
    for message in messages:
        send(dispatcher, tracker, Reply(message.text, message.text, list(message.buttons)))
    if turn.state is not None:
        hold_contact(tracker.sender_id, turn.state, held)
        return LOOP.enter({SLOT: protected_state(turn.state)}, in_loop)
    forget_contact(tracker.sender_id)
    return LOOP.leave() if in_loop else [SlotSet(SLOT, None)]


def protected_state(state: dict[str, Any]) -> dict[str, Any]:
    """The dialogue's state as the tracker keeps it: placeholders instead of number and address."""
    return {**state, **{key: placeholder for key, placeholder in CONTACT_PLACEHOLDERS.items() if state.get(key)}}


def restored_state(state: dict[str, Any], phone: str | None, email: str | None) -> dict[str, Any]:
    """The state with the held values in place of the placeholders."""
    values = {"phone": phone, "email": email}
    return {key: values[key] if key in values and value == CONTACT_PLACEHOLDERS[key] else value
            for key, value in state.items()}


def hold_contact(sender_id: str, state: dict[str, Any], held: tuple[str | None, str | None]) -> None:
    """Hold the state's number and address server-side (the slot gets placeholders).

    The channel usually holds them already (``held``); only what differs is written.
    """
    values = {key: state[key] for key, known in zip(("phone", "email"), held, strict=False)
              if state.get(key) and state[key] not in (CONTACT_PLACEHOLDERS[key], known)}
    if values:
        try:
            runtime.callbacks().hold_contact(sender_id, **values)
        except STORE_ERRORS:
            logger.exception("contact details could not be held")


def held_contact(sender_id: str) -> tuple[str | None, str | None]:
    """What the channel held for this conversation (see ``channels/contact_guard.py``)."""
    try:
        return runtime.callbacks().held_contact(sender_id)
    except STORE_ERRORS:
        logger.exception("held contact details unavailable")
        return None, None


def forget_contact(sender_id: str) -> None:
    """The dialogue ended: nothing the citizen typed is kept (unless it was stored with consent)."""
    try:
        runtime.callbacks().forget_contact(sender_id)
    except STORE_ERRORS:
        logger.exception("held contact details not deleted (they expire after %d h)", HELD_CONTACT_HOURS)


def hand_back(tracker: Tracker) -> list[EventType]:
    """The loop does not handle this message: leave the dialogue (nothing stored), the rules answer."""
    forget_contact(tracker.sender_id)
    return LOOP.hand_back()


class ActionContactRequest(Action):
    """The loop of the callback / e-mail dialogue in the web chat."""

    def name(self) -> str:
        """Action name (also the loop's name)."""
        return LOOP.name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Handle the citizen's answer to the current step, or hand it back to the rules."""
        state = tracker.get_slot(SLOT)
        intent, _ = latest_intent(tracker)
        if not isinstance(state, dict) or intent in LOOP.handed_back or is_voice(tracker):
            return hand_back(tracker)
        phone, email = held_contact(tracker.sender_id)
        state = restored_state(state, phone, email)
        answer = Answer(text=restore_contact(tracker.latest_message.get("text") or "", phone, email), intent=intent)
        if is_new_question(tracker, NEW_QUESTION_INTENTS) and not dialogue.fits(state, answer):
            return hand_back(tracker)
        turn = dialogue.advance(state, answer, hours_logic.now().date())
        return apply_turn(dispatcher, tracker, turn, in_loop=True, held=(phone, email))
