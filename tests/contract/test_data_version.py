"""The warehouse's data version: one cheap query that changes on every load and every undo
and on nothing else (reads, or asking again), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access import queries, writes
from data_access.engine import make_engine
from data_access.migrate import upgrade

WARD = "26737"  # Tân Định
OCT = dt.date(2026, 10, 1)


def _rows(num: float) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": "online_dossier_share",
                "unit_id": WARD,
                "period_year": 2026,
                "period_month": OCT,
                "value": num,
                "numerator": num,
                "denominator": 100.0,
            }
        ]
    )


def _load(engine, num: float, at: dt.datetime) -> int:
    with engine.begin() as conn:
        return writes.load_observation_batch(
            conn, _rows(num), submission_key="oct", source_name="t", submitted_by="t", loaded_at=at
        ).batch_id


def _version(engine) -> tuple[int, int, int, str]:
    with engine.connect() as conn:
        return queries.data_version(conn)


@pytest.fixture(params=["sqlite", "postgres"])
def warehouse(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'version.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        writes.insert_units(conn, writes.reference_unit_rows())
        writes.sync_registry(conn)
    yield engine
    engine.dispose()


def test_an_empty_warehouse_has_version_zero(warehouse):
    assert _version(warehouse) == (0, 0, 0, "")


def test_the_version_changes_on_each_load_and_undo_and_only_then(warehouse):
    at = dt.datetime(2026, 10, 5, 8, 0)
    first_id = _load(warehouse, 50.0, at)
    after_first = _version(warehouse)
    # One batch, its id, none undone.
    assert after_first == (1, first_id, 0, "")
    # Reading figures, or asking again, changes nothing.
    with warehouse.connect() as conn:
        queries.scope_series(conn, "online_dossier_share")
    assert _version(warehouse) == after_first

    # A second version of the same submission, loaded the same second: a new batch.
    second_id = _load(warehouse, 60.0, at)
    after_second = _version(warehouse)
    assert second_id > first_id
    assert after_second == (2, second_id, 0, "")

    # Undo the second: no batch added, but one more undone, at the undo's time.
    undone_at = dt.datetime(2026, 10, 6, 9, 30)
    with warehouse.begin() as conn:
        writes.undo_batch(conn, second_id, undone_by="t", at=undone_at)
    after_undo = _version(warehouse)
    assert after_undo == (2, second_id, 1, "2026-10-06T09:30:00")
    assert after_undo != after_second
    assert _version(warehouse) == after_undo

    # A load after the undo changes it again.
    third_id = _load(warehouse, 70.0, undone_at)
    assert _version(warehouse) == (3, third_id, 1, "2026-10-06T09:30:00")
