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
  disbursement: the last 3 months' flows (percentage points of the plan disbursed in
  them) against the median of the same months' flows in earlier plan years — a
  year-to-date curve always climbs, so only its flows say whether it is speeding up;
  annual: this year's quarters so far against the same quarters last year (ratios of
  sums), or, before this year's first quarter, the latest complete year against the one
  before. ``trend_spans_merger`` says when the compared periods lie on both sides of the
  July 2025 merger;
* headline — the big number and the one comparison that applies now (``Headline``):
  a monthly rate's latest month against the year's target; disbursement's year to date
  against the milestone path to the same day; an annual indicator's year so far against
  this year's target (preliminary: "sơ bộ"), or, before this year has a quarter, the
  last complete year against its own target, labelled with its year; a closed year's
  judged value (31 January where the target is judged then) against its target;
* previous status and hysteresis — the status of the previous period (month, quarter)
  of the same year is computed the same way; a change of status whose probability moved
  by less than the simulation's noise is not reported
  (:func:`metrics.status.status_with_hysteresis`);
* pace history — what the same remaining months (quarters, years) delivered in earlier
  years, in the required pace's own unit (``PaceHistory``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from metrics.attention import expected_to_date
from metrics.backtest import BacktestReport
from metrics.clock import month_end
from metrics.pace import Pace, required_pace
from metrics.periods import (
    SeriesShape,
    check_series,
    in_year_rows,
    ratio_pct,
    series_shape,
    year_to_date,
    yearly_table,
)
from metrics.projection import (
    DEFAULT_N_PATHS,
    DEFAULT_SEED,
    Projection,
    judgement_of,
    plan_year_flows,
    project_year_with_report,
)
from metrics.reference import MERGER_DATE
from metrics.registry import Indicator, Target, TargetInForce
from metrics.review import YearResult, year_result
from metrics.status import (
    TREND_WINDOW,
    Status,
    Trend,
    status_from_probability,
    status_from_result,
    status_with_hysteresis,
    trend_from_series,
    trend_year_on_year,
)

LatestKind = Literal["month", "year_to_date", "year"]
HeadlineKind = Literal["month", "year_to_date", "year_so_far", "year", "judged"]
ReferenceKind = Literal["target", "milestone"]
TrendBasis = Literal[
    "previous_months", "same_months_earlier_years", "same_quarters_last_year", "previous_year"
]
StatusReasonCode = Literal[
    "year_met",
    "year_missed",
    "year_not_judged",
    "no_target",
    "no_projection",
    "too_few_points",
    "probability",
]
SPARKLINE_POINTS = 24
MERGER_MONTH = pd.Timestamp(MERGER_DATE)
"""The first month of the merged city."""
MERGED_FROM_YEAR = MERGER_DATE.year
"""The first year whose annual figures are the merged city's."""


@dataclass(frozen=True, slots=True)
class StatusReason:
    """Why the tile has its status (by the registry's rule, before any hysteresis): a code
    and the figures a sentence about it needs. Pages word it in the reader's language
    (``app_pages._tiles.why_line``); nothing here is text for the screen.

    ``year_met`` / ``year_missed`` / ``year_not_judged``: the year is over (no target, or
    no value to judge); ``no_target``: no target in force for the year; ``no_projection``:
    nothing could be projected (the projection's ``reason_code`` says why);
    ``too_few_points``: ``n_points`` < ``min_points``; ``probability``: the probability
    against the rule's thresholds.
    """

    code: StatusReasonCode
    year: int
    probability: float | None = None
    on_track_min_probability: float | None = None
    off_track_below_probability: float | None = None
    n_points: int | None = None
    min_points: int | None = None

    def __str__(self) -> str:
        """In English, for logs and tests."""
        if self.code == "probability":
            return (
                f"probability {self.probability:.2f} of reaching the target (on track ≥ "
                f"{self.on_track_min_probability:.2f}, off track < "
                f"{self.off_track_below_probability:.2f})"
            )
        if self.code == "too_few_points":
            return f"not assessable: {self.n_points} points; the rule needs {self.min_points}"
        return {
            "year_met": f"{self.year} is over; the target was met",
            "year_missed": f"{self.year} is over; the target was missed",
            "year_not_judged": f"{self.year} is over; no target to judge it against",
            "no_target": f"not assessable: no target for {self.year}",
            "no_projection": "not assessable: no projection",
        }[self.code]


