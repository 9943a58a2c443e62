"""Phone calls (input channel ``audiocodes``): silence, keypad, hangup, transfer status,
the handoff of the CovBot-style peak-load mode, and the phone dialogue loop.

Handoff when a caller wants a person:

* hotline closed (knowledge-base hours, holidays, staff override) → callback offer for
  the next working day;
* an agent free (agent board in the shared store) → transfer with context in SIP headers;
* all agents busy → queue position and estimated wait; the caller chooses to wait
  (transfer into the queue) or a callback.

Steps that expect a specific answer (keypad menu, wait-or-callback, the callback
dialogue, spoken wording of ``bot/handoff/callback/``) run in ``action_phone_dialog``, a
Rasa loop (``actions/loop.py``): while it is active it gets every caller input first, and
hands anything it does not expect back to the rules (a new question, an emergency, the hangup).
"""

from __future__ import annotations

import abc
import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, ConversationPaused, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import repository
from actions.loop import Loop, is_new_question, latest_intent
from actions.offices import latest_entity
from actions.replies import is_voice
from bot.german import clock_spoken, day_spoken
from bot.handoff.callback import dialogue
from bot.handoff.callback.spoken import SILENT_GOODBYE
from bot.handoff.callback.turns import Numbers, Turn
from bot.handoff.callback.windows import offer_windows
from bot.handoff.short_answers import Answer
from bot.handoff.staffing import CLOSED, CONNECT, route, staffed_hours
from bot.handoff.wait import estimated_wait_minutes, minutes_spoken
from bot.kb import hours as hours_logic
from bot.kb.models import Office
from bot.kb.repository import RecordNotFound
from bot.nlu.folding import words
from bot.telephony import runtime
from bot.telephony.activities import NUMBER_ENTERED, collect_digits_params, hangup_event, message, transfer_event
from bot.telephony.callbacks import CallContext

logger = logging.getLogger(__name__)

EVENT_INTENTS = frozenset({"phone_start", "phone_no_input", "phone_dtmf", "phone_hangup", "phone_transfer_status"})
#: Intents that say nothing about what the call is about (left out of the transfer context).
NON_TOPIC_INTENTS = EVENT_INTENTS | {
    "request_human", "request_callback", "affirm", "deny", "greet", "thank", "goodbye",
    "bot_challenge", "nlu_fallback", "out_of_scope", "inform",
}
#: The loop of the phone steps; the rules always answer these intents.
LOOP = Loop("action_phone_dialog", ("phone_step", "phone_data"),
            frozenset({"phone_hangup", "phone_transfer_status", "phone_start", "emergency"}))

HOW_ELSE = "Wie kann ich Ihnen sonst helfen?"
PRESS_ZERO = "Für eine Mitarbeiterin oder einen Mitarbeiter drücken Sie die 0."
REPROMPT = f"Sind Sie noch da? Stellen Sie gern Ihre Frage, zum Beispiel: Was kostet ein Personalausweis? {PRESS_ZERO}"
DTMF_HINT = f"Bitte sagen Sie mir Ihr Anliegen. {PRESS_ZERO}"
WAIT_OR_CALLBACK = "Möchten Sie warten? Dann drücken Sie die 1. Für einen Rückruf drücken Sie die 2."
MENU = (
    "Ich habe Sie leider nicht verstanden. Bitte wählen Sie über die Telefontastatur: "
    "Für das Bürgerbüro drücken Sie die 1, für die Ausländerbehörde die 2, für das Sozialamt die 3. "
    f"{PRESS_ZERO}"
)
MENU_AGAIN = ("Bitte drücken Sie die 1 für das Bürgerbüro, die 2 für die Ausländerbehörde, die 3 für das Sozialamt. "
              f"{PRESS_ZERO}")
#: Keypad menu: department key and what the bot can answer there (services in data/knowledge).
DEPARTMENTS = {
    "1": ("buergerbuero", ("Zum Bürgerbüro nenne ich Ihnen Öffnungszeiten, Unterlagen und Gebühren, zum Beispiel "
                          "für Personalausweis, Reisepass oder die Anmeldung einer Wohnung. Fragen Sie zum Beispiel: "
                          "Was kostet ein Reisepass?")),
    "2": ("auslaenderbehoerde", ("Zur Ausländerbehörde gebe ich Auskunft zum Aufenthaltstitel und zur Einbürgerung. "
                                "Fragen Sie zum Beispiel: Welche Unterlagen brauche ich für den Aufenthaltstitel?")),
    "3": ("sozialamt", ("Zum Sozialamt gebe ich Auskunft zum Beispiel zu Wohngeld, Grundsicherung und Bonuscard. "
                       "Fragen Sie zum Beispiel: Wie beantrage ich Wohngeld?")),
}
TRANSFER_NOW = "Ich verbinde Sie mit einer Mitarbeiterin oder einem Mitarbeiter. Einen Moment bitte."
TRANSFER_FAILED = "Leider konnte ich Sie gerade nicht verbinden. Möchten Sie, dass wir Sie zurückrufen?"
_WAIT_WORDS = ("wart", "bleib", "verbind", "dran")
_CALLBACK_WORDS = ("ruckruf", "zuruckruf", "anruf")


