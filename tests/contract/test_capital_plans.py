"""Disbursement over the plan in force, with missing reports carried forward.

A small hand-built warehouse on SQLite and PostgreSQL: three investors with approved plans
(and one revision), reporting year-to-date figures, one of them missing a month. Every
expected number is worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access import queries, writes
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.queries import UnitFilter
from data_access.schema import capital_plans, observations

DISBURSEMENT = "public_investment_disbursement"
A = "26737"  # Tân Định, ward, ho_chi_minh_old
B = "25747"  # Thủ Dầu Một, ward, binh_duong
C = "27673"  # An Thới Đông, commune, ho_chi_minh_old
AUG, SEP, OCT = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)
LOADED = dt.datetime(2026, 11, 5, 3, 0)


def _ytd(month: dt.date, figures: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": DISBURSEMENT,
                "unit_id": unit,
                "period_year": 2026,
                "period_month": month,
                "value": 100 * disbursed / plan,
                "numerator": disbursed,
                "denominator": plan,
            }
            for unit, (disbursed, plan) in figures.items()
        ]
    )


def _plans(rows: list[tuple[str, dt.date, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit_id": unit,
                "plan_year": 2026,
                "effective_date": effective,
                "plan_billion_vnd": plan,
                "source_document": "Nghị quyết thử nghiệm",
            }
            for unit, effective, plan in rows
        ]
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def plan_warehouse(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        writes.insert_units(conn, writes.reference_unit_rows())
        writes.sync_registry(conn)
        # Approved plans from 1 January: A 100, B 200, C 50. B's plan is cut to 150 from
        # 15 September (a revision in the middle of the month applies to its month end),
        # by a decision loaded on 10 November.
        writes.load_capital_plan_batch(
            conn,
            _plans([(A, dt.date(2026, 1, 1), 100), (B, dt.date(2026, 1, 1), 200)]),
            submission_key="plans-2026",
            source_name="t",
            submitted_by="t",
            loaded_at=dt.datetime(2025, 12, 15, 3),
        )
        writes.load_capital_plan_batch(
            conn,
            _plans([(C, dt.date(2026, 1, 1), 50)]),
            submission_key="plans-2026-c",
            source_name="t",
            submitted_by="t",
            loaded_at=dt.datetime(2025, 12, 16, 3),
        )
        writes.load_capital_plan_batch(
            conn,
            _plans([(B, dt.date(2026, 9, 15), 150)]),
            submission_key="plans-2026-revision",
            source_name="t",
            submitted_by="t",
            loaded_at=dt.datetime(2026, 11, 10, 3),
        )
        # Reports (year to date): A 20, 30, 45; B 40, 60 and nothing in October; C never.
        # The reported denominators are stale on purpose: the plan table wins.
        for month, figures in (
            (AUG, {A: (20, 100), B: (40, 200)}),
            (SEP, {A: (30, 100), B: (60, 200)}),
            (OCT, {A: (45, 100)}),
        ):
            writes.load_observation_batch(
                conn,
                _ytd(month, figures),
                submission_key=f"disb-{month}",
                source_name="t",
                submitted_by="t",
                loaded_at=LOADED,
            )
    yield engine
    engine.dispose()


def _by_month(frame: pd.DataFrame) -> dict[dt.date, pd.Series]:
    return {row.period_month.date(): row for _, row in frame.iterrows()}


def test_the_plan_in_force_is_the_denominator_whoever_reported(plan_warehouse):
    with plan_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, DISBURSEMENT))
    # August: plans 100 + 200 + 50 (C has a plan and no report) = 350; disbursed 20 + 40.
    assert series[AUG].denominator == 350
    assert series[AUG].numerator == 60
    assert series[AUG].value == pytest.approx(100 * 60 / 350)
    # September: B's revision (15/09) is in force at the month's end: 100 + 150 + 50.
    assert series[SEP].denominator == 300
    assert series[SEP].numerator == 90
    # October: B did not report; its plan stays (150) and its September 60 is carried.
    assert series[OCT].denominator == 300
    assert series[OCT].numerator == 105
    assert series[OCT].value == pytest.approx(35.0)


def test_reporting_and_expected_counts(plan_warehouse):
    with plan_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, DISBURSEMENT))
    assert (series[AUG].n_units, series[AUG].n_expected) == (2, 3)
    assert (series[OCT].n_units, series[OCT].n_expected) == (1, 3)


def test_a_missing_investor_keeps_its_plan_and_last_figure_in_the_standing(plan_warehouse):
    with plan_warehouse.connect() as conn:
        frame = queries.unit_standing(conn, DISBURSEMENT, 2026, OCT).set_index("unit_id")
    assert frame.loc[B, "numerator"] == 60
    assert frame.loc[B, "denominator"] == 150
    assert frame.loc[B, "value"] == pytest.approx(40.0)
    assert not frame.loc[B, "is_reported"]
    assert frame.loc[A, "is_reported"]
    # C has a plan and never reported: 0 of 50, shown, not hidden.
    assert frame.loc[C, "numerator"] == 0
    assert frame.loc[C, "value"] == 0
    assert not frame.loc[C, "is_reported"]


def test_filters_apply_to_plans_too(plan_warehouse):
    with plan_warehouse.connect() as conn:
        series = _by_month(
            queries.scope_series(conn, DISBURSEMENT, UnitFilter(former_provinces=("binh_duong",)))
        )
    # Nobody in Bình Dương reported in October: the month is there, with B's plan and its
    # September figure carried, and no unit reporting.
    assert series[OCT].denominator == 150
    assert series[OCT].numerator == 60
    assert (series[OCT].n_units, series[OCT].n_expected) == (0, 1)


def test_as_of_reads_the_plan_as_it_stood(plan_warehouse):
    # On 6 November the revision (loaded 10 November) was not in: B's plan was 200.
    with plan_warehouse.connect() as conn:
        before = _by_month(queries.scope_series(conn, DISBURSEMENT, as_of=dt.datetime(2026, 11, 6)))
    assert before[SEP].denominator == 100 + 200 + 50
    assert before[OCT].denominator == 100 + 200 + 50
    assert before[OCT].numerator == 45 + 60


def test_a_resent_plan_replaces_and_is_not_doubled(plan_warehouse):
    with plan_warehouse.begin() as conn:
        writes.load_capital_plan_batch(
            conn,
            _plans([(A, dt.date(2026, 1, 1), 120), (B, dt.date(2026, 1, 1), 200)]),
            submission_key="plans-2026",
            source_name="t",
            submitted_by="t",
            loaded_at=dt.datetime(2026, 11, 20, 3),
        )
    with plan_warehouse.connect() as conn:
        current = conn.execute(
            select(func.count())
            .select_from(capital_plans)
            .where(capital_plans.c.superseded_at.is_(None))
        ).scalar_one()
        series = _by_month(queries.scope_series(conn, DISBURSEMENT))
        earlier = _by_month(
            queries.scope_series(conn, DISBURSEMENT, as_of=dt.datetime(2026, 11, 19))
        )
    assert current == 4  # A, B, C and B's revision: one current row per key
    assert series[OCT].denominator == 120 + 150 + 50
    assert earlier[OCT].denominator == 100 + 150 + 50


def test_without_plan_rows_the_reported_denominator_is_used(tmp_path):
    url = f"sqlite:///{tmp_path / 'noplans.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        writes.insert_units(conn, writes.reference_unit_rows())
        writes.sync_registry(conn)
        for month, figures in ((SEP, {A: (30, 100), B: (60, 200)}), (OCT, {A: (45, 100)})):
            writes.load_observation_batch(
                conn,
                _ytd(month, figures),
                submission_key=f"disb-{month}",
                source_name="t",
                submitted_by="t",
                loaded_at=LOADED,
            )
    with engine.connect() as conn:
        series = _by_month(queries.scope_series(conn, DISBURSEMENT))
    engine.dispose()
    # October: A 45 of 100, B carried 60 of its last reported 200.
    assert series[OCT].denominator == 300
    assert series[OCT].numerator == 105


def test_breakdown_rows_never_enter_a_total(plan_warehouse):
    with plan_warehouse.begin() as conn:
        writes.upsert_breakdowns(
            conn,
            pd.DataFrame(
                [
                    {
                        "breakdown_key": "procedure:1.001",
                        "dimension": "procedure",
                        "code": "1.001",
                        "name_vi": "Thủ tục thử",
                        "name_en": "Test procedure",
                        "sort_order": 1,
                        "attributes_json": None,
                        "is_demo": False,
                    }
                ]
            ),
        )
        rows = pd.DataFrame(
            [
                {
                    "indicator_id": "online_dossier_share",
                    "unit_id": A,
                    "period_year": 2026,
                    "period_month": OCT,
                    "breakdown_key": key,
                    "value": 100 * num / den,
                    "numerator": num,
                    "denominator": den,
                }
                for key, (num, den) in (("", (60, 100)), ("procedure:1.001", (10, 40)))
            ]
        )
        writes.load_observation_batch(
            conn, rows, submission_key="online-oct", source_name="t", submitted_by="t"
        )
    with plan_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, "online_dossier_share"))
        stored = conn.execute(
            select(func.count())
            .select_from(observations)
            .where(observations.c.indicator_id == "online_dossier_share")
        ).scalar_one()
    assert stored == 2
    assert series[OCT].numerator == 60
    assert series[OCT].denominator == 100
