"""The figures' SQL keeps its stated order on PostgreSQL, where a grouped query may be
planned as a hash aggregate whose rows come out in no particular order.

On SQLite ``GROUP BY`` sorts the groups, so a dropped ``ORDER BY`` key changes nothing there
(``group_standing`` 25, ``plan_revisions`` 105, ``series_by_group`` 72 and 75 of the mutation
readings, README). On PostgreSQL, with every leaf unit reporting ten months and the planner's
statistics refreshed after the load (``writes.refresh_statistics``, as after a real load),
the planner hashes these groups, and only the ``ORDER BY`` puts them in order.

The warehouse is built once for the module: the reference units, one department and one
investor; every one of them reports the online share of January to October 2026 as 50 of
100 dossiers; the investor's 2026 capital plan changes on the 3rd and the 17th of each month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from data_access import queries, writes
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.schema import units
from tests.conftest import PostgresDatabases

pytestmark = pytest.mark.postgres

SHARE = "online_dossier_share"
DEPARTMENT, INVESTOR = "test-department", "test-investor"
LOADED = dt.datetime(2026, 11, 5, 3, 0)
MONTHS = [dt.date(2026, month, 1) for month in range(1, 11)]
# The drill-down groups in key order and their units, from reference_data/hcmc_units_2025.csv
# (Bà Rịa–Vũng Tàu: 11 wards, 18 communes, the special zone; Bình Dương: 24 wards, 12
# communes; the old Hồ Chí Minh City: 78 wards, 24 communes) and the two units added here.
GROUPS = [
    ("ba_ria_vung_tau", 30),
    ("binh_duong", 36),
    ("department", 1),
    ("ho_chi_minh_old", 102),
    ("investor", 1),
]
# The plan's 24 days in date order; the plan from the n-th day (0-based) is 100 + n.
PLAN_DAYS = [dt.date(2026, month, day) for month in range(1, 13) for day in (3, 17)]


@pytest.fixture(scope="module")
def warehouse(postgres_databases: PostgresDatabases) -> Iterator[Engine]:
    url = postgres_databases.create("dash_order")
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            writes.insert_units(conn, writes.reference_unit_rows())
            writes.sync_registry(conn)
            for unit_id, unit_type in ((DEPARTMENT, "department"), (INVESTOR, "investor")):
                conn.execute(
                    units.insert().values(
                        unit_id=unit_id, name_vi=unit_type, name_en=unit_type,
                        unit_type=unit_type, slug=unit_id,
                    )
                )  # fmt: skip
            leaves = conn.execute(
                select(units.c.unit_id).where(
                    units.c.unit_type.in_(
                        ("ward", "commune", "special_zone", "department", "investor")
                    )
                )
            ).scalars()
            shares = pd.DataFrame(
                [
                    {"indicator_id": SHARE, "unit_id": unit, "period_year": 2026,
                     "period_month": month, "breakdown_key": "", "value": 50.0,
                     "numerator": 50.0, "denominator": 100.0}
                    for unit in leaves
                    for month in MONTHS
                ]
            )  # fmt: skip
            writes.load_observation_batch(
                conn, shares, submission_key="shares", source_name="shares.csv",
                submitted_by="t", loaded_at=LOADED,
            )  # fmt: skip
            plans = pd.DataFrame(
                [
                    {"unit_id": INVESTOR, "plan_year": 2026, "effective_date": day,
                     "plan_billion_vnd": 100.0 + n, "source_document": f"QĐ {n + 1}/2026"}
                    for n, day in enumerate(PLAN_DAYS)
                ]
            )  # fmt: skip
            writes.load_capital_plan_batch(
                conn, plans, submission_key="plans", source_name="plans.csv",
                submitted_by="t", loaded_at=LOADED,
            )  # fmt: skip
            writes.refresh_statistics(conn)
        yield engine
    finally:
        engine.dispose()
        postgres_databases.drop(url)


def test_the_group_standing_is_in_group_key_order(warehouse: Engine) -> None:
    with warehouse.connect() as conn:
        found = queries.group_standing(conn, SHARE, 2026, dt.date(2026, 10, 1))
    # Each unit: 10 months × 50 of 100 = 500 of 1,000; a group of n units: 500·n of
    # 1,000·n, 50 %.
    assert [tuple(r) for r in found.itertuples(index=False)] == [
        (key, 500.0 * n, 1000.0 * n, 50.0, n) for key, n in GROUPS
    ]


def test_the_series_by_group_is_in_month_then_group_key_order(warehouse: Engine) -> None:
    with warehouse.connect() as conn:
        found = queries.series_by_group(conn, SHARE)
    # Each month, each group of n units: 50·n of 100·n, 50 %, n units; months in time
    # order, groups in key order within a month.
    assert [tuple(r) for r in found.itertuples(index=False)] == [
        (2026, pd.Timestamp(month), key, 50.0 * n, 100.0 * n, 50.0, n)
        for month in MONTHS
        for key, n in GROUPS
    ]


def test_the_plan_revisions_are_in_date_order(warehouse: Engine) -> None:
    with warehouse.connect() as conn:
        found = queries.plan_revisions(conn, 2026)
    # One investor: each day its plan took effect, one investor, the plan from that day
    # (100 + n on the n-th day) and that day's document.
    assert [tuple(r) for r in found.itertuples(index=False)] == [
        (pd.Timestamp(day), 1, 100.0 + n, f"QĐ {n + 1}/2026") for n, day in enumerate(PLAN_DAYS)
    ]
