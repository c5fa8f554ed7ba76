"""The tile's rules one by one (metrics/tiles.py), on small frames whose figures are
worked out by hand in the comments; never with the function under test.

Each building block of a tile (latest value, trend, pace history, headline, status, next
milestone, sparkline, the first screen's summary) is called directly, so a wrong rule
shows in milliseconds; a few ``build_tile`` calls on short series (no simulation) check
how the blocks are put together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from metrics import tiles as t
from metrics.pace import required_pace
from metrics.periods import SeriesShape, check_series
from metrics.projection import Projection, project_year
from metrics.registry import get_indicator
from metrics.review import YearResult
from metrics.status import Status, Trend

ONLINE = get_indicator("online_dossier_share")  # monthly flow, target 50 % in 2025, band 0.5
DISBURSEMENT = get_indicator("public_investment_disbursement")  # cumulative, band 1.0
DIGITAL = get_indicator("digital_economy_share_grdp")  # quarterly, targets 25 (2025), 30 (2026)


def _frame(rows: list[tuple[int, str, float, float]]) -> pd.DataFrame:
    """(period_year, period_month, numerator, denominator) rows, checked."""
    return check_series(
        pd.DataFrame(rows, columns=["period_year", "period_month", "numerator", "denominator"])
    )


def _monthly(first: str, numerators: list[float], denominator: float = 100.0) -> pd.DataFrame:
    months = pd.date_range(first, periods=len(numerators), freq="MS")
    return _frame(
        [
            (m.year, m.strftime("%Y-%m-01"), n, denominator)
            for m, n in zip(months, numerators, strict=True)
        ]
    )


def _cumulative(year: int, flows: list[float], plan: float = 100.0) -> list[tuple]:
    """A plan year's year-to-date rows from its monthly flows (in % of a plan of 100)."""
    total, out = 0.0, []
    for month, flow in enumerate(flows, start=1):
        total += flow
        out.append((year, f"{year}-{month:02d}-01", total, plan))
    return out


def _quarters(year: int, numerators: list[float], denominator: float = 100.0) -> list[tuple]:
    return [
        (year, f"{year}-{3 * (q + 1):02d}-01", n, denominator) for q, n in enumerate(numerators)
    ]


_BASE: Projection | None = None


def _projection(**changes: Any) -> Projection:
    """A real projection of a short series (nothing simulated), with fields replaced."""
    global _BASE
    if _BASE is None:
        _BASE = project_year(_monthly("2025-01-01", [60.0, 61.0, 62.0]), ONLINE, 2025, n_paths=10)
    return dataclasses.replace(_BASE, **changes)


def _result(**changes: Any) -> YearResult:
    base = YearResult(
        "public_investment_disbursement",
        2025,
        80.0,
        91.0,
        90.0,
        ">=",
        False,
        True,
        1.0,
        True,
        12,
        12,
        pd.Timestamp(2025, 12, 1),
        dt.date(2026, 1, 31),
        dt.date(2026, 1, 31),
    )
    return dataclasses.replace(base, **changes)


# --------------------------------------------------------------------- small helpers


def test_finite_keeps_numbers_and_drops_the_missing_and_infinite() -> None:
    assert t._finite(None) is None
    assert t._finite(math.nan) is None
    assert t._finite(math.inf) is None
    assert t._finite(-math.inf) is None
    value = t._finite(np.float64(2.5))
    assert value == 2.5 and type(value) is float
    assert t._finite(0.0) == 0.0


def test_a_headline_gap_is_value_less_reference_or_none() -> None:
    assert t._gap(55.0, 50.0) == 5.0
    assert t._gap(45.0, 50.0) == -5.0
    assert t._gap(None, 50.0) is None
    assert t._gap(55.0, None) is None


def test_the_merger_lies_between_two_months_only_when_july_2025_is_in_the_span() -> None:
    assert t._spans_merger(pd.Timestamp(2025, 6, 1), pd.Timestamp(2025, 7, 1)) is True
    assert t._spans_merger(pd.Timestamp(2025, 7, 1), pd.Timestamp(2025, 9, 1)) is False
    assert t._spans_merger(pd.Timestamp(2025, 1, 1), pd.Timestamp(2025, 6, 1)) is False


# --------------------------------------------------------------------- latest value


def test_a_monthly_rate_shows_its_latest_month_up_to_the_tiles_year() -> None:
    frame = _monthly("2024-11-01", [40.0, 41.0, 42.0, 43.0])  # Nov 24 … Feb 25
    assert t._latest(frame, SeriesShape.MONTHLY_FLOW, 2025) == (
        43.0,
        pd.Timestamp(2025, 2, 1),
        "month",
    )
    # A tile of 2024 ignores 2025's months.
    assert t._latest(frame, SeriesShape.MONTHLY_FLOW, 2024) == (
        41.0,
        pd.Timestamp(2024, 12, 1),
        "month",
    )
    assert t._latest(frame, SeriesShape.MONTHLY_FLOW, 2023) == (None, None, "month")


def test_a_latest_month_without_a_denominator_has_no_value() -> None:
    frame = _frame([(2025, "2025-01-01", 40.0, 100.0), (2025, "2025-02-01", 5.0, 0.0)])
    value, period, kind = t._latest(frame, SeriesShape.MONTHLY_FLOW, 2025)
    assert (value, period, kind) == (None, pd.Timestamp(2025, 2, 1), "month")


def test_disbursement_shows_its_plan_years_latest_figure_the_extension_included() -> None:
    rows = _cumulative(2024, [8.0] * 12)  # December 2024: 96 %
    rows.append((2024, "2025-01-01", 98.0, 100.0))  # the extension month of 2024
    rows += _cumulative(2025, [3.0, 4.0])  # Feb 2025: 7 %
    frame = _frame(rows)
    assert t._latest(frame, SeriesShape.CUMULATIVE, 2024) == (
        98.0,
        pd.Timestamp(2025, 1, 1),
        "year_to_date",
    )
    assert t._latest(frame, SeriesShape.CUMULATIVE, 2025) == (
        7.0,
        pd.Timestamp(2025, 2, 1),
        "year_to_date",
    )
    assert t._latest(frame, SeriesShape.CUMULATIVE, 2026) == (None, None, "year_to_date")


