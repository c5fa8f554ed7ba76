"""Year-end projection of a rate indicator, with simulated paths and the probability of
reaching the year-end target.

How each shape is projected (see :mod:`metrics.periods` for the shapes):

* ``monthly_flow`` (online share, satisfaction, …): the monthly rate is modelled on the
  logit scale (clipped to [0.1 %, 99.9 %] first), simulated, back-transformed, applied to
  the expected denominators of the remaining months, and each path's year value is the
  ratio of sums of actual and simulated months.
* ``cumulative`` (disbursement): the monthly flow as a percentage of the plan in force is
  modelled on a ``log(1 + flow)`` scale (so simulated flows stay ≥ 0), simulated for the
  rest of the year and added to the year-to-date percentage; the December value is the
  result, capped at 100 % of the plan (no plan is disbursed beyond itself; a year to date
  already above 100 % after a plan cut is kept). The cumulative curve itself is never
  forecast.
* ``annual`` (digital-economy share): the same as ``monthly_flow`` on quarters.

Model choice, by the number of points the model is fitted on:

* monthly flow rates: seasonal ETS ≥ 36 months; damped-trend ETS ≥ 24; drift ≥ 3;
* annual indicators on quarters: seasonal ETS ≥ 12 quarters; damped-trend ETS ≥ 8;
  drift ≥ 3 (on yearly rows: damped-trend ETS ≥ 8 years; drift ≥ 3);
* disbursement flows: seasonal ETS ≥ 36 months; seasonal naive (each month as a year
  earlier, with the observed year-on-year spread) ≥ 13; drift ≥ 3 (flagged: it cannot
  see the fourth-quarter rush).

With enough points for seasonal ETS, the seasonal and the non-seasonal model are both
fitted and the lower AICc wins (both are ETS models of the same data with the same
initialisation, so their information criteria are comparable). Fewer than 3 points gives
method ``"none"``. Points are the periods with a positive denominator, taken in order (a
gap in the history is closed up, not filled).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from metrics.periods import (
    SeriesShape,
    check_series,
    in_year_rows,
    months_to_year_end,
    period_index,
    period_start_month,
    periods_per_year,
    series_shape,
    year_to_date,
)
from metrics.registry import Comparator, Indicator
from metrics.targets import meets

DEFAULT_N_PATHS = 2000
DEFAULT_SEED = 20251231
RATE_CLIP = (0.001, 0.999)
"""Monthly rates are clipped to [0.1 %, 99.9 %] before the logit."""
GROWTH_CLIP = (0.5, 2.0)
"""The year-on-year growth applied to expected denominators is kept within these bounds."""
SEASONAL_NAIVE_DEFAULT_SD = 0.3
"""Spread (log scale) of seasonal-naive flows when fewer than 2 year-on-year pairs exist."""

Method = Literal["ets", "drift", "seasonal_naive", "complete", "none"]
QUANTILES: dict[str, float] = {
    "lower_95": 0.025,
    "lower_80": 0.10,
    "lower_50": 0.25,
    "central": 0.50,
    "upper_50": 0.75,
    "upper_80": 0.90,
    "upper_95": 0.975,
}
"""Fan bands, as quantiles of the simulated paths."""


@dataclass(frozen=True, slots=True)
class _Rules:
    seasonal: int | None
    trend: int | None
    seasonal_naive: int | None
    drift: int
    noun: str


_MONTHLY_RULES = _Rules(seasonal=36, trend=24, seasonal_naive=None, drift=3, noun="monthly points")
_QUARTERLY_RULES = _Rules(
    seasonal=12, trend=8, seasonal_naive=None, drift=3, noun="quarterly points"
)
_YEARLY_RULES = _Rules(seasonal=None, trend=8, seasonal_naive=None, drift=3, noun="annual points")
_FLOW_RULES = _Rules(seasonal=36, trend=None, seasonal_naive=13, drift=3, noun="monthly flows")


@dataclass(frozen=True, slots=True)
class Projection:
    """The projected year value of an indicator and how it was obtained.

    Values are in the indicator's unit (percent). Interval bounds are quantiles of the
    simulated year values (80 %: 10th–90th percentile; 95 %: 2.5th–97.5th; 50 %:
    quartiles); ``central`` is their median. For a complete year all of them equal the
    actual value; for method ``"none"`` they are None.
    """

    indicator_code: str
    year: int
    method: Method
    """``"ets"``, ``"drift"``, ``"seasonal_naive"`` (disbursement with 13–35 months of
    history), ``"complete"`` (the year is over; the actual value), or ``"none"``."""
    model: str
    """The fitted model, e.g. ``"ETS(A,Ad,A)"``; empty for complete / none."""
    reason: str
    """Why this method, in words (e.g. why a drift model rather than ETS)."""
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
    """Share of simulated paths that reach the year-end target; None without a target
    or a projection; 1.0 / 0.0 for a complete year."""
    n_paths: int
    """Paths simulated (0 for complete / none)."""
    seed: int
    months_remaining: int
    """Months from the last observed period to 31 December of ``year``."""
    n_points: int
    """Observations the model was fitted on."""
    year_values: np.ndarray = field(compare=False, repr=False)
    """The simulated year values, one per path (read-only); the actual value alone for a
    complete year; empty for method ``"none"``."""
    fan: pd.DataFrame = field(compare=False, repr=False)
    """Year-to-date value by period for the rest of the year: ``period_month`` and one
    column per band (``lower_95`` … ``upper_95``, ``central``). Empty when nothing is
    simulated."""


@dataclass(frozen=True, slots=True)
class _Paths:
    values: np.ndarray  # shape (h, n_paths), on the model scale
    method: Method
    model: str
    reason: str


def _empty_fan() -> pd.DataFrame:
    return pd.DataFrame(
        {"period_month": pd.Series(dtype="datetime64[ns]")}
        | {name: pd.Series(dtype="float64") for name in QUANTILES}
    )


def _read_only(array: np.ndarray) -> np.ndarray:
    out = np.array(array, dtype="float64", copy=True)
    out.setflags(write=False)
    return out


# --------------------------------------------------------------------------- models


def _initialization(n_points: int, period: int, seasonal: bool) -> str:
    """Heuristic initial states (Hyndman et al. §2.6) when statsmodels allows them.

    Estimating 12 initial seasonal states by maximum likelihood costs ten times as much
    and gains little on these series; the heuristic needs 10 points (plus half a season
    on each side for a seasonal model).
    """
    needed = 10 + 2 * (period // 2) if seasonal else 10
    return "heuristic" if n_points >= needed else "estimated"


def _fit_ets(
    x: np.ndarray, spec: tuple[str | None, bool, str | None], period: int, initialization: str
) -> object:
    trend, damped, seasonal = spec
    with warnings.catch_warnings():
        # Convergence chatter on short or flat series; the fit is checked below.
        warnings.simplefilter("ignore")
        model = ETSModel(
            x,
            error="add",
            trend=trend,
            damped_trend=damped,
            seasonal=seasonal,
            seasonal_periods=period if seasonal else None,
            initialization_method=initialization,
        )
        return model.fit(disp=False)


def _ets_name(spec: tuple[str | None, bool, str | None]) -> str:
    trend, damped, seasonal = spec
    trend_code = "N" if trend is None else ("Ad" if damped else "A")
    return f"ETS(A,{trend_code},{'A' if seasonal else 'N'})"


def _ets_paths(
    x: np.ndarray,
    horizon: int,
    period: int,
    specs: list[tuple[str | None, bool, str | None]],
    n_paths: int,
    rng: np.random.Generator,
    scale_word: str,
) -> _Paths:
    fitted = []
    # One initialisation for every candidate, so that their AICc compare like with like.
    initialization = min(
        (_initialization(x.size, period, spec[2] is not None) for spec in specs),
        key=lambda method: method != "estimated",
    )
    for spec in specs:
        result = _fit_ets(x, spec, period, initialization)
        aicc = float(getattr(result, "aicc", math.nan))
        fitted.append((aicc if math.isfinite(aicc) else math.inf, spec, result))
    fitted.sort(key=lambda item: item[0])
    _, spec, result = fitted[0]
    simulated = result.simulate(  # type: ignore[attr-defined]
        horizon, anchor="end", repetitions=n_paths, rng=rng
    )
    values = np.asarray(simulated, dtype="float64").reshape(horizon, n_paths)
    if not np.all(np.isfinite(values)):
        raise FloatingPointError("simulated paths are not finite")
    name = _ets_name(spec)
    reason = f"{name} on {scale_word}, {x.size} points"
    if len(fitted) > 1:
        others = ", ".join(_ets_name(item[1]) for item in fitted[1:])
        reason += f"; chosen by AICc over {others}"
    return _Paths(values, "ets", name, reason)


def _drift_paths(x: np.ndarray, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """Random walk with drift; the drift's own uncertainty is drawn per path."""
    steps = np.diff(x)
    drift = float(steps.mean())
    sd = float(steps.std(ddof=1)) if steps.size >= 2 else 0.0
    drift_paths = drift + rng.standard_normal(n_paths) * sd / math.sqrt(steps.size)
    shocks = rng.standard_normal((horizon, n_paths)) * sd
    ahead = np.arange(1, horizon + 1, dtype="float64")[:, None]
    paths: np.ndarray = x[-1] + ahead * drift_paths[None, :] + np.cumsum(shocks, axis=0)
    return paths