@dataclass(frozen=True, slots=True)
class Headline:
    """The tile's big number and the one comparison that applies to it now.

    ``gap`` = ``value`` − ``reference`` in percentage points (positive above).
    """

    value: float | None
    kind: HeadlineKind
    """``month`` (a monthly rate's latest month), ``year_to_date`` (disbursement),
    ``year_so_far`` (an annual indicator's quarters of this year), ``year`` (the last
    complete year, before this year has a value), ``judged`` (a closed year's value on
    its judgement date)."""
    period: pd.Timestamp | None
    """The month the value runs to (first of the month; January of the next year for a
    value judged at 31 January)."""
    reference: float | None
    reference_kind: ReferenceKind
    reference_year: int | None
    """The year of the target compared with (``year`` for ``kind="year"``: the shown
    year's own target)."""
    reference_date: dt.date | None
    """Milestone: the day the milestone path is read at; judged: the judgement date."""
    gap: float | None
    is_preliminary: bool
    """An estimate for a year still running ("sơ bộ")."""


@dataclass(frozen=True, slots=True)
class PaceHistory:
    """What the same remaining periods delivered in earlier years, in the pace's unit.

    Disbursement: percentage points of the plan per month from the tile's month to
    31 December; monthly rates: the rate (%) of the same remaining months; annual: the
    change of a complete year over the year before (pp a year), never across the merger.
    """

    median: float | None
    low: float | None
    high: float | None
    first_year: int | None
    last_year: int | None
    n_years: int
    spans_merger: bool
    """Some of the years compared are before the July 2025 merger, some after."""


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
    status_reason: StatusReason
    """Why ``rule_status``: a code and its figures, worded by the page."""
    trend: Trend
    projection: Projection
    pace: Pace
    year_result: YearResult | None
    next_milestone: Target | None
    """Disbursement: the first milestone of ``year`` due after the data month."""
    next_milestone_projected: float | None
    """The projected (median) YTD % at the next milestone's month."""
    n_points: int
    headline: Headline
    rule_status: Status
    """The status by the registry's rule alone (``status`` after hysteresis)."""
    previous_status: Status | None
    """Last period's status (month, quarter) of the same year; None in its first period."""
    previous_probability: float | None
    previous_month: pd.Timestamp | None
    status_is_held: bool
    """The rule gives another status than last period's, but the probability moved by less
    than the simulation's noise: last period's status is kept."""
    trend_basis: TrendBasis
    trend_years: tuple[int, int] | None
    """The earlier years the trend compares with (first, last)."""
    trend_spans_merger: bool
    pace_history: PaceHistory
    sparkline: pd.DataFrame = field(compare=False, repr=False)
    """The last 24 points: ``period_month``, ``value`` (monthly values, YTD % for
    disbursement, quarterly values for annual indicators)."""


def _finite(number: float | None) -> float | None:
    if number is None or not math.isfinite(number):
        return None
    return float(number)


def _gap(value: float | None, reference: float | None) -> float | None:
    """A headline's gap: its value less its reference, ``None`` when either is missing."""
    return value - reference if value is not None and reference is not None else None


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


def _spans_merger(first: pd.Timestamp, last: pd.Timestamp) -> bool:
    return bool(first < MERGER_MONTH <= last)


TrendReading = tuple[Trend, TrendBasis, tuple[int, int] | None, bool]


def _cumulative_trend(rows: pd.DataFrame, indicator: Indicator, year: int) -> TrendReading:
    """The last months' flows against the same months' flows of earlier plan years."""
    basis: TrendBasis = "same_months_earlier_years"
    flows = plan_year_flows(rows, year)
    current = flows.loc[flows["period_year"] == year].tail(TREND_WINDOW)
    if len(current) < TREND_WINDOW or current["flow_share_pct"].isna().any():
        return Trend.NOT_ASSESSABLE, basis, None, False
    months = set(current["period_month"].dt.month)
    earlier = flows.loc[
        (flows["period_year"] < year) & flows["period_month"].dt.month.isin(list(months))
    ]
    sums = earlier.groupby("period_year")["flow_share_pct"].agg(["sum", "count"])
    sums = sums.loc[sums["count"] == len(months)]
    if sums.empty:
        return Trend.NOT_ASSESSABLE, basis, None, False
    years = sums.index.astype(int)
    spans = bool(years.min() < MERGED_FROM_YEAR <= year)
    trend = trend_year_on_year(
        float(current["flow_share_pct"].sum()),
        float(np.median(sums["sum"].to_numpy(dtype="float64"))),
        indicator.direction,
        indicator.status_rule.stable_band,
    )
    return trend, basis, (int(years.min()), int(years.max())), spans