def test_an_annual_indicator_shows_its_latest_complete_year() -> None:
    # 2023: 10+12+14+16 of 400 = 13 %; 2024: 20+20+20+24 of 400 = 21 %; 2025: two quarters.
    frame = _frame(
        _quarters(2023, [10.0, 12.0, 14.0, 16.0])
        + _quarters(2024, [20.0, 20.0, 20.0, 24.0])
        + _quarters(2025, [30.0, 30.0])
    )
    assert t._latest(frame, SeriesShape.ANNUAL, 2025) == (21.0, pd.Timestamp(2024, 12, 1), "year")
    assert t._latest(frame, SeriesShape.ANNUAL, 2023) == (13.0, pd.Timestamp(2023, 12, 1), "year")
    assert t._latest(frame, SeriesShape.ANNUAL, 2022) == (None, None, "year")
    assert t._latest(frame.iloc[0:0], SeriesShape.ANNUAL, 2025) == (None, None, "year")


# --------------------------------------------------------------------- trend


def _disbursement_years() -> pd.DataFrame:
    # April–June flows: 2022 5+5+5 = 15, 2023 6+6+6 = 18, 2024 9+9+9 = 27 (median 18,
    # mean 20); 2025: 6.5 × 3 = 19.5.
    rows = (
        _cumulative(2022, [5.0] * 12)
        + _cumulative(2023, [6.0] * 12)
        + _cumulative(2024, [9.0] * 11)
        + _cumulative(2025, [5.0, 5.0, 5.0, 6.5, 6.5, 6.5])
    )
    return _frame(rows)


def test_disbursement_trend_sets_the_last_three_flows_against_the_median_of_earlier_years() -> None:
    frame = _disbursement_years()
    # 19.5 − median 18 = +1.5 ≥ the band of 1.0: improving (against the mean, 20, it
    # would be −0.5: stable).
    assert t._trend(frame, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025) == (
        Trend.IMPROVING,
        "same_months_earlier_years",
        (2022, 2024),
        True,
    )
    # 2024 through June against 2022 and 2023 (median of 15 and 18 = 16.5; 27 − 16.5 up):
    # none of the years compared is after the merger.
    before = frame.loc[frame["period_month"] <= pd.Timestamp(2024, 6, 1)]
    assert t._trend(before, DISBURSEMENT, SeriesShape.CUMULATIVE, 2024) == (
        Trend.IMPROVING,
        "same_months_earlier_years",
        (2022, 2023),
        False,
    )


def test_disbursement_trend_slower_flows_are_worsening_and_close_ones_stable() -> None:
    base = _frame(
        _cumulative(2022, [5.0] * 12)
        + _cumulative(2023, [6.0] * 12)
        + _cumulative(2024, [9.0] * 12)
        + _cumulative(2025, [5.0, 5.0, 5.0, 5.0, 5.0, 5.0])
    )
    # 15 − 18 = −3: worsening.
    assert t._trend(base, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025)[0] is Trend.WORSENING
    close = _frame(
        _cumulative(2022, [5.0] * 12)
        + _cumulative(2023, [6.0] * 12)
        + _cumulative(2024, [9.0] * 12)
        + _cumulative(2025, [5.0, 5.0, 5.0, 6.0, 6.0, 6.3])
    )
    # 18.3 − 18 = 0.3 < 1.0: stable.
    assert t._trend(close, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025)[0] is Trend.STABLE


def test_disbursement_trend_needs_three_flows_and_an_earlier_year_with_all_of_them() -> None:
    two = _frame(_cumulative(2024, [6.0] * 12) + _cumulative(2025, [5.0, 5.0]))
    assert t._trend(two, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025) == (
        Trend.NOT_ASSESSABLE,
        "same_months_earlier_years",
        None,
        False,
    )
    # 2024 lacks May: it is not compared, and no other year is there.
    rows = [r for r in _cumulative(2024, [6.0] * 12) if r[1] != "2024-05-01"]
    gap = _frame(rows + _cumulative(2025, [5.0] * 6))
    assert t._trend(gap, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025) == (
        Trend.NOT_ASSESSABLE,
        "same_months_earlier_years",
        None,
        False,
    )
    # A flow that cannot be computed (no plan in June) makes the trend not assessable.
    rows = _cumulative(2024, [6.0] * 12) + _cumulative(2025, [5.0] * 6)
    rows[-1] = (2025, "2025-06-01", 30.0, 0.0)
    no_plan = _frame(rows)
    assert t._trend(no_plan, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025)[0] is (
        Trend.NOT_ASSESSABLE
    )
    # Only one earlier year has every month: the trend reads it alone, 2024 (5 × 3 = 15
    # against 18: worsening).
    rows = [r for r in _cumulative(2023, [6.0] * 12) if r[1] != "2023-05-01"]
    one = _frame(rows + _cumulative(2024, [6.0] * 12) + _cumulative(2025, [5.0] * 6))
    # (2024 is before the merger year, 2025: the comparison spans it.)
    assert t._trend(one, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025) == (
        Trend.WORSENING,
        "same_months_earlier_years",
        (2024, 2024),
        True,
    )


def test_annual_trend_sets_this_years_quarters_against_the_same_quarters_last_year() -> None:
    # 2024: Q1 20, Q2 22 (of 100), Q3 30, Q4 40; 2025: Q1 21, Q2 23.
    # This year 44 / 200 = 22 %; the same quarters of 2024: 42 / 200 = 21 %: +1 ≥ 0.5.
    frame = _frame(_quarters(2024, [20.0, 22.0, 30.0, 40.0]) + _quarters(2025, [21.0, 23.0]))
    assert t._trend(frame, DIGITAL, SeriesShape.ANNUAL, 2025) == (
        Trend.IMPROVING,
        "same_quarters_last_year",
        (2024, 2024),
        True,
    )
    lower = _frame(_quarters(2024, [20.0, 22.0, 30.0, 40.0]) + _quarters(2025, [20.0, 20.0]))
    # 20 − 21 = −1: worsening (against all four quarters of 2024, 28 %, it would be too,
    # so the next case pins the quarters).
    assert t._trend(lower, DIGITAL, SeriesShape.ANNUAL, 2025)[0] is Trend.WORSENING
    same = _frame(_quarters(2024, [21.0, 21.0, 40.0, 40.0]) + _quarters(2025, [21.2, 21.0]))
    # 21.1 − 21 = 0.1 < 0.5: stable (against the whole of 2024, 30.5 %, worsening).
    assert t._trend(same, DIGITAL, SeriesShape.ANNUAL, 2025)[0] is Trend.STABLE


def test_annual_trend_of_2024_does_not_span_the_merger() -> None:
    frame = _frame(_quarters(2023, [20.0, 20.0, 20.0, 20.0]) + _quarters(2024, [22.0]))
    assert t._trend(frame, DIGITAL, SeriesShape.ANNUAL, 2024) == (
        Trend.IMPROVING,
        "same_quarters_last_year",
        (2023, 2023),
        False,
    )


