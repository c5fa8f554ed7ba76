"""The bulk-load floors of the ingest benchmark (bench/ingest.py): the bare floor loads the
file into a scratch table on the warehouse's own engine and leaves nothing behind; the
same-table floor loads the same rows into ``observations`` itself, with its foreign keys
and indexes, and rolls back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bench.ingest import (
    FLOOR_TABLE,
    OBSERVATION_COLUMNS,
    _floor_postgres,
    _floor_postgres_same_table,
    _floor_sqlite,
    _floor_sqlite_same_table,
    observation_rows,
)
from tests.ingest.warehouse import BACKENDS, WARD_A, WARD_B, backend_warehouse

ROWS = "x,26737,2026-01,,,1,2,50\n" * 3
HEADER = "indicator_code,unit_code,period,plan_year,breakdown,numerator,denominator,value\n"


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "floor.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_the_sqlite_floor_loads_and_drops_its_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'floor.sqlite'}"
    assert _floor_sqlite(url, _file(tmp_path)) > 0
    assert FLOOR_TABLE not in _tables(url)


@pytest.mark.postgres
def test_the_postgres_floor_copies_and_drops_its_table(tmp_path: Path, postgres_url: str) -> None:
    assert _floor_postgres(postgres_url, _file(tmp_path)) > 0
    assert FLOOR_TABLE not in _tables(postgres_url)


# --- the like-for-like floor: the same rows into ``observations`` itself ------------------

# Both wards' October 2026 total is already current in the small warehouse: the floor must
# supersede it (untimed) before its COPY, or the current-row unique index refuses the rows.
SAME_TABLE_ROWS = (
    f"online_dossier_share,{WARD_A},2026-10,,,40,80,\n"
    f"online_dossier_share,{WARD_B},2026-10,,,30,60,\n"
    f"online_dossier_share,{WARD_A},2026-09,,,1,2,50\n"
)


def _counts(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (
                conn.execute(text("SELECT count(*) FROM observations")).scalar_one(),
                conn.execute(
                    text("SELECT count(*) FROM observations WHERE superseded_at IS NULL")
                ).scalar_one(),
                conn.execute(text("SELECT count(*) FROM load_batches")).scalar_one(),
            )
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return backend_warehouse(request, tmp_path)


def _same_table_floor(url: str) -> Callable[[str, Path], float]:
    postgres = make_url(url).get_backend_name() == "postgresql"
    return _floor_postgres_same_table if postgres else _floor_sqlite_same_table


def test_the_same_table_floor_loads_into_observations_and_rolls_back(
    warehouse: str, tmp_path: Path
) -> None:
    path = tmp_path / "same.csv"
    path.write_text(HEADER + SAME_TABLE_ROWS, encoding="utf-8")
    before = _counts(warehouse)
    assert _same_table_floor(warehouse)(warehouse, path) > 0
    assert _counts(warehouse) == before


def test_the_same_table_floor_keeps_the_foreign_keys(warehouse: str, tmp_path: Path) -> None:
    # A unit the warehouse does not have: the table's own foreign key refuses the row, so
    # the floor does write into ``observations`` with its keys, not into a bare copy.
    path = tmp_path / "stranger.csv"
    path.write_text(HEADER + "online_dossier_share,99999,2026-09,,,1,2,50\n", encoding="utf-8")
    before = _counts(warehouse)
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        _same_table_floor(warehouse)(warehouse, path)
    assert _counts(warehouse) == before


def test_the_rows_take_the_observations_shape(tmp_path: Path) -> None:
    path = tmp_path / "shape.csv"
    path.write_text(HEADER + SAME_TABLE_ROWS, encoding="utf-8")
    rows = observation_rows(path, 7)
    assert list(rows.columns) == list(OBSERVATION_COLUMNS)
    assert rows["unit_id"].tolist() == [WARD_A, WARD_B, WARD_A]
    assert rows["period_year"].tolist() == [2026] * 3
    assert rows["period_month"].tolist() == ["2026-10-01", "2026-10-01", "2026-09-01"]
    assert rows["breakdown_key"].tolist() == ["", "", ""]
    assert rows["value"].tolist() == [50.0, 50.0, 50.0]
    assert rows["batch_id"].tolist() == [7, 7, 7]
