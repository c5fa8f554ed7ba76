"""The figures' SQL (``data_access.queries``), stated for the four survivors of the fourth
mutation sample of ``queries`` (seed 20261203, README): the breakdown list in its sort
order whatever index the database reads, the warehouse's version counting undone batches,
a January in two plan years grouped by plan year, and a unit's submissions at the version
that stood (current now, or at ``as_of``).

Each test writes a few rows into a private copy of the small SQLite warehouse (the
``warehouse`` fixture) and states the expected figures, worked out by hand in a comment.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, text

from data_access import queries, writes

A = "25747"  # a Bình Dương ward of the reference file
SHARE = "online_dossier_share"
T1 = dt.datetime(2026, 11, 5, 3, 0)
T2 = dt.datetime(2026, 11, 6, 3, 0)
T3 = dt.datetime(2026, 11, 7, 3, 0)


def _total(warehouse: Engine, numerator: float, key: str, at: dt.datetime) -> int:
    """Unit A's October 2026 online share, numerator of 100 dossiers; the batch id."""
    frame = pd.DataFrame(
        [{"indicator_id": SHARE, "unit_id": A, "period_year": 2026,
          "period_month": dt.date(2026, 10, 1), "breakdown_key": "", "value": numerator,
          "numerator": numerator, "denominator": 100.0}]
    )  # fmt: skip
    with warehouse.begin() as conn:
        return writes.load_observation_batch(
            conn, frame, submission_key=key, source_name=f"{key}.csv", submitted_by="x",
            loaded_at=at,
        ).batch_id  # fmt: skip


# --- data_version 4: the number of undone batches ---------------------------------------


def test_the_data_version_counts_the_undone_batches_and_the_last_undo(
    warehouse: Engine,
) -> None:
    with warehouse.connect() as conn:
        before = queries.data_version(conn)
    first = _total(warehouse, 40.0, "first", T1)
    second = _total(warehouse, 60.0, "second", T2)
    with warehouse.begin() as conn:
        writes.undo_batch(conn, second, undone_by="admin", at=T3)
    with warehouse.connect() as conn:
        found = queries.data_version(conn)
    # Two batches more than before (the loads), the highest id the second load's, one of
    # them undone, at T3 (naive UTC, as stored).
    assert second > first
    assert found == (before[0] + 2, second, before[2] + 1, "2026-11-07T03:00:00")
    assert before[2] == 0 and before[3] == ""


# --- unit_submissions 62: the version that stood ------------------------------------------


def test_a_units_submission_is_its_current_version_with_every_version_counted(
    warehouse: Engine,
) -> None:
    _total(warehouse, 40.0, "first", T1)
    _total(warehouse, 60.0, "second", T2)
    with warehouse.connect() as conn:
        now = queries.unit_submissions(conn, A)
        then = queries.unit_submissions(conn, A, as_of=dt.datetime(2026, 11, 5, 12, 0))
    columns = ["indicator_id", "period_year", "first_loaded_at", "last_loaded_at", "n_versions"]
    # Now: one row (October), first arrived at T1, its current version loaded at T2, two
    # versions; the superseded first version is no row of its own.
    assert [tuple(r) for r in now[columns].itertuples(index=False)] == [
        (SHARE, 2026, pd.Timestamp(T1), pd.Timestamp(T2), 2)
    ]
    # On 5 November at 12:00 only the first version stood: loaded at T1, one version.
    assert [tuple(r) for r in then[columns].itertuples(index=False)] == [
        (SHARE, 2026, pd.Timestamp(T1), pd.Timestamp(T1), 1)
    ]


# --- breakdown_list 3: by dimension, then sort order ---------------------------------------