def test_annual_trend_needs_each_quarter_last_year() -> None:
    frame = _frame(_quarters(2024, [20.0]) + _quarters(2025, [21.0, 23.0]))
    assert t._trend(frame, DIGITAL, SeriesShape.ANNUAL, 2025) == (
        Trend.NOT_ASSESSABLE,
        "same_quarters_last_year",
        None,
        False,
    )


def test_before_this_years_first_quarter_the_last_complete_year_is_set_against_the_one_before() -> (
    None
):
    # 2023: 13 %, 2024: 21 %; no row of 2025 yet.
    frame = _frame(
        _quarters(2023, [10.0, 12.0, 14.0, 16.0]) + _quarters(2024, [20.0, 20.0, 20.0, 24.0])
    )
    assert t._trend(frame, DIGITAL, SeriesShape.ANNUAL, 2025) == (
        Trend.IMPROVING,
        "previous_year",
        (2023, 2023),
        False,
    )
    # 2024 (21 %) against 2025 (24 %, complete) for a tile of 2026: across the merger.
    later = _frame(
        _quarters(2024, [20.0, 20.0, 20.0, 24.0]) + _quarters(2025, [24.0, 24.0, 24.0, 24.0])
    )
    assert t._trend(later, DIGITAL, SeriesShape.ANNUAL, 2026) == (
        Trend.IMPROVING,
        "previous_year",
        (2024, 2024),
        True,
    )
    # Only one complete year, or two that are not consecutive: not assessable.
    one = _frame(_quarters(2024, [20.0, 20.0, 20.0, 24.0]) + _quarters(2023, [20.0]))
    assert t._trend(one, DIGITAL, SeriesShape.ANNUAL, 2025) == (
        Trend.NOT_ASSESSABLE,
        "previous_year",
        None,
        False,
    )
    apart = _frame(
        _quarters(2022, [10.0, 10.0, 10.0, 10.0]) + _quarters(2024, [20.0, 20.0, 20.0, 24.0])
    )
    assert t._trend(apart, DIGITAL, SeriesShape.ANNUAL, 2025) == (
        Trend.NOT_ASSESSABLE,
        "previous_year",
        None,
        False,
    )
    assert t._trend(frame.iloc[0:0], DIGITAL, SeriesShape.ANNUAL, 2025)[0] is (Trend.NOT_ASSESSABLE)


def test_monthly_trend_is_the_last_three_months_against_the_three_before_as_ratios_of_sums() -> (
    None
):
    # Jul–Sep 2025: 30/100, 30/100, 30/100 = 30 %; Oct–Dec: 10/100, 10/100, 200/400 = 220/600
    # = 36.7 %: improving (the mean of ratios, 23.3 %, would be worsening). Earlier rows
    # (January–June, 90 %) are outside the window.
    rows = [(2025, f"2025-{m:02d}-01", 90.0, 100.0) for m in range(1, 7)]
    rows += [(2025, f"2025-{m:02d}-01", 30.0, 100.0) for m in (7, 8, 9)]
    rows += [(2025, "2025-10-01", 10.0, 100.0), (2025, "2025-11-01", 10.0, 100.0)]
    rows += [(2025, "2025-12-01", 200.0, 400.0)]
    rows += [(2026, "2026-01-01", 0.0, 100.0)]  # a later year's month: not this tile's
    frame = _frame(rows)
    # The window is July–December, all after the merger's first month.
    assert t._trend(frame, ONLINE, SeriesShape.MONTHLY_FLOW, 2025) == (
        Trend.IMPROVING,
        "previous_months",
        None,
        False,
    )
    # Through June: January–June, July not in it; from February to July it spans.
    assert t._trend(
        frame.loc[frame["period_month"] <= pd.Timestamp(2025, 6, 1)],
        ONLINE,
        SeriesShape.MONTHLY_FLOW,
        2025,
    ) == (Trend.STABLE, "previous_months", None, False)
    assert t._trend(
        frame.loc[frame["period_month"] <= pd.Timestamp(2025, 7, 1)],
        ONLINE,
        SeriesShape.MONTHLY_FLOW,
        2025,
    ) == (Trend.WORSENING, "previous_months", None, True)
    assert t._trend(frame.iloc[0:0], ONLINE, SeriesShape.MONTHLY_FLOW, 2025) == (
        Trend.NOT_ASSESSABLE,
        "previous_months",
        None,
        False,
    )


# --------------------------------------------------------------------- pace history


def test_monthly_pace_history_is_the_rate_of_the_same_remaining_months_in_earlier_years() -> None:
    # Through September 2025. October–December: 2023 (30 + 30 + 60) / 300 = 40 %, 2024
    # (50 + 50 + 50) / 300 = 50 %; 2022 lacks November: left out.
    rows = []
    for year, later in ((2023, [30.0, 30.0, 60.0]), (2024, [50.0, 50.0, 50.0])):
        rows += [(year, f"{year}-{m:02d}-01", 10.0, 100.0) for m in range(1, 10)]
        rows += [
            (year, f"{year}-{m:02d}-01", n, 100.0) for m, n in zip((10, 11, 12), later, strict=True)
        ]
    rows += [(2022, f"2022-{m:02d}-01", 99.0, 100.0) for m in range(1, 13) if m != 11]
    rows += [(2025, f"2025-{m:02d}-01", 45.0, 100.0) for m in range(1, 10)]
    frame = _frame(rows)
    pace = required_pace(frame, ONLINE, 2025)
    got = t._pace_history(frame, ONLINE, SeriesShape.MONTHLY_FLOW, 2025, pace)
    assert got == t.PaceHistory(45.0, 40.0, 50.0, 2023, 2024, 2, True)
    # The same for a tile of 2024 through September: 2023 alone, before the merger.
    before = frame.loc[frame["period_month"] <= pd.Timestamp(2024, 9, 1)]
    got = t._pace_history(
        before, ONLINE, SeriesShape.MONTHLY_FLOW, 2024, required_pace(before, ONLINE, 2024)
    )
    assert got == t.PaceHistory(40.0, 40.0, 40.0, 2023, 2023, 1, False)


def test_a_year_without_the_tiles_month_is_left_out_of_the_pace_history() -> None:
    rows = [(2024, f"2024-{m:02d}-01", 50.0, 100.0) for m in range(1, 13) if m != 9]
    rows += [(2025, f"2025-{m:02d}-01", 45.0, 100.0) for m in range(1, 10)]
    frame = _frame(rows)
    got = t._pace_history(
        frame, ONLINE, SeriesShape.MONTHLY_FLOW, 2025, required_pace(frame, ONLINE, 2025)
    )
    assert got == t.PaceHistory(None, None, None, None, None, 0, False)


