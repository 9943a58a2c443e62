"""``action_opening_hours``: weekly hours, "jetzt/heute/morgen/am Samstag offen?", next opening."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.location import ask_for_district
from actions.offices import Selection, select_offices
from actions.replies import Reply, send, source_line, unknown_reply, with_notices
from actions.service_topic import ask_for_service
from actions.staff import current_notices
from bot.german import WEEKDAY_NAMES, clock, clock_spoken, day_label, day_spoken
from bot.handoff.notices import ActiveNotice, closures_of
from bot.kb import hours as hours_logic
from bot.kb.models import Office, OpeningHours
from bot.kb.repository import KnowledgeRepository
from bot.kb.shared import repository
from bot.when import DayReference, find_day

MAX_OFFICES = 3


def _range_text(hours: OpeningHours, spoken: bool = False) -> str:
    fmt = clock_spoken if spoken else clock
    text = f"{fmt(hours.opens)} bis {fmt(hours.closes)}"
    return text + (" (nur mit Termin)" if hours.appointment_only else "")


def weekly_lines(office: Office) -> list[str]:
    """``"Montag: 8:30 Uhr bis 13:00 Uhr"`` per open weekday."""
    lines = []
    for weekday, name in enumerate(WEEKDAY_NAMES):
        ranges = [h for h in office.hours if h.weekday == weekday]
        if ranges:
            lines.append(f"{name}: " + ", ".join(_range_text(h) for h in ranges))
    return lines


def _next_opening(status: hours_logic.OpenStatus, spoken: bool) -> str:
    if status.next_opening is None or status.next_range is None:
        return ""
    day = status.next_opening.date()
    when = day_spoken(day) if spoken else day_label(day)
    fmt = clock_spoken if spoken else clock
    return f"Nächste Öffnung: {when}, {fmt(status.next_range.opens)}."


def office_hours_reply(office: Office, reference: DayReference | None, now: datetime,
                       closures: Sequence[ActiveNotice] = ()) -> Reply:
    """Hours of one office for the asked day (or now), with the weekly overview.

    ``closures``: the office's closures posted by staff in the console.
    """
    if reference is None or reference.now:
        moment = "jetzt" if reference is not None else "gerade"
        status = hours_logic.status_at(office, now, closures)
        if status.open_now and status.current is not None:
            head = f"{office.name} hat {moment} geöffnet, heute bis {clock(status.current.closes)}."
            voice = f"{office.name} hat jetzt geöffnet, bis {clock_spoken(status.current.closes)}."
        else:
            reason = hours_logic.schedule_for(office, now.date(), closures).closed_reason
            because = f" ({reason})" if reason else ""
            head = f"{office.name} ist jetzt geschlossen{because}. {_next_opening(status, False)}"
            voice = f"{office.name} ist jetzt geschlossen. {_next_opening(status, True)}"
    else:
        schedule = hours_logic.schedule_for(office, reference.day, closures)
        label, spoken_label = day_label(reference.day), day_spoken(reference.day)
        if schedule.is_open_day:
            ranges = ", ".join(_range_text(h) for h in schedule.ranges)
            spoken = " und ".join(_range_text(h, spoken=True) for h in schedule.ranges)
            head = f"Am {label} hat {office.name} geöffnet: {ranges}."
            voice = f"Am {spoken_label} hat {office.name} von {spoken} geöffnet."
        else:
            reason = f" ({schedule.closed_reason})" if schedule.closed_reason else ""
            start = datetime.combine(reference.day, datetime.min.time(), tzinfo=now.tzinfo)
            status = hours_logic.status_at(office, max(start, now), closures)
            head = f"Am {label} ist {office.name} geschlossen{reason}. {_next_opening(status, False)}"
            voice = f"Am {spoken_label} ist {office.name} geschlossen. {_next_opening(status, True)}"
    facts = [*office.hours, *office.closures]
    text = (
        head.strip() + "\nÖffnungszeiten:\n" + "\n".join(weekly_lines(office))
        + "\nFeiertage sind geschlossen.\n" + source_line(facts)
    )
    return Reply(text=text, voice=voice.strip())


def closed_reply(office: Office) -> Reply:
    """A closed office: no hours that would invite a visit, but the note with where to go."""
    note = office.note or f"{office.name} ist geschlossen."
    return Reply(text=f"{office.name}: {note}\n{source_line([office])}", voice=f"{office.name}: {note}")


def with_usual_hours(repo: KnowledgeRepository, office: Office, reply: Reply) -> Reply:
    """An unknown answer for a Bürgerbüro with the usual hours of the Bürgerbüros added, as such."""
    usual = repo.contact("buergerbueros_uebliche_zeiten")
    if office.kind != "buergerbuero" or usual is None or not usual.hours_text:
        return reply
    text = (f"{reply.text}\nÜblich sind bei den Bürgerbüros: {usual.hours_text}. "
            f"Einzelne Bürgerbüros weichen davon ab.\n{source_line([usual])}")
    spoken = re.sub(r"(\d{1,2}):(\d{2})", r"\1 Uhr \2", usual.hours_text)
    voice = f"{reply.voice} Üblich sind bei den Bürgerbüros: {spoken}. Einzelne Bürgerbüros weichen ab."
    return Reply(text=text, voice=voice, buttons=reply.buttons, gap=reply.gap)


def hours_reply(repo: KnowledgeRepository, selection: Selection, text: str, now: datetime,
                notices: Sequence[ActiveNotice] = ()) -> Reply:
    """The answer for a selection of offices; staff notices (and closures) come first."""
    reply = _hours_reply(repo, selection, text, now, notices)
    return with_notices(reply, notices)


def _hours_reply(repo: KnowledgeRepository, selection: Selection, text: str, now: datetime,
                 notices: Sequence[ActiveNotice]) -> Reply:
    if selection.needs_district:
        return ask_for_district("Öffnungszeiten")
    if not selection.offices:
        if not selection.label:
            return ask_for_service("die Öffnungszeiten")
        return unknown_reply(repo, selection.label, "den Öffnungszeiten", None)
    if all(o.is_closed for o in selection.offices):
        return closed_reply(selection.offices[0])
    reference = find_day(text, now.date())
    known = [o for o in selection.offices if o.hours_known]
    if not known:
        office = selection.offices[0]
        reply = unknown_reply(repo, office.name, "den Öffnungszeiten", office.web_url,
                              gap=("office", office.key, "hours"))
        return with_usual_hours(repo, office, reply)
    replies = [office_hours_reply(o, reference, now, closures_of(notices, o.key)) for o in known[:MAX_OFFICES]]
    reply = Reply(text="\n\n".join(r.text for r in replies), voice=replies[0].voice)
    if len(known) < len(selection.offices):
        reply.text += "\n\nFür weitere zuständige Stellen habe ich keine geprüften Öffnungszeiten."
    return reply


class ActionOpeningHours(Action):
    """Answers opening-hours questions, aware of holidays and closures."""

    def name(self) -> str:
        """Action name."""
        return "action_opening_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Send the hours and remember the topic."""
        repo = repository()
        text = tracker.latest_message.get("text") or ""
        selection = select_offices(repo, tracker)
        now = hours_logic.now()
        notices = current_notices(now.date(), offices=[o.key for o in selection.offices])
        reply = hours_reply(repo, selection, text, now, notices)
        send(dispatcher, tracker, reply)
        return [SlotSet("topic", "opening_hours")]
