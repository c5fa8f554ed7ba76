"""The simulation: a validated scenario applied to a baseline's paths, vectorised with numpy.

Each lever turns into a change of the period values (rates in percentage points; monthly
flows in % of the plan) or, for the sector levers, into value added lost or gained by
sector and month. The changes are accumulated into year-to-date values the same way the
projection accumulates its own (a ratio of sums with the expected denominators; the
year to date plus the flows for disbursement) and added to the baseline paths. A lever at
its neutral value adds exactly zero, so the baseline comes back bit for bit.

Uncertain effects (the processing-time lever's effect on satisfaction) are drawn per path
from a generator seeded by the scenario's seed and the lever, so the same scenario and
seed give the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from metrics.clock import add_months
from metrics.registry import Comparator
from metrics.targets import meets
from scenarios.baseline import (
    DIGITAL,
    DISBURSEMENT,
    ONLINE,
    SATISFACTION,
    Baseline,
    Economy,
    IndicatorPaths,
)
from scenarios.levers import Catalogue, Context, Scenario, load_catalogue, validate

ENGINE_VERSION = "1.0"
"""Saved with each run: a saved scenario run by another version says so."""
BANDS: dict[str, float] = {
    "lower_95": 0.025,
    "lower_80": 0.10,
    "lower_50": 0.25,
    "central": 0.50,
    "upper_50": 0.75,
    "upper_80": 0.90,
    "upper_95": 0.975,
}
_LEVER_STREAM = {"processing_time": 1}
ONLINE_LEVER = "online_extra_growth"


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One indicator under a scenario: its paths, bands and probability of the target."""

    code: str
    period_months: tuple[dt.date, ...]
    is_extension: tuple[bool, ...]
    paths: np.ndarray = field(repr=False)
    judgement_index: int
    target: float | None
    comparator: Comparator | None
    anchor_month: dt.date | None = None
    anchor_value: float | None = None

    @property
    def year_values(self) -> np.ndarray:
        """Each path's value at the judgement date."""
        return np.asarray(self.paths[self.judgement_index])

    @property
    def probability(self) -> float | None:
        """Share of paths meeting the target at the judgement date (None without one)."""
        if self.target is None or self.comparator is None:
            return None
        met = meets(self.year_values, self.target, self.comparator)
        return float(np.mean(met))

    @property
    def median(self) -> float:
        return float(np.median(self.year_values))

    def bands(self) -> pd.DataFrame:
        """Per period: ``period_month``, ``is_extension`` and the 50/80/95 % bands."""
        quantiles = np.quantile(self.paths, list(BANDS.values()), axis=1)
        return pd.DataFrame(
            {
                "period_month": pd.to_datetime(list(self.period_months)),
                "is_extension": list(self.is_extension),
            }
            | {name: quantiles[i] for i, name in enumerate(BANDS)}
        )

    def judgement_bands(self) -> dict[str, float]:
        """The bands at the judgement date."""
        values = np.quantile(self.year_values, list(BANDS.values()))
        return {name: float(v) for name, v in zip(BANDS, values, strict=True)}


@dataclass(frozen=True, slots=True)
class GrdpResult:
    """The year's GRDP (billion VND) without and with the sector levers."""

    baseline: float
    scenario: float
    change_by_sector: Mapping[str, float]
    """Value added gained (+) or lost (−) by sector code, billion VND."""

    @property
    def change(self) -> float:
        return self.scenario - self.baseline

    @property
    def change_pct(self) -> float:
        return 100.0 * self.change / self.baseline if self.baseline else 0.0


@dataclass(frozen=True, slots=True)
class Result:
    """A scenario's simulated outcome."""

    scenario: Scenario
    year: int
    indicators: Mapping[str, IndicatorResult]
    grdp: GrdpResult | None
    engine_version: str = ENGINE_VERSION

    def summary(self) -> dict[str, Any]:
        """Plain figures for saving: per indicator the median, bands and probability at
        the judgement date, and GRDP."""
        indicators = {
            code: {
                "median": result.median,
                "probability": result.probability,
                "target": result.target,
                "bands": result.judgement_bands(),
            }
            for code, result in self.indicators.items()
        }
        grdp = (
            None
            if self.grdp is None
            else {
                "baseline": self.grdp.baseline,
                "scenario": self.grdp.scenario,
                "change_by_sector": dict(self.grdp.change_by_sector),
            }
        )
        return {"year": self.year, "indicators": indicators, "grdp": grdp}


