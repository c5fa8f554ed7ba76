"""Rolling-origin backtest of the forecasting candidates, and the calibration it gives.

Pure: a series in, a :class:`BacktestReport` out. The report is computed once per data
version (``data_access.cached.backtest_report`` caches it) and handed to
:func:`metrics.projection.project_year`, which uses it to choose the method and to
calibrate its bands; ``python -m data_access.backtest`` prints it.

The procedure:

1. **Origins.** Every plan year whose value at the judgement date is known is a test
   year. Its origins are the moments before each of its periods: with no period of the
   year observed yet, then after January, …, after November (after Q1–Q3 for quarterly
   data) — and, for the disbursement's 31 January value, also after December. At each
   origin every candidate (:mod:`metrics.forecasting`) forecasts the year from the data
   up to the origin only; model parameters are estimated on the data before the year.
2. **Errors** are measured on the value at the judgement date (31 December; for
   disbursement also 31 January), on a scale that keeps it within its bounds: the logit
   of the year's rate, or for disbursement the logit of the share of the plan not yet
   disbursed at the origin that is disbursed by the judgement date.
3. **Comparison.** Candidates are compared on the same origins (the years where every
   candidate could forecast every origin; a candidate needs ``MIN_YEARS`` such years to
   take part). The plain seasonal rule is used unless the lowest-MAE challenger beat it in
   so many test years that chance alone would do it less than one time in ten (an exact
   sign test on the yearly MAEs, :func:`choose`); without the rule, the lowest MAE wins.
4. **Calibration, as it would have been at the time.** A year's projection is calibrated
   by the method's errors in the test years before it only (:func:`calibration_for`). The
   spread at horizon h is the root mean square error of the origins within one month of
   h (monthly data: h ± 1; quarterly: h itself, :func:`pooling_window`), made
   non-decreasing in h; the band is centred on the point forecast plus the mean error of
   the same origins (each test year's mean, then the mean over years: a method that ran
   high before is centred lower) when a t test on the yearly means tells it from zero
   (:func:`error_location`); a new error about that centre, divided by the spread,
   is Student's t with as many degrees of freedom as test years (a year's origins share
   one outcome: the year, not the origin, is the independent draw). When the series
   moves faster than before the year (:func:`volatility_factor`), the spread and the
   location are widened by that ratio, and each past error is divided by its own
   origin's ratio before it calibrates. When this year's last one to three months broke
   from the drift of the same months before it (:func:`trend_break`, monthly rates only),
   the band leans halfway towards where the new drift would take the year and widens so
   that the break stopping now and lasting are its quartiles (:meth:`Calibration.with_break`).
   Bands, the central value (the distribution's median: the point forecast moved by the
   location) and the probability of reaching the target all come from it
   (:meth:`Calibration.values`).
5. **Honest scores.** Each test year's coverage and Brier score use the calibration of
   the test years before it (the first has none), so the reported figures are what would
   have been seen at the time. :mod:`metrics.replay` goes further and replays the app
   itself, with the data as they stood each day.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from scipy.stats import binom
from scipy.stats import t as student_t

from metrics.forecasting import (
    EXTENSION_MONTH,
    METHODS,
    RATE_CLIP,
    Fitted,
    History,
    MethodCode,
    NotApplicable,
    build_history,
    expected_denominators_at,
    extension_fractions,
    forecast,
    future_periods,
    last_observed,
    prepare,
)
from metrics.periods import SeriesShape, series_shape
from metrics.registry import Comparator, Indicator
from metrics.targets import meets

Judgement = Literal["year_end", "extension"]
MIN_YEARS = 1
"""Test years a candidate needs (every origin forecast) to take part, and the test years
a calibration needs."""
SPREAD_FLOOR = 0.002
"""The smallest error spread on the bounded (logit) scale: no band is ever zero-wide."""
FRACTION_CLIP = (0.001, 0.999)
PROBABILITY_RESOLUTION = 1e-6
"""A probability of reaching the target closer than this to 0 or 1 is reported as 0 or 1."""
LEVELS: dict[str, float] = {
    "lower_95": 0.025,
    "lower_80": 0.10,
    "lower_50": 0.25,
    "central": 0.50,
    "upper_50": 0.75,
    "upper_80": 0.90,
    "upper_95": 0.975,
}
"""Band names and the quantile each is."""


# ------------------------------------------------------------------- judgement values


@dataclass(frozen=True, slots=True)
class YearState:
    """What is known of plan year ``year`` at an origin, for turning period forecasts into
    the year's value."""

    year: int
    origin: int
    periods: np.ndarray
    """Future periods of the year, to 31 December (see :func:`future_periods`)."""
    observed_numerator: float
    observed_denominator: float
    expected_denominators: np.ndarray
    """Flow shapes: expected denominator of each future period."""
    year_to_date: float
    """Cumulative: the latest YTD % of the year observed (0 before its first month)."""

    @property
    def cap(self) -> float:
        """Cumulative: no plan is disbursed beyond itself (a YTD above 100 % after a plan
        cut is kept)."""
        return max(100.0, self.year_to_date)


def year_state(history: History, year: int, origin: int) -> YearState:
    """The observed part of ``year`` at ``origin`` (nothing later is read)."""
    periods = future_periods(history, year, origin)
    if history.is_cumulative:
        seen = last_observed(history, year, origin)
        ytd = 0.0 if seen is None else history.cumulative_value(year, seen - year * 12, origin)
        return YearState(year, origin, periods, 0.0, 0.0, np.array([]), ytd)
    start = year * history.period
    numerator = denominator = 0.0
    for t in range(start, min(origin, start + history.period - 1) + 1):
        n, d = history.at(t)
        if math.isfinite(n) and math.isfinite(d) and d > 0:
            numerator += n
            denominator += d
    expected = expected_denominators_at(history, origin, periods)
    return YearState(year, origin, periods, numerator, denominator, expected, 0.0)


