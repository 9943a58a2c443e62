"""``action_service_info``: what to do in a life situation, or what a service is.

"Ich ziehe nach Stuttgart – was muss ich erledigen?" names the services that apply, in
order, one line each (data/knowledge/situations.yml), and offers more on each. The
first service becomes the conversation's service, so "Welche Unterlagen brauche ich
dafür?" is answered for it. "Was ist die Bonuscard?" gives a short overview.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offices import latest_entity
from actions.replies import Reply, send, source_line, unknown_reply
from bot.kb.models import Service, Situation
from bot.kb.repository import KnowledgeRepository, RecordNotFound
from bot.kb.shared import repository

#: Written answers stay short: at most this many steps get their own line.
MAX_STEPS = 5
#: Quick replies offered when neither a situation nor a service is known.
SUGGESTED_SITUATIONS = (
    ("Umzug nach Stuttgart", "umzug_nach_stuttgart"),
    ("Umzug ins Ausland", "umzug_ins_ausland"),
    ("Geld reicht nicht", "geld_reicht_nicht"),
    ("Etwas verloren", "verloren_gefunden"),
    ("Kind geboren", "kind_geboren"),
    ("Gewerbe gegründet", "gewerbe_gegruendet"),
)


def _service_names(repo: KnowledgeRepository, keys: list[str]) -> dict[str, str]:
    names = {}
    for key in keys:
        try:
            names[key] = repo.service(key).name
        except RecordNotFound:
            names[key] = key
    return names


def situation_reply(repo: KnowledgeRepository, situation: Situation) -> Reply:
    """The services of a life situation in order, one line each, and an offer to say more."""
    steps = list(situation.steps)
    names = _service_names(repo, list(dict.fromkeys(s.service_key for s in steps)))
    shown = steps[:MAX_STEPS]
    lines = [f"{n}. {names[s.service_key]}: {s.text}" for n, s in enumerate(shown, 1)]
    rest = list(dict.fromkeys(names[s.service_key] for s in steps[MAX_STEPS:]))
    if rest:
        lines.append("Außerdem: " + ", ".join(rest) + ".")
    first = names[steps[0].service_key]
    text = (
        f"{situation.name} – das ist zu tun:\n" + "\n".join(lines)
        + f"\nZu welchem Punkt möchten Sie mehr wissen? Zum Beispiel zu den Unterlagen für „{first}“.\n"
        + source_line(shown)
    )
    later = list(dict.fromkeys(names[s.service_key] for s in steps[1:4]))
    spoken_later = f" Danach geht es um {_spoken_list(later)}." if later else ""
    voice = f"{situation.name}. Zuerst: {first}. {steps[0].text}{spoken_later} Wozu möchten Sie mehr wissen?"
    buttons = [
        {"title": names[key], "payload": f'/inform{{"service":"{key}"}}'}
        for key in list(dict.fromkeys(s.service_key for s in steps))[:MAX_STEPS]
    ]
    return Reply(text=text, voice=voice, buttons=buttons)


def _spoken_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]


def service_overview(repo: KnowledgeRepository, service: Service) -> Reply:
    """What a service is: its first rules or notes, where to go, and what to ask next."""
    facts = [*sorted(service.requirements, key=lambda r: (r.kind != "eligibility", r.position)),
             *service.notes][:2]
    if not facts:
        return unknown_reply(repo, service.name, "einer Beschreibung der Leistung", service.info_url,
                             gap=("service", service.key, "service_info"))
    offices = [o.name for o in service.offices if not o.is_closed]
    where = f"\nZuständig: {offices[0]}" + (f" und {len(offices) - 1} weitere Stellen" if len(offices) > 1 else "")
    text = (
        f"{service.name} – kurz erklärt:\n" + "\n".join(f"- {f.text}" for f in facts)
        + (where if offices else "") + f"\nMehr dazu: {service.info_url}\n" + source_line(facts)
    )
    voice = f"{service.name}. {facts[0].text} Möchten Sie die Unterlagen, die Gebühren oder die Voraussetzungen wissen?"
    return Reply(text=text, voice=voice, buttons=[
        {"title": title, "payload": f'/{intent}{{"service":"{service.key}"}}'}
        for title, intent in (("Unterlagen", "ask_documents"), ("Gebühren", "ask_fees"),
                              ("Voraussetzungen", "ask_requirements"))
    ])


def ask_for_situation() -> Reply:
    """Ask what the citizen's situation is."""
    return Reply(
        text="Gerne. Worum geht es? Zum Beispiel Umzug, Geburt eines Kindes, zu wenig Geld oder etwas verloren.",
        voice="Gerne. Worum geht es? Zum Beispiel ein Umzug, ein neugeborenes Kind oder zu wenig Geld.",
        buttons=[{"title": title, "payload": f'/ask_service_info{{"situation":"{key}"}}'}
                 for title, key in SUGGESTED_SITUATIONS],
    )


def info_reply(repo: KnowledgeRepository, tracker: Tracker) -> tuple[Reply, str | None]:
    """The answer for the latest message and the service it makes current (or None)."""
    situation_key = latest_entity(tracker, "situation")
    if situation_key:
        try:
            situation = repo.situation(situation_key)
        except RecordNotFound:
            situation = None
        if situation is not None and situation.steps:
            said = latest_entity(tracker, "service")
            keys = [s.service_key for s in situation.steps]
            return situation_reply(repo, situation), said if said in keys else keys[0]
    service_key = latest_entity(tracker, "service") or tracker.get_slot("service")
    if service_key:
        try:
            return service_overview(repo, repo.service(service_key)), service_key
        except RecordNotFound:
            pass
    return ask_for_situation(), None


class ActionServiceInfo(Action):
    """Answers ``ask_service_info``."""

    def name(self) -> str:
        """Action name."""
        return "action_service_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """The situation's services, or the service's overview, or a question back."""
        reply, service = info_reply(repository(), tracker)
        send(dispatcher, tracker, reply)
        events: list[EventType] = [SlotSet("topic", None)]
        if service:
            events.append(SlotSet("service", service))
        return events
