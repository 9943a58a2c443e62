"""Schema migrations (``bot.db``): a new database upgraded to head equals the models, on
SQLite and PostgreSQL; a model change without a migration is reported; databases made by
the old ``create_all`` code are stamped, and upgrading again changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, inspect, text
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.db.databases import DATABASES, database
from bot.db.engine import get_engine
from bot.db.migrate import baseline_tables, create_all, describe, head_revision, schema_diff, upgrade

NAMES = tuple(DATABASES)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database, SQLite file or fresh PostgreSQL database."""
    url = (f"sqlite:///{tmp_path / 'empty.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    created = get_engine(url)
    yield created
    created.dispose()


@pytest.mark.parametrize("name", NAMES)
def test_upgrading_an_empty_database_gives_the_models_schema(engine: Engine, name: str) -> None:
    result = upgrade(engine, name)

    assert (result.before, result.after, result.stamped) == (None, head_revision(name), False)
    assert result.diffs == []
    assert schema_diff(engine, name) == []
    tables = set(inspect(engine).get_table_names())
    assert database(name).table_names() <= tables
    assert database(name).version_table in tables


@pytest.mark.parametrize("name", NAMES)
def test_a_database_made_by_create_all_is_stamped_not_recreated(engine: Engine, name: str) -> None:
    create_all(engine, name)  # what the processes did before migrations
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE keep_me (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO keep_me (id) VALUES (7)"))

    first = upgrade(engine, name)
    again = upgrade(engine, name)

    assert (first.before, first.after, first.stamped) == (None, head_revision(name), True)
    assert (again.before, again.after, again.stamped) == (head_revision(name), head_revision(name), False)
    assert [describe(diff) for diff in first.diffs] == ["remove_table keep_me"]  # foreign tables are reported
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM keep_me")).scalar_one() == 7


def test_stamping_keeps_the_rows(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'staff.db'}")
    create_all(engine, "staff")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO review_state (key, value) VALUES ('events_watermark', '\"12\"')"))

    assert upgrade(engine, "staff").stamped
    with engine.connect() as connection:
        assert connection.execute(text("SELECT value FROM review_state")).scalar_one() == '"12"'
    engine.dispose()


def test_a_database_lacking_tables_gets_only_the_missing_ones(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'staff.db'}")
    database("staff").metadata().tables["console_users"].create(engine)  # an older create_all
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO console_users (id, username, display_name, password_hash, roles, active, failed_logins, "
            "created_at) VALUES (1, 'maier', 'Frau Maier', 'x', 'agent', 1, 0, '2026-01-01 00:00:00')"))

    result = upgrade(engine, "staff")

    assert not result.stamped and result.after == head_revision("staff") and result.diffs == []
    assert baseline_tables("staff") <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT username FROM console_users")).scalar_one() == "maier"
    engine.dispose()


def _with_extra_column(name: str, table: str) -> MetaData:
    copy = MetaData()
    for model_table in database(name).metadata().sorted_tables:
        model_table.to_metadata(copy)
    copy.tables[table].append_column(Column("pinned", Integer, nullable=True))
    return copy


@pytest.mark.parametrize(("name", "table"), [("staff", "notices"), ("telephony", "callback_requests"),
                                         ("knowledge", "offices")])
def test_a_model_change_without_a_migration_is_reported(engine: Engine, name: str, table: str) -> None:
    upgrade(engine, name)

    diffs = schema_diff(engine, name, _with_extra_column(name, table))

    assert [describe(diff) for diff in diffs] == [f"add_column {table}.pinned"]


def test_two_databases_may_share_one_file(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    for name in ("staff", "telephony"):
        assert upgrade(engine, name).diffs == []
    assert schema_diff(engine, "staff") == [] and schema_diff(engine, "telephony") == []
    engine.dispose()


def test_cli_upgrades_every_configured_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    for name in NAMES:
        monkeypatch.setenv(database(name).url_env, f"sqlite:///{tmp_path / f'{name}.db'}")

    assert main(["db", "check"]) == 1  # nothing there yet
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "check"]) == 0
    assert main(["db", "current", "--database", "staff"]) == 0

    out = capsys.readouterr().out
    for name in NAMES:
        assert f"{name}: sqlite:///{tmp_path / f'{name}.db'} at {head_revision(name)}, upgraded from empty" in out
        assert f"{name}: sqlite:///{tmp_path / f'{name}.db'} at {head_revision(name)}, unchanged" in out
    assert f"staff: {head_revision('staff')}\n" in out
