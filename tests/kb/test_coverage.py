"""Coverage floor of the knowledge base (bench/knowledge_coverage.py prints the same figures).

Raise the floors when you add sourced facts; never lower them to make a test pass.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bot.kb.coverage import TOPICS, measure

#: Known service × topic cells (of 20 × 7 = 140), measured on commit knowledge-facts.
CELLS_KNOWN_FLOOR = 75
#: Known cells per topic.
TOPIC_FLOORS = {"documents": 10, "forms": 7, "fees": 11, "processing_time": 7, "offices": 20, "online": 9,
                "appointment": 11}
#: Services with at least one requirement (the rest are recorded as unknown).
SERVICES_WITH_REQUIREMENTS_FLOOR = 20
#: All Bürgerbüros of the city: the 19 of the Echtzeit-Ampel feed plus the closed ones.
BUERGERBUEROS = {
    "bad_cannstatt", "botnang", "degerloch", "feuerbach", "hedelfingen", "mitte", "moehringen",
    "muehlhausen", "muenster", "nord", "obertuerkheim", "ost", "plieningen", "sillenbuch",
    "stammheim", "sued", "untertuerkheim", "vaihingen", "wangen", "weilimdorf", "west", "zuffenhausen",
}
BUERGERBUEROS_COMPLETE_FLOOR = 2  # address, hours and status known
BUERGERBUEROS_WITH_STATUS_FLOOR = 21


def test_cells_known_do_not_drop(seed) -> None:
    coverage = measure(seed)
    assert coverage.total == 140
    assert coverage.known >= CELLS_KNOWN_FLOOR, coverage.known_per_topic()
    per_topic = coverage.known_per_topic()
    assert set(per_topic) == set(TOPICS)
    for topic, floor in TOPIC_FLOORS.items():
        assert per_topic[topic] >= floor, (topic, per_topic[topic])


def test_a_sourced_online_note_makes_the_online_topic_known(seed) -> None:
    """"No online application, apply in person" is an answer too: it counts, with its own source."""
    from bot.kb.coverage import service_cells

    ausweis = next(s for s in seed.services if s.key == "personalausweis")
    assert ausweis.online_url is None and ausweis.online_note
    assert ausweis.online_note_source_url.startswith("https://www.gesetze-im-internet.de/")
    assert ausweis.online_note_verified_on is not None
    assert service_cells(ausweis)["online"]
    ausweis.online_note = None
    assert not service_cells(ausweis)["online"]


def test_requirements_cover_the_services(seed) -> None:
    coverage = measure(seed)
    assert sum(1 for n in coverage.requirements.values() if n) >= SERVICES_WITH_REQUIREMENTS_FLOOR


def test_all_buergerbueros_are_there_with_status(seed) -> None:
    coverage = measure(seed)
    keys = set(coverage.offices_of("buergerbuero"))
    assert keys == {f"buergerbuero_{name}" for name in BUERGERBUEROS}
    assert sum(coverage.offices[key]["status"] for key in keys) >= BUERGERBUEROS_WITH_STATUS_FLOOR
    assert len(coverage.complete_offices("buergerbuero")) >= BUERGERBUEROS_COMPLETE_FLOOR


def test_feed_offices_are_all_known(seed) -> None:
    """Every office of the recorded waiting-time feed is in the knowledge base, with its page, and its key."""
    import json

    feed = Path(__file__).with_name("wartezeiten-status-2025-06-26.json")  # the city's recorded answer
    pages = {office.web_url for office in seed.offices}
    from bot.kb.waiting_times import parse_feed

    payload = json.loads(feed.read_text(encoding="utf-8"))
    for entry in payload:
        assert entry["url"] in pages, entry["label"]
    keys = {office.key for office in seed.offices}
    assert all(office.office_key in keys for office in parse_feed(payload, 0).offices)


def test_the_report_prints_the_figures(capsys) -> None:
    path = Path(__file__).resolve().parents[2] / "bench" / "knowledge_coverage.py"
    spec = importlib.util.spec_from_file_location("knowledge_coverage", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    assert module.main([]) == 0
    out = capsys.readouterr().out
    assert "cells known: " in out and "/140" in out
    assert "Bürgerbüros complete (address, hours, status): " in out
