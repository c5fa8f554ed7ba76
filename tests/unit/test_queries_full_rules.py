"""The figures' SQL (``data_access.queries``), stated for the survivors of the functions run
in full in the fourteenth mutation reading (README): a unit's submissions (``as_of`` naive
or zoned, at its boundary and whatever the server's zone; its own loads only; its order
whatever index the database reads; when its current version was loaded).

Each test writes a few rows into a private copy of the small SQLite warehouse (the
``warehouse`` fixture) and states the expected figures, worked out by hand in a comment.
"""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from data_access import queries, writes

A = "25747"  # Thủ Dầu Một, a Bình Dương ward of the reference file
B = "25750"  # another Bình Dương ward
SHARE = "online_dossier_share"
ON_TIME = "on_time_rate"
T1 = dt.datetime(2026, 11, 5, 3, 0)
T2 = dt.datetime(2026, 11, 6, 3, 0)
ICT = dt.timezone(dt.timedelta(hours=7))
COLUMNS = ["indicator_id", "period_year", "first_loaded_at", "last_loaded_at", "n_versions"]


def _load(
    warehouse: Engine,
    rows: list[tuple[str, str, int, dt.date, float]],
    key: str,
    at: dt.datetime,
) -> None:
    """rows: (indicator, unit, period year, month, numerator of 100)."""
    frame = pd.DataFrame(
        [
            {"indicator_id": code, "unit_id": unit, "period_year": year, "period_month": month,
             "breakdown_key": "", "value": num, "numerator": num, "denominator": 100.0}
            for code, unit, year, month, num in rows
        ]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn, frame, submission_key=key, source_name=f"{key}.csv", submitted_by="x",
            loaded_at=at,
        )  # fmt: skip


def _two_versions(warehouse: Engine) -> None:
    """Unit A's October 2026 share: 40 loaded at T1, replaced by 60 at T2."""
    oct_ = dt.date(2026, 10, 1)
    _load(warehouse, [(SHARE, A, 2026, oct_, 40.0)], "first", T1)
    _load(warehouse, [(SHARE, A, 2026, oct_, 60.0)], "second", T2)


def _submissions(warehouse: Engine, as_of: dt.datetime | None = None) -> list[tuple]:
    with warehouse.connect() as conn:
        found = queries.unit_submissions(conn, A, as_of=as_of)
    return [tuple(r) for r in found[COLUMNS].itertuples(index=False)]


FIRST_ONLY = [(SHARE, 2026, pd.Timestamp(T1), pd.Timestamp(T1), 1)]
BOTH = [(SHARE, 2026, pd.Timestamp(T1), pd.Timestamp(T2), 2)]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # Exactly at the second load: it counts (loaded_at <= as_of), naive or zoned.
        (T2, BOTH),
        (dt.datetime(2026, 11, 6, 10, 0, tzinfo=ICT), BOTH),  # 03:00 UTC = T2
        # One minute before it: only the first version.
        (dt.datetime(2026, 11, 6, 2, 59), FIRST_ONLY),
        # 08:00 +07:00 on 6 November is 01:00 UTC, before T2; read as 08:00 without its zone
        # it would be after T2 and count two versions.
        (dt.datetime(2026, 11, 6, 8, 0, tzinfo=ICT), FIRST_ONLY),
    ],
)
def test_a_units_submissions_count_the_versions_loaded_by_as_of(
    warehouse: Engine, as_of: dt.datetime, expected: list[tuple]
) -> None:
    _two_versions(warehouse)
    assert _submissions(warehouse, as_of) == expected


