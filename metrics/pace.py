"""The pace needed to reach the year-end target, beside the recent actual pace."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from metrics.periods import (
    SeriesShape,
    check_series,
    in_year_rows,
    months_to_year_end,
    ratio_pct,
    series_shape,
    yearly_table,
)
from metrics.projection import expected_denominators, plan_year_flows
from metrics.registry import Comparator, Indicator
from metrics.targets import meets

PaceUnit = Literal["percent_per_month", "pp_of_plan_per_month", "pp_per_year"]
RECENT_MONTHS = 3
"""The recent pace is taken over the last three months."""


@dataclass(frozen=True, slots=True)
class Pace:
    """What it takes to reach the year-end target, in the unit of ``unit``.

    ``percent_per_month`` (monthly flow rates): the average rate needed over the
    remaining months, beside the last three months' rate (ratio of sums).
    ``pp_of_plan_per_month`` (disbursement): percentage points of the plan to disburse
    each month to 31 December, beside the average monthly flow of the last three months;
    also in billion VND per month at the plan in force.
    ``pp_per_year`` (annual indicators): percentage points a year from the latest
    complete year to the target year, beside the latest year's change.
    """

    indicator_code: str
    year: int
    unit: PaceUnit
    required: float | None
    """None without a target, after the year is over, or when nothing is expected in the
    remaining months. May be ≤ 0 (already secured) or > 100 (out of reach)."""
    recent: float | None
    target: float | None
    comparator: Comparator | None
    basis_value: float | None
    """Where the pace starts from: the year-to-date value (monthly, cumulative) or the
    latest complete year's value (annual)."""
    basis_year: int | None
    """The latest complete year (annual indicators); ``year`` otherwise."""
    is_already_secured: bool
    """The target is reached whatever the remaining periods bring."""
    is_out_of_reach: bool
    """No possible outcome of the remaining periods reaches the target."""
    months_remaining: int
    required_billion_vnd_per_month: float | None
    """Disbursement only: ``required`` × the plan in force ÷ 100."""
    recent_billion_vnd_per_month: float | None
    """Disbursement only: average monthly flow of the last three months."""


def _finite(number: float) -> float | None:
    return number if math.isfinite(number) else None


def _flow_pace(
    checked: pd.DataFrame,
    series: pd.DataFrame,
    indicator: Indicator,
    year: int,
    target: float | None,
    comparator: Comparator | None,
    expected: Sequence[float] | np.ndarray | None,
) -> Pace:
    rows = in_year_rows(checked, year)
    numerator_ytd = float(np.nansum(rows["numerator"].to_numpy()))
    denominator_ytd = float(np.nansum(rows["denominator"].to_numpy()))
    last_month = pd.Timestamp(rows["period_month"].iloc[-1]) if not rows.empty else None
    months_remaining = months_to_year_end(last_month, year)
    ytd = ratio_pct(numerator_ytd, denominator_ytd)
    history = checked.loc[checked["period_month"].dt.year <= year].tail(RECENT_MONTHS)
    recent = _finite(
        ratio_pct(float(history["numerator"].sum()), float(history["denominator"].sum()))
    )
    remaining = expected_denominators(series, indicator, year)
    if expected is None:
        expected_array = remaining["denominator"].to_numpy(dtype="float64")
    else:
        expected_array = np.asarray(expected, dtype="float64")
        if expected_array.shape != (len(remaining),):
            raise ValueError(
                f"expected_denominators has {expected_array.size} values; {len(remaining)} "
                f"months remain in {year} — pass one denominator per remaining month"
            )
    required: float | None = None
    secured = out_of_reach = False
    if target is not None and comparator is not None:
        if months_remaining == 0:
            met = meets(ytd, target, comparator)
            secured, out_of_reach = met, not met
        else:
            denominator_remaining = float(expected_array.sum())
            if denominator_remaining > 0:
                total = denominator_ytd + denominator_remaining
                required = 100.0 * (target / 100.0 * total - numerator_ytd) / denominator_remaining
                if comparator == ">=":
                    secured, out_of_reach = required <= 0.0, required > 100.0
                else:
                    secured, out_of_reach = required >= 100.0, required < 0.0
    return Pace(
        indicator_code=indicator.code,
        year=year,
        unit="percent_per_month",
        required=required,
        recent=recent,
        target=target,
        comparator=comparator,
        basis_value=_finite(ytd),
        basis_year=year,
        is_already_secured=secured,
        is_out_of_reach=out_of_reach,
        months_remaining=months_remaining,
        required_billion_vnd_per_month=None,
        recent_billion_vnd_per_month=None,
    )