def test_the_breakdown_list_is_in_sort_order_without_the_index_that_holds_it(
    warehouse: Engine,
) -> None:
    # Written in the order sector a (sort order 2), procedure p (1), sector b (1). SQLite
    # reads ``ix_breakdowns_dimension`` (dimension, sort order) for an order by dimension,
    # which gives the sort order for free; PostgreSQL need not read it. Without the index
    # the list must still be by dimension, then by sort order: procedure p, sector b, a.
    frame = pd.DataFrame(
        [
            ("sector:a", "sector", "a", "Ngành A", "Sector A", 2, "{}", False),
            ("procedure:p", "procedure", "p", "Thủ tục P", "Procedure P", 1, "{}", False),
            ("sector:b", "sector", "b", "Ngành B", "Sector B", 1, "{}", False),
        ],
        columns=list(writes.BREAKDOWN_COLUMNS),
    )
    with warehouse.begin() as conn:
        conn.execute(text("DROP INDEX ix_breakdowns_dimension"))
        writes.upsert_breakdowns(conn, frame)
    with warehouse.connect() as conn:
        found = queries.breakdown_list(conn)
    assert found["breakdown_key"].tolist() == ["procedure:p", "sector:b", "sector:a"]
    assert found["sort_order"].tolist() == [1, 1, 2]


# --- series_by_group 70: a January in two plan years ---------------------------------------

DISBURSEMENT = "public_investment_disbursement"
OLD = "26737"  # Tân Định, a ward of the former Ho Chi Minh City


def test_a_january_in_two_plan_years_comes_by_month_then_plan_year_then_group(
    warehouse: Engine,
) -> None:
    # January 2026 is the extension month of plan year 2025 and the first month of 2026.
    # Year-to-date disbursement (billion VND, no plan loaded: the reported denominator is
    # the plan): Thủ Dầu Một (Bình Dương) 90 of 100 in December 2025, 96 of 100 in January
    # 2026 for plan year 2025 and 3 of 200 for 2026; Tân Định (the former city) 40 and 50 of
    # 100 for 2025, 10 of 100 for 2026.
    frame = pd.DataFrame(
        [
            {"indicator_id": DISBURSEMENT, "unit_id": unit, "period_year": year,
             "period_month": month, "breakdown_key": "",
             "value": 100 * num / den, "numerator": num, "denominator": den}
            for unit, year, month, num, den in (
                (A, 2025, dt.date(2025, 12, 1), 90.0, 100.0),
                (A, 2025, dt.date(2026, 1, 1), 96.0, 100.0),
                (A, 2026, dt.date(2026, 1, 1), 3.0, 200.0),
                (OLD, 2025, dt.date(2025, 12, 1), 40.0, 100.0),
                (OLD, 2025, dt.date(2026, 1, 1), 50.0, 100.0),
                (OLD, 2026, dt.date(2026, 1, 1), 10.0, 100.0),
            )
        ]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn, frame, submission_key="j", source_name="j.csv", submitted_by="x", loaded_at=T1
        )
    with warehouse.connect() as conn:
        found = queries.series_by_group(conn, DISBURSEMENT)
    # By month, then plan year, then group (binh_duong before ho_chi_minh_old):
    # December 2025: 90 / 100 = 90 %, 40 / 100 = 40 %; January 2026 of plan year 2025:
    # 96 %, 50 %; of plan year 2026: 3 / 200 = 1.5 %, 10 / 100 = 10 %.
    columns = ["period_year", "period_month", "group_key", "numerator", "denominator",
               "value", "n_units"]  # fmt: skip
    dec, jan = pd.Timestamp(2025, 12, 1), pd.Timestamp(2026, 1, 1)
    assert [tuple(r) for r in found[columns].itertuples(index=False)] == [
        (2025, dec, "binh_duong", 90.0, 100.0, 90.0, 1),
        (2025, dec, "ho_chi_minh_old", 40.0, 100.0, 40.0, 1),
        (2025, jan, "binh_duong", 96.0, 100.0, 96.0, 1),
        (2025, jan, "ho_chi_minh_old", 50.0, 100.0, 50.0, 1),
        (2026, jan, "binh_duong", 3.0, 200.0, 1.5, 1),
        (2026, jan, "ho_chi_minh_old", 10.0, 100.0, 10.0, 1),
    ]
