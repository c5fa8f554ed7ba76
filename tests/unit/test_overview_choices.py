"""What the Overview opens on (metrics/overview.py): the default year, the review year and
the month a headline tile is read as of, each for a given day."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics.overview import default_year, headline_tile, review_year
from metrics.registry import get_indicator

D = dt.date
ONLINE = get_indicator("online_dossier_share")


@pytest.mark.parametrize(
    ("today", "latest_data_year", "year"),
    [
        (D(2026, 11, 28), 2026, 2026),
        (D(2026, 1, 1), 2025, 2025),  # January: last year is still being closed
        (D(2027, 1, 31), 2026, 2026),
        (D(2027, 2, 1), 2027, 2027),  # January 2027 is in
        (D(2027, 2, 1), 2026, 2026),  # February, January not in yet: never an empty year
        (D(2027, 11, 28), 2026, 2026),  # data a year behind the calendar
        (D(2026, 11, 28), 2027, 2026),  # a year after the calendar's is never chosen
        (D(2026, 11, 28), None, 2026),  # an empty or unreadable warehouse: the calendar's
    ],
)
def test_the_default_year_is_the_latest_year_with_data(
    today: D, latest_data_year: int | None, year: int
) -> None:
    assert default_year(today, latest_data_year) == year


@pytest.mark.parametrize(
    ("today", "latest_data_year", "year"),
    [
        (D(2026, 11, 28), 2026, 2025),
        (D(2026, 12, 31), 2026, 2025),
        (D(2027, 1, 1), 2026, 2026),  # 2026 is closed on 1 January 2027
        (D(2028, 3, 1), 2026, 2026),  # not after the data
        (D(2026, 11, 28), None, 2025),
    ],
)
def test_the_review_year_is_the_last_closed_year(
    today: D, latest_data_year: int | None, year: int
) -> None:
    assert review_year(today, latest_data_year) == year


def _online(months: list[str], n_units: list[int]) -> pd.DataFrame:
    stamps = pd.to_datetime(months)
    return pd.DataFrame(
        {
            "period_year": stamps.year,
            "period_month": stamps,
            "numerator": [60.0] * len(months),
            "denominator": [100.0] * len(months),
            "n_units": n_units,
        }
    )


SERIES = _online(
    [f"2026-{m:02d}-01" for m in range(1, 12)],
    [100] * 10 + [1],  # November: one unit's early submission
)


@pytest.mark.parametrize(
    ("today", "as_of"),
    [
        (D(2026, 10, 20), "2026-09-01"),
        (D(2026, 11, 28), "2026-10-01"),
        (D(2026, 12, 1), "2026-10-01"),  # November is over, but one unit is no headline
        (D(2027, 11, 28), "2026-10-01"),
    ],
)
def test_a_headline_tile_is_read_as_of_the_latest_complete_month(today: D, as_of: str) -> None:
    tile = headline_tile(SERIES, ONLINE, 2026, today)
    assert tile is not None
    assert tile.as_of_month == pd.Timestamp(as_of)
    assert tile.latest_period == pd.Timestamp(as_of)
    assert tile.latest_value == 60.0


def test_a_year_without_a_complete_month_has_no_tile() -> None:
    assert headline_tile(SERIES, ONLINE, 2027, D(2027, 11, 28)) is None
    assert headline_tile(SERIES, ONLINE, 2026, D(2026, 1, 31)) is None
