"""The candidate forecasting methods, and the reduced series they read.

Pure: a series DataFrame is reduced once to a :class:`History` (dense arrays), and every
method is a pair of functions on it — :func:`prepare` (estimate the model's parameters
on the plan years before the year being forecast) and :func:`forecast` (filter the
data up to an origin with those parameters and forecast the rest of the year). The
backtest (:mod:`metrics.backtest`) calls them at every past origin, the projection
(:mod:`metrics.projection`) at the latest one, so what is shown is exactly what was
backtested.

Candidates (``METHODS``):

``seasonal_profile``
    Monthly and quarterly rates: the latest level (logit of the last three months' rate,
    or the last quarter's) plus, period by period, how the rest of the year stood against
    that level in each earlier year ("this year's pattern relative to earlier years").
    Disbursement: the year to date plus the remaining increase of each earlier plan year
    from the same month (the plain seasonal rule). The median over earlier years is the
    point forecast.
``ets``
    statsmodels ETS with additive errors: rates on the logit of the period's rate
    (damped trend, with an additive season when there are three years of points; the
    lower AICc of the two wins — both are ETS models of the same data, so their
    information criteria compare); disbursement on log(1 + the monthly flow in % of the
    plan in force), level + season or damped trend + season, by AICc.
``sarimax``
    statsmodels SARIMAX: rates ARIMA(0,1,1) with drift on the logit scale; disbursement
    flows SARIMA(1,0,0)(0,1,1)₁₂ on the log(1 + flow) scale. ETS and SARIMAX are never
    compared by information criteria, only by the backtest.
``drift``
    A random walk with drift on the same scale as ETS.

Parameters are estimated once per plan year, on the data before it, and the states are
then updated month by month with those parameters: the same procedure at every origin
of the backtest and at today's origin.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.sarimax import SARIMAX

from metrics.periods import SeriesShape, check_series, period_index, periods_per_year

MethodCode = Literal["seasonal_profile", "ets", "sarimax", "drift"]
METHODS: tuple[MethodCode, ...] = ("seasonal_profile", "ets", "sarimax", "drift")
"""Every candidate, in the order they are listed."""
RATE_CLIP = (0.001, 0.999)
"""Period rates are clipped to [0.1 %, 99.9 %] before the logit."""
EXTENSION_MONTH = 12
"""Column of the January-extension month in :attr:`History.values`."""

_ETSSpec = tuple[str | None, bool, str | None]  # trend, damped, seasonal


@dataclass(frozen=True, slots=True)
class _Rules:
    ets_seasonal: int | None
    ets_trend: int | None
    sarimax: int
    drift: int


_RULES: dict[tuple[SeriesShape, int], _Rules] = {
    (SeriesShape.MONTHLY_FLOW, 12): _Rules(ets_seasonal=36, ets_trend=24, sarimax=24, drift=3),
    (SeriesShape.ANNUAL, 4): _Rules(ets_seasonal=12, ets_trend=8, sarimax=8, drift=3),
    (SeriesShape.ANNUAL, 1): _Rules(ets_seasonal=None, ets_trend=8, sarimax=8, drift=3),
    (SeriesShape.CUMULATIVE, 12): _Rules(ets_seasonal=24, ets_trend=None, sarimax=24, drift=3),
}


# ------------------------------------------------------------------------ history


@dataclass(frozen=True, slots=True)
class History:
    """An indicator's series reduced to dense arrays, built once by :func:`build_history`.

    Flow shapes (monthly rates, annual rates on quarters or years): one entry per period
    from ``first_index`` to ``last_index`` (:func:`metrics.periods.period_index`), NaN
    where the series has no row. Cumulative (disbursement): one row per plan year from
    ``first_year``; ``values[:, j]`` is the year-to-date % at the end of month ``j + 1``
    (column 12: the January extension), ``flows[:, j]`` the month's flow in % of the plan
    in force (NaN where the month or the month before is missing). ``last_index`` is then
    a calendar month index (``year × 12 + month − 1``) of the latest row.
    """

    shape: SeriesShape
    period: int
    first_index: int
    last_index: int | None
    numerators: np.ndarray
    denominators: np.ndarray
    first_year: int
    values: np.ndarray
    flows: np.ndarray

    @property
    def is_cumulative(self) -> bool:
        return self.shape is SeriesShape.CUMULATIVE

    @property
    def is_empty(self) -> bool:
        return self.last_index is None

    # -- flow shapes

    def rates(self, until: int) -> tuple[np.ndarray, np.ndarray]:
        """Period indices and rates (0–1) of the valid periods up to ``until``."""
        n = self.numerators.size
        stop = min(max(until - self.first_index + 1, 0), n)
        numerators = self.numerators[:stop]
        denominators = self.denominators[:stop]
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = numerators / denominators
        valid = np.isfinite(rates) & (denominators > 0)
        index = np.arange(self.first_index, self.first_index + stop)
        return index[valid], rates[valid]

    def at(self, index: int) -> tuple[float, float]:
        """Numerator and denominator of period ``index`` (NaN when absent)."""
        position = index - self.first_index
        if 0 <= position < self.numerators.size:
            return float(self.numerators[position]), float(self.denominators[position])
        return math.nan, math.nan

    # -- cumulative

    def plan_year_row(self, year: int) -> int | None:
        row = year - self.first_year
        return row if 0 <= row < self.values.shape[0] else None

    def cumulative_value(self, year: int, column: int, until: int) -> float:
        """The YTD % of ``year`` at ``column`` if observed by calendar month ``until``."""
        row = self.plan_year_row(year)
        if row is None or year * 12 + column > until:
            return math.nan
        return float(self.values[row, column])

    def flow_points(self, until: int) -> tuple[np.ndarray, np.ndarray]:
        """Calendar month indices and flows (% of plan) of the valid flows up to ``until``."""
        months = (self.first_year + np.arange(self.flows.shape[0]))[:, None] * 12 + np.arange(12)
        flat_months = months.ravel()
        flat = self.flows.ravel()
        keep = np.isfinite(flat) & (flat_months <= until)
        return flat_months[keep], flat[keep]


def build_history(series: pd.DataFrame, shape: SeriesShape) -> History:
    """Reduce a series (see :mod:`metrics.periods`) to a :class:`History`.

    Examples
    --------
    >>> frame = pd.DataFrame({"period_year": [2025, 2025],
    ...     "period_month": ["2025-01-01", "2025-03-01"],
    ...     "numerator": [1.0, 3.0], "denominator": [4.0, 4.0]})
    >>> history = build_history(frame, SeriesShape.MONTHLY_FLOW)
    >>> history.first_index, history.last_index, history.numerators.tolist()
    (24300, 24302, [1.0, nan, 3.0])
    """
    checked = check_series(series)
    empty = np.empty((0, 13))
    if shape is SeriesShape.CUMULATIVE:
        return _cumulative_history(checked)
    period = periods_per_year(checked, shape)
    if checked.empty:
        return History(shape, period, 0, None, np.array([]), np.array([]), 0, empty, empty)
    index = period_index(checked["period_month"], period)
    grouped = (
        pd.DataFrame(
            {
                "t": index,
                "numerator": checked["numerator"].to_numpy(),
                "denominator": checked["denominator"].to_numpy(),
            }
        )
        .groupby("t", sort=True)
        .sum(min_count=1)
    )
    first, last = int(grouped.index.min()), int(grouped.index.max())
    dense = grouped.reindex(range(first, last + 1))
    return History(
        shape=shape,
        period=period,
        first_index=first,
        last_index=last,
        numerators=dense["numerator"].to_numpy(dtype="float64"),
        denominators=dense["denominator"].to_numpy(dtype="float64"),
        first_year=0,
        values=empty,
        flows=empty[:, :12],
    )


def _cumulative_history(checked: pd.DataFrame) -> History:
    months = checked["period_month"]
    column = (months.dt.year - checked["period_year"]) * 12 + months.dt.month - 1
    keep = (column >= 0) & (column <= EXTENSION_MONTH)
    rows = checked.loc[keep].assign(column=column[keep])
    if rows.empty:
        empty = np.empty((0, 13))
        return History(
            SeriesShape.CUMULATIVE, 12, 0, None, np.array([]), np.array([]), 0, empty, empty
        )
    grouped = rows.groupby(["period_year", "column"], sort=True)[["numerator", "denominator"]].sum(
        min_count=1
    )
    first_year = int(rows["period_year"].min())
    last_year = int(rows["period_year"].max())
    n_years = last_year - first_year + 1
    numerators = np.full((n_years, 13), np.nan)
    denominators = np.full((n_years, 13), np.nan)
    years = grouped.index.get_level_values(0).to_numpy(dtype=np.int64) - first_year
    columns = grouped.index.get_level_values(1).to_numpy(dtype=np.int64)
    numerators[years, columns] = grouped["numerator"].to_numpy(dtype="float64")
    denominators[years, columns] = grouped["denominator"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(denominators > 0, 100.0 * numerators / denominators, np.nan)
        before = np.concatenate([np.zeros((n_years, 1)), numerators[:, :11]], axis=1)
        flows = np.where(
            denominators[:, :12] > 0,
            100.0 * (numerators[:, :12] - before) / denominators[:, :12],
            np.nan,
        )
    calendar = (rows["period_month"].dt.year * 12 + rows["period_month"].dt.month - 1).max()
    return History(
        shape=SeriesShape.CUMULATIVE,
        period=12,
        first_index=first_year * 12,
        last_index=int(calendar),
        numerators=np.array([]),
        denominators=np.array([]),
        first_year=first_year,
        values=values,
        flows=flows,
    )


# ------------------------------------------------------------------ fitted models


@dataclass(frozen=True, slots=True)
class Fitted:
    """A candidate ready to forecast the plan year ``year`` (parameters estimated on the
    data before it; nothing to estimate for the profile and drift)."""

    method: MethodCode
    year: int
    model: str
    """Display name, e.g. ``ETS(A,Ad,A)``, ``SARIMA(1,0,0)(0,1,1)12``."""
    spec: tuple[object, ...]
    params: np.ndarray | None
    n_points: int


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """Why a candidate cannot forecast here: ``reason`` is a code with its numbers."""

    method: MethodCode
    reason: Literal["too_few_points", "no_earlier_year", "fit_failed"]
    needed: int
    got: int


@dataclass(frozen=True, slots=True)
class Forecast:
    """A candidate's forecast of the periods left in a plan year (to 31 December).

    ``periods`` are period indices (flow shapes) or calendar month indices (cumulative);
    ``central`` and ``paths`` hold each period's value — the rate (0–1) for flow shapes,
    the flow in % of the plan for disbursement. ``paths`` has shape (periods, n_paths),
    or is None when no paths were asked for.
    """

    method: MethodCode
    model: str
    periods: np.ndarray
    central: np.ndarray
    paths: np.ndarray | None
    n_points: int


def _rules(history: History) -> _Rules:
    return _RULES.get((history.shape, history.period), _RULES[(SeriesShape.ANNUAL, 1)])


def _points(history: History, until: int) -> tuple[np.ndarray, np.ndarray]:
    """The modelled points up to ``until``: (period/month index, value on the model scale)."""
    if history.is_cumulative:
        months, flows = history.flow_points(until)
        return months, np.log1p(np.clip(flows, 0.0, None))
    index, rates = history.rates(until)
    return index, logit(np.clip(rates, *RATE_CLIP))


def _year_start(history: History, year: int) -> int:
    return year * history.period


def _year_end(history: History, year: int) -> int:
    """The last period of the plan year before any extension (December / Q4)."""
    return year * history.period + history.period - 1


def prepare(method: MethodCode, history: History, year: int) -> Fitted | NotApplicable:
    """Estimate ``method`` on the data before plan year ``year``.

    Returns
    -------
    Fitted or NotApplicable
        NotApplicable (with the points needed and available) when there is too little
        history, or the model cannot be fitted.
    """
    rules = _rules(history)
    _, x = _points(history, _year_start(history, year) - 1)
    if method == "seasonal_profile":
        return Fitted(method, year, "seasonal profile", (), None, int(x.size))
    if method == "drift":
        return Fitted(method, year, "random walk with drift", (), None, int(x.size))
    if method == "ets":
        return _prepare_ets(history, year, x, rules)
    return _prepare_sarimax(history, year, x, rules)


def _ets_name(spec: _ETSSpec) -> str:
    trend, damped, seasonal = spec
    trend_code = "N" if trend is None else ("Ad" if damped else "A")
    return f"ETS(A,{trend_code},{'A' if seasonal else 'N'})"


def _ets_model(x: np.ndarray, spec: _ETSSpec, period: int, initialization: str) -> ETSModel:
    trend, damped, seasonal = spec
    return ETSModel(
        x,
        error="add",
        trend=trend,
        damped_trend=damped,
        seasonal=seasonal,
        seasonal_periods=period if seasonal else None,
        initialization_method=initialization,
    )


def _initialization(n_points: int, period: int, seasonal: bool) -> str:
    """Heuristic initial states (Hyndman et al. §2.6) when statsmodels allows them: 10
    points, plus half a season on each side for a seasonal model."""
    needed = 10 + 2 * (period // 2) if seasonal else 10
    return "heuristic" if n_points >= needed else "estimated"


def _prepare_ets(
    history: History, year: int, x: np.ndarray, rules: _Rules
) -> Fitted | NotApplicable:
    period = history.period
    specs: list[_ETSSpec]
    if history.is_cumulative:
        needed = rules.ets_seasonal or 0
        specs = [(None, False, "add"), ("add", True, "add")]
    elif rules.ets_seasonal is not None and x.size >= rules.ets_seasonal:
        needed = rules.ets_seasonal
        specs = [("add", True, "add"), ("add", True, None)]
    else:
        needed = rules.ets_trend or 0
        specs = [("add", True, None)]
    if x.size < needed:
        return NotApplicable("ets", "too_few_points", needed, int(x.size))
    initialization = min(
        (_initialization(x.size, period, spec[2] is not None) for spec in specs),
        key=lambda method: method != "estimated",
    )
    best: tuple[float, _ETSSpec, np.ndarray] | None = None
    for spec in specs:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = _ets_model(x, spec, period, initialization).fit(disp=False)
        except (ValueError, np.linalg.LinAlgError):
            continue
        aicc = float(getattr(result, "aicc", math.nan))
        score = aicc if math.isfinite(aicc) else math.inf
        if best is None or score < best[0]:
            best = (score, spec, np.asarray(result.params, dtype="float64"))
    if best is None:
        return NotApplicable("ets", "fit_failed", needed, int(x.size))
    _, spec, params = best
    return Fitted("ets", year, _ets_name(spec), (spec, initialization), params, int(x.size))


def _sarimax_spec(history: History) -> tuple[tuple[int, int, int], tuple[int, int, int, int], str]:
    if history.is_cumulative:
        return (1, 0, 0), (0, 1, 1, 12), "n"
    return (0, 1, 1), (0, 0, 0, 0), "t"


DRIFT_SUFFIX = " with drift"
"""Ends a model's name that has a drift term (``ARIMA(0,1,1) with drift``, the usual
notation); pages put the words in the reader's language (``app_pages._ui.model_text``)."""