# --------------------------------------------------------------------------- events


def close_events() -> list[EventType]:
    """End of the call in the tracker: no loop, no slots (nothing personal left), paused for good."""
    return [ActiveLoop(None), AllSlotsReset(), ConversationPaused()]


def hang_up(dispatcher: CollectingDispatcher, reason: str) -> list[EventType]:
    """Ask the gateway to end the call, and close the conversation."""
    dispatcher.utter_message(json_message=hangup_event(reason))
    return close_events()


def say(dispatcher: CollectingDispatcher, text: str, collect_digits: bool = False) -> None:
    """One spoken message; ``collect_digits`` lets the caller type a number ending with #."""
    if collect_digits:
        dispatcher.utter_message(json_message=message(text, collect_digits_params()))
    else:
        dispatcher.utter_message(text=text)


# --------------------------------------------------------------------------- context


def hotline_office() -> Office | None:
    """The office whose hours are the hotline's (``telephony.yml``), None if it is missing."""
    name = runtime.settings().hotline_office
    try:
        return repository().office(name)
    except RecordNotFound:
        logger.error("hotline office %r is not in the knowledge base", name)
        return None


def from_gateway(tracker: Tracker) -> bool:
    """The latest message is a phone event sent by the channel (never an NLU guess)."""
    text = tracker.latest_message.get("text") or ""
    return is_voice(tracker) and text.startswith("/phone_")


def topic_intent(tracker: Tracker) -> str:
    """The caller's latest intent that names a concern (e.g. ``ask_fees``), else ``request_human``."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name and name not in NON_TOPIC_INTENTS:
            return name
    return "request_human"


def call_context(tracker: Tracker) -> CallContext:
    """Conversation id, concern, service and district of this call."""
    return CallContext(tracker.sender_id, topic_intent(tracker), tracker.get_slot("service"),
                       tracker.get_slot("district"))


def numbers(tracker: Tracker) -> Numbers:
    """Caller ID and typed number of this call, from the call store (never from the tracker)."""
    call = runtime.store().get_call(tracker.sender_id)
    return Numbers(call.caller, call.entered_number) if call else Numbers()


def answer_from(tracker: Tracker) -> Answer:
    """The caller's latest input as an answer to a dialogue step."""
    intent, _ = latest_intent(tracker)
    if intent == "phone_no_input":
        return Answer(no_input=True)
    if intent == "phone_dtmf":
        dtmf = latest_entity(tracker, "dtmf")
        return Answer(number_entered=True) if dtmf == NUMBER_ENTERED else Answer(dtmf=dtmf)
    return Answer(text=tracker.latest_message.get("text"), intent=intent)


