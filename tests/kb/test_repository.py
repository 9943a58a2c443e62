"""Repository queries against real databases: SQLite file and PostgreSQL."""

from __future__ import annotations

from datetime import time

import pytest

from bot.db.engine import get_engine
from bot.kb.repository import KnowledgeRepository, RecordNotFound
from bot.kb.seed import load_seed


@pytest.fixture(params=["sqlite", "postgresql"])
def any_repo(request, seed, tmp_path):
    """The same repository on SQLite and on the local PostgreSQL server."""
    url = f"sqlite:///{tmp_path / 'kb.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = get_engine(url)
    load_seed(engine, seed)
    yield KnowledgeRepository(engine)
    engine.dispose()


def test_personalausweis_fees_are_integer_cents_from_2026(any_repo: KnowledgeRepository) -> None:
    service = any_repo.service("personalausweis")
    amounts = {fee.amount_cents for fee in service.fees}
    assert {4600, 2760} <= amounts
    assert all(isinstance(fee.amount_cents, int) for fee in service.fees)
    assert all(fee.source_url and fee.verified_on for fee in service.fees)


def test_service_loads_offices_with_hours_detached(any_repo: KnowledgeRepository) -> None:
    service = any_repo.service("personalausweis")
    botnang = {office.key: office for office in service.offices}["buergerbuero_botnang"]
    # read after the session closed: loaded eagerly, a lazy load would raise DetachedInstanceError
    assert sorted((h.weekday, h.opens, h.closes) for h in botnang.hours) == [
        (0, time(8, 30), time(13)), (1, time(8, 30), time(12)), (2, time(8, 30), time(13)),
        (3, time(8, 30), time(12)), (4, time(8, 30), time(13))]
    assert botnang.closures == []


def test_unknown_service_raises(any_repo: KnowledgeRepository) -> None:
    with pytest.raises(RecordNotFound):
        any_repo.service("hundesteuer")


def test_offices_by_kind_and_district(any_repo: KnowledgeRepository) -> None:
    botnang = any_repo.offices(kind="buergerbuero", district="botnang")
    assert [o.district for o in botnang] == ["botnang"]
    assert botnang[0].hours_known
    assert any_repo.offices(kind="auslaenderbehoerde")


def test_hotline_contact_and_unknown_facts(any_repo: KnowledgeRepository) -> None:
    contact = any_repo.contact("behoerdennummer")
    assert contact is not None and contact.phone == "115"
    assert any_repo.contact("does_not_exist") is None
    assert any_repo.is_unknown("meldebescheinigung", "fees")
    assert not any_repo.is_unknown("personalausweis", "fees")


def test_cache_serves_repeated_queries_until_it_expires(sqlite_engine, seed_dir, monkeypatch) -> None:
    from bot.kb import repository as module
    from bot.kb.seed import parse_directory

    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    cached = KnowledgeRepository(sqlite_engine, cache_seconds=60)
    first = cached.service("personalausweis")
    assert cached.service("personalausweis") is first
    load_seed(sqlite_engine, parse_directory(seed_dir))  # reload: new rows in the database
    assert cached.service("personalausweis") is first
    clock[0] += 61
    assert cached.service("personalausweis") is not first
    with pytest.raises(RecordNotFound):
        cached.service("hundesteuer")