def context(baseline: Baseline) -> Context:
    """What scenarios on ``baseline`` are validated against."""
    return Context(
        year=baseline.year,
        unit_ids=frozenset(baseline.units["unit_id"]),
        sector_codes=frozenset(baseline.economy.sector_codes if baseline.economy else ()),
        curve_years=tuple(sorted(baseline.curves)),
        first_projected={code: p.first_projected for code, p in baseline.indicators.items()},
        simulated=frozenset(baseline.indicators)
        | (frozenset({"grdp_current_prices"}) if baseline.economy else frozenset()),
    )


def scenario(
    baseline: Baseline,
    name: Any,
    overrides: Any,
    seed: Any = None,
    catalogue: Catalogue | None = None,
) -> Scenario:
    """:func:`scenarios.levers.validate` against ``baseline`` (seed: the baseline's)."""
    return validate(
        name, overrides, context(baseline), baseline.seed if seed is None else seed, catalogue
    )


# ------------------------------------------------------------------------- the levers


def _months_since(months: tuple[dt.date, ...], start: dt.date, first: dt.date) -> np.ndarray:
    """Months elapsed at the end of each month, counted from ``max(start, first)``
    (0 before it)."""
    origin = max(start, first)
    index = np.array([(m.year - origin.year) * 12 + m.month - origin.month + 1 for m in months])
    return np.asarray(np.maximum(index, 0), dtype="float64")


def _online_change(baseline: Baseline, paths: IndicatorPaths, params: Mapping[str, Any]) -> Any:
    """Change of the city's rate per period (pp): Σ over the chosen units of their share
    of dossiers × the extra growth, each unit capped at 100 %."""
    units = baseline.units
    if params["units"] != "all":
        chosen = units.loc[units["unit_id"].isin(params["units"])]
    elif params["lowest_n"]:
        chosen = units.sort_values(["rate", "unit_id"]).head(int(params["lowest_n"]))
    else:
        chosen = units
    total = float(units["denominator"].sum())
    if total <= 0 or chosen.empty:
        return np.zeros(len(paths.period_months))
    weights = chosen["denominator"].to_numpy() / total
    room = np.maximum(100.0 - chosen["rate"].to_numpy(), 0.0)
    elapsed = _months_since(paths.period_months, params["start_month"], paths.first_projected)
    extra = float(params["pp_per_month"]) * elapsed
    return (weights[None, :] * np.minimum(extra[:, None], room[None, :])).sum(axis=1)


def _satisfaction_change(
    paths: IndicatorPaths, params: Mapping[str, Any], rng: np.random.Generator
) -> np.ndarray:
    """pp per period and path: the on-time improvement × an effect drawn per path
    (normal, mean and sd of the lever, never below 0)."""
    effect = np.maximum(
        rng.normal(float(params["effect_mean"]), float(params["effect_sd"]), paths.n_paths), 0.0
    )
    on = np.array([m >= params["start_month"] for m in paths.period_months], dtype="float64")
    return float(params["on_time_pp"]) * on[:, None] * effect[None, :]


def milestone_curve(
    months: tuple[dt.date, ...], year_to_date: float, last_month: dt.date, targets: list[tuple]
) -> np.ndarray:
    """Year to date at each month when the rest of the year meets each quarterly
    milestone exactly, in a straight line from the last observed month between them.

    ``targets`` are (due month, value %) pairs.

    Examples
    --------
    >>> months = (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    >>> milestone_curve(months, 80.0, dt.date(2026, 10, 1), [(dt.date(2026, 12, 1), 95.0)])
    array([87.5, 95. ])
    """
    points = [(last_month, year_to_date)] + [
        (due, value) for due, value in sorted(targets) if due > last_month
    ]
    index = [p[0].year * 12 + p[0].month for p in points]
    values = [max(p[1], year_to_date) for p in points]
    at = [m.year * 12 + m.month for m in months]
    return np.asarray(np.interp(at, index, values), dtype="float64")


def _disbursement_change(
    baseline: Baseline, paths: IndicatorPaths, params: Mapping[str, Any]
) -> np.ndarray:
    """Change of each month's flow (% of plan), the same for every path: the chosen
    curve's flow minus the paths' mean flow (the January extension is left alone)."""
    mode = params["mode"]
    mean = paths.period_values.mean(axis=1)
    months = paths.period_months
    in_year = np.array([not e for e in paths.is_extension])
    if mode == "this_year_pace":
        observed = paths.observed_flows
        pace = float(observed.mean()) if observed.size else 0.0
        wanted = np.full(len(months), pace)
    elif mode == "earlier_year":
        curve = baseline.curves[int(params["curve_year"])]
        wanted = np.array([curve[m.month - 1] for m in months])
    elif mode == "milestones":
        indicator_targets = _milestones(baseline.year)
        year_months = tuple(m for m, e in zip(months, paths.is_extension, strict=True) if not e)
        last = add_months(months[0], -1)
        cumulative = milestone_curve(year_months, paths.year_to_date, last, indicator_targets)
        steps = np.diff(np.concatenate([[paths.year_to_date], cumulative]))
        wanted = np.zeros(len(months))
        wanted[: steps.size] = steps
    else:
        return np.zeros(len(months))
    return np.where(in_year, wanted - mean, 0.0)