def test_disbursement_pace_history_is_points_of_the_plan_a_month_to_december() -> None:
    # Through June 2025. 2023: 30 % at June, 90 % at December: 60 / 6 = 10 pp a month;
    # 2024: 40 % → 88 %: 8 pp a month.
    rows = _cumulative(2023, [5.0] * 6 + [10.0] * 6) + _cumulative(2024, [40 / 6] * 6 + [8.0] * 6)
    rows += _cumulative(2025, [4.0] * 6)
    frame = _frame(rows)
    pace = required_pace(frame, DISBURSEMENT, 2025)
    got = t._pace_history(frame, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025, pace)
    assert got.median == pytest.approx(9.0)
    assert got.low == pytest.approx(8.0) and got.high == pytest.approx(10.0)
    assert (got.first_year, got.last_year, got.n_years, got.spans_merger) == (
        2023,
        2024,
        2,
        True,
    )


def test_annual_pace_history_is_the_change_of_a_year_never_across_the_merger() -> None:
    # Complete years 2021 10 %, 2022 12 %, 2023 15 %, 2024 19 %, 2025 30 %: changes +2, +3,
    # +4; 2024 → 2025 crosses the merger and is left out. 2026 has a quarter.
    rows = []
    for year, value in ((2021, 10.0), (2022, 12.0), (2023, 15.0), (2024, 19.0), (2025, 30.0)):
        rows += _quarters(year, [value] * 4)
    rows += _quarters(2026, [31.0])
    frame = _frame(rows)
    pace = required_pace(frame, DIGITAL, 2026)
    got = t._pace_history(frame, DIGITAL, SeriesShape.ANNUAL, 2026, pace)
    assert got == t.PaceHistory(3.0, 2.0, 4.0, 2022, 2024, 3, False)
    # A year that is not complete is not a year's change.
    part = _frame(_quarters(2021, [10.0] * 4) + _quarters(2022, [12.0] * 3))
    got = t._pace_history(
        part, DIGITAL, SeriesShape.ANNUAL, 2023, required_pace(part, DIGITAL, 2023)
    )
    assert got.n_years == 0 and got.median is None


def test_no_pace_history_once_no_month_remains() -> None:
    rows = [(2024, f"2024-{m:02d}-01", 50.0, 100.0) for m in range(1, 13)]
    rows += [(2025, f"2025-{m:02d}-01", 45.0, 100.0) for m in range(1, 13)]
    frame = _frame(rows)
    pace = required_pace(frame, ONLINE, 2025)
    assert pace.months_remaining == 0
    got = t._pace_history(frame, ONLINE, SeriesShape.MONTHLY_FLOW, 2025, pace)
    assert got.n_years == 0 and got.median is None


# --------------------------------------------------------------------- headline


def test_a_closed_year_judged_on_31_january_shows_the_january_value() -> None:
    # A year-end target due at the end of the extension month (31 January 2026).
    in_force = DISBURSEMENT.year_end_target(2025)
    assert in_force is not None
    year_end = dataclasses.replace(in_force.target, due_date=dt.date(2026, 1, 31))
    extended = dataclasses.replace(DISBURSEMENT, targets=(year_end,))
    args = (
        80.0,
        pd.Timestamp(2025, 12, 1),
        95.0,
        _frame(_cumulative(2025, [8.0] * 12)),
    )
    result = _result(value=96.0, value_with_extension=99.0, margin=4.0, target=95.0)
    head = t._headline(
        *args, extended, SeriesShape.CUMULATIVE, 2025, _projection(method="complete"), result
    )
    assert head == t.Headline(
        99.0,
        "judged",
        pd.Timestamp(2026, 1, 1),
        95.0,
        "target",
        2025,
        dt.date(2026, 1, 31),
        4.0,
        False,
    )
    # The registry's own target is due on 31 December: the December value.
    head = t._headline(
        *args, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025, _projection(method="complete"), result
    )
    assert head == t.Headline(
        96.0,
        "judged",
        pd.Timestamp(2025, 12, 1),
        95.0,
        "target",
        2025,
        dt.date(2025, 12, 31),
        4.0,
        False,
    )


def test_a_closed_year_judged_on_31_december_shows_the_december_value() -> None:
    head = t._headline(
        55.0,
        pd.Timestamp(2025, 12, 1),
        None,
        _monthly("2025-01-01", [55.0] * 12),
        ONLINE,
        SeriesShape.MONTHLY_FLOW,
        2025,
        _projection(method="complete"),
        _result(
            indicator_code=ONLINE.code,
            value=55.0,
            value_with_extension=None,
            target=50.0,
            margin=5.0,
            judgement_date=dt.date(2025, 12, 31),
        ),
    )
    assert head == t.Headline(
        55.0,
        "judged",
        pd.Timestamp(2025, 12, 1),
        50.0,
        "target",
        2025,
        dt.date(2025, 12, 31),
        5.0,
        False,
    )


def test_disbursement_headline_is_the_year_to_date_against_the_milestone_path() -> None:
    through = pd.Timestamp(2025, 5, 1)
    head = t._headline(
        20.0,
        through,
        16.0,
        pd.DataFrame(),
        DISBURSEMENT,
        SeriesShape.CUMULATIVE,
        2025,
        _projection(),
        None,
    )
    assert head == t.Headline(
        20.0, "year_to_date", through, 16.0, "milestone", 2025, dt.date(2025, 5, 31), 4.0, False
    )
    # Without the path to date it is held against the year-end target (95 %).
    head = t._headline(
        20.0,
        through,
        None,
        pd.DataFrame(),
        DISBURSEMENT,
        SeriesShape.CUMULATIVE,
        2025,
        _projection(),
        None,
    )
    assert head == t.Headline(
        20.0, "year_to_date", through, 95.0, "target", 2025, None, -75.0, False
    )


def test_an_annual_headline_is_this_year_so_far_against_this_years_target() -> None:
    head = t._headline(
        27.0,
        pd.Timestamp(2026, 6, 1),
        None,
        pd.DataFrame(),
        DIGITAL,
        SeriesShape.ANNUAL,
        2026,
        _projection(),
        None,
    )
    assert head == t.Headline(
        27.0, "year_so_far", pd.Timestamp(2026, 6, 1), 30.0, "target", 2026, None, -3.0, True
    )


def test_before_a_quarter_is_in_the_last_year_is_held_against_its_own_target() -> None:
    # 2025 complete at 24 %: its own target, 25 %, not 2026's 30 %.
    frame = _frame(_quarters(2025, [24.0] * 4))
    head = t._headline(
        None, None, None, frame, DIGITAL, SeriesShape.ANNUAL, 2026, _projection(), None
    )
    assert head == t.Headline(
        24.0, "year", pd.Timestamp(2025, 12, 1), 25.0, "target", 2025, None, -1.0, False
    )
    empty = t._headline(
        None, None, None, frame.iloc[0:0], DIGITAL, SeriesShape.ANNUAL, 2026, _projection(), None
    )
    assert empty == t.Headline(None, "year", None, None, "target", None, None, None, False)