def _annual_trend(rows: pd.DataFrame, indicator: Indicator, year: int) -> TrendReading:
    """This year's quarters against the same quarters last year (or the latest complete
    year against the one before, before this year has a quarter)."""
    rule = indicator.status_rule
    this_year = in_year_rows(rows, year)
    if not this_year.empty:
        basis: TrendBasis = "same_quarters_last_year"
        months = list(this_year["period_month"].dt.month)
        last_year = in_year_rows(rows, year - 1)
        same = last_year.loc[last_year["period_month"].dt.month.isin(months)]
        if len(same) < len(months):
            return Trend.NOT_ASSESSABLE, basis, None, False
        current_year, before_year = year, year - 1
        current_value = ratio_pct(
            float(this_year["numerator"].sum()), float(this_year["denominator"].sum())
        )
        before_value = ratio_pct(float(same["numerator"].sum()), float(same["denominator"].sum()))
    else:
        basis = "previous_year"
        table = yearly_table(rows, SeriesShape.ANNUAL)
        complete = table.loc[table["is_complete"].astype(bool)] if not table.empty else table
        if len(complete) < 2:
            return Trend.NOT_ASSESSABLE, basis, None, False
        current_year = int(complete["period_year"].iloc[-1])
        before_year = int(complete["period_year"].iloc[-2])
        if before_year != current_year - 1:
            return Trend.NOT_ASSESSABLE, basis, None, False
        current_value = float(complete["value"].iloc[-1])
        before_value = float(complete["value"].iloc[-2])
    spans = before_year < MERGED_FROM_YEAR <= current_year
    trend = trend_year_on_year(
        _finite(current_value), _finite(before_value), indicator.direction, rule.stable_band
    )
    return trend, basis, (before_year, before_year), spans


def _trend(
    visible: pd.DataFrame, indicator: Indicator, shape: SeriesShape, year: int
) -> TrendReading:
    rows = visible.loc[visible["period_year"] <= year]
    if shape is SeriesShape.CUMULATIVE:
        return _cumulative_trend(rows, indicator, year)
    if shape is SeriesShape.ANNUAL:
        return _annual_trend(
            rows.loc[rows["period_month"].dt.year == rows["period_year"]], indicator, year
        )
    window = rows.loc[rows["period_month"].dt.year == rows["period_year"]].tail(2 * TREND_WINDOW)
    trend = trend_from_series(
        window["value"].to_numpy(),
        indicator.direction,
        indicator.status_rule.stable_band,
        weights=window["denominator"].to_numpy(),
    )
    spans = not window.empty and _spans_merger(
        pd.Timestamp(window["period_month"].iloc[0]), pd.Timestamp(window["period_month"].iloc[-1])
    )
    return trend, "previous_months", None, spans


def _pace_history(
    visible: pd.DataFrame, indicator: Indicator, shape: SeriesShape, year: int, pace: Pace
) -> PaceHistory:
    """What the same remaining periods delivered in earlier years (see PaceHistory)."""
    rows = visible.loc[
        (visible["period_year"] < year)
        & (visible["period_month"].dt.year == visible["period_year"])
    ]
    current = in_year_rows(visible, year)
    values: dict[int, float] = {}
    spans = False
    if shape is SeriesShape.ANNUAL:
        table = yearly_table(rows, SeriesShape.ANNUAL)
        if not table.empty:
            complete = table.loc[table["is_complete"].astype(bool)]
            by_year = dict(
                zip(
                    complete["period_year"].astype(int),
                    complete["value"].astype(float),
                    strict=True,
                )
            )
            for y, value in by_year.items():
                # A change of territory is not growth: never a year across the merger.
                if y - 1 in by_year and not (y - 1 < MERGED_FROM_YEAR <= y):
                    values[y] = value - by_year[y - 1]
    elif not current.empty and pace.months_remaining > 0:
        month = int(current["period_month"].iloc[-1].month)
        for y, group in rows.groupby("period_year"):
            by_month = group.set_index(group["period_month"].dt.month)
            later = by_month.loc[by_month.index > month]
            if month not in by_month.index or len(later) < 12 - month:
                continue
            if shape is SeriesShape.CUMULATIVE:
                change = float(by_month.loc[12, "value"]) - float(by_month.loc[month, "value"])
                values[int(y)] = change / (12 - month)
            else:
                values[int(y)] = ratio_pct(
                    float(later["numerator"].sum()), float(later["denominator"].sum())
                )
        spans = bool(values) and min(values) < MERGED_FROM_YEAR <= year
    finite = {y: v for y, v in values.items() if math.isfinite(v)}
    if not finite:
        return PaceHistory(None, None, None, None, None, 0, False)
    array = np.array(list(finite.values()), dtype="float64")
    return PaceHistory(
        median=float(np.median(array)),
        low=float(array.min()),
        high=float(array.max()),
        first_year=min(finite),
        last_year=max(finite),
        n_years=len(finite),
        spans_merger=spans,
    )