def _milestones(year: int) -> list[tuple]:
    from metrics.registry import get_indicator

    indicator = get_indicator(DISBURSEMENT)
    found = [
        (dt.date(year, t.due_date.month, 1), t.value)
        for t in indicator.milestones(year)
        if t.due_date.month != 1
    ]
    in_force = indicator.year_end_target(year)
    if in_force is not None:
        found.append((dt.date(year, 12, 1), in_force.target.value))
    return sorted(set(found))


def _plan_factor(paths: IndicatorPaths, params: Mapping[str, Any]) -> np.ndarray:
    """Per period: plan before ÷ plan after the change (1 before it takes effect)."""
    factor = 1.0 / (1.0 + float(params["change_pct"]) / 100.0)
    return np.array([factor if m >= params["from_month"] else 1.0 for m in paths.period_months])


def activity(months: tuple[dt.date, ...], params: Mapping[str, Any]) -> np.ndarray:
    """The closed sectors' activity (0–1) in each month: ``activity_pct`` from the start
    month until the reopening month, then a straight line back to 1 over
    ``recovery_months``.

    Examples
    --------
    >>> months = tuple(dt.date(2026, m, 1) for m in range(1, 13))
    >>> params = {"start_month": dt.date(2026, 3, 1), "reopen_month": dt.date(2026, 5, 1),
    ...           "activity_pct": 40.0, "recovery_months": 2}
    >>> activity(months, params).round(2).tolist()
    [1.0, 1.0, 0.4, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """
    level = float(params["activity_pct"]) / 100.0
    start, reopen = params["start_month"], params["reopen_month"]
    recovery = int(params["recovery_months"])
    out = np.ones(len(months))
    for i, month in enumerate(months):
        if start <= month < reopen:
            out[i] = level
        elif month >= reopen and recovery > 0:
            after = (month.year - reopen.year) * 12 + month.month - reopen.month
            if after < recovery:
                out[i] = level + (1.0 - level) * (after + 1) / (recovery + 1)
    return out


def sector_change(economy: Economy, levers: Mapping[str, Mapping[str, Any]]) -> np.ndarray:
    """Value added gained (+) or lost (−) by sector and month (billion VND), from the
    closure and growth levers; the product taxes follow the production sectors' change.

    Notes
    -----
    Closure: −VAₖₘ × (1 − activityₘ) for each closed sector. Growth: VAₖₘ × g × m/12,
    with m the months since the start (g pp a year faster, accrued monthly). Taxes:
    taxₘ × (Σ production changeₘ ÷ Σ production VAₘ).
    """
    value_added = economy.sector_monthly()
    change = np.zeros_like(value_added)
    codes = list(economy.sector_codes)
    closure = levers.get("sector_closure")
    if closure and closure["sectors"]:
        shape = activity(economy.months, closure)
        for code in closure["sectors"]:
            k = codes.index(code)
            change[k] -= value_added[k] * (1.0 - shape)
    growth = levers.get("sector_growth")
    if growth and growth["sectors"] and float(growth["growth_pp"]) != 0.0:
        elapsed = _months_since(economy.months, growth["start_month"], economy.months[0])
        for code in growth["sectors"]:
            k = codes.index(code)
            change[k] += value_added[k] * float(growth["growth_pp"]) / 100.0 * elapsed / 12.0
    production = economy.is_production
    production_va = value_added[production].sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(production_va > 0, change[production].sum(axis=0) / production_va, 0.0)
    for tax in np.flatnonzero(~production):
        change[tax] = value_added[tax] * ratio
    return change


def _intensity(economy: Economy, catalogue: Catalogue) -> np.ndarray:
    return np.array(
        [
            catalogue.digital_intensity.get(code, catalogue.digital_intensity_default)
            for code in economy.sector_codes
        ]
    )


