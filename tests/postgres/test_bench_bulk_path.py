"""A benchmark tier's synthetic bulk COPYed straight into ``observations``
(``demo.build.append_bulk_batch``, the default on PostgreSQL) leaves the same warehouse as
the same bulk loaded through ``load_observation_batch``, and a row that would clash with a
current one is refused, not superseded.

The tier is M made small (2 load-test indicators instead of 40, about 40,000 dossier rows
instead of 2 million), so that both ways of loading run in a test: the indicators' batches
(20,160 rows) and the dossier rows' yearly batches (about 6,000) both take the loader's
staged path, as M's do. Both builds run at the same pinned moment and are read back with
plain SQL, every column but the row ids the tables' sequences number (the same order of
batches gives the same batch ids, and they are compared).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Literal

import pandas as pd
import pytest
import time_machine
from psycopg.errors import UniqueViolation
from sqlalchemy import Connection, inspect, text

import demo.build
from data_access.engine import make_engine
from data_access.writes import STAGE_THRESHOLD
from demo.tiers import tier_bulk
from tests.conftest import PostgresDatabases
from tests.ingest.warehouse import base_rows, small_warehouse
from tests.postgres.test_bench_bulk_deferred import observation_schema

pytestmark = pytest.mark.postgres

MOMENT = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)
LAST_MONTH = dt.date(2026, 10, 1)

QUERIES = {
    "observations": (
        "SELECT indicator_id, unit_id, period_year, period_month, breakdown_key, value, "
        "numerator, denominator, batch_id, loaded_at, superseded_at, superseded_by_batch_id "
        "FROM observations ORDER BY indicator_id, unit_id, period_month, breakdown_key, batch_id"
    ),
    "load_batches": "SELECT * FROM load_batches ORDER BY batch_id",
    "audit_log": (
        "SELECT occurred_at, actor, action, object_type, object_id, detail_json, actor_roles, "
        "actor_unit, outcome FROM audit_log ORDER BY audit_id"
    ),
    "indicators": "SELECT * FROM indicators ORDER BY indicator_id",
    "breakdowns": "SELECT * FROM breakdowns ORDER BY breakdown_key",
    "units": "SELECT * FROM units ORDER BY unit_id",
}


def _read(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: [tuple(row) for row in conn.execute(text(sql))]
                for name, sql in QUERIES.items()
            }
    finally:
        engine.dispose()


def test_the_copied_bulk_is_the_loaded_bulk(
    postgres_databases: PostgresDatabases, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        demo.build,
        "tier_bulk",
        functools.partial(tier_bulk, indicators_per_m=2, dossier_rows_per_m=40_000),
    )
    # What observations had while each bulk batch was COPYed: the indexes and foreign keys
    # are built after the bulk (test_bench_bulk_deferred.py), not grown row by row.
    seen: list[dict[str, list[tuple[str, str]]]] = []
    append = demo.build.append_bulk_batch

    def recording(conn: Connection, frame: pd.DataFrame, **kwargs: Any) -> None:
        seen.append(observation_schema(conn))
        append(conn, frame, **kwargs)

    monkeypatch.setattr(demo.build, "append_bulk_batch", recording)
    copied_url, loaded_url = postgres_databases.create(), postgres_databases.create()
    reports = {}
    ways: tuple[tuple[str, Literal["copy", "loader"]], ...] = (
        (copied_url, "copy"),
        (loaded_url, "loader"),
    )
    for url, path in ways:
        with time_machine.travel(MOMENT, tick=False):
            report = demo.build.build_demo_warehouse(
                url, last_month=LAST_MONTH, size="M", bulk_path=path
            )
        reports[path] = (
            report.batches_loaded,
            report.observations_current,
            report.observations_superseded,
            report.units_inserted,
        )
    copied, loaded = _read(copied_url), _read(loaded_url)
    assert len(seen) == 2 + 5
    assert all([name for name, _ in during["indexes"]] == ["observations_pkey"] for during in seen)
    assert all(len(during["constraints"]) == 1 for during in seen)  # the primary key
    schemas = []
    for url in (copied_url, loaded_url):
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                schemas.append(observation_schema(conn))
        finally:
            engine.dispose()
    assert schemas[0] == schemas[1]
    assert len(schemas[0]["indexes"]) == 6 and len(schemas[0]["constraints"]) == 5

    assert reports["copy"] == reports["loader"]
    for name in QUERIES:
        assert copied[name] == loaded[name], name
    # The bulk is there, in batches the loader took through its staging table.
    batches = pd.DataFrame(copied["load_batches"], columns=_columns(copied_url, "load_batches"))
    bulk = batches[batches["submission_key"].str.startswith("bench|")]
    assert len(bulk) == 2 + 5  # 2 indicators, 5 years of dossier rows
    assert (bulk["row_count"] > STAGE_THRESHOLD).all()
    assert (bulk["rows_replaced"] == 0).all()
    rows = sum(1 for row in copied["observations"] if str(row[4]).startswith("procedure:bench-"))
    assert rows > 25_000
    assert sum(1 for row in copied["observations"] if str(row[0]).startswith("bench_")) == (
        2 * 168 * 120
    )


def _columns(url: str, table: str) -> list[str]:
    """The table's columns in order, from the database's catalogue (no SQL text built)."""
    engine = make_engine(url)
    try:
        return [column["name"] for column in inspect(engine).get_columns(table)]
    finally:
        engine.dispose()


def test_a_bulk_row_that_clashes_with_a_current_row_is_refused(postgres_url: str) -> None:
    """The COPY path supersedes nothing: a row with a current row's key fails the build's
    transaction at the current-row unique index instead."""
    small_warehouse(postgres_url)
    engine = make_engine(postgres_url)
    try:
        with (
            pytest.raises(UniqueViolation, match="ux_observations_current"),
            engine.begin() as conn,
        ):
            demo.build.append_bulk_batch(
                conn,
                base_rows(),
                submission_key="bench|clash",
                source_name="x",
                submitted_by="demo",
                is_demo=True,
                note=None,
                loaded_at=dt.datetime(2026, 11, 6),
            )
        with engine.connect() as conn:
            keys = conn.execute(text("SELECT count(*) FROM load_batches")).scalar_one()
        assert keys == 1  # the base batch only: the failed one rolled back whole
    finally:
        engine.dispose()
