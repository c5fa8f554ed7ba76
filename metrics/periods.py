"""Periods of an indicator series: which rows belong to a year, and year-to-date figures.

Every function here is pure: a series DataFrame in, a number or a new DataFrame out.

The series contract (what ``data_access.queries.scope_series`` returns): one row per
period for one indicator at one scope, with ``period_year`` (int, the year the row
counts towards), ``period_month`` (datetime64, first day of the month), ``numerator``,
``denominator`` and ``value`` (floats; value = 100 · numerator ÷ denominator).

Three shapes, chosen from the registry entry (:func:`series_shape`):

* ``monthly_flow`` — monthly flows (dossiers); a year is the ratio of sums of its months.
* ``cumulative`` — year-to-date numerator over the plan in force (disbursement); a plan
  year ``Y`` runs to 31 January ``Y+1``, whose row has ``period_year == Y``.
* ``annual`` — an annual indicator observed as quarterly flows (``period_month`` is the
  quarter's last month) or as one row per year; a year is the ratio of sums of its
  quarters.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
import pandas as pd

from metrics.registry import Frequency, Indicator, TimeRollup

REQUIRED_COLUMNS: tuple[str, ...] = (
    "period_year",
    "period_month",
    "numerator",
    "denominator",
)


class SeriesShape(StrEnum):
    """How an indicator's rows combine into a year (see the module docstring)."""

    MONTHLY_FLOW = "monthly_flow"
    CUMULATIVE = "cumulative"
    ANNUAL = "annual"


def series_shape(indicator: Indicator) -> SeriesShape:
    """The shape of ``indicator``'s series, from its registry entry.

    Parameters
    ----------
    indicator : Indicator
        A registry entry.

    Returns
    -------
    SeriesShape
        ``cumulative`` when the time roll-up is cumulative; ``annual`` for annual or
        quarterly indicators; ``monthly_flow`` for monthly flow indicators.

    Raises
    ------
    ValueError
        For frequencies the metrics do not model (weekly).

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> series_shape(get_indicator("public_investment_disbursement")).value
    'cumulative'
    >>> series_shape(get_indicator("digital_economy_share_grdp")).value
    'annual'
    """
    if indicator.time_rollup is TimeRollup.CUMULATIVE:
        return SeriesShape.CUMULATIVE
    if indicator.frequency in (Frequency.ANNUAL, Frequency.QUARTERLY):
        return SeriesShape.ANNUAL
    if indicator.frequency is Frequency.MONTHLY:
        return SeriesShape.MONTHLY_FLOW
    raise ValueError(
        f"{indicator.code}: frequency {indicator.frequency.value!r} is not modelled; "
        "aggregate it to months first"
    )


def check_series(series: pd.DataFrame) -> pd.DataFrame:
    """A validated, typed copy of ``series`` sorted by period (the input is untouched).

    Parameters
    ----------
    series : DataFrame
        Rows with at least ``period_year``, ``period_month``, ``numerator`` and
        ``denominator``.

    Returns
    -------
    DataFrame
        The same rows, ``period_month`` as datetime64 normalised to the first of the
        month, numbers as float64, sorted by ``period_month`` then ``period_year``, with
        a fresh ``value`` column (100 · numerator ÷ denominator; NaN when the
        denominator is 0 or missing).

    Raises
    ------
    ValueError
        When a required column is missing, naming it.

    Examples
    --------
    >>> frame = pd.DataFrame({"period_year": [2025], "period_month": ["2025-01-01"],
    ...                       "numerator": [1.0], "denominator": [4.0]})
    >>> float(check_series(frame)["value"].iloc[0])
    25.0
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in series.columns]
    if missing:
        raise ValueError(
            f"series is missing column(s) {missing}; pass the frame from "
            f"data_access.queries.scope_series (columns {list(REQUIRED_COLUMNS)} + value)"
        )
    months = pd.to_datetime(series["period_month"]).dt.to_period("M").dt.to_timestamp()
    numerator = series["numerator"].astype("float64")
    denominator = series["denominator"].astype("float64")
    out = pd.DataFrame(
        {
            "period_year": series["period_year"].astype("int64").to_numpy(),
            "period_month": months.to_numpy(),
            "numerator": numerator.to_numpy(),
            "denominator": denominator.to_numpy(),
        }
    )
    out["value"] = _ratio_array(out["numerator"].to_numpy(), out["denominator"].to_numpy())
    return out.sort_values(["period_month", "period_year"], kind="stable").reset_index(drop=True)


def ratio_pct(numerator: float, denominator: float) -> float:
    """100 · numerator ÷ denominator, or NaN when the denominator is 0 or missing.

    Examples
    --------
    >>> ratio_pct(3.0, 4.0)
    75.0
    >>> math.isnan(ratio_pct(1.0, 0.0))
    True
    """
    if denominator is None or not math.isfinite(denominator) or denominator <= 0:
        return math.nan
    if numerator is None or not math.isfinite(numerator):
        return math.nan
    return 100.0 * numerator / denominator


def _ratio_array(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 100.0 * numerator / denominator
    return np.where(np.isfinite(denominator) & (denominator > 0), ratio, np.nan)


def in_year_rows(series: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of ``year`` itself: ``period_year == year`` inside the calendar year.

    For a cumulative series this leaves out the January extension row (period_year
    ``year``, period_month January ``year + 1``). ``series`` must be checked
    (:func:`check_series`).

    Examples
    --------
    >>> frame = check_series(pd.DataFrame({
    ...     "period_year": [2024, 2024, 2025],
    ...     "period_month": ["2024-12-01", "2025-01-01", "2025-01-01"],
    ...     "numerator": [90.0, 96.0, 2.0], "denominator": [100.0] * 3}))
    >>> in_year_rows(frame, 2024)["value"].tolist()
    [90.0]
    """
    months = series["period_month"]
    mask = (series["period_year"] == year) & (months.dt.year == year)
    rows: pd.DataFrame = series.loc[mask]
    return rows