def test_a_zoned_as_of_is_converted_to_utc_on_a_server_in_city_time(
    warehouse: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 08:00 +07:00 is 01:00 UTC, before T2 (03:00 UTC): one version. Converted to the
    # server's own zone (+07:00) it would stay 08:00, after T2: two versions.
    _two_versions(warehouse)
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    try:
        found = _submissions(warehouse, dt.datetime(2026, 11, 6, 8, 0, tzinfo=ICT))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert found == FIRST_ONLY


def test_a_units_submissions_count_its_own_loads_only(warehouse: Engine) -> None:
    # B sent October's share at T1 and again at T2; A sent it once, at T2. A's submission:
    # first and last loaded at T2, one version (B's two are not A's).
    oct_ = dt.date(2026, 10, 1)
    _load(warehouse, [(SHARE, B, 2026, oct_, 10.0)], "b1", T1)
    _load(warehouse, [(SHARE, B, 2026, oct_, 20.0), (SHARE, A, 2026, oct_, 50.0)], "b2", T2)
    assert _submissions(warehouse) == [(SHARE, 2026, pd.Timestamp(T2), pd.Timestamp(T2), 1)]


def test_a_units_submissions_are_in_order_without_the_indexes_that_hold_it(
    warehouse: Engine,
) -> None:
    # Written out of order; SQLite reads the observations' indexes, which hold them by
    # indicator and month, but PostgreSQL need not. Without those indexes the list is still
    # by indicator, then month, then period year: on_time_rate August, September; the
    # share's January 2026 filed under period year 2025, then under 2026.
    aug, sep, jan = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 1, 1)
    _load(
        warehouse,
        [
            (SHARE, A, 2026, jan, 3.0),
            (ON_TIME, A, 2026, sep, 50.0),
            (SHARE, A, 2025, jan, 96.0),
            (ON_TIME, A, 2026, aug, 50.0),
        ],
        "s",
        T1,
    )
    with warehouse.begin() as conn:
        conn.execute(text("DROP INDEX ux_observations_current"))
        conn.execute(text("DROP INDEX ix_observations_indicator_month"))
    with warehouse.connect() as conn:
        found = queries.unit_submissions(conn, A)
    assert [(r.indicator_id, r.period_month.month, r.period_year) for r in found.itertuples()] == [
        (ON_TIME, 8, 2026),
        (ON_TIME, 9, 2026),
        (SHARE, 1, 2025),
        (SHARE, 1, 2026),
    ]


def _kinds(frame: pd.DataFrame, text_column: str = "indicator_id") -> dict[str, str]:
    """Each column's type, a datetime of any resolution as "datetime" and text (object when
    empty, str when not) as "text"."""
    return {
        c: "datetime"
        if pd.api.types.is_datetime64_dtype(t)
        else "text"
        if c == text_column
        else str(t)
        for c, t in frame.dtypes.items()
    }


def test_a_units_submissions_keep_their_columns_and_types_full_or_empty(
    warehouse: Engine,
) -> None:
    # A unit that sent nothing: no row, but every column with its type (a page reads them).
    # One that sent October: whole-number year and count, moments as datetimes.
    kinds = {
        "indicator_id": "text",
        "period_year": "int64",
        "period_month": "datetime",
        "first_loaded_at": "datetime",
        "last_loaded_at": "datetime",
        "n_versions": "int64",
    }
    with warehouse.connect() as conn:
        empty = queries.unit_submissions(conn, A)
    assert empty.empty
    assert _kinds(empty) == kinds
    _two_versions(warehouse)
    with warehouse.connect() as conn:
        full = queries.unit_submissions(conn, A)
    assert _kinds(full) == kinds
    assert full["period_month"].tolist() == [pd.Timestamp(2026, 10, 1)]


# --- series_by_group, run in full ---------------------------------------------------------

DISBURSEMENT = "public_investment_disbursement"
OLD = "26737"  # Tân Định, a ward of the former Ho Chi Minh City


def _rows(warehouse: Engine, rows: list[tuple], key: str, at: dt.datetime, code: str) -> None:
    """rows: (unit, period year, month, numerator, denominator) of indicator ``code``."""
    frame = pd.DataFrame(
        [
            {"indicator_id": code, "unit_id": unit, "period_year": year, "period_month": month,
             "breakdown_key": "", "value": None if num is None or den is None else num / den,
             "numerator": num, "denominator": den}
            for unit, year, month, num, den in rows
        ]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn, frame, submission_key=key, source_name=f"{key}.csv", submitted_by="x",
            loaded_at=at,
        )  # fmt: skip


def _by_group(warehouse: Engine, code: str, **kwargs: object) -> list[tuple]:
    with warehouse.connect() as conn:
        found = queries.series_by_group(conn, code, **kwargs)
    columns = ["period_year", "group_key", "numerator", "denominator", "value", "n_units"]
    return [tuple(r) for r in found[columns].itertuples(index=False)]


