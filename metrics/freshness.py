"""Freshness: which period should be in the warehouse by now, and is it.

All dates are in Asia/Ho_Chi_Minh; "today" comes from :mod:`metrics.clock`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from metrics.clock import add_months, last_complete_month
from metrics.registry import Frequency, Indicator


class Freshness(StrEnum):
    """Whether the latest expected period has arrived."""

    ON_TIME = "on_time"
    LATE = "late"
    NO_DATA = "no_data"


@dataclass(frozen=True, slots=True)
class FreshnessCheck:
    """The freshness of one indicator's series."""

    state: Freshness
    expected_period: dt.date
    latest_period: dt.date | None
    periods_behind: int


def expected_latest_period(indicator: Indicator, today: dt.date) -> dt.date:
    """The latest period whose data the freshness promise says must be in by ``today``.

    Monthly: last month once the due day of this month has passed, else the month
    before. Quarterly estimates (annual indicators): the last ended quarter's last month
    once the due day of the month after it has passed. Periods are first days of months;
    a quarter is named by its last month.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> expected_latest_period(get_indicator("online_dossier_share"), dt.date(2026, 11, 23))
    datetime.date(2026, 10, 1)
    >>> expected_latest_period(get_indicator("online_dossier_share"), dt.date(2026, 11, 3))
    datetime.date(2026, 9, 1)
    """
    if indicator.frequency is Frequency.MONTHLY:
        lag = 1 if today.day > indicator.freshness_due_day else 2
        return add_months(today.replace(day=1), -lag)
    quarter_end_month = ((today.month - 1) // 3) * 3  # last month of the previous quarter
    candidate = add_months(dt.date(today.year, 1, 1), quarter_end_month - 1)
    due = add_months(candidate, 1).replace(day=min(indicator.freshness_due_day, 28))
    if today <= due:
        candidate = add_months(candidate, -3)
    return candidate


def check_freshness(
    indicator: Indicator, latest_period: dt.date | None, today: dt.date
) -> FreshnessCheck:
    """Compare the latest period in the warehouse with the one expected by ``today``.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> check_freshness(get_indicator("online_dossier_share"), dt.date(2026, 9, 1),
    ...                 dt.date(2026, 11, 23)).state
    <Freshness.LATE: 'late'>
    """
    expected = expected_latest_period(indicator, today)
    if latest_period is None:
        return FreshnessCheck(Freshness.NO_DATA, expected, None, 0)
    step = 1 if indicator.frequency is Frequency.MONTHLY else 3
    behind = max(
        0,
        ((expected.year - latest_period.year) * 12 + expected.month - latest_period.month) // step,
    )
    state = Freshness.ON_TIME if behind == 0 else Freshness.LATE
    return FreshnessCheck(state, expected, latest_period, behind)


COMPLETE_COVERAGE = 0.9
"""A month counts as complete once at least this share of the usual reporting units is in."""


def latest_complete_period(
    series: pd.DataFrame, year: int, today: dt.date, coverage: float = COMPLETE_COVERAGE
) -> pd.Timestamp | None:
    """The latest period of ``year`` that a headline may be read from.

    A period qualifies when it has ended by ``today`` (in Ho Chi Minh City) and at least
    ``coverage`` of the usual number of reporting units (the most seen in the twelve
    periods before it) has reported. One unit's early submission therefore never becomes
    the city's headline, and a year never closes on a half-reported last month.

    Parameters
    ----------
    series
        ``data_access.queries.scope_series`` output (``period_year``, ``period_month``,
        ``n_units``).
    year
        The year the tile is about (rows are matched on ``period_year``).
    today
        Today's date in the city.
    coverage
        Share of the usual reporting units needed.

    Returns
    -------
    Timestamp or None
        The period's ``period_month``, or None when no period of ``year`` qualifies.

    Examples
    --------
    >>> frame = pd.DataFrame({"period_year": 2026, "period_month": pd.to_datetime(
    ...     ["2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01"]),
    ...     "n_units": [100, 100, 95, 1]})
    >>> latest_complete_period(frame, 2026, dt.date(2026, 12, 20))
    Timestamp('2026-10-01 00:00:00')
    >>> latest_complete_period(frame, 2026, dt.date(2026, 10, 20))
    Timestamp('2026-09-01 00:00:00')
    """
    last_ended = pd.Timestamp(last_complete_month(today))
    ordered = series.sort_values("period_month").reset_index(drop=True)
    usual = ordered["n_units"].rolling(12, min_periods=1).max().shift(1)
    usual = usual.fillna(ordered["n_units"])
    qualifies = (
        (ordered["period_year"] == year)
        & (ordered["period_month"] <= last_ended)
        & (ordered["n_units"] >= coverage * usual)
    )
    months = ordered.loc[qualifies, "period_month"]
    return None if months.empty else pd.Timestamp(months.max())
