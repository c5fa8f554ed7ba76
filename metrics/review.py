"""A year's result against its target (the "2025 in review" strip)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from metrics.periods import SeriesShape, check_series, extension_row, series_shape, yearly_table
from metrics.projection import judgement_of
from metrics.registry import Comparator, Indicator
from metrics.targets import meets


@dataclass(frozen=True, slots=True)
class YearResult:
    """One year's value of an indicator and how it compares with the year-end target."""

    indicator_code: str
    year: int
    value: float
    """The year's value (%): ratio of sums of its months or quarters; for a cumulative
    indicator the December year-to-date value (or the latest month, if December is not
    in yet). NaN when every denominator is 0."""
    value_with_extension: float | None
    """Cumulative only: the value at 31 January of the next year (the end of the
    extension month, ``extension_date``), when that row exists; else None."""
    target: float | None
    comparator: Comparator | None
    is_target_carried_forward: bool
    is_met: bool | None
    """Whether ``value`` meets the target; None without a target, or before the year's
    last period (December, Q4) is observed."""
    margin: float | None
    """value − target, in percentage points (negative: short of a ``>=`` target)."""
    is_complete: bool
    """Every period of the year (12 months, 4 quarters) is observed."""
    periods_observed: int
    periods_expected: int
    last_month: pd.Timestamp
    judgement_date: dt.date
    """The date the target is judged on (its row's due date): 31 December, or for a
    target due at the end of the extension month, 31 January of the next year (then
    ``is_met`` and ``margin`` read ``value_with_extension``)."""
    extension_date: dt.date | None
    """Cumulative only: 31 January of the next year."""


def year_result(series: pd.DataFrame, indicator: Indicator, year: int) -> YearResult | None:
    """The value of ``year`` and its result against the year-end target.

    Parameters
    ----------
    series : DataFrame
        The indicator's series (see :mod:`metrics.periods`).
    indicator : Indicator
    year : int

    Returns
    -------
    YearResult or None
        None when the series has no row for ``year``.

    Notes
    -----
    Monthly flow and annual indicators: value = Σ numerator ÷ Σ denominator × 100 over
    the year's months (quarters) — never a mean of the monthly ratios. Cumulative: the
    December row; the January-extension row is reported beside it, and judged only for a
    target whose row is due at 31 January.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> months = pd.date_range("2025-01-01", "2025-12-01", freq="MS")
    >>> frame = pd.DataFrame({"period_year": 2025, "period_month": months,
    ...                       "numerator": 55.0, "denominator": 100.0})
    >>> result = year_result(frame, get_indicator("online_dossier_share"), 2025)
    >>> result.value, result.is_met, result.margin
    (55.0, True, 5.0)
    """
    shape = series_shape(indicator)
    checked = check_series(series)
    table = yearly_table(checked, shape)
    rows = table.loc[table["period_year"] == year]
    if rows.empty:
        return None
    row = rows.iloc[0]
    value = float(row["value"])
    with_extension: float | None = None
    if shape is SeriesShape.CUMULATIVE:
        extension = extension_row(checked, year)
        if extension is not None and math.isfinite(float(extension["value"])):
            with_extension = float(extension["value"])
    in_force = indicator.year_end_target(year)
    target = in_force.target.value if in_force else None
    comparator = in_force.target.comparator if in_force else None
    judgement, judgement_date = judgement_of(indicator, year)
    judged: float | None = value
    is_over = bool(row["is_over"])
    if judgement == "extension":
        judged, is_over = with_extension, with_extension is not None
    is_met: bool | None = None
    margin: float | None = None
    if in_force is not None and judged is not None and math.isfinite(judged):
        margin = judged - in_force.target.value
        if is_over:
            is_met = meets(judged, in_force.target.value, in_force.target.comparator)
    return YearResult(
        indicator_code=indicator.code,
        year=year,
        value=value,
        value_with_extension=with_extension,
        target=target,
        comparator=comparator,
        is_target_carried_forward=bool(in_force.is_carried_forward) if in_force else False,
        is_met=is_met,
        margin=margin,
        is_complete=bool(row["is_complete"]),
        periods_observed=int(row["periods_observed"]),
        periods_expected=int(row["periods_expected"]),
        last_month=pd.Timestamp(row["last_month"]),
        judgement_date=judgement_date,
        extension_date=dt.date(year + 1, 1, 31) if shape is SeriesShape.CUMULATIVE else None,
    )
