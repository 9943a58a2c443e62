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
from bot.telephony.settings import TelephonyConfigError

logger = logging.getLogger(__name__)

CONNECTING = "Ich verbinde Sie mit einer Mitarbeiterin oder einem Mitarbeiter."
ALREADY_WAITING = "Sie warten bereits auf eine Mitarbeiterin oder einen Mitarbeiter."
ASK_MEANWHILE = "Bis dahin können Sie mir gern weiter Fragen stellen."
WITH_AGENT = "Eine Mitarbeiterin oder ein Mitarbeiter kümmert sich bereits um Ihr Anliegen."
LEFT_QUEUE = "Sie haben die Warteschlange verlassen. Wie kann ich Ihnen sonst helfen?"
NOT_WAITING = "Sie warten gerade nicht auf eine Mitarbeiterin oder einen Mitarbeiter. Wie kann ich Ihnen helfen?"
#: Errors of the staff database or its settings: the citizen gets the pointer to 115 instead.
STAFF_ERRORS = (SQLAlchemyError, HandoffConfigError, OSError)


#: Errors of the shared call store (the agent board: handling time, staff override).
BOARD_ERRORS = (SQLAlchemyError, OSError, TelephonyConfigError)


def board_state(team: Team | None = None) -> tuple[int, str | None]:
    """The agent board's handling time in seconds, and the staff override of today for ``team``.

    The override (console ``/phone``) is for the hotline's hours: it applies to a team whose
    ``hours_office`` is the hotline office. Without the board: ``handoff.yml``, no override.
    """
    try:
        board = runtime.store().board()
        hotline = runtime.settings().hotline_office
    except BOARD_ERRORS:
        logger.exception("agent board unavailable")
        return handoff_settings().avg_handle_minutes * 60, None
    override = board.hours_override if team is not None and team.hours_office == hotline else None
    return board.avg_handle_seconds, override


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
                  settings: HandoffSettings, lead: str) -> None:
    """Tell a waiting citizen the position and wait, and record what was told."""
    position = entry.position or 1
    handle_seconds, _ = board_state()
    minutes = estimated_wait_minutes(position, handle_seconds, online_agents())
    send(dispatcher, tracker, Reply(
        text=f"{lead} {position_written(position, minutes)} {ASK_MEANWHILE}",
        voice=f"{lead} {position_written(position, minutes)}",
        buttons=[CANCEL_BUTTON],
    ))
    if entry.notified_position != position:
        handoff_queue().mark_notified(entry.id, entry.notified_position, position)


def start_web_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str,
                      settings: HandoffSettings | None = None) -> list[EventType]:
    """Queue the conversation for a person, or offer a callback / e-mail reply.

    Returns the events of the action. Never raises for database trouble: the citizen
    then gets the phone number 115 from the knowledge base.
    """
    try:
        return _start_web_handoff(dispatcher, tracker, reason, settings)
    except STAFF_ERRORS:
        logger.exception("handoff queue unavailable")
        send(dispatcher, tracker, no_queue_reply())
        return []


def _start_web_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str,
                       settings: HandoffSettings | None) -> list[EventType]:
    queue = handoff_queue()
    settings = settings or handoff_settings()
    existing = queue.open_entry(tracker.sender_id)
    if existing is not None and existing.status == "assigned":
        send(dispatcher, tracker, Reply(WITH_AGENT, WITH_AGENT))
        return []
    if existing is not None:
        tell_position(dispatcher, tracker, existing, settings, ALREADY_WAITING)
        return []
    service = tracker.get_slot("service")
    team = settings.team_for(service)
    staffing = team_staffing(team, repository(), hours_logic.now(), override=board_state(team)[1])
    decision = route(staffing, queue.waiting_count(team.key) if staffing.open_now else 0, settings.queue_limit)
    if decision == CLOSED:
        return start_contact(dispatcher, tracker, reason=reason, closed=True, next_opening=staffing.next_opening)
    if decision == FULL:
        return start_contact(dispatcher, tracker, reason=reason, closed=False)
    entry = queue.enqueue(
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or "rest",
        team=team.key,
        reason=reason,
        service=service,
        district=tracker.get_slot("district"),
        summary=build_summary(reason, tracker.events, service, tracker.get_slot("district"), service_name(service)),
    )
    tell_position(dispatcher, tracker, entry, settings, CONNECTING)
    return []


def handoff_for_service(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After an answer about a service staff always advise on: the handoff (written channels).

    Nothing happens when the service is not listed, the conversation already waits or
    is with a person, or the staff database cannot be reached.
    """
    service = tracker.get_slot("service")
    if not service or is_voice(tracker):
        return []
    try:
        settings = handoff_settings()
        if service not in settings.always_human_services or handoff_queue().open_entry(tracker.sender_id):
            return []
    except STAFF_ERRORS:
        logger.exception("handoff settings unavailable")
        return []
    return start_web_handoff(dispatcher, tracker, "always_human", settings)


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
