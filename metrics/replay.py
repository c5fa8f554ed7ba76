"""Real-time replay of the projections: what the app would have shown at every past month,
scored against how each year really ended.

The backtest (:mod:`metrics.backtest`) scores each candidate method on the warehouse's
current data. The replay instead goes back to each past day, reads the figures as they
stood at the end of that day (the app's "Số liệu tại ngày" / ``as_of``: later loads and
revisions unseen), and builds the Overview's tile exactly as the app does
(:func:`metrics.overview.headline_tile`: the latest complete month, the backtest of the
series as it stood, the method it chose, its calibration from the test years before the
year). Nothing known later leaks into a projection.

Origins: for each plan year, the last day of each month from February to December, so
that January … November is the latest month that has ended (the app's "as of" that day).
The truth is the year's value at the judgement date in the current data.

Rows are kept for the method in use (``IN_USE``) and for every candidate asked for by
name (:func:`metrics.projection.project_year` with ``method``), so the rule the issue
sets — the method in use no worse than the plain seasonal rule — can be checked on the
same origins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.backtest import BacktestReport, backtest
from metrics.clock import add_months, month_end
from metrics.forecasting import METHODS, MethodCode
from metrics.overview import headline_tile
from metrics.periods import check_series
from metrics.projection import Projection, project_year
from metrics.registry import Indicator
from metrics.review import year_result
from metrics.targets import meets

IN_USE = "in_use"
"""The ``method`` of the rows holding what the app showed (the backtest's choice)."""
CANDIDATE_PATHS = 200
"""Paths of the candidates' own projections: their central value, bands and probability
come from the calibrated distribution itself, not from the paths, so this only saves
time."""
BANDS = ("50", "80", "95")
COLUMNS = (
    "year",
    "day",
    "as_of_month",
    "method",
    "used",
    "central",
    "lower_50",
    "upper_50",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
    "probability",
    "target",
    "comparator",
    "actual",
)


def replay_days(year: int) -> list[dt.date]:
    """The origins of ``year``: the last day of February … December.

    >>> [d.isoformat() for d in replay_days(2025)][:2], replay_days(2025)[-1].isoformat()
    (['2025-02-28', '2025-03-31'], '2025-12-31')
    """
    return [month_end(add_months(dt.date(year, month, 1), 1)) for month in range(1, 12)]


def replay_years(final: pd.DataFrame, indicator: Indicator) -> list[int]:
    """Every year whose value at the judgement date is known, except the first year of
    data (nothing earlier to forecast it from)."""
    checked = check_series(final)
    if checked.empty:
        return []
    years = sorted(int(y) for y in checked["period_year"].unique())
    out = []
    for year in years[1:]:
        result = year_result(checked, indicator, year)
        if result is not None and result.is_complete and math.isfinite(result.value):
            out.append(year)
    return out


def _past_key(series: pd.DataFrame, year: int) -> tuple[str, int]:
    """What :func:`metrics.backtest.backtest` reads of a series whose last plan year is
    ``year`` (in progress): every row of the plan years before it, and that last year.
    Two days of one year with the same earlier rows have the same report."""
    past = series.loc[series["period_year"] < year, ["period_year", "period_month"]].assign(
        numerator=series["numerator"], denominator=series["denominator"]
    )
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(past, index=False).to_numpy().tobytes()
    ).hexdigest()
    return digest, int(series["period_year"].max()) if not series.empty else -1


@dataclass
class ReportCache:
    """Backtest reports of the replay's series, shared by the days that read the same
    earlier years (the report depends on nothing else)."""

    reports: dict[tuple[str, str, int], BacktestReport]

    def __init__(self) -> None:
        self.reports = {}

    def get(self, series: pd.DataFrame, indicator: Indicator, year: int) -> BacktestReport:
        key = (indicator.code, *_past_key(series, year))
        if key not in self.reports:
            self.reports[key] = backtest(series, indicator)
        return self.reports[key]


def _row(
    year: int,
    day: dt.date,
    as_of_month: pd.Timestamp | None,
    method: str,
    projection: Projection | None,
    actual: float,
) -> tuple[object, ...]:
    used = "no_tile" if projection is None else projection.method
    values: list[float] = [math.nan] * 7
    probability = math.nan
    target, comparator = math.nan, ""
    if projection is not None:
        if projection.central is not None:
            values = [
                float(getattr(projection, name))
                for name in ("central", *(f"{s}_{b}" for b in BANDS for s in ("lower", "upper")))
            ]
        if projection.probability is not None:
            probability = projection.probability
        if projection.target is not None and projection.comparator is not None:
            target, comparator = projection.target, projection.comparator
    return (
        year,
        day,
        as_of_month,
        method,
        used,
        *values,
        probability,
        target,
        comparator,
        actual,
    )


