"""Period arithmetic and the ratio every rate is made of (metrics/periods.py), worked by hand;
written after mutation testing found these edges unstated (the doctests state some of them,
but the mutation run reads only the unit tests)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.periods import (
    SeriesShape,
    check_series,
    extension_row,
    in_year_rows,
    months_to_year_end,
    period_index,
    period_start_month,
    periods_per_year,
    ratio_pct,
    series_shape,
    yearly_table,
)
from metrics.registry import get_indicator


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (3.0, 4.0, 75.0),
        (1.0, 0.5, 200.0),  # a denominator below 1 is still a denominator
        (0.0, 10.0, 0.0),
    ],
)
def test_a_ratio_is_100_times_numerator_over_denominator(
    numerator: float, denominator: float, expected: float
) -> None:
    assert ratio_pct(numerator, denominator) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("numerator", "denominator"),
    [
        (1.0, None),
        (1.0, math.nan),
        (1.0, math.inf),
        (1.0, 0.0),
        (1.0, -5.0),
        (None, 10.0),
        (math.nan, 10.0),
        (math.inf, 10.0),
    ],
)
def test_a_ratio_without_a_usable_numerator_or_denominator_is_nan(
    numerator: float | None, denominator: float | None
) -> None:
    assert math.isnan(ratio_pct(numerator, denominator))  # type: ignore[arg-type]


MONTHS = pd.Series(pd.to_datetime(["2024-12-01", "2025-01-01", "2025-03-01", "2025-04-01"]))


def test_monthly_quarterly_and_yearly_indexes_count_consecutive_periods() -> None:
    # Months: 2024·12 + 11 = 24,299, then 24,300, 24,302, 24,303.
    assert period_index(MONTHS, 12).tolist() == [24299, 24300, 24302, 24303]
    # Quarters: 2024·4 + 3 = 8,099 (Q4 2024), 8,100 (Q1 2025) twice, 8,101 (Q2 2025).
    assert period_index(MONTHS, 4).tolist() == [8099, 8100, 8100, 8101]
    assert period_index(MONTHS, 1).tolist() == [2024, 2025, 2025, 2025]
    assert period_index(MONTHS, 12).dtype.kind == "i"


@pytest.mark.parametrize(
    ("index", "per_year", "month"),
    [
        (24299, 12, "2024-12-01"),
        (24300, 12, "2025-01-01"),
        (8099, 4, "2024-12-01"),  # a quarter is dated by its last month
        (8100, 4, "2025-03-01"),
        (8101, 4, "2025-06-01"),
        (2025, 1, "2025-12-01"),  # a year is dated by December
    ],
)
def test_a_periods_month_is_the_first_day_of_its_last_month(
    index: int, per_year: int, month: str
) -> None:
    assert period_start_month(index, per_year) == pd.Timestamp(month)


# ------------------------------------------------------------------ fourth mutation reading


def _checked(rows: list[tuple[int, str, float, float]]) -> pd.DataFrame:

    return check_series(
        pd.DataFrame(rows, columns=["period_year", "period_month", "numerator", "denominator"])
    )


def test_the_extension_row_is_january_of_the_next_year_of_the_same_plan_year() -> None:

    frame = _checked(
        [
            (2024, "2024-01-01", 8.0, 100.0),
            (2024, "2024-12-01", 96.0, 100.0),
            (2024, "2025-01-01", 98.0, 100.0),  # 2024's extension month
            (2025, "2025-01-01", 3.0, 100.0),
            (2025, "2025-02-01", 7.0, 100.0),
            (2023, "2025-01-01", 1.0, 100.0),  # another plan year's row in that month
        ]
    )
    row = extension_row(frame, 2024)
    assert row is not None and float(row["value"]) == 98.0
    assert extension_row(frame, 2025) is None
    assert extension_row(frame, 2023) is None  # its January of 2024 is not there


def test_an_annual_indicator_with_one_december_row_a_year_has_one_period_a_year() -> None:

    years = _checked([(2023, "2023-12-01", 1.0, 5.0), (2024, "2024-12-01", 1.0, 5.0)])
    assert periods_per_year(years, SeriesShape.ANNUAL) == 1
    # Two rows in one year, or a row outside December: quarters.
    two = _checked([(2024, "2024-12-01", 1.0, 5.0), (2024, "2024-12-01", 2.0, 5.0)])
    assert periods_per_year(two, SeriesShape.ANNUAL) == 4
    june = _checked([(2023, "2023-06-01", 1.0, 5.0), (2024, "2024-12-01", 1.0, 5.0)])
    assert periods_per_year(june, SeriesShape.ANNUAL) == 4
    assert periods_per_year(years.iloc[0:0], SeriesShape.ANNUAL) == 4
    assert periods_per_year(years, SeriesShape.MONTHLY_FLOW) == 12


def test_months_to_the_years_end() -> None:

    assert months_to_year_end(None, 2025) == 12
    assert months_to_year_end(pd.Timestamp(2025, 9, 1), 2025) == 3
    # From November of the year before: 1 + 12.
    assert months_to_year_end(pd.Timestamp(2024, 11, 1), 2025) == 13
    assert months_to_year_end(pd.Timestamp(2026, 1, 1), 2025) == 0


def test_a_ratio_needs_a_positive_finite_denominator() -> None:
    frame = _checked(
        [
            (2025, "2025-01-01", 1.0, 1.0),
            (2025, "2025-02-01", 1.0, 0.0),
            (2025, "2025-03-01", 1.0, -4.0),
            (2025, "2025-04-01", 1.0, float("inf")),
        ]
    )
    values = frame["value"].tolist()
    assert values[0] == 100.0
    assert all(pd.isna(v) for v in values[1:])


def test_the_years_rows_are_those_of_the_year_in_the_year() -> None:

    frame = _checked([(2024, "2025-01-01", 98.0, 100.0), (2025, "2025-01-01", 3.0, 100.0)])
    assert in_year_rows(frame, 2025)["value"].tolist() == [3.0]


def test_a_series_without_a_column_names_it() -> None:

    frame = pd.DataFrame({"period_year": [2025], "period_month": ["2025-01-01"]})
    with pytest.raises(ValueError) as raised:
        check_series(frame.assign(numerator=1.0))
    assert str(raised.value) == (
        "series is missing column(s) ['denominator']; pass the frame from "
        "data_access.queries.scope_series (columns ['period_year', 'period_month', "
        "'numerator', 'denominator'] + value)"
    )


def test_a_weekly_indicator_is_not_modelled_and_says_so() -> None:

    with pytest.raises(ValueError) as raised:
        series_shape(get_indicator("service_index_766_total"))
    assert str(raised.value) == (
        "service_index_766_total: frequency 'weekly' is not modelled; aggregate it to months first"
    )


def test_the_yearly_table_is_in_year_order_with_each_years_own_figures() -> None:

    # Rows given 2025 first: 2025 Q1 30 %, 2024 all four quarters 20 %.
    frame = _checked(
        [(2025, "2025-03-01", 30.0, 100.0)]
        + [(2024, f"2024-{m:02d}-01", 20.0, 100.0) for m in (3, 6, 9, 12)]
    ).sort_values("period_year", ascending=False, kind="stable")
    table = yearly_table(frame, SeriesShape.ANNUAL)
    assert table["period_year"].tolist() == [2024, 2025]
    assert table["value"].tolist() == [20.0, 30.0]
    assert table["periods_observed"].tolist() == [4, 1]
    assert table["last_month"].tolist() == [pd.Timestamp(2024, 12, 1), pd.Timestamp(2025, 3, 1)]
    assert table["is_complete"].tolist() == [True, False]
    empty = yearly_table(frame.iloc[0:0], SeriesShape.ANNUAL)
    assert list(empty.columns) == [
        "period_year",
        "value",
        "periods_observed",
        "periods_expected",
        "last_month",
        "is_over",
        "is_complete",
    ]
