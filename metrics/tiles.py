"""Everything one Overview tile shows, computed once and consistently.

A tile's numbers come from one series as of one month: the latest value, the year to
date, the target and the gap, the status (from the projection's probability), the
trend, the projection, the required pace, the year's result and, for disbursement, the
milestone path and the next milestone.

Decisions:

* latest value — the latest month for a monthly rate (``"month"``), the latest
  year-to-date figure for disbursement (``"year_to_date"``, the January extension
  included once it is in), the latest complete year for an annual indicator
  (``"year"``);
* gap — year to date − target for monthly rates and disbursement (year-end target);
  latest complete year − target for annual indicators; in percentage points, positive
  above the target whatever the direction. Disbursement also gets the gap to the
  milestone path to date (``gap_to_expected``);
* status — a complete year is on track if its target was met, else off track; otherwise
  from the projection's probability by the registry's rule;
* trend — monthly rates: last 3 months against the 3 before, each a ratio of sums;
  disbursement: YTD % against the same month last year; annual: the latest four
  quarters against the four before (ratios of sums).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from metrics.attention import expected_to_date
from metrics.backtest import BacktestReport
from metrics.clock import month_end
from metrics.pace import Pace, required_pace
from metrics.periods import (
    SeriesShape,
    check_series,
    in_year_rows,
    period_index,
    periods_per_year,
    ratio_pct,
    series_shape,
    year_to_date,
    yearly_table,
)
from metrics.projection import DEFAULT_N_PATHS, DEFAULT_SEED, Projection, project_year
from metrics.registry import Indicator, Target, TargetInForce
from metrics.review import YearResult, year_result
from metrics.status import (
    TREND_WINDOW,
    Status,
    Trend,
    status_from_probability,
    status_from_result,
    trend_from_series,
    trend_year_on_year,
)

LatestKind = Literal["month", "year_to_date", "year"]
SPARKLINE_POINTS = 24


@dataclass(frozen=True, slots=True)
class Tile:
    """One headline tile (see the module docstring for what each number means)."""

    indicator_code: str
    year: int
    as_of_month: pd.Timestamp
    """The data month the tile is as of (first of the month); later rows are ignored."""
    latest_value: float | None
    latest_period: pd.Timestamp | None
    """``period_month`` of the latest value (December of the year for ``"year"``)."""
    latest_kind: LatestKind
    ytd_value: float | None
    """``year``'s value so far: ratio of sums (monthly, annual) or the latest in-year
    YTD % (disbursement, extension month excluded)."""
    ytd_through: pd.Timestamp | None
    target_in_force: TargetInForce | None
    target_value: float | None
    gap: float | None
    """Percentage points: ``ytd_value`` − target, or latest complete year − target
    (annual)."""
    latest_gap: float | None
    """Percentage points: ``latest_value`` − target (the gap beside the big number)."""
    expected_to_date: float | None
    """Disbursement: the milestone path at the end of ``ytd_through``."""
    gap_to_expected: float | None
    status: Status
    status_reason: str
    trend: Trend
    projection: Projection
    pace: Pace
    year_result: YearResult | None
    next_milestone: Target | None
    """Disbursement: the first milestone of ``year`` due after the data month."""
    next_milestone_projected: float | None
    """The projected (median) YTD % at the next milestone's month."""
    n_points: int
    sparkline: pd.DataFrame = field(compare=False, repr=False)
    """The last 24 points: ``period_month``, ``value`` (monthly values, YTD % for
    disbursement, quarterly values for annual indicators)."""


def _finite(number: float | None) -> float | None:
    if number is None or not math.isfinite(number):
        return None
    return float(number)


def _latest(
    visible: pd.DataFrame, shape: SeriesShape, year: int
) -> tuple[float | None, pd.Timestamp | None, LatestKind]:
    if shape is SeriesShape.ANNUAL:
        table = yearly_table(visible, shape)
        if table.empty:
            return None, None, "year"
        complete = table.loc[
            (table["period_year"].astype("int64") <= year) & table["is_complete"].astype(bool)
        ]
        if complete.empty:
            return None, None, "year"
        row = complete.iloc[-1]
        return _finite(float(row["value"])), pd.Timestamp(int(row["period_year"]), 12, 1), "year"
    if shape is SeriesShape.CUMULATIVE:
        rows = visible.loc[visible["period_year"] == year]
        kind: LatestKind = "year_to_date"
    else:
        rows = visible.loc[visible["period_year"] <= year]
        kind = "month"
    if rows.empty:
        return None, None, kind
    return _finite(float(rows["value"].iloc[-1])), pd.Timestamp(rows["period_month"].iloc[-1]), kind


