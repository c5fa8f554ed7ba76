"""Period arithmetic and the ratio every rate is made of (metrics/periods.py), worked by hand;
written after mutation testing found these edges unstated (the doctests state some of them,
but the mutation run reads only the unit tests)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.periods import period_index, period_start_month, ratio_pct


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
