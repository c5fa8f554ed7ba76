"""Projection of a rate indicator to its judgement date, with calibrated paths and the
probability of reaching the target.

How a projection is made:

1. **The method is chosen by backtest.** :func:`metrics.backtest.backtest` runs every
   candidate of :mod:`metrics.forecasting` (seasonal profile, ETS, SARIMAX, drift) at
   every origin of every earlier year; the seasonal rule is used unless a challenger beat
   it clearly (:func:`metrics.backtest.choose`), and the projection carries that
   comparison (:attr:`Projection.backtest`). Information criteria never compare ETS with
   SARIMAX.
2. **The point forecast** is that method's, from today's data: rates period by period on
   the logit scale, combined with the expected denominators as a ratio of sums;
   disbursement as monthly flows in % of the plan in force, added to the year to date
   (the cumulative curve itself is never forecast), capped at 100 % of the plan.
3. **Bands, paths and the probability are calibrated** by the method's own backtest
   errors at the same horizon in the years before this one (centred where those errors
   lay on average, Student's t with a degree of freedom per test year, widened when the
   series moves faster than before: :class:`metrics.backtest.Calibration`); the central
   value is that distribution's median. The method's simulated paths are
   re-ranked onto that distribution, so every path is a whole, consistent year.
4. **Disbursement runs to 31 January.** A plan year's paths run through December and
   the January extension month; the value at 31 December and at 31 January are both
   given with their bands (:attr:`Projection.year_end`, :attr:`Projection.extension`).
   A target is judged on the date its row states (the year-end target: 31 December).
5. **Too little history is said, not guessed.** Without ``MIN_YEARS`` earlier year that a
   candidate forecast at every origin, there is no backtest to calibrate against: the
   method is ``"none"`` with the reason, never a zero-width band.

The scenario engine takes :attr:`Projection.paths` as its baseline (see the field's
documentation) and may rebuild year values with :func:`metrics.backtest.running_values`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from metrics.backtest import (
    LEVELS,
    MIN_YEARS,
    BacktestReport,
    BacktestSummary,
    Calibration,
    Judgement,
    YearState,
    backtest,
    bounded,
    break_lag,
    calibration_for,
    extension_central,
    from_scale,
    probability_of_target,
    running_values,
    to_scale,
    trend_break,
    volatility_factor,
    year_state,
)
from metrics.forecasting import (
    EXTENSION_MONTH,
    Fitted,
    Forecast,
    History,
    MethodCode,
    NotApplicable,
    build_history,
    expected_denominators_at,
    extension_fractions,
    forecast,
    prepare,
)
from metrics.periods import (
    SeriesShape,
    check_series,
    months_to_year_end,
    period_start_month,
    series_shape,
)
from metrics.registry import Comparator, Indicator
from metrics.targets import meets

DEFAULT_N_PATHS = 2000
DEFAULT_SEED = 20251231

Method = Literal["seasonal_profile", "ets", "sarimax", "drift", "complete", "none"]
ReasonCode = Literal[
    "chosen_by_backtest",
    "fallback",
    "complete",
    "complete_undefined",
    "no_data",
    "zero_plan",
    "short_history",
    "method_failed",
]
QUANTILES: dict[str, float] = dict(LEVELS)
"""Fan bands, as quantiles of the calibrated distribution."""


@dataclass(frozen=True, slots=True)
class Interval:
    """A value at one date: observed (all bands equal it) or projected with its bands."""

    date: dt.date
    is_observed: bool
    central: float
    lower_50: float
    upper_50: float
    lower_80: float
    upper_80: float
    lower_95: float
    upper_95: float


@dataclass(frozen=True, slots=True)
class Projection:
    """The projected value of an indicator at its judgement date, and how it was made.

    Values are in the indicator's unit (percent). ``central`` is the median of the
    calibrated distribution (the chosen method's point forecast); the bands are its
    quantiles (80 %: 10th–90th percentile; 95 %: 2.5th–97.5th; 50 %: quartiles). For a
    complete year all of them equal the actual value; for method ``"none"`` they are
    None.
    """

    indicator_code: str
    year: int
    method: Method
    """The backtest's choice (``"seasonal_profile"``, ``"ets"``, ``"sarimax"``,
    ``"drift"``), ``"complete"`` (the judgement date is observed) or ``"none"``."""
    model: str
    """The fitted model, e.g. ``"ETS(A,Ad,N)"``; empty for complete / none."""
    reason: str
    """Why, in English (logs and tests); the screen uses ``reason_code`` and
    ``reason_parts`` with the i18n catalogue (``projection_reason_<code>``)."""
    reason_code: ReasonCode
    central: float | None
    lower_50: float | None
    upper_50: float | None
    lower_80: float | None
    upper_80: float | None
    lower_95: float | None
    upper_95: float | None
    target: float | None
    comparator: Comparator | None
    probability: float | None
    """P(the value at the judgement date meets the target) under the calibrated
    distribution; None without a target or a projection; 1.0 / 0.0 for a complete year."""
    n_paths: int
    """Paths simulated (0 for complete / none)."""
    seed: int
    months_remaining: int
    """Months from the last observed period to 31 December of ``year``."""
    n_points: int
    """Valid observations (periods; monthly flows for disbursement) up to the data month."""
    judgement_date: dt.date
    """The date the target is judged on (its row's due date; 31 December without one)."""
    horizon: int
    """Periods (months, quarters) from the last observed one to the judgement date."""
    is_extrapolated: bool
    """The horizon is longer than any backtested one: the band grows as √h beyond it."""
    year_end: Interval | None
    """The value at 31 December (observed or projected); None for method none."""
    extension: Interval | None
    """Disbursement: the value at 31 January of the next year, the end of the plan year's
    extension month (observed, or projected with calibrated bands); None otherwise or
    when no earlier extension month is known to calibrate it."""
    backtest: BacktestSummary | None = field(compare=False)
    """The comparison the method was chosen by (MAE, bias, coverage, Brier per
    candidate); None for a complete year or without a report."""
    reason_parts: Mapping[str, object] = field(default_factory=dict, compare=False)
    year_values: np.ndarray = field(default_factory=lambda: np.array([]), compare=False, repr=False)
    """The paths' values at the judgement date, one per path (read-only); the actual
    value alone for a complete year; empty for method none."""
    fan: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)
    """Year-to-date value by period for the rest of the plan year: ``period_month``,
    ``is_extension`` (the January extension month of disbursement) and one column per
    band (``lower_95`` … ``upper_95``, ``central``). Empty when nothing is projected."""
    paths: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), compare=False, repr=False)
    """Calibrated simulated paths, shape (periods, n_paths), read-only: the year-to-date
    value (%) of each future period of the plan year, in the order of ``fan`` — the
    months (quarters) to December and, for disbursement, the January extension. This is
    the baseline a scenario modifies: every path is a whole year, and the paths' values
    at the judgement date are calibrated by the backtest (their quantiles are the bands,
    the share meeting the target is the probability)."""
    period_values: np.ndarray = field(
        default_factory=lambda: np.empty((0, 0)), compare=False, repr=False
    )
    """The same paths per period rather than accumulated: the period's rate (%) for
    monthly and annual indicators, the month's flow in % of the plan for disbursement
    (the extension row: the January flow). Read-only."""
    expected_denominators: np.ndarray = field(
        default_factory=lambda: np.array([]), compare=False, repr=False
    )
    """Monthly and annual indicators: the expected denominator of each future period up
    to December, which ``period_values`` are weighted by (ratio of sums)."""


