"""What a figure is compared with: published figures known on a day, national averages
published beside the city's, and the drill-down groups' names."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from metrics.overview import COMPARISON_TERRITORIES
from metrics.reference import FORMER_PROVINCES
from metrics.registry import Indicator

GROUP_ORDER: tuple[str, ...] = (*FORMER_PROVINCES, "department", "investor")
"""Drill-down groups in the order pages list them: the three former provinces (their
wards, communes and the special zone), then the departments and the project boards."""


def published_date(published_on: str) -> dt.date | None:
    """The last day a publication date as precise as its source can mean.

    ``2025-02-19`` is that day; ``2025-03`` is 31 March 2025; ``2024`` is 31 December 2024
    — so a figure is never shown as known before it can have been published. None when
    the text is not such a date.

    Examples
    --------
    >>> published_date("2025-03"), published_date("2024"), published_date("n/a")
    (datetime.date(2025, 3, 31), datetime.date(2024, 12, 31), None)
    """
    text = str(published_on).strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        if len(text) == 4:
            return dt.date(int(text), 12, 31)
    except ValueError:
        return None
    return None


def published_known_by(published: pd.DataFrame, day: dt.date | None) -> pd.DataFrame:
    """The published figures already out by the end of ``day`` (all of them for None):
    a page rebuilt "as of" a past day shows only what was published by then.

    Examples
    --------
    >>> rows = pd.DataFrame({"published_on": ["2025-09-19", "2025-12", "2026"]})
    >>> len(published_known_by(rows, dt.date(2025, 12, 31)))
    2
    """
    if day is None or published.empty:
        return published
    dates = published["published_on"].map(published_date)
    known = dates.map(lambda d: d is not None and d <= day).astype(bool)
    return published[known]


def national_figures(
    published: pd.DataFrame, indicator: Indicator, year: int | None = None
) -> pd.DataFrame:
    """National averages published for ``indicator`` (its published code), optionally of
    ``year`` only — comparisons, never the city's own figures.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> rows = pd.DataFrame({"indicator_code": ["public_investment_disbursement"] * 2,
    ...     "territory": ["national", "merged"], "kind": ["actual"] * 2,
    ...     "period_start": pd.to_datetime(["2023-01-01"] * 2), "value": [51.38, 1.0]})
    >>> national_figures(rows, get_indicator("public_investment_disbursement"))["value"].tolist()
    [51.38]
    """
    if published.empty or "territory" not in published.columns:
        return published.iloc[0:0]
    code = indicator.published_code or indicator.code
    rows = published[
        (published["indicator_code"] == code)
        & published["territory"].isin(COMPARISON_TERRITORIES)
        & (published["kind"] != "target")
    ]
    if year is not None:
        rows = rows[rows["period_start"].dt.year == year]
    return rows