def test_a_monthly_headline_is_the_latest_month_against_the_years_target() -> None:
    frame = _monthly("2025-01-01", [40.0, 58.0])
    head = t._headline(
        49.0,
        pd.Timestamp(2025, 2, 1),
        None,
        frame,
        ONLINE,
        SeriesShape.MONTHLY_FLOW,
        2025,
        _projection(),
        None,
    )
    assert head == t.Headline(
        58.0, "month", pd.Timestamp(2025, 2, 1), 50.0, "target", 2025, None, 8.0, False
    )


# --------------------------------------------------------------------- status


def test_a_closed_years_status_is_its_result() -> None:
    complete = _projection(method="complete", year=2025)
    assert t._status(complete, _result(is_met=True), ONLINE) == (
        Status.ON_TRACK,
        t.StatusReason("year_met", 2025),
    )
    assert t._status(complete, _result(is_met=False), ONLINE) == (
        Status.OFF_TRACK,
        t.StatusReason("year_missed", 2025),
    )
    assert t._status(complete, _result(is_met=None), ONLINE) == (
        Status.NOT_ASSESSABLE,
        t.StatusReason("year_not_judged", 2025),
    )
    assert t._status(complete, None, ONLINE) == (
        Status.NOT_ASSESSABLE,
        t.StatusReason("year_not_judged", 2025),
    )


def test_an_open_years_status_says_why_with_its_figures() -> None:
    no_target = _projection(probability=None, target=None, year=2025)
    assert t._status(no_target, None, ONLINE) == (
        Status.NOT_ASSESSABLE,
        t.StatusReason("no_target", 2025),
    )
    nothing = _projection(probability=None, target=50.0, year=2025)
    assert t._status(nothing, None, ONLINE) == (
        Status.NOT_ASSESSABLE,
        t.StatusReason("no_projection", 2025),
    )
    few = _projection(probability=0.9, n_points=5, year=2025)
    assert t._status(few, None, ONLINE) == (
        Status.NOT_ASSESSABLE,
        t.StatusReason("too_few_points", 2025, n_points=5, min_points=6),
    )
    for probability, status in (
        (0.75, Status.ON_TRACK),
        (0.5, Status.AT_RISK),
        (0.2, Status.OFF_TRACK),
    ):
        got = t._status(_projection(probability=probability, n_points=6, year=2025), None, ONLINE)
        assert got == (
            status,
            t.StatusReason(
                "probability",
                2025,
                probability=probability,
                on_track_min_probability=0.75,
                off_track_below_probability=0.25,
            ),
        )


def test_the_reason_in_english_for_logs() -> None:
    assert str(t.StatusReason("year_met", 2025)) == "2025 is over; the target was met"
    assert str(t.StatusReason("year_missed", 2025)) == "2025 is over; the target was missed"
    assert str(t.StatusReason("year_not_judged", 2025)) == (
        "2025 is over; no target to judge it against"
    )
    assert str(t.StatusReason("no_target", 2027)) == "not assessable: no target for 2027"
    assert str(t.StatusReason("no_projection", 2025)) == "not assessable: no projection"
    assert str(t.StatusReason("too_few_points", 2025, n_points=4, min_points=6)) == (
        "not assessable: 4 points; the rule needs 6"
    )
    reason = t.StatusReason(
        "probability",
        2025,
        probability=0.6,
        on_track_min_probability=0.75,
        off_track_below_probability=0.25,
    )
    assert str(reason) == (
        "probability 0.60 of reaching the target (on track ≥ 0.75, off track < 0.25)"
    )


# --------------------------------------------------------------------- months and milestones


def test_the_previous_period_is_the_years_one_before_the_latest() -> None:
    frame = _monthly("2024-12-01", [1.0, 2.0, 3.0])  # Dec 24, Jan 25, Feb 25
    assert t._previous_month(frame, 2025) == pd.Timestamp(2025, 1, 1)
    # In the year's first month there is none (December 2024 is another year).
    assert t._previous_month(frame.iloc[:2], 2025) is None


def test_the_next_milestone_is_the_first_due_after_the_data_month() -> None:
    fan = pd.DataFrame(
        {
            "period_month": pd.to_datetime(["2025-06-01", "2025-09-01"]),
            "central": [30.0, 52.0],
        }
    )
    projection = _projection(fan=fan)
    milestone, projected = t._next_milestone(
        DISBURSEMENT, 2025, pd.Timestamp(2025, 5, 1), projection
    )
    assert milestone is not None and milestone.due_date == dt.date(2025, 6, 30)
    assert (milestone.value, projected) == (25.0, 30.0)
    # A milestone due on the data month's last day is not ahead any more.
    milestone, projected = t._next_milestone(
        DISBURSEMENT, 2025, pd.Timestamp(2025, 6, 1), projection
    )
    assert milestone is not None and milestone.due_date == dt.date(2025, 9, 30)
    assert projected == 52.0
    # No fan (nothing projected), or no month of it: no projected figure.
    milestone, projected = t._next_milestone(
        DISBURSEMENT, 2025, pd.Timestamp(2025, 1, 1), _projection(fan=pd.DataFrame())
    )
    assert milestone is not None and milestone.due_date == dt.date(2025, 3, 31)
    assert projected is None
    milestone, projected = t._next_milestone(
        DISBURSEMENT, 2025, pd.Timestamp(2025, 7, 1), _projection(fan=fan.iloc[:1])
    )
    assert milestone is not None and milestone.due_date == dt.date(2025, 9, 30)
    assert projected is None
    # After the last one: none.
    assert t._next_milestone(DISBURSEMENT, 2025, pd.Timestamp(2025, 12, 1), projection) == (
        None,
        None,
    )


def test_the_sparkline_is_the_last_24_points_and_disbursement_draws_its_own_year() -> None:
    frame = _monthly("2023-01-01", [float(i) for i in range(30)])  # Jan 23 … Jun 25
    line = t._sparkline(frame, 2025, SeriesShape.MONTHLY_FLOW)
    assert list(line.columns) == ["period_month", "value"]
    assert len(line) == 24 and line["period_month"].iloc[0] == pd.Timestamp(2023, 7, 1)
    assert line["value"].iloc[-1] == 29.0 and line["value"].dtype == "float64"
    # A tile of 2024 stops at December 2024.
    assert t._sparkline(frame, 2024, SeriesShape.MONTHLY_FLOW)["value"].iloc[-1] == 23.0
    rows = [*_cumulative(2024, [8.0] * 12), (2024, "2025-01-01", 98.0, 100.0)]
    both = _frame(rows + _cumulative(2025, [3.0, 4.0]))
    line = t._sparkline(both, 2025, SeriesShape.CUMULATIVE)
    assert line["value"].tolist() == [3.0, 7.0]
    # With one point of this year, the earlier curve stays (the extension row left out).
    line = t._sparkline(both.iloc[:-1], 2025, SeriesShape.CUMULATIVE)
    assert len(line) == 13 and line["value"].iloc[-2:].tolist() == [96.0, 3.0]