def _headline(
    ytd: float | None,
    ytd_through: pd.Timestamp | None,
    expected: float | None,
    visible: pd.DataFrame,
    indicator: Indicator,
    shape: SeriesShape,
    year: int,
    projection: Projection,
    result: YearResult | None,
) -> Headline:
    """The big number and its like-for-like comparison (see Headline)."""
    in_force = indicator.year_end_target(year)
    target = in_force.target.value if in_force else None
    if projection.method == "complete" and result is not None:
        judgement, judgement_date = judgement_of(indicator, year)
        extension = judgement == "extension"
        value = result.value_with_extension if extension else result.value
        period = pd.Timestamp(year + 1, 1, 1) if extension else pd.Timestamp(year, 12, 1)
        return Headline(
            value=_finite(value),
            kind="judged",
            period=period,
            reference=result.target,
            reference_kind="target",
            reference_year=year,
            reference_date=judgement_date,
            gap=_finite(result.margin),
            is_preliminary=False,
        )
    if shape is SeriesShape.CUMULATIVE:
        if expected is not None and ytd is not None and ytd_through is not None:
            return Headline(
                value=ytd,
                kind="year_to_date",
                period=ytd_through,
                reference=expected,
                reference_kind="milestone",
                reference_year=year,
                reference_date=month_end(ytd_through),
                gap=ytd - expected,
                is_preliminary=False,
            )
        return Headline(
            value=ytd,
            kind="year_to_date",
            period=ytd_through,
            reference=target,
            reference_kind="target",
            reference_year=year,
            reference_date=None,
            gap=_gap(ytd, target),
            is_preliminary=False,
        )
    if shape is SeriesShape.ANNUAL:
        if ytd is not None and ytd_through is not None:
            return Headline(
                value=ytd,
                kind="year_so_far",
                period=ytd_through,
                reference=target,
                reference_kind="target",
                reference_year=year,
                reference_date=None,
                gap=_gap(ytd, target),
                is_preliminary=True,
            )
        latest, latest_period, _ = _latest(visible, shape, year)
        shown_year = latest_period.year if latest_period is not None else None
        own = indicator.year_end_target(shown_year) if shown_year is not None else None
        own_target = own.target.value if own else None
        return Headline(
            value=latest,
            kind="year",
            period=latest_period,
            reference=own_target,
            reference_kind="target",
            reference_year=shown_year,
            reference_date=None,
            gap=_gap(latest, own_target),
            is_preliminary=False,
        )
    latest, latest_period, _ = _latest(visible, shape, year)
    return Headline(
        value=latest,
        kind="month",
        period=latest_period,
        reference=target,
        reference_kind="target",
        reference_year=year,
        reference_date=None,
        gap=_gap(latest, target),
        is_preliminary=False,
    )


def _status(
    projection: Projection, result: YearResult | None, indicator: Indicator
) -> tuple[Status, StatusReason]:
    rule = indicator.status_rule
    year = projection.year
    if projection.method == "complete":
        is_met = result.is_met if result is not None else None
        code: StatusReasonCode = (
            "year_not_judged" if is_met is None else "year_met" if is_met else "year_missed"
        )
        return status_from_result(is_met), StatusReason(code, year)
    status = status_from_probability(projection.probability, rule, projection.n_points)
    if projection.probability is None:
        code = "no_target" if projection.target is None else "no_projection"
        return status, StatusReason(code, year)
    if projection.n_points < rule.min_points:
        return status, StatusReason(
            "too_few_points", year, n_points=projection.n_points, min_points=rule.min_points
        )
    return status, StatusReason(
        "probability",
        year,
        probability=projection.probability,
        on_track_min_probability=rule.on_track_min_probability,
        off_track_below_probability=rule.off_track_below_probability,
    )