def test_a_groups_rate_counts_only_the_rows_with_both_parts(warehouse: Engine) -> None:
    # October 2026, Bình Dương: A 30 of 40; B a numerator of 10 with no denominator and C a
    # denominator of 60 with no numerator count on neither side: 30 / 40 = 75 % (with them,
    # 40 / 100 = 40 %). Three units reported (rows counted: 3).
    oct_ = dt.date(2026, 10, 1)
    _rows(
        warehouse,
        [
            (A, 2026, oct_, 30.0, 40.0),
            (B, 2026, oct_, 10.0, None),
            ("25760", 2026, oct_, None, 60.0),
        ],
        "half",
        T1,
        SHARE,
    )
    assert _by_group(warehouse, SHARE) == [(2026, "binh_duong", 30.0, 40.0, 75.0, 3)]


def test_a_groups_disbursement_stands_as_of_and_in_the_filter(warehouse: Engine) -> None:
    # October 2026, year to date (billion VND; the reported denominator is the plan): A 30
    # of 100 at T1, resent as 50 of 100 at T2; Tân Định 20 of 100 at T1.
    oct_ = dt.date(2026, 10, 1)
    _rows(warehouse, [(A, 2026, oct_, 30.0, 100.0), (OLD, 2026, oct_, 20.0, 100.0)],
          "d1", T1, DISBURSEMENT)  # fmt: skip
    _rows(warehouse, [(A, 2026, oct_, 50.0, 100.0)], "d2", T2, DISBURSEMENT)
    # Now: A 50 %, Tân Định 20 %. On 5 November at 12:00 (before the resend): A 30 %.
    assert _by_group(warehouse, DISBURSEMENT) == [
        (2026, "binh_duong", 50.0, 100.0, 50.0, 1),
        (2026, "ho_chi_minh_old", 20.0, 100.0, 20.0, 1),
    ]
    noon = dt.datetime(2026, 11, 5, 12, 0)
    assert _by_group(warehouse, DISBURSEMENT, as_of=noon) == [
        (2026, "binh_duong", 30.0, 100.0, 30.0, 1),
        (2026, "ho_chi_minh_old", 20.0, 100.0, 20.0, 1),
    ]
    # Only the former city's units: Tân Định alone.
    only_old = queries.UnitFilter(former_provinces=("ho_chi_minh_old",))
    assert _by_group(warehouse, DISBURSEMENT, unit_filter=only_old) == [
        (2026, "ho_chi_minh_old", 20.0, 100.0, 20.0, 1)
    ]


def test_a_groups_count_is_the_sum_of_its_units(warehouse: Engine) -> None:
    # Dossiers received in October 2026 (a count, no denominator): A 120, B 80 in Bình
    # Dương, Tân Định 45: each group's value is its sum, 200 and 45.
    oct_ = dt.date(2026, 10, 1)
    rows = [(A, 2026, oct_, 120.0, None), (B, 2026, oct_, 80.0, None),
            (OLD, 2026, oct_, 45.0, None)]  # fmt: skip
    _rows(warehouse, rows, "count", T1, "dossiers_received")
    found = _by_group(warehouse, "dossiers_received")
    assert [(year, key, num, value, n) for year, key, num, _, value, n in found] == [
        (2026, "binh_duong", 200.0, 200.0, 2),
        (2026, "ho_chi_minh_old", 45.0, 45.0, 1),
    ]


def test_an_empty_series_by_group_keeps_its_columns_and_types(warehouse: Engine) -> None:
    # No row of the share: no group, but every column with its type, as when there are rows
    # (whole-number year and count, the month as a datetime, the figures as floats).
    kinds = {
        "period_year": "int64",
        "period_month": "datetime",
        "group_key": "text",
        "numerator": "float64",
        "denominator": "float64",
        "value": "float64",
        "n_units": "int64",
    }
    with warehouse.connect() as conn:
        empty = queries.series_by_group(conn, SHARE)
    assert empty.empty
    assert _kinds(empty, text_column="group_key") == kinds
    oct_ = dt.date(2026, 10, 1)
    _rows(warehouse, [(A, 2026, oct_, 30.0, 40.0)], "one", T1, SHARE)
    with warehouse.connect() as conn:
        full = queries.series_by_group(conn, SHARE)
    assert _kinds(full, text_column="group_key") == kinds


# --- found by the fifth sample (seed 20261204), after it was measured ----------------------


