"""The bulk-load floor of the ingest benchmark (bench/ingest.py): it loads the file into a
scratch table on the warehouse's own engine and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from bench.ingest import FLOOR_TABLE, _floor_postgres, _floor_sqlite

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