# --------------------------------------------------------------------- summary


def _tile_like(status: Status, gap: float | None, method: str = "ets", year: int = 2025) -> t.Tile:
    head = t.Headline(None, "month", None, None, "target", year, None, gap, False)
    fake = mock.Mock(spec=t.Tile)
    fake.status = status
    fake.headline = head
    fake.year = year
    fake.projection = _projection(method=method)
    return fake


def test_the_summary_counts_on_track_tiles_and_names_the_one_most_behind() -> None:
    a = _tile_like(Status.AT_RISK, -9.0)
    b = _tile_like(Status.OFF_TRACK, -1.0)
    c = _tile_like(Status.OFF_TRACK, -4.0)
    d = _tile_like(Status.ON_TRACK, 3.0)
    e = _tile_like(Status.ON_TRACK, None)
    got = t.summarize([a, b, c, d, e])
    # Off track before at risk, then the largest shortfall: c.
    assert (got.n_good, got.n_total, got.is_closed, got.year) == (2, 5, False, 2025)
    assert got.worst is c
    # A tile without a gap comes after those with one.
    f = _tile_like(Status.AT_RISK, None)
    assert t.summarize([f, a]).worst is a
    assert t.summarize([a, _tile_like(Status.NOT_ASSESSABLE, -50.0)]).worst is a
    assert t.summarize([d, e]).worst is None


def test_the_summary_of_closed_years() -> None:
    met = _tile_like(Status.ON_TRACK, 2.0, method="complete", year=2024)
    missed = _tile_like(Status.OFF_TRACK, -2.0, method="complete", year=2024)
    got = t.summarize([met, missed])
    assert (got.n_good, got.n_total, got.is_closed, got.year, got.worst) == (
        1,
        2,
        True,
        2024,
        missed,
    )
    assert t.summarize([met, _tile_like(Status.ON_TRACK, 1.0)]).is_closed is False
    empty = t.summarize([])
    assert (empty.n_good, empty.n_total, empty.is_closed, empty.year, empty.worst) == (
        0,
        0,
        False,
        None,
        None,
    )


def test_the_judged_value_is_the_31_january_figure_only_for_a_target_judged_then() -> None:
    assert t.judged_value(_result(value=80.0, value_with_extension=91.0)) == 91.0
    assert (
        t.judged_value(
            _result(value=80.0, value_with_extension=91.0, judgement_date=dt.date(2025, 12, 31))
        )
        == 80.0
    )
    # 31 March is not 31 January.
    assert (
        t.judged_value(
            _result(value=80.0, value_with_extension=91.0, judgement_date=dt.date(2026, 3, 31))
        )
        == 80.0
    )


# --------------------------------------------------------------------- build_tile


def test_a_monthly_tile_puts_its_numbers_together() -> None:
    # Jan–Mar 2025: 60, 61, 65 of 100: latest 65, year to date 186 / 300 = 62; target 50.
    frame = _monthly("2025-01-01", [60.0, 61.0, 65.0]).drop(columns="value")
    frame = pd.concat(
        [
            frame,
            pd.DataFrame(
                {
                    "period_year": [2025],
                    "period_month": ["2025-04-01"],
                    "numerator": [1.0],
                    "denominator": [100.0],
                }
            ),
        ]
    )
    tile = t.build_tile(frame, ONLINE, 2025, as_of_month="2025-03-15", n_paths=20, seed=1)
    assert tile.as_of_month == pd.Timestamp(2025, 3, 1)
    assert (tile.latest_value, tile.latest_period, tile.latest_kind) == (
        65.0,
        pd.Timestamp(2025, 3, 1),
        "month",
    )
    assert (tile.ytd_value, tile.ytd_through) == (62.0, pd.Timestamp(2025, 3, 1))
    assert (tile.target_value, tile.gap, tile.latest_gap) == (50.0, 12.0, 15.0)
    assert (tile.expected_to_date, tile.gap_to_expected, tile.next_milestone) == (None, None, None)
    assert tile.next_milestone_projected is None
    # Three months are too few to project: nothing to set against the target.
    assert tile.status_reason == t.StatusReason("no_projection", 2025)
    assert (tile.status, tile.rule_status, tile.status_is_held) == (
        Status.NOT_ASSESSABLE,
        Status.NOT_ASSESSABLE,
        False,
    )
    assert (tile.previous_month, tile.previous_status) == (
        pd.Timestamp(2025, 2, 1),
        Status.NOT_ASSESSABLE,
    )
    assert tile.n_points == 3 and tile.indicator_code == ONLINE.code and tile.year == 2025
    assert tile.headline.value == 65.0 and tile.headline.gap == 15.0
    assert tile.sparkline["value"].tolist() == [60.0, 61.0, 65.0]
    assert tile.trend is Trend.NOT_ASSESSABLE and tile.trend_basis == "previous_months"
    # Without the comparison with last period there is no previous status.
    alone = t.build_tile(
        frame, ONLINE, 2025, as_of_month="2025-03-01", n_paths=20, seed=1, compare_previous=False
    )
    assert (alone.previous_month, alone.previous_status, alone.previous_probability) == (
        None,
        None,
        None,
    )


def test_a_disbursement_tile_sets_the_year_to_date_against_the_milestone_path() -> None:
    # March 2025: 9 % disbursed; the path reaches the first milestone, 7.5 %, on 31 March.
    frame = _frame(_cumulative(2025, [2.0, 3.0, 4.0])).drop(columns="value")
    tile = t.build_tile(frame, DISBURSEMENT, 2025, as_of_month="2025-03-01", n_paths=20, seed=1)
    assert (tile.ytd_value, tile.expected_to_date) == (9.0, 7.5)
    assert tile.gap_to_expected == pytest.approx(1.5)
    assert tile.gap == pytest.approx(9.0 - 95.0)
    assert tile.next_milestone is not None
    assert tile.next_milestone.due_date == dt.date(2025, 6, 30)
    assert tile.headline.reference_kind == "milestone" and tile.headline.reference == 7.5
    assert tile.trend_basis == "same_months_earlier_years"
    # Before the plan year's first month is in, the path is read at 1 January: 0 %.
    early = t.build_tile(frame, DISBURSEMENT, 2026, as_of_month="2025-03-01", n_paths=20, seed=1)
    assert early.ytd_value is None and early.expected_to_date == 0.0
    assert early.gap_to_expected is None


