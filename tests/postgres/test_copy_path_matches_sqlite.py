"""The same file, loaded on PostgreSQL (through COPY into the staging table) and on SQLite
(through the driver's executemany), leaves the same warehouse.

The file is large enough for the staged path on both engines (more rows than
``writes.STAGE_THRESHOLD``) and holds what a text round trip can change: a unit's total
(``breakdown_key`` '', not NULL) beside a procedure's part, a count without a
denominator (NULL), numbers with 15 and more significant digits, and rows that replace
the base batch's current rows. Both warehouses are read back with the same plain SQL,
not through the loader; the expected counts are worked out from the file by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from data_access import writes
from data_access.engine import make_engine
from ingest import service
from ingest.read import Limits, Submitted
from tests.ingest.warehouse import TODAY, WARD_A, WARD_B, small_warehouse

pytestmark = pytest.mark.postgres

PROCEDURE = "procedure:1.001612"
MONTHS = [dt.date(2024 + i // 12, i % 12 + 1, 1) for i in range(34)]  # 2024-01 … 2026-10


def _file(units: list[str]) -> str:
    lines = ["indicator_code,unit_code,period,breakdown,numerator,denominator,value"]
    for u, unit in enumerate(units):
        for m, month in enumerate(MONTHS):
            numerator = f"{100 + (u * 37 + m * 11) % 800}.{(u * 7919 + m) % 10**15:015d}"
            lines.append(f"online_dossier_share,{unit},{month:%Y-%m},,{numerator},1000,")
    for m, month in enumerate(MONTHS):
        lines.append(f"online_dossier_share,{WARD_A},{month:%Y-%m},{PROCEDURE},{m}.1,{m + 3},")
        lines.append(f"dossiers_received,{WARD_A},{month:%Y-%m},,,,{1234 + m}")
    return "\n".join(lines) + "\n"


def _breakdown() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "breakdown_key": PROCEDURE,
                "dimension": "procedure",
                "code": "1.001612",
                "name_vi": "Thủ tục thử",
                "name_en": "Test procedure",
                "sort_order": 1,
                "attributes_json": None,
                "is_demo": False,
            }
        ]
    )


OBSERVATIONS = (
    "SELECT indicator_id, unit_id, period_year, period_month, breakdown_key, value, "
    "numerator, denominator, batch_id, superseded_by_batch_id, superseded_at IS NULL "
    "FROM observations"
)
BATCHES = (
    "SELECT batch_id, submission_key, batch_kind, row_count, rows_replaced, status, "
    "checksum_sha256 FROM load_batches"
)


def _read(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(statement)).all()
    finally:
        engine.dispose()
    # SQLite gives dates as text and booleans as 0/1: one form for both engines. Floats
    # stay floats and are compared exactly.
    plain = [
        tuple(
            str(v)
            if isinstance(v, dt.date)
            else int(v)
            if isinstance(v, bool)
            else v.hex()
            if isinstance(v, float)
            else v
            for v in row
        )
        for row in rows
    ]
    return sorted(plain, key=repr)


def _load(url: str, data: str) -> service.Report:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            writes.upsert_breakdowns(conn, _breakdown())
        return service.load_files(
            engine,
            [Submitted("units.csv", data.encode())],
            actor="steward",
            today=TODAY,
            limits=Limits(max_rows=20_000),
        )
    finally:
        engine.dispose()


def test_the_copy_path_and_the_sqlite_path_leave_the_same_warehouse(
    postgres_url: str, tmp_path: Path
) -> None:
    sqlite_url = small_warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    small_warehouse(postgres_url)
    units = sorted(
        str(row[0])
        for row in _read(
            sqlite_url, "SELECT unit_id FROM units WHERE unit_type IN ('ward', 'commune')"
        )
    )
    data = _file(units)
    # 34 months of every ward and commune's total, and of one ward's procedure part and
    # its dossier count.
    expected_rows = 34 * len(units) + 34 + 34
    assert expected_rows > writes.STAGE_THRESHOLD  # both engines take the staged path
    on_sqlite = _load(sqlite_url, data)
    on_postgres = _load(postgres_url, data)
    for report in (on_sqlite, on_postgres):
        assert report.is_ok, report.problems
        batch = report.batches[0]
        # The base batch's two October rows (wards A and B) are replaced.
        assert (batch.rows_loaded, batch.rows_replaced) == (expected_rows, 2)
    assert {WARD_A, WARD_B} <= set(units)

    sqlite_rows = _read(sqlite_url, OBSERVATIONS)
    postgres_rows = _read(postgres_url, OBSERVATIONS)
    assert len(sqlite_rows) == expected_rows + 2  # and the base batch's two, superseded
    assert postgres_rows == sqlite_rows
    assert _read(postgres_url, BATCHES) == _read(sqlite_url, BATCHES)

    # A few cells against the file itself: a total's '' key, a count's NULL denominator,
    # a 15-decimal numerator read back exactly.
    total = [r for r in postgres_rows if r[1] == WARD_A and r[3] == "2026-10-01" and r[4] == ""]
    a = units.index(WARD_A)
    numerator = float(f"{100 + (a * 37 + 33 * 11) % 800}.{(a * 7919 + 33) % 10**15:015d}")
    assert [r[6] for r in total if r[0] == "online_dossier_share" and r[10] == 1] == [
        numerator.hex()
    ]
    count = [r for r in total if r[0] == "dossiers_received"]
    assert [(r[5], r[6], r[7]) for r in count] == [((1234.0 + 33).hex(), (1234.0 + 33).hex(), None)]
    part = [r for r in postgres_rows if r[4] == PROCEDURE and r[3] == "2026-10-01"]
    assert [(r[6], r[7]) for r in part] == [((33.1).hex(), (36.0).hex())]