def _seasonal_naive_paths(
    x: np.ndarray, horizon: int, period: int, n_paths: int, rng: np.random.Generator
) -> np.ndarray:
    """Each period repeats the same period a year earlier, plus noise of the observed
    year-on-year spread."""
    pairs = x[period:] - x[:-period]
    sd = float(pairs.std(ddof=1)) if pairs.size >= 2 else SEASONAL_NAIVE_DEFAULT_SD
    extended = np.empty((x.size + horizon, n_paths))
    extended[: x.size] = x[:, None]
    for step in range(horizon):
        position = x.size + step
        extended[position] = extended[position - period] + rng.standard_normal(n_paths) * sd
    return extended[x.size :]


def _simulate(
    x: np.ndarray,
    horizon: int,
    period: int,
    rules: _Rules,
    n_paths: int,
    rng: np.random.Generator,
    scale_word: str,
) -> _Paths | None:
    """Paths on the model scale, or None when there are too few points (method none)."""
    n_points = x.size
    if rules.seasonal is not None and n_points >= rules.seasonal:
        specs: list[tuple[str | None, bool, str | None]]
        if rules.trend is None:
            # Flows (disbursement): level + season, optionally a damped trend.
            specs = [(None, False, "add"), ("add", True, "add")]
        else:
            specs = [("add", True, "add"), ("add", True, None)]
        try:
            return _ets_paths(x, horizon, period, specs, n_paths, rng, scale_word)
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as error:
            fallback = f"ETS failed to fit ({error})"
    elif rules.trend is not None and n_points >= rules.trend:
        try:
            return _ets_paths(x, horizon, period, [("add", True, None)], n_paths, rng, scale_word)
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as error:
            fallback = f"ETS failed to fit ({error})"
    else:
        kind = "seasonal ETS" if rules.trend is None else "ETS"
        needed = rules.seasonal if rules.trend is None else rules.trend
        fallback = f"needs {needed} {rules.noun} for {kind}; got {n_points}"
    if rules.seasonal_naive is not None and n_points >= rules.seasonal_naive:
        values = _seasonal_naive_paths(x, horizon, period, n_paths, rng)
        reason = f"{fallback} — seasonal naive model used (each month as a year earlier)"
        return _Paths(values, "seasonal_naive", "seasonal naive", reason)
    if n_points >= rules.drift:
        reason = f"{fallback} — drift model used"
        if rules.seasonal_naive is not None:
            reason += " (no seasonality: likely to understate year-end disbursement)"
        return _Paths(
            _drift_paths(x, horizon, n_paths, rng), "drift", "random walk with drift", reason
        )
    return None