def running_values(history: History, state: YearState, values: np.ndarray) -> np.ndarray:
    """The year-to-date value after each future period, from per-period values.

    ``values`` has shape (periods,) or (periods, paths): rates (0–1) for flow shapes,
    flows in % of the plan for disbursement. Flow shapes: ratio of sums of the observed
    and the expected periods; cumulative: the year to date plus the flows, capped.
    """
    if history.is_cumulative:
        running = state.year_to_date + np.cumsum(values, axis=0)
        return np.minimum(running, state.cap)
    expected = state.expected_denominators
    if values.ndim == 2:
        expected = expected[:, None]
    numerator = state.observed_numerator + np.cumsum(values * expected, axis=0)
    denominator = state.observed_denominator + np.cumsum(expected, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 100.0 * numerator / denominator


def observed_value(history: History, year: int, judgement: Judgement) -> float:
    """The actual value at the judgement date, or NaN when it is not (fully) observed."""
    if history.is_cumulative:
        column = 11 if judgement == "year_end" else EXTENSION_MONTH
        assert history.last_index is not None
        return history.cumulative_value(year, column, history.last_index)
    if judgement == "extension":
        return math.nan
    numerator = denominator = 0.0
    for t in range(year * history.period, (year + 1) * history.period):
        n, d = history.at(t)
        if not (math.isfinite(n) and math.isfinite(d) and d > 0):
            return math.nan
        numerator += n
        denominator += d
    return 100.0 * numerator / denominator


def to_scale(history: History, values: np.ndarray | float, anchor: float) -> np.ndarray | float:
    """The bounded scale errors are measured on (see the module docstring)."""
    array = np.asarray(values, dtype="float64")
    if history.is_cumulative:
        cap = max(100.0, anchor)
        share = (array - anchor) / max(cap - anchor, 1e-9)
        out = logit(np.clip(share, *FRACTION_CLIP))
    else:
        out = logit(np.clip(array / 100.0, *RATE_CLIP))
    return float(out) if out.ndim == 0 else out


def from_scale(history: History, scaled: np.ndarray | float, anchor: float) -> np.ndarray | float:
    """Inverse of :func:`to_scale`."""
    array = np.asarray(scaled, dtype="float64")
    if history.is_cumulative:
        cap = max(100.0, anchor)
        out = anchor + (cap - anchor) * expit(array)
    else:
        out = 100.0 * expit(array)
    return float(out) if out.ndim == 0 else out


def bounded(history: History, value: float, anchor: float) -> float:
    """``value`` moved inside the bounds of the error scale (a rate within [0.1 %, 99.9 %];
    disbursement within 0.1 %–99.9 % of the plan left at the origin), so a point forecast
    and its distribution's median are the same number."""
    return float(from_scale(history, float(to_scale(history, value, anchor)), anchor))


def extension_central(december: float, fractions: np.ndarray) -> float:
    """The 31 January point forecast: 31 December + the median earlier extension share of
    the plan left."""
    if fractions.size == 0 or not math.isfinite(december):
        return math.nan
    cap = max(100.0, december)
    return float(december + float(np.median(fractions)) * (cap - december))


# ------------------------------------------------------------------------ volatility


def logit_changes(history: History, origin: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The period-to-period changes of the logit rate up to ``origin`` (rates clipped to
    ``RATE_CLIP``), and the period each change ends in; only changes between consecutive
    periods. None with fewer than three valid periods.

    >>> h = History(SeriesShape.MONTHLY_FLOW, 12, 0, 3, np.array([50.0, 50.0, np.nan, 80.0]),
    ...             np.full(4, 100.0), 0, np.empty((0, 13)), np.empty((0, 12)))
    >>> logit_changes(h, 3)
    (array([0.]), array([1]))
    """
    index, rates = history.rates(origin)
    if index.size < 3:
        return None
    x = logit(np.clip(rates, *RATE_CLIP))
    consecutive = np.diff(index) == 1
    return np.diff(x)[consecutive], index[1:][consecutive]


def volatility_factor(history: History, year: int, origin: int) -> float:
    """How much faster the series moves now than before ``year``: at least 1.

    The root mean square of the last half-year's period-to-period changes of the logit
    rate (six months, two quarters) up to ``origin``, divided by that of every change
    before ``year`` began; 1 when either has fewer than two changes, for annual data, and
    for disbursement (its flows are seasonal by nature; the rule carries that). Backtest
    errors are divided by the factor of their origin before they calibrate, and a
    projection's spread is multiplied by today's: a break in the current year (the
    July 2025 merger) widens the band as soon as the data show it, while calm years keep
    the calibrated width.
    """
    if history.is_cumulative or history.period < 4:
        return 1.0
    found = logit_changes(history, origin)
    if found is None:
        return 1.0
    changes, ends = found
    window = history.period // 2
    recent = changes[ends > origin - window]
    reference = changes[ends < year * history.period]
    if recent.size < 2 or reference.size < 2:
        return 1.0
    base = float(np.sqrt(np.mean(reference**2)))
    if base <= 0:
        return 1.0
    return max(1.0, float(np.sqrt(np.mean(recent**2))) / base)


BREAK_LEVEL = 0.999
"""The one-sided quantile of Student's t a recent drift must pass, in units of its
standard error, before it counts as a break (:func:`trend_break`)."""


def break_lag(method: str) -> int:
    """Months the level a method forecasts from lags the latest month, for
    :func:`trend_break`: the random walk with drift starts from the latest month itself;
    the seasonal profile from the mean of the last three (about one month behind), and
    ETS and SARIMAX from a smoothed level, taken as one month behind too.

    >>> break_lag("drift"), break_lag("seasonal_profile"), break_lag("ets")
    (0, 1, 1)
    """
    return 0 if method == "drift" else 1


def trend_break(history: History, year: int, origin: int, *, lag: int = 1) -> float:
    """How far (bounded scale) the year's value would move if this year's break in the
    series' drift lasted to the judgement date (signed: up or down); 0 without a break.

    Each month's change of the logit rate, less the mean change of the same calendar
    month before ``year`` began (a usual seasonal step is no break; a month that fails to
    make it is one), is a residual; the residuals before the year give the calm spread
    (their root mean square, one degree of freedom taken per calendar month's mean). A
    break is a run of the last one, two or three months of this year whose mean residual
    stands off by more than the ``BREAK_LEVEL`` quantile of Student's t (those degrees of
    freedom) times its standard error, in which each month's residual varies as
    σ²(1 + 1/n) for a calendar month's mean of n earlier years: satisfaction's July 2025
    jump on the demo, 0.21 on the logit scale beyond July's usual change where calm months'
    changes were 0.01 ± 0.04, is one. A run that only takes back the month before it (that
    month alone stood off the other way, and with it the run nets to no break) is a spike
    returning and is skipped. Of the runs that pass, the largest mean is the excess drift;
    lasting to the judgement date it would move the months left by 1 + ``lag``,
    2 + ``lag``, … times itself (``lag``: how far the method's level trails the latest
    month, :func:`break_lag`), the year's value by that sum over the 12 months of the year.
    :meth:`Calibration.with_break` turns it into the band. Quarterly and annual data (the
    digital economy's first-quarter steps are a new year's level), disbursement (its flows
    are seasonal by nature), a year's last month and a history with fewer than two degrees
    of freedom before the year have none.
    """
    if history.is_cumulative or history.period != 12:
        return 0.0
    found = logit_changes(history, origin)
    if found is None:
        return 0.0
    changes, ends = found
    before = ends < year * history.period
    if before.sum() < 2:
        return 0.0
    # Each change less the mean change of the same calendar month before the year.
    season = ends % history.period
    seasonal_mean = {
        s: float(changes[before & (season == s)].mean()) for s in np.unique(season[before])
    }
    expected = np.array([seasonal_mean.get(int(s), math.nan) for s in season])
    residuals = changes - expected
    reference = residuals[before]
    # One mean per calendar month was fitted to these residuals: that many fewer degrees
    # of freedom.
    freedom = reference.size - len(seasonal_mean)
    if freedom < 2:
        return 0.0
    calm_sd = float(np.sqrt(np.sum(reference**2) / freedom))
    if not calm_sd > 0:
        return 0.0
    left = year * history.period + history.period - 1 - origin
    if left <= 0:
        return 0.0
    # A new change's residual about its month's mean, itself estimated from n earlier
    # years, varies as σ²(1 + 1/n); σ is estimated with ``freedom`` degrees of freedom.
    years_per_month = {s: int(np.count_nonzero(before & (season == s))) for s in seasonal_mean}
    inflation = np.array([1.0 + 1.0 / years_per_month.get(int(s), 1) for s in season])
    quantile = float(student_t.ppf(BREAK_LEVEL, freedom))
    this_year = ends >= year * history.period

    def mean_and_limit(window: np.ndarray) -> tuple[float, float]:
        """A window's mean residual, and how far it may stand from 0 by chance."""
        scale = calm_sd * math.sqrt(float(inflation[window].mean()) / np.count_nonzero(window))
        return float(residuals[window].mean()), quantile * scale

    excess = 0.0
    for run in (1, 2, 3):
        window = (ends > origin - run) & this_year
        if np.count_nonzero(window) < run or not np.isfinite(residuals[window]).all():
            break
        drift, limit = mean_and_limit(window)
        if abs(drift) <= limit or abs(drift) <= abs(excess):
            continue
        # A run that only takes back the month before it is a spike returning, not a new
        # drift: that month alone stood off the other way, and with it the run nets to no
        # break.
        before_run = ends == origin - run
        if np.count_nonzero(before_run) and np.isfinite(residuals[before_run]).all():
            spike, spike_limit = mean_and_limit(before_run)
            net, net_limit = mean_and_limit(window | before_run)
            if spike * drift < 0 and abs(spike) > spike_limit and abs(net) <= net_limit:
                continue
        excess = drift
    return excess * left * (left + 1 + 2 * lag) / 2 / history.period


# ---------------------------------------------------------------------- calibration


@dataclass(frozen=True, slots=True)
class Calibration:
    """Error location and scale by horizon, and the small-sample distribution of a new
    error.

    A forecast with point ``c`` (bounded scale) at horizon ``h`` has the distribution
    ``c + location(h) + spread(h) × T``, T Student's t with ``dof`` degrees of freedom:
    the number of earlier test years the errors come from. The location is where the
    method's past errors at that horizon lay on average (actual − forecast: a method that
    ran high in every earlier year is centred lower), when they show a bias beyond chance
    (:func:`error_location`), so a band is centred on the value the method's own record
    points to, not on its point forecast. Errors of one year
    share its outcome, so a year, not an origin, is one independent draw; with ``dof``
    years the root mean square error (about zero: it keeps the bias, so the uncertainty
    of the location itself stays in the band) is an estimate of the error's scale from
    ``dof`` draws, and a new error divided by it is taken as t with ``dof`` degrees of
    freedom. Few years thus give wide bands (t with one degree of freedom: the 80 % band
    is ±3.08 spreads), many years the normal ones (±1.28).
    """

    horizons: np.ndarray
    spreads: np.ndarray
    """Root mean square error (bounded scale) of the origins within ``window`` periods of
    each horizon (:func:`pooling_window`), never falling as the horizon grows, at least
    ``SPREAD_FLOOR``."""
    dof: int
    """Degrees of freedom: the distinct test years of the errors."""
    n_records: int
    years: tuple[int, ...]
    locations: np.ndarray | None = None
    """Mean error (actual − forecast, bounded scale) of the same origins as each spread —
    each test year's mean, then the mean over the years (a year is one draw) — where a
    t test tells it from zero, else 0 (:func:`error_location`). None: zero at every
    horizon."""

    shift: float = 0.0
    """A break's shift (:func:`trend_break`): the location moves by half of it, and
    :attr:`break_spread` is added in quadrature to every spread."""

    def location(self, horizon: int) -> float:
        """Location at ``horizon``; beyond the longest tested horizon, the longest's; half
        a break's shift further in its direction."""
        lean = self.shift / 2
        if self.locations is None:
            return lean
        position = int(np.searchsorted(self.horizons, max(horizon, int(self.horizons[0]))))
        return float(self.locations[min(position, self.locations.size - 1)]) + lean

    def values(self, point: float, horizon: int, z: np.ndarray | float) -> np.ndarray:
        """The values (bounded scale) at standardised errors ``z`` of a forecast with
        point ``point`` at ``horizon``: ``point + location(h) + spread(h) × z``. Bands,
        paths and the backtest's coverage all come from here."""
        z_array = np.asarray(z, dtype="float64")
        return point + self.location(horizon) + self.spread(horizon) * z_array

    def standardized(self, value: float, point: float, horizon: int) -> float:
        """The inverse of :meth:`values`: the ``z`` of ``value`` (bounded scale)."""
        return (value - point - self.location(horizon)) / self.spread(horizon)

    def spread(self, horizon: int) -> float:
        """Spread at ``horizon``; beyond the longest tested horizon it grows as √h."""
        top = int(self.horizons[-1])
        if horizon <= top:
            position = int(np.searchsorted(self.horizons, max(horizon, int(self.horizons[0]))))
            base = float(self.spreads[min(position, self.spreads.size - 1)])
        else:
            base = float(self.spreads[-1] * math.sqrt(horizon / top))
        return math.hypot(base, self.break_spread) if self.shift else base

    @property
    def break_spread(self) -> float:
        """A break's part of the spread: the break stopping now and lasting to the
        judgement date (0 and ``shift`` from the point) are the quartiles of the error
        it adds, so the 50 % band runs between them when the rest of the spread is
        small."""
        return abs(self.shift) / 2 / float(student_t.ppf(0.75, self.dof))

    def is_extrapolated(self, horizon: int) -> bool:
        return horizon > int(self.horizons[-1])

    def widened(self, factor: float) -> Calibration:
        """The same calibration with every spread and location times ``factor`` (see
        :func:`volatility_factor`: past errors were divided by their origin's factor)."""
        if factor == 1.0:
            return self
        locations = None if self.locations is None else self.locations * factor
        return dataclasses.replace(self, spreads=self.spreads * factor, locations=locations)

    def with_break(self, shift: float) -> Calibration:
        """The same calibration leaning by half a break's ``shift`` (:func:`trend_break`)
        and widened by :attr:`break_spread`: the break stopping now and lasting to the
        judgement date are the quartiles of the error it adds."""
        if not shift:
            return self
        return dataclasses.replace(self, shift=float(shift))

    def cdf(self, z: np.ndarray | float) -> np.ndarray:
        """P(T ≤ z)."""
        out: np.ndarray = student_t.cdf(np.atleast_1d(np.asarray(z, dtype="float64")), self.dof)
        return out

    def quantiles(self, levels: Iterable[float]) -> np.ndarray:
        """Quantiles of T at ``levels``."""
        out: np.ndarray = student_t.ppf(np.asarray(list(levels), dtype="float64"), self.dof)
        return out


def pooling_window(period: int) -> int:
    """How many periods either side of a horizon the errors pooled for its spread lie:
    those of origins within one month of it.

    Monthly data pool the neighbouring horizons (h − 1, h, h + 1: a month more or less of
    data is nearly the same information). For quarterly (and annual) data the next
    horizon is a whole quarter away, and pooling it mixes unlike origins: the one before
    any quarter of the year is known must guess the year's new level, the one after the
    first quarter need not. In the demo's digital-economy share the first missed by up to
    15 (logit × 100) where the second never missed by more than 0.7, and pooled, the
    spread after the first quarter was 11–21 times the root mean square of its own
    errors. Such data use the horizon itself.

    >>> pooling_window(12), pooling_window(4), pooling_window(1)
    (1, 0, 0)
    """
    return period // 12


def calibrate(
    horizons: np.ndarray, errors: np.ndarray, years: Iterable[int], *, window: int = 1
) -> Calibration:
    """A :class:`Calibration` from backtest errors (bounded scale), their horizons and the
    test year of each; the spread at h pools the errors of horizons h ± ``window``
    (:func:`pooling_window`).

    Examples
    --------
    >>> cal = calibrate(np.array([1, 1, 2, 2]), np.array([0.1, -0.1, 0.2, -0.2]),
    ...                 [2023, 2024, 2023, 2024])
    >>> cal.spreads.round(4).tolist(), cal.dof
    ([0.1581, 0.1581], 2)
    >>> calibrate(np.array([1, 1, 2, 2]), np.array([0.1, -0.1, 0.2, -0.2]),
    ...           [2023, 2024, 2023, 2024], window=0).spreads.round(4).tolist()
    [0.1, 0.2]
    """
    if window < 0:
        raise ValueError(f"window must be 0 or more periods; got {window}")
    horizons = np.asarray(horizons, dtype=np.int64)
    errors = np.asarray(errors, dtype="float64")
    record_years = [int(year) for year in years]
    grid = np.arange(int(horizons.min()), int(horizons.max()) + 1)
    squared = errors**2
    spreads = np.array(
        [
            math.sqrt(float(squared[np.abs(horizons - h) <= window].mean()))
            if np.any(np.abs(horizons - h) <= window)
            else math.nan
            for h in grid
        ]
    )
    # A horizon with no origin nearby takes the nearest shorter one.
    spreads = pd.Series(spreads).ffill().bfill().to_numpy()
    spreads = np.maximum(np.maximum.accumulate(spreads), SPREAD_FLOOR)
    year_array = np.asarray(record_years, dtype=np.int64)
    locations = np.array(
        [error_location(errors, year_array, np.abs(horizons - h) <= window) for h in grid]
    )
    locations = pd.Series(locations).ffill().bfill().to_numpy()
    distinct = tuple(sorted(set(record_years)))
    return Calibration(
        horizons=grid,
        spreads=spreads,
        dof=max(len(distinct), 1),
        n_records=int(errors.size),
        years=distinct,
        locations=locations,
    )


BIAS_LEVEL = 0.90
"""The quantile of t that past errors' mean must pass, either way, before a band is moved
off the point forecast: a two-sided test at 20 %, 10 % each way — the one-sided level a
challenger must beat the rule at (:func:`choose`)."""


def error_location(errors: np.ndarray, years: np.ndarray, mask: np.ndarray) -> float:
    """Where the errors among ``mask`` lie, if they show a bias: else 0 (NaN: none).

    A year's origins share its outcome, so each test year's mean error is one draw; the
    location is the mean of those draws when a t test on them tells it from zero (|t|
    above the ``BIAS_LEVEL`` quantile of t with years − 1 degrees of freedom: chance
    alone would show such a bias, either way, less than one time in ten each way), and
    0 otherwise — with one test year, always 0: one year cannot tell a bias from a bad
    year.

    >>> years = np.array([2022, 2022, 2023, 2024])
    >>> error_location(np.array([0.2, 0.2, 0.3, 0.25]), years, np.full(4, True))
    0.25
    >>> error_location(np.array([0.2, 0.2, -0.1, 0.0]), years, np.full(4, True))
    0.0
    """
    if not mask.any():
        return math.nan
    chosen, of_year = errors[mask], years[mask]
    draws = np.array([chosen[of_year == year].mean() for year in np.unique(of_year)])
    if draws.size < 2:
        return 0.0
    mean = float(draws.mean())
    scale = float(draws.std(ddof=1)) / math.sqrt(draws.size)
    threshold = float(student_t.ppf(BIAS_LEVEL, draws.size - 1))
    if abs(mean) > threshold * scale:
        return round(mean, 12)
    return 0.0


# ------------------------------------------------------------------------ the report


@dataclass(frozen=True, slots=True)
class MethodScore:
    """One candidate's backtest figures on the common origins (out of sample)."""

    method: MethodCode
    model: str
    """The model of the latest test year (ETS and SARIMAX specs may differ by year)."""
    n_origins: int
    mae: float
    """Mean absolute error of the central value at the judgement date, percentage points."""
    bias: float
    """Mean of (central − actual), percentage points: positive = forecast too high."""
    coverage_50: float
    coverage_80: float
    coverage_95: float
    """Shares of the origins with a band (``n_banded``) whose actual value lay inside the
    50 / 80 / 95 % interval; NaN when none had a band."""
    brier: float | None
    """Mean of (P(target) − met)² over the origins with a band in years with a target;
    None without."""
    n_brier: int
    n_banded: int = 0
    """Origins with a band: those of test years after the first (a band is calibrated by
    the errors of earlier test years only, as it would have been at the time)."""


@dataclass(frozen=True, slots=True)
class Excluded:
    """A candidate that could not take part, and why."""

    method: MethodCode
    reason: Literal["too_few_points", "no_earlier_year", "fit_failed", "too_few_years"]
    needed: int
    got: int


@dataclass(frozen=True, slots=True)
class BacktestSummary:
    """The comparison a projection's method was chosen by (and the info drawer shows)."""

    indicator_code: str
    judgement: Judgement
    years: tuple[int, ...]
    """The test years: every candidate taking part forecast every origin of them."""
    scores: tuple[MethodScore, ...]
    """Candidates taking part, lowest MAE first."""
    excluded: tuple[Excluded, ...]
    chosen: MethodCode | None
    """The lowest-MAE candidate; None with fewer than ``MIN_YEARS`` test years."""
    extension_scores: tuple[MethodScore, ...] = ()
    """Disbursement: the same figures for the value at 31 January."""

    @property
    def n_origins(self) -> int:
        return self.scores[0].n_origins if self.scores else 0

    def score(self, method: str | None) -> MethodScore | None:
        return next((s for s in self.scores if s.method == method), None)

    def extension_score(self, method: str | None) -> MethodScore | None:
        return next((s for s in self.extension_scores if s.method == method), None)


@dataclass(frozen=True, slots=True)
class BacktestReport:
    """Every candidate's forecast at every origin of every test year.

    ``records`` has one row per method × year × origin × judgement: ``method``, ``year``,
    ``origin`` (last period used), ``observed`` (periods of the year observed),
    ``horizon`` (periods from the origin to the judgement date), ``judgement``,
    ``central`` (the model's point forecast, %), ``anchor`` (disbursement: the YTD % at
    the origin), ``actual`` (%), ``target`` and ``comparator`` (the year-end target in
    force, NaN / "" without one), ``model``. ``fitted`` holds each candidate's
    parameters per plan year (including the year in progress), so a projection does not
    refit. ``excluded`` says why a candidate never forecast.
    """

    indicator_code: str
    shape: SeriesShape
    period: int
    last_index: int | None
    records: pd.DataFrame = field(compare=False, repr=False)
    fitted: Mapping[tuple[str, int], Fitted | NotApplicable] = field(compare=False, repr=False)
    summaries: Mapping[int | None, BacktestSummary] = field(
        default_factory=dict, compare=False, repr=False
    )
    """:func:`summarize` for all test years (key None) and for the year in progress,
    computed once with the report."""

    def summary(self, before_year: int | None = None) -> BacktestSummary:
        """The year-end comparison over the test years before ``before_year`` (all: None)."""
        known = self.summaries.get(before_year)
        return known if known is not None else summarize(self, before_year=before_year)


_RECORD_COLUMNS = (
    "method",
    "year",
    "origin",
    "observed",
    "horizon",
    "judgement",
    "central",
    "anchor",
    "actual",
    "target",
    "comparator",
    "model",
    "factor",
    "shift",
)


def _judgements(history: History) -> tuple[Judgement, ...]:
    return ("year_end", "extension") if history.is_cumulative else ("year_end",)


def _origins(history: History, year: int, judgement: Judgement) -> list[int]:
    """Origins of a test year: before its first period, then after each period up to the
    one before the judgement date."""
    start = year * history.period - 1
    count = history.period + (1 if judgement == "extension" else 0)
    return [start + k for k in range(count)]


def _judgement_period(history: History, year: int, judgement: Judgement) -> int:
    end = year * history.period + history.period - 1
    return end + 1 if judgement == "extension" else end


def point_forecasts(
    history: History,
    fitted: Fitted,
    year: int,
    origin: int,
) -> tuple[dict[Judgement, float], YearState] | NotApplicable:
    """A candidate's point forecast of the judgement-date values at one origin."""
    state = year_state(history, year, origin)
    out: dict[Judgement, float] = {}
    if state.periods.size:
        result = forecast(fitted, history, year, origin)
        if isinstance(result, NotApplicable):
            return result
        december = float(running_values(history, state, result.central)[-1])
    elif history.is_cumulative:
        december = state.year_to_date
    else:
        return NotApplicable(fitted.method, "too_few_points", 1, 0)
    anchor = state.year_to_date
    out["year_end"] = bounded(history, december, anchor)
    if history.is_cumulative:
        january = extension_central(december, extension_fractions(history, year, origin))
        out["extension"] = bounded(history, january, anchor) if math.isfinite(january) else january
    return out, state


def backtest(
    series: pd.DataFrame,
    indicator: Indicator,
    *,
    methods: Iterable[MethodCode] = METHODS,
) -> BacktestReport:
    """Run every candidate at every origin of every test year of ``series``.

    Parameters
    ----------
    series : DataFrame
        One indicator at one scope (see :mod:`metrics.periods`).
    indicator : Indicator
        Its registry entry (a rate).
    methods : iterable of str
        The candidates (default: all of ``metrics.forecasting.METHODS``).

    Returns
    -------
    BacktestReport
        Summarise it with :func:`summarize`.

    Notes
    -----
    Cost: one fit per candidate and plan year, and one filter-and-forecast per origin;
    about a second for a monthly series of six years on one core.
    """
    shape = series_shape(indicator)
    history = build_history(series, shape)
    methods = tuple(methods)
    rows: list[tuple[object, ...]] = []
    fitted: dict[tuple[str, int], Fitted | NotApplicable] = {}
    if history.last_index is None:
        return BacktestReport(indicator.code, shape, history.period, None, _empty_records(), fitted)
    first_year = (
        history.first_index // history.period if not history.is_cumulative else history.first_year
    )
    last_year = (
        history.last_index // history.period
        if not history.is_cumulative
        else history.last_index // 12
    )
    for year in range(first_year, last_year + 1):
        actuals = {j: observed_value(history, year, j) for j in _judgements(history)}
        in_force = indicator.year_end_target(year)
        target = in_force.target.value if in_force else math.nan
        comparator = in_force.target.comparator if in_force else ""
        tested = any(math.isfinite(v) for v in actuals.values())
        is_live = year == last_year
        if not (tested or is_live):
            continue
        for method in methods:
            prepared = prepare(method, history, year)
            fitted[(method, year)] = prepared
            if isinstance(prepared, NotApplicable) or not tested:
                continue
            cache: dict[int, tuple[dict[Judgement, float], YearState] | NotApplicable] = {}
            factors: dict[int, float] = {}
            shifts: dict[int, float] = {}
            for judgement in _judgements(history):
                actual = actuals[judgement]
                if not math.isfinite(actual):
                    continue
                end = _judgement_period(history, year, judgement)
                for origin in _origins(history, year, judgement):
                    if origin not in cache:
                        # Once per origin, not once per judgement and row.
                        cache[origin] = point_forecasts(history, prepared, year, origin)
                        factors[origin] = volatility_factor(history, year, origin)
                        shifts[origin] = trend_break(history, year, origin, lag=break_lag(method))
                    result = cache[origin]
                    if isinstance(result, NotApplicable):
                        continue
                    values, state = result
                    central = values.get(judgement, math.nan)
                    if not math.isfinite(central):
                        continue
                    rows.append(
                        (
                            method,
                            year,
                            origin,
                            origin - year * history.period + 1,
                            end - origin,
                            judgement,
                            central,
                            state.year_to_date,
                            actual,
                            target,
                            comparator,
                            prepared.model,
                            factors[origin],
                            shifts[origin],
                        )
                    )
    records = pd.DataFrame(rows, columns=list(_RECORD_COLUMNS)) if rows else _empty_records()
    report = BacktestReport(
        indicator.code, shape, history.period, history.last_index, records, fitted
    )
    summaries: dict[int | None, BacktestSummary] = {
        before: summarize(report, before_year=before) for before in (None, last_year)
    }
    return BacktestReport(
        indicator.code, shape, history.period, history.last_index, records, fitted, summaries
    )


def _empty_records() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in _RECORD_COLUMNS})


