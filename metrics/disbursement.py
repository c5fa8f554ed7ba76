"""Public-investment disbursement, as the page draws and tables it: the S-curves of plan
years laid over one another, the milestones and their path, the investors' remaining
capital and the pace each needs, and the changes to the plan during a year.

A plan year runs from January to the January extension month of the next year (13 months;
the extension row has ``period_year`` = the plan year). Pure: frames in, frames out.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from metrics.attention import expected_to_date
from metrics.clock import add_months, month_end
from metrics.registry import Indicator

EXTENSION_INDEX = 13
"""The month index of the January extension (after December, 12)."""


def plan_month_index(period_year: int, period_month: pd.Timestamp) -> int:
    """1–12 for January–December of the plan year, 13 for the next January (extension).

    Examples
    --------
    >>> plan_month_index(2025, pd.Timestamp("2026-01-01"))
    13
    """
    return (period_month.year - period_year) * 12 + period_month.month


def aligned_day(year: int, index: int) -> dt.date:
    """The month end of plan-month ``index`` in plan year ``year`` (13: 31 January of the
    next year) — where any plan year's point of that month is drawn.

    Examples
    --------
    >>> aligned_day(2026, 2), aligned_day(2026, 13)
    (datetime.date(2026, 2, 28), datetime.date(2027, 1, 31))
    """
    return month_end(add_months(dt.date(year, 1, 1), index - 1))


def s_curves(series: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every plan year's cumulative curve, laid over ``year``'s calendar.

    Parameters
    ----------
    series
        A cumulative indicator's series (``period_year``, ``period_month``, ``value``,
        ``numerator``, ``denominator``).
    year
        The plan year the curves are drawn against.

    Returns
    -------
    DataFrame
        ``plan_year``, ``month_index`` (1–13), ``day`` (the month end in ``year``'s plan
        year, for the x axis), ``actual_day`` (the month end it really is), ``value``,
        ``numerator``, ``denominator``; plan years up to ``year``.

    Examples
    --------
    >>> frame = pd.DataFrame({"period_year": [2025, 2025], "period_month": pd.to_datetime(
    ...     ["2025-12-01", "2026-01-01"]), "value": [80.5, 91.4], "numerator": [1.0, 2.0],
    ...     "denominator": [2.0, 2.0]})
    >>> s_curves(frame, 2026)[["month_index", "day"]].values.tolist()
    [[12, datetime.date(2026, 12, 31)], [13, datetime.date(2027, 1, 31)]]
    """
    rows = series[series["period_year"] <= year].copy()
    if rows.empty:
        return pd.DataFrame(
            columns=[
                "plan_year",
                "month_index",
                "day",
                "actual_day",
                "value",
                "numerator",
                "denominator",
            ]
        )
    months = pd.to_datetime(rows["period_month"])
    index = [plan_month_index(int(y), m) for y, m in zip(rows["period_year"], months, strict=True)]
    return (
        pd.DataFrame(
            {
                "plan_year": rows["period_year"].astype("int64").to_numpy(),
                "month_index": index,
                "day": [aligned_day(year, i) for i in index],
                "actual_day": [month_end(m.date()) for m in months],
                "value": rows["value"].astype("float64").to_numpy(),
                "numerator": rows["numerator"].astype("float64").to_numpy(),
                "denominator": rows["denominator"].astype("float64").to_numpy(),
            }
        )
        .query("1 <= month_index <= 13")
        .sort_values(["plan_year", "month_index"])
        .reset_index(drop=True)
    )


def milestone_path(indicator: Indicator, year: int) -> pd.DataFrame:
    """The milestone path at each month end of the year (``day``, ``value``), from 0 on
    1 January through the quarterly milestones to the year-end target.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> path = milestone_path(get_indicator("public_investment_disbursement"), 2026)
    >>> path["value"].iloc[[3, 6, 9, 12]].tolist()
    [7.5, 25.0, 50.0, 95.0]
    """
    days = [dt.date(year, 1, 1)] + [aligned_day(year, i) for i in range(1, 13)]
    values = [expected_to_date(indicator, year, d) for d in days]
    return pd.DataFrame({"day": days, "value": values}).dropna().reset_index(drop=True)


def investor_table(
    standing: pd.DataFrame, year: int, through: dt.date, target: float
) -> pd.DataFrame:
    """Each investor's plan, what it has disbursed, what remains, and the pace it needs.

    Parameters
    ----------
    standing
        :func:`data_access.queries.unit_standing` of disbursement for ``year`` at
        ``through`` (``numerator`` disbursed, ``denominator`` the plan in force, both in
        billion VND; ``is_reported``).
    year, through
        The plan year and the month the figures are read to (first day).
    target
        The year-end target (%).

    Returns
    -------
    DataFrame
        The standing's columns plus ``remaining_billion_vnd`` (plan − disbursed, ≥ 0),
        ``to_target_billion_vnd`` (target share of the plan − disbursed, ≥ 0),
        ``months_left`` (whole months after ``through`` to 31 December) and
        ``pace_billion_vnd_per_month`` (to_target ÷ months_left; NaN when no month is
        left), by remaining capital, largest first.

    Examples
    --------
    >>> frame = pd.DataFrame({"unit_id": ["a"], "name_vi": ["A"], "numerator": [40.0],
    ...     "denominator": [100.0], "value": [40.0], "is_reported": [True]})
    >>> table = investor_table(frame, 2026, dt.date(2026, 10, 1), 95.0)
    >>> columns = ["remaining_billion_vnd", "to_target_billion_vnd", "pace_billion_vnd_per_month"]
    >>> table[columns].values.tolist()
    [[60.0, 55.0, 27.5]]
    """
    months_left = max(0, (year - through.year) * 12 + 12 - through.month)
    plan = standing["denominator"].astype("float64")
    disbursed = standing["numerator"].astype("float64")
    to_target = (target / 100.0 * plan - disbursed).clip(lower=0.0)
    table = standing.assign(
        remaining_billion_vnd=(plan - disbursed).clip(lower=0.0),
        to_target_billion_vnd=to_target,
        months_left=months_left,
        pace_billion_vnd_per_month=to_target / months_left if months_left else np.nan,
    )
    return table.sort_values(
        ["remaining_billion_vnd", "name_vi"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def plan_changes(revisions: pd.DataFrame) -> pd.DataFrame:
    """The changes to a year's plan: each effective date after the first, with the plan
    before and after it (sums over the investors, billion VND).

    Examples
    --------
    >>> revisions = pd.DataFrame({"effective_date": pd.to_datetime(["2025-01-01",
    ...     "2025-07-01"]), "n_investors": [191, 191], "plan_billion_vnd": [117449.0,
    ...     120353.0], "source_document": ["a", "b"]})
    >>> plan_changes(revisions)[["before", "after"]].values.tolist()
    [[117449.0, 120353.0]]
    """
    ordered = revisions.sort_values("effective_date").reset_index(drop=True)
    before = ordered["plan_billion_vnd"].shift(1)
    changes = ordered.assign(before=before, after=ordered["plan_billion_vnd"]).iloc[1:]
    return changes[["effective_date", "n_investors", "before", "after", "source_document"]]