# --------------------------------------------------------------- denominators


def _recent_growth(denominators: dict[int, float], last: int, period: int) -> float:
    recent = [denominators.get(t) for t in range(last - period + 1, last + 1)]
    before = [denominators.get(t) for t in range(last - 2 * period + 1, last - period + 1)]
    if any(d is None or not math.isfinite(d) for d in recent + before):
        return 1.0
    total_before = float(sum(before))  # type: ignore[arg-type]
    if total_before <= 0:
        return 1.0
    growth = float(sum(recent)) / total_before  # type: ignore[arg-type]
    return float(np.clip(growth, *GROWTH_CLIP))


def _project_denominators(
    denominators: dict[int, float], last: int, future: list[int], period: int
) -> np.ndarray:
    """Same period a year earlier (actual, else projected) × the recent year-on-year
    growth; without a year-earlier period, the mean of the last 3 positive ones."""
    growth = _recent_growth(denominators, last, period)
    positive = [d for t, d in sorted(denominators.items()) if math.isfinite(d) and d > 0]
    fallback = float(np.mean(positive[-3:])) if positive else 0.0
    projected: dict[int, float] = {}
    for t in future:
        base = denominators.get(t - period, projected.get(t - period))
        if base is None or not math.isfinite(base):
            projected[t] = fallback
        else:
            projected[t] = base * growth
    return np.array([projected[t] for t in future], dtype="float64")