def extension_row(series: pd.DataFrame, year: int) -> pd.Series | None:
    """The January-extension row of plan year ``year`` (cumulative series), if present.

    Examples
    --------
    >>> frame = check_series(pd.DataFrame({
    ...     "period_year": [2024, 2024], "period_month": ["2024-12-01", "2025-01-01"],
    ...     "numerator": [90.0, 96.0], "denominator": [100.0, 100.0]}))
    >>> float(extension_row(frame, 2024)["value"])
    96.0
    """
    months = series["period_month"]
    mask = (series["period_year"] == year) & (months.dt.year == year + 1) & (months.dt.month == 1)
    rows = series.loc[mask]
    if rows.empty:
        return None
    row: pd.Series = rows.iloc[-1]
    return row


def periods_per_year(series: pd.DataFrame, shape: SeriesShape) -> int:
    """12 for monthly series; 4 for quarterly rows of an annual indicator; 1 for annual rows.

    An annual indicator whose rows all fall in December, one per year, is annual;
    otherwise its rows are quarters.

    Examples
    --------
    >>> frame = check_series(pd.DataFrame({
    ...     "period_year": [2024, 2024], "period_month": ["2024-03-01", "2024-06-01"],
    ...     "numerator": [1.0, 1.0], "denominator": [5.0, 5.0]}))
    >>> periods_per_year(frame, SeriesShape.ANNUAL)
    4
    """
    if shape is not SeriesShape.ANNUAL:
        return 12
    if series.empty:
        return 4
    is_december = bool((series["period_month"].dt.month == 12).all())
    one_per_year = bool(series.groupby("period_year").size().max() <= 1)
    return 1 if is_december and one_per_year else 4


def period_index(months: pd.Series, per_year: int) -> np.ndarray:
    """An integer index of consecutive periods (months, quarters or years).

    Examples
    --------
    >>> period_index(pd.Series(pd.to_datetime(["2025-03-01", "2025-06-01"])), 4).tolist()
    [8100, 8101]
    """
    years: np.ndarray = months.dt.year.to_numpy().astype(np.int64)
    month_numbers: np.ndarray = months.dt.month.to_numpy().astype(np.int64)
    if per_year == 12:
        index: np.ndarray = years * 12 + month_numbers - 1
    elif per_year == 4:
        index = years * 4 + (month_numbers - 1) // 3
    else:
        index = years
    return index