def test_an_annual_tiles_gap_is_the_latest_complete_year_against_the_target() -> None:
    # 2024 complete at 21 %, 2025's first quarter 30 %: the gap is 21 − 25 = −4, the year to
    # date 30 % beside it.
    frame = _frame(_quarters(2024, [20.0, 20.0, 20.0, 24.0]) + _quarters(2025, [30.0]))
    tile = t.build_tile(
        frame.drop(columns="value"), DIGITAL, 2025, as_of_month="2025-03-01", n_paths=20, seed=1
    )
    assert (tile.latest_value, tile.ytd_value, tile.target_value) == (21.0, 30.0, 25.0)
    assert tile.gap == pytest.approx(-4.0)
    assert tile.latest_gap == pytest.approx(-4.0)


def test_a_status_change_within_the_simulations_noise_is_held() -> None:
    # Rule: 0.74 is at risk; last month 0.76 was on track; with 2000 paths the noise is
    # about 2 × √(2 × 0.75 × 0.25 / 2000) ≈ 0.027 > 0.02: last month's status is kept.
    frame = _monthly("2025-01-01", [60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0]).drop(columns="value")
    calls: list[pd.Timestamp] = []
    given, made = object(), object()

    def fake(visible: pd.DataFrame, *args: object, **kwargs: object) -> tuple[Projection, object]:
        last = pd.Timestamp(visible["period_month"].max())
        # Both projections use the tile's paths and seed; the first the report given, the
        # second the report the first returned.
        assert args == (ONLINE, 2025)
        assert (kwargs["n_paths"], kwargs["seed"]) == (2000, 1)
        assert kwargs["backtest_report"] is (given if not calls else made)
        calls.append(last)
        probability = 0.74 if last == pd.Timestamp(2025, 7, 1) else 0.76
        return _projection(probability=probability, n_points=len(visible), year=2025), made

    with mock.patch.object(t, "project_year_with_report", fake):
        tile = t.build_tile(
            frame,
            ONLINE,
            2025,
            as_of_month="2025-07-01",
            n_paths=2000,
            seed=1,
            backtest_report=given,  # type: ignore[arg-type]
        )
    assert calls == [pd.Timestamp(2025, 7, 1), pd.Timestamp(2025, 6, 1)]
    # May–July 64, 65, 66 against February–April 61, 62, 63: +3, improving.
    assert (tile.trend, tile.trend_basis) == (Trend.IMPROVING, "previous_months")
    assert (tile.rule_status, tile.status, tile.status_is_held) == (
        Status.AT_RISK,
        Status.ON_TRACK,
        True,
    )
    assert (tile.previous_status, tile.previous_probability, tile.previous_month) == (
        Status.ON_TRACK,
        0.76,
        pd.Timestamp(2025, 6, 1),
    )

    # With 20 paths the noise is wider still; with 2000 and a drop to 0.5 the change is
    # real: reported.
    def drop(visible: pd.DataFrame, *args: object, **kwargs: object) -> tuple[Projection, None]:
        last = pd.Timestamp(visible["period_month"].max())
        probability = 0.5 if last == pd.Timestamp(2025, 7, 1) else 0.76
        return _projection(probability=probability, n_points=len(visible), year=2025), None

    with mock.patch.object(t, "project_year_with_report", drop):
        tile = t.build_tile(frame, ONLINE, 2025, as_of_month="2025-07-01", n_paths=2000, seed=1)
    assert (tile.rule_status, tile.status, tile.status_is_held) == (
        Status.AT_RISK,
        Status.AT_RISK,
        False,
    )


def test_disbursement_trend_of_2026_against_2025_alone_does_not_span_the_merger() -> None:
    # 2025 is the merged city's first year: comparing 2026 with it alone is like for like.
    # April–June: 2025 6 × 3 = 18, 2026 7 × 3 = 21: +3, improving.
    frame = _frame(_cumulative(2025, [6.0] * 12) + _cumulative(2026, [5.0] * 3 + [7.0] * 3))
    assert t._trend(frame, DISBURSEMENT, SeriesShape.CUMULATIVE, 2026) == (
        Trend.IMPROVING,
        "same_months_earlier_years",
        (2025, 2025),
        False,
    )


def test_annual_trend_reads_the_two_latest_complete_years_of_several() -> None:
    # 2022 10 %, 2023 13 %, 2024 21 %: 2024 against 2023, +8: improving.
    frame = _frame(
        _quarters(2022, [10.0] * 4) + _quarters(2023, [13.0] * 4) + _quarters(2024, [21.0] * 4)
    )
    assert t._trend(frame, DIGITAL, SeriesShape.ANNUAL, 2025) == (
        Trend.IMPROVING,
        "previous_year",
        (2023, 2023),
        False,
    )


def test_annual_trend_of_2026_against_2025_does_not_span_the_merger() -> None:
    # 2025 Q1 24 %, 2026 Q1 26 %: +2, improving, both the merged city's.
    frame = _frame(_quarters(2025, [24.0] * 4) + _quarters(2026, [26.0]))
    assert t._trend(frame, DIGITAL, SeriesShape.ANNUAL, 2026) == (
        Trend.IMPROVING,
        "same_quarters_last_year",
        (2025, 2025),
        False,
    )


def test_annual_pace_history_leaves_out_the_tiles_own_year() -> None:
    # 2022 10 %, 2023 12 %, 2024 15 %, all complete; a tile of 2024 looks at earlier years
    # only: 2023's change, +2 (not 2024's +3).
    frame = _frame(
        _quarters(2022, [10.0] * 4) + _quarters(2023, [12.0] * 4) + _quarters(2024, [15.0] * 4)
    )
    pace = required_pace(frame, DIGITAL, 2024)
    got = t._pace_history(frame, DIGITAL, SeriesShape.ANNUAL, 2024, pace)
    assert got == t.PaceHistory(2.0, 2.0, 2.0, 2023, 2023, 1, False)


def test_a_monthly_trend_from_june_spans_the_merger() -> None:
    # Through November 2025: the window is June–November, June before the merger.
    frame = _monthly("2025-01-01", [50.0] * 11)
    assert t._trend(frame, ONLINE, SeriesShape.MONTHLY_FLOW, 2025) == (
        Trend.STABLE,
        "previous_months",
        None,
        True,
    )