@dataclass(frozen=True, slots=True)
class _FlowData:
    """A monthly-flow or annual series reduced to what the projection needs."""

    period: int  # periods per year
    index: np.ndarray  # period index of every row up to the year
    numerators: np.ndarray
    denominators: np.ndarray
    year_start: int
    year_end: int

    @property
    def valid(self) -> np.ndarray:
        finite: np.ndarray = np.isfinite(self.numerators) & np.isfinite(self.denominators)
        return finite & (self.denominators > 0)

    @property
    def last(self) -> int | None:
        return int(self.index.max()) if self.index.size else None

    @property
    def future(self) -> list[int]:
        start = self.year_start if self.last is None else self.last + 1
        return list(range(start, self.year_end + 1))

    @property
    def in_year(self) -> np.ndarray:
        return (self.index >= self.year_start) & (self.index <= self.year_end)


def _flow_data(checked: pd.DataFrame, shape: SeriesShape, year: int) -> _FlowData:
    period = periods_per_year(checked, shape)
    rows = checked.loc[checked["period_month"].dt.year <= year]
    index = period_index(rows["period_month"], period)
    grouped = (
        pd.DataFrame(
            {
                "t": index,
                "numerator": rows["numerator"].to_numpy(),
                "denominator": rows["denominator"].to_numpy(),
            }
        )
        .groupby("t", sort=True)
        .sum(min_count=1)
    )
    return _FlowData(
        period=period,
        index=grouped.index.to_numpy(dtype=np.int64),
        numerators=grouped["numerator"].to_numpy(dtype="float64"),
        denominators=grouped["denominator"].to_numpy(dtype="float64"),
        year_start=year * period,
        year_end=year * period + period - 1,
    )


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
    data = _flow_data(check_series(series), shape, year)
    future = [t for t in data.future if t >= data.year_start]
    all_future = data.future
    known = dict(zip(data.index.tolist(), data.denominators.tolist(), strict=True))
    last = data.last if data.last is not None else data.year_start - 1
    projected = _project_denominators(known, last, all_future, data.period)
    keep = [i for i, t in enumerate(all_future) if t >= data.year_start]
    return pd.DataFrame(
        {
            "period_month": pd.to_datetime([period_start_month(t, data.period) for t in future]),
            "denominator": projected[keep] if keep else np.array([], dtype="float64"),
        }
    )


# ----------------------------------------------------------------- projection


def _summary(
    values: np.ndarray, target: float | None, comparator: Comparator | None
) -> dict[str, float | None]:
    quantiles = np.quantile(values, list(QUANTILES.values()))
    out: dict[str, float | None] = {
        name: float(q) for name, q in zip(QUANTILES, quantiles, strict=True)
    }
    if target is not None and comparator is not None:
        out["probability"] = float(np.mean(meets(values, target, comparator)))
    else:
        out["probability"] = None
    return out


def _fan(months: list[pd.Timestamp], running: np.ndarray) -> pd.DataFrame:
    if not months:
        return _empty_fan()
    quantiles = np.quantile(running, list(QUANTILES.values()), axis=1)
    frame = pd.DataFrame({"period_month": pd.to_datetime(months)})
    for name, row in zip(QUANTILES, quantiles, strict=True):
        frame[name] = row
    return frame


def _projection(
    indicator: Indicator,
    year: int,
    *,
    method: Method,
    model: str,
    reason: str,
    values: np.ndarray,
    fan: pd.DataFrame,
    n_paths: int,
    seed: int,
    months_remaining: int,
    n_points: int,
) -> Projection:
    target_in_force = indicator.year_end_target(year)
    target = target_in_force.target.value if target_in_force else None
    comparator = target_in_force.target.comparator if target_in_force else None
    finite = values[np.isfinite(values)]
    if finite.size:
        summary = _summary(finite, target, comparator)
    else:
        summary = dict.fromkeys([*QUANTILES, "probability"])
    return Projection(
        indicator_code=indicator.code,
        year=year,
        method=method,
        model=model,
        reason=reason,
        central=summary["central"],
        lower_50=summary["lower_50"],
        upper_50=summary["upper_50"],
        lower_80=summary["lower_80"],
        upper_80=summary["upper_80"],
        lower_95=summary["lower_95"],
        upper_95=summary["upper_95"],
        target=target,
        comparator=comparator,
        probability=summary["probability"],
        n_paths=n_paths,
        seed=seed,
        months_remaining=months_remaining,
        n_points=n_points,
        year_values=_read_only(finite),
        fan=fan,
    )