def period_start_month(index: int, per_year: int) -> pd.Timestamp:
    """The ``period_month`` of period ``index`` (the quarter's last month for quarters).

    Examples
    --------
    >>> period_start_month(8101, 4)
    Timestamp('2025-06-01 00:00:00')
    """
    if per_year == 12:
        return pd.Timestamp(index // 12, index % 12 + 1, 1)
    if per_year == 4:
        return pd.Timestamp(index // 4, (index % 4) * 3 + 3, 1)
    return pd.Timestamp(index, 12, 1)


def months_to_year_end(last_month: pd.Timestamp | None, year: int) -> int:
    """Whole months from the end of ``last_month`` to 31 December of ``year`` (≥ 0).

    ``None`` (nothing observed yet) counts from 1 January of ``year``.

    Examples
    --------
    >>> months_to_year_end(pd.Timestamp("2025-09-01"), 2025)
    3
    >>> months_to_year_end(None, 2026)
    12
    """
    if last_month is None:
        return 12
    stamp = pd.Timestamp(last_month)
    return max(0, (year - stamp.year) * 12 + 12 - stamp.month)


def year_to_date(
    series: pd.DataFrame, shape: SeriesShape, year: int
) -> tuple[float, pd.Timestamp | None]:
    """The year-to-date value of ``year`` and the last period it covers.

    ``monthly_flow`` and ``annual``: ratio of sums over the year's rows so far.
    ``cumulative``: the latest in-year row's value (the extension month excluded).
    Returns ``(nan, None)`` when the year has no rows. ``series`` must be checked.

    Examples
    --------
    >>> frame = check_series(pd.DataFrame({
    ...     "period_year": [2025, 2025], "period_month": ["2025-01-01", "2025-02-01"],
    ...     "numerator": [10.0, 90.0], "denominator": [100.0, 100.0]}))
    >>> year_to_date(frame, SeriesShape.MONTHLY_FLOW, 2025)[0]
    50.0
    """
    rows = in_year_rows(series, year)
    if rows.empty:
        return math.nan, None
    last_month = pd.Timestamp(rows["period_month"].iloc[-1])
    if shape is SeriesShape.CUMULATIVE:
        return float(rows["value"].iloc[-1]), last_month
    return ratio_pct(float(rows["numerator"].sum()), float(rows["denominator"].sum())), last_month


def yearly_table(series: pd.DataFrame, shape: SeriesShape) -> pd.DataFrame:
    """One row per year of ``series``: its value, and how much of the year is observed.

    Parameters
    ----------
    series : DataFrame
        A checked series (:func:`check_series`).
    shape : SeriesShape

    Returns
    -------
    DataFrame
        ``period_year``, ``value`` (ratio of sums of the year's periods; for a
        cumulative series, the latest in-year row — December once observed),
        ``periods_observed``, ``periods_expected`` (12, 4 or 1), ``last_month`` (the
        latest in-year ``period_month``), ``is_over`` (the year's last period is
        observed) and ``is_complete`` (every period of the year is observed).

    Examples
    --------
    >>> frame = check_series(pd.DataFrame({
    ...     "period_year": [2024] * 4,
    ...     "period_month": ["2024-03-01", "2024-06-01", "2024-09-01", "2024-12-01"],
    ...     "numerator": [1.0, 2.0, 3.0, 4.0], "denominator": [10.0, 10.0, 10.0, 10.0]}))
    >>> row = yearly_table(frame, SeriesShape.ANNUAL).iloc[0]
    >>> float(row["value"]), bool(row["is_complete"])
    (25.0, True)
    """
    per_year = periods_per_year(series, shape)
    rows = series.loc[series["period_month"].dt.year == series["period_year"]]
    columns = [
        "period_year",
        "value",
        "periods_observed",
        "periods_expected",
        "last_month",
        "is_over",
        "is_complete",
    ]
    if rows.empty:
        return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})
    grouped = rows.groupby("period_year", sort=True)
    sums = grouped[["numerator", "denominator"]].sum(min_count=1)
    last = grouped.tail(1).set_index("period_year")
    observed = grouped["period_month"].nunique()
    if shape is SeriesShape.CUMULATIVE:
        values = last["value"]
    else:
        values = pd.Series(
            _ratio_array(sums["numerator"].to_numpy(), sums["denominator"].to_numpy()),
            index=sums.index,
        )
    last_month = last["period_month"]
    out = pd.DataFrame(
        {
            "period_year": sums.index.to_numpy(dtype=np.int64),
            "value": values.reindex(sums.index).to_numpy(dtype="float64"),
            "periods_observed": observed.reindex(sums.index).to_numpy(dtype=np.int64),
            "periods_expected": per_year,
            "last_month": last_month.reindex(sums.index).to_numpy(),
        }
    )
    # Months, quarters (their last month) and annual rows all end in December.
    out["is_over"] = out["last_month"].dt.month == 12
    out["is_complete"] = out["periods_observed"] >= per_year
    return out[columns]
