"""``action_location``: where to go — responsible offices with address and contact."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offices import Selection, select_offices
from actions.replies import Reply, send, source_line, unknown_reply
from actions.service_topic import ask_for_service
from bot.kb.models import Office
from bot.kb.repository import KnowledgeRepository
from bot.kb.shared import repository

MAX_LISTED = 5


def ask_for_district(what: str) -> Reply:
    """Ask for the Stadtbezirk of a Bürgerbüro."""
    return Reply(
        text=f"Gerne. Welches Bürgerbüro meinen Sie? Nennen Sie bitte den Stadtbezirk, "
             f"zum Beispiel Bad Cannstatt oder Vaihingen. ({what})",
        voice="Gerne. Welches Bürgerbüro meinen Sie? Nennen Sie bitte den Stadtbezirk.",
    )


def office_line(office: Office) -> str:
    """One office as a written line."""
    parts = [f"{office.name}: " + (office.address or "Adresse: keine geprüfte Angabe")]
    if office.phone:
        parts.append(f"Tel. {office.phone}")
    if office.email:
        parts.append(office.email)
    if office.booking_url:
        parts.append(f"Termin online: {office.booking_url}")
    if office.note:
        parts.append(office.note)
    return "- " + " · ".join(parts)


def location_reply(repo: KnowledgeRepository, selection: Selection) -> Reply:
    """Addresses of the selected offices, or the honest unknown answer."""
    if selection.needs_district:
        return ask_for_district("Adresse")
    if not selection.offices:
        if not selection.label:
            return ask_for_service("den Ort")
        return unknown_reply(repo, selection.label, "der zuständigen Stelle und ihrer Adresse", None)
    kinds = {o.kind for o in selection.offices}
    if len(selection.offices) > MAX_LISTED and kinds == {"buergerbuero"}:
        return many_buergerbueros_reply(repo, selection)
    offices = selection.offices[:MAX_LISTED]
    more = len(selection.offices) - len(offices)
    text = f"Zuständig – {selection.label}:\n" + "\n".join(office_line(o) for o in offices)
    if more > 0:
        text += f"\n… und {more} weitere Stellen."
    text += "\n" + source_line(offices)
    known = [o for o in offices if o.address]
    if known:
        voice = "Zuständig ist " + " oder ".join(f"{o.name}, {o.address}" for o in known[:2]) + "."
    else:
        voice = f"Zuständig ist {offices[0].name}. Eine geprüfte Adresse habe ich leider nicht."
    return Reply(text=text, voice=voice)


def many_buergerbueros_reply(repo: KnowledgeRepository, selection: Selection) -> Reply:
    """A service offered by many Bürgerbüros: ask for the district instead of listing all.

    Each Bürgerbüro has its own page; the overview link is the city's Bürgerbüro page with
    the Echtzeit-Ampel (contact ``buergerbueros_uebersicht``), else a page they all share.
    """
    overview = repo.contact("buergerbueros_uebersicht")
    pages = {o.web_url for o in selection.offices if o.web_url}
    page = overview.url if overview is not None and overview.url else (pages.pop() if len(pages) == 1 else None)
    where = f" Übersicht: {page}" if page else ""
    return Reply(
        text=(
            f"{selection.label}: Zuständig sind die Bürgerbüros. Nennen Sie mir Ihren Stadtbezirk, "
            f"dann nenne ich Ihnen die Adresse.{where}"
        ),
        voice=f"{selection.label}: Zuständig sind die Bürgerbüros. "
              "Nennen Sie mir Ihren Stadtbezirk, dann nenne ich die Adresse.",
    )


class ActionLocation(Action):
    """Answers "Wo …?" and "Wer ist zuständig?"."""

    def name(self) -> str:
        """Action name."""
        return "action_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Send the addresses and remember the topic."""
        repo = repository()
        send(dispatcher, tracker, location_reply(repo, select_offices(repo, tracker)))
        return [SlotSet("topic", "location")]
