"""What the data-governance page reads from the warehouse (``data_access.governance``), stated
one rule at a time for the mutants the ninth mutation reading found alive: which current rows
are out of range, how rows and duplicates are counted per unit and month, and which months.

Each test loads a few rows into a private copy of the small SQLite warehouse
(``tests/unit/conftest.py``) and compares the reads with figures worked out by hand.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access import governance as q
from data_access import writes

A, B, C = "25747", "25750", "25760"  # three wards of the reference file
SEP, OCT, NOV = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)
T1 = dt.datetime(2026, 11, 5, 3, 0)
NAN = float("nan")


def _load(warehouse, rows: list[tuple], key: str = "k", at: dt.datetime = T1, **kw) -> None:
    """rows: (indicator, unit, month, value, numerator, denominator[, breakdown, year])."""
    frame = pd.DataFrame(
        [
            {
                "indicator_id": r[0],
                "unit_id": r[1],
                "period_year": r[7] if len(r) > 7 else r[2].year,
                "period_month": r[2],
                "breakdown_key": r[6] if len(r) > 6 else "",
                "value": r[3],
                "numerator": r[4],
                "denominator": r[5],
            }
            for r in rows
        ]
    )
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn,
            frame,
            submission_key=key,
            source_name=f"{key}.csv",
            submitted_by="steward",
            loaded_at=at,
            **kw,
        )


def _periods(warehouse, codes, since=OCT, through=OCT) -> list[tuple]:
    with warehouse.connect() as conn:
        frame = q.unit_periods(conn, codes, since, through)
    return [tuple(r) for r in frame.itertuples(index=False)]


def test_a_row_is_out_of_range_for_each_reason_and_only_then(warehouse):
    _load(
        warehouse,
        [
            # A rate: numerator above denominator (11 > 10) although its value is 90.
            ("satisfaction_rate", A, OCT, 90.0, 11.0, 10.0),
            # A rate: value above 100 (101) although 5 <= 10.
            ("satisfaction_rate", B, OCT, 101.0, 5.0, 10.0),
            # A rate exactly at its bounds (10 of 10, 100): in range.
            ("satisfaction_rate", C, OCT, 100.0, 10.0, 10.0),
            # A negative numerator alone (-1 < 0; -1 <= 10 and 5 <= 100).
            ("on_time_rate", A, OCT, 5.0, -1.0, 10.0),
            # A count: a negative denominator alone (-2 < 0); a count may exceed 100.
            ("dossiers_received", A, OCT, 300.0, 1.0, -2.0),
            # A count: a negative value alone.
            ("dossiers_received", B, OCT, -5.0, NAN, NAN),
            # A count above 100 with its numerator above its denominator: not a rate, fine.
            ("dossiers_received", C, OCT, 500.0, 200.0, 100.0),
        ],
    )
    codes = ["dossiers_received", "on_time_rate", "satisfaction_rate"]
    # (indicator, unit, month, rows, duplicate rows, out-of-range rows), in that order.
    assert _periods(warehouse, codes) == [
        ("dossiers_received", A, OCT, 1, 0, 1),
        ("dossiers_received", B, OCT, 1, 0, 1),
        ("dossiers_received", C, OCT, 1, 0, 0),
        ("on_time_rate", A, OCT, 1, 0, 1),
        ("satisfaction_rate", A, OCT, 1, 0, 1),
        ("satisfaction_rate", B, OCT, 1, 0, 1),
        ("satisfaction_rate", C, OCT, 1, 0, 0),
    ]


def test_rows_are_the_current_totals_of_the_chosen_indicators_and_months(warehouse):
    _load(
        warehouse,
        [
            ("online_dossier_share", A, SEP, 50.0, 1.0, 2.0),
            ("online_dossier_share", A, OCT, 25.0, 1.0, 4.0),
            ("online_dossier_share", A, NOV, 75.0, 3.0, 4.0),
            # A part of A's October (a sector's row): not a total, not counted.
            ("online_dossier_share", A, OCT, 10.0, 1.0, 10.0, "sector:health"),
            ("online_dossier_share", B, OCT, 50.0, 2.0, 4.0),
            # Another indicator, not asked for.
            ("on_time_rate", A, OCT, 50.0, 1.0, 2.0),
        ],
    )
    # B's October sent again in another file: its first row is no longer current, so B
    # still has 1 row, not 2.
    _load(warehouse, [("online_dossier_share", B, OCT, 75.0, 3.0, 4.0)], key="k2")
    assert _periods(warehouse, ["online_dossier_share"]) == [
        ("online_dossier_share", A, OCT, 1, 0, 0),
        ("online_dossier_share", B, OCT, 1, 0, 0),
    ]
    # September to November, both ends included: A's three months, B's October.
    assert _periods(warehouse, ["online_dossier_share"], SEP, NOV) == [
        ("online_dossier_share", A, SEP, 1, 0, 0),
        ("online_dossier_share", A, OCT, 1, 0, 0),
        ("online_dossier_share", A, NOV, 1, 0, 0),
        ("online_dossier_share", B, OCT, 1, 0, 0),
    ]
    # October to October of the other indicator only.
    assert _periods(warehouse, ["on_time_rate"]) == [("on_time_rate", A, OCT, 1, 0, 0)]
    with warehouse.connect() as conn:
        frame = q.unit_periods(conn, ["online_dossier_share"], SEP, NOV)
        none_asked = q.unit_periods(conn, [], SEP, NOV)
        nothing_in = q.unit_periods(conn, ["satisfaction_rate"], SEP, NOV)
    assert [str(t) for t in frame.dtypes[3:]] == ["int64", "int64", "int64"]
    assert isinstance(frame["period_month"].iloc[0], dt.date)
    columns = ["indicator_id", "unit_id", "period_month", "rows", "duplicate_rows"]
    columns.append("out_of_range_rows")
    assert list(none_asked.columns) == columns and none_asked.empty
    assert list(nothing_in.columns) == columns and nothing_in.empty


def test_a_january_of_a_cumulative_indicator_holds_two_plan_years_and_no_duplicate(warehouse):
    jan = dt.date(2026, 1, 1)
    # January 2026 is the extension month of plan year 2025 and the first month of 2026:
    # two current total rows of one unit and month, one per plan year (2 rows, 0 beyond one
    # per plan year); A's December has one. One of A's January rows is out of range (-1).
    _load(
        warehouse,
        [
            ("public_investment_disbursement", A, jan, 98.0, 98.0, 100.0, "", 2025),
            ("public_investment_disbursement", A, jan, -1.0, 1.0, 100.0, "", 2026),
            ("public_investment_disbursement", A, dt.date(2025, 12, 1), 90.0, 90.0, 100.0),
        ],
    )
    assert _periods(warehouse, ["public_investment_disbursement"], dt.date(2025, 12, 1), jan) == [
        ("public_investment_disbursement", A, dt.date(2025, 12, 1), 1, 0, 0),
        ("public_investment_disbursement", A, jan, 2, 0, 1),
    ]


def test_demo_batches_count_only_while_loaded(warehouse):
    with warehouse.connect() as conn:
        assert q.has_demo_batches(conn) is False
    _load(warehouse, [("online_dossier_share", A, OCT, 25.0, 1.0, 4.0)], key="real")
    with warehouse.connect() as conn:
        assert q.has_demo_batches(conn) is False
    _load(warehouse, [("online_dossier_share", B, OCT, 25.0, 1.0, 4.0)], key="demo", is_demo=True)
    with warehouse.connect() as conn:
        assert q.has_demo_batches(conn) is True
    demo_id = _batch_id(warehouse, "demo")
    with warehouse.begin() as conn:
        writes.undo_batch(conn, demo_id, undone_by="admin", at=dt.datetime(2026, 11, 6))
    # The demo batch undone: no batch in force is a demo's.
    with warehouse.connect() as conn:
        assert q.has_demo_batches(conn) is False


def _batch_id(warehouse, key: str) -> int:
    from tests.unit.copied_warehouse import rows

    return int(
        rows(warehouse, "SELECT batch_id FROM load_batches WHERE submission_key = :k", k=key)[0][0]
    )


def test_zero_is_in_range(warehouse):
    # Nothing received and nothing asked (0 of 0, value 0), and a rate of 0 of 4: no number
    # below zero, no rate above 100 or above its denominator, so no row is out of range.
    _load(
        warehouse,
        [
            ("dossiers_received", A, OCT, 0.0, 0.0, 0.0),
            ("online_dossier_share", A, OCT, 0.0, 0.0, 4.0),
        ],
    )
    assert _periods(warehouse, ["dossiers_received", "online_dossier_share"]) == [
        ("dossiers_received", A, OCT, 1, 0, 0),
        ("online_dossier_share", A, OCT, 1, 0, 0),
    ]
