"""The editorial team's work list (reviewer, admin): knowledge gaps and old facts, also as CSV.

"Wissenslücken" counts the answers that ended as "keine geprüften Angaben" per service
× topic and per office (counts only, no citizen text), and lists the facts whose
``verified_on`` is more than a year old. Both export as CSV.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from bot.console.auth import require_role
from bot.console.db import in_transaction, read_knowledge
from bot.console.keys import SETTINGS
from bot.console.render import render
from bot.kb.hours import now as berlin_now
from bot.review.gaps import GapCount, StaleFact, gap_counts, stale_facts, to_csv

routes = web.RouteTableDef()

ROLES = ("reviewer", "admin")
PERIODS = (7, 30, 365)
TOPIC_NAMES = {
    "documents": "Unterlagen", "forms": "Formulare", "fees": "Gebühren", "processing_time": "Bearbeitungszeit",
    "offices": "Zuständige Stelle", "online": "Online-Dienst", "appointment": "Termin", "hours": "Öffnungszeiten",
    "requirements": "Voraussetzungen und Fristen", "service_info": "Beschreibung der Leistung",
}
KIND_NAMES = {"service": "Leistung", "office": "Dienststelle"}


def _days(request: web.Request) -> int:
    try:
        days = int(request.query.get("days", PERIODS[1]))
    except ValueError:
        return PERIODS[1]
    return days if days in PERIODS else PERIODS[1]


async def _gaps(request: web.Request, days: int) -> list[GapCount]:
    since = berlin_now().date() - timedelta(days=days)
    return await in_transaction(request.app, lambda session: gap_counts(session, since))


def _stale(knowledge_db_url: str) -> list[StaleFact]:
    return read_knowledge(knowledge_db_url, stale_facts, [])


@routes.get("/knowledge")
@require_role(*ROLES)
async def knowledge_page(request: web.Request) -> web.StreamResponse:
    """Gaps of the period and facts to re-check."""
    days = _days(request)
    gaps = await _gaps(request, days)
    stale = await asyncio.to_thread(_stale, request.app[SETTINGS].knowledge_db_url)
    return render(request, "knowledge.html", gaps=gaps, stale=stale, days=days, periods=PERIODS,
                  topic_names=TOPIC_NAMES, kind_names=KIND_NAMES)


def _csv(text: str, name: str) -> web.Response:
    return web.Response(text=text, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@routes.get("/knowledge/gaps.csv")
@require_role(*ROLES)
async def gaps_csv(request: web.Request) -> web.StreamResponse:
    """The gaps of the period as CSV (``;``-separated)."""
    days = _days(request)
    rows = [(KIND_NAMES[g.kind], g.subject, TOPIC_NAMES.get(g.topic, g.topic), g.count)
            for g in await _gaps(request, days)]
    return _csv(to_csv(("Art", "Schlüssel", "Thema", f"Unbekannt (letzte {days} Tage)"), rows),
                f"wissensluecken-{days}-tage.csv")


@routes.get("/knowledge/stale.csv")
@require_role(*ROLES)
async def stale_csv(request: web.Request) -> web.StreamResponse:
    """Facts verified more than a year ago, as CSV."""
    facts = await asyncio.to_thread(_stale, request.app[SETTINGS].knowledge_db_url)
    rows = [(f.table, f.key, f.source_url, f.verified_on.isoformat()) for f in facts]
    return _csv(to_csv(("Tabelle", "Schlüssel", "Quelle", "Geprüft am"), rows), "veraltete-fakten.csv")

