"""The Unit page's scorecard rules, worked by hand: when a month's figures are due, which
months a unit owes, when a submission is late (and by how many days, in the city's time),
and where a unit sits among its peers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from metrics.registry import Indicator, get_indicator
from metrics.scorecard import (
    SUBMISSION_COLUMNS,
    due_date,
    expected_months,
    peer_position,
    submission_grid,
)

ONLINE = get_indicator("online_dossier_share")  # monthly flow, due on the 5th
DISBURSEMENT = get_indicator("public_investment_disbursement")  # cumulative, due on the 5th
SERVICES = get_indicator("online_services_count")  # due "on the 31st"


@pytest.mark.parametrize(
    ("indicator", "month", "due"),
    [
        (ONLINE, dt.date(2026, 10, 1), dt.date(2026, 11, 5)),
        (ONLINE, dt.date(2026, 12, 1), dt.date(2027, 1, 5)),
        # A due day past the 28th is the 28th: every month has one.
        (SERVICES, dt.date(2026, 1, 1), dt.date(2026, 2, 28)),
        (SERVICES, dt.date(2026, 3, 1), dt.date(2026, 4, 28)),
    ],
)
def test_a_months_figures_are_due_on_the_due_day_of_the_next_month(
    indicator: Indicator, month: dt.date, due: dt.date
) -> None:
    assert due_date(indicator, month) == due


def test_a_unit_owes_the_months_of_the_year_up_to_the_month_read() -> None:
    assert expected_months(ONLINE, 2026, dt.date(2026, 1, 1)) == [dt.date(2026, 1, 1)]
    assert expected_months(ONLINE, 2026, dt.date(2025, 12, 1)) == []
    # A flow indicator's year ends with December, whatever month is read.
    assert expected_months(ONLINE, 2025, dt.date(2027, 3, 1)) == [
        dt.date(2025, m, 1) for m in range(1, 13)
    ]


def test_a_plan_year_owes_its_january_extension_and_nothing_after() -> None:
    through_december = expected_months(DISBURSEMENT, 2025, dt.date(2025, 12, 1))
    assert through_december == [dt.date(2025, m, 1) for m in range(1, 13)]
    later = expected_months(DISBURSEMENT, 2025, dt.date(2026, 5, 1))
    assert later == [dt.date(2025, m, 1) for m in range(1, 13)] + [dt.date(2026, 1, 1)]


def _submissions(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": [r[0] for r in rows],
            "period_year": [r[1] for r in rows],
            "period_month": pd.to_datetime([r[2] for r in rows]),
            "first_loaded_at": pd.to_datetime([r[3] for r in rows]),  # naive UTC
        }
    )


def test_early_on_the_day_and_late_submissions_in_city_time() -> None:
    # January is due 5 Feb, February 5 Mar, March 5 Apr (23:59 in the city = 16:59 UTC).
    submissions = _submissions(
        [
            # 1 Feb 02:00 UTC = 1 Feb 09:00 in the city: four days early, on time (0, not -4).
            ("online_dossier_share", 2026, "2026-01-01", "2026-02-01 02:00"),
            # 5 Mar 16:59 UTC = 5 Mar 23:59 in the city: the due day itself, on time.
            ("online_dossier_share", 2026, "2026-02-01", "2026-03-05 16:59"),
            # 8 Apr 18:00 UTC = 9 Apr 01:00 in the city: 4 days late (9 − 5).
            ("online_dossier_share", 2026, "2026-03-01", "2026-04-08 18:00"),
        ]
    )
    grid = submission_grid(submissions, [ONLINE], 2026, dt.date(2026, 4, 1))
    assert list(grid.columns) == list(SUBMISSION_COLUMNS)
    assert grid["indicator_code"].tolist() == ["online_dossier_share"] * 4
    assert grid["period_year"].tolist() == [2026] * 4
    assert grid["period_month"].tolist() == list(
        pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"])
    )
    assert grid["state"].tolist() == ["on_time", "on_time", "late", "missing"]
    assert grid["days_late"].tolist()[:3] == [0.0, 0.0, 4.0]
    assert np.isnan(grid["days_late"].iloc[3])
    assert grid["days_late"].dtype == np.float64
    # Shown in the city's time, without a zone.
    assert grid["first_loaded_at"].tolist()[:3] == list(
        pd.to_datetime(["2026-02-01 09:00", "2026-03-05 23:59", "2026-04-09 01:00"])
    )
    assert pd.isna(grid["first_loaded_at"].iloc[3])


def test_one_day_after_the_due_day_is_late_by_one() -> None:
    # 5 Feb 17:00 UTC = 6 Feb 00:00 in the city.
    submissions = _submissions([("online_dossier_share", 2026, "2026-01-01", "2026-02-05 17:00")])
    grid = submission_grid(submissions, [ONLINE], 2026, dt.date(2026, 1, 1))
    assert grid[["state", "days_late"]].values.tolist() == [["late", 1.0]]


def test_other_indicators_and_other_years_do_not_count_as_arrived() -> None:
    submissions = _submissions(
        [
            ("on_time_rate", 2026, "2026-01-01", "2026-02-01 02:00"),
            ("online_dossier_share", 2025, "2026-01-01", "2026-02-01 02:00"),
        ]
    )
    grid = submission_grid(submissions, [ONLINE], 2026, dt.date(2026, 1, 1))
    assert grid["state"].tolist() == ["missing"]


def test_each_indicator_gets_its_own_months() -> None:
    submissions = _submissions(
        [("public_investment_disbursement", 2025, "2026-01-01", "2026-02-01 02:00")]
    )
    grid = submission_grid(submissions, [ONLINE, DISBURSEMENT], 2025, dt.date(2026, 1, 1))
    assert (
        grid["indicator_code"].tolist()
        == ["online_dossier_share"] * 12 + ["public_investment_disbursement"] * 13
    )
    assert grid["state"].tolist() == ["missing"] * 24 + ["on_time"]


@pytest.mark.parametrize(
    ("value", "p25", "p75", "position"),
    [
        (85.1, 70.0, 85.0, "top"),
        (85.0, 70.0, 85.0, "middle"),  # on the upper quartile: not above it
        (70.0, 70.0, 85.0, "middle"),  # on the lower quartile: not below it
        (69.9, 70.0, 85.0, "bottom"),
        (None, 70.0, 85.0, "unknown"),
        (80.0, None, 85.0, "unknown"),
        (80.0, 70.0, None, "unknown"),
        (float("nan"), 70.0, 85.0, "unknown"),
        (80.0, float("nan"), 85.0, "unknown"),
        (80.0, 70.0, float("nan"), "unknown"),
    ],
)
def test_peer_position(
    value: float | None, p25: float | None, p75: float | None, position: str
) -> None:
    assert peer_position(value, p25, p75) == position


def test_an_empty_grid_keeps_its_column_types() -> None:
    # No indicator reported: the page's table and download still get dates and numbers.
    submissions = _submissions([])
    grid = submission_grid(submissions, [], 2026, dt.date(2026, 4, 1))
    assert list(grid.columns) == list(SUBMISSION_COLUMNS)
    assert grid.empty
    assert str(grid["period_month"].dtype).startswith("datetime64")
    assert grid["days_late"].dtype == np.float64
    assert str(grid["first_loaded_at"].dtype).startswith("datetime64")
