"""The knowledge-gap page: counts of unknown answers, old facts, CSV exports, roles."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.kb.seed import load_seed, parse_directory
from bot.review.gaps import gap_counts, record_gap, stale_facts, to_csv
from bot.staff import session_factory
from tests.console.conftest import login


def _count(staff_db_url: str, *gap: str, times: int = 1) -> None:
    engine = get_engine(staff_db_url)
    create_all(engine, "staff")
    with session_factory(engine)() as session, session.begin():
        for _ in range(times):
            record_gap(session, *gap)
    engine.dispose()


def test_gaps_are_counted_per_day_subject_and_topic(staff_db_url: str) -> None:
    _count(staff_db_url, "service", "wohngeld", "documents", times=3)
    _count(staff_db_url, "office", "buergerbuero_ost", "hours")
    engine = get_engine(staff_db_url)
    with session_factory(engine)() as session:
        rows = [(g.kind, g.subject, g.topic, g.count) for g in gap_counts(session)]
    engine.dispose()
    assert rows == [("service", "wohngeld", "documents", 3), ("office", "buergerbuero_ost", "hours", 1)]
    with pytest.raises(ValueError, match="not a knowledge gap"):
        _count(staff_db_url, "freitext", "x", "y")


def test_old_facts_are_listed(tmp_path, seed_dir) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    load_seed(engine, parse_directory(seed_dir))
    with Session(engine, future=True) as session:
        facts = stale_facts(session, today=date(2030, 1, 1))
        assert facts and all(fact.verified_on < date(2029, 1, 1) and fact.source_url for fact in facts)
        assert stale_facts(session, today=date(2000, 1, 1)) == []
    engine.dispose()


def test_csv_cells_cannot_start_a_formula() -> None:
    text = to_csv(("a", "b"), [("=HYPERLINK(1)", "+49"), ("ok", 3)])
    assert text.splitlines() == ["a;b", "'=HYPERLINK(1);'+49", "ok;3"]


async def test_reviewers_see_gaps_and_download_them(console, add_user, staff_db_url, console_settings,
                                                    seed_dir) -> None:
    engine = get_engine(console_settings.knowledge_db_url)
    load_seed(engine, parse_directory(seed_dir))
    engine.dispose()
    _count(staff_db_url, "service", "wohngeld", "documents", times=2)
    add_user("rita", "reviewer")
    await login(console, "rita")
    page = await console.get("/knowledge")
    html = await page.text()
    assert page.status == 200 and "wohngeld" in html and "Unterlagen" in html
    csv_response = await console.get("/knowledge/gaps.csv?days=30")
    assert csv_response.headers["Content-Type"].startswith("text/csv")
    assert "Leistung;wohngeld;Unterlagen;2" in await csv_response.text()
    stale = await console.get("/knowledge/stale.csv")
    assert stale.status == 200 and (await stale.text()).startswith("Tabelle;Schlüssel;Quelle;Geprüft am")


async def test_agents_may_not_open_the_gap_page(console, add_user) -> None:
    add_user("anna", "agent")
    await login(console, "anna")
    for path in ("/knowledge", "/knowledge/gaps.csv", "/knowledge/stale.csv"):
        assert (await console.get(path, allow_redirects=False)).status == 403
