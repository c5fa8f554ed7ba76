"""Which units hold the scope's figure back the most (the Overview's attention list)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from metrics.periods import SeriesShape, series_shape
from metrics.registry import Comparator, Indicator
from metrics.status import Status
from metrics.targets import comparator_for, meets, shortfall

AT_RISK_BAND_PP = 5.0
"""A unit less than this many percentage points short of its benchmark is at risk;
further short, off track (exactly 5 pp short is still at risk)."""
SMALL_DENOMINATOR_DOSSIERS = 30.0
"""Monthly-flow rates: fewer dossiers than this in the year to date is a small
denominator (one dossier moves the rate by more than 3 pp)."""
SMALL_DENOMINATOR_PLAN_BILLION_VND = 1.0
"""Disbursement: a capital plan under 1 billion VND is a small denominator."""

REQUIRED_COLUMNS: tuple[str, ...] = ("unit_id", "name_vi", "denominator", "value")
OUTPUT_COLUMNS: tuple[str, ...] = (
    "benchmark",
    "gap_pp",
    "shortfall",
    "weight",
    "impact_pp",
    "is_reported",
    "unit_status",
    "previous_status",
    "is_newly_red",
    "is_small_denominator",
    "rank",
)


def small_denominator_threshold(indicator: Indicator) -> float:
    """The denominator below which a unit's figure is flagged as resting on few cases.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> small_denominator_threshold(get_indicator("public_investment_disbursement"))
    1.0
    """
    if series_shape(indicator) is SeriesShape.CUMULATIVE:
        return SMALL_DENOMINATOR_PLAN_BILLION_VND
    return SMALL_DENOMINATOR_DOSSIERS


MET = "met"
MISSED = "missed"
"""A closed year's unit status: the year's result met or missed its target (never "at
risk": nothing is left to happen)."""


def _statuses(
    values: np.ndarray,
    assessable: np.ndarray,
    benchmark: float,
    comparator: Comparator,
    *,
    is_closed: bool = False,
) -> np.ndarray:
    short = shortfall(values, benchmark, comparator)
    met = meets(values, benchmark, comparator)
    if is_closed:
        status = np.where(met, MET, MISSED)
    else:
        status = np.where(
            met,
            Status.ON_TRACK.value,
            np.where(short <= AT_RISK_BAND_PP, Status.AT_RISK.value, Status.OFF_TRACK.value),
        )
    usable = assessable & np.isfinite(values)
    return np.where(usable, status, Status.NOT_ASSESSABLE.value).astype(object)


def _numerators(units: pd.DataFrame) -> np.ndarray:
    """Each unit's numerator (dossiers, billion VND): the column, else value × denominator."""
    if "numerator" in units.columns:
        return np.asarray(units["numerator"].to_numpy(dtype="float64"))
    values = np.asarray(units["value"].to_numpy(dtype="float64"))
    return np.asarray(values * units["denominator"].to_numpy(dtype="float64") / 100.0)


def rank_attention(
    units: pd.DataFrame,
    indicator: Indicator,
    target_value: float,
    expected_to_date: float | None = None,
    *,
    expected_previous_to_date: float | None = None,
    small_denominator_below: float | None = None,
    is_closed: bool = False,
) -> pd.DataFrame:
    """Rank units by how much they hold the scope's figure back.

    Parameters
    ----------
    units : DataFrame
        One row per unit: ``unit_id``, ``name_vi``, ``denominator``, ``value`` (the year
        to date, %), optionally ``value_previous`` (year to date through the previous
        month; NaN when unknown) and any other columns (``name_en``, ``unit_type``,
        ``former_province``, ``numerator`` …), which are kept.
    indicator : Indicator
        Gives the direction and the small-denominator rule.
    target_value : float
        The year-end target (%).
    expected_to_date : float, optional
        The benchmark to date instead of the target — for disbursement, the milestone
        path (:func:`expected_to_date`).
    expected_previous_to_date : float, optional
        The benchmark ``value_previous`` is judged against (default: the same as now).
    small_denominator_below : float, optional
        Override of :func:`small_denominator_threshold`.
    is_closed : bool
        The year is over: a unit's status is ``met`` or ``missed`` (never at risk), and
        nothing is "newly" off track.

    Returns
    -------
    DataFrame
        A new frame, the input columns plus ``benchmark``; ``gap_pp`` (percentage points
        short of the benchmark, 0 at or beyond it, NaN when not assessable);
        ``shortfall`` (the same gap in the numerator's own unit — dossiers, billion VND:
        benchmark × denominator − numerator, 0 at or beyond it, NaN when not
        assessable); ``weight`` (denominator ÷ Σ denominator of assessable units);
        ``impact_pp`` (gap × weight: how many points the scope's figure would gain if the
        unit reached the benchmark; 0 when not assessable); ``is_reported`` (the input's,
        else True); ``unit_status``; ``previous_status``; ``is_newly_red``;
        ``is_small_denominator``; ``rank`` (1 = first). Sorted newly red first, then by
        impact (largest first), then by name and unit id.

    Raises
    ------
    ValueError
        When a required column is missing.

    Notes
    -----
    Status: on track at or beyond the benchmark; at risk up to 5 pp short (inclusive);
    off track further short; not assessable when the denominator is 0 or missing.

    Newly off track ("newly red"): off track now; on track or at risk last month
    (``value_previous`` against ``expected_previous_to_date``); and off track even when
    this month's value is judged at last month's position on the path. A unit that only
    did not keep up with a rise of the milestone path (the path of disbursement climbs
    15 pp in a year-end month) is off track, but not *newly*: its own figure did not
    slip. Against a fixed target (the rates) this is the plain rule. An unknown previous
    value does not count as a change.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> units = pd.DataFrame({"unit_id": ["a", "b"], "name_vi": ["A", "B"],
    ...     "denominator": [900.0, 100.0], "value": [40.0, 10.0],
    ...     "value_previous": [41.0, 47.0]})
    >>> ranked = rank_attention(units, get_indicator("online_dossier_share"), 50.0)
    >>> ranked[["unit_id", "impact_pp", "is_newly_red"]].values.tolist()
    [['b', 4.0, True], ['a', 9.0, False]]
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in units.columns]
    if missing:
        raise ValueError(
            f"units is missing column(s) {missing}; pass the frame from "
            "data_access.queries.unit_standing"
        )
    for name, number in (("target_value", target_value), ("expected_to_date", expected_to_date)):
        if number is not None and not math.isfinite(number):
            raise ValueError(f"{name} must be a finite percentage; got {number}")
    benchmark = float(expected_to_date) if expected_to_date is not None else float(target_value)
    previous_benchmark = (
        float(expected_previous_to_date) if expected_previous_to_date is not None else benchmark
    )
    threshold = (
        small_denominator_below
        if small_denominator_below is not None
        else small_denominator_threshold(indicator)
    )
    comparator = comparator_for(indicator.direction)
    denominator = units["denominator"].to_numpy(dtype="float64")
    values = units["value"].to_numpy(dtype="float64")
    previous = (
        units["value_previous"].to_numpy(dtype="float64")
        if "value_previous" in units.columns
        else np.full(len(units), np.nan)
    )
    assessable = np.isfinite(denominator) & (denominator > 0)
    status = _statuses(values, assessable, benchmark, comparator, is_closed=is_closed)
    previous_status = _statuses(previous, np.isfinite(previous), previous_benchmark, comparator)
    usable = status != Status.NOT_ASSESSABLE.value
    gap = np.where(usable, np.clip(shortfall(values, benchmark, comparator), 0.0, None), np.nan)
    numerator = _numerators(units)
    # benchmark × denominator − numerator (or the reverse when lower is better): the same
    # gap in dossiers or billion VND.
    needed = benchmark * denominator / 100.0
    amount = needed - numerator if comparator == ">=" else numerator - needed
    short_amount = np.where(usable, np.clip(np.nan_to_num(amount), 0.0, None), np.nan)
    short_amount = np.where(usable & (np.nan_to_num(gap) == 0.0), 0.0, short_amount)
    total = float(denominator[usable].sum()) if usable.any() else 0.0
    weight = np.where(usable, denominator / total, 0.0) if total > 0 else np.zeros(len(units))
    impact = np.where(usable, np.nan_to_num(gap) * weight, 0.0)
    # Judged at last month's position on the path too: a step of the path is not a slip.
    slipped = _statuses(values, assessable, previous_benchmark, comparator)
    is_newly_red = (
        (status == Status.OFF_TRACK.value)
        & (slipped == Status.OFF_TRACK.value)
        & np.isin(previous_status, [Status.ON_TRACK.value, Status.AT_RISK.value])
    )
    is_reported = (
        units["is_reported"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "is_reported" in units.columns
        else np.ones(len(units), dtype=bool)
    )
    is_small = ~(np.isfinite(denominator) & (denominator >= threshold))
    ranked = units.assign(
        benchmark=benchmark,
        gap_pp=gap,
        shortfall=short_amount,
        weight=weight,
        impact_pp=impact,
        is_reported=is_reported,
        unit_status=status,
        previous_status=previous_status,
        is_newly_red=is_newly_red.astype(bool),
        is_small_denominator=is_small.astype(bool),
    )
    ranked = ranked.sort_values(
        ["is_newly_red", "impact_pp", "name_vi", "unit_id"],
        ascending=[False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    return ranked.assign(rank=np.arange(1, len(ranked) + 1, dtype=np.int64))


def expected_to_date(indicator: Indicator, year: int, as_of: dt.date) -> float | None:
    """The milestone path of a cumulative indicator at ``as_of``.

    Parameters
    ----------
    indicator : Indicator
        A cumulative indicator with milestones (disbursement).
    year : int
        The plan year.
    as_of : date
        The day the figure is for (e.g. the last day of the data month).

    Returns
    -------
    float or None
        The expected year-to-date value (%), interpolated linearly by day between
        (1 January, 0) and each milestone's (due date, value); the last milestone's
        value after its due date. None for a non-cumulative indicator or a year
        without milestones.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> disbursement = get_indicator("public_investment_disbursement")
    >>> expected_to_date(disbursement, 2025, dt.date(2025, 3, 31))
    7.5
    >>> round(expected_to_date(disbursement, 2025, dt.date(2025, 5, 15)), 2)
    16.15
    """
    if series_shape(indicator) is not SeriesShape.CUMULATIVE:
        return None
    milestones = indicator.milestones(year)
    if not milestones:
        return None
    start = dt.date(year, 1, 1)
    days = [0.0] + [float((m.due_date - start).days) for m in milestones]
    values = [0.0] + [float(m.value) for m in milestones]
    elapsed = float((as_of - start).days)
    return float(np.interp(elapsed, days, values))
