"""The web chat's callback / e-mail reply: loop action ``action_contact_request``.

Offered outside staffed hours or with a full queue (``actions/handoff_queue.py``), and
started directly by ``request_callback``. The steps are the pure state machine in
``bot/handoff/contact_dialog.py``; this module runs it as a Rasa loop (like the phone's
``action_phone_dialog``): while it is active it gets every message first, hands an
emergency or a clear new question back to the rules, and stores the request only after
consent, as a ``callback_requests`` row with ``channel="web"``. The ``contact_data`` slot
is reset when the dialogue ends, whatever the outcome.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.knowledge import repository
from actions.phone import hotline_office
from actions.replies import Reply, hotline_hint, is_voice, send
from actions.staff import base_settings, handoff_settings
from bot.german import WEEKDAY_NAMES
from bot.handoff import contact_dialog
from bot.handoff.contact import EMAIL_PLACEHOLDER, PHONE_PLACEHOLDER, restore_contact
from bot.handoff.contact_dialog import Answer, Turn
from bot.handoff.settings import HandoffConfigError
from bot.kb import hours as hours_logic
from bot.telephony import runtime
from bot.telephony.callbacks import HELD_CONTACT_HOURS, CallbackLimitReached, CallContext
from bot.telephony.hotline import Window, offer_windows
from bot.telephony.settings import TelephonyConfigError

logger = logging.getLogger(__name__)
#: What the ``contact_data`` slot holds instead of the values (held by the channel, not the tracker).
CONTACT_PLACEHOLDERS = {"phone": PHONE_PLACEHOLDER, "email": EMAIL_PLACEHOLDER}
LIMIT_REACHED = "Im Moment können wir leider keine weiteren Rückrufwünsche annehmen. Es wurde nichts gespeichert."

LOOP = "action_contact_request"
SLOT = "contact_data"
#: Intents the loop never handles itself: the rules answer them.
HANDED_BACK = frozenset({"emergency"})
#: A clear new question (an ``ask_…`` intent this sure) that is no valid answer leaves the dialogue.
NEW_QUESTION_CONFIDENCE = 0.6
NEW_QUESTION_INTENTS = frozenset({"report_issue", "request_human", "bot_challenge"})
CLOSED = "Unsere Mitarbeiterinnen und Mitarbeiter sind gerade nicht erreichbar."
QUEUE_FULL = "Im Moment warten schon sehr viele Menschen auf ein Gespräch."
STORE_FAILED = "Das Speichern hat leider nicht geklappt."
STORE_ERRORS = (SQLAlchemyError, OSError, TelephonyConfigError)


def closed_lead(next_opening: Optional[datetime], now: datetime) -> str:
    """``"… nicht erreichbar. Sie sind wieder am Montag ab 8:00 Uhr für Sie da."``."""
    if next_opening is None:
        return CLOSED
    local = next_opening.astimezone(now.tzinfo)
    days = (local.date() - now.date()).days
    when = "heute" if days == 0 else "morgen" if days == 1 else f"am {WEEKDAY_NAMES[local.weekday()]}"
    return f"{CLOSED} Sie sind wieder {when} ab {local.hour}:{local.minute:02d} Uhr für Sie da."


def contact_windows(now: datetime) -> list[Window]:
    """The callback windows to offer now: hotline hours from the knowledge base, as on the phone."""
    return offer_windows(hotline_office(), runtime.store().board(), runtime.settings().callback_windows, now)


def retention_days() -> int:
    """Days after which callback requests are deleted (effective handoff settings)."""
    try:
        return handoff_settings().retention_days
    except (SQLAlchemyError, HandoffConfigError):
        logger.exception("handoff settings unavailable")
        return base_settings().retention_days


def start_contact(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str,
                  closed: Optional[bool] = None, next_opening: Optional[datetime] = None,
                  method: Optional[str] = None) -> List[EventType]:
    """Offer a callback or an e-mail reply (``closed``: outside hours, False: queue full).

    ``method="phone"`` (the citizen asked for a callback) goes straight to the number.
    """
    now = hours_logic.now()
    lead = None if closed is None else closed_lead(next_opening, now) if closed else QUEUE_FULL
    try:
        windows = contact_windows(now)
    except STORE_ERRORS:
        logger.exception("callback windows unavailable")
        windows = []
    turn = contact_dialog.start(reason, windows, now.date(), retention_days(), lead=lead, method=method)
    if turn.outcome == "unavailable" and lead:
        turn.messages.insert(0, contact_dialog.Message(lead))
    return apply_turn(dispatcher, tracker, turn, in_loop=False)


def context_of(tracker: Tracker, reason: str) -> CallContext:
    """Conversation id, reason, service and district for the staff's list."""
    return CallContext(tracker.sender_id, reason, tracker.get_slot("service"), tracker.get_slot("district"))


