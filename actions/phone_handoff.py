"""The handoff of a caller who wants a person (the CovBot-style peak-load mode).

* hotline closed (knowledge-base hours, holidays, staff override) → callback offer for
  the next working day;
* an agent free (agent board in the shared store) → transfer with context in SIP headers;
* all agents busy → queue position and estimated wait; the caller chooses to wait
  (transfer into the queue) or a callback (the spoken callback dialogue).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.phone_context import HOW_ELSE, LOOP, call_context, hang_up, numbers, say, topic_intent
from bot.german import clock_spoken, day_relative
from bot.handoff.callback import dialogue
from bot.handoff.callback.turns import Turn
from bot.handoff.staffing import CLOSED, CONNECT, route, staffed_hours
from bot.handoff.wait import estimated_wait_minutes, minutes_spoken
from bot.kb import hours as hours_logic
from bot.telephony import runtime
from bot.telephony.activities import transfer_event

#: The agent board has not been read yet by the caller (read it here).
UNREAD: Any = object()
TRANSFER_NOW = "Ich verbinde Sie mit einer Mitarbeiterin oder einem Mitarbeiter. Einen Moment bitte."


def _next_opening_said(opening: datetime | None, now: datetime) -> str:
    if opening is None:
        return ""
    local = opening.astimezone(now.tzinfo)
    when = day_relative(local.date(), now.date(), spoken=True)
    return f" Sie erreichen sie wieder {when} ab {clock_spoken(local.time())}."


# --------------------------------------------------------------------------- handoff


def start_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, in_loop: bool = False) -> list[EventType]:
    """The caller wants a person: after-hours callback, transfer, or queue (see module docstring)."""
    store = runtime.store()
    board = store.board()
    now = hours_logic.now()
    staffing = staffed_hours(runtime.hotline_office(), now, board.hours_override)
    decision = route(staffing, board.waiting, agents_free=board.free)
    if decision == CLOSED:
        closed = ("Unsere Mitarbeiterinnen und Mitarbeiter sind gerade nicht erreichbar."
                  f"{_next_opening_said(staffing.next_opening, now)}")
        offer = f"{closed} Ich kann einen Rückruf für Sie eintragen. Möchten Sie das?"
        return start_callback(dispatcher, tracker, offer=offer, in_loop=in_loop, closed=closed,
                              override=board.hours_override, now=now)
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
                   in_loop: bool = False, closed: str | None = None, override: Any = UNREAD,
                   now: datetime | None = None) -> list[EventType]:
    """Begin the callback dialogue (with an offer question first, if given).

    ``closed``: said first when no callback can be offered (why nobody takes the call);
    ``override``/``now``: today's staff override and the moment, when the caller has them already.
    """
    now = now or hours_logic.now()
    if override is UNREAD:
        override = runtime.store().board().hours_override
    windows = runtime.callback_offer(override, now)
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
