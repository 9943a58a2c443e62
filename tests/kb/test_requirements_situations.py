"""Requirements, life situations and office status: seed validation and repository reads."""

from __future__ import annotations

import pytest

from bot.kb.fields import SERVICES
from bot.kb.repository import KnowledgeRepository, RecordNotFound
from bot.kb.seed import KnowledgeFileError, parse_directory
from bot.kb.seed_extra import SITUATIONS
from tests.kb.test_seed import _break, _copy_seed


def test_every_service_has_requirements_or_is_unknown(seed) -> None:
    unknown = {u.subject_key for u in seed.unknown if u.topic == "requirements"}
    for service in seed.services:
        assert service.requirements or service.key in unknown, service.key
        for requirement in service.requirements:
            assert requirement.kind in {"eligibility", "prerequisite", "obligation", "deadline"}
            assert requirement.text and requirement.source_url and requirement.verified_on


def test_every_situation_is_there_with_known_services(seed) -> None:
    assert {s.key for s in seed.situations} == SITUATIONS
    for situation in seed.situations:
        assert situation.steps, situation.key
        for step in situation.steps:
            assert step.service_key in SERVICES
            assert step.text and step.source_url and step.verified_on


def test_missing_requirements_or_situation_is_reported(seed_dir, tmp_path) -> None:
    folder = _copy_seed(seed_dir, tmp_path)
    _break(folder / "requirements.yml", "service: hilfe_zum_lebensunterhalt", "service: wohngeld")
    with pytest.raises(KnowledgeFileError, match=r"duplicate requirements|requirements missing"):
        parse_directory(folder)
    folder = _copy_seed(seed_dir, tmp_path / "second")
    (folder / "situations.yml").write_text("situations: []\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="situations missing"):
        parse_directory(folder)


def test_a_service_cannot_list_a_closed_office(seed_dir, tmp_path) -> None:
    folder = _copy_seed(seed_dir, tmp_path)
    _break(folder / "services.yml", "offices: [buergerbuero_mitte,",
           "offices: [buergerbuero_feuerbach, buergerbuero_mitte,")
    with pytest.raises(KnowledgeFileError, match="closed"):
        parse_directory(folder)


def test_repository_reads_requirements_situations_and_status(repo: KnowledgeRepository) -> None:
    rules = repo.requirements("wohnsitz_anmeldung")
    assert any("zwei Wochen" in r.text and r.kind == "deadline" for r in rules)
    assert [r.position for r in rules] == sorted(r.position for r in rules)
    assert any("§ 27" in r.text for r in repo.requirements("hilfe_zum_lebensunterhalt"))
    assert not repo.is_unknown("hilfe_zum_lebensunterhalt", "requirements")
    assert not repo.is_unknown("meldebescheinigung", "requirements")
    assert repo.is_unknown("gewerbeanmeldung", "fees")  # the unknown path still answers
    moving = repo.situation("umzug_nach_stuttgart")
    assert moving.steps[0].service_key == "wohnsitz_anmeldung"
    assert len(repo.situations()) == len(SITUATIONS)
    with pytest.raises(RecordNotFound):
        repo.situation("lottogewinn")
    feuerbach = repo.offices(kind="buergerbuero", district="feuerbach")
    assert [o.status for o in feuerbach] == ["closed"] and feuerbach[0].is_closed
    open_ones = repo.offices(kind="buergerbuero", status="open")
    assert all(o.is_open for o in open_ones) and "buergerbuero_feuerbach" not in {o.key for o in open_ones}
    service = repo.service("personalausweis")
    assert service.requirements and all(not o.is_closed for o in service.offices)


def test_a_database_of_the_old_schema_is_rebuilt_on_load(seed_dir, sqlite_url) -> None:
    """var/knowledge.db written before office status and requirements existed still loads."""
    from sqlalchemy import text

    from bot.db.engine import get_engine
    from bot.kb.seed import load_seed

    engine = get_engine(sqlite_url)
    with engine.begin() as connection:  # the offices table as the previous version created it
        connection.execute(text("CREATE TABLE offices (key VARCHAR(80) PRIMARY KEY, name VARCHAR(200))"))
        connection.execute(text("INSERT INTO offices (key, name) VALUES ('alt', 'Altes Büro')"))
    load_seed(engine, parse_directory(seed_dir))
    repo = KnowledgeRepository(engine)
    assert repo.office("buergerbuero_nord").status == "closed"
    with pytest.raises(RecordNotFound):
        repo.office("alt")
    engine.dispose()
