"""Statistics page (reviewer, admin): figures of the last 7 or 30 days with a per-hour chart (inline SVG)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.orm import Session

from bot.console.auth import require_role
from bot.console.db import in_transaction
from bot.console.render import render
from bot.review.stats import PERIODS, Stats, compute_stats, hour_bars

routes = web.RouteTableDef()

CHART_WIDTH = 720
CHART_HEIGHT = 200


@routes.get("/stats")
@require_role("reviewer", "admin")
async def stats_page(request: web.Request) -> web.StreamResponse:
    """Conversations, handoff rate, fallbacks, feedback, top services, conversations per hour."""
    try:
        days = int(request.query.get("days", PERIODS[0]))
    except ValueError:
        days = PERIODS[0]
    if days not in PERIODS:
        days = PERIODS[0]

    def load(session: Session) -> Stats:
        return compute_stats(session, days)

    stats = await in_transaction(request.app, load)
    return render(
        request, "stats.html", stats=stats, periods=PERIODS,
        bars=hour_bars(stats.per_hour, CHART_WIDTH, CHART_HEIGHT), chart_width=CHART_WIDTH, chart_height=CHART_HEIGHT,
    )