def _read_only(array: np.ndarray) -> np.ndarray:
    out = np.array(array, dtype="float64", copy=True)
    out.setflags(write=False)
    return out


def _empty_fan() -> pd.DataFrame:
    return pd.DataFrame(
        {"period_month": pd.Series(dtype="datetime64[ns]"), "is_extension": pd.Series(dtype=bool)}
        | {name: pd.Series(dtype="float64") for name in QUANTILES}
    )


# ----------------------------------------------------------------- judgement date


def judgement_of(indicator: Indicator, year: int) -> tuple[Judgement, dt.date]:
    """Which value a year's target is judged on, and the date.

    The year-end target's own due date (a carried-forward target keeps its day and month,
    moved to ``year``). Disbursement may be judged at the end of the extension month
    (31 January of the next year); every other indicator at 31 December.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> judgement_of(get_indicator("public_investment_disbursement"), 2026)
    ('year_end', datetime.date(2026, 12, 31))
    """
    in_force = indicator.year_end_target(year)
    december = dt.date(year, 12, 31)
    if in_force is None:
        return "year_end", december
    target = in_force.target
    due = target.due_date
    moved_year = due.year + (year - target.year)
    if series_shape(indicator) is SeriesShape.CUMULATIVE and moved_year > year:
        return "extension", dt.date(year + 1, 1, 31)
    return "year_end", december


# ---------------------------------------------------------------- denominators


def expected_denominators(series: pd.DataFrame, indicator: Indicator, year: int) -> pd.DataFrame:
    """Expected denominators of the periods of ``year`` not yet observed.

    Parameters
    ----------
    series : DataFrame
        The indicator's series (see :mod:`metrics.periods`).
    indicator : Indicator
        A monthly-flow or annual rate indicator.
    year : int

    Returns
    -------
    DataFrame
        ``period_month`` and ``denominator``, one row per remaining period of ``year``
        (months, or quarters for an annual indicator); empty when the year is complete.

    Raises
    ------
    ValueError
        For a cumulative indicator, whose pace and projection are in % of the plan.

    Notes
    -----
    D̂ₜ = D₍ₜ₋₁ᵧ₎ × g, with D₍ₜ₋₁ᵧ₎ the same period a year earlier (actual, else itself
    projected) and g = Σ D over the last 12 months (4 quarters) ÷ Σ D over the 12
    before, clipped to [0.5, 2]; g = 1 without two full years of history. A period
    with no year-earlier value gets the mean of the last three positive denominators.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> months = pd.date_range("2024-01-01", "2025-10-01", freq="MS")
    >>> frame = pd.DataFrame({"period_year": months.year, "period_month": months,
    ...                       "numerator": 50.0, "denominator": 100.0})
    >>> online = get_indicator("online_dossier_share")
    >>> expected_denominators(frame, online, 2025)["denominator"].tolist()
    [100.0, 100.0]
    """
    shape = series_shape(indicator)
    if shape is SeriesShape.CUMULATIVE:
        raise ValueError(
            f"{indicator.code} is cumulative: its pace and projection are in % of the plan; "
            "there are no denominators to project"
        )
    checked = check_series(series)
    history = build_history(checked.loc[checked["period_month"].dt.year <= year], shape)
    period = history.period
    year_start = year * period
    last = history.last_index if history.last_index is not None else year_start - 1
    every = np.arange(last + 1, year_start + period)
    projected = expected_denominators_at(history, last, every)
    keep = every >= year_start
    return pd.DataFrame(
        {
            "period_month": pd.to_datetime(
                [period_start_month(int(t), period) for t in every[keep]]
            ),
            "denominator": projected[keep].astype("float64"),
        }
    )