def _sarimax_name(history: History) -> str:
    order, seasonal, trend = _sarimax_spec(history)
    name = "ARIMA({},{},{})".format(*order)
    if seasonal[3]:
        name = "SARIMA({},{},{})".format(*order) + "({},{},{}){}".format(*seasonal)
    return name + (DRIFT_SUFFIX if trend == "t" else "")


def _sarimax_model(x: np.ndarray, history: History) -> SARIMAX:
    order, seasonal, trend = _sarimax_spec(history)
    return SARIMAX(x, order=order, seasonal_order=seasonal, trend=trend)


def _prepare_sarimax(
    history: History, year: int, x: np.ndarray, rules: _Rules
) -> Fitted | NotApplicable:
    if x.size < rules.sarimax:
        return NotApplicable("sarimax", "too_few_points", rules.sarimax, int(x.size))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = _sarimax_model(x, history).fit(disp=False)
    except (ValueError, np.linalg.LinAlgError):
        return NotApplicable("sarimax", "fit_failed", rules.sarimax, int(x.size))
    params = np.asarray(result.params, dtype="float64")
    if not np.all(np.isfinite(params)):
        return NotApplicable("sarimax", "fit_failed", rules.sarimax, int(x.size))
    return Fitted("sarimax", year, _sarimax_name(history), (), params, int(x.size))


