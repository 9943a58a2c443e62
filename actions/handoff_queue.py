"""The web chat's way to a person: the handoff queue (``bot/handoff/queue.py``).

During the team's staffed hours, and while fewer conversations wait than the queue
limit (one rule with the phone: ``bot/handoff/staffing.py``), the conversation enters
the queue: the citizen hears the position and an estimated wait and can cancel. \
Outside the hours, or with a full queue, the citizen is
offered a callback or an e-mail reply instead (``actions/contact_request.py``). While
an agent has the conversation, the console pauses Rasa; the bot answers again when
the agent hands back. Emergencies are answered by their own rule, also while waiting.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.contact_request import start_contact
from actions.replies import Reply, hotline_hint, is_voice, send
from actions.staff import handoff_queue, handoff_settings, online_agents
from bot.handoff.queue import QueueEntry
from bot.handoff.settings import HandoffConfigError, HandoffSettings, Team
from bot.handoff.staffing import CLOSED, FULL, route, team_staffing
from bot.handoff.summary import build_summary
from bot.handoff.wait import CANCEL_BUTTON, estimated_wait_minutes, position_written
from bot.kb import hours as hours_logic
from bot.kb.repository import RecordNotFound
from bot.kb.shared import repository
from bot.telephony import runtime
from bot.telephony.store.base import AgentBoard

logger = logging.getLogger(__name__)

CONNECTING = "Ich verbinde Sie mit einer Mitarbeiterin oder einem Mitarbeiter."
ALREADY_WAITING = "Sie warten bereits auf eine Mitarbeiterin oder einen Mitarbeiter."
ASK_MEANWHILE = "Bis dahin können Sie mir gern weiter Fragen stellen."
WITH_AGENT = "Eine Mitarbeiterin oder ein Mitarbeiter kümmert sich bereits um Ihr Anliegen."
LEFT_QUEUE = "Sie haben die Warteschlange verlassen. Wie kann ich Ihnen sonst helfen?"
NOT_WAITING = "Sie warten gerade nicht auf eine Mitarbeiterin oder einen Mitarbeiter. Wie kann ich Ihnen helfen?"
#: Errors of the staff database or its settings: the citizen gets the pointer to 115 instead.
STAFF_ERRORS = (SQLAlchemyError, HandoffConfigError, OSError)


def team_override(board: AgentBoard | None, team: Team) -> str | None:
    """The staff override of today (console ``/phone``) for ``team``: it is for the hotline's
    hours, so it applies to a team whose ``hours_office`` is the hotline office."""
    if board is None or team.hours_office != runtime.settings().hotline_office:
        return None
    return board.hours_override


def no_queue_reply() -> Reply:
    """When the staff database cannot be reached: how to reach a person by phone (115)."""
    written, spoken = hotline_hint(repository(), lead="Bitte")
    opening = "Gerne helfen Ihnen unsere Mitarbeiterinnen und Mitarbeiter persönlich."
    return Reply(text=f"{opening} {written}".strip(), voice=f"{opening} {spoken}".strip())


def service_name(key: str | None) -> str | None:
    """The service's name from the knowledge base, None if unknown."""
    if not key:
        return None
    try:
        return repository().service(key).name
    except RecordNotFound:
        return None


def tell_position(dispatcher: CollectingDispatcher, tracker: Tracker, entry: QueueEntry,
                  board: AgentBoard | None, lead: str) -> None:
    """Tell a waiting citizen the position and wait, and record what was told."""
    position = entry.position or 1
    minutes = estimated_wait_minutes(position, runtime.handle_seconds(board), online_agents())
    send(dispatcher, tracker, Reply(
        text=f"{lead} {position_written(position, minutes)} {ASK_MEANWHILE}",
        voice=f"{lead} {position_written(position, minutes)}",
        buttons=[CANCEL_BUTTON],
    ))
    if entry.notified_position != position:
        handoff_queue().mark_notified(entry.id, entry.notified_position, position)


def start_web_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str,
                      settings: HandoffSettings | None = None, service: str | None = None) -> list[EventType]:
    """Queue the conversation for a person, or offer a callback / e-mail reply.

    ``service``: the service the conversation is about (default: the ``service`` slot).

    Returns the events of the action. Never raises for database trouble: the citizen
    then gets the phone number 115 from the knowledge base.
    """
    try:
        return _start_web_handoff(dispatcher, tracker, reason, settings, service or tracker.get_slot("service"))
    except STAFF_ERRORS:
        logger.exception("handoff queue unavailable")
        send(dispatcher, tracker, no_queue_reply())
        return []


def _start_web_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str,
                       settings: HandoffSettings | None, service: str | None) -> list[EventType]:
    queue = handoff_queue()
    settings = settings or handoff_settings()
    existing = queue.open_entry(tracker.sender_id)
    if existing is not None and existing.status == "assigned":
        send(dispatcher, tracker, Reply(WITH_AGENT, WITH_AGENT))
        return []
    board = runtime.board()
    if existing is not None:
        tell_position(dispatcher, tracker, existing, board, ALREADY_WAITING)
        return []
    team = settings.team_for(service)
    staffing = team_staffing(team, repository(), hours_logic.now(), override=team_override(board, team))
    decision = route(staffing, queue.waiting_count(team.key) if staffing.open_now else 0, settings.queue_limit)
    if decision == CLOSED:
        return start_contact(dispatcher, tracker, reason=reason, closed=True, next_opening=staffing.next_opening,
                             board=board)
    if decision == FULL:
        return start_contact(dispatcher, tracker, reason=reason, closed=False, board=board)
    entry = queue.enqueue(
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "rest",
        team=team.key,
        reason=reason,
        service=service,
        district=tracker.get_slot("district"),
        summary=build_summary(reason, tracker.events, service, tracker.get_slot("district"), service_name(service)),
    )
    tell_position(dispatcher, tracker, entry, board, CONNECTING)
    return []


def handoff_for_service(dispatcher: CollectingDispatcher, tracker: Tracker, service: str | None) -> list[EventType]:
    """After an answer about ``service``, if staff always advise on it: the handoff (written channels).

    Nothing happens when the service is not listed, the conversation already waits or
    is with a person, or the staff database cannot be reached. ``service`` is the one the
    answer was about (the slot is set only after the action).
    """
    if not service or is_voice(tracker):
        return []
    try:
        settings = handoff_settings()
        if service not in settings.always_human_services or handoff_queue().open_entry(tracker.sender_id):
            return []
    except STAFF_ERRORS:
        logger.exception("handoff settings unavailable")
        return []
    return start_web_handoff(dispatcher, tracker, "always_human", settings, service)


class ActionCancelHandoff(Action):
    """"Warten abbrechen": the citizen leaves the queue."""

    def name(self) -> str:
        """Action name."""
        return "action_cancel_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Close the waiting entry (outcome ``cancelled``), or say there is none."""
        try:
            left = handoff_queue().cancel(tracker.sender_id)
        except STAFF_ERRORS:
            logger.exception("handoff queue unavailable")
            left = False
        text = LEFT_QUEUE if left else NOT_WAITING
        send(dispatcher, tracker, Reply(text, text))
        return [SlotSet("offer", None)]