def trailing_no_inputs(tracker: Tracker) -> int:
    """How many of the latest caller inputs in a row were silence."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != "phone_no_input":
            break
        count += 1
    return count


def _next_opening_said(opening: datetime | None, now: datetime) -> str:
    if opening is None:
        return ""
    when = "heute" if opening.date() == now.date() else "morgen" if (opening.date() - now.date()).days == 1 \
        else f"am {day_spoken(opening.date())}"
    return f" Sie erreichen sie wieder {when} ab {clock_spoken(opening.time())}."


# --------------------------------------------------------------------------- handoff


def start_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, in_loop: bool = False) -> list[EventType]:
    """The caller wants a person: after-hours callback, transfer, or queue (see module docstring)."""
    store = runtime.store()
    board = store.board()
    now = hours_logic.now()
    staffing = staffed_hours(hotline_office(), now, board.hours_override)
    decision = route(staffing, board.waiting, agents_free=board.free)
    if decision == CLOSED:
        closed = ("Unsere Mitarbeiterinnen und Mitarbeiter sind gerade nicht erreichbar."
                  f"{_next_opening_said(staffing.next_opening, now)}")
        offer = f"{closed} Ich kann einen Rückruf für Sie eintragen. Möchten Sie das?"
        return start_callback(dispatcher, tracker, offer=offer, in_loop=in_loop, closed=closed)
    if decision == CONNECT and store.claim_agent():
        return transfer(dispatcher, tracker, TRANSFER_NOW, kind="agent")
    position = board.waiting + 1
    minutes = estimated_wait_minutes(position, board.avg_handle_seconds, board.staffed)
    say(dispatcher, (
        "Im Moment sind alle Mitarbeiterinnen und Mitarbeiter im Gespräch. "
        f"In der Warteschlange wären Sie an Position {position}, die Wartezeit beträgt {minutes_spoken(minutes)}. "
        "Möchten Sie warten? Dann sagen Sie Ja oder drücken Sie die 1. Für einen Rückruf drücken Sie die 2."
    ))
    return LOOP.enter({"phone_step": "handoff_choice", "phone_data": {}}, in_loop)


def transfer(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, kind: str,
             position: int | None = None) -> list[EventType]:
    """Say ``text`` and transfer the call with its context in SIP headers."""
    context = call_context(tracker)
    headers = {
        "X-Conversation-Id": context.conversation_id,
        "X-Intent": context.reason,
        "X-Service": context.service,
        "X-District": context.district,
        "X-Department": tracker.get_slot("phone_department"),
        "X-Queue-Position": str(position) if position else None,
    }
    say(dispatcher, text)
    dispatcher.utter_message(json_message=transfer_event(runtime.settings().transfer_target,
                                                         f"caller wants a person ({kind})", headers))
    return [ActiveLoop(None), SlotSet("phone_step", None), SlotSet("phone_data", None),
            SlotSet("phone_transfer", kind), FollowupAction("action_listen")]


def join_queue(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The caller waits: into the hotline queue, with the position in the SIP headers."""
    position = runtime.store().join_queue()
    text = (f"Gern. Sie sind an Position {position}. Bitte bleiben Sie in der Leitung, "
            "ich verbinde Sie mit der Warteschlange.")
    return transfer(dispatcher, tracker, text, kind="queue", position=position)


def start_callback(dispatcher: CollectingDispatcher, tracker: Tracker, offer: str | None = None,
                   in_loop: bool = False, closed: str | None = None) -> list[EventType]:
    """Begin the callback dialogue (with an offer question first, if given).

    ``closed``: said first when no callback can be offered (why nobody takes the call).
    """
    now = hours_logic.now()
    windows = offer_windows(hotline_office(), runtime.store().board().hours_override,
                            runtime.settings().callback_windows, now)
    turn = dialogue.start("spoken", windows, now.date(), reason=topic_intent(tracker), lead=offer,
                          numbers=numbers(tracker))
    if turn.outcome == "unavailable" and closed:
        say(dispatcher, closed)
    return apply_turn(dispatcher, tracker, turn, in_loop)


def apply_turn(dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn, in_loop: bool) -> list[EventType]:
    """Speak a callback-dialogue turn and store the request when it is complete."""
    for text in turn.texts:
        say(dispatcher, text, collect_digits=turn.collect_digits)
    if turn.state is not None:
        return LOOP.enter({"phone_step": "callback", "phone_data": {"callback": turn.state}}, in_loop)
    if turn.outcome == "stored" and turn.draft is not None:
        runtime.callbacks().add(turn.draft, call_context(tracker), hours_logic.now())
    if turn.hangup:
        return hang_up(dispatcher, f"callback dialogue: {turn.outcome}")
    say(dispatcher, HOW_ELSE)
    return LOOP.leave()


# --------------------------------------------------------------------------- actions


class _PhoneAction(Action, metaclass=abc.ABCMeta):
    """Phone actions act only on events from the gateway; anything else is clarified.

    Abstract, so rasa-sdk does not register it as an action.
    """

    @abc.abstractmethod
    def name(self) -> str:
        """Action name."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Guard, then :meth:`handle`."""
        if not from_gateway(tracker):
            return [FollowupAction("action_clarify")]
        return self.handle(dispatcher, tracker)

    @abc.abstractmethod
    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """The action itself."""


class ActionPhoneNoInput(_PhoneAction):
    """Silence: reprompt once, then say goodbye and hang up."""

    def name(self) -> str:
        """Action name."""
        return "action_phone_no_input"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Reprompt or end the call."""
        if trailing_no_inputs(tracker) >= 2:
            say(dispatcher, SILENT_GOODBYE)
            return hang_up(dispatcher, "no user input")
        say(dispatcher, REPROMPT)
        return []


class ActionPhoneDtmf(_PhoneAction):
    """Keys outside a menu: 0 is a person, anything else gets a hint."""

    def name(self) -> str:
        """Action name."""
        return "action_phone_dtmf"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Hand off on 0."""
        if latest_entity(tracker, "dtmf") == "0":
            return start_handoff(dispatcher, tracker)
        say(dispatcher, DTMF_HINT)
        return []