def _trend(visible: pd.DataFrame, indicator: Indicator, shape: SeriesShape, year: int) -> Trend:
    rule = indicator.status_rule
    rows = visible.loc[
        (visible["period_year"] <= year)
        & (visible["period_month"].dt.year == visible["period_year"])
    ]
    if shape is SeriesShape.MONTHLY_FLOW:
        window = rows.tail(2 * TREND_WINDOW)
        return trend_from_series(
            window["value"].to_numpy(),
            indicator.direction,
            rule.stable_band,
            weights=window["denominator"].to_numpy(),
        )
    if shape is SeriesShape.CUMULATIVE:
        current = in_year_rows(rows, year)
        if current.empty:
            return Trend.NOT_ASSESSABLE
        month = int(current["period_month"].iloc[-1].month)
        last_year = in_year_rows(rows, year - 1)
        same = last_year.loc[last_year["period_month"].dt.month == month]
        previous = float(same["value"].iloc[-1]) if not same.empty else None
        return trend_year_on_year(
            _finite(float(current["value"].iloc[-1])),
            _finite(previous),
            indicator.direction,
            rule.stable_band,
        )
    per_year = periods_per_year(rows, shape)
    if rows.empty:
        return Trend.NOT_ASSESSABLE
    index = period_index(rows["period_month"], per_year)
    last = int(index.max())
    recent = rows.loc[(index > last - per_year)]
    before = rows.loc[(index > last - 2 * per_year) & (index <= last - per_year)]
    if len(recent) < per_year or len(before) < per_year:
        return Trend.NOT_ASSESSABLE
    return trend_year_on_year(
        _finite(ratio_pct(float(recent["numerator"].sum()), float(recent["denominator"].sum()))),
        _finite(ratio_pct(float(before["numerator"].sum()), float(before["denominator"].sum()))),
        indicator.direction,
        rule.stable_band,
    )


def _status(
    projection: Projection, result: YearResult | None, indicator: Indicator
) -> tuple[Status, str]:
    rule = indicator.status_rule
    if projection.method == "complete":
        is_met = result.is_met if result is not None else None
        status = status_from_result(is_met)
        if is_met is None:
            return status, f"{projection.year} is over; no target to judge it against"
        word = "met" if is_met else "missed"
        return status, f"{projection.year} is over; the target was {word}"
    status = status_from_probability(projection.probability, rule, projection.n_points)
    if projection.probability is None:
        why = "no target" if projection.target is None else f"no projection ({projection.reason})"
        return status, f"not assessable: {why}"
    if projection.n_points < rule.min_points:
        return (
            status,
            f"not assessable: {projection.n_points} points; the rule needs {rule.min_points}",
        )
    return status, (
        f"probability {projection.probability:.2f} of reaching the target "
        f"(on track ≥ {rule.on_track_min_probability:.2f}, off track < "
        f"{rule.off_track_below_probability:.2f})"
    )


def _next_milestone(
    indicator: Indicator, year: int, as_of: pd.Timestamp, projection: Projection
) -> tuple[Target | None, float | None]:
    milestones = indicator.milestones(year)
    data_end = month_end(as_of)
    upcoming = [m for m in milestones if m.due_date > data_end]
    if not upcoming:
        return None, None
    milestone = upcoming[0]
    due_month = pd.Timestamp(milestone.due_date.year, milestone.due_date.month, 1)
    fan = projection.fan
    match = (
        fan.loc[fan["period_month"] == due_month, "central"]
        if not fan.empty
        else pd.Series(dtype="float64")
    )
    projected = float(match.iloc[0]) if not match.empty else None
    return milestone, projected


def _sparkline(visible: pd.DataFrame, year: int, shape: SeriesShape) -> pd.DataFrame:
    rows = visible.loc[
        (visible["period_year"] <= year)
        & (visible["period_month"].dt.year == visible["period_year"])
    ]
    if shape is SeriesShape.CUMULATIVE:
        # A year-to-date curve falls back to zero every January, which reads as a collapse
        # in a sparkline: draw this plan year's curve alone once it has two points.
        this_year = rows.loc[rows["period_year"] == year]
        if len(this_year) >= 2:
            rows = this_year
    tail = rows.tail(SPARKLINE_POINTS)
    return pd.DataFrame(
        {
            "period_month": tail["period_month"].to_numpy(),
            "value": tail["value"].to_numpy(dtype="float64"),
        }
    )