def test_a_counts_breakdown_stands_at_the_sum_of_its_parts(warehouse: Engine) -> None:
    # Dossiers received (a count) by procedure, October 2026: A 30 and B 20 of procedure
    # p, A 5 of procedure q. The parts' values are their sums, 50 and 5, not a ratio.
    frame = pd.DataFrame(
        [
            ("procedure:p", "procedure", "p", "Thủ tục P", "Procedure P", 1, "{}", False),
            ("procedure:q", "procedure", "q", "Thủ tục Q", "Procedure Q", 2, "{}", False),
        ],
        columns=list(writes.BREAKDOWN_COLUMNS),
    )
    oct_ = dt.date(2026, 10, 1)
    parts = pd.DataFrame(
        [
            {"indicator_id": "dossiers_received", "unit_id": unit, "period_year": 2026,
             "period_month": oct_, "breakdown_key": key, "value": num, "numerator": num,
             "denominator": None}
            for unit, key, num in ((A, "procedure:p", 30.0), (B, "procedure:p", 20.0),
                                   (A, "procedure:q", 5.0))
        ]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.upsert_breakdowns(conn, frame)
        writes.load_observation_batch(
            conn, parts, submission_key="p", source_name="p.csv", submitted_by="x", loaded_at=T1
        )
    with warehouse.connect() as conn:
        found = queries.breakdown_standing(conn, "dossiers_received", 2026, oct_, "procedure")
    columns = ["code", "numerator", "value", "n_units"]
    assert sorted(tuple(r) for r in found[columns].itertuples(index=False)) == [
        ("p", 50.0, 50.0, 2),
        ("q", 5.0, 5.0, 1),
    ]


def test_a_groups_rate_stands_as_it_did_at_as_of(warehouse: Engine) -> None:
    # October 2026 share of A: 30 of 40 at T1, resent as 36 of 40 at T2. On 5 November at
    # 12:00 the group stood at 30 / 40 = 75 %; now at 36 / 40 = 90 %.
    oct_ = dt.date(2026, 10, 1)
    _rows(warehouse, [(A, 2026, oct_, 30.0, 40.0)], "s1", T1, SHARE)
    _rows(warehouse, [(A, 2026, oct_, 36.0, 40.0)], "s2", T2, SHARE)
    noon = dt.datetime(2026, 11, 5, 12, 0)
    assert _by_group(warehouse, SHARE, as_of=noon) == [(2026, "binh_duong", 30.0, 40.0, 75.0, 1)]
    assert _by_group(warehouse, SHARE) == [(2026, "binh_duong", 36.0, 40.0, 90.0, 1)]


def test_a_units_submissions_can_be_limited_to_indicators_and_a_year(warehouse: Engine) -> None:
    """The scorecard asks for its own indicators in the year it shows (issue 12: a unit's
    whole history at tier L is about 50,000 rows, kept per unit in the page cache).

    Loaded for unit A: share Jan 2026 (year 2026) and Jan 2026 filed under 2025, on-time
    Aug 2026, and unit B's share Feb 2026. Asked for share in 2026: A's share Jan 2026
    only (not the row filed under 2025, not on-time, not B's). Asked for both indicators
    in 2025: the share filed under 2025 only. Asked for share with no year: both share
    rows. Asked for no indicator: nothing."""
    jan, feb, aug = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 8, 1)
    _load(
        warehouse,
        [
            (SHARE, A, 2026, jan, 3.0),
            (SHARE, A, 2025, jan, 96.0),
            (ON_TIME, A, 2026, aug, 50.0),
            (SHARE, B, 2026, feb, 7.0),
        ],
        "s",
        T1,
    )

    def asked(indicators: tuple[str, ...] | None, year: int | None) -> list[tuple]:
        with warehouse.connect() as conn:
            found = queries.unit_submissions(conn, A, None, indicators, year)
        return [(r.indicator_id, r.period_year, r.period_month.month) for r in found.itertuples()]

    assert asked((SHARE,), 2026) == [(SHARE, 2026, 1)]
    assert asked((SHARE, ON_TIME), 2025) == [(SHARE, 2025, 1)]
    assert sorted(asked((SHARE,), None)) == [(SHARE, 2025, 1), (SHARE, 2026, 1)]
    assert asked((ON_TIME,), 2026) == [(ON_TIME, 2026, 8)]
    assert asked((), 2026) == []
