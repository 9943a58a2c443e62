"""Which offices a question is about: office names in the text, district, service."""

from __future__ import annotations

from dataclasses import dataclass

from rasa_sdk import Tracker

from bot.kb.models import Office
from bot.kb.repository import KnowledgeRepository, RecordNotFound
from bot.nlu.folding import words

#: Folded word prefixes that name a kind of office.
OFFICE_WORDS = (
    ("auslanderbehord", "auslaenderbehoerde"),
    ("auslanderamt", "auslaenderbehoerde"),
    ("immigration", "auslaenderbehoerde"),
    ("fundburo", "fundbuero"),
    ("fundamt", "fundbuero"),
    ("zulassungsstelle", "kfz_fuehrerschein"),
    ("fuhrerscheinstelle", "kfz_fuehrerschein"),
    ("burgerburo", "buergerbuero"),
    ("burgeramt", "buergerbuero"),
    ("burgerbiro", "buergerbuero"),
    ("sozialamt", "sozialamt"),
    ("behordennummer", "hotline"),
    ("burgertelefon", "hotline"),
    ("hotline", "hotline"),
)


def office_kind_in(text: str) -> str | None:
    """The kind of office named in ``text`` ("Ausländerbehörde" → auslaenderbehoerde)."""
    for word, _, _ in words(text):
        for prefix, kind in OFFICE_WORDS:
            if word.startswith(prefix):
                return kind
    if "115" in text.split():
        return "hotline"
    return None


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The value of ``entity`` in the latest user message, if any."""
    return next(tracker.get_latest_entity_values(entity), None)


def previous_user_text(tracker: Tracker) -> str:
    """The text of the citizen's message before the latest one ("" if there is none)."""
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return texts[-2] if len(texts) >= 2 else ""


@dataclass(frozen=True)
class Selection:
    """The offices a question is about."""

    offices: list[Office]
    label: str
    #: True when the citizen asked about Bürgerbüros without naming a district.
    needs_district: bool = False


def select_offices(repo: KnowledgeRepository, tracker: Tracker) -> Selection:
    """Offices the latest question is about.

    Precedence: an office named in the message ("Ausländerbehörde"), or in the
    previous one when this message names nothing ("Und am Samstag?"); a Bürgerbüro
    or a district named in the message; a service (named now or earlier); the
    remembered district. Nothing found gives an empty selection.
    """
    kind = office_kind_in(tracker.latest_message.get("text") or "")
    said_service = latest_entity(tracker, "service")
    said_district = latest_entity(tracker, "district")
    if kind is None and not said_service and not said_district:
        # A follow-up ("Und am Samstag?") keeps the office the previous question named.
        kind = office_kind_in(previous_user_text(tracker))
    district = said_district or tracker.get_slot("district")
    if kind is not None and kind != "buergerbuero":
        offices = repo.offices(kind=kind)
        local = [o for o in offices if district and o.district == district]
        return Selection(local or offices, _kind_label(kind, None))
    if kind == "buergerbuero" or (said_district and not said_service):
        if not district:
            return Selection([], _kind_label("buergerbuero", None), needs_district=True)
        offices = repo.offices(kind="buergerbuero", district=district)
        return Selection(offices, _kind_label("buergerbuero", district))
    service_key = said_service or tracker.get_slot("service")
    if service_key:
        try:
            service = repo.service(service_key)
        except RecordNotFound:
            return Selection([], "")
        local = [o for o in service.offices if district and o.district == district]
        return Selection(local or list(service.offices), service.name)
    if district:
        offices = repo.offices(kind="buergerbuero", district=district)
        return Selection(offices, _kind_label("buergerbuero", district))
    return Selection([], "")


def _kind_label(kind: str, district: str | None) -> str:
    names = {
        "auslaenderbehoerde": "Ausländerbehörde",
        "fundbuero": "Fundbüro",
        "kfz_fuehrerschein": "Kfz-Zulassung und Führerscheinstelle",
        "buergerbuero": "Bürgerbüro",
        "sozialamt": "Sozialamt",
        "hotline": "Behördennummer 115",
    }
    label = names.get(kind, kind)
    if district:
        label += f" {district_name(district)}"
    return label


def district_name(key: str) -> str:
    """Display name of a Stadtbezirk key ("bad_cannstatt" → "Bad Cannstatt")."""
    special = {
        "sued": "Süd", "moehringen": "Möhringen", "muehlhausen": "Mühlhausen",
        "muenster": "Münster", "obertuerkheim": "Obertürkheim",
        "untertuerkheim": "Untertürkheim", "bad_cannstatt": "Bad Cannstatt",
    }
    return special.get(key, key.replace("_", " ").title())
