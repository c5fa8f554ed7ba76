"""A monthly rate's year, month by month: the month's value, the year to date, and the same
months a year earlier — what an indicator page's trend chart and its comparisons show.

Pure: a series in (``data_access.queries.scope_series``), frames and numbers out.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.periods import check_series, in_year_rows
from metrics.registry import Indicator

TREND_COLUMNS: tuple[str, ...] = (
    "period_month",
    "value",
    "numerator",
    "denominator",
    "ytd",
    "previous_value",
    "previous_ytd",
)


def _running_ratio(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    num = numerator.cumsum().to_numpy(dtype="float64")
    den = denominator.cumsum().to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100.0 * num / den, np.nan)


def trend_frame(series: pd.DataFrame, year: int, through: dt.date | None = None) -> pd.DataFrame:
    """The months of ``year`` (to ``through``) with their year to date and last year's.

    Parameters
    ----------
    series : DataFrame
        A monthly flow rate's series (``period_year``, ``period_month``, ``numerator``,
        ``denominator``).
    year : int
    through : date, optional
        The last month to show (first day); later rows are left out.

    Returns
    -------
    DataFrame
        One row per month of ``year`` with data: ``period_month``; ``value`` (the month,
        %); ``numerator``, ``denominator``; ``ytd`` (ratio of sums from January to the
        month); ``previous_value`` and ``previous_ytd`` (the same month and the same
        year to date a year earlier; NaN when that month was not observed).

    Examples
    --------
    >>> months = pd.to_datetime(["2025-01-01", "2025-02-01", "2026-01-01", "2026-02-01"])
    >>> frame = pd.DataFrame({"period_year": months.year, "period_month": months,
    ...     "numerator": [10.0, 30.0, 50.0, 70.0], "denominator": 100.0})
    >>> trend_frame(frame, 2026)[["value", "ytd", "previous_value", "previous_ytd"]].values.tolist()
    [[50.0, 50.0, 10.0, 10.0], [70.0, 60.0, 30.0, 20.0]]
    """
    checked = check_series(series)
    if through is not None:
        checked = checked[checked["period_month"] <= pd.Timestamp(through)]
    this_year = in_year_rows(checked, year).reset_index(drop=True)
    last_year = in_year_rows(checked, year - 1).reset_index(drop=True)
    if this_year.empty:
        return pd.DataFrame({name: pd.Series(dtype="float64") for name in TREND_COLUMNS}).assign(
            period_month=pd.Series(dtype="datetime64[ns]")
        )
    last = last_year.assign(
        ytd=_running_ratio(last_year["numerator"], last_year["denominator"]),
        month_number=last_year["period_month"].dt.month,
    ).set_index("month_number")
    months = this_year["period_month"].dt.month
    return pd.DataFrame(
        {
            "period_month": this_year["period_month"],
            "value": this_year["value"].astype("float64"),
            "numerator": this_year["numerator"],
            "denominator": this_year["denominator"],
            "ytd": _running_ratio(this_year["numerator"], this_year["denominator"]),
            "previous_value": months.map(last["value"]).astype("float64"),
            "previous_ytd": months.map(last["ytd"]).astype("float64"),
        }
    )


@dataclass(frozen=True, slots=True)
class YearOnYear:
    """A month's figure beside the same month a year earlier, and the same for the year
    to date (percentage-point changes; None where a side is missing)."""

    month: dt.date
    value: float | None
    previous_value: float | None
    change_pp: float | None
    ytd: float | None
    previous_ytd: float | None
    ytd_change_pp: float | None


def _finite(number: object) -> float | None:
    if number is None:
        return None
    value = float(number)  # type: ignore[arg-type]
    return value if math.isfinite(value) else None


def year_on_year(trend: pd.DataFrame) -> YearOnYear | None:
    """The last month of a :func:`trend_frame` against the same month last year.

    Examples
    --------
    >>> frame = pd.DataFrame({"period_month": pd.to_datetime(["2026-02-01"]),
    ...     "value": [70.0], "ytd": [60.0], "previous_value": [30.0], "previous_ytd": [20.0]})
    >>> year_on_year(frame).change_pp, year_on_year(frame).ytd_change_pp
    (40.0, 40.0)
    """
    if trend.empty:
        return None
    row = trend.iloc[-1]
    value, previous = _finite(row["value"]), _finite(row["previous_value"])
    ytd, previous_ytd = _finite(row["ytd"]), _finite(row["previous_ytd"])
    return YearOnYear(
        month=pd.Timestamp(row["period_month"]).date(),
        value=value,
        previous_value=previous,
        change_pp=value - previous if value is not None and previous is not None else None,
        ytd=ytd,
        previous_ytd=previous_ytd,
        ytd_change_pp=ytd - previous_ytd if ytd is not None and previous_ytd is not None else None,
    )


def published_in_year(published: pd.DataFrame, year: int) -> pd.DataFrame:
    """Published figures (from :func:`metrics.overview.published_for_year`) that cover any
    day of ``year``, with the part of the year they cover (``start``, ``end``, clipped).

    Examples
    --------
    >>> rows = pd.DataFrame({"period_start": pd.to_datetime(["2025-06-27", "2024-01-01"]),
    ...     "period_end": pd.to_datetime(["2025-12-14", "2024-12-31"]), "value": [67.6, 1.0]})
    >>> published_in_year(rows, 2025)["value"].tolist()
    [67.6]
    """
    if published.empty:
        return published.assign(
            start=pd.Series(dtype="datetime64[ns]"), end=pd.Series(dtype="datetime64[ns]")
        )
    first, last = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    rows = published[(published["period_end"] >= first) & (published["period_start"] <= last)]
    return rows.assign(
        start=rows["period_start"].where(rows["period_start"] >= first, first),
        end=rows["period_end"].where(rows["period_end"] <= last, last),
    )


def indicator_is_monthly_rate(indicator: Indicator) -> bool:
    """Whether ``indicator`` is a monthly flow rate (the trend chart's kind)."""
    return (
        indicator.is_rate
        and indicator.frequency.value == "monthly"
        and (indicator.time_rollup is not None and indicator.time_rollup.value == "flow")
    )
