"""``action_wait_time``: how long one waits at a Bürgerbüro now, and where it is shortest.

Reads the city's Echtzeit-Ampel feed (:mod:`bot.kb.waiting_times`, ``WAITING_TIMES_URL``).
A feed that cannot be read never delays the answer by more than its one-second timeout:
the bot then says it cannot see the waiting times and points to the city's page.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offices import district_name, latest_entity
from actions.replies import Reply, send
from bot.config import TIMEZONE
from bot.kb.repository import KnowledgeRepository
from bot.kb.shared import repository
from bot.kb.waiting_times import AMPEL_PAGE, CLOSED_NOW, NO_TICKETS_LEFT, OfficeWait, WaitingTimeFeed, WaitingTimes

#: How many of the shortest waits a question without a district lists.
SHORTEST_LISTED = 3


@lru_cache(maxsize=1)
def feed() -> WaitingTimeFeed:
    """The process-wide feed (its cache is shared by all conversations)."""
    return WaitingTimeFeed.from_env()


def _name(office: OfficeWait) -> str:
    return f"Bürgerbüro {office.label}"


def office_sentence(office: OfficeWait) -> str:
    """"Im Bürgerbüro West warten Sie gerade etwa 60 Minuten." (or closed, or no tickets left)."""
    if office.status == CLOSED_NOW:
        return f"Das {_name(office)} hat gerade geschlossen."
    if office.status == NO_TICKETS_LEFT:
        return f"Im {_name(office)} gibt es heute keine Wartemarken mehr."
    return f"Im {_name(office)} warten Sie gerade {office.wait_text()}."


def unavailable_reply() -> Reply:
    """The feed cannot be read: say so and point to the city's page."""
    return Reply(
        text=("Die aktuellen Wartezeiten der Bürgerbüros kann ich gerade nicht abrufen. "
              f"Sie sehen sie auf der Seite der Stadt: {AMPEL_PAGE}"),
        voice="Die aktuellen Wartezeiten kann ich gerade nicht abrufen. Sie finden sie auf stuttgart.de.",
    )


def wait_reply(repo: KnowledgeRepository, times: WaitingTimes, district: str | None,
               parking_permit: bool = False) -> Reply:
    """The waiting time at the district's Bürgerbüro (if asked) and where it is shortest now."""
    stamp = datetime.fromtimestamp(times.fetched_at, TIMEZONE).strftime("%H:%M")
    parts: list[str] = []
    spoken: list[str] = []
    asked: OfficeWait | None = None
    if district:
        keys = [o.key for o in repo.offices(kind="buergerbuero", district=district)]
        asked = next(filter(None, map(times.office, keys)), None)
        if asked is None:
            line = f"Für {district_name(district)} zeigt die Wartezeit-Anzeige der Stadt gerade kein Bürgerbüro."
        else:
            line = office_sentence(asked)
        parts.append(line)
        spoken.append(line)
    best = [o for o in times.shortest_waits(parking_permit, SHORTEST_LISTED) if o != asked]
    which = "Bürgerbüro mit Bewohnerparkausweisen" if parking_permit else "Bürgerbüro"
    if best and (asked is None or not asked.is_open or (best[0].minutes or 0) < (asked.minutes or 0)):
        listed = ", ".join(f"{o.label} ({o.wait_text()})" for o in best)
        parts.append(f"Am kürzesten ist es gerade in: {listed}.")
        spoken.append(f"Am kürzesten ist es gerade in {best[0].label}, {best[0].wait_text()}.")
    elif not best and asked is None:
        parts.append(f"Gerade ist kein {which} mit freien Wartemarken geöffnet.")
        spoken.append(parts[-1])
    text = " ".join(parts) + f"\nQuelle: [stuttgart.de]({AMPEL_PAGE}), Stand {stamp} Uhr"
    return Reply(text=text, voice=" ".join(spoken))


async def current_wait_reply(repo: KnowledgeRepository, tracker: Tracker) -> Reply:
    """The waiting time for the district named now or earlier, or an honest "cannot see it now"."""
    times = await feed().current()
    if times is None:
        return unavailable_reply()
    district = latest_entity(tracker, "district") or tracker.get_slot("district")
    return wait_reply(repo, times, district, tracker.get_slot("service") == "bewohnerparkausweis")


class ActionWaitTime(Action):
    """Answers ``ask_wait_time`` from the live feed."""

    def name(self) -> str:
        """Action name."""
        return "action_wait_time"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """The current wait, or an honest "cannot see it now"."""
        send(dispatcher, tracker, await current_wait_reply(repository(), tracker))
        return [SlotSet("topic", "wait_time")]
