"""What the phone actions share: the call's context (concern, numbers, the caller's latest
input), the hotline office, and the spoken events (say, hang up, close).

Below :mod:`actions.phone_handoff` (the handoff policy) and :mod:`actions.phone` (the
actions and the dialogue loop); the web's callback request reads the hotline office here.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.loop import Loop, latest_intent
from actions.offices import latest_entity
from actions.replies import is_voice
from bot.handoff.callback.turns import Numbers
from bot.handoff.short_answers import Answer
from bot.telephony import runtime
from bot.telephony.activities import NUMBER_ENTERED, collect_digits_params, hangup_event, message
from bot.telephony.callbacks import CallContext

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
