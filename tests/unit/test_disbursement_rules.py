"""Public-investment disbursement (metrics/disbursement.py): the plan year's months, the
S-curves, the milestone path, each investor's remaining capital and pace, and the changes
to the plan. Expected numbers are worked by hand from the rule each test states.

A plan year runs from January (month 1) to the January extension of the next year (13).
The 2026 milestones are 7.5 % by 31 March, 25 % by 30 June, 50 % by 30 September and 95 %
by 31 December, reached in a straight line by day from 0 on 1 January.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from metrics.disbursement import (
    aligned_day,
    investor_table,
    milestone_path,
    plan_changes,
    plan_month_index,
    s_curves,
)
from metrics.registry import get_indicator

# --- the plan year's months ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2025, "2025-01-01", 1),
        (2025, "2025-07-01", 7),
        (2025, "2025-12-01", 12),
        (2025, "2026-01-01", 13),  # the January extension
        (2025, "2024-12-01", 0),  # before the plan year
        (2025, "2026-02-01", 14),  # after the extension
    ],
)
def test_plan_month_index_counts_from_january_of_the_plan_year(
    year: int, month: str, expected: int
) -> None:
    assert plan_month_index(year, pd.Timestamp(month)) == expected


@pytest.mark.parametrize(
    ("year", "index", "expected"),
    [
        (2026, 1, dt.date(2026, 1, 31)),
        (2026, 2, dt.date(2026, 2, 28)),
        (2024, 2, dt.date(2024, 2, 29)),  # a leap year
        (2026, 4, dt.date(2026, 4, 30)),
        (2026, 12, dt.date(2026, 12, 31)),
        (2026, 13, dt.date(2027, 1, 31)),  # the extension: 31 January of the next year
    ],
)
def test_aligned_day_is_the_month_end_of_the_plan_month(
    year: int, index: int, expected: dt.date
) -> None:
    assert aligned_day(year, index) == expected


# --- the S-curves ---------------------------------------------------------------------------

S_COLUMNS = [
    "plan_year",
    "month_index",
    "day",
    "actual_day",
    "value",
    "numerator",
    "denominator",
]


def _cumulative(rows: list[tuple[int, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["period_year", "period_month", "numerator", "denominator"])
    frame["period_month"] = pd.to_datetime(frame["period_month"])
    frame["value"] = 100.0 * frame["numerator"] / frame["denominator"]
    return frame


def test_s_curves_lay_every_plan_year_up_to_the_year_over_its_calendar() -> None:
    series = _cumulative(
        [
            (2026, "2026-02-01", 20.0, 200.0),
            (2025, "2026-01-01", 96.0, 100.0),  # 2025's January extension
            (2025, "2025-02-01", 8.0, 100.0),
            (2025, "2024-12-01", 1.0, 100.0),  # outside the plan year: left out
            (2025, "2026-02-01", 97.0, 100.0),  # after the extension: left out
            (2026, "2026-01-01", 10.0, 200.0),
            (2027, "2027-01-01", 5.0, 100.0),  # a later plan year: left out
        ]
    )
    out = s_curves(series, 2026)
    assert list(out.columns) == S_COLUMNS
    assert out.index.tolist() == [0, 1, 2, 3]
    assert out["plan_year"].tolist() == [2025, 2025, 2026, 2026]
    assert out["month_index"].tolist() == [2, 13, 1, 2]
    # drawn on 2026's plan year: February 2025 at 28 Feb 2026, 2025's extension at 31 Jan 2027
    assert out["day"].tolist() == [
        dt.date(2026, 2, 28),
        dt.date(2027, 1, 31),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
    ]
    assert out["actual_day"].tolist() == [
        dt.date(2025, 2, 28),
        dt.date(2026, 1, 31),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
    ]
    assert out["value"].tolist() == pytest.approx([8.0, 96.0, 5.0, 10.0])
    assert out["numerator"].tolist() == [8.0, 96.0, 10.0, 20.0]
    assert out["denominator"].tolist() == [100.0, 100.0, 200.0, 200.0]
    assert str(out["plan_year"].dtype) == "int64"
    assert [str(out[c].dtype) for c in ["value", "numerator", "denominator"]] == ["float64"] * 3


def test_s_curves_keep_the_first_and_thirteenth_month() -> None:
    series = _cumulative([(2025, "2025-01-01", 1.0, 10.0), (2025, "2026-01-01", 9.0, 10.0)])
    out = s_curves(series, 2025)
    assert out["month_index"].tolist() == [1, 13]
    assert out["day"].tolist() == [dt.date(2025, 1, 31), dt.date(2026, 1, 31)]


def test_s_curves_of_a_year_before_any_plan_year_is_empty_with_its_columns() -> None:
    series = _cumulative([(2026, "2026-01-01", 1.0, 10.0)])
    out = s_curves(series, 2025)
    assert out.empty
    assert list(out.columns) == S_COLUMNS
    assert s_curves(series, 2026)["plan_year"].tolist() == [2026]


# --- the milestone path ---------------------------------------------------------------------


def test_milestone_path_runs_in_a_straight_line_by_day_through_the_milestones() -> None:
    path = milestone_path(get_indicator("public_investment_disbursement"), 2026)
    assert list(path.columns) == ["day", "value"]
    assert path.index.tolist() == list(range(13))
    assert path["day"].tolist() == [
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
        dt.date(2026, 6, 30),
        dt.date(2026, 7, 31),
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 31),
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 31),
    ]
    # days from 1 January: 31 Mar = 89, 30 Jun = 180, 30 Sep = 272, 31 Dec = 364
    q1 = [7.5 * d / 89 for d in (30, 58)]  # 31 Jan, 28 Feb
    q2 = [7.5 + 17.5 * (d - 89) / 91 for d in (119, 150)]  # 30 Apr, 31 May
    q3 = [25.0 + 25.0 * (d - 180) / 92 for d in (211, 242)]  # 31 Jul, 31 Aug
    q4 = [50.0 + 45.0 * (d - 272) / 92 for d in (303, 333)]  # 31 Oct, 30 Nov
    expected = [0.0, *q1, 7.5, *q2, 25.0, *q3, 50.0, *q4, 95.0]
    assert path["value"].tolist() == pytest.approx(expected)


def test_milestone_path_of_an_indicator_without_milestones_is_empty() -> None:
    path = milestone_path(get_indicator("digital_economy_share_grdp"), 2026)
    assert path.empty
    assert list(path.columns) == ["day", "value"]


# --- the investors --------------------------------------------------------------------------


def _standing() -> pd.DataFrame:
    rows = [
        ("b", "Bến Thành", 40.0, 100.0),
        ("z", "Zeta", 200.0, 200.0),  # fully disbursed
        ("o", "Over", 60.0, 50.0),  # disbursed more than its plan
        ("d", "Dự án D", 0.0, 300.0),
        ("a", "An Phú", 40.0, 100.0),  # same remaining as Bến Thành: by name
        ("n", "Near", 90.0, 100.0),  # 90 of 100: past 95 % of nothing yet, short by 5
    ]
    frame = pd.DataFrame(rows, columns=["unit_id", "name_vi", "numerator", "denominator"])
    frame["value"] = 100.0 * frame["numerator"] / frame["denominator"]
    frame["is_reported"] = True
    return frame


def test_investor_table_remaining_capital_target_gap_and_pace() -> None:
    # figures to 1 October 2026: November and December are left (2 months)
    table = investor_table(_standing(), 2026, dt.date(2026, 10, 1), 95.0)
    assert table["unit_id"].tolist() == ["d", "a", "b", "n", "o", "z"]
    # remaining = plan − disbursed, never below 0
    assert table["remaining_billion_vnd"].tolist() == [300.0, 60.0, 60.0, 10.0, 0.0, 0.0]
    # to the target = 95 % of the plan − disbursed, never below 0
    assert table["to_target_billion_vnd"].tolist() == pytest.approx(
        [285.0, 55.0, 55.0, 5.0, 0.0, 0.0]
    )
    assert table["months_left"].tolist() == [2] * 6
    assert table["pace_billion_vnd_per_month"].tolist() == pytest.approx(
        [142.5, 27.5, 27.5, 2.5, 0.0, 0.0]
    )
    # the standing's own columns travel with it
    assert table["name_vi"].tolist() == ["Dự án D", "An Phú", "Bến Thành", "Near", "Over", "Zeta"]
    assert table["is_reported"].tolist() == [True] * 6
    assert table.index.tolist() == list(range(6))
    assert list(table.columns) == [
        "unit_id",
        "name_vi",
        "numerator",
        "denominator",
        "value",
        "is_reported",
        "remaining_billion_vnd",
        "to_target_billion_vnd",
        "months_left",
        "pace_billion_vnd_per_month",
    ]


def test_investor_table_target_is_a_percentage_of_the_plan() -> None:
    table = investor_table(_standing(), 2026, dt.date(2026, 10, 1), 50.0)
    # 50 % of 300 − 0; of 100 − 40 (×2); of 100 − 90 → 0; of 50 − 60 → 0; of 200 − 200 → 0
    assert table["to_target_billion_vnd"].tolist() == pytest.approx(
        [150.0, 10.0, 10.0, 0.0, 0.0, 0.0]
    )


@pytest.mark.parametrize(
    ("through", "months_left"),
    [
        (dt.date(2026, 1, 1), 11),  # read to January: February to December
        (dt.date(2026, 11, 1), 1),
        (dt.date(2025, 12, 1), 12),  # a plan year not yet begun: all twelve months
        (dt.date(2025, 6, 1), 18),
    ],
)
def test_investor_table_months_left_after_the_month_read_to(
    through: dt.date, months_left: int
) -> None:
    table = investor_table(_standing(), 2026, through, 95.0)
    assert table["months_left"].tolist() == [months_left] * 6
    # Dự án D needs 285 over the months left
    assert table["pace_billion_vnd_per_month"].iloc[0] == pytest.approx(285.0 / months_left)


@pytest.mark.parametrize(
    "through", [dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 3, 1)]
)
def test_investor_table_without_a_month_left_has_no_pace(through: dt.date) -> None:
    table = investor_table(_standing(), 2026, through, 95.0)
    assert table["months_left"].tolist() == [0] * 6
    assert all(math.isnan(p) for p in table["pace_billion_vnd_per_month"])
    assert table["to_target_billion_vnd"].iloc[0] == pytest.approx(285.0)


# --- the changes to the plan ------------------------------------------------------------------


def test_plan_changes_each_later_date_with_the_plan_before_and_after() -> None:
    revisions = pd.DataFrame(
        {
            "effective_date": pd.to_datetime(["2025-07-01", "2025-01-01", "2025-10-01"]),
            "n_investors": [191, 190, 188],
            "plan_billion_vnd": [120.0, 100.0, 115.0],
            "source_document": ["QĐ 2", "QĐ 1", "QĐ 3"],
        }
    )
    changes = plan_changes(revisions)
    assert list(changes.columns) == [
        "effective_date",
        "n_investors",
        "before",
        "after",
        "source_document",
    ]
    assert changes.values.tolist() == [
        [pd.Timestamp("2025-07-01"), 191, 100.0, 120.0, "QĐ 2"],
        [pd.Timestamp("2025-10-01"), 188, 120.0, 115.0, "QĐ 3"],
    ]


def test_plan_changes_of_a_single_plan_is_empty() -> None:
    revisions = pd.DataFrame(
        {
            "effective_date": pd.to_datetime(["2025-01-01"]),
            "n_investors": [190],
            "plan_billion_vnd": [100.0],
            "source_document": ["QĐ 1"],
        }
    )
    assert plan_changes(revisions).empty
