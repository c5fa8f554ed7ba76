"""Freshness (metrics/freshness.py): which period is due by a day, whether it is in, and
which month a headline may be read from. Every expected date is worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics.freshness import (
    Freshness,
    check_freshness,
    expected_latest_period,
    latest_complete_period,
)
from metrics.registry import get_indicator

D = dt.date
ONLINE = get_indicator("online_dossier_share")  # monthly, due by the 5th
DIGITAL = get_indicator("digital_economy_share_grdp")  # quarterly estimates, due by the 20th


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 5), D(2026, 9, 1)),  # October is due by 5 November: not late yet
        (D(2026, 11, 6), D(2026, 10, 1)),
        (D(2026, 11, 28), D(2026, 10, 1)),
        (D(2026, 12, 1), D(2026, 10, 1)),
        (D(2027, 1, 1), D(2026, 11, 1)),
        (D(2027, 1, 31), D(2026, 12, 1)),
        (D(2027, 11, 28), D(2027, 10, 1)),
    ],
)
def test_a_monthly_period_is_due_after_its_due_day(today: D, expected: D) -> None:
    assert expected_latest_period(ONLINE, today) == expected
    assert check_freshness(ONLINE, expected, today).expected_period == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [(D(2026, 10, 28), D(2026, 6, 1)), (D(2026, 10, 29), D(2026, 9, 1))],
)
def test_a_due_day_past_the_28th_counts_as_the_28th(today: D, expected: D) -> None:
    """The statistics-office series is due "by the end of the month after the quarter"
    (due day 31), read as the 28th so that every month has it."""
    statistics = get_indicator("digital_economy_share_grdp_statistics")
    assert statistics.freshness_due_day == 31
    assert expected_latest_period(statistics, today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 10, 20), D(2026, 6, 1)),  # Q3 is due by 20 October: Q2 still the latest due
        (D(2026, 10, 21), D(2026, 9, 1)),
        (D(2026, 11, 28), D(2026, 9, 1)),
        (D(2027, 1, 20), D(2026, 9, 1)),
        (D(2027, 1, 21), D(2026, 12, 1)),
        (D(2027, 3, 31), D(2026, 12, 1)),
        (D(2027, 4, 1), D(2026, 12, 1)),
    ],
)
def test_a_quarter_is_due_after_the_due_day_of_the_month_after_it(today: D, expected: D) -> None:
    assert expected_latest_period(DIGITAL, today) == expected


@pytest.mark.parametrize(
    ("latest", "today", "state", "behind"),
    [
        (D(2026, 10, 1), D(2026, 11, 28), Freshness.ON_TIME, 0),
        (D(2026, 9, 1), D(2026, 11, 28), Freshness.LATE, 1),
        (D(2026, 9, 1), D(2026, 11, 5), Freshness.ON_TIME, 0),
        (D(2026, 11, 1), D(2026, 11, 28), Freshness.ON_TIME, 0),  # ahead is not late
        (D(2026, 10, 1), D(2027, 11, 28), Freshness.LATE, 12),
        (D(2025, 12, 1), D(2026, 11, 28), Freshness.LATE, 10),
    ],
)
def test_monthly_freshness(latest: D, today: D, state: Freshness, behind: int) -> None:
    check = check_freshness(ONLINE, latest, today)
    assert (check.state, check.periods_behind, check.latest_period) == (state, behind, latest)


@pytest.mark.parametrize(
    ("latest", "today", "state", "behind"),
    [
        (D(2026, 9, 1), D(2026, 11, 28), Freshness.ON_TIME, 0),
        (D(2026, 6, 1), D(2026, 11, 28), Freshness.LATE, 1),
        (D(2026, 3, 1), D(2026, 11, 28), Freshness.LATE, 2),
        (D(2025, 12, 1), D(2027, 1, 21), Freshness.LATE, 4),
    ],
)
def test_quarterly_freshness_counts_quarters(
    latest: D, today: D, state: Freshness, behind: int
) -> None:
    check = check_freshness(DIGITAL, latest, today)
    assert (check.state, check.periods_behind) == (state, behind)


def test_no_data_is_its_own_state() -> None:
    check = check_freshness(ONLINE, None, D(2026, 11, 28))
    assert check.state is Freshness.NO_DATA
    assert check.expected_period == D(2026, 10, 1) and check.periods_behind == 0


def _counts(months: list[str], n_units: list[int], year: int | None = None) -> pd.DataFrame:
    stamps = pd.to_datetime(months)
    return pd.DataFrame(
        {
            "period_year": stamps.year if year is None else year,
            "period_month": stamps,
            "n_units": n_units,
        }
    )


MONTHS_2026 = [f"2026-{m:02d}-01" for m in range(1, 11)]


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (D(2026, 10, 31), "2026-09-01"),  # October is not over on its last day
        (D(2026, 11, 1), "2026-10-01"),
        (D(2026, 11, 28), "2026-10-01"),
        (D(2027, 11, 28), "2026-10-01"),
    ],
)
def test_a_headline_month_must_have_ended(today: D, month: str) -> None:
    series = _counts(MONTHS_2026, [100] * 10)
    assert latest_complete_period(series, 2026, today) == pd.Timestamp(month)


@pytest.mark.parametrize(
    ("october_units", "month"),
    [(90, "2026-10-01"), (89, "2026-09-01"), (1, "2026-09-01"), (150, "2026-10-01")],
)
def test_a_headline_month_needs_nine_tenths_of_the_usual_units(
    october_units: int, month: str
) -> None:
    """Regression: removing the coverage rule survived the suite."""
    series = _counts(MONTHS_2026, [100] * 9 + [october_units])
    assert latest_complete_period(series, 2026, D(2026, 11, 28)) == pd.Timestamp(month)


def test_the_usual_count_is_the_most_of_the_twelve_months_before() -> None:
    # 200 units in January 2025, 100 since: January 2026 still has 2025's January within
    # its twelve months before (100 < 0.9 × 200), February 2026 no longer has.
    months = [f"2025-{m:02d}-01" for m in range(1, 13)] + ["2026-01-01", "2026-02-01"]
    series = _counts(months, [200] + [100] * 13)
    assert latest_complete_period(series, 2026, D(2026, 2, 10)) is None
    assert latest_complete_period(series, 2026, D(2026, 3, 10)) == pd.Timestamp("2026-02-01")


def test_only_the_years_own_rows_count() -> None:
    series = _counts(MONTHS_2026, [100] * 10)
    assert latest_complete_period(series, 2025, D(2026, 11, 28)) is None
    assert latest_complete_period(series, 2027, D(2027, 11, 28)) is None
    # A January extension row counts towards the plan year before (period_year).
    extension = pd.concat(
        [_counts(["2026-12-01"], [100], 2026), _counts(["2027-01-01"], [100], 2026)]
    )
    assert latest_complete_period(extension, 2026, D(2027, 2, 1)) == pd.Timestamp("2027-01-01")


def test_custom_coverage() -> None:
    series = _counts(MONTHS_2026, [100] * 9 + [50])
    assert latest_complete_period(series, 2026, D(2026, 11, 28), coverage=0.5) == pd.Timestamp(
        "2026-10-01"
    )
    assert latest_complete_period(series, 2026, D(2026, 11, 28), coverage=0.51) == pd.Timestamp(
        "2026-09-01"
    )