# ------------------------------------------------------------------------ summaries


def _history_like(report: BacktestReport) -> History:
    """A History with the report's shape, for the scale functions (no data needed)."""
    empty = np.empty((0, 13))
    return History(
        report.shape,
        report.period,
        0,
        report.last_index,
        np.array([]),
        np.array([]),
        0,
        empty,
        empty,
    )


def _scaled_errors(report: BacktestReport, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    shape = _history_like(report)
    anchors = frame["anchor"].to_numpy(dtype="float64")
    central = frame["central"].to_numpy(dtype="float64")
    actual = frame["actual"].to_numpy(dtype="float64")
    point = np.array([to_scale(shape, c, a) for c, a in zip(central, anchors, strict=True)])
    truth = np.array([to_scale(shape, v, a) for v, a in zip(actual, anchors, strict=True)])
    return point, truth


def probability_of_target(
    report_or_history: BacktestReport | History,
    calibration: Calibration,
    point: float,
    horizon: int,
    anchor: float,
    target: float,
    comparator: Comparator,
) -> float:
    """P(the value at the judgement date meets ``target``) under the calibration."""
    shape = (
        _history_like(report_or_history)
        if isinstance(report_or_history, BacktestReport)
        else report_or_history
    )
    if shape.is_cumulative:
        cap = max(100.0, anchor)
        if target <= anchor:
            return 1.0 if comparator == ">=" else 0.0
        if target > cap:
            return 0.0 if comparator == ">=" else 1.0
    threshold = float(to_scale(shape, target, anchor))
    z = calibration.standardized(threshold, point, horizon)
    below = float(calibration.cdf(z)[0])
    probability = 1.0 - below if comparator == ">=" else below
    # The t tails never reach 0 or 1; a handful of test years cannot tell one chance in
    # a million from none, so such a chance is reported as none (or as certainty).
    if probability < PROBABILITY_RESOLUTION:
        return 0.0
    if probability > 1.0 - PROBABILITY_RESOLUTION:
        return 1.0
    return probability


def _score(
    report: BacktestReport,
    method: MethodCode,
    frame: pd.DataFrame,
    judgement: Judgement,
) -> MethodScore:
    """MAE and bias over ``frame``; coverage and Brier score as they would have been
    seen at the time: each test year's bands from :func:`calibration_for` the years
    before it only (the first test year, with nothing earlier, has no band)."""
    shape = _history_like(report)
    point, truth = _scaled_errors(report, frame)
    years = frame["year"].to_numpy(dtype=np.int64)
    horizons = frame["horizon"].to_numpy(dtype=np.int64)
    factors = frame["factor"].to_numpy(dtype="float64")
    shifts = frame["shift"].to_numpy(dtype="float64")
    anchors = frame["anchor"].to_numpy(dtype="float64")
    actual = frame["actual"].to_numpy(dtype="float64")
    central_out = frame["central"].to_numpy(dtype="float64")
    inside = {name: np.zeros(len(frame), dtype=bool) for name in ("50", "80", "95")}
    has_band = np.zeros(len(frame), dtype=bool)
    probabilities = np.full(len(frame), np.nan)
    targets = frame["target"].to_numpy(dtype="float64")
    comparators = frame["comparator"].astype(str).to_numpy()
    for year in np.unique(years):
        calibration = calibration_for(report, method, before_year=int(year), judgement=judgement)
        if calibration is None:
            continue
        levels = calibration.quantiles(LEVELS.values())
        bands = dict(zip(LEVELS, levels, strict=True))
        for i in np.flatnonzero(years == year):
            has_band[i] = True
            widened = calibration.widened(float(factors[i])).with_break(float(shifts[i]))
            for name in ("50", "80", "95"):
                low, high = widened.values(
                    float(point[i]),
                    int(horizons[i]),
                    np.array([bands[f"lower_{name}"], bands[f"upper_{name}"]]),
                )
                inside[name][i] = low <= truth[i] <= high
            if math.isfinite(targets[i]):
                probabilities[i] = probability_of_target(
                    shape,
                    widened,
                    float(point[i]),
                    int(horizons[i]),
                    float(anchors[i]),
                    float(targets[i]),
                    "<=" if comparators[i] == "<=" else ">=",
                )
    errors = central_out - actual
    scored = np.isfinite(probabilities)
    brier = None
    if scored.any():
        met = np.array(
            [
                float(meets(float(a), float(t), "<=" if c == "<=" else ">="))
                for a, t, c in zip(
                    actual[scored], targets[scored], comparators[scored], strict=True
                )
            ]
        )
        brier = float(np.mean((probabilities[scored] - met) ** 2))
    latest = frame.loc[frame["year"] == frame["year"].max(), "model"]

    def share(name: str) -> float:
        return float(inside[name][has_band].mean()) if has_band.any() else math.nan

    return MethodScore(
        method=method,
        model=str(latest.iloc[0]) if not latest.empty else "",
        n_origins=len(frame),
        mae=float(np.mean(np.abs(errors))),
        bias=float(np.mean(errors)),
        coverage_50=share("50"),
        coverage_80=share("80"),
        coverage_95=share("95"),
        brier=brier,
        n_brier=int(scored.sum()),
        n_banded=int(has_band.sum()),
    )


def _full_years(
    report: BacktestReport, frame: pd.DataFrame, judgement: Judgement
) -> dict[str, set[int]]:
    """Per method, the test years where it forecast every origin."""
    count = report.period + (1 if judgement == "extension" else 0)
    sizes = frame.groupby(["method", "year"]).size().reset_index(name="size")
    out: dict[str, set[int]] = {}
    for method, year, size in sizes.itertuples(index=False):
        if size >= count:
            out.setdefault(str(method), set()).add(int(year))
    return out


def common_records(
    report: BacktestReport,
    *,
    before_year: int | None = None,
    judgement: Judgement = "year_end",
) -> tuple[pd.DataFrame, tuple[int, ...], tuple[MethodCode, ...], tuple[Excluded, ...]]:
    """The records every participating candidate shares, the test years, the
    participants and the excluded candidates."""
    records = report.records
    frame = records.loc[records["judgement"] == judgement]
    if before_year is not None:
        frame = frame.loc[frame["year"] < before_year]
    full = _full_years(report, frame, judgement)
    methods: list[MethodCode] = []
    excluded: list[Excluded] = []
    seen_methods = {method for method, _ in report.fitted}
    for method in METHODS:
        if method not in seen_methods:
            continue
        years = full.get(method, set())
        if len(years) >= MIN_YEARS:
            methods.append(method)
            continue
        reason = _why_not(report, method, before_year)
        excluded.append(reason or Excluded(method, "too_few_years", MIN_YEARS, len(years)))
    if not methods:
        return frame.iloc[0:0], (), (), tuple(excluded)
    common_years = sorted(set.intersection(*(full[m] for m in methods)))
    key = ["year", "origin"]
    shared = frame.loc[frame["method"].isin(methods) & frame["year"].isin(common_years)]
    counts = shared.groupby(key)["method"].nunique()
    complete = counts[counts == len(methods)].index
    shared = shared.set_index(key).loc[lambda f: f.index.isin(complete)].reset_index()
    return shared, tuple(common_years), tuple(methods), tuple(excluded)


def _why_not(report: BacktestReport, method: str, before_year: int | None) -> Excluded | None:
    """The latest NotApplicable of a method (before ``before_year``), as an exclusion."""
    items = [
        (year, value)
        for (m, year), value in report.fitted.items()
        if m == method and (before_year is None or year <= before_year)
    ]
    for _, value in sorted(items, key=lambda item: item[0], reverse=True):
        if isinstance(value, NotApplicable):
            return Excluded(value.method, value.reason, value.needed, value.got)
        return None
    return None


RULE: MethodCode = "seasonal_profile"
"""The plain seasonal rule: the method in use unless a challenger clearly beats it."""
CHOICE_LEVEL = 0.90
"""One-sided confidence with which a challenger must beat the rule to replace it."""


def choose(shared: pd.DataFrame, by_mae: tuple[MethodCode, ...]) -> MethodCode | None:
    """The method to use: the seasonal rule, unless another candidate beat it clearly.

    ``by_mae`` lists the candidates, lowest MAE first; ``shared`` holds their records on
    the common origins. The origins of one year share its outcome, so the comparison is
    paired by test year: the lowest-MAE challenger replaces the rule only when it had the
    lower MAE in so many test years that chance alone would do it with probability below
    ``1 − CHOICE_LEVEL`` (an exact one-sided sign test: with up to four test years, it
    must win all four). Without the rule among the candidates, the lowest MAE wins.
    A handful of years cannot show more: in the demo, ETS beat the rule for the online
    share in 2022–2024 and then lagged the 2025 jump by more than it had ever gained.
    """
    if not by_mae:
        return None
    if RULE not in by_mae or by_mae[0] == RULE:
        return by_mae[0]
    frame = shared.assign(error=(shared["central"] - shared["actual"]).abs())
    yearly = frame.groupby(["method", "year"])["error"].mean().unstack("year")
    challenger = by_mae[0]
    d = (yearly.loc[RULE] - yearly.loc[challenger]).dropna().to_numpy(dtype="float64")
    wins = int((d > 0).sum())
    chance = float(binom.sf(wins - 1, d.size, 0.5)) if d.size else 1.0
    return challenger if chance < 1.0 - CHOICE_LEVEL else RULE


def summarize(
    report: BacktestReport,
    *,
    before_year: int | None = None,
    judgement: Judgement = "year_end",
) -> BacktestSummary:
    """Compare the candidates on their common origins (test years before ``before_year``).

    Examples
    --------
    See ``tests/unit/test_backtest.py``.
    """
    shared, years, methods, excluded = common_records(
        report, before_year=before_year, judgement=judgement
    )
    if len(years) < MIN_YEARS:
        return BacktestSummary(report.indicator_code, judgement, years, (), excluded, None)
    by_mae = sorted(
        (_score(report, m, shared.loc[shared["method"] == m], judgement) for m in methods),
        key=lambda s: (round(s.mae, 9), METHODS.index(s.method)),
    )
    chosen = choose(shared, tuple(s.method for s in by_mae))
    scores = tuple(sorted(by_mae, key=lambda s: s.method != chosen))
    extension_scores: tuple[MethodScore, ...] = ()
    if report.shape is SeriesShape.CUMULATIVE and judgement == "year_end":
        ext, ext_years, ext_methods, _ = common_records(
            report, before_year=before_year, judgement="extension"
        )
        if len(ext_years) >= MIN_YEARS:
            extension_scores = tuple(
                sorted(
                    (
                        _score(report, m, ext.loc[ext["method"] == m], "extension")
                        for m in ext_methods
                    ),
                    key=lambda s: (round(s.mae, 9), METHODS.index(s.method)),
                )
            )
    return BacktestSummary(
        indicator_code=report.indicator_code,
        judgement=judgement,
        years=years,
        scores=scores,
        excluded=excluded,
        chosen=chosen,
        extension_scores=extension_scores,
    )


def calibration_for(
    report: BacktestReport,
    method: MethodCode,
    *,
    before_year: int | None = None,
    judgement: Judgement = "year_end",
) -> Calibration | None:
    """The calibration of ``method`` from its own errors in the test years before
    ``before_year`` (all test years: None) — only what was observable before that year
    began; None when it has none.

    Every origin the method forecast counts, also in a year where another candidate could
    not yet forecast (the errors are out of sample all the same: parameters are estimated
    on the data before each year).
    """
    records = report.records
    frame = records.loc[(records["method"] == method) & (records["judgement"] == judgement)]
    if before_year is not None:
        frame = frame.loc[frame["year"] < before_year]
    if frame.empty:
        return None
    point, truth = _scaled_errors(report, frame)
    return calibrate(
        frame["horizon"].to_numpy(dtype=np.int64),
        (truth - point) / frame["factor"].to_numpy(dtype="float64"),
        frame["year"].astype(int).tolist(),
        window=pooling_window(report.period),
    )