def _cumulative_pace(
    checked: pd.DataFrame,
    indicator: Indicator,
    year: int,
    target: float | None,
    comparator: Comparator | None,
) -> Pace:
    rows = in_year_rows(checked, year)
    if rows.empty:
        ytd, plan, last_month = 0.0, math.nan, None
    else:
        ytd = float(rows["value"].iloc[-1])
        plan = float(rows["denominator"].iloc[-1])
        last_month = pd.Timestamp(rows["period_month"].iloc[-1])
    months_remaining = months_to_year_end(last_month, year)
    flows = plan_year_flows(checked, year)
    flows = flows.loc[flows["period_year"] == year].tail(RECENT_MONTHS)
    recent = _finite(float(flows["flow_share_pct"].mean())) if not flows.empty else None
    recent_amount = _finite(float(flows["flow"].mean())) if not flows.empty else None
    required: float | None = None
    required_amount: float | None = None
    secured = out_of_reach = False
    if target is not None and comparator is not None and math.isfinite(ytd):
        if months_remaining == 0:
            met = meets(ytd, target, comparator)
            secured, out_of_reach = met, not met
        else:
            required = (target - ytd) / months_remaining
            if math.isfinite(plan) and plan > 0:
                required_amount = required / 100.0 * plan
            if comparator == ">=":
                # Disbursed capital is never taken back, and no plan is disbursed
                # beyond 100 %.
                secured, out_of_reach = ytd >= target, target > 100.0
            else:
                secured, out_of_reach = False, ytd > target
    return Pace(
        indicator_code=indicator.code,
        year=year,
        unit="pp_of_plan_per_month",
        required=required,
        recent=recent,
        target=target,
        comparator=comparator,
        basis_value=_finite(ytd),
        basis_year=year,
        is_already_secured=secured,
        is_out_of_reach=out_of_reach,
        months_remaining=months_remaining,
        required_billion_vnd_per_month=required_amount,
        recent_billion_vnd_per_month=recent_amount,
    )


def _annual_pace(
    checked: pd.DataFrame,
    indicator: Indicator,
    year: int,
    target: float | None,
    comparator: Comparator | None,
) -> Pace:
    table = yearly_table(checked, SeriesShape.ANNUAL)
    if not table.empty:
        table = table.loc[table["period_year"].astype("int64") <= year]
    if table.empty:
        complete = table
    else:
        is_usable = table["is_complete"].astype(bool) & np.isfinite(
            table["value"].astype("float64")
        )
        complete = table.loc[is_usable]
    months = checked["period_month"].loc[checked["period_month"].dt.year <= year]
    months_remaining = months_to_year_end(
        pd.Timestamp(months.max()) if not months.empty else None, year
    )
    latest_year: int | None = None
    latest_value: float | None = None
    recent: float | None = None
    if not complete.empty:
        latest_year = int(complete["period_year"].iloc[-1])
        latest_value = float(complete["value"].iloc[-1])
        previous = complete.loc[complete["period_year"] == latest_year - 1]
        if not previous.empty:
            recent = latest_value - float(previous["value"].iloc[0])
    required: float | None = None
    secured = out_of_reach = False
    if (
        target is not None
        and comparator is not None
        and latest_value is not None
        and latest_year is not None
    ):
        if latest_year >= year:
            met = meets(latest_value, target, comparator)
            secured, out_of_reach = met, not met
            months_remaining = 0
        else:
            required = (target - latest_value) / (year - latest_year)
            # A share cannot pass 100 % (or fall below 0 %).
            out_of_reach = target > 100.0 if comparator == ">=" else target < 0.0
    return Pace(
        indicator_code=indicator.code,
        year=year,
        unit="pp_per_year",
        required=required,
        recent=recent,
        target=target,
        comparator=comparator,
        basis_value=latest_value,
        basis_year=latest_year,
        is_already_secured=secured,
        is_out_of_reach=out_of_reach,
        months_remaining=months_remaining,
        required_billion_vnd_per_month=None,
        recent_billion_vnd_per_month=None,
    )


def required_pace(
    series: pd.DataFrame,
    indicator: Indicator,
    year: int,
    expected_denominators: Sequence[float] | np.ndarray | None = None,
) -> Pace:
    """The pace needed from now to reach ``year``'s year-end target.

    Parameters
    ----------
    series : DataFrame
        The indicator's series (see :mod:`metrics.periods`); rows after ``year`` are
        ignored.
    indicator : Indicator
    year : int
    expected_denominators : sequence of float, optional
        Monthly flow rates only: the denominators expected in each remaining month of
        ``year`` (default: :func:`metrics.projection.expected_denominators`).

    Returns
    -------
    Pace

    Raises
    ------
    ValueError
        When ``expected_denominators`` does not have one value per remaining month.

    Notes
    -----
    Monthly flow: r = (T · (D_ytd + D_rem) − N_ytd) ÷ D_rem, in percent — the average
    rate needed in each remaining month (T as a fraction). Secured if r ≤ 0, out of
    reach if r > 100 (mirrored for a ``<=`` target).

    Cumulative: (T − YTD %) ÷ months remaining to 31 December, in percentage points of
    the plan per month; secured once YTD % ≥ T.

    Annual: (T − latest complete year's value) ÷ (``year`` − that year), in
    percentage points per year.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> months = pd.date_range("2025-01-01", "2025-06-01", freq="MS")
    >>> frame = pd.DataFrame({"period_year": 2025, "period_month": months,
    ...                       "numerator": 40.0, "denominator": 100.0})
    >>> pace = required_pace(frame, get_indicator("online_dossier_share"), 2025)
    >>> pace.required, pace.recent, pace.months_remaining
    (60.0, 40.0, 6)
    """
    shape = series_shape(indicator)
    checked = check_series(series)
    in_force = indicator.year_end_target(year)
    target = in_force.target.value if in_force else None
    comparator = in_force.target.comparator if in_force else None
    if shape is SeriesShape.MONTHLY_FLOW:
        return _flow_pace(
            checked, series, indicator, year, target, comparator, expected_denominators
        )
    if expected_denominators is not None:
        raise ValueError(
            f"expected_denominators applies to monthly flow rates; {indicator.code} is "
            f"{shape.value} — leave it out"
        )
    if shape is SeriesShape.CUMULATIVE:
        return _cumulative_pace(checked, indicator, year, target, comparator)
    return _annual_pace(checked, indicator, year, target, comparator)