class ActionPhoneEnd(_PhoneAction):
    """The caller hung up or the gateway disconnected: close the conversation."""

    def name(self) -> str:
        """Action name."""
        return "action_phone_end"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """No answer, just close."""
        return close_events()


class ActionPhoneTransferStatus(_PhoneAction):
    """The gateway reports a transfer: answered ends the bot's part, a failure offers a callback."""

    def name(self) -> str:
        """Action name."""
        return "action_phone_transfer_status"

    def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        """Offer a callback when the transfer failed (busy, no answer, declined, error)."""
        if latest_entity(tracker, "transfer_status") == "answered":
            return [SlotSet("phone_transfer", None)]
        if tracker.get_slot("phone_transfer") == "queue":
            runtime.store().leave_queue()
        return [SlotSet("phone_transfer", None), *start_callback(dispatcher, tracker, offer=TRANSFER_FAILED)]


def start_menu(dispatcher: CollectingDispatcher) -> list[EventType]:
    """Keypad menu for a caller who was not understood twice."""
    say(dispatcher, MENU)
    return LOOP.enter({"phone_step": "menu", "phone_data": {}}, in_loop=False)


class ActionPhoneDialog(Action):
    """The phone dialogue loop: keypad menu, wait-or-callback choice, callback dialogue."""

    def name(self) -> str:
        """Action name (also the loop's name)."""
        return LOOP.name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Handle the caller's answer to the current step, or hand it back to the rules."""
        step = tracker.get_slot("phone_step")
        data = dict(tracker.get_slot("phone_data") or {})
        intent, _ = latest_intent(tracker)
        if step is None or intent in LOOP.handed_back or not is_voice(tracker):
            return LOOP.hand_back()
        if step == "callback":
            if is_new_question(tracker):
                return LOOP.hand_back()
            turn = dialogue.advance(data.get("callback") or {}, answer_from(tracker), hours_logic.now().date(),
                                    numbers(tracker))
            return apply_turn(dispatcher, tracker, turn, in_loop=True)
        if intent == "phone_no_input":
            data["silences"] = data.get("silences", 0) + 1
            if data["silences"] >= 2:
                say(dispatcher, SILENT_GOODBYE)
                return hang_up(dispatcher, "no user input")
            again = MENU_AGAIN if step == "menu" else WAIT_OR_CALLBACK
            say(dispatcher, f"Sind Sie noch da? {again}")
            return [SlotSet("phone_data", data)]
        if step == "menu":
            return self._menu(dispatcher, tracker, data, intent)
        return self._handoff_choice(dispatcher, tracker, intent)

    @staticmethod
    def _menu(dispatcher: CollectingDispatcher, tracker: Tracker, data: dict, intent: str | None) -> list[EventType]:
        if intent != "phone_dtmf":
            return LOOP.hand_back()  # the caller speaks again: NLU gets another chance
        key = latest_entity(tracker, "dtmf")
        if key == "0":
            return start_handoff(dispatcher, tracker, in_loop=True)
        if key in DEPARTMENTS:
            department, hint = DEPARTMENTS[key]
            say(dispatcher, f"{hint} {PRESS_ZERO}")
            return [*LOOP.leave(), SlotSet("phone_department", department)]
        data["retries"] = data.get("retries", 0) + 1
        if data["retries"] >= 2:
            say(dispatcher, HOW_ELSE)
            return LOOP.leave()
        say(dispatcher, MENU_AGAIN)
        return [SlotSet("phone_data", data)]

    @staticmethod
    def _handoff_choice(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None) -> list[EventType]:
        key = latest_entity(tracker, "dtmf") if intent == "phone_dtmf" else None
        tokens = [w for w, _, _ in words(tracker.latest_message.get("text") or "")] if key is None else []
        wants_callback = (key == "2" or intent == "request_callback"
                          or any(t.startswith(_CALLBACK_WORDS) for t in tokens))
        if wants_callback:
            return start_callback(dispatcher, tracker, in_loop=True)
        if key == "1" or intent in ("affirm", "request_human") or any(t.startswith(_WAIT_WORDS) for t in tokens):
            return join_queue(dispatcher, tracker)
        if intent == "deny":
            say(dispatcher, f"In Ordnung. {HOW_ELSE}")
            return LOOP.leave()
        return LOOP.hand_back()
