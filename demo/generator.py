"""The demo generator: numbers in, DataFrames out, no database.

``generate_demo`` turns the reference units, a last month and a seed into the demo units
and the observation batches that ``demo.build`` loads. Everything is drawn from
``numpy.random.default_rng([seed, part])`` (one stream per part, so a change in one part
does not shift the others) and is calibrated to the published city figures in
``demo.calibration``:

- monthly rates (online share, satisfaction, on time, e-results) are drawn per unit on the
  logit scale (a unit's lasting effect, its trend and monthly noise) and shifted, month by
  month, so that the ratio of sums over all units hits the month's city target exactly;
- disbursement follows a territory curve through the published points (monotone cubic in
  the day of the plan year, then adjusted so that interpolating month-end values by day
  passes exactly through each point), split among investors by their plans and pace;
- quarterly GRDP and digital-economy figures add up to the published annual ones.

See ``demo/README.md`` for what is real and what is invented.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator
from scipy.optimize import brentq
from scipy.special import expit

from data_access.writes import CAPITAL_PLAN_COLUMNS, OBSERVATION_COLUMNS, TOTAL_BREAKDOWN
from demo import calibration as cal
from demo import dimensions as dim
from demo.units import BOARDS, DEPARTMENT_PLAN_SHARE, DEPARTMENTS, demo_unit_rows
from metrics.clock import add_months, month_end
from metrics.reference import COMMUNE_LEVEL_TYPES

SIZES = ("S", "M", "L")
"""Sizes: S is the demo; M and L are the benchmark tiers, the demo plus the synthetic bulk
of ``demo.tiers`` (added by ``demo.build``; the generator's own batches are the same)."""

DOSSIER_INDICATORS = (
    "dossiers_received",
    "online_dossier_share",
    "satisfaction_rate",
    "on_time_rate",
    "e_result_rate",
)
DISBURSEMENT = "public_investment_disbursement"
QUARTERLY_INDICATORS = (
    "grdp_current_prices",
    "digital_economy_share_grdp",
    "digital_economy_share_grdp_statistics",
)
SOURCE_NAME = "demo generator"
SUBMITTED_BY = "demo"

# The parts of the generator, each with its own random stream.
_PART_DOSSIERS, _PART_DISBURSEMENT, _PART_TIMING, _PART_GAPS = 1, 2, 3, 4
_PART_PROCEDURES = 5

LATE_UNIT_COUNT = 3
MISSING_DOSSIER_UNITS = (1, 3, 6)
"""Units with no submission yet in the third-last, second-last and last month."""
MISSING_INVESTORS = (0, 1, 3)
REVISIONS: tuple[tuple[str, dt.date, int | None], ...] = (
    # (indicator, month, plan year for disbursement): loaded first with errors, then corrected
    ("online_dossier_share", dt.date(2025, 8, 1), None),
    ("satisfaction_rate", dt.date(2025, 11, 1), None),
    (DISBURSEMENT, dt.date(2025, 9, 1), 2025),
    ("dossiers_received", dt.date(2024, 12, 1), None),
    ("on_time_rate", dt.date(2026, 6, 1), None),
    ("e_result_rate", dt.date(2023, 3, 1), None),
)
MAX_INVESTOR_SHARE = 0.995
"""No investor disburses more than this share of its plan."""
LOAD_GRACE = dt.timedelta(minutes=5)
"""No batch is loaded later than this before the build's ``now``."""


# --- calendar helpers -----------------------------------------------------------------------


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first``'s to ``last``'s, inclusive."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first.replace(day=1), i) for i in range(max(count, 0))]


def days_in_month(month: dt.date) -> int:
    """Number of days in ``month``'s month."""
    return calendar.monthrange(month.year, month.month)[1]


def window_month_weights(start: dt.date, end: dt.date) -> dict[dt.date, float]:
    """Each month the days ``start``–``end`` (inclusive) overlap, with the share of its days.

    Examples
    --------
    >>> window_month_weights(dt.date(2025, 7, 1), dt.date(2025, 9, 10))[dt.date(2025, 9, 1)]
    0.3333333333333333
    """
    weights = {}
    for month in month_starts(start, end):
        first = max(start, month)
        last = min(end, month_end(month))
        weights[month] = ((last - first).days + 1) / days_in_month(month)
    return weights


def path_values(path: Sequence[tuple[dt.date, float]], months: Sequence[dt.date]) -> np.ndarray:
    """A path given at a few months, linearly interpolated to ``months`` (flat beyond)."""
    x = [_ordinal(d) for d, _ in path]
    y = [v for _, v in path]
    return np.interp([_ordinal(m) for m in months], x, y)


def _ordinal(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


# --- rates ----------------------------------------------------------------------------------


def calibrate_logit_shift(weights: np.ndarray, offsets: np.ndarray, target_percent: float) -> float:
    """The shift ``c`` with ``Σ w·expit(c + offsets) / Σ w = target``.

    Parameters
    ----------
    weights
        Each unit's denominator (non-negative, not all zero).
    offsets
        Each unit's logit-scale effect.
    target_percent
        The ratio of sums wanted, in percent (strictly between 0 and 100).

    Examples
    --------
    >>> c = calibrate_logit_shift(np.array([1.0, 3.0]), np.array([-1.0, 1.0]), 60.0)
    >>> round(float(np.dot([1.0, 3.0], expit(c + np.array([-1.0, 1.0]))) / 4 * 100), 6)
    60.0
    """
    target = target_percent / 100.0
    total = float(weights.sum())
    if not 0.0 < target < 1.0 or total <= 0:
        raise ValueError(
            f"target must be within (0, 100) and weights positive; got {target_percent}"
        )

    def gap(shift: float) -> float:
        return float(np.dot(weights, expit(shift + offsets))) / total - target

    return float(brentq(gap, -40.0, 40.0, xtol=1e-12))


def _solve_level(
    months: Sequence[dt.date],
    weights: Mapping[dt.date, float],
    denominators: Mapping[dt.date, float],
    fixed: Mapping[dt.date, float],
    shape: Mapping[dt.date, float],
    aim: float,
) -> float:
    """The level ``L`` such that the weighted ratio over ``months`` equals ``aim``.

    A month in ``shape`` has the target ``L + shape[month]``; the others take ``fixed``.
    """
    total = sum(weights[m] * denominators[m] for m in months)
    known = sum(weights[m] * denominators[m] * fixed[m] for m in months if m not in shape)
    free = sum(weights[m] * denominators[m] for m in months if m in shape)
    offsets = sum(weights[m] * denominators[m] * shape[m] for m in months if m in shape)
    return (aim * total - known - offsets) / free


# --- disbursement ---------------------------------------------------------------------------


def plan_year_months(plan_year: int) -> list[dt.date]:
    """The 13 months of a plan year: January to December and the extension January."""
    return month_starts(dt.date(plan_year, 1, 1), dt.date(plan_year + 1, 1, 1))


def _day_of_plan_year(plan_year: int, day: dt.date) -> int:
    """Days from 1 January of the plan year to the end of ``day``."""
    return (day - dt.date(plan_year, 1, 1)).days + 1


def month_end_curve(plan_year: int, knots: Sequence[cal.Knot]) -> np.ndarray:
    """Cumulative percent at the end of each of the plan year's 13 months.

    A monotone cubic (PCHIP) in the day of the plan year through (1 January, 0) and the
    knots gives a first curve; then, knot by knot in time, the month-end value after each
    knot is set so that interpolating by day within the month,
    ``cum(day) = cum(end of last month) + day / days_in_month × flow(month)``, passes
    exactly through the knot.

    Raises
    ------
    ValueError
        When two knots fall in the same month, the last knot is not 31 January of the next
        year, or the knots do not give a non-decreasing curve.
    """
    ordered = sorted(knots, key=lambda k: k.day)
    months = plan_year_months(plan_year)
    if not ordered or ordered[-1].day != month_end(months[-1]):
        raise ValueError(f"plan year {plan_year}: the last knot must be {month_end(months[-1])}")
    knot_months = [k.day.replace(day=1) for k in ordered]
    if len(set(knot_months)) != len(knot_months):
        raise ValueError(f"plan year {plan_year}: two knots in one month; keep one a month")
    curve = PchipInterpolator(
        [0.0] + [_day_of_plan_year(plan_year, k.day) for k in ordered],
        [0.0] + [k.percent for k in ordered],
    )
    ends = np.array([curve(_day_of_plan_year(plan_year, month_end(m))) for m in months])
    for knot, month in zip(ordered, knot_months, strict=True):
        index = months.index(month)
        before = ends[index - 1] if index else 0.0
        ends[index] = before + (knot.percent - before) * days_in_month(month) / knot.day.day
    if np.any(np.diff(np.concatenate([[0.0], ends])) < -1e-9):
        raise ValueError(f"plan year {plan_year}: the knots give a decreasing curve: {ends}")
    return ends


def cumulative_on_day(plan_year: int, month_end_values: Sequence[float], day: dt.date) -> float:
    """A cumulative value on ``day`` from month-end values, interpolated by day."""
    months = plan_year_months(plan_year)
    index = months.index(day.replace(day=1))
    before = month_end_values[index - 1] if index else 0.0
    flow = month_end_values[index] - before
    return float(before + flow * day.day / days_in_month(day))


def split_flows(totals: np.ndarray, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Split monthly totals among investors; returns their cumulative amounts.

    Parameters
    ----------
    totals
        Shape (months,): the territory's flow of each month (non-negative).
    weights
        Shape (investors, months): how much of a month's flow each investor would take
        (non-negative; a month's column must not be all zero where its total is positive).
    caps
        Shape (investors, months): the most an investor may have disbursed by the end of
        the month (its plan in force). A full investor's share goes to the others.

    Returns
    -------
    numpy.ndarray
        Shape (investors, months), cumulative: non-decreasing along months, each column
        summing to the cumulative total.
    """
    investors, count = weights.shape
    cumulative = np.zeros((investors, count))
    running = np.zeros(investors)
    for m in range(count):
        remaining = float(totals[m])
        if remaining < 0:
            raise ValueError(f"month {m}: negative flow {remaining}")
        flow = np.zeros(investors)
        open_ = np.ones(investors, dtype=bool)
        headroom = np.maximum(caps[:, m] - running, 0.0)
        while remaining > 1e-9:
            w = np.where(open_, weights[:, m], 0.0)
            if w.sum() <= 0:
                w = np.where(open_, headroom - flow, 0.0)
                if w.sum() <= 0:
                    raise ValueError(f"month {m}: {remaining:.3f} left over with every plan full")
            proposal = remaining * w / w.sum()
            room = headroom - flow
            over = open_ & (proposal >= room)
            if not over.any():
                flow += proposal
                remaining = 0.0
                break
            flow[over] += room[over]
            remaining -= float(room[over].sum())
            open_ &= ~over
        running = running + flow
        cumulative[:, m] = running
    return cumulative


def largest_remainder(shares: np.ndarray, total: float, step: float = 0.1) -> np.ndarray:
    """Amounts proportional to ``shares``, multiples of ``step``, summing exactly to ``total``.

    Examples
    --------
    >>> largest_remainder(np.array([1.0, 1.0, 1.0]), 10.0, 1.0).tolist()
    [4.0, 3.0, 3.0]
    """
    units = round(total / step)
    raw = shares / shares.sum() * units
    floor = np.floor(raw).astype(np.int64)
    short = units - int(floor.sum())
    order = np.argsort(-(raw - floor), kind="stable")
    floor[order[:short]] += 1
    rounded: np.ndarray = np.round(floor * step, 6)
    return rounded


def quarterly_split(annual: float, shares: Sequence[float]) -> np.ndarray:
    """Four whole quarterly amounts proportional to ``shares`` that sum exactly to ``annual``."""
    return largest_remainder(np.asarray(shares, dtype=float), annual, 1.0)


# --- the result -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """One submission to load: ``load_observation_batch(frame, submission_key=…)``."""

    submission_key: str
    loaded_at: dt.datetime
    frame: pd.DataFrame
    note: str | None = None
    is_draft: bool = False
    """A first version that a later batch with the same key corrects."""
    kind: str = "observations"
    """``observations`` (``load_observation_batch``) or ``capital_plans``
    (``load_capital_plan_batch``)."""


@dataclass(frozen=True, slots=True)
class DemoData:
    """What ``generate_demo`` returns: demo units and batches, in load order."""

    units: pd.DataFrame
    batches: tuple[BatchPlan, ...]
    last_month: dt.date
    seed: int
    size: str

    def current_observations(self) -> pd.DataFrame:
        """The observations as they stand once every batch is loaded (drafts replaced)."""
        frames = [b.frame for b in self.batches if not b.is_draft and b.kind == "observations"]
        return pd.concat(frames, ignore_index=True)

    def capital_plans(self) -> pd.DataFrame:
        """The investors' capital plans and their revisions, as loaded."""
        frames = [b.frame for b in self.batches if b.kind == "capital_plans"]
        return pd.concat(frames, ignore_index=True)


# --- the generator --------------------------------------------------------------------------


def generate_demo(
    reference_units: pd.DataFrame,
    *,
    last_month: dt.date,
    seed: int = 20251,
    size: str = "S",
    now: dt.datetime,
) -> DemoData:
    """Generate the demo warehouse's units and observation batches.

    Parameters
    ----------
    reference_units
        ``data_access.writes.reference_unit_rows()``: the city, the former provinces and
        the 168 commune-level units.
    last_month
        First day of the last month generated (from January 2020).
    seed
        Seed of every random draw; the same seed gives the same observations.
    size
        ``"S"``, the demo (see ``SIZES``).
    now
        Naive UTC time of the build: no batch is loaded after it.

    Returns
    -------
    DemoData
    """
    if size not in SIZES:
        raise ValueError(f"size {size!r} is not implemented; choose one of {', '.join(SIZES)}")
    if last_month.day != 1 or last_month < cal.FIRST_MONTH:
        raise ValueError(
            f"last_month must be the first day of a month from {cal.FIRST_MONTH}; got {last_month}"
        )
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    communes = (
        reference_units[reference_units["unit_type"].isin(COMMUNE_LEVEL_TYPES)]
        .sort_values("unit_id")
        .reset_index(drop=True)
    )
    months = month_starts(cal.FIRST_MONTH, last_month)
    horizon = month_starts(cal.FIRST_MONTH, dt.date(max(last_month.year, 2026), 12, 1))

    dossiers = _dossier_observations(
        communes, horizon, np.random.default_rng([seed, _PART_DOSSIERS])
    )
    # Split over the whole horizon before cutting at the last month, so the history does
    # not change when the last month moves.
    procedures = procedure_breakdowns(
        dossiers, communes, np.random.default_rng([seed, _PART_PROCEDURES])
    )
    dossiers = pd.concat([dossiers, procedures], ignore_index=True)
    dossiers = dossiers[dossiers["period_month"] <= last_month]
    disbursement = _disbursement_observations(
        communes, last_month, np.random.default_rng([seed, _PART_DISBURSEMENT])
    )
    plans = capital_plan_rows(disbursement)
    economy = _economy_observations(last_month)
    economy = pd.concat([economy, sector_breakdowns(economy)], ignore_index=True)
    batches = _plan_batches(
        dossiers,
        disbursement,
        economy,
        plans,
        communes=communes,
        months=months,
        now=now,
        timing=np.random.default_rng([seed, _PART_TIMING]),
        gaps=np.random.default_rng([seed, _PART_GAPS]),
    )
    return DemoData(demo_unit_rows(), tuple(batches), last_month, seed, size)


def _dossier_observations(
    communes: pd.DataFrame, months: list[dt.date], rng: np.random.Generator
) -> pd.DataFrame:
    """The five dossier indicators, one row per indicator × unit × month."""
    departments = pd.DataFrame(
        {"unit_id": [d.unit_id for d in DEPARTMENTS], "unit_type": "department"}
    )
    unit_ids = np.concatenate(
        [communes["unit_id"].to_numpy(str), departments["unit_id"].to_numpy(str)]
    )
    unit_types = np.concatenate(
        [communes["unit_type"].to_numpy(str), departments["unit_type"].to_numpy(str)]
    )
    former = np.concatenate(
        [communes["former_province"].to_numpy(str), np.full(len(DEPARTMENTS), cal.OLD_CITY)]
    )
    is_department = unit_types == "department"
    n_units, n_months = len(unit_ids), len(months)
    years = np.array([(_ordinal(m) - _ordinal(dt.date(2025, 7, 1))) / 12 for m in months])
    after_merger = np.array([m >= cal.MERGER_MONTH for m in months])

    # Volumes: size, growth, season, the lockdowns, the merger (communes took over the
    # districts' procedures), noise; scaled so that window 2 holds the published total.
    size = np.where(
        unit_types == "ward",
        rng.lognormal(np.log(1500), 0.5, n_units),
        np.where(unit_types == "commune", rng.lognormal(np.log(750), 0.5, n_units), 110.0),
    )
    size[is_department] = [d.monthly_dossiers for d in DEPARTMENTS]
    growth = rng.normal(0.03, 0.03, n_units)
    season = np.array([1.0, 0.72, 1.08, 1.0, 1.02, 1.0, 0.98, 1.0, 1.0, 1.03, 1.05, 1.12])
    shocks = {
        dt.date(2020, 4, 1): 0.55,
        dt.date(2021, 7, 1): 0.45,
        dt.date(2021, 8, 1): 0.35,
        dt.date(2021, 9, 1): 0.5,
        dt.date(2021, 10, 1): 0.8,
    }
    calendar_factor = np.array([season[m.month - 1] * shocks.get(m, 1.0) for m in months])
    merger_factor = np.where(
        is_department[:, None],
        np.where(after_merger, 0.95, 1.0)[None, :],
        np.where(after_merger, 1.0, 0.77)[None, :],
    )
    mean = (
        size[:, None]
        * (1 + growth[:, None]) ** years[None, :]
        * calendar_factor[None, :]
        * merger_factor
        * rng.lognormal(0.0, 0.07, (n_units, n_months))
    )
    window_2 = window_month_weights(*cal.ONLINE_SHARE_WINDOW_2)
    column = {m: i for i, m in enumerate(months)}
    window_total = sum(w * mean[:, column[m]].sum() for m, w in window_2.items())
    mean *= cal.DOSSIERS_WINDOW_2_TOTAL / window_total
    received = np.maximum(rng.poisson(mean), 1).astype(float)
    resolved = np.maximum(np.rint(received * rng.lognormal(-0.02, 0.04, received.shape)), 1)
    rating_share = np.clip(
        path_values(
            (
                (dt.date(2020, 1, 1), 0.18),
                (dt.date(2025, 6, 1), 0.55),
                (dt.date(2026, 12, 1), 0.62),
            ),
            months,
        )[None, :]
        * rng.lognormal(0.0, 0.25, (n_units, 1)),
        0.05,
        0.95,
    )
    rated = np.maximum(np.rint(resolved * rating_share), 1)

    # Lasting unit effects on the logit scale, shared in part across indicators (a capable
    # ward does well on several), plus each unit's own trend and monthly noise.
    capacity = rng.normal(0.0, 1.0, n_units)
    type_effect = (
        pd.Series(unit_types)
        .map({"ward": 0.15, "commune": -0.3, "special_zone": -0.8})
        .fillna(0.0)
        .to_numpy(dtype=float, copy=True)
    )
    type_effect[is_department] = [d.online_effect for d in DEPARTMENTS]
    province_effect = (
        pd.Series(former)
        .map({cal.BINH_DUONG: 0.1, cal.BA_RIA_VUNG_TAU: -0.1})
        .fillna(0.0)
        .to_numpy(dtype=float, copy=True)
    )

    def offsets(
        spread: float, trend: float, noise: float, extra: np.ndarray | float = 0.0
    ) -> np.ndarray:
        lasting = spread * (0.6 * capacity + 0.8 * rng.normal(0.0, 1.0, n_units)) + extra
        slope = rng.normal(0.0, trend, n_units)
        drawn: np.ndarray = (
            lasting[:, None]
            + slope[:, None] * years[None, :]
            + rng.normal(0.0, noise, (n_units, n_months))
        )
        return drawn

    online_offsets = offsets(0.55, 0.10, 0.12, type_effect + province_effect)
    satisfaction_offsets = offsets(0.45, 0.05, 0.15, np.where(is_department, -0.2, 0.0))
    on_time_offsets = offsets(0.7, 0.05, 0.2)
    e_result_offsets = offsets(0.6, 0.08, 0.15)

    totals = {m: float(received[:, column[m]].sum()) for m in months}
    rated_totals = {m: float(rated[:, column[m]].sum()) for m in months}
    online_target = _online_targets(months, totals, rng)
    satisfaction_target = _satisfaction_targets(months, rated_totals, rng)
    on_time_target = np.minimum(
        path_values(cal.ON_TIME_PATH, months) + rng.normal(0, 0.25, n_months), 99.4
    )
    e_result_target = path_values(cal.E_RESULT_PATH, months) + rng.normal(0, 0.6, n_months)

    def counts(
        denominators: np.ndarray, unit_offsets: np.ndarray, targets: np.ndarray
    ) -> np.ndarray:
        shares = np.empty_like(denominators)
        for j in range(n_months):
            shift = calibrate_logit_shift(denominators[:, j], unit_offsets[:, j], float(targets[j]))
            shares[:, j] = expit(shift + unit_offsets[:, j])
        counts: np.ndarray = np.minimum(np.rint(denominators * shares), denominators)
        return counts

    series = {
        "dossiers_received": (received, None),
        "online_dossier_share": (counts(received, online_offsets, online_target), received),
        "satisfaction_rate": (counts(rated, satisfaction_offsets, satisfaction_target), rated),
        "on_time_rate": (counts(resolved, on_time_offsets, on_time_target), resolved),
        "e_result_rate": (counts(resolved, e_result_offsets, e_result_target), resolved),
    }
    unit_column = np.repeat(unit_ids, n_months)
    month_column = np.tile(np.array(months, dtype=object), n_units)
    year_column = np.tile(np.array([m.year for m in months]), n_units)
    frames = []
    for indicator, (numerator, denominator) in series.items():
        num = numerator.ravel()
        den = None if denominator is None else denominator.ravel()
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": indicator,
                    "unit_id": unit_column,
                    "period_year": year_column,
                    "period_month": month_column,
                    "value": num if den is None else 100.0 * num / den,
                    "numerator": num,
                    "denominator": np.nan if den is None else den,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _online_targets(
    months: list[dt.date], totals: Mapping[dt.date, float], rng: np.random.Generator
) -> np.ndarray:
    """City online share per month (percent), solved so both published windows hold."""
    base = path_values(cal.ONLINE_SHARE_PATH, months) + rng.normal(0.0, 0.5, len(months))
    target = dict(zip(months, base, strict=True))
    for window, shape, aim in (
        (cal.ONLINE_SHARE_WINDOW_1, cal.ONLINE_SHARE_Q3_2025_SHAPE, cal.ONLINE_SHARE_WINDOW_1_AIM),
        (cal.ONLINE_SHARE_WINDOW_2, cal.ONLINE_SHARE_Q4_2025_SHAPE, cal.ONLINE_SHARE_WINDOW_2_AIM),
    ):
        weights = window_month_weights(*window)
        if not all(m in target for m in weights):
            continue
        level = _solve_level(list(weights), weights, totals, target, shape, aim)
        target.update({m: level + offset for m, offset in shape.items()})
    return np.array([target[m] for m in months])


def _satisfaction_targets(
    months: list[dt.date], rated_totals: Mapping[dt.date, float], rng: np.random.Generator
) -> np.ndarray:
    """City satisfaction per month (percent): Q3 2025 and November 2025 as published."""
    base = path_values(cal.SATISFACTION_PATH, months) + rng.normal(0.0, 0.3, len(months))
    target = dict(zip(months, base, strict=True))
    quarter = list(cal.SATISFACTION_Q3_2025_SHAPE)
    if all(m in target for m in quarter):
        level = _solve_level(
            quarter,
            dict.fromkeys(quarter, 1.0),
            rated_totals,
            target,
            cal.SATISFACTION_Q3_2025_SHAPE,
            cal.SATISFACTION_Q3_2025,
        )
        target.update({m: level + o for m, o in cal.SATISFACTION_Q3_2025_SHAPE.items()})
    if dt.date(2025, 11, 1) in target:
        target[dt.date(2025, 11, 1)] = cal.SATISFACTION_NOVEMBER_2025
    return np.array([target[m] for m in months])


@dataclass(frozen=True, slots=True)
class _Investors:
    unit_ids: np.ndarray
    territory: np.ndarray
    base_share: np.ndarray
    """Share of its territory's plan, before the yearly jitter."""
    pace: np.ndarray


def _investors(communes: pd.DataFrame, rng: np.random.Generator) -> _Investors:
    """Project boards, departments and commune-level units, with their plan shares and pace."""
    ids, territory, share, pace = [], [], [], []
    for board in BOARDS:
        ids.append(board.unit_id)
        territory.append(board.former_province)
        share.append(board.plan_share)
        pace.append(board.pace)
    department_weights = rng.lognormal(0.0, 0.6, len(DEPARTMENTS))
    for department, weight in zip(DEPARTMENTS, department_weights, strict=True):
        ids.append(department.unit_id)
        territory.append(cal.OLD_CITY)
        share.append(DEPARTMENT_PLAN_SHARE * weight / department_weights.sum())
        pace.append(float(np.exp(rng.normal(0.0, 0.18))))
    board_share = {
        t: sum(b.plan_share for b in BOARDS if b.former_province == t)
        for t in (cal.OLD_CITY, cal.BINH_DUONG, cal.BA_RIA_VUNG_TAU)
    }
    board_share[cal.OLD_CITY] += DEPARTMENT_PLAN_SHARE
    commune_weights = rng.lognormal(0.0, 0.5, len(communes))
    commune_territory = communes["former_province"].to_numpy(str)
    for t, taken in board_share.items():
        mask = commune_territory == t
        commune_weights[mask] *= (1.0 - taken) / commune_weights[mask].sum()
    ids += list(communes["unit_id"])
    territory += list(commune_territory)
    share += list(commune_weights)
    pace += list(np.exp(rng.normal(0.0, 0.18, len(communes))))
    return _Investors(np.array(ids), np.array(territory), np.array(share), np.array(pace))


def _default_knots(plan_year: int, shape: Sequence[float] | None = None) -> tuple[cal.Knot, ...]:
    if shape is None:
        shape = [p for _, _, p in cal.DEFAULT_SHAPE] + [cal.DEFAULT_EXTENSION_PERCENT]
    days = [dt.date(plan_year, m, d) for m, d, _ in cal.DEFAULT_SHAPE] + [
        dt.date(plan_year + 1, 1, 31)
    ]
    return tuple(cal.Knot(day, percent) for day, percent in zip(days, shape, strict=True))


def pre_merger_knot() -> cal.Knot:
    """The old city's 14 March 2025 figure as a point of the merged 2025 curve.

    Before July each territory holds a fixed share of the merged curve (its plan over
    the sum of the three plans), so 3.0 % of 84 149 is 3.0 × 117 449 / 120 353 of 120 353.
    """
    pre_july_total = sum(
        cal.PLANS[t][2025] for t in (cal.OLD_CITY, cal.BINH_DUONG, cal.BA_RIA_VUNG_TAU)
    )
    anchor = cal.PRE_MERGER_2025_ANCHOR
    return cal.Knot(anchor.day, anchor.percent * pre_july_total / cal.PLANS[cal.MERGED][2025], True)


def _merged_plan(plan_year: int) -> float:
    known = cal.PLANS[cal.MERGED]
    if plan_year in known:
        return known[plan_year]
    last = max(known)
    return round(known[last] * cal.MERGED_PLAN_GROWTH ** (plan_year - last))


def _disbursement_observations(
    communes: pd.DataFrame, last_month: dt.date, rng: np.random.Generator
) -> pd.DataFrame:
    """Cumulative disbursement and plan per investor × plan year × month (13 a year)."""
    investors = _investors(communes, rng)
    territories = (cal.OLD_CITY, cal.BINH_DUONG, cal.BA_RIA_VUNG_TAU)
    pre_july_total = sum(cal.PLANS[t][2025] for t in territories)
    frames = []
    for plan_year in range(cal.FIRST_MONTH.year, last_month.year + 1):
        months = plan_year_months(plan_year)
        jitter = rng.lognormal(0.0, 0.12, len(investors.unit_ids))
        noise = rng.lognormal(0.0, 0.35, (len(investors.unit_ids), len(months)))
        pace = investors.pace * rng.lognormal(0.0, 0.08, len(investors.unit_ids))
        cumulative = np.zeros((len(investors.unit_ids), len(months)))
        plans = np.zeros_like(cumulative)
        if plan_year < 2025:
            for t in territories:
                mask = investors.territory == t
                plan = largest_remainder(
                    investors.base_share[mask] * jitter[mask], cal.PLANS[t][plan_year]
                )
                if t == cal.OLD_CITY:
                    knots = cal.DISBURSEMENT_KNOTS.get((t, plan_year)) or _default_knots(plan_year)
                else:
                    scale = float(np.exp(rng.normal(0.0, 0.05)))
                    shape = [min(p * scale, 98.0) for p in cal.FORMER_PROVINCE_SHAPE[t]]
                    knots = _default_knots(plan_year, shape)
                percent = month_end_curve(plan_year, knots)
                plans[mask] = plan[:, None]
                cumulative[mask] = _split(
                    percent / 100 * cal.PLANS[t][plan_year], plans[mask], pace[mask], noise[mask]
                )
        elif plan_year == 2025:
            merged = cal.PLANS[cal.MERGED][2025]
            knots = (pre_merger_knot(), *cal.DISBURSEMENT_KNOTS[(cal.MERGED, 2025)])
            total = month_end_curve(2025, knots) / 100 * merged
            july = months.index(cal.MERGER_MONTH)
            pre = np.zeros(len(investors.unit_ids))
            for t in territories:
                mask = investors.territory == t
                pre[mask] = largest_remainder(
                    investors.base_share[mask] * jitter[mask], cal.PLANS[t][2025]
                )
            post = largest_remainder(pre, merged)
            plans[:, :july] = pre[:, None]
            plans[:, july:] = post[:, None]
            for t in territories:
                mask = investors.territory == t
                share = cal.PLANS[t][2025] / pre_july_total
                cumulative[mask] = _split(total * share, plans[mask], pace[mask], noise[mask])
        else:
            territory_weight = {t: cal.PLANS[t][2025] for t in territories}
            weight = np.array([territory_weight[t] for t in investors.territory])
            merged = _merged_plan(plan_year)
            plan = largest_remainder(investors.base_share * weight * jitter, merged)
            knots = cal.DISBURSEMENT_KNOTS.get((cal.MERGED, plan_year)) or _default_knots(plan_year)
            plans[:] = plan[:, None]
            cumulative = _split(
                month_end_curve(plan_year, knots) / 100 * merged, plans, pace, noise
            )
        keep = [i for i, m in enumerate(months) if m <= last_month]
        if not keep:
            continue
        cumulative = np.round(cumulative[:, keep], 3)
        plans = plans[:, keep]
        n = len(investors.unit_ids)
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": DISBURSEMENT,
                    "unit_id": np.repeat(investors.unit_ids, len(keep)),
                    "period_year": plan_year,
                    "period_month": np.tile(np.array([months[i] for i in keep], dtype=object), n),
                    "value": (100.0 * cumulative / plans).ravel(),
                    "numerator": cumulative.ravel(),
                    "denominator": plans.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _split(
    totals: np.ndarray, plans: np.ndarray, pace: np.ndarray, noise: np.ndarray
) -> np.ndarray:
    """A territory's cumulative month-end totals split among its investors.

    An investor aims at its pace times the territory's rate R (above 1: ahead, below:
    behind, never past 99.5 %); a month's flow is shared by the growth of that aim times
    its plan and noise, so territory totals stay exact and nobody passes 99.5 % of plan.
    """
    rate = np.clip(totals / plans.sum(axis=0), 0.0, 1.0)
    aim = np.minimum(rate[None, :] * pace[:, None], MAX_INVESTOR_SHARE)
    growth = np.diff(np.concatenate([np.zeros((len(pace), 1)), aim], axis=1), axis=1)
    weights = plans * (np.maximum(growth, 0.0) + 0.002) * noise
    flows = np.diff(np.concatenate([[0.0], totals]))
    return split_flows(np.maximum(flows, 0.0), weights, plans * MAX_INVESTOR_SHARE)


def _economy_observations(last_month: dt.date) -> pd.DataFrame:
    """Quarterly GRDP and digital-economy shares (both bases) of the city."""
    rows = []
    for year in range(cal.FIRST_MONTH.year, last_month.year + 1):
        grdp = quarterly_split(
            _annual(cal.GRDP_ANNUAL, year, growth=cal.GRDP_GROWTH_AFTER),
            cal.GRDP_QUARTER_SHARES.get(year, cal.GRDP_QUARTER_SHARES_DEFAULT),
        )
        quarters = [q for q in range(4) if dt.date(year, 3 * q + 3, 1) <= last_month]
        for q in quarters:
            rows.append(("grdp_current_prices", year, q, grdp[q], grdp[q], np.nan))
        for indicator, shares in (
            ("digital_economy_share_grdp", cal.DIGITAL_ECONOMY_ICT_SHARE),
            ("digital_economy_share_grdp_statistics", cal.DIGITAL_ECONOMY_STATISTICS_SHARE),
        ):
            annual_share = _annual(shares, year, step=cal.DIGITAL_ECONOMY_SHARE_GROWTH_AFTER)
            raw = grdp * (annual_share + np.array(cal.DIGITAL_ECONOMY_QUARTER_OFFSETS)) / 100
            value_added = np.round(raw * annual_share * grdp.sum() / 100 / raw.sum(), 2)
            for q in quarters:
                share = 100.0 * value_added[q] / grdp[q]
                rows.append((indicator, year, q, share, value_added[q], grdp[q]))
    frame = pd.DataFrame(
        rows,
        columns=["indicator_id", "period_year", "quarter", "value", "numerator", "denominator"],
    )
    return frame.assign(
        unit_id="city",
        period_month=[
            dt.date(y, 3 * q + 3, 1)
            for y, q in zip(frame["period_year"], frame["quarter"], strict=True)
        ],
    )


def split_with_caps(expected: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Whole numbers per row that sum exactly to ``total`` and stay within ``ceil(expected)``.

    Parameters
    ----------
    expected
        Shape (rows, parts): non-negative amounts whose rows sum to ``total``.
    total
        Shape (rows,): whole numbers.

    Returns
    -------
    numpy.ndarray
        The floors of ``expected``, plus one for the parts with the largest fractions until
        each row reaches its total (largest remainder, row by row).

    Examples
    --------
    >>> split_with_caps(np.array([[1.5, 1.5, 0.0], [2.2, 0.4, 0.4]]), np.array([3, 3])).tolist()
    [[2.0, 1.0, 0.0], [2.0, 1.0, 0.0]]
    """
    floor = np.floor(expected + 1e-9)
    short = np.rint(total - floor.sum(axis=1)).astype(np.int64)
    fraction = expected - floor
    order = np.argsort(-fraction, axis=1, kind="stable")
    rank = np.empty_like(order)
    rows = np.arange(expected.shape[0])[:, None]
    rank[rows, order] = np.arange(expected.shape[1])[None, :]
    result: np.ndarray = floor + (rank < short[:, None])
    return result


def _shift_for_totals(
    weights: np.ndarray, offsets: np.ndarray, totals: np.ndarray, iterations: int = 64
) -> np.ndarray:
    """Per row, the shift ``c`` with ``Σ weights · expit(c + offsets) = totals`` (bisection,
    vectorised over rows; a row whose total is 0 or all of its weights ends at a bound)."""
    low = np.full(len(totals), -40.0)
    high = np.full(len(totals), 40.0)
    for _ in range(iterations):
        middle = (low + high) / 2
        above = (weights * expit(middle[:, None] + offsets)).sum(axis=1) > totals
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    result: np.ndarray = (low + high) / 2
    return result


def procedure_breakdowns(
    dossiers: pd.DataFrame, communes: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Online dossier share by procedure: each unit's monthly total split into its most
    common procedures and "other procedures", so that the parts add up to it exactly.

    Parameters
    ----------
    dossiers
        The dossier indicators' unit totals (``online_dossier_share`` rows are split).
    communes
        The commune-level units (their procedures are ``demo.dimensions.COMMUNE_PROCEDURES``;
        departments have their own, and departments without a list are not split).
    rng
        The procedures' own random stream.

    Returns
    -------
    DataFrame
        ``online_dossier_share`` rows with ``breakdown_key`` ``procedure:<code>``, from
        ``demo.calibration.PROCEDURE_FIRST_MONTH``: received dossiers (denominator) split
        by each unit's procedure mix, and online dossiers (numerator) split by each
        procedure's online uptake, solved per unit and month so both sums hold exactly.
    """
    totals = dossiers[
        (dossiers["indicator_id"] == "online_dossier_share")
        & (dossiers["period_month"] >= cal.PROCEDURE_FIRST_MONTH)
    ]
    groups: list[tuple[list[str], tuple[dim.Procedure, ...]]] = [
        (sorted(communes["unit_id"].astype(str)), dim.COMMUNE_PROCEDURES)
    ]
    groups += [([unit_id], listed) for unit_id, listed in dim.DEPARTMENT_PROCEDURES.items()]
    frames = []
    for unit_ids, listed in groups:
        procedures = (*listed, dim.OTHER)
        base = np.array([p.share for p in listed] + [1.0 - sum(p.share for p in listed)])
        effects = np.array([p.online_effect for p in procedures])
        rows = totals[totals["unit_id"].isin(unit_ids)].sort_values(["unit_id", "period_month"])
        if rows.empty:
            continue
        unit_index = {u: i for i, u in enumerate(unit_ids)}
        position = rows["unit_id"].map(unit_index).to_numpy(dtype=np.int64)
        mix = base[None, :] * rng.lognormal(
            0.0, cal.PROCEDURE_SHARE_SPREAD, (len(unit_ids), len(base))
        )
        mix /= mix.sum(axis=1, keepdims=True)
        unit_effects = rng.normal(0.0, 0.3, (len(unit_ids), len(base)))
        received_total = rows["denominator"].to_numpy(dtype=np.int64)
        online_total = rows["numerator"].to_numpy(dtype=float)
        received = rng.multinomial(received_total, mix[position]).astype(float)
        offsets = effects[None, :] + unit_effects[position] + rng.normal(0.0, 0.1, received.shape)
        shift = _shift_for_totals(received, offsets, online_total)
        expected = received * expit(shift[:, None] + offsets)
        # Rescale so each row sums to its total exactly (bisection leaves a tiny remainder).
        sums = expected.sum(axis=1, keepdims=True)
        expected = np.where(
            sums > 0, expected * online_total[:, None] / np.where(sums > 0, sums, 1), 0.0
        )
        online = np.minimum(split_with_caps(np.minimum(expected, received), online_total), received)
        for k, procedure in enumerate(procedures):
            frames.append(
                pd.DataFrame(
                    {
                        "indicator_id": "online_dossier_share",
                        "unit_id": rows["unit_id"].to_numpy(),
                        "period_year": rows["period_year"].to_numpy(),
                        "period_month": rows["period_month"].to_numpy(),
                        "breakdown_key": dim.breakdown_key(dim.PROCEDURE, procedure.code),
                        "value": np.where(
                            received[:, k] > 0,
                            100.0 * online[:, k] / np.where(received[:, k] > 0, received[:, k], 1),
                            np.nan,
                        ),
                        "numerator": online[:, k],
                        "denominator": received[:, k],
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=[*OBSERVATION_COLUMNS])
    parts = pd.concat(frames, ignore_index=True)
    # A procedure without dossiers that month has no row (its rate is undefined); the rest
    # still add up to the unit's total.
    return parts[parts["denominator"] > 0].reset_index(drop=True)


def sector_breakdowns(economy: pd.DataFrame) -> pd.DataFrame:
    """GRDP at current prices by sector: each quarter's GRDP split into the lines of
    ``demo.dimensions.SECTORS`` (whole billions of VND that add up to it exactly).

    A year's four group shares are ``demo.calibration.SECTOR_GROUP_SHARES`` (the last year
    listed for later years); a group divides among its sectors by ``SECTOR_SPLIT`` (old city
    until 2024, merged city from 2025); a few quarters weigh some sectors differently
    (``SECTOR_QUARTER_FACTORS``: distancing in Q2 2020, the lockdown of Q3 2021).
    """
    grdp = economy[economy["indicator_id"] == "grdp_current_prices"]
    frames = []
    for row in grdp.to_dict("records"):
        year, month = int(row["period_year"]), row["period_month"]
        quarter = (int(month.month) - 1) // 3 + 1
        groups = (
            cal.SECTOR_GROUP_SHARES.get(year)
            or cal.SECTOR_GROUP_SHARES[max(cal.SECTOR_GROUP_SHARES)]
        )
        split = cal.SECTOR_SPLIT["merged" if year >= cal.MERGER_MONTH.year else "pre_merger"]
        weights = []
        for sector in dim.SECTORS:
            in_group = sum(split[s.code] for s in dim.SECTORS if s.group == sector.group)
            share = groups[sector.group] * split[sector.code] / in_group
            factor = cal.SECTOR_QUARTER_FACTORS.get((year, quarter), {}).get(sector.code, 1.0)
            weights.append(share * factor)
        amounts = largest_remainder(np.array(weights), float(row["numerator"]), 1.0)
        frames.append(
            pd.DataFrame(
                {
                    "indicator_id": "grdp_current_prices",
                    "unit_id": row["unit_id"],
                    "period_year": year,
                    "period_month": month,
                    "breakdown_key": [dim.breakdown_key(dim.SECTOR, s.code) for s in dim.SECTORS],
                    "value": amounts,
                    "numerator": amounts,
                    "denominator": np.nan,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=[*OBSERVATION_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def _annual(
    values: Mapping[int, float],
    year: int,
    *,
    growth: float | None = None,
    step: float | None = None,
) -> float:
    """A year's value, extended past the last known year by ``growth`` or by ``step``."""
    if year in values:
        return float(values[year])
    last = max(values)
    if growth is not None:
        return float(round(values[last] * growth ** (year - last)))
    return float(values[last] + (step or 0.0) * (year - last))


# --- batches --------------------------------------------------------------------------------


def _load_time(
    rng: np.random.Generator,
    period_end: dt.date,
    due_day: int,
    now: dt.datetime,
    *,
    late: bool = False,
) -> dt.datetime:
    """A realistic UTC load time after a period ends: mostly by the due day, some late."""
    draw = rng.random()
    if late:
        day = int(rng.integers(due_day + 7, due_day + 20))
    elif draw < 0.8:
        day = int(rng.integers(1, due_day + 1))
    elif draw < 0.95:
        day = int(rng.integers(due_day + 1, due_day + 5))
    else:
        day = int(rng.integers(due_day + 5, due_day + 16))
    # Office hours in Ho Chi Minh City (UTC+7) are 01:00–10:00 UTC.
    moment = dt.datetime.combine(period_end, dt.time()) + dt.timedelta(
        days=day, hours=int(rng.integers(1, 10)), minutes=int(rng.integers(0, 60))
    )
    return min(moment, now - LOAD_GRACE)


def capital_plan_rows(disbursement: pd.DataFrame) -> pd.DataFrame:
    """Each investor's approved plan per plan year and its revisions, from the month-end
    plans of ``disbursement``: a row where the plan starts or changes, effective from the
    first day of that month (1 January for the approved plan; 1 July 2025 for the merger).

    Examples
    --------
    >>> frame = pd.DataFrame({"unit_id": "a", "period_year": 2025,
    ...     "period_month": [dt.date(2025, 6, 1), dt.date(2025, 7, 1), dt.date(2025, 8, 1)],
    ...     "denominator": [10.0, 12.0, 12.0]})
    >>> capital_plan_rows(frame)[["effective_date", "plan_billion_vnd"]].values.tolist()
    [[datetime.date(2025, 1, 1), 10.0], [datetime.date(2025, 7, 1), 12.0]]
    """
    ordered = disbursement.sort_values(["unit_id", "period_year", "period_month"])
    in_year = ordered[
        [m.year == y for m, y in zip(ordered["period_month"], ordered["period_year"], strict=True)]
    ]
    previous = in_year.groupby(["unit_id", "period_year"])["denominator"].shift(1)
    changes = in_year[previous.isna() | (in_year["denominator"] != previous)]
    first = changes.groupby(["unit_id", "period_year"]).cumcount() == 0
    effective = [
        dt.date(int(year), 1, 1) if is_first else month
        for year, month, is_first in zip(
            changes["period_year"], changes["period_month"], first, strict=True
        )
    ]
    documents = [
        f"Nghị quyết HĐND về kế hoạch vốn đầu tư công năm {year} (minh họa)"
        if is_first
        else (
            f"Nghị quyết HĐND điều chỉnh kế hoạch vốn năm {year} "
            "sau sắp xếp đơn vị hành chính (minh họa)"
        )
        for year, is_first in zip(changes["period_year"], first, strict=True)
    ]
    return pd.DataFrame(
        {
            "unit_id": changes["unit_id"].to_numpy(),
            "plan_year": changes["period_year"].to_numpy(dtype="int64"),
            "effective_date": effective,
            "plan_billion_vnd": changes["denominator"].to_numpy(dtype="float64"),
            "source_document": documents,
        }
    ).reset_index(drop=True)


def _plan_batches(
    dossiers: pd.DataFrame,
    disbursement: pd.DataFrame,
    economy: pd.DataFrame,
    plans: pd.DataFrame,
    *,
    communes: pd.DataFrame,
    months: list[dt.date],
    now: dt.datetime,
    timing: np.random.Generator,
    gaps: np.random.Generator,
) -> list[BatchPlan]:
    """One batch per indicator × period, late units' own batches, drafts and corrections."""
    commune_ids = communes["unit_id"].to_numpy(str)
    chosen = gaps.permutation(commune_ids)
    late_units = set(chosen[:LATE_UNIT_COUNT])
    missing_order = list(chosen[LATE_UNIT_COUNT:])
    missing: dict[tuple[str, dt.date], set[str]] = {}
    for months_back, (dossier_count, investor_count) in enumerate(
        zip(reversed(MISSING_DOSSIER_UNITS), reversed(MISSING_INVESTORS), strict=True)
    ):
        month = add_months(months[-1], -months_back)
        if month <= cal.LAST_CALIBRATED_MONTH:
            continue
        missing[("dossiers", month)] = set(missing_order[:dossier_count])
        missing[("disbursement", month)] = set(missing_order[:investor_count])

    def columns(frame: pd.DataFrame) -> pd.DataFrame:
        if "breakdown_key" not in frame.columns:
            frame = frame.assign(breakdown_key=TOTAL_BREAKDOWN)
        frame = frame.assign(breakdown_key=frame["breakdown_key"].fillna(TOTAL_BREAKDOWN))
        return frame.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True)

    batches: list[BatchPlan] = []
    # Plans are approved in mid-December for the next year; a revision is loaded the day
    # it takes effect.
    pairs = sorted(
        set(zip(plans["plan_year"].tolist(), plans["effective_date"].tolist(), strict=True))
    )
    for plan_year, effective in pairs:
        frame = plans[(plans["plan_year"] == plan_year) & (plans["effective_date"] == effective)]
        approved = effective == dt.date(plan_year, 1, 1)
        loaded_at = (
            dt.datetime(plan_year - 1, 12, 15, 3)
            if approved
            else dt.datetime.combine(effective, dt.time(3))
        )
        batches.append(
            BatchPlan(
                f"demo|capital-plan|{plan_year}|{effective:%Y-%m-%d}",
                min(loaded_at, now - 2 * LOAD_GRACE),
                frame.loc[:, list(CAPITAL_PLAN_COLUMNS)].reset_index(drop=True),
                "approved plan" if approved else "plan revision",
                kind="capital_plans",
            )
        )
    revisions = {(indicator, month, plan_year) for indicator, month, plan_year in REVISIONS}
    late_rows: list[pd.DataFrame] = []

    def add(key: str, frame: pd.DataFrame, loaded_at: dt.datetime, revision: bool) -> None:
        if not revision:
            batches.append(BatchPlan(key, loaded_at, columns(frame)))
            return
        first = min(loaded_at, now - 2 * LOAD_GRACE)
        corrected = min(
            loaded_at + dt.timedelta(days=int(timing.integers(6, 21))), now - LOAD_GRACE
        )
        batches.append(
            BatchPlan(
                key, first, columns(_draft(frame, gaps)), "first submission, corrected later", True
            )
        )
        batches.append(BatchPlan(key, corrected, columns(frame), "corrected resubmission"))

    for (indicator, group_month), frame in dossiers.groupby(
        ["indicator_id", "period_month"], sort=True
    ):
        month = cast(dt.date, group_month)
        is_late = frame["unit_id"].isin(late_units)
        late_rows.append(frame[is_late])
        absent = missing.get(("dossiers", month), set())
        on_time = frame[~is_late & ~frame["unit_id"].isin(absent)]
        loaded_at = _load_time(timing, month_end(month), 5, now)
        add(
            f"demo|{indicator}|{month:%Y-%m}",
            on_time,
            loaded_at,
            (indicator, month, None) in revisions,
        )

    for (plan_year, group_month), frame in disbursement.groupby(
        ["period_year", "period_month"], sort=True
    ):
        month = cast(dt.date, group_month)
        is_late = frame["unit_id"].isin(late_units)
        late_rows.append(frame[is_late])
        absent = missing.get(("disbursement", month), set())
        on_time = frame[~is_late & ~frame["unit_id"].isin(absent)]
        loaded_at = _load_time(timing, month_end(month), 5, now)
        key = f"demo|{DISBURSEMENT}|plan-{plan_year}|{month:%Y-%m}"
        add(key, on_time, loaded_at, (DISBURSEMENT, month, plan_year) in revisions)

    late = pd.concat(late_rows, ignore_index=True)
    for (unit_id, group_month), frame in late.groupby(["unit_id", "period_month"], sort=True):
        month = cast(dt.date, group_month)
        loaded_at = _load_time(timing, month_end(month), 5, now, late=True)
        batches.append(
            BatchPlan(
                f"demo|unit-{unit_id}|{month:%Y-%m}", loaded_at, columns(frame), "late submission"
            )
        )

    for (indicator, group_month), frame in economy.groupby(
        ["indicator_id", "period_month"], sort=True
    ):
        month = cast(dt.date, group_month)
        loaded_at = _load_time(timing, month_end(month), 20, now)
        quarter = (month.month - 1) // 3 + 1
        batches.append(
            BatchPlan(f"demo|{indicator}|{month.year}-Q{quarter}", loaded_at, columns(frame))
        )

    batches.sort(key=lambda b: b.loaded_at)
    return batches


def _draft(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A first version with mistakes: a few units' numerators entered too low."""
    picked = rng.choice(len(frame), size=min(8, len(frame)), replace=False)
    factor = np.ones(len(frame))
    factor[picked] = rng.uniform(0.8, 0.97, len(picked))
    numerator = frame["numerator"].to_numpy(float) * factor
    is_count = frame["indicator_id"].iloc[0] != DISBURSEMENT
    numerator = np.rint(numerator) if is_count else np.round(numerator, 3)
    denominator = frame["denominator"].to_numpy(float)
    value = np.where(np.isnan(denominator), numerator, 100.0 * numerator / denominator)
    return frame.assign(numerator=numerator, value=value)


__all__ = [
    "SIZES",
    "BatchPlan",
    "DemoData",
    "calibrate_logit_shift",
    "capital_plan_rows",
    "cumulative_on_day",
    "generate_demo",
    "largest_remainder",
    "month_end_curve",
    "month_starts",
    "procedure_breakdowns",
    "quarterly_split",
    "sector_breakdowns",
    "split_flows",
    "split_with_caps",
    "window_month_weights",
]
