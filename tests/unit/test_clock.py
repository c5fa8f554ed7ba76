"""The one clock and calendar (metrics/clock.py), and the session clock of the test suite."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest

from metrics.clock import (
    CITY_TIMEZONE,
    add_months,
    city_today,
    last_complete_month,
    month_end,
    to_city_time,
    to_warehouse_time,
    utc_now,
)

D = dt.date
UTC = dt.UTC


@pytest.mark.parametrize(
    ("utc", "city"),
    [
        (dt.datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC), D(2026, 11, 30)),  # 23:59:59
        (dt.datetime(2026, 11, 30, 17, 0, tzinfo=UTC), D(2026, 12, 1)),  # midnight in the city
        (dt.datetime(2026, 12, 31, 17, 30, tzinfo=UTC), D(2027, 1, 1)),
        (dt.datetime(2027, 1, 1, 3, 0, tzinfo=UTC), D(2027, 1, 1)),
    ],
)
def test_today_is_the_date_in_ho_chi_minh_city(time_machine, utc: dt.datetime, city: D) -> None:
    """Regression: the date in UTC instead of the city's survived the suite."""
    time_machine.move_to(utc, tick=False)
    assert city_today() == city
    assert utc_now() == utc.replace(tzinfo=None)


def test_a_given_moment_naive_or_zoned() -> None:
    assert city_today(dt.datetime(2026, 11, 30, 17, 0)) == D(2026, 12, 1)  # naive = UTC
    assert city_today(dt.datetime(2026, 12, 1, 0, 30, tzinfo=CITY_TIMEZONE)) == D(2026, 12, 1)


def test_utc_now_is_naive_and_whole_seconds(time_machine) -> None:
    time_machine.move_to(dt.datetime(2026, 11, 28, 3, 4, 5, 678_000, tzinfo=UTC), tick=False)
    assert utc_now() == dt.datetime(2026, 11, 28, 3, 4, 5)


@pytest.mark.parametrize(
    ("moment", "stored"),
    [
        (dt.datetime(2026, 11, 6, 14, 0, tzinfo=CITY_TIMEZONE), dt.datetime(2026, 11, 6, 7, 0)),
        (
            dt.datetime(2026, 11, 6, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
            dt.datetime(2026, 11, 5, 22, 0),
        ),
        (dt.datetime(2026, 11, 6, 14, 0, tzinfo=UTC), dt.datetime(2026, 11, 6, 14, 0)),
        (dt.datetime(2026, 11, 6, 14, 0), dt.datetime(2026, 11, 6, 14, 0)),  # naive: UTC
    ],
)
def test_warehouse_times_are_utc_without_a_zone(moment: dt.datetime, stored: dt.datetime) -> None:
    result = to_warehouse_time(moment)
    assert result == stored and result.tzinfo is None


def test_a_zone_without_an_offset_is_refused() -> None:
    class NoOffset(dt.tzinfo):
        def utcoffset(self, moment: dt.datetime | None) -> None:
            return None

    with pytest.raises(ValueError, match="fixed offset such as \\+07:00") as raised:
        to_warehouse_time(dt.datetime(2026, 11, 6, 14, 0, tzinfo=NoOffset()))
    assert str(raised.value).endswith(
        "has a zone without an offset; pass UTC, or a time with a fixed offset such as +07:00"
    )


def test_a_warehouse_time_in_the_city() -> None:
    local = to_city_time(dt.datetime(2026, 11, 30, 17, 15))
    assert (local.date(), local.hour, local.minute) == (D(2026, 12, 1), 0, 15)
    assert local.utcoffset() == dt.timedelta(hours=7)
    # A zoned moment keeps its instant (it is converted, not relabelled).
    zoned = to_city_time(
        dt.datetime(2026, 11, 30, 12, 15, tzinfo=dt.timezone(-dt.timedelta(hours=5)))
    )
    assert (zoned.date(), zoned.hour, zoned.minute) == (D(2026, 12, 1), 0, 15)


def test_the_suite_runs_in_a_zone_that_is_not_the_citys() -> None:
    """So code that uses the machine's local zone instead of the city's shows up."""
    assert dt.datetime.now().astimezone().utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (D(2025, 1, 1), 0, D(2025, 1, 1)),
        (D(2025, 12, 1), 1, D(2026, 1, 1)),
        (D(2025, 1, 31), -1, D(2024, 12, 1)),
        (D(2020, 1, 1), 81, D(2026, 10, 1)),
        (D(2026, 11, 28), -12, D(2025, 11, 1)),
        (D(2026, 11, 1), 14, D(2028, 1, 1)),
    ],
)
def test_add_months(month: D, count: int, expected: D) -> None:
    assert add_months(month, count) == expected


