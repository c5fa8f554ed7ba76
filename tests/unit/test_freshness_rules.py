"""The headline month's coverage rule at the start of a series, worked by hand: the first
period is judged against its own count, the second against the first's."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics.freshness import latest_complete_period


def _series(counts: dict[str, int]) -> pd.DataFrame:
    months = pd.to_datetime(list(counts))
    return pd.DataFrame(
        {"period_year": months.year, "period_month": months, "n_units": list(counts.values())}
    )


def test_the_first_period_of_a_series_is_judged_against_itself() -> None:
    # One month, 100 units reporting; on 10 February January has ended: it qualifies.
    series = _series({"2026-01-01": 100})
    assert latest_complete_period(series, 2026, dt.date(2026, 2, 10)) == pd.Timestamp("2026-01-01")


def test_the_second_period_is_judged_against_the_first() -> None:
    # January 100 units, February 50: 50 < 0.9 × 100, so February is not complete.
    series = _series({"2026-01-01": 100, "2026-02-01": 50})
    assert latest_complete_period(series, 2026, dt.date(2026, 3, 10)) == pd.Timestamp("2026-01-01")
    # February with 90 units: 90 ≥ 0.9 × 100, complete.
    series = _series({"2026-01-01": 100, "2026-02-01": 90})
    assert latest_complete_period(series, 2026, dt.date(2026, 3, 10)) == pd.Timestamp("2026-02-01")
