"""A benchmark tier's bulk is COPYed into ``observations`` without its secondary indexes
and foreign keys (``demo.build.observation_checks_deferred``), which are built again
after it, the same as before; and a row they would refuse is still refused, rolling the
whole transaction back."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from psycopg.errors import ForeignKeyViolation, UniqueViolation
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from data_access.engine import make_engine
from demo.build import append_bulk_batch, observation_checks_deferred
from tests.ingest.warehouse import base_rows, small_warehouse

pytestmark = pytest.mark.postgres


def observation_schema(conn: Connection) -> dict[str, list[tuple[str, str]]]:
    """The indexes and constraints of ``observations``, each with its definition."""
    return {
        "indexes": [
            (str(name), str(definition))
            for name, definition in conn.execute(
                text(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE i.indrelid = 'observations'::regclass ORDER BY c.relname"
                )
            )
        ],
        "constraints": [
            (str(name), str(definition))
            for name, definition in conn.execute(
                text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = 'observations'::regclass ORDER BY conname"
                )
            )
        ],
    }


def _append(conn: Connection, rows: pd.DataFrame, key: str) -> None:
    append_bulk_batch(
        conn,
        rows,
        submission_key=key,
        source_name="x",
        submitted_by="demo",
        is_demo=True,
        note=None,
        loaded_at=dt.datetime(2026, 11, 6),
    )


def _new_rows() -> pd.DataFrame:
    """Rows whose keys no current row holds (September instead of October)."""
    return base_rows().assign(period_month=dt.date(2026, 9, 1))


def test_inside_only_the_primary_key_after_everything_as_before(postgres_url: str) -> None:
    small_warehouse(postgres_url)
    engine = make_engine(postgres_url)
    try:
        with engine.begin() as conn:
            before = observation_schema(conn)
            with observation_checks_deferred(conn):
                inside = observation_schema(conn)
                _append(conn, _new_rows(), "bench|new")
            after = observation_schema(conn)
        with engine.connect() as conn:
            committed = observation_schema(conn)
            rows = conn.execute(text("SELECT count(*) FROM observations")).scalar_one()
    finally:
        engine.dispose()
    assert [name for name, _ in inside["indexes"]] == ["observations_pkey"]
    assert [d for _, d in inside["constraints"]] == ["PRIMARY KEY (observation_id)"]
    # Five secondary indexes (0008 added the unit totals' partial index, which keeps its
    # WHERE) and four foreign keys were there, and are back unchanged.
    assert len(before["indexes"]) == 6 and len(before["constraints"]) == 5
    assert any("ix_observations_unit_totals" in d and "WHERE" in d for _, d in after["indexes"])
    assert after == before and committed == before
    assert rows == 4


def test_a_clash_with_a_current_row_fails_the_unique_index_when_it_is_built(
    postgres_url: str,
) -> None:
    small_warehouse(postgres_url)
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as conn:
            before = observation_schema(conn)
        with (
            pytest.raises(IntegrityError, match="ux_observations_current") as refused,
            engine.begin() as conn,
            observation_checks_deferred(conn),
        ):
            _append(conn, base_rows(), "bench|clash")  # October again: the base batch's keys
        assert isinstance(refused.value.orig, UniqueViolation)
        with engine.connect() as conn:
            assert observation_schema(conn) == before
            assert conn.execute(text("SELECT count(*) FROM observations")).scalar_one() == 2
            assert conn.execute(text("SELECT count(*) FROM load_batches")).scalar_one() == 1
    finally:
        engine.dispose()


def test_a_row_of_an_unknown_unit_fails_its_foreign_key_when_it_is_added(
    postgres_url: str,
) -> None:
    small_warehouse(postgres_url)
    engine = make_engine(postgres_url)
    try:
        with (
            pytest.raises(IntegrityError, match="observations_unit_id_fkey") as refused,
            engine.begin() as conn,
            observation_checks_deferred(conn),
        ):
            _append(conn, _new_rows().head(1).assign(unit_id="no-such-unit"), "bench|unknown")
        assert isinstance(refused.value.orig, ForeignKeyViolation)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM observations")).scalar_one() == 2
    finally:
        engine.dispose()


def test_without_defer_nothing_changes(postgres_url: str) -> None:
    small_warehouse(postgres_url)
    engine = make_engine(postgres_url)
    try:
        with engine.begin() as conn:
            before = observation_schema(conn)
            with observation_checks_deferred(conn, defer=False):
                assert observation_schema(conn) == before
    finally:
        engine.dispose()