def test_annual_pace_history_keeps_changes_after_the_merger() -> None:
    # Complete 2025 24 %, 2026 27 %; a tile of 2027: 2026's change, +3, is the merged
    # city's own.
    frame = _frame(_quarters(2025, [24.0] * 4) + _quarters(2026, [27.0] * 4))
    pace = required_pace(frame, DIGITAL, 2027)
    got = t._pace_history(frame, DIGITAL, SeriesShape.ANNUAL, 2027, pace)
    assert got == t.PaceHistory(3.0, 3.0, 3.0, 2026, 2026, 1, False)


def test_no_disbursement_pace_history_once_december_is_in() -> None:
    frame = _frame(_cumulative(2024, [8.0] * 12) + _cumulative(2025, [7.0] * 12))
    pace = required_pace(frame, DISBURSEMENT, 2025)
    assert pace.months_remaining == 0
    got = t._pace_history(frame, DISBURSEMENT, SeriesShape.CUMULATIVE, 2025, pace)
    assert got == t.PaceHistory(None, None, None, None, None, 0, False)


def test_a_headline_in_a_year_before_any_target_has_no_reference() -> None:
    # The online share's first target is 2025's: in 2024 the month stands alone.
    frame = _monthly("2024-01-01", [40.0, 42.0])
    head = t._headline(
        41.0,
        pd.Timestamp(2024, 2, 1),
        None,
        frame,
        ONLINE,
        SeriesShape.MONTHLY_FLOW,
        2024,
        _projection(),
        None,
    )
    assert head == t.Headline(
        42.0, "month", pd.Timestamp(2024, 2, 1), None, "target", 2024, None, None, False
    )


def test_an_annual_headline_before_this_years_value_reads_the_whole_last_year() -> None:
    # 2025: 20 + 22 + 26 + 28 of 400 = 24 % (its last quarter alone: 28 %), target 25 %.
    # 2026's first quarter has no denominator: no value this year, so last year is shown.
    frame = _frame([*_quarters(2025, [20.0, 22.0, 26.0, 28.0]), (2026, "2026-03-01", 5.0, 0.0)])
    head = t._headline(
        None,
        pd.Timestamp(2026, 3, 1),
        None,
        frame,
        DIGITAL,
        SeriesShape.ANNUAL,
        2026,
        _projection(),
        None,
    )
    assert head == t.Headline(
        24.0, "year", pd.Timestamp(2025, 12, 1), 25.0, "target", 2025, None, -1.0, False
    )


def test_a_closed_years_tile_is_judged_on_its_result() -> None:
    # 2025 complete at 55 % (target 50 %): met, on track, judged on 31 December.
    frame = _monthly("2025-01-01", [55.0] * 12).drop(columns="value")
    tile = t.build_tile(frame, ONLINE, 2025, as_of_month="2025-12-01", n_paths=20, seed=1)
    assert tile.projection.method == "complete"
    assert tile.year_result is not None and tile.year_result.value == 55.0
    assert (tile.status, tile.status_reason) == (Status.ON_TRACK, t.StatusReason("year_met", 2025))
    assert (tile.headline.kind, tile.headline.value, tile.headline.gap) == ("judged", 55.0, 5.0)
    assert (tile.previous_month, tile.previous_status) == (None, None)
    assert (tile.rule_status, tile.status_is_held) == (Status.ON_TRACK, False)


def test_a_tile_in_a_year_without_a_target_has_no_gap() -> None:
    frame = _monthly("2024-01-01", [40.0, 42.0]).drop(columns="value")
    tile = t.build_tile(frame, ONLINE, 2024, as_of_month="2024-02-01", n_paths=20, seed=1)
    assert (tile.target_in_force, tile.target_value, tile.gap, tile.latest_gap) == (
        None,
        None,
        None,
        None,
    )
    assert tile.status_reason == t.StatusReason("no_target", 2024)


def test_a_disbursement_tile_carries_each_of_its_parts() -> None:
    # 2024: 8 % a month (48 % at June, 96 % at December); 2025: 5 % a month to March, then
    # 7 %: 36 % at June. The projection is stood in for, with 52 % at September.
    frame = _frame(_cumulative(2024, [8.0] * 12) + _cumulative(2025, [5.0] * 3 + [7.0] * 3))
    fan = pd.DataFrame({"period_month": pd.to_datetime(["2025-09-01"]), "central": [52.0]})
    projection = _projection(fan=fan, probability=0.1, n_points=18, year=2025)

    def fake(visible: pd.DataFrame, *args: object, **kwargs: object) -> tuple[Projection, None]:
        return projection, None

    with mock.patch.object(t, "project_year_with_report", fake):
        tile = t.build_tile(
            frame.drop(columns="value"), DISBURSEMENT, 2025, as_of_month="2025-06-01", n_paths=20
        )
    assert tile.projection is projection
    assert tile.target_in_force is not None and tile.target_in_force.target.value == 95.0
    assert tile.pace.months_remaining == 6 and tile.pace.year == 2025
    assert tile.year_result is not None and tile.year_result.value == 36.0
    assert tile.next_milestone is not None and tile.next_milestone.value == 50.0
    assert tile.next_milestone_projected == 52.0
    # April–June flows 21 against 2024's 24: −3, worsening; 2024 is before the merger.
    assert (tile.trend, tile.trend_years, tile.trend_spans_merger) == (
        Trend.WORSENING,
        (2024, 2024),
        True,
    )
    # 2024 from June to December: (96 − 48) / 6 = 8 pp a month.
    assert tile.pace_history == t.PaceHistory(8.0, 8.0, 8.0, 2024, 2024, 1, True)
    # This plan year's curve alone: six points.
    assert tile.sparkline["value"].tolist() == [5.0, 10.0, 15.0, 22.0, 29.0, 36.0]
    assert t.summarize([tile]).year == 2025


def test_the_pace_history_of_the_last_month_of_2026_reads_2025s_december() -> None:
    # Through November 2026, one month remains: December 2025's rate, 70 %. 2025 is the
    # merged city's first year: no span of the merger.
    rows = [(2025, f"2025-{m:02d}-01", 50.0, 100.0) for m in range(1, 12)]
    rows += [(2025, "2025-12-01", 70.0, 100.0)]
    rows += [(2026, f"2026-{m:02d}-01", 60.0, 100.0) for m in range(1, 12)]
    frame = _frame(rows)
    pace = required_pace(frame, ONLINE, 2026)
    assert pace.months_remaining == 1
    got = t._pace_history(frame, ONLINE, SeriesShape.MONTHLY_FLOW, 2026, pace)
    assert got == t.PaceHistory(70.0, 70.0, 70.0, 2025, 2025, 1, False)