def replay(
    series_at: Callable[[dt.date], pd.DataFrame],
    final: pd.DataFrame,
    indicator: Indicator,
    *,
    years: Iterable[int] | None = None,
    methods: Iterable[MethodCode] = METHODS,
    cache: ReportCache | None = None,
) -> pd.DataFrame:
    """Replay the projections of ``indicator`` at every origin of ``years``.

    Parameters
    ----------
    series_at : callable
        The indicator's series (whole city or one scope) as it stood at the end of a day
        — :func:`data_access.queries.scope_series` with ``as_of``.
    final : DataFrame
        The same series now: the truth.
    indicator : Indicator
    years : iterable of int, optional
        Default :func:`replay_years`.
    methods : iterable of str
        Candidates to replay by name beside the method in use.
    cache : ReportCache, optional
        Shared backtest reports (one is made when not given).

    Returns
    -------
    DataFrame
        One row per day × method (``IN_USE`` first): ``year``, ``day``, ``as_of_month``
        (the tile's data month; NaT without a tile), ``method``, ``used`` (the method the
        projection used, ``"none"`` when it said there was too little history,
        ``"no_tile"`` when the year had no complete month yet), ``central`` and the
        bands (NaN without a projection), ``probability``, ``target``, ``comparator``,
        ``actual`` (the year's value at the projection's judgement date).
    """
    cache = cache if cache is not None else ReportCache()
    methods = tuple(methods)
    rows: list[tuple[object, ...]] = []
    for year in years if years is not None else replay_years(final, indicator):
        result = year_result(final, indicator, year)
        if result is None:
            continue
        for day in replay_days(year):
            series = series_at(day)
            report = cache.get(series, indicator, year)
            tile = headline_tile(series, indicator, year, day, backtest_report=report)
            if tile is None:
                rows.append(_row(year, day, None, IN_USE, None, result.value))
                continue
            projection = tile.projection
            actual = result.value
            if projection.judgement_date.year > year and result.value_with_extension is not None:
                actual = result.value_with_extension
            rows.append(_row(year, day, tile.as_of_month, IN_USE, projection, actual))
            visible = series.loc[series["period_month"] <= tile.as_of_month]
            for method in methods:
                own = project_year(
                    visible,
                    indicator,
                    year,
                    n_paths=CANDIDATE_PATHS,
                    backtest_report=report,
                    method=method,
                )
                rows.append(_row(year, day, tile.as_of_month, method, own, actual))
    return pd.DataFrame(rows, columns=list(COLUMNS))


@dataclass(frozen=True, slots=True)
class ReplayScore:
    """One method's replay figures over the origins where it gave a projection."""

    method: str
    n: int
    """Origins with a projection (central value and bands)."""
    n_without: int
    """Origins with a complete month but no projection (too little history)."""
    mae: float
    bias: float
    coverage_50: float
    coverage_80: float
    coverage_95: float
    brier: float | None
    n_brier: int
    years: tuple[int, ...]
    """The years of the origins with a projection."""


def score(frame: pd.DataFrame, method: str) -> ReplayScore:
    """Figures of ``method``'s rows of a :func:`replay` frame."""
    rows = frame.loc[(frame["method"] == method) & (frame["used"] != "no_tile")]
    projected = rows.loc[rows["central"].notna()]
    actual = projected["actual"].to_numpy(dtype="float64")
    central = projected["central"].to_numpy(dtype="float64")
    errors = central - actual
    coverage = {}
    for band in BANDS:
        low = projected[f"lower_{band}"].to_numpy(dtype="float64")
        high = projected[f"upper_{band}"].to_numpy(dtype="float64")
        inside = (low <= actual) & (actual <= high)
        coverage[band] = float(inside.mean()) if inside.size else math.nan
    with_target = projected.loc[projected["probability"].notna() & projected["target"].notna()]
    brier = None
    if not with_target.empty:
        met = np.array(
            [
                float(meets(float(a), float(t), ">=" if c != "<=" else "<="))
                for a, t, c in zip(
                    with_target["actual"],
                    with_target["target"],
                    with_target["comparator"],
                    strict=True,
                )
            ]
        )
        probabilities = with_target["probability"].to_numpy(dtype="float64")
        brier = float(np.mean((probabilities - met) ** 2))
    return ReplayScore(
        method=method,
        n=len(projected),
        n_without=len(rows) - len(projected),
        mae=float(np.mean(np.abs(errors))) if errors.size else math.nan,
        bias=float(np.mean(errors)) if errors.size else math.nan,
        coverage_50=coverage["50"],
        coverage_80=coverage["80"],
        coverage_95=coverage["95"],
        brier=brier,
        n_brier=len(with_target),
        years=tuple(sorted(int(y) for y in projected["year"].unique())),
    )


def scores(frame: pd.DataFrame) -> list[ReplayScore]:
    """:func:`score` of the method in use, then of each candidate in the frame's order."""
    methods = list(dict.fromkeys(frame["method"]))
    return [score(frame, method) for method in methods]
