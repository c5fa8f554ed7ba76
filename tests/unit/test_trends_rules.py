"""A monthly rate's year month by month (metrics/trends.py): the month, the year to date as
a ratio of sums, the same months a year earlier, the published figures of a year, and
which indicators get the trend chart. Expected numbers are worked by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import warnings

import pandas as pd
import pytest

from metrics.registry import Frequency, TimeRollup, get_indicator
from metrics.trends import (
    TREND_COLUMNS,
    indicator_is_monthly_rate,
    published_in_year,
    trend_frame,
    year_on_year,
)


def _monthly(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    months = pd.to_datetime([r[0] for r in rows])
    return pd.DataFrame(
        {
            "period_year": months.year,
            "period_month": months,
            "numerator": [r[1] for r in rows],
            "denominator": [r[2] for r in rows],
        }
    )


# --- the trend frame ------------------------------------------------------------------------


def test_trend_frame_months_year_to_date_and_last_year() -> None:
    series = _monthly(
        [
            ("2025-01-01", 1.0, 4.0),
            ("2025-03-01", 3.0, 4.0),  # no February 2025
            ("2026-01-01", 2.0, 4.0),
            ("2026-02-01", 1.0, 1.0),
            ("2026-03-01", 3.0, 5.0),
        ]
    )
    out = trend_frame(series, 2026)
    assert list(out.columns) == list(TREND_COLUMNS)
    assert out["period_month"].tolist() == [
        pd.Timestamp("2026-01-01"),
        pd.Timestamp("2026-02-01"),
        pd.Timestamp("2026-03-01"),
    ]
    assert out["value"].tolist() == pytest.approx([50.0, 100.0, 60.0])
    assert out["numerator"].tolist() == [2.0, 1.0, 3.0]
    assert out["denominator"].tolist() == [4.0, 1.0, 5.0]
    # ratio of sums: 2/4; (2+1)/(4+1) = 60 %; (2+1+3)/(4+1+5) = 60 %
    assert out["ytd"].tolist() == pytest.approx([50.0, 60.0, 60.0])
    # last year: January 25 %; February not observed; March 75 %, year to date (1+3)/(4+4)
    assert out["previous_value"].iloc[0] == pytest.approx(25.0)
    assert math.isnan(out["previous_value"].iloc[1])
    assert out["previous_value"].iloc[2] == pytest.approx(75.0)
    assert out["previous_ytd"].iloc[0] == pytest.approx(25.0)
    assert math.isnan(out["previous_ytd"].iloc[1])
    assert out["previous_ytd"].iloc[2] == pytest.approx(50.0)
    assert all(str(out[c].dtype) == "float64" for c in TREND_COLUMNS[1:])


def test_trend_frame_stops_at_the_month_it_is_read_to() -> None:
    series = _monthly([("2026-01-01", 1.0, 2.0), ("2026-02-01", 3.0, 4.0)])
    out = trend_frame(series, 2026, through=dt.date(2026, 1, 1))
    assert out["period_month"].tolist() == [pd.Timestamp("2026-01-01")]


def test_trend_frame_a_month_without_a_denominator_has_no_rate_and_no_warning() -> None:
    """0 of 0 and 5 of 0 are not rates: NaN, not infinity, and numpy stays quiet."""
    series = _monthly(
        [
            ("2026-01-01", 0.0, 0.0),
            ("2026-02-01", 5.0, 0.0),
            ("2026-03-01", 0.5, 1.0),  # a denominator of 1 is a denominator
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = trend_frame(series, 2026)
    ytd = out["ytd"].tolist()
    assert str(out["ytd"].dtype) == "float64"
    assert math.isnan(ytd[0]) and math.isnan(ytd[1])
    # (0 + 5 + 0.5) of (0 + 0 + 1)
    assert ytd[2] == pytest.approx(550.0)


def test_trend_frame_of_a_year_without_data_is_empty_with_its_columns_and_types() -> None:
    series = _monthly([("2025-01-01", 1.0, 2.0)])
    out = trend_frame(series, 2026)
    assert out.empty
    assert list(out.columns) == list(TREND_COLUMNS)
    assert str(out["period_month"].dtype) == "datetime64[ns]"
    assert all(str(out[c].dtype) == "float64" for c in TREND_COLUMNS[1:])


# --- year on year -----------------------------------------------------------------------------


def test_year_on_year_reads_the_last_month_against_last_year() -> None:
    trend = pd.DataFrame(
        {
            "period_month": pd.to_datetime(["2026-01-01", "2026-02-01"]),
            "value": [10.0, 70.0],
            "ytd": [10.0, 62.0],
            "previous_value": [5.0, 30.5],
            "previous_ytd": [5.0, 20.0],
        }
    )
    result = year_on_year(trend)
    assert result is not None
    assert result.month == dt.date(2026, 2, 1)
    assert result.value == 70.0
    assert result.previous_value == 30.5
    assert result.change_pp == pytest.approx(39.5)
    assert result.ytd == 62.0
    assert result.previous_ytd == 20.0
    assert result.ytd_change_pp == pytest.approx(42.0)


def test_year_on_year_has_no_change_where_a_side_is_missing() -> None:
    trend = pd.DataFrame(
        {
            "period_month": pd.to_datetime(["2026-03-01"]),
            "value": [70.0],
            "ytd": [float("nan")],
            "previous_value": [float("nan")],
            "previous_ytd": [20.0],
        }
    )
    result = year_on_year(trend)
    assert result is not None
    assert (result.value, result.previous_value, result.change_pp) == (70.0, None, None)
    assert (result.ytd, result.previous_ytd, result.ytd_change_pp) == (None, 20.0, None)
    assert year_on_year(trend.iloc[0:0]) is None


# --- published figures of a year -------------------------------------------------------------


def test_published_in_year_keeps_figures_touching_the_year_clipped_to_it() -> None:
    published = pd.DataFrame(
        {
            "period_start": pd.to_datetime(
                ["2024-12-01", "2025-03-01", "2025-12-31", "2024-01-01", "2026-01-01", "2024-06-01"]
            ),
            "period_end": pd.to_datetime(
                ["2025-01-01", "2025-05-31", "2026-02-28", "2024-12-31", "2026-03-31", "2026-06-30"]
            ),
            "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    out = published_in_year(published, 2025)
    # 1 January and 31 December are days of the year; 2024 and 2026 alone are not
    assert out["value"].tolist() == [1.0, 2.0, 3.0, 6.0]
    assert (
        out["start"].tolist()
        == pd.to_datetime(["2025-01-01", "2025-03-01", "2025-12-31", "2025-01-01"]).tolist()
    )
    assert (
        out["end"].tolist()
        == pd.to_datetime(["2025-01-01", "2025-05-31", "2025-12-31", "2025-12-31"]).tolist()
    )


def test_published_in_year_of_nothing_has_empty_start_and_end_dates() -> None:
    empty = pd.DataFrame(
        {
            "period_start": pd.Series(dtype="datetime64[ns]"),
            "period_end": pd.Series(dtype="datetime64[ns]"),
            "value": pd.Series(dtype="float64"),
        }
    )
    out = published_in_year(empty, 2025)
    assert out.empty
    assert list(out.columns) == ["period_start", "period_end", "value", "start", "end"]
    assert str(out["start"].dtype) == "datetime64[ns]"
    assert str(out["end"].dtype) == "datetime64[ns]"


# --- which indicators get the trend chart -----------------------------------------------------


def test_only_a_monthly_flow_rate_is_a_monthly_rate() -> None:
    base = dataclasses.replace(
        get_indicator("public_investment_disbursement"),
        is_rate=True,
        frequency=Frequency.MONTHLY,
        time_rollup=TimeRollup.FLOW,
    )
    assert indicator_is_monthly_rate(base) is True
    assert indicator_is_monthly_rate(dataclasses.replace(base, is_rate=False)) is False
    for frequency in (Frequency.QUARTERLY, Frequency.ANNUAL, Frequency.WEEKLY):
        assert indicator_is_monthly_rate(dataclasses.replace(base, frequency=frequency)) is False
    assert (
        indicator_is_monthly_rate(dataclasses.replace(base, time_rollup=TimeRollup.CUMULATIVE))
        is False
    )
    assert indicator_is_monthly_rate(dataclasses.replace(base, time_rollup=None)) is False
    not_a_rate_not_monthly = dataclasses.replace(base, is_rate=False, frequency=Frequency.QUARTERLY)
    assert indicator_is_monthly_rate(not_a_rate_not_monthly) is False
    # the registry's own: disbursement is cumulative, the digital share quarterly
    assert indicator_is_monthly_rate(get_indicator("public_investment_disbursement")) is False
    assert indicator_is_monthly_rate(get_indicator("digital_economy_share_grdp")) is False