def build_tile(
    series: pd.DataFrame,
    indicator: Indicator,
    year: int,
    *,
    as_of_month: pd.Timestamp | dt.date | str,
    n_paths: int = DEFAULT_N_PATHS,
    seed: int = DEFAULT_SEED,
    backtest_report: BacktestReport | None = None,
) -> Tile:
    """All the numbers of one Overview tile, as of a data month.

    Parameters
    ----------
    series : DataFrame
        The indicator's series at one scope (see :mod:`metrics.periods`).
    indicator : Indicator
        A rate indicator (the four headline ones, or any other rate).
    year : int
        The year the tile is about (its target year).
    as_of_month : Timestamp, date or str
        The latest data month to use; later rows are ignored, so a past meeting's
        tile can be rebuilt.
    n_paths : int, default 2000
        Simulated paths of the projection.
    seed : int
        Seed of the projection (store it with a meeting's figures).
    backtest_report : BacktestReport, optional
        :func:`metrics.backtest.backtest` of this series (computed once per data version
        and cached by the caller); computed by the projection when not given.

    Returns
    -------
    Tile

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> months = pd.date_range("2025-01-01", "2025-06-01", freq="MS")
    >>> frame = pd.DataFrame({"period_year": 2025, "period_month": months,
    ...     "numerator": [60.0, 61, 62, 63, 64, 65], "denominator": 100.0})
    >>> tile = build_tile(frame, get_indicator("online_dossier_share"), 2025,
    ...                   as_of_month="2025-06-01", n_paths=200, seed=1)
    >>> tile.latest_value, tile.ytd_value, tile.gap, tile.status.value, tile.trend.value
    (65.0, 62.5, 12.5, 'not_assessable', 'improving')
    """
    shape = series_shape(indicator)
    as_of = pd.Timestamp(as_of_month).to_period("M").to_timestamp()
    checked = check_series(series)
    visible = checked.loc[checked["period_month"] <= as_of].reset_index(drop=True)
    projection = project_year(
        visible, indicator, year, n_paths=n_paths, seed=seed, backtest_report=backtest_report
    )
    pace = required_pace(visible, indicator, year)
    result = year_result(visible, indicator, year)
    latest_value, latest_period, latest_kind = _latest(visible, shape, year)
    ytd, ytd_through = year_to_date(visible, shape, year)
    ytd_value = _finite(ytd)
    in_force = indicator.year_end_target(year)
    target = in_force.target.value if in_force else None
    basis = latest_value if shape is SeriesShape.ANNUAL else ytd_value
    gap = basis - target if basis is not None and target is not None else None
    latest_gap = latest_value - target if latest_value is not None and target is not None else None
    expected: float | None = None
    if shape is SeriesShape.CUMULATIVE:
        expected = expected_to_date(
            indicator,
            year,
            month_end(ytd_through) if ytd_through is not None else dt.date(year, 1, 1),
        )
    gap_to_expected = (
        ytd_value - expected if ytd_value is not None and expected is not None else None
    )
    status, status_reason = _status(projection, result, indicator)
    milestone: Target | None = None
    milestone_projected: float | None = None
    if shape is SeriesShape.CUMULATIVE:
        milestone, milestone_projected = _next_milestone(indicator, year, as_of, projection)
    return Tile(
        indicator_code=indicator.code,
        year=year,
        as_of_month=as_of,
        latest_value=latest_value,
        latest_period=latest_period,
        latest_kind=latest_kind,
        ytd_value=ytd_value,
        ytd_through=ytd_through,
        target_in_force=in_force,
        target_value=target,
        gap=gap,
        latest_gap=latest_gap,
        expected_to_date=expected,
        gap_to_expected=gap_to_expected,
        status=status,
        status_reason=status_reason,
        trend=_trend(visible, indicator, shape, year),
        projection=projection,
        pace=pace,
        year_result=result,
        next_milestone=milestone,
        next_milestone_projected=milestone_projected,
        n_points=projection.n_points,
        sparkline=_sparkline(visible, year, shape),
    )