def _previous_month(visible: pd.DataFrame, year: int) -> pd.Timestamp | None:
    """The period before the latest one of ``year`` (None in the year's first period)."""
    months = visible.loc[visible["period_year"] == year, "period_month"]
    if len(months) < 2:
        return None
    return pd.Timestamp(months.iloc[-2])


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
    compare_previous: bool = True,
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
        and cached by the caller); made once here when not given, for both projections.
    compare_previous : bool, default True
        Also project as of the year's previous period, for last period's status and the
        hysteresis (a second projection).

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
    # Both projections (this period's and, below, the last one's) read the same backtest:
    # made here at most once.
    projection, report = project_year_with_report(
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
    rule_status, status_reason = _status(projection, result, indicator)
    previous_month: pd.Timestamp | None = None
    previous_status: Status | None = None
    previous_probability: float | None = None
    status, is_held = rule_status, False
    if compare_previous and projection.method != "complete":
        previous_month = _previous_month(visible, year)
        if previous_month is not None:
            before, _ = project_year_with_report(
                visible.loc[visible["period_month"] <= previous_month],
                indicator,
                year,
                n_paths=n_paths,
                seed=seed,
                backtest_report=report,
            )
            previous_status, _ = _status(before, None, indicator)
            previous_probability = before.probability
            status, is_held = status_with_hysteresis(
                rule_status, projection.probability, previous_status, previous_probability, n_paths
            )
    milestone: Target | None = None
    milestone_projected: float | None = None
    if shape is SeriesShape.CUMULATIVE:
        milestone, milestone_projected = _next_milestone(indicator, year, as_of, projection)
    trend, trend_basis, trend_years, trend_spans = _trend(visible, indicator, shape, year)
    headline = _headline(
        ytd_value, ytd_through, expected, visible, indicator, shape, year, projection, result
    )
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
        trend=trend,
        projection=projection,
        pace=pace,
        year_result=result,
        next_milestone=milestone,
        next_milestone_projected=milestone_projected,
        n_points=projection.n_points,
        headline=headline,
        rule_status=rule_status,
        previous_status=previous_status,
        previous_probability=previous_probability,
        previous_month=previous_month,
        status_is_held=is_held,
        trend_basis=trend_basis,
        trend_years=trend_years,
        trend_spans_merger=trend_spans,
        pace_history=_pace_history(visible, indicator, shape, year, pace),
        sparkline=_sparkline(visible, year, shape),
    )


@dataclass(frozen=True, slots=True)
class Summary:
    """The first screen's one line: how many tiles are fine, and the one to look at."""

    n_good: int
    """On track (a year still running) or met (a closed year)."""
    n_total: int
    is_closed: bool
    """Every tile's year is over: the line counts targets met."""
    year: int | None
    worst: Tile | None
    """The tile most behind: off track before at risk, then the largest shortfall of
    the big number against what applies now; None when every tile is fine."""


def summarize(tiles: list[Tile]) -> Summary:
    """Count the tiles on track (met) and pick the one most behind.

    Examples
    --------
    >>> summarize([]).n_total
    0
    """
    closed = bool(tiles) and all(tile.projection.method == "complete" for tile in tiles)
    rank = {Status.OFF_TRACK: 0, Status.AT_RISK: 1}
    behind = [tile for tile in tiles if tile.status in rank]
    worst = (
        min(
            behind,
            key=lambda tile: (
                rank[tile.status],
                tile.headline.gap if tile.headline.gap is not None else math.inf,
            ),
        )
        if behind
        else None
    )
    return Summary(
        n_good=sum(tile.status is Status.ON_TRACK for tile in tiles),
        n_total=len(tiles),
        is_closed=closed,
        year=tiles[0].year if tiles else None,
        worst=worst,
    )


def judged_value(result: YearResult) -> float | None:
    """The value a closed year's target is judged on: the 31 January figure for a target
    due at the end of the extension month, else the year's value (31 December).

    Its gap to the target is ``result.margin``; showing the 31 December value beside that
    margin would set one number against another's gap.

    Examples
    --------
    >>> import datetime as dt
    >>> from metrics.review import YearResult
    >>> result = YearResult("public_investment_disbursement", 2025, 80.0, 91.0, 90.0, ">=",
    ...     False, True, 1.0, True, 12, 12, pd.Timestamp(2025, 12, 1), dt.date(2026, 1, 31),
    ...     dt.date(2026, 1, 31))
    >>> judged_value(result)
    91.0
    """
    if (result.judgement_date.month, result.judgement_date.day) == (1, 31):
        return result.value_with_extension
    return result.value
