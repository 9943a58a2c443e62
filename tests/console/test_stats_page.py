"""Statistics page over real HTTP: figures from ingested trackers, the SVG chart, roles."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from aiohttp.test_utils import TestClient

from bot.config import TIMEZONE
from bot.console.settings import ConsoleSettings
from bot.review.ingest import ingest
from bot.review.stores import open_stores
from tests.console.conftest import AddUser, login
from tests.review.trackers import bot, conversation, save, slot, tracker_store, ts, user


async def _data(settings: ConsoleSettings, now: datetime) -> None:
    store = tracker_store(settings.tracker_db_url)
    recent, old = ts(now - timedelta(days=2)), ts(now - timedelta(days=20))
    await save(store, "a", conversation(recent, user("Perso kosten?", "ask_fees", 0.9, recent + 1),
                                         slot("service", "personalausweis", recent + 1),
                                         slot("feedback", {"message_id": "1", "rating": "up"}, recent + 2)))
    await save(store, "b", conversation(recent + 5, user("äh", "nlu_fallback", 0.1, recent + 6),
                                         user("hä", "nlu_fallback", 0.1, recent + 7),
                                         slot("service", "personalausweis", recent + 7),
                                         slot("feedback", {"message_id": "2", "rating": "down"}, recent + 8)))
    await save(store, "c", conversation(recent + 9, user("Mensch bitte", "request_human", 0.99, recent + 10),
                                         bot("Ich verbinde Sie.", recent + 11), slot("service", "reisepass",
                                                                                     recent + 10)))
    await save(store, "old", conversation(old, user("Wohnsitz anmelden", "ask_documents", 0.9, old + 1),
                                           slot("service", "wohnsitz_anmelden", old + 1)))
    store.engine.dispose()
    with open_stores(settings) as stores:
        stores.queue.enqueue("c", "socketio", "buergertelefon", "request_human")
        ingest(stores.tracker_engine, stores.sessions)


def _figure(page: str, name: str) -> str:
    match = re.search(rf'id="stat-{name}">([^<]*)<', page)
    assert match, name
    return match.group(1)


async def test_statistics_of_7_and_30_days(console: TestClient, add_user: AddUser, console_settings) -> None:
    now = datetime.now(timezone.utc)
    await _data(console_settings, now)
    add_user("rita", "reviewer")
    await login(console, "rita")
    page = await (await console.get("/stats")).text()
    assert [_figure(page, n) for n in ("conversations", "handoffs", "handoff-rate", "fallbacks", "feedback-up",
                                       "feedback-down")] == ["3", "1", "33,3 %", "2", "1", "1"]
    assert page.index("personalausweis") < page.index("reisepass") and "wohnsitz_anmelden" not in page
    assert len(re.findall(r'<rect class="bar"', page)) == 24
    hour = datetime.fromtimestamp(ts(now - timedelta(days=2)), timezone.utc).astimezone(TIMEZONE).hour
    assert f"<title>{hour} Uhr: 3</title>" in page
    assert "style=" not in page and "<script" not in page
    month = await (await console.get("/stats?days=30")).text()
    assert _figure(month, "conversations") == "4" and "wohnsitz_anmelden" in month
    odd = await console.get("/stats?days=-1")
    assert odd.status == 200 and _figure(await odd.text(), "conversations") == "3"


async def test_statistics_roles(console: TestClient, add_user: AddUser) -> None:
    assert (await console.get("/stats", allow_redirects=False)).status == 302
    add_user("alex", "agent")
    await login(console, "alex")
    assert (await console.get("/stats")).status == 403


async def test_empty_statistics(console: TestClient, add_user: AddUser) -> None:
    add_user("ada", "admin")
    await login(console, "ada")
    page = await console.get("/stats")
    text = await page.text()
    assert page.status == 200 and _figure(text, "conversations") == "0" and _figure(text, "handoff-rate") == "0,0 %"
