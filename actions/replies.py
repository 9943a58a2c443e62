"""Building and sending answers: written and voice variants, sources, unknown facts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.german import german_date
from bot.kb.repository import KnowledgeRepository
from bot.telephony import VOICE_CHANNELS


@dataclass
class Reply:
    """One answer with a written text and a shorter spoken variant."""

    text: str
    voice: str
    buttons: list[dict] = field(default_factory=list)
    #: ``(kind, subject, topic)`` when this is the honest "unknown" answer (counted, see ``send``).
    gap: tuple[str, str, str] | None = None


def is_voice(tracker: Tracker) -> bool:
    """Whether the latest message came through a voice channel."""
    return tracker.get_latest_input_channel() in VOICE_CHANNELS


#: Said once per conversation when a citizen writes in English (understood, answered in German).
ENGLISH_NOTICE = "Antworten auf Englisch gibt es leider noch nicht. Ich antworte Ihnen auf Deutsch."
ENGLISH_NOTICE_SPOKEN = "Englische Antworten gibt es leider noch nicht. Ich antworte auf Deutsch."


def english_notice(dispatcher: CollectingDispatcher, tracker: Tracker, spoken: bool) -> str:
    """The notice for an English message, unless this conversation has heard it already."""
    if "en" not in tracker.get_latest_entity_values("language"):
        return ""
    notice = ENGLISH_NOTICE_SPOKEN if spoken else ENGLISH_NOTICE
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "bot"]
    said += [m.get("text") or "" for m in dispatcher.messages]
    return "" if any(notice in text for text in said) else notice


def send(dispatcher: CollectingDispatcher, tracker: Tracker, reply: Reply) -> None:
    """Send the variant that fits the channel; an unknown answer is counted as a knowledge gap.

    The first answer to an English message starts with :data:`ENGLISH_NOTICE`.
    """
    if reply.gap is not None:
        from actions.staff import count_gap

        count_gap(*reply.gap)
    spoken = is_voice(tracker)
    notice = english_notice(dispatcher, tracker, spoken)
    if spoken:
        dispatcher.utter_message(text=f"{notice} {reply.voice}".strip())
    else:
        text = f"{notice}\n\n{reply.text}" if notice else reply.text
        dispatcher.utter_message(text=text, buttons=reply.buttons or None)


def with_notices(reply: Reply, notices: Sequence[Any]) -> Reply:
    """``reply`` with the staff's current notices first ("Hinweis (24.12.–31.12.): …")."""
    if not notices:
        return reply
    lines = [f"Hinweis ({german_date(n.starts_on)}–{german_date(n.ends_on)}): {n.text}" for n in notices]
    spoken = " ".join(f"Hinweis: {n.text}" for n in notices)
    return replace(reply, text="\n".join(lines) + "\n\n" + reply.text, voice=f"{spoken} {reply.voice}")


def site_name(url: str) -> str:
    """The site a URL belongs to, as citizens know it ("https://www.stuttgart.de/…" → "stuttgart.de")."""
    host = (urlsplit(url).hostname or "").lower()
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) >= 2 else host or url


def source_line(facts: Iterable[object]) -> str:
    """``"Quelle: [stuttgart.de](https://…), Stand 08/2024"`` for a group of fact rows.

    A source is a short link named after its site (the web chat shows the name, not a
    URL of 150 characters). Shows the oldest verification date (the conservative one)
    as month and year, and up to two sources.
    """
    rows = list(facts)
    oldest: date = min(row.verified_on for row in rows)  # type: ignore[attr-defined]
    sources = list(dict.fromkeys(row.source_url for row in rows))[:2]  # type: ignore[attr-defined]
    label = "Quelle" if len(sources) == 1 else "Quellen"
    links = ", ".join(f"[{site_name(url)}]({url})" for url in sources)
    return f"{label}: {links}, Stand {oldest:%m/%Y}"


def hotline_hint(repo: KnowledgeRepository, lead: str = "Oder") -> tuple[str, str]:
    """Written and spoken pointer to the Behördennummer 115 (from the knowledge base).

    ``lead`` opens the written sentence: "Oder rufen Sie …" after another hint,
    "Bitte rufen Sie …" when 115 is the answer itself.
    """
    contact = repo.contact("behoerdennummer")
    if contact is None or not contact.phone:
        return "", ""
    hours = f" ({contact.hours_text})" if contact.hours_text else ""
    return (
        f"{lead} rufen Sie die Behördennummer {contact.phone} an{hours}.",
        f"Sie können auch die Behördennummer {contact.phone} anrufen.",
    )


def portal_url(repo: KnowledgeRepository) -> str | None:
    """The city's online service portal (contact ``service_portal`` in ``general.yml``), or None."""
    contact = repo.contact("service_portal")
    return contact.url if contact is not None and contact.url else None


def unknown_reply(repo: KnowledgeRepository, subject: str, topic: str, page: str | None,
                  gap: tuple[str, str, str] | None = None) -> Reply:
    """The honest answer for a fact we do not have: official page and 115.

    Args:
        subject: what the citizen asked about, e.g. "Meldebescheinigung".
        topic: the missing fact with article, e.g. "den Gebühren".
        page: the official page to point to (the city's service portal from the knowledge
            base when None; "stuttgart.de" if the knowledge base has no portal either).
        gap: ``(kind, subject key, topic key)`` for the staff's list of knowledge gaps.
    """
    written_hotline, spoken_hotline = hotline_hint(repo)
    url = page or portal_url(repo)
    opening = f"Zu „{subject}“ habe ich leider keine geprüften Angaben zu {topic}."
    pointer = (f"Bitte sehen Sie auf der offiziellen Seite nach: {url}" if url
               else "Bitte sehen Sie auf stuttgart.de nach.")
    return Reply(
        text=f"{opening} {pointer} {written_hotline}".strip(),
        voice=f"{opening} Bitte schauen Sie auf stuttgart.de nach. {spoken_hotline}".strip(),
        gap=gap,
    )