# -------------------------------------------------------------------- forecasting


def last_observed(history: History, year: int, origin: int) -> int | None:
    """The last period of ``year`` observed by ``origin`` (a valid rate; for disbursement a
    month of the plan year with a value), or None."""
    if history.is_cumulative:
        row = history.plan_year_row(year)
        if row is None:
            return None
        columns = [
            j
            for j in range(12)
            if year * 12 + j <= origin and math.isfinite(history.values[row, j])
        ]
        return year * 12 + columns[-1] if columns else None
    index, _ = history.rates(origin)
    in_year = index[index >= _year_start(history, year)]
    return int(in_year[-1]) if in_year.size else None


def future_periods(history: History, year: int, origin: int) -> np.ndarray:
    """The periods of plan year ``year`` left to forecast at ``origin``, to 31 December (or
    Q4): those after the last period observed (a missing period before it is not
    forecast; a missing one after it is)."""
    if history.is_cumulative:
        seen = last_observed(history, year, origin)
        start = _year_start(history, year) if seen is None else seen + 1
    else:
        index, _ = history.rates(origin)
        last = int(index[-1]) if index.size else origin
        start = max(last + 1, _year_start(history, year))
    return np.arange(start, _year_end(history, year) + 1)


def forecast(
    fitted: Fitted,
    history: History,
    year: int,
    origin: int,
    *,
    n_paths: int = 0,
    rng: np.random.Generator | None = None,
) -> Forecast | NotApplicable:
    """Forecast the periods of ``year`` after ``origin`` with a prepared candidate.

    ``origin`` is the last period (calendar month, for disbursement) whose data are
    used; nothing later is read. With ``n_paths`` > 0, simulated paths come too.
    """
    periods = future_periods(history, year, origin)
    index, x = _points(history, origin)
    generator = rng if rng is not None else np.random.default_rng(0)
    if fitted.method == "seasonal_profile":
        return _profile(history, year, origin, periods, n_paths, fitted, generator)
    rules = _rules(history)
    if x.size < rules.drift:
        return NotApplicable(fitted.method, "too_few_points", rules.drift, int(x.size))
    last_point = int(index[-1])
    steps = int(periods[-1] - last_point) if periods.size else 0
    if periods.size == 0 or steps <= 0:
        empty = np.empty((0, max(n_paths, 0)))
        return Forecast(fitted.method, fitted.model, periods, np.array([]), empty, int(x.size))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean, paths = _model_forecast(fitted, history, x, steps, n_paths, generator)
    except (ValueError, np.linalg.LinAlgError, FloatingPointError):
        return NotApplicable(fitted.method, "fit_failed", rules.drift, int(x.size))
    keep = slice(steps - periods.size, steps)
    central = _to_value(history, mean[keep])
    path_values = _to_value(history, paths[keep]) if paths is not None else None
    return Forecast(fitted.method, fitted.model, periods, central, path_values, int(x.size))


