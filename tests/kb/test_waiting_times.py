"""The Echtzeit-Ampel feed against a local fake server: the recorded response and broken variants."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.kb.waiting_times import CACHE_SECONDS, STALE_SECONDS, FeedError, WaitingTimeFeed, parse_feed

RECORDED = json.loads((Path(__file__).with_name("wartezeiten-status-2025-06-26.json")).read_text(encoding="utf-8"))


class FakeCity:
    """The city's endpoint on loopback; ``mode`` picks the answer."""

    def __init__(self) -> None:
        self.mode = "recorded"
        self.requests = 0

    async def status(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        if self.mode == "slow":
            await asyncio.sleep(3)
        if self.mode == "malformed":
            return web.Response(text="<html>Wartung</html>", content_type="text/html")
        if self.mode == "empty":
            return web.json_response([])
        if self.mode == "wrong_shape":
            return web.json_response([{"id": "eins", "label": None, "status": "grün"}])
        if self.mode == "error":
            return web.Response(status=500)
        return web.json_response(RECORDED)


@pytest.fixture
async def city():
    fake = FakeCity()
    app = web.Application()
    app.router.add_get("/bb/status", fake.status)
    async with TestServer(app) as server:
        fake.url = str(server.make_url("/bb/status"))  # type: ignore[attr-defined]
        yield fake


def test_the_recorded_response_is_read() -> None:
    times = parse_feed(RECORDED, fetched_at=0)
    assert len(times.offices) == 19
    west = times.office("buergerbuero_west")
    assert west is not None and west.is_open and west.wait_text() == "mehr als 120 Minuten"
    assert times.office("buergerbuero_muenster").wait_text() == "etwa 60 Minuten"
    assert times.office("buergerbuero_bad_cannstatt").status == 11  # no Wartemarken left today
    assert times.office("buergerbuero_obertuerkheim").status == 0 and not times.office(
        "buergerbuero_obertuerkheim").is_open
    assert times.office("buergerbuero_muehlhausen") is not None  # umlauts folded like the knowledge base's keys
    assert not times.office("buergerbuero_botnang").issues_parking_permits
    shortest = times.shortest()
    assert shortest is not None and (shortest.label, shortest.wait_text()) == ("Sillenbuch", "unter 30 Minuten")
    permit = times.shortest(parking_permit=True)
    assert permit is not None and permit.issues_parking_permits


@pytest.mark.parametrize("payload", [[], {}, None, "x", [{"id": 1}], [{"id": 1, "label": "Mitte", "status": 99,
                                                                         "url": "", "features": []}]])
def test_malformed_answers_are_refused(payload) -> None:
    with pytest.raises(FeedError):
        parse_feed(payload, fetched_at=0)


def test_links_go_only_to_stuttgart_de() -> None:
    entry = {**RECORDED[0], "url": "https://evil.example/phish"}
    assert parse_feed([entry], 0).offices[0].url == ""


async def test_the_feed_is_fetched_once_and_cached(city) -> None:
    feed = WaitingTimeFeed(city.url)
    first = await feed.current()
    again = await feed.current()
    assert first is not None and again is first and city.requests == 1


@pytest.mark.parametrize("mode", ["slow", "malformed", "empty", "wrong_shape", "error"])
async def test_a_broken_feed_gives_none_within_the_timeout(city, mode: str) -> None:
    city.mode = mode
    feed = WaitingTimeFeed(city.url)
    started = time.monotonic()
    assert await feed.current() is None
    assert time.monotonic() - started < 1.5
    started = time.monotonic()
    assert await feed.current() is None  # not asked again at once: answers stay fast
    assert time.monotonic() - started < 0.1


async def test_an_unreachable_feed_gives_none() -> None:
    feed = WaitingTimeFeed("http://127.0.0.1:9/bb/status")
    assert await feed.current() is None


async def test_a_stale_answer_is_not_shown_as_current(city) -> None:
    now = [1000.0]
    feed = WaitingTimeFeed(city.url, clock=lambda: now[0])
    assert await feed.current() is not None
    city.mode = "error"
    now[0] += CACHE_SECONDS + 1
    assert await feed.current() is not None  # the last good answer, still recent
    now[0] += STALE_SECONDS
    assert await feed.current() is None