def _none(
    indicator: Indicator, year: int, reason: str, seed: int, months_remaining: int, n_points: int
) -> Projection:
    return _projection(
        indicator,
        year,
        method="none",
        model="",
        reason=reason,
        values=np.array([], dtype="float64"),
        fan=_empty_fan(),
        n_paths=0,
        seed=seed,
        months_remaining=months_remaining,
        n_points=n_points,
    )


def _complete(
    indicator: Indicator, year: int, value: float, reason: str, seed: int, n_points: int
) -> Projection:
    if not math.isfinite(value):
        return _none(
            indicator,
            year,
            f"{year} is over but its value is undefined (zero denominator)",
            seed,
            0,
            n_points,
        )
    return _projection(
        indicator,
        year,
        method="complete",
        model="",
        reason=reason,
        values=np.array([value]),
        fan=_empty_fan(),
        n_paths=0,
        seed=seed,
        months_remaining=0,
        n_points=n_points,
    )


def _project_flow(
    checked: pd.DataFrame,
    indicator: Indicator,
    shape: SeriesShape,
    year: int,
    n_paths: int,
    seed: int,
) -> Projection:
    data = _flow_data(checked, shape, year)
    period = data.period
    rules = {12: _MONTHLY_RULES, 4: _QUARTERLY_RULES}.get(period, _YEARLY_RULES)
    valid = data.valid
    n_points = int(valid.sum())
    word = {12: "month", 4: "quarter", 1: "year"}[period]
    adjective = {12: "monthly", 4: "quarterly", 1: "annual"}[period]
    in_year = data.in_year
    n_in_year = int(in_year.sum())
    if data.last is not None and data.last >= data.year_end:
        value, _ = year_to_date(checked.loc[checked["period_month"].dt.year <= year], shape, year)
        reason = f"{year} is complete ({n_in_year} of {period} {word}s observed)"
        return _complete(indicator, year, value, reason, seed, n_points)
    if data.last is None:
        return _none(indicator, year, f"no {adjective} data up to {year}", seed, 12, 0)
    # A quarter's period_month is its last month, so this counts from the quarter's end.
    months_remaining = months_to_year_end(period_start_month(data.last, period), year)
    if n_points == 0:
        reason = f"no {adjective} data with a positive denominator up to {year}"
        return _none(indicator, year, reason, seed, months_remaining, 0)
    rates = np.clip(data.numerators[valid] / data.denominators[valid], *RATE_CLIP)
    x = logit(rates)
    future = data.future
    rng = np.random.default_rng(seed)
    scale = f"the logit of the {adjective} rate"
    paths = _simulate(x, len(future), period, rules, n_paths, rng, scale)
    if paths is None:
        reason = f"needs {rules.drift} {rules.noun} for a drift model; got {n_points}"
        return _none(indicator, year, reason, seed, months_remaining, n_points)
    known = dict(zip(data.index.tolist(), data.denominators.tolist(), strict=True))
    expected = _project_denominators(known, data.last, future, period)
    keep = np.array([t >= data.year_start for t in future])
    shares = expit(paths.values[keep])  # (periods left in year, n_paths)
    expected_in_year = expected[keep][:, None]
    observed_numerator = float(np.nansum(data.numerators[in_year]))
    observed_denominator = float(np.nansum(data.denominators[in_year]))
    cumulative_numerator = observed_numerator + np.cumsum(shares * expected_in_year, axis=0)
    cumulative_denominator = observed_denominator + np.cumsum(expected_in_year, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        running = 100.0 * cumulative_numerator / cumulative_denominator
    months = [period_start_month(t, period) for t in future if t >= data.year_start]
    return _projection(
        indicator,
        year,
        method=paths.method,
        model=paths.model,
        reason=paths.reason,
        values=running[-1],
        fan=_fan(months, running),
        n_paths=n_paths,
        seed=seed,
        months_remaining=months_remaining,
        n_points=n_points,
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


def _project_cumulative(
    checked: pd.DataFrame, indicator: Indicator, year: int, n_paths: int, seed: int
) -> Projection:
    flows = plan_year_flows(checked, year)
    usable = flows.loc[np.isfinite(flows["flow_share_pct"])]
    n_points = len(usable)
    rows = in_year_rows(checked, year)
    if rows.empty:
        ytd = 0.0
        last_month = None
    else:
        ytd = float(rows["value"].iloc[-1])
        last_month = pd.Timestamp(rows["period_month"].iloc[-1])
    months_remaining = months_to_year_end(last_month, year)
    if last_month is not None and last_month.month == 12:
        reason = f"{year} is complete (December observed)"
        return _complete(indicator, year, ytd, reason, seed, n_points)
    if not math.isfinite(ytd):
        return _none(
            indicator,
            year,
            "the plan in force is 0; the year to date is undefined",
            seed,
            months_remaining,
            n_points,
        )
    if n_points == 0:
        return _none(indicator, year, f"no monthly data up to {year}", seed, months_remaining, 0)
    history_last = pd.Timestamp(flows["period_month"].iloc[-1])
    last_index = int(history_last.year) * 12 + int(history_last.month) - 1
    year_start = year * 12
    future = list(range(last_index + 1, year * 12 + 12))
    x = np.log1p(np.clip(usable["flow_share_pct"].to_numpy(dtype="float64"), 0.0, None))
    rng = np.random.default_rng(seed)
    paths = _simulate(
        x, len(future), 12, _FLOW_RULES, n_paths, rng, "log(1 + monthly flow, % of plan)"
    )
    if paths is None:
        reason = f"needs {_FLOW_RULES.drift} monthly flows for a drift model; got {n_points}"
        return _none(indicator, year, reason, seed, months_remaining, n_points)
    keep = np.array([t >= year_start for t in future])
    simulated = np.clip(np.expm1(paths.values[keep]), 0.0, None)
    # A plan cannot be disbursed beyond itself: paths stop at 100 % (or at the year to
    # date, if a plan cut has already pushed it above 100 %).
    cap = max(100.0, ytd)
    running = np.minimum(ytd + np.cumsum(simulated, axis=0), cap)
    months = [period_start_month(t, 12) for t in future if t >= year_start]
    return _projection(
        indicator,
        year,
        method=paths.method,
        model=paths.model,
        reason=paths.reason,
        values=running[-1],
        fan=_fan(months, running),
        n_paths=n_paths,
        seed=seed,
        months_remaining=months_remaining,
        n_points=n_points,
    )


def project_year(
    series: pd.DataFrame,
    indicator: Indicator,
    year: int,
    *,
    n_paths: int = DEFAULT_N_PATHS,
    seed: int = DEFAULT_SEED,
) -> Projection:
    """Project ``year``'s value of a rate indicator, with intervals and the probability
    of reaching its year-end target.

    Parameters
    ----------
    series : DataFrame
        One indicator at one scope (see :mod:`metrics.periods`). Rows after ``year``
        are ignored; rows before it are the model's history.
    indicator : Indicator
        The registry entry (a rate: monthly flow, cumulative or annual).
    year : int
        The year to project.
    n_paths : int, default 2000
        Simulated paths.
    seed : int
        Seed of the random generator: the same seed gives the same numbers.

    Returns
    -------
    Projection

    Raises
    ------
    ValueError
        For an indicator that is not a rate, or ``n_paths < 1``.

    Notes
    -----
    Monthly flow / annual: year value per path = (Σ actual numerators + Σ simulated
    rate × expected denominator) ÷ (Σ actual denominators + Σ expected denominators)
    × 100 (see :func:`expected_denominators`). Cumulative: December value per path =
    min(YTD % + Σ simulated monthly flows in % of the plan, 100 %). See the module
    docstring for the model choice.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> months = pd.date_range("2025-01-01", "2025-06-01", freq="MS")
    >>> frame = pd.DataFrame({"period_year": 2025, "period_month": months,
    ...     "numerator": [40.0, 41, 43, 44, 46, 47], "denominator": 100.0})
    >>> p = project_year(frame, get_indicator("online_dossier_share"), 2025, n_paths=200, seed=1)
    >>> p.method, p.months_remaining
    ('drift', 6)
    >>> p.reason
    'needs 24 monthly points for ETS; got 6 — drift model used'
    """
    if not indicator.is_rate:
        raise ValueError(
            f"project_year models rates (numerator ÷ denominator); {indicator.code} is a "
            f"{indicator.unit} — project its numerator as a flow instead"
        )
    if n_paths < 1:
        raise ValueError(f"n_paths must be at least 1; got {n_paths}")
    shape = series_shape(indicator)
    checked = check_series(series)
    if shape is SeriesShape.CUMULATIVE:
        return _project_cumulative(checked, indicator, year, n_paths, seed)
    return _project_flow(checked, indicator, shape, year, n_paths, seed)