def plan_year_flows(series: pd.DataFrame, year: int) -> pd.DataFrame:
    """Monthly disbursement flows of every plan year up to ``year``, in % of the plan.

    Parameters
    ----------
    series : DataFrame
        A cumulative series (see :mod:`metrics.periods`).
    year : int
        The last plan year to include.

    Returns
    -------
    DataFrame
        ``period_year``, ``period_month``, ``flow`` (billion VND disbursed in the month),
        ``flow_share_pct`` (the flow ÷ the plan in force that month × 100). The
        January-extension rows are left out. A plan year's first flow is its first
        month's year-to-date figure; when that month is not January, the flow is left
        out (it covers several months).

    Examples
    --------
    >>> frame = pd.DataFrame({"period_year": [2025, 2025, 2025],
    ...     "period_month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
    ...     "numerator": [1.0, 3.0, 7.5], "denominator": [100.0] * 3})
    >>> plan_year_flows(frame, 2025)["flow_share_pct"].tolist()
    [1.0, 2.0, 4.5]
    """
    checked = check_series(series)
    rows = checked.loc[
        (checked["period_year"] <= year)
        & (checked["period_month"].dt.year == checked["period_year"])
    ]
    flows = rows["numerator"] - rows.groupby("period_year")["numerator"].shift(1)
    first = rows.groupby("period_year").cumcount() == 0
    flows = flows.where(~first, rows["numerator"].where(rows["period_month"].dt.month == 1))
    denominator = rows["denominator"]
    share = (100.0 * flows / denominator).where(denominator > 0)
    return pd.DataFrame(
        {
            "period_year": rows["period_year"].to_numpy(),
            "period_month": rows["period_month"].to_numpy(),
            "flow": flows.to_numpy(dtype="float64"),
            "flow_share_pct": share.to_numpy(dtype="float64"),
        }
    )


# ------------------------------------------------------------------- building blocks


@dataclass(frozen=True, slots=True)
class _Common:
    """What every projection of one call shares."""

    indicator: Indicator
    history: History
    year: int
    n_paths: int
    seed: int
    months_remaining: int
    n_points: int
    judgement: Judgement
    judgement_date: dt.date
    target: float | None
    comparator: Comparator | None
    method: MethodCode | None = None
    """A candidate asked for by name (the replay scores each one); None: the backtest's
    choice."""


def _interval(date: dt.date, value: float) -> Interval:
    return Interval(date, True, value, value, value, value, value, value, value)


def _english(code: ReasonCode, parts: Mapping[str, object]) -> str:
    """The reason in English, for logs and tests (the screen translates the code)."""
    texts: dict[str, str] = {
        "chosen_by_backtest": "{model}, chosen by backtest: lowest mean absolute error "
        "({mae:.2f} pp) of {n_methods} methods over {n_origins} origins in "
        "{first_year}–{last_year}",
        "fallback": "{model}: {failed} could not forecast this month; next lowest backtest "
        "error ({mae:.2f} pp over {n_origins} origins in {first_year}–{last_year})",
        "complete": "{year} is complete ({observed} of {expected} {unit}s observed)",
        "complete_undefined": "{year} is over but its value is undefined (zero denominator)",
        "no_data": "no data up to {year}",
        "zero_plan": "the plan in force is 0; the year to date is undefined",
        "short_history": "not enough history for a backtest: needs {needed} earlier year(s) "
        "that a method forecast at every origin; got {got}",
        "method_failed": "no backtested method could forecast from this month",
    }
    text = texts[code].format(**parts)
    if parts.get("is_extrapolated"):
        text += (
            f"; {parts['horizon']} {parts['unit']}s ahead is beyond the longest backtested "
            f"horizon ({parts['longest']}), so the band is widened as √h"
        )
    if parts.get("break"):
        verb = "rose" if parts["break"] == "up" else "fell"
        text += (
            f"; the latest months {verb} unusually fast against earlier years, so the band "
            f"leans {parts['break']} and is widened"
        )
    return text


