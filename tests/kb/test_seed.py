"""Seed loading: the real files validate; bad files fail with file and line, loading nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.engine import get_engine
from bot.kb.fields import SERVICES
from bot.kb.models import Fee, Office, Service
from bot.kb.seed import KnowledgeFileError, load_seed, parse_directory


def _copy_seed(seed_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(seed_dir, target)
    return target


def _count(engine, model) -> int:
    with Session(engine, future=True) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_real_seed_files_are_valid_and_complete(seed) -> None:
    assert {s.key for s in seed.services} == SERVICES
    for service in seed.services:
        assert service.info_url.startswith("https://") or service.info_url.startswith("http://")
        for fact in [*service.fees, *service.documents, *service.forms, *service.notes]:
            assert fact.source_url and fact.verified_on
            assert not isinstance(getattr(fact, "amount_cents", 0), float)


def test_loading_is_idempotent(sqlite_url: str, seed_dir: Path) -> None:
    engine = get_engine(sqlite_url)
    load_seed(engine, parse_directory(seed_dir))
    first = (_count(engine, Office), _count(engine, Service), _count(engine, Fee))
    load_seed(engine, parse_directory(seed_dir))
    assert (_count(engine, Office), _count(engine, Service), _count(engine, Fee)) == first
    assert first[1] == len(SERVICES)


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_float_money_is_rejected_with_file_and_line(seed_dir: Path, tmp_path: Path) -> None:
    folder = _copy_seed(seed_dir, tmp_path)
    path = folder / "services.yml"
    _break(path, "amount_cents: 4600", "amount_cents: 46.0")
    with pytest.raises(KnowledgeFileError) as caught:
        parse_directory(folder)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "46.0" in text)
    assert caught.value.path == path
    assert abs(caught.value.line - line) <= 1
    assert "cents" in str(caught.value)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("services.yml", "key: wohngeld", "key: wohngeldd", "must be one of"),
        ("offices.yml", "source_url: https://", "source_url: ftp://", "not an http(s) URL"),
        ("services.yml", "verified_on: 20", "verified_on: gestern-20", "must be a date"),
        ("offices.yml", "key: ", "kee: ", "unknown field"),
        ("general.yml", "contacts:", "contacts: [", "YAML syntax error"),
        ("requirements.yml", "kind: deadline", "kind: frist", "must be one of"),
        ("requirements.yml", "service: wohngeld", "service: wohngelt", "must be one of"),
        ("requirements.yml", "verified_on: 20", "verified_on: bald-20", "must be a date"),
        ("situations.yml", "service: fundsache", "service: fundbuero", "must be one of"),
        ("situations.yml", "source_url: https://", "source_url: ftp://", "not an http(s) URL"),
        ("offices.yml", "value: closed", "value: zu", "must be one of"),
        ("services.yml", "      source_url: https://www.gesetze-im-internet.de/pauswg/__9.html\n", "",
         "'source_url' is required"),
        ("services.yml", "online_url: null\n    online_note:",
         "online_url: https://www.service-bw.de/\n    online_note:",
         "only for services without one"),
    ],
)
def test_bad_files_name_file_and_line(seed_dir, tmp_path, file, old, new, message) -> None:
    folder = _copy_seed(seed_dir, tmp_path)
    _break(folder / file, old, new)
    with pytest.raises(KnowledgeFileError) as caught:
        parse_directory(folder)
    assert caught.value.path.name == file
    assert caught.value.line > 0
    assert message in str(caught.value)


def test_cli_bad_file_loads_nothing(seed_dir: Path, tmp_path: Path, sqlite_url: str, capsys) -> None:
    from bot.cli import main

    assert main(["load-knowledge", "--dir", str(seed_dir), "--db-url", sqlite_url]) == 0
    engine = get_engine(sqlite_url)
    before = _count(engine, Fee)
    folder = _copy_seed(seed_dir, tmp_path)
    _break(folder / "services.yml", "amount_cents: 4600", "amount_cents: -1")
    assert main(["load-knowledge", "--dir", str(folder), "--db-url", sqlite_url]) == 2
    err = capsys.readouterr().err
    assert "services.yml:" in err and "nothing was loaded" in err
    assert _count(engine, Fee) == before > 0


def test_missing_service_is_reported(seed_dir: Path, tmp_path: Path) -> None:
    folder = _copy_seed(seed_dir, tmp_path)
    path = folder / "services.yml"
    _break(path, "key: bonuscard", "key: wohngeld")
    with pytest.raises(KnowledgeFileError, match=r"duplicate service key|services missing"):
        parse_directory(folder)


def test_a_loaded_seed_cannot_be_loaded_twice(sqlite_url: str, seed_dir: Path) -> None:
    engine = get_engine(sqlite_url)
    seed = parse_directory(seed_dir)
    load_seed(engine, seed)
    with pytest.raises(ValueError, match="parse the files again"):
        load_seed(engine, seed)
    assert _count(engine, Service) == len(SERVICES)  # nothing was deleted
