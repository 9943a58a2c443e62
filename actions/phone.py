"""Phone calls (input channel ``audiocodes``): silence, keypad, hangup, transfer status and
the phone dialogue loop. The handoff to a person is :mod:`actions.phone_handoff`; the
call's context and the spoken events are :mod:`actions.phone_context`.

Steps that expect a specific answer (keypad menu, wait-or-callback, the callback
dialogue, spoken wording of ``bot/handoff/callback/``) run in ``action_phone_dialog``, a
Rasa loop (``actions/loop.py``): while it is active it gets every caller input first, and
hands anything it does not expect back to the rules (a new question, an emergency, the hangup).
"""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.loop import is_new_question, latest_intent
from actions.offices import latest_entity
from actions.phone_context import (
    HOW_ELSE,
    LOOP,
    answer_from,
    close_events,
    from_gateway,
    hang_up,
    numbers,
    say,
    trailing_no_inputs,
)
from actions.phone_handoff import apply_turn, join_queue, start_callback, start_handoff
from actions.replies import is_voice
from bot.handoff.callback import dialogue
from bot.handoff.callback.spoken import SILENT_GOODBYE
from bot.kb import hours as hours_logic
from bot.nlu.folding import words
from bot.telephony import runtime

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
TRANSFER_FAILED = "Leider konnte ich Sie gerade nicht verbinden. Möchten Sie, dass wir Sie zurückrufen?"
_WAIT_WORDS = ("wart", "bleib", "verbind", "dran")
_CALLBACK_WORDS = ("ruckruf", "zuruckruf", "anruf")


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