@pytest.mark.parametrize(
    ("month", "end"),
    [
        (D(2024, 2, 1), D(2024, 2, 29)),
        (D(2025, 2, 14), D(2025, 2, 28)),
        (D(2026, 1, 31), D(2026, 1, 31)),
        (D(2026, 4, 1), D(2026, 4, 30)),
        (D(2026, 12, 1), D(2026, 12, 31)),
        (pd.Timestamp("2100-02-01"), D(2100, 2, 28)),
    ],
)
def test_month_end(month: D | pd.Timestamp, end: D) -> None:
    assert month_end(month) == end


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (D(2026, 11, 28), D(2026, 10, 1)),
        (D(2026, 12, 1), D(2026, 11, 1)),  # the first day of a month: the one before is over
        (D(2026, 11, 30), D(2026, 10, 1)),  # the last day: its own month is not over yet
        (D(2027, 1, 1), D(2026, 12, 1)),
        (D(2027, 1, 31), D(2026, 12, 1)),
    ],
)
def test_last_complete_month(today: D, month: D) -> None:
    assert last_complete_month(today) == month


def test_the_session_clock_is_the_pinned_day() -> None:
    """conftest.py pins the clock to DASHBOARD_TEST_TODAY (or today) at 10:00 in the city."""
    from tests.conftest import test_today

    pinned = test_today()
    assert city_today() == pinned
    if os.environ.get("DASHBOARD_TEST_TODAY"):
        assert pinned == D.fromisoformat(os.environ["DASHBOARD_TEST_TODAY"])
    local = dt.datetime.now(CITY_TIMEZONE)
    assert local.date() == pinned and 10 <= local.hour < 12


@pytest.mark.parametrize(
    ("utc", "month"),
    [
        (dt.datetime(2026, 11, 28, 3, 0, tzinfo=UTC), D(2026, 10, 1)),
        (dt.datetime(2026, 11, 30, 16, 30, tzinfo=UTC), D(2026, 10, 1)),  # 23:30, 30 Nov
        (dt.datetime(2026, 11, 30, 17, 30, tzinfo=UTC), D(2026, 11, 1)),  # 00:30, 1 Dec
        (dt.datetime(2027, 11, 28, 3, 0, tzinfo=UTC), D(2027, 10, 1)),
    ],
)
def test_the_demos_default_last_month_follows_the_clock(
    time_machine, utc: dt.datetime, month: D
) -> None:
    from demo.build import default_last_month

    time_machine.move_to(utc, tick=False)
    assert default_last_month() == month


@pytest.fixture
def server_in_new_york(monkeypatch: pytest.MonkeyPatch):
    """The server's own zone is not the city's nor UTC: conversions must not read it."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_naive_warehouse_time_is_utc_whatever_the_servers_zone(server_in_new_york) -> None:
    # 00:00 UTC is 07:00 in the city (New York would make it 12:00).
    assert to_city_time(dt.datetime(2026, 1, 1, 0, 0)).strftime("%H:%M %d/%m") == "07:00 01/01"


def test_a_zoned_time_is_stored_as_utc_whatever_the_servers_zone(server_in_new_york) -> None:
    moment = dt.datetime(2026, 1, 1, 14, 0, tzinfo=CITY_TIMEZONE)  # 14:00 +07:00
    assert to_warehouse_time(moment) == dt.datetime(2026, 1, 1, 7, 0)