def _unit_word(history: History) -> str:
    return {12: "month", 4: "quarter"}.get(history.period, "year")


def _none(
    common: _Common, code: ReasonCode, parts: Mapping[str, object], summary: BacktestSummary | None
) -> Projection:
    return Projection(
        indicator_code=common.indicator.code,
        year=common.year,
        method="none",
        model="",
        reason=_english(code, parts),
        reason_code=code,
        central=None,
        lower_50=None,
        upper_50=None,
        lower_80=None,
        upper_80=None,
        lower_95=None,
        upper_95=None,
        target=common.target,
        comparator=common.comparator,
        probability=None,
        n_paths=0,
        seed=common.seed,
        months_remaining=common.months_remaining,
        n_points=common.n_points,
        judgement_date=common.judgement_date,
        horizon=0,
        is_extrapolated=False,
        year_end=None,
        extension=None,
        backtest=summary,
        reason_parts=dict(parts),
        year_values=_read_only(np.array([])),
        fan=_empty_fan(),
        paths=_read_only(np.empty((0, 0))),
        period_values=_read_only(np.empty((0, 0))),
        expected_denominators=_read_only(np.array([])),
    )


def _complete(
    common: _Common,
    value: float,
    year_end: Interval,
    extension: Interval | None,
    parts: Mapping[str, object],
) -> Projection:
    probability = None
    if common.target is not None and common.comparator is not None:
        probability = 1.0 if meets(value, common.target, common.comparator) else 0.0
    return Projection(
        indicator_code=common.indicator.code,
        year=common.year,
        method="complete",
        model="",
        reason=_english("complete", parts),
        reason_code="complete",
        central=value,
        lower_50=value,
        upper_50=value,
        lower_80=value,
        upper_80=value,
        lower_95=value,
        upper_95=value,
        target=common.target,
        comparator=common.comparator,
        probability=probability,
        n_paths=0,
        seed=common.seed,
        months_remaining=0,
        n_points=common.n_points,
        judgement_date=common.judgement_date,
        horizon=0,
        is_extrapolated=False,
        year_end=year_end,
        extension=extension,
        backtest=None,
        reason_parts=dict(parts),
        year_values=_read_only(np.array([value])),
        fan=_empty_fan(),
        paths=_read_only(np.empty((0, 0))),
        period_values=_read_only(np.empty((0, 0))),
        expected_denominators=_read_only(np.array([])),
    )


def _bands(
    history: History, calibration: Calibration, point: float, horizon: int, anchor: float
) -> dict[str, float]:
    z = calibration.quantiles(QUANTILES.values())
    # The t distribution is symmetric: the central value is its median exactly.
    z[list(QUANTILES).index("central")] = 0.0
    scaled = calibration.values(point, horizon, z)
    values = np.asarray(from_scale(history, scaled, anchor), dtype="float64")
    return {name: float(v) for name, v in zip(QUANTILES, np.sort(values), strict=True)}


def _stratified(
    history: History, calibration: Calibration, point: float, horizon: int, anchor: float, n: int
) -> np.ndarray:
    """``n`` values at the quantiles (i + ½)/n of the calibrated distribution."""
    levels = (np.arange(n) + 0.5) / n
    z = calibration.quantiles(levels)
    scaled = calibration.values(point, horizon, z)
    return np.sort(np.asarray(from_scale(history, scaled, anchor), dtype="float64"))


