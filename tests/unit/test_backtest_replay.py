"""The real-time replay (metrics/replay.py): what the app showed at each past month."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from metrics.backtest import backtest
from metrics.overview import headline_tile
from metrics.replay import IN_USE, ReportCache, replay, replay_days, score
from tests.unit.test_projection import ONLINE, monthly_flow_series


def _with_units(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(n_units=10, n_expected=10)


SERIES = _with_units(monthly_flow_series("2020-01-01", "2025-12-01"))


def _as_it_stood(day: dt.date) -> pd.DataFrame:
    """The months that had ended before ``day``'s month (a month is in once it is over)."""
    return SERIES.loc[SERIES["period_month"] < pd.Timestamp(day.year, day.month, 1)]


def test_the_origins_are_the_ends_of_february_to_december() -> None:
    days = replay_days(2024)
    assert days[0] == dt.date(2024, 2, 29) and days[-1] == dt.date(2024, 12, 31)
    assert len(days) == 11


def test_each_origin_is_the_tile_the_app_showed_that_day_and_reads_nothing_later() -> None:
    seen: list[dt.date] = []

    def series_at(day: dt.date) -> pd.DataFrame:
        seen.append(day)
        return _as_it_stood(day)

    frame = replay(series_at, SERIES, ONLINE, years=[2024], methods=("seasonal_profile",))
    assert seen == replay_days(2024)
    used = frame.loc[frame["method"] == IN_USE].reset_index(drop=True)
    assert len(used) == 11
    # The app's own tile on 30 June 2024: May is the latest month, the report that of the
    # series as it stood.
    day = dt.date(2024, 6, 30)
    shown = _as_it_stood(day)
    tile = headline_tile(shown, ONLINE, 2024, day, backtest_report=backtest(shown, ONLINE))
    assert tile is not None and tile.as_of_month == pd.Timestamp(2024, 5, 1)
    row = used.loc[used["day"] == day].iloc[0]
    assert row["as_of_month"] == tile.as_of_month
    assert row["central"] == tile.projection.central
    assert row["lower_80"] == tile.projection.lower_80
    assert row["upper_80"] == tile.projection.upper_80
    # The truth: 2024's ratio of sums in the final series.
    rows = SERIES.loc[SERIES["period_year"] == 2024]
    assert row["actual"] == pytest.approx(100 * rows["numerator"].sum() / rows["denominator"].sum())


def test_days_of_one_year_share_a_backtest_report() -> None:
    cache = ReportCache()
    replay(_as_it_stood, SERIES, ONLINE, years=[2024], methods=(), cache=cache)
    # February (January 2024 in) … December: the earlier years are the same every day.
    assert len(cache.reports) == 1


def test_the_scores_are_counted_by_hand() -> None:
    def row(day: int, central: float, low80: float, high80: float) -> dict[str, object]:
        return {
            "year": 2024,
            "day": dt.date(2024, 2, day),
            "method": IN_USE,
            "used": "drift",
            "central": central,
            "lower_50": central - 0.5,
            "upper_50": central + 0.5,
            "lower_80": low80,
            "upper_80": high80,
            "lower_95": low80 - 5,
            "upper_95": high80 + 5,
            "probability": 0.8,
            "target": 50.0,
            "comparator": ">=",
            "actual": 51.0,
        }

    frame = pd.DataFrame(
        [
            row(1, 50.0, 49.0, 52.0),  # 80 %: in; 50 %: out
            row(2, 51.2, 51.1, 51.3),  # 80 %: out; 50 %: in
            {**row(3, math.nan, math.nan, math.nan), "used": "none", "probability": math.nan},
        ]
    )
    got = score(frame, IN_USE)
    assert (got.n, got.n_without) == (2, 1)
    assert got.mae == pytest.approx((1.0 + 0.2) / 2)
    assert got.bias == pytest.approx((-1.0 + 0.2) / 2)
    assert (got.coverage_50, got.coverage_80, got.coverage_95) == (0.5, 0.5, 1.0)
    assert got.brier == pytest.approx((0.8 - 1.0) ** 2)  # 51 % met ≥ 50 % both times
    assert got.years == (2024,)
