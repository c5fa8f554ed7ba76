"""The Alembic migrations and ``data_access.schema`` describe the same schema.

A freshly migrated database, compared with the SQLAlchemy metadata by Alembic's
autogenerate, shows no difference; a downgrade to base removes every table and an upgrade
afterwards rebuilds the same schema. On SQLite always; on PostgreSQL when one answers.
"""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from data_access.engine import make_engine
from data_access.migrate import alembic_config, upgrade
from data_access.schema import metadata

pytestmark = pytest.mark.contract

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


def schema_differences(url: str) -> list[object]:
    """Alembic's autogenerate diff between the database at ``url`` and the metadata."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), metadata))
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "migrations/versions has no revision"
    return head


def test_migrations_form_one_line_of_history() -> None:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"


def test_upgrade_to_head_matches_the_schema_module(empty_database_url: str) -> None:
    upgrade(empty_database_url)

    assert current_revision(empty_database_url) == head_revision()
    assert set(metadata.tables) <= table_names(empty_database_url)
    assert schema_differences(empty_database_url) == []


def test_downgrade_to_base_then_upgrade_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)

    command.downgrade(alembic_config(empty_database_url), "base")
    assert table_names(empty_database_url) <= {"alembic_version"}
    assert current_revision(empty_database_url) is None

    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == head_revision()
    assert schema_differences(empty_database_url) == []


def test_upgrade_is_idempotent(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)

    assert current_revision(empty_database_url) == head_revision()


def test_a_downgrade_that_would_drop_real_data_is_refused(demo_warehouse_url, tmp_path) -> None:
    """No command deletes data it did not create: dropping the tables would."""
    import sqlite3

    from alembic.util import CommandError
    from sqlalchemy.engine import make_url

    from tests.real_data import load_real_batch, real_rows

    path = tmp_path / "real.sqlite"
    with (
        sqlite3.connect(str(make_url(demo_warehouse_url).database)) as source,
        sqlite3.connect(path) as copy,
    ):
        source.backup(copy)
    url = f"sqlite:///{path}"
    load_real_batch(url)
    before = real_rows(url)

    with pytest.raises(CommandError, match="not demo data"):
        command.downgrade(alembic_config(url), "base")

    assert real_rows(url) == before
    assert current_revision(url) == head_revision()


def test_a_downgrade_below_0002_keeps_real_capital_plans(demo_warehouse_url, tmp_path) -> None:
    """Dropping the capital_plans table would delete real plans: refused, nothing changes."""
    import datetime as dt
    import sqlite3

    import pandas as pd
    from alembic.util import CommandError
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from data_access import writes

    path = tmp_path / "plans.sqlite"
    with (
        sqlite3.connect(str(make_url(demo_warehouse_url).database)) as source,
        sqlite3.connect(path) as copy,
    ):
        source.backup(copy)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            writes.load_capital_plan_batch(
                conn,
                pd.DataFrame(
                    [
                        {
                            "unit_id": "25747",
                            "plan_year": 2027,
                            "effective_date": dt.date(2027, 1, 1),
                            "plan_billion_vnd": 321.5,
                            "source_document": "Nghị quyết thật",
                        }
                    ]
                ),
                submission_key="real|plan-2027",
                source_name="f",
                submitted_by="s",
            )
        with engine.connect() as conn:
            plans_before = conn.execute(text("SELECT COUNT(*) FROM capital_plans")).scalar()
    finally:
        engine.dispose()

    with pytest.raises(CommandError, match="1 capital-plan row"):
        command.downgrade(alembic_config(url), "0001")

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            plans_after = conn.execute(text("SELECT COUNT(*) FROM capital_plans")).scalar()
    finally:
        engine.dispose()
    assert plans_after == plans_before
    assert current_revision(url) == head_revision()


def _audit_columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("audit_log")}
    finally:
        engine.dispose()


AUDIT_ADDED = {"actor_roles", "actor_unit", "outcome"}


def test_0005_adds_the_audit_actor_and_outcome_and_goes_back(empty_database_url: str) -> None:
    """Down to 0004 drops the three columns (no entry holds them), up again brings them
    back; an entry written before 0005 reads as outcome ok."""
    from sqlalchemy import text

    url = empty_database_url
    command.upgrade(alembic_config(url), "0004")
    assert not AUDIT_ADDED & _audit_columns(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_log (occurred_at, actor, action, object_type) "
                    "VALUES ('2026-11-01 08:00:00', 'cli', 'load_batch', 'load_batch')"
                )
            )
    finally:
        engine.dispose()

    upgrade(url)
    assert _audit_columns(url) >= AUDIT_ADDED
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT actor, actor_roles, actor_unit, outcome FROM audit_log")
            ).one()
    finally:
        engine.dispose()
    assert tuple(row) == ("cli", None, None, "ok")

    command.downgrade(alembic_config(url), "0004")
    assert current_revision(url) == "0004"
    assert not AUDIT_ADDED & _audit_columns(url)
    upgrade(url)
    assert current_revision(url) == head_revision()
    assert schema_differences(url) == []


def test_a_downgrade_below_0005_keeps_the_audit_roles(empty_database_url: str) -> None:
    """Dropping the columns would delete who acted with which roles: refused, unchanged."""
    from alembic.util import CommandError

    from data_access import audit
    from data_access.identity import User

    url = empty_database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            audit.record(conn, User("an", frozenset({"admin"})), "sign_in", object_type="session")
    finally:
        engine.dispose()

    with pytest.raises(CommandError, match="1 entr"):
        command.downgrade(alembic_config(url), "0004")

    assert current_revision(url) == head_revision()
    assert _audit_columns(url) >= AUDIT_ADDED


def _scenario_columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("scenarios")}
    finally:
        engine.dispose()


def _add_scenario(url: str, author_unit: str | None) -> None:
    from sqlalchemy import text

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO scenarios (name, author, author_unit, created_at, seed, "
                    "levers_json) VALUES ('s', 'an', :unit, '2026-11-01 08:00:00', 1, '{}')"
                ),
                {"unit": author_unit},
            )
    finally:
        engine.dispose()


def test_0006_adds_the_scenario_authors_unit_and_goes_back(empty_database_url: str) -> None:
    """A city-wide author's scenario (no unit) survives down to 0005 and up again."""
    url = empty_database_url
    upgrade(url)
    assert "author_unit" in _scenario_columns(url)
    _add_scenario(url, None)
    command.downgrade(alembic_config(url), "0005")
    assert current_revision(url) == "0005"
    assert "author_unit" not in _scenario_columns(url)
    upgrade(url)
    assert current_revision(url) == head_revision()
    assert schema_differences(url) == []


def test_a_downgrade_below_0006_keeps_the_scenario_authors_unit(empty_database_url: str) -> None:
    """Dropping the column would delete which unit a scenario's author was limited to."""
    from alembic.util import CommandError

    url = empty_database_url
    upgrade(url)
    _add_scenario(url, "26737")
    with pytest.raises(CommandError, match="1 saved scenario"):
        command.downgrade(alembic_config(url), "0005")
    assert current_revision(url) == head_revision()
    assert "author_unit" in _scenario_columns(url)