def _by_rank(
    model_values: np.ndarray, calibrated: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Give the path with the k-th smallest model value the k-th calibrated value (ties,
    e.g. paths repeating the same earlier year, in random order)."""
    order = np.lexsort((rng.random(model_values.size), model_values))
    out = np.empty_like(calibrated)
    out[order] = calibrated
    return out


def _calibrate_flow_paths(
    history: History, state: YearState, rates: np.ndarray, wanted: np.ndarray
) -> np.ndarray:
    """Shift each path's future rates on the logit scale so its year value is ``wanted``."""
    base = logit(np.clip(rates, 1e-6, 1 - 1e-6))
    low = np.full(rates.shape[1], -30.0)
    high = np.full(rates.shape[1], 30.0)
    for _ in range(60):
        middle = (low + high) / 2
        value = running_values(history, state, expit(base + middle[None, :]))[-1]
        too_high = value > wanted
        high = np.where(too_high, middle, high)
        low = np.where(too_high, low, middle)
    adjusted: np.ndarray = expit(base + ((low + high) / 2)[None, :])
    return adjusted


def _calibrate_cumulative_paths(
    state: YearState, flows: np.ndarray, central: np.ndarray, wanted: np.ndarray
) -> np.ndarray:
    """Scale each path's future flows so that its 31 December value is ``wanted``."""
    needed = np.maximum(wanted - state.year_to_date, 0.0)
    totals = flows.sum(axis=0)
    shape = central if central.sum() > 0 else np.ones_like(central)
    fallback = shape[:, None] / shape.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(totals[None, :] > 1e-9, flows / totals[None, :], fallback)
    out: np.ndarray = scaled * needed[None, :]
    return out


def _flow_count(history: History, origin: int) -> int:
    if history.is_cumulative:
        months, _ = history.flow_points(origin)
        return int(months.size)
    index, _ = history.rates(origin)
    return int(index.size)


# --------------------------------------------------------------------- the projection


def project_year(
    series: pd.DataFrame,
    indicator: Indicator,
    year: int,
    *,
    n_paths: int = DEFAULT_N_PATHS,
    seed: int = DEFAULT_SEED,
    backtest_report: BacktestReport | None = None,
    method: MethodCode | None = None,
) -> Projection:
    """Project ``year``'s value of a rate indicator at its judgement date, with calibrated
    bands and paths and the probability of reaching its target.

    Parameters
    ----------
    series : DataFrame
        One indicator at one scope (see :mod:`metrics.periods`). Rows after ``year``
        are ignored; rows before it are the history.
    indicator : Indicator
        The registry entry (a rate: monthly flow, cumulative or annual).
    year : int
        The (plan) year to project.
    n_paths : int, default 2000
        Simulated paths.
    seed : int
        Seed of the random generator: the same seed gives the same numbers.
    backtest_report : BacktestReport, optional
        :func:`metrics.backtest.backtest` of this series (or of a longer series of the
        same indicator and scope — only test years before ``year`` are used). Computed
        here when not given; pass it to avoid recomputing it for every view.
    method : str, optional
        Use this candidate instead of the backtest's choice (it must have taken part in
        the comparison; otherwise the projection is method ``"none"``). The replay
        (:mod:`metrics.replay`) scores every candidate this way; the app never passes it.

    Returns
    -------
    Projection

    Raises
    ------
    ValueError
        For an indicator that is not a rate, ``n_paths < 1``, or a report of another
        indicator.

    Notes
    -----
    Monthly flow / annual: year value per path = (Σ actual numerators + Σ path rate ×
    expected denominator) ÷ (Σ actual denominators + Σ expected denominators) × 100.
    Cumulative: 31 December value per path = min(YTD % + Σ path flows, 100 %); 31 January
    = that + the extension flow. See the module docstring for the method choice and the
    calibration.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> months = pd.date_range("2025-01-01", "2025-06-01", freq="MS")
    >>> frame = pd.DataFrame({"period_year": 2025, "period_month": months,
    ...     "numerator": [40.0, 41, 43, 44, 46, 47], "denominator": 100.0})
    >>> p = project_year(frame, get_indicator("online_dossier_share"), 2025, n_paths=200)
    >>> p.method, p.reason_code, p.central is None
    ('none', 'short_history', True)
    """
    projection, _ = project_year_with_report(
        series,
        indicator,
        year,
        n_paths=n_paths,
        seed=seed,
        backtest_report=backtest_report,
        method=method,
    )
    return projection


def project_year_with_report(
    series: pd.DataFrame,
    indicator: Indicator,
    year: int,
    *,
    n_paths: int = DEFAULT_N_PATHS,
    seed: int = DEFAULT_SEED,
    backtest_report: BacktestReport | None = None,
    method: MethodCode | None = None,
) -> tuple[Projection, BacktestReport | None]:
    """:func:`project_year`, and the backtest report it read: the one given, the one it
    made (a series' backtest is the costliest step of a projection), or None when the
    year needed none (it is over, or has no data).

    A caller projecting the same series again from an earlier month of ``year`` passes the
    report back: only test years before ``year`` are read, so it serves every month of the
    year (:func:`metrics.tiles.build_tile` projects this period and the last).
    """
    if not indicator.is_rate:
        raise ValueError(
            f"project_year models rates (numerator ÷ denominator); {indicator.code} is a "
            f"{indicator.unit} — project its numerator as a flow instead"
        )
    if n_paths < 1:
        raise ValueError(f"n_paths must be at least 1; got {n_paths}")
    if backtest_report is not None and backtest_report.indicator_code != indicator.code:
        raise ValueError(
            f"the backtest report is of {backtest_report.indicator_code}, not "
            f"{indicator.code}; pass metrics.backtest.backtest(series, indicator)"
        )
    shape = series_shape(indicator)
    checked = check_series(series)
    if shape is SeriesShape.CUMULATIVE:
        visible = checked.loc[checked["period_year"] <= year]
    else:
        visible = checked.loc[checked["period_month"].dt.year <= year]
    history = build_history(visible, shape)
    judgement, judgement_date = judgement_of(indicator, year)
    in_force = indicator.year_end_target(year)
    origin = history.last_index
    last_month = None
    if origin is not None:
        last_month = (
            pd.Timestamp(origin // 12, origin % 12 + 1, 1)
            if history.is_cumulative
            else period_start_month(origin, history.period)
        )
    common = _Common(
        indicator=indicator,
        history=history,
        year=year,
        n_paths=n_paths,
        seed=seed,
        months_remaining=months_to_year_end(
            min(last_month, pd.Timestamp(year, 12, 1)) if last_month is not None else None, year
        ),
        n_points=_flow_count(history, origin) if origin is not None else 0,
        judgement=judgement,
        judgement_date=judgement_date,
        target=in_force.target.value if in_force else None,
        comparator=in_force.target.comparator if in_force else None,
        method=method,
    )
    unit = _unit_word(history)
    if origin is None:
        return _none(common, "no_data", {"year": year}, None), backtest_report
    complete = _complete_if_over(common, origin, unit, backtest_report, visible)
    if complete is not None:
        return complete, backtest_report
    report = backtest_report if backtest_report is not None else backtest(visible, indicator)
    summary = report.summary(before_year=year)
    if summary.chosen is None or (method is not None and summary.score(method) is None):
        parts = {"needed": MIN_YEARS, "got": len(summary.years)}
        return _none(common, "short_history", parts, summary), report
    return _projected(common, report, summary, origin, unit), report


def _complete_if_over(
    common: _Common,
    origin: int,
    unit: str,
    report: BacktestReport | None,
    visible: pd.DataFrame,
) -> Projection | None:
    """The complete-year projection when the judgement date is observed, else None."""
    history, year = common.history, common.year
    if history.is_cumulative:
        seen = history.cumulative_value(year, 11, origin)
        if not math.isfinite(seen) and not _december_row_exists(visible, year):
            return None
        if not math.isfinite(seen):
            return _none(common, "zero_plan", {}, None)
        december = _interval(dt.date(year, 12, 31), seen)
        january = history.cumulative_value(year, EXTENSION_MONTH, origin)
        extension: Interval | None = None
        if math.isfinite(january):
            extension = _interval(dt.date(year + 1, 1, 31), january)
        else:
            found = _extension_from_december(common, seen, origin, report, visible)
            if common.judgement == "extension":
                if found is None:
                    return _none(common, "short_history", {"needed": MIN_YEARS, "got": 0}, None)
                return _judged_in_january(common, seen, found, unit)
            extension = found.interval if found is not None else None
        value = extension.central if common.judgement == "extension" and extension else seen
        parts: dict[str, object] = {"year": year, "observed": 12, "expected": 12, "unit": unit}
        return _complete(common, value, december, extension, parts)
    last_period = year * history.period + history.period - 1
    if origin < last_period:
        return None
    numerator = denominator = 0.0
    observed = 0
    for t in range(year * history.period, last_period + 1):
        n, d = history.at(t)
        if math.isfinite(n) and math.isfinite(d) and d > 0:
            numerator += n
            denominator += d
            observed += 1
    if denominator <= 0:
        return _none(common, "complete_undefined", {"year": year}, None)
    value = 100.0 * numerator / denominator
    done = {"year": year, "observed": observed, "expected": history.period, "unit": unit}
    return _complete(common, value, _interval(dt.date(year, 12, 31), value), None, done)


def _december_row_exists(visible: pd.DataFrame, year: int) -> bool:
    months = visible["period_month"]
    mask = (visible["period_year"] == year) & (months.dt.year == year) & (months.dt.month == 12)
    return bool(mask.any())


@dataclass(frozen=True, slots=True)
class _FromDecember:
    """31 December is in but 31 January is not: the extension month's calibrated values."""

    values: np.ndarray
    interval: Interval
    scaled: float
    horizon: int
    calibration: Calibration
    summary: BacktestSummary
    method: MethodCode


def _extension_from_december(
    common: _Common,
    december: float,
    origin: int,
    report: BacktestReport | None,
    visible: pd.DataFrame,
) -> _FromDecember | None:
    history, year = common.history, common.year
    fractions = extension_fractions(history, year, origin)
    point = extension_central(december, fractions)
    if not math.isfinite(point):
        return None
    point = bounded(history, point, december)
    report = report if report is not None else backtest(visible, common.indicator)
    summary = report.summary(before_year=year)
    method = summary.chosen
    if method is None or (common.method is not None and summary.score(common.method) is None):
        return None
    method = common.method or method
    calibration = calibration_for(report, method, before_year=year, judgement="extension")
    if calibration is None:
        return None
    calibration = calibration.widened(volatility_factor(history, year, origin))
    horizon = year * 12 + EXTENSION_MONTH - origin
    scaled = float(to_scale(history, point, december))
    bands = _bands(history, calibration, scaled, horizon, december)
    values = _stratified(history, calibration, scaled, horizon, december, common.n_paths)
    # Stratified values in a shuffled order, so paths are not sorted by value.
    order = np.random.default_rng(common.seed).permutation(values.size)
    return _FromDecember(
        values=np.maximum(values[order], december),
        interval=Interval(dt.date(year + 1, 1, 31), False, **bands),
        scaled=scaled,
        horizon=horizon,
        calibration=calibration,
        summary=summary,
        method=method,
    )


def _judged_in_january(
    common: _Common, december: float, found: _FromDecember, unit: str
) -> Projection:
    """A target due 31 January, with 31 December observed: the extension month alone."""
    history, year = common.history, common.year
    probability = None
    if common.target is not None and common.comparator is not None:
        probability = probability_of_target(
            history,
            found.calibration,
            found.scaled,
            found.horizon,
            december,
            common.target,
            common.comparator,
        )
    interval = found.interval
    fan = pd.DataFrame(
        {"period_month": pd.to_datetime([pd.Timestamp(year + 1, 1, 1)]), "is_extension": [True]}
    )
    for name in QUANTILES:
        fan[name] = [getattr(interval, name)]
    score = found.summary.score(found.method)
    assert score is not None
    parts: dict[str, object] = {
        "method": found.method,
        "model": score.model,
        "mae": score.mae,
        "n_methods": len(found.summary.scores),
        "n_origins": score.n_origins,
        "first_year": found.summary.years[0],
        "last_year": found.summary.years[-1],
        "is_extrapolated": False,
        "horizon": found.horizon,
        "longest": int(found.calibration.horizons[-1]),
        "unit": unit,
    }
    return Projection(
        indicator_code=common.indicator.code,
        year=year,
        method=found.method,
        model=score.model,
        reason=_english("chosen_by_backtest", parts),
        reason_code="chosen_by_backtest",
        central=interval.central,
        lower_50=interval.lower_50,
        upper_50=interval.upper_50,
        lower_80=interval.lower_80,
        upper_80=interval.upper_80,
        lower_95=interval.lower_95,
        upper_95=interval.upper_95,
        target=common.target,
        comparator=common.comparator,
        probability=probability,
        n_paths=common.n_paths,
        seed=common.seed,
        months_remaining=0,
        n_points=common.n_points,
        judgement_date=common.judgement_date,
        horizon=found.horizon,
        is_extrapolated=False,
        year_end=_interval(dt.date(year, 12, 31), december),
        extension=interval,
        backtest=found.summary,
        reason_parts=parts,
        year_values=_read_only(found.values),
        fan=fan,
        paths=_read_only(found.values[None, :]),
        period_values=_read_only((found.values - december)[None, :]),
        expected_denominators=_read_only(np.array([])),
    )


def _forecast_with(
    common: _Common,
    report: BacktestReport,
    summary: BacktestSummary,
    origin: int,
    rng: np.random.Generator,
) -> tuple[MethodCode, Fitted, Forecast, bool]:
    """The chosen method's forecast, or the next best one's if it cannot forecast now."""
    last_error: object = None
    for position, score in enumerate(summary.scores):
        if common.method is not None and score.method != common.method:
            continue
        method = score.method
        fitted = report.fitted.get((method, common.year))
        if not isinstance(fitted, Fitted):
            fitted_or_not = prepare(method, common.history, common.year)
            if isinstance(fitted_or_not, NotApplicable):
                last_error = fitted_or_not
                continue
            fitted = fitted_or_not
        result = forecast(
            fitted, common.history, common.year, origin, n_paths=common.n_paths, rng=rng
        )
        if isinstance(result, NotApplicable):
            last_error = result
            continue
        return method, fitted, result, position > 0 and common.method is None
    raise LookupError(f"no backtested method could forecast: {last_error}")


def _projected(
    common: _Common,
    report: BacktestReport,
    summary: BacktestSummary,
    origin: int,
    unit: str,
) -> Projection:
    history, year, n = common.history, common.year, common.n_paths
    rng = np.random.default_rng(common.seed)
    try:
        method, fitted, result, is_fallback = _forecast_with(common, report, summary, origin, rng)
    except LookupError:
        return _none(common, "method_failed", {}, summary)
    assert isinstance(result, Forecast)
    state = year_state(history, year, origin)
    if history.is_cumulative and not math.isfinite(state.year_to_date):
        return _none(common, "zero_plan", {}, summary)
    calibration = calibration_for(report, method, before_year=year)
    shift = trend_break(history, year, origin, lag=break_lag(method))
    if calibration is not None:
        calibration = calibration.widened(volatility_factor(history, year, origin)).with_break(
            shift
        )
    if calibration is None:
        return _none(
            common, "short_history", {"needed": MIN_YEARS, "got": len(summary.years)}, summary
        )
    december_period = year * history.period + history.period - 1
    horizon = december_period - origin
    model_paths = result.paths
    assert model_paths is not None
    central_running = running_values(history, state, result.central)
    anchor = state.year_to_date
    point = bounded(history, float(central_running[-1]), anchor)
    scaled_point = float(to_scale(history, point, anchor))
    wanted = _by_rank(
        running_values(history, state, model_paths)[-1],
        _stratified(history, calibration, scaled_point, horizon, anchor, n),
        rng,
    )
    if history.is_cumulative:
        period_values = _calibrate_cumulative_paths(state, model_paths, result.central, wanted)
    else:
        period_values = _calibrate_flow_paths(history, state, model_paths, wanted)
    running = running_values(history, state, period_values)
    december = _bands(history, calibration, scaled_point, horizon, anchor)
    december_interval = Interval(dt.date(year, 12, 31), False, **december)
    months = [
        pd.Timestamp(int(t) // 12, int(t) % 12 + 1, 1)
        if history.is_cumulative
        else period_start_month(int(t), history.period)
        for t in state.periods
    ]
    is_extension = [False] * len(months)
    extension_interval: Interval | None = None
    judged_values = running[-1]
    judged_bands = december
    judged_scaled, judged_horizon, judged_calibration = scaled_point, horizon, calibration
    if history.is_cumulative:
        extension = _extension_paths(
            common, report, method, state, running[-1], float(central_running[-1]), origin, rng
        )
        if extension is not None:
            january_values, extension_interval, scaled_january, january_horizon, january_cal = (
                extension
            )
            january_flows = january_values - running[-1]
            running = np.vstack([running, january_values[None, :]])
            period_values = np.vstack([period_values, january_flows[None, :]])
            months.append(pd.Timestamp(year + 1, 1, 1))
            is_extension.append(True)
            if common.judgement == "extension":
                judged_values = january_values
                judged_bands = {name: getattr(extension_interval, name) for name in QUANTILES}
                judged_scaled = scaled_january
                judged_horizon = january_horizon
                judged_calibration = january_cal
        elif common.judgement == "extension":
            short = {"needed": MIN_YEARS, "got": len(summary.years)}
            return _none(common, "short_history", short, summary)
    probability = None
    if common.target is not None and common.comparator is not None:
        probability = probability_of_target(
            history,
            judged_calibration,
            judged_scaled,
            judged_horizon,
            anchor,
            common.target,
            common.comparator,
        )
    fan = pd.DataFrame({"period_month": pd.to_datetime(months), "is_extension": is_extension})
    quantiles = np.quantile(running, list(QUANTILES.values()), axis=1)
    for name, row in zip(QUANTILES, quantiles, strict=True):
        fan[name] = row
    # The rows of 31 December and 31 January are the calibrated distributions themselves
    # (the paths' quantiles differ from them only by the finite number of paths).
    for name in QUANTILES:
        fan.loc[len(state.periods) - 1, name] = december[name]
        if extension_interval is not None:
            fan.loc[len(state.periods), name] = getattr(extension_interval, name)
    score = summary.score(method)
    assert score is not None
    is_extrapolated = judged_calibration.is_extrapolated(judged_horizon)
    parts: dict[str, object] = {
        "method": method,
        "model": fitted.model,
        "mae": score.mae,
        "n_methods": len(summary.scores),
        "n_origins": score.n_origins,
        "first_year": summary.years[0],
        "last_year": summary.years[-1],
        "is_extrapolated": is_extrapolated,
        "break": "up" if shift > 0 else "down" if shift < 0 else "",
        "horizon": judged_horizon,
        "longest": int(judged_calibration.horizons[-1]),
        "unit": unit,
    }
    if is_fallback:
        parts["failed"] = str(summary.chosen)
    code: ReasonCode = "fallback" if is_fallback else "chosen_by_backtest"
    values_per_period = period_values if history.is_cumulative else 100.0 * period_values
    return Projection(
        indicator_code=common.indicator.code,
        year=year,
        method=method,
        model=fitted.model,
        reason=_english(code, parts),
        reason_code=code,
        central=judged_bands["central"],
        lower_50=judged_bands["lower_50"],
        upper_50=judged_bands["upper_50"],
        lower_80=judged_bands["lower_80"],
        upper_80=judged_bands["upper_80"],
        lower_95=judged_bands["lower_95"],
        upper_95=judged_bands["upper_95"],
        target=common.target,
        comparator=common.comparator,
        probability=probability,
        n_paths=n,
        seed=common.seed,
        months_remaining=common.months_remaining,
        n_points=common.n_points,
        judgement_date=common.judgement_date,
        horizon=judged_horizon,
        is_extrapolated=is_extrapolated,
        year_end=december_interval,
        extension=extension_interval,
        backtest=summary,
        reason_parts=parts,
        year_values=_read_only(judged_values),
        fan=fan,
        paths=_read_only(running),
        period_values=_read_only(values_per_period),
        expected_denominators=_read_only(state.expected_denominators),
    )


def _extension_paths(
    common: _Common,
    report: BacktestReport,
    method: MethodCode,
    state: YearState,
    december_values: np.ndarray,
    december_point: float,
    origin: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, Interval, float, int, Calibration] | None:
    """Each path's 31 January value, calibrated by the extension backtest."""
    history, year = common.history, common.year
    fractions = extension_fractions(history, year, origin)
    point = extension_central(december_point, fractions)
    calibration = calibration_for(report, method, before_year=year, judgement="extension")
    if not math.isfinite(point) or calibration is None:
        return None
    calibration = calibration.widened(volatility_factor(history, year, origin))
    anchor = state.year_to_date
    point = bounded(history, point, anchor)
    horizon = year * 12 + EXTENSION_MONTH - origin
    scaled = float(to_scale(history, point, anchor))
    caps = np.maximum(100.0, december_values)
    drawn = fractions[rng.integers(0, fractions.size, december_values.size)]
    model = december_values + drawn * (caps - december_values)
    wanted = _by_rank(
        model,
        _stratified(history, calibration, scaled, horizon, anchor, december_values.size),
        rng,
    )
    january = np.maximum(wanted, december_values)
    bands = _bands(history, calibration, scaled, horizon, anchor)
    return january, Interval(dt.date(year + 1, 1, 31), False, **bands), scaled, horizon, calibration
