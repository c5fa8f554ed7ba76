"""Lineage: the load batches behind one figure, on SQLite and PostgreSQL, written by hand
from the batches the test loads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access import submissions
from data_access.engine import make_engine
from data_access.queries import UnitFilter
from data_access.writes import load_capital_plan_batch, load_observation_batch
from tests.ingest.warehouse import BACKENDS, WARD_A, WARD_B, backend_warehouse

DISBURSEMENT = "public_investment_disbursement"
SEPTEMBER = dt.date(2026, 9, 1)


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path) -> str:
    url = backend_warehouse(request, tmp_path)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for unit, plan, moment in (
                (WARD_A, 100.0, dt.datetime(2026, 1, 10, 2)),
                (WARD_B, 200.0, dt.datetime(2026, 1, 11, 2)),
            ):
                load_capital_plan_batch(
                    conn,
                    pd.DataFrame(
                        {
                            "unit_id": [unit],
                            "plan_year": [2026],
                            "effective_date": [dt.date(2026, 1, 1)],
                            "plan_billion_vnd": [plan],
                            "source_document": ["QĐ 1/QĐ-UBND"],
                        }
                    ),
                    submission_key=f"plan|{unit}",
                    source_name=f"plan-{unit}.csv",
                    submitted_by="finance",
                    loaded_at=moment,
                )
            for unit, month, moment in (
                (WARD_A, SEPTEMBER, dt.datetime(2026, 10, 4, 2)),
                (WARD_B, dt.date(2026, 8, 1), dt.datetime(2026, 9, 4, 2)),
            ):
                load_observation_batch(
                    conn,
                    pd.DataFrame(
                        {
                            "indicator_id": [DISBURSEMENT],
                            "unit_id": [unit],
                            "period_year": [2026],
                            "period_month": [month],
                            "value": [40.0],
                            "numerator": [40.0],
                            "denominator": [100.0],
                        }
                    ),
                    submission_key=f"disbursement|{unit}|{month:%Y-%m}",
                    source_name=f"disbursement-{unit}-{month:%Y-%m}.csv",
                    submitted_by="steward",
                    loaded_at=moment,
                )
    finally:
        engine.dispose()
    return url


def _lineage(url: str, unit_filter: UnitFilter) -> list[tuple[str, str, int]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            frame = submissions.lineage(conn, DISBURSEMENT, SEPTEMBER, unit_filter)
    finally:
        engine.dispose()
    return [(r.source_name, r.batch_kind, int(r.rows)) for r in frame.itertuples()]


def test_a_city_figure_names_every_batch_behind_it(url):
    # September's year to date: ward A's September row, ward B's August row carried
    # forward, and both plans in force; newest first.
    assert _lineage(url, UnitFilter()) == [
        (f"disbursement-{WARD_A}-2026-09.csv", "observations", 1),
        (f"disbursement-{WARD_B}-2026-08.csv", "observations", 1),
        (f"plan-{WARD_B}.csv", "capital_plans", 1),
        (f"plan-{WARD_A}.csv", "capital_plans", 1),
    ]


def test_one_units_figure_names_only_its_own_batches(url):
    # Before the fix, the plans of every unit were named for one unit's figure.
    assert _lineage(url, UnitFilter(unit_ids=(WARD_A,))) == [
        (f"disbursement-{WARD_A}-2026-09.csv", "observations", 1),
        (f"plan-{WARD_A}.csv", "capital_plans", 1),
    ]