def _to_value(history: History, x: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.clip(np.expm1(x), 0.0, None) if history.is_cumulative else expit(x)
    return out


def _model_forecast(
    fitted: Fitted,
    history: History,
    x: np.ndarray,
    steps: int,
    n_paths: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray | None]:
    if fitted.method == "drift":
        diffs = np.diff(x)
        drift = float(diffs.mean())
        mean = x[-1] + drift * np.arange(1, steps + 1)
        paths = _drift_paths(x, steps, n_paths, rng) if n_paths else None
        return mean, paths
    assert fitted.params is not None
    if fitted.method == "ets":
        spec, initialization = fitted.spec
        result = _ets_model(x, spec, history.period, str(initialization)).smooth(  # type: ignore[arg-type]
            fitted.params
        )
        mean = np.asarray(result.forecast(steps), dtype="float64")
        paths = None
        if n_paths:
            simulated = result.simulate(steps, anchor="end", repetitions=n_paths, rng=rng)
            paths = np.asarray(simulated, dtype="float64").reshape(steps, n_paths)
    else:
        result = _sarimax_model(x, history).filter(fitted.params)
        mean = np.asarray(result.forecast(steps), dtype="float64")
        paths = None
        if n_paths:
            simulated = result.simulate(steps, anchor="end", repetitions=n_paths, rng=rng)
            paths = np.asarray(simulated, dtype="float64").reshape(steps, n_paths)
    if not np.all(np.isfinite(mean)) or (paths is not None and not np.all(np.isfinite(paths))):
        raise FloatingPointError("forecast is not finite")
    return mean, paths


def _drift_paths(x: np.ndarray, steps: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """Random walk with drift; the drift's own uncertainty is drawn per path."""
    diffs = np.diff(x)
    drift = float(diffs.mean())
    sd = float(diffs.std(ddof=1)) if diffs.size >= 2 else 0.0
    drift_paths = drift + rng.standard_normal(n_paths) * sd / math.sqrt(diffs.size)
    shocks = rng.standard_normal((steps, n_paths)) * sd
    ahead = np.arange(1, steps + 1, dtype="float64")[:, None]
    paths: np.ndarray = x[-1] + ahead * drift_paths[None, :] + np.cumsum(shocks, axis=0)
    return paths


# ------------------------------------------------------------------ denominators

GROWTH_CLIP = (0.5, 2.0)
"""The year-on-year growth applied to expected denominators is kept within these bounds."""


def expected_denominators_at(history: History, origin: int, periods: np.ndarray) -> np.ndarray:
    """Expected denominators of ``periods`` from the data up to ``origin`` (flow shapes).

    D̂ₜ = D₍ₜ₋ₚ₎ × g: the same period a year earlier (actual, else itself projected)
    times g = Σ D over the last year ÷ Σ D over the year before, clipped to
    ``GROWTH_CLIP`` (1 without two full years); a period with no year-earlier value
    gets the mean of the last three positive denominators.
    """
    period = history.period
    stop = min(max(origin - history.first_index + 1, 0), history.denominators.size)
    known = history.denominators[:stop]

    def at(t: int) -> float:
        position = t - history.first_index
        return float(known[position]) if 0 <= position < stop else math.nan

    recent = [at(t) for t in range(origin - period + 1, origin + 1)]
    before = [at(t) for t in range(origin - 2 * period + 1, origin - period + 1)]
    growth = 1.0
    if all(math.isfinite(d) for d in recent + before) and sum(before) > 0:
        growth = float(np.clip(sum(recent) / sum(before), *GROWTH_CLIP))
    positive = known[np.isfinite(known) & (known > 0)]
    fallback = float(positive[-3:].mean()) if positive.size else 0.0
    projected: dict[int, float] = {}
    out = np.empty(periods.size)
    for i, t in enumerate(periods.tolist()):
        base = projected.get(t - period, at(t - period))
        projected[t] = fallback if not math.isfinite(base) else base * growth
        out[i] = projected[t]
    return out


# ---------------------------------------------------------------- seasonal profile

PROFILE_BASE_PERIODS = {12: 3, 4: 1, 1: 1}
"""The latest level of a rate is the ratio of sums of its last three months (one
quarter, one year)."""


def _base_logit(history: History, last: int, width: int) -> float:
    """Logit of the ratio of sums of the ``width`` periods ending at ``last`` (all valid)."""
    numerator = denominator = 0.0
    for t in range(last - width + 1, last + 1):
        n, d = history.at(t)
        if not (math.isfinite(n) and math.isfinite(d) and d > 0):
            return math.nan
        numerator += n
        denominator += d
    return float(logit(np.clip(numerator / denominator, *RATE_CLIP)))


def _rate_logit(history: History, t: int) -> float:
    n, d = history.at(t)
    if not (math.isfinite(n) and math.isfinite(d) and d > 0):
        return math.nan
    return float(logit(np.clip(n / d, *RATE_CLIP)))


def _profile(
    history: History,
    year: int,
    origin: int,
    periods: np.ndarray,
    n_paths: int,
    fitted: Fitted,
    rng: np.random.Generator,
) -> Forecast | NotApplicable:
    if history.is_cumulative:
        return _profile_cumulative(history, year, origin, periods, n_paths, fitted, rng)
    period = history.period
    width = PROFILE_BASE_PERIODS.get(period, 1)
    index, _ = history.rates(origin)
    if index.size == 0:
        return NotApplicable("seasonal_profile", "no_earlier_year", 1, 0)
    last = int(index[-1])
    base = _base_logit(history, last, width)
    if not math.isfinite(base):
        base = _rate_logit(history, last)
    shapes = []
    for shift in range(1, (last - history.first_index) // period + 1):
        lag = shift * period
        if periods.size and int(periods[-1]) - lag > last:
            continue
        earlier_base = _base_logit(history, last - lag, width)
        if not math.isfinite(earlier_base):
            continue
        earlier = np.array([_rate_logit(history, int(t) - lag) for t in periods])
        if not np.all(np.isfinite(earlier)):
            continue
        shapes.append(earlier - earlier_base)
    if not shapes:
        return NotApplicable("seasonal_profile", "no_earlier_year", 1, 0)
    uplift = np.array(shapes)  # (years, periods)
    central = expit(base + np.median(uplift, axis=0))
    paths = None
    if n_paths:
        # Each path repeats one earlier year's pattern, drawn at random.
        chosen = rng.integers(0, uplift.shape[0], n_paths)
        paths = expit(base + uplift[chosen].T)
    return Forecast("seasonal_profile", fitted.model, periods, central, paths, len(shapes))


def _profile_cumulative(
    history: History,
    year: int,
    origin: int,
    periods: np.ndarray,
    n_paths: int,
    fitted: Fitted,
    rng: np.random.Generator,
) -> Forecast | NotApplicable:
    # Months of the plan year already observed: the remaining increase of earlier years
    # is taken from the same month.
    done = 12 - periods.size
    increments = []
    for earlier in range(history.first_year, year):
        row = history.plan_year_row(earlier)
        if row is None or earlier * 12 + 11 > origin:
            continue
        values = history.values[row, :12]
        start = values[done - 1] if done > 0 else 0.0
        later = values[done:]
        if not (math.isfinite(start) and np.all(np.isfinite(later))):
            continue
        steps = np.diff(np.concatenate([[start], later]))
        increments.append(steps)
    if not increments:
        return NotApplicable("seasonal_profile", "no_earlier_year", 1, 0)
    flows = np.array(increments)  # (years, months) in pp of the plan
    cumulative = np.cumsum(flows, axis=1)
    central = np.diff(np.concatenate([[0.0], np.median(cumulative, axis=0)]))
    paths = None
    if n_paths:
        chosen = rng.integers(0, flows.shape[0], n_paths)
        paths = flows[chosen].T
    return Forecast(
        "seasonal_profile",
        fitted.model,
        periods,
        np.clip(central, 0.0, None),
        paths,
        len(increments),
    )


def extension_fractions(history: History, year: int, origin: int) -> np.ndarray:
    """Each earlier plan year's January extension as a share of the plan it had left.

    (value at 31 January − value at 31 December) ÷ (100 − value at 31 December), for the
    plan years before ``year`` whose extension month is observed by ``origin``; clipped
    to [0, 1].
    """
    fractions = []
    for earlier in range(history.first_year, year):
        december = history.cumulative_value(earlier, 11, origin)
        january = history.cumulative_value(earlier, EXTENSION_MONTH, origin)
        if not (math.isfinite(december) and math.isfinite(january)):
            continue
        cap = max(100.0, december)
        if cap - december <= 0:
            continue
        fractions.append((january - december) / (cap - december))
    out: np.ndarray = np.clip(np.array(fractions, dtype="float64"), 0.0, 1.0)
    return out
