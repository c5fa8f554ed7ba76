"""A unit's scorecard: each indicator against its target and its peers, and which of its
monthly submissions were late or are missing.

Pure: frames from ``data_access.queries`` in, frames out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from metrics.clock import add_months, to_city_time
from metrics.registry import Indicator, TimeRollup

SUBMISSION_COLUMNS: tuple[str, ...] = (
    "indicator_code",
    "period_year",
    "period_month",
    "state",
    "days_late",
    "first_loaded_at",
)
"""``state``: ``on_time``, ``late`` (arrived after the due day) or ``missing``."""


def due_date(indicator: Indicator, month: dt.date) -> dt.date:
    """The day a month's figures are due: the indicator's due day of the next month.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> due_date(get_indicator("online_dossier_share"), dt.date(2026, 10, 1))
    datetime.date(2026, 11, 5)
    """
    following = add_months(month, 1)
    return following.replace(day=min(indicator.freshness_due_day, 28))


def expected_months(indicator: Indicator, year: int, through: dt.date) -> list[dt.date]:
    """The months of ``year`` a unit should have reported by ``through`` (a month's first
    day); for a cumulative indicator the plan year's January extension too, once due.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> expected_months(get_indicator("online_dossier_share"), 2026, dt.date(2026, 3, 1))
    [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)]
    """
    last = (
        dt.date(year + 1, 1, 1)
        if indicator.time_rollup is TimeRollup.CUMULATIVE
        else dt.date(year, 12, 1)
    )
    months, month = [], dt.date(year, 1, 1)
    while month <= min(last, through):
        months.append(month)
        month = add_months(month, 1)
    return months


def submission_grid(
    submissions: pd.DataFrame,
    indicators: Sequence[Indicator],
    year: int,
    through: dt.date,
) -> pd.DataFrame:
    """Each expected month of each indicator: on time, late (by how many days) or missing.

    Parameters
    ----------
    submissions
        :func:`data_access.queries.unit_submissions` of one unit.
    indicators
        The indicators the unit reports (monthly ones).
    year
        The year (for a cumulative indicator, the plan year).
    through
        The last month due (first day), e.g. the month the pages read to.

    Returns
    -------
    DataFrame
        :data:`SUBMISSION_COLUMNS`; ``days_late`` is 0 on time, NaN when missing;
        ``first_loaded_at`` in the city's time.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> rows = pd.DataFrame({"indicator_id": ["online_dossier_share"], "period_year": [2026],
    ...     "period_month": pd.to_datetime(["2026-01-01"]),
    ...     "first_loaded_at": pd.to_datetime(["2026-02-10 03:00"])})
    >>> grid = submission_grid(rows, [get_indicator("online_dossier_share")], 2026,
    ...                        dt.date(2026, 2, 1))
    >>> grid[["state", "days_late"]].values.tolist()
    [['late', 5.0], ['missing', nan]]
    """
    out: list[tuple[object, ...]] = []
    for indicator in indicators:
        mine = submissions[
            (submissions["indicator_id"] == indicator.code) & (submissions["period_year"] == year)
        ]
        arrived = {
            pd.Timestamp(m).date(): pd.Timestamp(loaded)
            for m, loaded in zip(mine["period_month"], mine["first_loaded_at"], strict=True)
        }
        for month in expected_months(indicator, year, through):
            loaded = arrived.get(month)
            if loaded is None:
                out.append((indicator.code, year, month, "missing", np.nan, pd.NaT))
                continue
            local = to_city_time(loaded.to_pydatetime())
            late_by = (local.date() - due_date(indicator, month)).days
            state = "late" if late_by > 0 else "on_time"
            late = float(max(late_by, 0))
            out.append((indicator.code, year, month, state, late, local.replace(tzinfo=None)))
    frame = pd.DataFrame(out, columns=list(SUBMISSION_COLUMNS))
    return frame.assign(
        period_month=pd.to_datetime(frame["period_month"]),
        days_late=frame["days_late"].astype("float64"),
        first_loaded_at=pd.to_datetime(frame["first_loaded_at"]),
    )


def peer_position(value: float | None, p25: float | None, p75: float | None) -> str:
    """Where a value sits in its peer group: ``top`` quarter, ``middle`` half, ``bottom``
    quarter (higher is better), or ``unknown``.

    Examples
    --------
    >>> peer_position(90.0, 70.0, 85.0), peer_position(60.0, 70.0, 85.0)
    ('top', 'bottom')
    """
    if value is None or p25 is None or p75 is None or any(pd.isna(v) for v in (value, p25, p75)):
        return "unknown"
    if value > p75:
        return "top"
    if value < p25:
        return "bottom"
    return "middle"
