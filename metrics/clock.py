"""The one clock and calendar of the project: "now", "today" in the city, month arithmetic.

Every piece of code that needs the current time reads it here (:func:`utc_now`,
:func:`city_today`), so the app, the metrics, the demo and the warehouse writes all see the
same instant, and a test can pin it for all of them at once (``time-machine``; see
``tests/conftest.py``). Dates are in Asia/Ho_Chi_Minh (UTC+7, no daylight saving time);
the warehouse stores times as UTC without a zone (:func:`to_warehouse_time`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

CITY_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _read_clock() -> dt.datetime:
    """The machine's clock, as a UTC moment: the one place the project reads it."""
    return dt.datetime.now(dt.UTC)


def utc_now() -> dt.datetime:
    """Now, in UTC, without a zone and to the second (how the warehouse stores times)."""
    return _read_clock().replace(tzinfo=None, microsecond=0)


def city_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Ho Chi Minh City, at ``now`` (default: the clock).

    A naive ``now`` is UTC, as the warehouse stores it.

    Examples
    --------
    >>> city_today(dt.datetime(2026, 11, 30, 16, 59))  # 23:59 in the city
    datetime.date(2026, 11, 30)
    >>> city_today(dt.datetime(2026, 11, 30, 17, 0))  # midnight in the city
    datetime.date(2026, 12, 1)
    """
    moment = now if now is not None else _read_clock()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CITY_TIMEZONE).date()


def to_warehouse_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` as the warehouse stores it: UTC without a zone.

    A zoned moment is converted to UTC; a naive one is taken to be UTC already (the
    warehouse's own convention) and returned unchanged.

    Raises
    ------
    ValueError
        When ``moment`` carries a zone that cannot tell its offset.

    Examples
    --------
    >>> to_warehouse_time(dt.datetime(2026, 11, 6, 14, 0, tzinfo=CITY_TIMEZONE))
    datetime.datetime(2026, 11, 6, 7, 0)
    >>> to_warehouse_time(dt.datetime(2026, 11, 6, 14, 0))
    datetime.datetime(2026, 11, 6, 14, 0)
    """
    if moment.tzinfo is None:
        return moment
    if moment.utcoffset() is None:
        raise ValueError(
            f"{moment!r} has a zone without an offset; pass UTC, or a time with a "
            "fixed offset such as +07:00"
        )
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def to_city_time(moment_utc: dt.datetime) -> dt.datetime:
    """A warehouse time (naive UTC) in the city's time zone.

    Examples
    --------
    >>> to_city_time(dt.datetime(2026, 11, 6, 7, 0)).strftime("%H:%M %d/%m/%Y")
    '14:00 06/11/2026'
    """
    moment = moment_utc if moment_utc.tzinfo else moment_utc.replace(tzinfo=dt.UTC)
    return moment.astimezone(CITY_TIMEZONE)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after ``month``'s.

    Examples
    --------
    >>> add_months(dt.date(2026, 11, 28), 2)
    datetime.date(2027, 1, 1)
    >>> add_months(dt.date(2026, 1, 31), -1)
    datetime.date(2025, 12, 1)
    """
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date | pd.Timestamp) -> dt.date:
    """The last day of ``month``'s month.

    Examples
    --------
    >>> month_end(dt.date(2024, 2, 1)), month_end(dt.date(2025, 2, 14))
    (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28))
    >>> month_end(pd.Timestamp("2026-12-01"))
    datetime.date(2026, 12, 31)
    """
    day = month.date() if isinstance(month, pd.Timestamp) else month
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def last_complete_month(today: dt.date) -> dt.date:
    """First day of the last month that has ended by ``today``.

    Examples
    --------
    >>> last_complete_month(dt.date(2026, 11, 23))
    datetime.date(2026, 10, 1)
    >>> last_complete_month(dt.date(2026, 1, 1))
    datetime.date(2025, 12, 1)
    >>> last_complete_month(dt.date(2026, 12, 31))
    datetime.date(2026, 11, 1)
    """
    return add_months(today, -1)