def apply_turn(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn, in_loop: bool,
               held: tuple[Optional[str], Optional[str]] = (None, None)) -> List[EventType]:
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
            messages = [contact_dialog.Message(f"{LIMIT_REACHED} {hotline_hint(repository(), lead='Bitte')[0]}".strip())]
        except STORE_ERRORS:
            logger.exception("callback request not stored")
            messages = [contact_dialog.Message(f"{STORE_FAILED} {hotline_hint(repository(), lead='Bitte')[0]}".strip())]
    if turn.outcome == "unavailable":
        written, _ = hotline_hint(repository(), lead="Bitte")
        messages = [contact_dialog.Message(f"{m.text} {written}".strip(), m.buttons) for m in messages]
    for message in messages:
        send(dispatcher, tracker, Reply(message.text, message.text, list(message.buttons)))
    if turn.state is not None:
        hold_contact(tracker.sender_id, turn.state, held)
        events: List[EventType] = [SlotSet(SLOT, protected_state(turn.state))]
        return events + ([] if in_loop else [ActiveLoop(LOOP), FollowupAction("action_listen")])
    forget_contact(tracker.sender_id)
    return [ActiveLoop(None), SlotSet(SLOT, None), FollowupAction("action_listen")] if in_loop else [SlotSet(SLOT, None)]


def protected_state(state: Dict[str, Any]) -> Dict[str, Any]:
    """The dialogue's state as the tracker keeps it: placeholders instead of number and address."""
    return {**state, **{key: placeholder for key, placeholder in CONTACT_PLACEHOLDERS.items() if state.get(key)}}


def restored_state(state: Dict[str, Any], phone: Optional[str], email: Optional[str]) -> Dict[str, Any]:
    """The state with the held values in place of the placeholders."""
    values = {"phone": phone, "email": email}
    return {key: values[key] if key in values and value == CONTACT_PLACEHOLDERS[key] else value
            for key, value in state.items()}


def hold_contact(sender_id: str, state: Dict[str, Any], held: tuple[Optional[str], Optional[str]]) -> None:
    """Hold the state's number and address server-side (the slot gets placeholders).

    The channel usually holds them already (``held``); only what differs is written.
    """
    values = {key: state[key] for key, known in zip(("phone", "email"), held)
              if state.get(key) and state[key] not in (CONTACT_PLACEHOLDERS[key], known)}
    if values:
        try:
            runtime.callbacks().hold_contact(sender_id, **values)
        except STORE_ERRORS:
            logger.exception("contact details could not be held")


def held_contact(sender_id: str) -> tuple[Optional[str], Optional[str]]:
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


def hand_back(tracker: Tracker) -> List[EventType]:
    """The loop does not handle this message: leave the dialogue (nothing stored), the rules answer."""
    forget_contact(tracker.sender_id)
    return [ActiveLoop(None), SlotSet(SLOT, None), ActionExecutionRejected(LOOP)]


def latest_intent(tracker: Tracker) -> tuple[Optional[str], float]:
    """Intent name and confidence of the latest message."""
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


class ActionContactRequest(Action):
    """The loop of the callback / e-mail dialogue in the web chat."""

    def name(self) -> Text:
        """Action name (also the loop's name)."""
        return LOOP

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        """Handle the citizen's answer to the current step, or hand it back to the rules."""
        state = tracker.get_slot(SLOT)
        intent, confidence = latest_intent(tracker)
        if not isinstance(state, dict) or intent in HANDED_BACK or is_voice(tracker):
            return hand_back(tracker)
        phone, email = held_contact(tracker.sender_id)
        state = restored_state(state, phone, email)
        answer = Answer(text=restore_contact(tracker.latest_message.get("text") or "", phone, email), intent=intent)
        new_question = bool(intent) and (intent.startswith("ask_") or intent in NEW_QUESTION_INTENTS)
        if new_question and confidence >= NEW_QUESTION_CONFIDENCE and not contact_dialog.fits(state, answer):
            return hand_back(tracker)
        turn = contact_dialog.advance(state, answer, hours_logic.now().date())
        return apply_turn(dispatcher, tracker, turn, in_loop=True, held=(phone, email))