def _digital_change(
    economy: Economy,
    paths: IndicatorPaths,
    change: np.ndarray,
    catalogue: Catalogue,
) -> np.ndarray:
    """Change of the digital share's year-to-date paths from the sector changes.

    Notes
    -----
    Each sector's digital part is its value added × the path's share p × rₖ, with rₖ its
    intensity relative to the GRDP-weighted mean intensity (so the parts add up to p of
    GRDP). With Gₜ the year's GRDP through period t, Lₜ the value added gained (+) there
    and Rₜ = Σ rₖ × gainₖ, the share moves from p to p·(Gₜ + Rₜ) ÷ (Gₜ + Lₜ), i.e. by
    p·(Rₜ − Lₜ) ÷ (Gₜ + Lₜ): a change spread like GRDP itself leaves the share as it is.
    """
    intensity = _intensity(economy, catalogue)
    mean = float((intensity * economy.sector_shares).sum())
    relative = intensity / mean if mean > 0 else np.ones_like(intensity)
    monthly_change = change.sum(axis=0)
    monthly_weighted = (relative[:, None] * change).sum(axis=0)
    ends = [m.month for m in paths.period_months]
    gained = np.array([monthly_change[:end].sum() for end in ends])
    weighted = np.array([monthly_weighted[:end].sum() for end in ends])
    grdp_to = paths.observed_denominator + np.cumsum(paths.expected_denominators)
    factor = (weighted - gained) / (grdp_to + gained)
    return np.asarray(paths.paths * factor[:, None], dtype="float64")


# ------------------------------------------------------------------------ simulation


def _accumulate(paths: IndicatorPaths, change: np.ndarray) -> np.ndarray:
    """Year-to-date change from per-period changes, as the projection accumulates."""
    change = np.broadcast_to(
        change if change.ndim == 2 else change[:, None], paths.paths.shape
    ).astype("float64")
    if paths.is_cumulative:
        return np.cumsum(change, axis=0)
    expected = paths.expected_denominators
    periods = expected.size
    weighted = np.cumsum(change[:periods] * expected[:, None], axis=0)
    denominator = paths.observed_denominator + np.cumsum(expected)
    out = np.zeros_like(change)
    out[:periods] = weighted / denominator[:, None]
    return out


def simulate(
    baseline: Baseline,
    scenario: Scenario,
    catalogue: Catalogue | None = None,
    codes: tuple[str, ...] | None = None,
) -> Result:
    """Apply a validated scenario to the baseline's paths.

    Parameters
    ----------
    baseline : Baseline
    scenario : Scenario
        From :func:`scenario` (validated against this baseline).
    codes : tuple of str, optional
        Only these indicators (goal seek and the tornado chart need one).

    Returns
    -------
    Result
        Paths per indicator (rates kept within 0–100 %; disbursement capped at the plan),
        and GRDP with and without the sector levers.
    """
    catalogue = catalogue or load_catalogue()
    levers = scenario.levers
    results: dict[str, IndicatorResult] = {}
    active = set(scenario.active())
    change = sector_change(baseline.economy, levers) if baseline.economy is not None else None
    for code, paths in baseline.indicators.items():
        if codes is not None and code not in codes:
            continue
        new = paths.paths
        if code == ONLINE and ONLINE_LEVER in active:
            new = new + _accumulate(paths, _online_change(baseline, paths, levers[ONLINE_LEVER]))
        elif code == SATISFACTION and "processing_time" in active:
            rng = np.random.default_rng([scenario.seed, _LEVER_STREAM["processing_time"]])
            new = new + _accumulate(
                paths, _satisfaction_change(paths, levers["processing_time"], rng)
            )
        elif code == DISBURSEMENT:
            if "disbursement_curve" in active:
                delta = _disbursement_change(baseline, paths, levers["disbursement_curve"])
                new = new + _accumulate(paths, delta)
            if "capital_plan_change" in active:
                new = new * _plan_factor(paths, levers["capital_plan_change"])[:, None]
        elif code == DIGITAL and change is not None and np.any(change):
            assert baseline.economy is not None
            new = new + _digital_change(baseline.economy, paths, change, catalogue)
        upper = max(100.0, paths.year_to_date) if paths.is_cumulative else 100.0
        if new is not paths.paths:
            new = np.clip(new, 0.0, upper)
        results[code] = IndicatorResult(
            code=code,
            period_months=paths.period_months,
            is_extension=paths.is_extension,
            paths=new,
            judgement_index=paths.judgement_index,
            target=paths.target,
            comparator=paths.comparator,
            anchor_month=paths.anchor_month,
            anchor_value=paths.anchor_value,
        )
    grdp = None
    if baseline.economy is not None and change is not None:
        base_total = float(baseline.economy.grdp_monthly.sum())
        grdp = GrdpResult(
            baseline=base_total,
            scenario=base_total + float(change.sum()),
            change_by_sector={
                code: float(row.sum())
                for code, row in zip(baseline.economy.sector_codes, change, strict=True)
                if row.any()
            },
        )
    return Result(scenario=scenario, year=baseline.year, indicators=results, grdp=grdp)
