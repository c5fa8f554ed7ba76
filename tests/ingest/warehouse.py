"""Small warehouses for the loader's tests, and a fingerprint of every table.

``small_warehouse(url)`` migrates an empty database and puts in the reference units, the
registry and one real batch (two wards' October 2026 online share), on SQLite or
PostgreSQL; ``backend_warehouse`` makes one on the backend a fixture's parameter names.
``fingerprint(url)`` is each table's row count and a checksum of its sorted
rows, so a test can say "every table unchanged".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.writes import (
    insert_units,
    load_observation_batch,
    reference_unit_rows,
    sync_registry,
)

TODAY = dt.date(2026, 11, 28)
"""The day the loader's tests run as (the month 2026-11 has not ended)."""
WARD_A, WARD_B = "25747", "25750"
BASE_KEY = "real|online_dossier_share|2026-10"


def base_rows() -> pd.DataFrame:
    """The real batch every small warehouse starts with."""
    return pd.DataFrame(
        {
            "indicator_id": ["online_dossier_share", "online_dossier_share"],
            "unit_id": [WARD_A, WARD_B],
            "period_year": [2026, 2026],
            "period_month": [dt.date(2026, 10, 1)] * 2,
            "value": [50.0, 25.0],
            "numerator": [50.0, 25.0],
            "denominator": [100.0, 100.0],
        }
    )


def small_warehouse(url: str) -> str:
    """Migrate ``url`` and load the reference units, the registry and one real batch."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            insert_units(conn, reference_unit_rows())
            sync_registry(conn)
            load_observation_batch(
                conn,
                base_rows(),
                submission_key=BASE_KEY,
                source_name="base.csv",
                submitted_by="steward",
                loaded_at=dt.datetime(2026, 11, 5, 3, 0),
            )
    finally:
        engine.dispose()
    return url


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""The backends a warehouse fixture is parametrized over (``params=BACKENDS``)."""


def backend_warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A :func:`small_warehouse` on the backend ``request.param`` names: a SQLite file in
    ``tmp_path``, or the suite's PostgreSQL database (``postgres_url``)."""
    if request.param == "sqlite":
        return small_warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    return small_warehouse(str(request.getfixturevalue("postgres_url")))


def copy_sqlite(source_url: str, path: str) -> str:
    """A private copy of a SQLite warehouse (the session's demo must stay untouched)."""
    with (
        sqlite3.connect(str(make_url(source_url).database)) as source,
        sqlite3.connect(path) as copy,
    ):
        source.backup(copy)
    return f"sqlite:///{path}"


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Per table: (row count, SHA-256 of its rows sorted as text)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            result = {}
            for name in names:
                quoted = conn.dialect.identifier_preparer.quote(name)
                rows = conn.execute(text("SELECT * FROM " + quoted)).all()
                lines = sorted(repr(tuple(row)) for row in rows)
                digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
                result[name] = (len(rows), digest)
            return result
    finally:
        engine.dispose()


def current(url: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    """Rows of a query, as tuples."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()
