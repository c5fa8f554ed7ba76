"""The governance queries on SQLite and PostgreSQL: what they count, checked against the
rows the test wrote (counted by hand) and against plain SQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access import governance as q
from data_access.engine import make_engine
from data_access.writes import load_observation_batch
from ingest import service
from ingest.read import Submitted
from metrics import governance as g
from tests.ingest.warehouse import (
    BACKENDS,
    TODAY,
    WARD_A,
    WARD_B,
    backend_warehouse,
    current,
)

CODE = "online_dossier_share"


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path) -> str:
    url = backend_warehouse(request, tmp_path)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            # Written past the loader, as another system could: September for ward A with
            # its numerator above its denominator (out of range).
            load_observation_batch(
                conn,
                pd.DataFrame(
                    {
                        "indicator_id": [CODE],
                        "unit_id": [WARD_A],
                        "period_year": [2026],
                        "period_month": [dt.date(2026, 9, 1)],
                        "value": [120.0],
                        "numerator": [120.0],
                        "denominator": [100.0],
                    }
                ),
                submission_key="other-system|2026-09",
                source_name="other.csv",
                submitted_by="system",
                loaded_at=dt.datetime(2026, 10, 3, 2, 0),
            )
        # A file refused for a duplicate row and an out-of-range row (3 rows, 2 refused).
        header = "indicator_code,unit_code,period,numerator,denominator\n"
        rows = f"{CODE},{WARD_B},2026-09,10,20\n{CODE},{WARD_B},2026-09,10,20\n"
        rows += f"{CODE},{WARD_A},2026-08,30,20\n"
        service.load_files(
            engine,
            [Submitted("bad.csv", (header + rows).encode())],
            actor="steward",
            today=TODAY,
        )
    finally:
        engine.dispose()
    return url


def _read(url: str) -> g.GovernanceInputs:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return q.read_inputs(conn, TODAY)
    finally:
        engine.dispose()


def test_the_periods_in_and_what_is_wrong_in_them(url):
    inputs = _read(url)
    online = inputs.periods[inputs.periods["indicator_id"] == CODE]
    assert online.to_dict("records") == [
        {
            "indicator_id": CODE,
            "unit_id": WARD_A,
            "period_month": dt.date(2026, 9, 1),
            "rows": 1,
            "duplicate_rows": 0,
            "out_of_range_rows": 1,
        },
        {
            "indicator_id": CODE,
            "unit_id": WARD_A,
            "period_month": dt.date(2026, 10, 1),
            "rows": 1,
            "duplicate_rows": 0,
            "out_of_range_rows": 0,
        },
        {
            "indicator_id": CODE,
            "unit_id": WARD_B,
            "period_month": dt.date(2026, 10, 1),
            "rows": 1,
            "duplicate_rows": 0,
            "out_of_range_rows": 0,
        },
    ]
    latest = inputs.latest[inputs.latest["indicator_id"] == CODE]
    assert latest["latest_period"].tolist() == [dt.date(2026, 10, 1)] * 2
    assert latest["last_loaded_at"].tolist() == [pd.Timestamp("2026-11-05 03:00")] * 2


def test_what_validation_found_is_counted_per_unit(url):
    counts = _read(url).checks.set_index("unit_code")
    # Independently: the record of submitted files, summed by plain SQL.
    by_sql = current(
        url,
        "SELECT unit_code, SUM(row_count), SUM(error_row_count), SUM(duplicate_row_count), "
        "SUM(out_of_range_row_count) FROM submission_check_units GROUP BY unit_code "
        "ORDER BY unit_code",
    )
    assert by_sql == [(WARD_A, 1, 1, 0, 1), (WARD_B, 2, 1, 1, 0)]
    assert [
        (u, *(int(v) for v in counts.loc[u, list(q.CHECK_COUNT_COLUMNS[2:])])) for u in counts.index
    ] == [(u, *map(int, rest)) for u, *rest in by_sql]


def test_the_measures_of_the_dossier_dataset(url):
    report = g.report(_read(url))
    rows = report.per_unit[report.per_unit["dataset_id"] == "administrative_dossiers"]
    a = rows.set_index("unit_id").loc[WARD_A]
    # Ward A: online share 2026-09 and 2026-10 of the 48 unit-periods of four indicators;
    # one file row of its, refused; 1 row out of range in the warehouse + 1 in the file.
    assert (a.expected_periods, a.present_periods) == (48, 2)
    assert (a.submitted_rows, a.passed_rows, a.correct_pct) == (1, 0, 0.0)
    assert (a.out_of_range_rows, a.examined_rows) == (2, 3)
    # Every commune-level unit and department of the reference list is expected.
    expected = current(
        url,
        "SELECT COUNT(*) FROM units WHERE unit_type IN "
        "('ward', 'commune', 'special_zone', 'department')",
    )[0][0]
    assert len(rows) == expected
    # A unit's worst indicator decides its status: the two wards never sent the other
    # three indicators of the dataset, so every unit is missing.
    assert set(rows["status"]) == {"missing"}
