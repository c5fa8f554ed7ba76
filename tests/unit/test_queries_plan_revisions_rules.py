"""The capital plan's revisions (``data_access.queries.plan_revisions``), stated for the
survivors of its full mutation run (README): the plans of the year asked for only, of the
investors in the filter only (leaf units: never the city's own row), each day's plans in
force summed, the day's investors counted and its first document named, as they stood at
``as_of``.

Each test writes a few plans into a private copy of the small SQLite warehouse (the
``warehouse`` fixture) and states the expected rows, worked out by hand in a comment.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from data_access import queries, writes
from data_access.queries import UnitFilter

A = "25747"  # Thủ Dầu Một, a Bình Dương ward of the reference file
B = "26737"  # Tân Định, a ward of the old Hồ Chí Minh City
T1 = dt.datetime(2026, 11, 5, 3, 0)
T2 = dt.datetime(2026, 11, 6, 3, 0)
EVERY_UNIT = UnitFilter()


def _plans(warehouse: Engine, rows: list[tuple[str, int, str, float, str]], key: str,
           at: dt.datetime) -> None:  # fmt: skip
    """rows: (unit, plan year, effective date, plan in billion VND, source document)."""
    frame = pd.DataFrame(
        [
            {"unit_id": unit, "plan_year": year, "effective_date": day,
             "plan_billion_vnd": plan, "source_document": document}
            for unit, year, day, plan, document in rows
        ]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.load_capital_plan_batch(
            conn, frame, submission_key=key, source_name=f"{key}.csv", submitted_by="x",
            loaded_at=at,
        )  # fmt: skip


def _revisions(warehouse: Engine, year: int = 2026, unit_filter: UnitFilter = EVERY_UNIT,
               as_of: dt.datetime | None = None) -> list[tuple]:  # fmt: skip
    with warehouse.connect() as conn:
        found = queries.plan_revisions(conn, year, unit_filter, as_of)
    return [
        (r.effective_date.date(), r.n_investors, r.plan_billion_vnd, r.source_document)
        for r in found.itertuples()
    ]


def _two_investors(warehouse: Engine) -> None:
    # 2026: A 100 from 15 January (QĐ 3), revised to 120 from 1 June (QĐ 2); B 50 from
    # 15 January (QĐ 1). A's 2027 plan (999 from 10 January 2026, decided early) and the
    # city's own row (5,000 from 1 March) are no investor plan of 2026.
    _plans(
        warehouse,
        [
            (A, 2026, "2026-01-15", 100.0, "QĐ 3"),
            (A, 2026, "2026-06-01", 120.0, "QĐ 2"),
            (B, 2026, "2026-01-15", 50.0, "QĐ 1"),
            (A, 2027, "2026-01-10", 999.0, "QĐ 9"),
            ("city", 2026, "2026-03-01", 5000.0, "QĐ 7"),
        ],
        "plans",
        T1,
    )


def test_each_day_sums_the_plans_in_force_of_the_years_investors(warehouse: Engine) -> None:
    _two_investors(warehouse)
    # 15 January: A 100 + B 50 = 150, two investors, the first document "QĐ 1";
    # 1 June: A's 120 + B's 50 still in force = 170, one investor (A), "QĐ 2".
    assert _revisions(warehouse) == [
        (dt.date(2026, 1, 15), 2, 150.0, "QĐ 1"),
        (dt.date(2026, 6, 1), 1, 170.0, "QĐ 2"),
    ]
    # 2027: A's 999 from 10 January 2026 alone.
    assert _revisions(warehouse, 2027) == [(dt.date(2026, 1, 10), 1, 999.0, "QĐ 9")]


def test_the_revisions_keep_to_the_investors_in_the_filter(warehouse: Engine) -> None:
    _two_investors(warehouse)
    # Bình Dương: A only, 100 then 120; the old city: B only, 50 from 15 January.
    assert _revisions(warehouse, unit_filter=UnitFilter(former_provinces=("binh_duong",))) == [
        (dt.date(2026, 1, 15), 1, 100.0, "QĐ 3"),
        (dt.date(2026, 6, 1), 1, 120.0, "QĐ 2"),
    ]
    assert _revisions(warehouse, unit_filter=UnitFilter(unit_ids=(B,))) == [
        (dt.date(2026, 1, 15), 1, 50.0, "QĐ 1")
    ]


def test_the_revisions_are_as_they_stood_at_as_of(warehouse: Engine) -> None:
    _two_investors(warehouse)
    # At T2, A's June revision is corrected to 130 (QĐ 2b): it replaces the row of T1.
    _plans(warehouse, [(A, 2026, "2026-06-01", 130.0, "QĐ 2b")], "fix", T2)
    # Now: 15 January 150 as before; 1 June 130 + 50 = 180.
    assert _revisions(warehouse) == [
        (dt.date(2026, 1, 15), 2, 150.0, "QĐ 1"),
        (dt.date(2026, 6, 1), 1, 180.0, "QĐ 2b"),
    ]
    # As it stood at noon on 5 November (after T1, before T2): 1 June 120 + 50 = 170.
    assert _revisions(warehouse, as_of=dt.datetime(2026, 11, 5, 12, 0)) == [
        (dt.date(2026, 1, 15), 2, 150.0, "QĐ 1"),
        (dt.date(2026, 6, 1), 1, 170.0, "QĐ 2"),
    ]
    # Before T1 nothing stood.
    assert _revisions(warehouse, as_of=dt.datetime(2026, 11, 5, 2, 0)) == []
