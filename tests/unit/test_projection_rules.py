"""The projection's rules that need no backtest (metrics/projection.py), on small frames
whose figures are worked out by hand in the comments; never with the function under test.

A year already over, a year without data, the judgement date, the expected denominators
and the disbursement flows are all decided before any backtest runs, so each is checked
here in milliseconds; the building blocks of the calibrated paths (rank matching, the
scaling of disbursement flows, the bands) are called with stand-ins for the calibration.
The projected (backtested) case is in ``test_projection.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from metrics import projection as p
from metrics.forecasting import History, build_history
from metrics.periods import SeriesShape
from metrics.registry import Target, get_indicator

ONLINE = get_indicator("online_dossier_share")  # monthly flow, target 2025: >= 50 %
DISBURSEMENT = get_indicator("public_investment_disbursement")  # cumulative
DIGITAL = get_indicator("digital_economy_share_grdp")  # annual; targets 2025 25, 2026 30
NAMES = ["lower_95", "lower_80", "lower_50", "central", "upper_50", "upper_80", "upper_95"]


def frame(rows: list[tuple[int, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(y, pd.Timestamp(m), n, d) for y, m, n, d in rows],
        columns=["period_year", "period_month", "numerator", "denominator"],
    )


def monthly(year: int, numerators: list[float], denominators: list[float]) -> list[Any]:
    return [
        (year, f"{year}-{m + 1:02d}-01", n, d)
        for m, (n, d) in enumerate(zip(numerators, denominators, strict=True))
    ]


def with_target(indicator: Any, year: int, value: float, due: dt.date) -> Any:
    target = Target(year, value, ">=", due, "nguồn", "source", "https://example.org")
    return dataclasses.replace(indicator, targets=(target,))


# ---------------------------------------------------------------- judgement date


def test_a_target_due_in_january_judges_disbursement_at_the_extension() -> None:
    due_january = with_target(DISBURSEMENT, 2025, 95.0, dt.date(2026, 1, 31))
    assert p.judgement_of(due_january, 2025) == ("extension", dt.date(2026, 1, 31))
    # Carried forward to 2027: due 31 January 2028 (2026 + 2 years).
    assert p.judgement_of(due_january, 2027) == ("extension", dt.date(2028, 1, 31))
    due_december = with_target(DISBURSEMENT, 2025, 95.0, dt.date(2025, 12, 31))
    assert p.judgement_of(due_december, 2025) == ("year_end", dt.date(2025, 12, 31))
    # A rate that is not cumulative is judged at 31 December whatever the due date.
    online = with_target(ONLINE, 2025, 50.0, dt.date(2026, 1, 31))
    assert p.judgement_of(online, 2025) == ("year_end", dt.date(2025, 12, 31))
    # No target (before the first): 31 December.
    assert p.judgement_of(due_january, 2024) == ("year_end", dt.date(2024, 12, 31))


# ---------------------------------------------------------------- denominators


def test_expected_denominators_of_the_months_left_grow_with_the_last_year() -> None:
    # 2023 and 2024: 100 a month; 2025 January–October: 200. Growth: Σ November 2024 –
    # October 2025 = 2 × 100 + 10 × 200 = 2200 over Σ November 2023 – October 2024 =
    # 1200: 11/6. November and December 2025: 100 (a year earlier) × 11/6 = 183.33…
    rows = (
        monthly(2023, [50.0] * 12, [100.0] * 12)
        + monthly(2024, [50.0] * 12, [100.0] * 12)
        + monthly(2025, [50.0] * 10, [200.0] * 10)
        + [(2026, "2026-01-01", 1.0, 9999.0)]  # after the year: ignored
    )
    out = p.expected_denominators(frame(rows), ONLINE, 2025)
    assert list(out.columns) == ["period_month", "denominator"]
    assert out["period_month"].tolist() == [pd.Timestamp("2025-11-01"), pd.Timestamp("2025-12-01")]
    np.testing.assert_allclose(out["denominator"], [1100 / 6, 1100 / 6])
    assert out["denominator"].dtype == np.float64


def test_expected_denominators_of_a_year_not_begun_are_its_own_periods_only() -> None:
    # Data to October 2024 only (100 a month): 2025's 12 months, not November and
    # December 2024; no two full years, so g = 1: 100 each.
    out = p.expected_denominators(frame(monthly(2024, [1.0] * 10, [100.0] * 10)), ONLINE, 2025)
    assert out["period_month"].tolist() == list(pd.date_range("2025-01-01", periods=12, freq="MS"))
    np.testing.assert_allclose(out["denominator"], [100.0] * 12)


def test_expected_denominators_of_quarters_are_dated_at_the_quarters_last_month() -> None:
    # Q1–Q2 2025 observed at 40: Q3 and Q4 have no year-earlier value, so the mean of
    # the last three positive ones, 40.
    rows = [(2025, "2025-03-01", 10.0, 40.0), (2025, "2025-06-01", 10.0, 40.0)]
    out = p.expected_denominators(frame(rows), DIGITAL, 2025)
    assert out["period_month"].tolist() == [pd.Timestamp("2025-09-01"), pd.Timestamp("2025-12-01")]
    np.testing.assert_allclose(out["denominator"], [40.0, 40.0])
    # A complete year: nothing left.
    full = [*rows, (2025, "2025-09-01", 10.0, 40.0), (2025, "2025-12-01", 10.0, 40.0)]
    assert p.expected_denominators(frame(full), DIGITAL, 2025).empty


def test_a_cumulative_indicator_has_no_denominators_to_project() -> None:
    message = (
        "public_investment_disbursement is cumulative: its pace and projection are in % of "
        "the plan; there are no denominators to project"
    )
    with pytest.raises(ValueError) as raised:
        p.expected_denominators(frame([]), DISBURSEMENT, 2025)
    assert str(raised.value) == message


def test_expected_denominators_without_any_row_are_the_years_periods_at_0() -> None:
    # No row up to 2025 (only 2026): no denominator to go by, so 0 for January–December.
    out = p.expected_denominators(frame([(2026, "2026-01-01", 1.0, 5.0)]), ONLINE, 2025)
    assert out["period_month"].tolist() == list(pd.date_range("2025-01-01", periods=12, freq="MS"))
    np.testing.assert_allclose(out["denominator"], [0.0] * 12)


# ------------------------------------------------------------ disbursement flows


def test_plan_year_flows_are_the_months_increase_in_percent_of_the_plan_in_force() -> None:
    rows = [
        (2024, "2024-01-01", 10.0, 200.0),  # first month, January: its YTD, 5 %
        (2024, "2024-02-01", 30.0, 200.0),  # 20 billion, 10 %
        (2024, "2024-03-01", 60.0, 300.0),  # the plan raised: 30 of 300 = 10 %
        (2024, "2024-04-01", 70.0, 0.0),  # 10 billion of a plan of 0: no share
        (2024, "2025-01-01", 90.0, 300.0),  # the January extension: left out
        (2025, "2025-03-01", 12.0, 100.0),  # first month March: covers three, left out
        (2025, "2025-04-01", 20.0, 100.0),  # 8 billion, 8 %
        (2026, "2026-01-01", 5.0, 100.0),  # after the year asked: left out
    ]
    out = p.plan_year_flows(frame(rows), 2025)
    assert list(out.columns) == ["period_year", "period_month", "flow", "flow_share_pct"]
    assert out["period_year"].tolist() == [2024, 2024, 2024, 2024, 2025, 2025]
    assert out["period_month"].tolist() == [
        pd.Timestamp(m)
        for m in (
            "2024-01-01",
            "2024-02-01",
            "2024-03-01",
            "2024-04-01",
            "2025-03-01",
            "2025-04-01",
        )
    ]
    np.testing.assert_allclose(out["flow"], [10.0, 20.0, 30.0, 10.0, np.nan, 8.0])
    np.testing.assert_allclose(out["flow_share_pct"], [5.0, 10.0, 10.0, np.nan, np.nan, 8.0])


# ------------------------------------------------------------------- reasons


def test_each_reason_reads_in_english_with_its_numbers() -> None:
    backtest = {
        "model": "ETS(A,Ad,N)",
        "mae": 1.234,
        "n_methods": 4,
        "n_origins": 30,
        "first_year": 2021,
        "last_year": 2024,
    }
    assert p._english("chosen_by_backtest", backtest) == (
        "ETS(A,Ad,N), chosen by backtest: lowest mean absolute error (1.23 pp) of 4 methods "
        "over 30 origins in 2021–2024"
    )
    assert p._english("fallback", backtest | {"failed": "sarimax"}) == (
        "ETS(A,Ad,N): sarimax could not forecast this month; next lowest backtest error "
        "(1.23 pp over 30 origins in 2021–2024)"
    )
    complete = {"year": 2025, "observed": 11, "expected": 12, "unit": "month"}
    assert p._english("complete", complete) == "2025 is complete (11 of 12 months observed)"
    assert p._english("complete_undefined", {"year": 2025}) == (
        "2025 is over but its value is undefined (zero denominator)"
    )
    assert p._english("no_data", {"year": 2025}) == "no data up to 2025"
    assert p._english("zero_plan", {}) == "the plan in force is 0; the year to date is undefined"
    assert p._english("short_history", {"needed": 1, "got": 0}) == (
        "not enough history for a backtest: needs 1 earlier year(s) that a method forecast "
        "at every origin; got 0"
    )
    assert p._english("method_failed", {}) == "no backtested method could forecast from this month"
    extrapolated = backtest | {"is_extrapolated": True, "horizon": 9, "unit": "month", "longest": 6}
    assert p._english("chosen_by_backtest", extrapolated) == (
        "ETS(A,Ad,N), chosen by backtest: lowest mean absolute error (1.23 pp) of 4 methods "
        "over 30 origins in 2021–2024; 9 months ahead is beyond the longest backtested "
        "horizon (6), so the band is widened as √h"
    )
    assert p._english("chosen_by_backtest", backtest | {"is_extrapolated": False}).endswith(
        "2021–2024"
    )
    assert p._english("chosen_by_backtest", backtest | {"break": "up"}).endswith(
        "in 2021–2024; the latest months rose unusually fast against earlier years, so the "
        "band leans up and is widened"
    )
    assert p._english("chosen_by_backtest", backtest | {"break": "down"}).endswith(
        "; the latest months fell unusually fast against earlier years, so the band leans "
        "down and is widened"
    )


def _history(period: int, cumulative: bool = False) -> History:
    empty = np.empty((0, 13))
    shape = SeriesShape.CUMULATIVE if cumulative else SeriesShape.MONTHLY_FLOW
    return History(shape, period, 0, None, np.array([]), np.array([]), 0, empty, empty)


def test_a_periods_word() -> None:
    assert p._unit_word(_history(12)) == "month"
    assert p._unit_word(_history(4)) == "quarter"
    assert p._unit_word(_history(1)) == "year"


# ---------------------------------------------------------- years already over


def test_a_complete_monthly_year_is_its_ratio_of_sums_with_certain_probability() -> None:
    # 2025: 11 months of 60 of 100 and December with a denominator of 0 (not counted):
    # 660 ÷ 1100 = 60 %, 11 of 12 months observed; target >= 50: probability 1.
    numerators = [60.0] * 11 + [5.0]
    denominators = [100.0] * 11 + [0.0]
    rows = [*monthly(2025, numerators, denominators), (2026, "2026-01-01", 0.0, 100.0)]
    result = p.project_year(frame(rows), ONLINE, 2025, n_paths=10, seed=3)
    assert (result.method, result.reason_code, result.model) == ("complete", "complete", "")
    assert result.reason == "2025 is complete (11 of 12 months observed)"
    assert result.reason_parts == {"year": 2025, "observed": 11, "expected": 12, "unit": "month"}
    for name in NAMES:
        assert getattr(result, name) == pytest.approx(60.0)
    assert result.probability == 1.0
    assert (result.target, result.comparator) == (50.0, ">=")
    assert (result.indicator_code, result.year) == ("online_dossier_share", 2025)
    assert (result.n_paths, result.seed, result.months_remaining, result.horizon) == (0, 3, 0, 0)
    assert result.n_points == 11  # the valid months
    assert result.judgement_date == dt.date(2025, 12, 31)
    assert result.is_extrapolated is False and result.backtest is None
    assert result.year_end == p.Interval(dt.date(2025, 12, 31), True, *[60.0] * 7)
    assert result.extension is None
    np.testing.assert_allclose(result.year_values, [60.0])
    assert not result.year_values.flags.writeable
    assert result.paths.shape == (0, 0) and result.period_values.shape == (0, 0)
    assert result.expected_denominators.size == 0
    assert list(result.fan.columns) == ["period_month", "is_extension", *p.QUANTILES]
    assert result.fan.empty


def test_a_complete_year_below_its_target_has_probability_0_and_without_one_none() -> None:
    # 40 of 100 every month: 40 % < 50.
    rows = monthly(2025, [40.0] * 12, [100.0] * 12)
    result = p.project_year(frame(rows), ONLINE, 2025, n_paths=10)
    assert result.central == pytest.approx(40.0) and result.probability == 0.0
    assert result.reason == "2025 is complete (12 of 12 months observed)"
    # 2024 has no target (the first is 2025): no probability, no target.
    earlier = p.project_year(frame(monthly(2024, [40.0] * 12, [100.0] * 12)), ONLINE, 2024)
    assert earlier.method == "complete"
    assert earlier.probability is None and earlier.target is None and earlier.comparator is None


def test_a_complete_quarterly_year() -> None:
    # 2025: 10 of 40 each quarter: 25 %; target >= 25: reached (probability 1).
    rows = [(2025, f"2025-{m:02d}-01", 10.0, 40.0) for m in (3, 6, 9, 12)]
    result = p.project_year(frame(rows), DIGITAL, 2025, n_paths=10)
    assert result.method == "complete"
    assert result.reason == "2025 is complete (4 of 4 quarters observed)"
    assert result.central == pytest.approx(25.0) and result.probability == 1.0
    assert result.n_points == 4


def test_a_year_over_with_only_zero_denominators_is_undefined() -> None:
    rows = monthly(2025, [0.0] * 12, [0.0] * 12)
    result = p.project_year(frame(rows), ONLINE, 2025, n_paths=10)
    assert (result.method, result.reason_code) == ("none", "complete_undefined")
    assert result.reason == "2025 is over but its value is undefined (zero denominator)"
    assert result.central is None and result.probability is None
    assert result.target == 50.0 and result.n_points == 0


def test_no_data_is_said() -> None:
    # Rows of 2026 only: none up to 2025.
    result = p.project_year(frame([(2026, "2026-01-01", 1.0, 2.0)]), ONLINE, 2025, seed=5)
    assert (result.method, result.reason_code, result.model) == ("none", "no_data", "")
    assert result.reason == "no data up to 2025" and result.reason_parts == {"year": 2025}
    for name in NAMES:
        assert getattr(result, name) is None
    assert result.probability is None and result.backtest is None
    assert (result.n_paths, result.seed, result.months_remaining, result.n_points) == (0, 5, 12, 0)
    assert result.horizon == 0 and result.is_extrapolated is False
    assert result.year_end is None and result.extension is None
    assert (result.target, result.comparator) == (50.0, ">=")
    assert result.judgement_date == dt.date(2025, 12, 31)
    assert result.year_values.size == 0 and result.paths.shape == (0, 0)
    assert result.period_values.shape == (0, 0) and result.expected_denominators.size == 0
    assert result.fan.empty and "central" in result.fan.columns


def _disbursement_year(year: int, december: float, january: float | None) -> list[Any]:
    rows = [(year, f"{year}-{m:02d}-01", december * m / 12, 100.0) for m in range(1, 13)]
    if january is not None:
        rows.append((year, f"{year + 1}-01-01", january, 100.0))
    return rows


def test_a_disbursement_year_with_31_january_in_is_complete_at_both_dates() -> None:
    # Plan 100: 31 December 80 %, 31 January 86 %.
    rows = _disbursement_year(2025, 80.0, 86.0)
    result = p.project_year(frame(rows), DISBURSEMENT, 2025, n_paths=10)
    assert (result.method, result.reason_code) == ("complete", "complete")
    assert result.reason == "2025 is complete (12 of 12 months observed)"
    # Judged at 31 December (the registry's year-end target).
    assert result.central == pytest.approx(80.0)
    assert result.year_end == p.Interval(dt.date(2025, 12, 31), True, *[80.0] * 7)
    assert result.extension == p.Interval(dt.date(2026, 1, 31), True, *[86.0] * 7)
    # A target due 31 January: judged on 86 %; >= 85 reached, >= 90 not.
    due_january = with_target(DISBURSEMENT, 2025, 85.0, dt.date(2026, 1, 31))
    january = p.project_year(frame(rows), due_january, 2025, n_paths=10)
    assert january.central == pytest.approx(86.0) and january.probability == 1.0
    assert january.judgement_date == dt.date(2026, 1, 31)
    higher = with_target(DISBURSEMENT, 2025, 90.0, dt.date(2026, 1, 31))
    assert p.project_year(frame(rows), higher, 2025, n_paths=10).probability == 0.0


def test_a_disbursement_year_with_a_plan_of_0_at_december_is_undefined() -> None:
    rows = _disbursement_year(2025, 80.0, None)
    rows[-1] = (2025, "2025-12-01", 80.0, 0.0)
    result = p.project_year(frame(rows), DISBURSEMENT, 2025, n_paths=10)
    assert (result.method, result.reason_code) == ("none", "zero_plan")
    assert result.reason == "the plan in force is 0; the year to date is undefined"


def test_a_december_row_of_the_plan_year() -> None:
    rows = frame(
        [(2025, "2025-12-01", 1.0, 1.0), (2024, "2025-01-01", 1.0, 1.0), (2026, "2026-12-01", 1, 1)]
    )
    assert p._december_row_exists(rows, 2025)
    assert not p._december_row_exists(rows.iloc[1:], 2025)
    # December of another plan year, or of another calendar year, is not it.
    assert not p._december_row_exists(frame([(2025, "2026-12-01", 1.0, 1.0)]), 2025)
    assert not p._december_row_exists(frame([(2024, "2025-12-01", 1.0, 1.0)]), 2025)
    assert not p._december_row_exists(frame([(2025, "2025-11-01", 1.0, 1.0)]), 2025)


def test_what_a_projection_refuses() -> None:
    count = get_indicator("dossiers_received")
    with pytest.raises(ValueError, match=r"models rates .*dossiers_received is a count"):
        p.project_year(frame([]), count, 2025)
    with pytest.raises(ValueError, match=r"n_paths must be at least 1; got 0"):
        p.project_year(frame([]), ONLINE, 2025, n_paths=0)
    other = SimpleNamespace(indicator_code="digital_economy_share_grdp")
    with pytest.raises(ValueError, match=r"report is of digital_economy_share_grdp, not online"):
        p.project_year(frame([]), ONLINE, 2025, backtest_report=other)  # type: ignore[arg-type]
    # n_paths = 1 is allowed (a year without data is said, not refused).
    assert p.project_year(frame([]), ONLINE, 2025, n_paths=1).reason_code == "no_data"


# -------------------------------------------------------------- building blocks


def test_an_observed_value_has_every_band_equal_to_it() -> None:
    assert p._interval(dt.date(2025, 12, 31), 7.5) == p.Interval(
        dt.date(2025, 12, 31), True, 7.5, 7.5, 7.5, 7.5, 7.5, 7.5, 7.5
    )
    source = np.array([1, 2])
    out = p._read_only(source)
    assert out.dtype == np.float64 and not out.flags.writeable
    source[0] = 9
    assert out.tolist() == [1.0, 2.0]
    fan = p._empty_fan()
    assert list(fan.columns) == ["period_month", "is_extension", *NAMES]
    assert fan["period_month"].dtype == "datetime64[ns]" and fan["is_extension"].dtype == bool
    assert all(fan[name].dtype == np.float64 for name in NAMES)


def test_paths_get_the_calibrated_values_in_the_order_of_their_model_values() -> None:
    # Model values 3, 1, 2: the smallest (path 1) gets 10, path 2 gets 20, path 0 30.
    out = p._by_rank(
        np.array([3.0, 1.0, 2.0]), np.array([10.0, 20.0, 30.0]), np.random.default_rng(0)
    )
    assert out.tolist() == [30.0, 10.0, 20.0]
    # Ties take the tied values in some order.
    tied = p._by_rank(
        np.array([1.0, 1.0, 0.0]), np.array([1.0, 2.0, 3.0]), np.random.default_rng(0)
    )
    assert tied[2] == 1.0 and sorted(tied[:2].tolist()) == [2.0, 3.0]


def test_disbursement_paths_are_scaled_to_reach_their_calibrated_december_value() -> None:
    # Year to date 40 %. Wanted 31 December: 50, 44, 30, 48 → needed 10, 4, 0 (never < 0), 8.
    # Path 0's flows 3 and 1 (total 4) → shares 0.75, 0.25 → 7.5, 2.5. Paths 1 and 2 have
    # no flow: the central forecast's shape, 1 and 3 → 0.25, 0.75 of 4 = 1, 3. Path 3's
    # flows 0.5 and 0.5 (total 1, still a flow) → 0.5, 0.5 of 8 = 4, 4.
    state = SimpleNamespace(year_to_date=40.0)
    flows = np.array([[3.0, 0.0, 0.0, 0.5], [1.0, 0.0, 0.0, 0.5]])
    wanted = np.array([50.0, 44.0, 30.0, 48.0])
    out = p._calibrate_cumulative_paths(
        state,  # type: ignore[arg-type]
        flows,
        np.array([1.0, 3.0]),
        wanted,
    )
    np.testing.assert_allclose(out, [[7.5, 1.0, 0.0, 4.0], [2.5, 3.0, 0.0, 4.0]])
    # A central forecast of 0: the flat shape, 2 and 2.
    flat = p._calibrate_cumulative_paths(
        state,  # type: ignore[arg-type]
        flows,
        np.array([0.0, 0.0]),
        wanted,
    )
    np.testing.assert_allclose(flat[:, 1], [2.0, 2.0])
    # A central forecast summing to 1 (0.25 and 0.75) is a shape: 1 and 3 of 4.
    small = p._calibrate_cumulative_paths(
        state,  # type: ignore[arg-type]
        flows,
        np.array([0.25, 0.75]),
        wanted,
    )
    np.testing.assert_allclose(small[:, 1], [1.0, 3.0])
    # A total of 1e-10, or exactly 1e-9, is no flow: the central shape.
    for total in (1e-10, 1e-9):
        tiny = p._calibrate_cumulative_paths(
            state,  # type: ignore[arg-type]
            np.array([[total], [0.0]]),
            np.array([1.0, 3.0]),
            np.array([44.0]),
        )
        np.testing.assert_allclose(tiny, [[1.0], [3.0]])


def test_the_points_counted_are_the_valid_rates_or_flows_by_the_origin() -> None:
    empty = np.empty((0, 13))
    rates = History(
        SeriesShape.MONTHLY_FLOW,
        12,
        0,
        3,
        np.array([1.0, 1.0, np.nan, 1.0]),
        np.array([2.0, 2.0, 2.0, 2.0]),
        0,
        empty,
        empty[:, :12],
    )
    assert p._flow_count(rates, 3) == 3
    assert p._flow_count(rates, 1) == 2
    values = np.array([[5.0, 10.0, np.nan] + [np.nan] * 10])
    flows = np.array([[5.0, 5.0] + [np.nan] * 10])
    cumulative = History(
        SeriesShape.CUMULATIVE,
        12,
        2025 * 12,
        2025 * 12 + 1,
        np.array([]),
        np.array([]),
        2025,
        values,
        flows,
    )
    assert p._flow_count(cumulative, 2025 * 12 + 1) == 2
    assert p._flow_count(cumulative, 2025 * 12) == 1


class _Calibration:
    """A stand-in: quantile z of level q is 100 (q − 0.5) + 1 (not symmetric, so the
    central value's z is not 0 by itself); value = point + z + horizon."""

    def quantiles(self, levels: Any) -> np.ndarray:
        return np.array([100.0 * (q - 0.5) + 1.0 for q in levels])

    def values(self, point: float, horizon: int, z: np.ndarray) -> np.ndarray:
        return point + np.asarray(z) + horizon


def test_bands_are_the_calibrated_quantiles_with_the_central_at_z_0() -> None:
    # from_scale stood in by the identity. z: 0.025 → −46.5, 0.10 → −39, 0.25 → −24,
    # central 0 (not 1), 0.75 → 26, 0.90 → 41, 0.975 → 48.5; + point 1 + horizon 10.
    with mock.patch.object(p, "from_scale", lambda history, scaled, anchor: scaled):
        bands = p._bands(_history(12), _Calibration(), 1.0, 10, 0.0)  # type: ignore[arg-type]
    assert list(bands) == NAMES
    assert [bands[n] for n in NAMES] == [-35.5, -28.0, -13.0, 11.0, 37.0, 52.0, 59.5]


def test_bands_are_named_in_sorted_order() -> None:
    # A from_scale that reverses the order (a falling scale): still lower_95 the smallest.
    with mock.patch.object(p, "from_scale", lambda history, scaled, anchor: -scaled):
        bands = p._bands(_history(12), _Calibration(), 1.0, 10, 0.0)  # type: ignore[arg-type]
    assert [bands[n] for n in NAMES] == [-59.5, -52.0, -37.0, -11.0, 13.0, 28.0, 35.5]
    assert all(type(bands[n]) is float for n in NAMES)


def test_stratified_values_are_at_the_middle_of_n_equal_slices() -> None:
    # n = 4: levels 0.125, 0.375, 0.625, 0.875 → z −36.5, −11.5, 13.5, 38.5; + 2 + 1;
    # sorted even when from_scale reverses them.
    with mock.patch.object(p, "from_scale", lambda history, scaled, anchor: scaled[::-1]):
        out = p._stratified(_history(12), _Calibration(), 2.0, 1, 0.0, 4)  # type: ignore[arg-type]
    np.testing.assert_allclose(out, [-33.5, -8.5, 16.5, 41.5])
    assert out.dtype == np.float64


def test_bands_and_stratified_values_pass_the_history_and_anchor_to_the_scale() -> None:
    # A stand-in scale that reads both: value = scaled × the history's period + anchor.
    # _bands, history of 4 quarters, anchor 100: the central 11 → 11 × 4 + 100 = 144.
    def scale(history: History, scaled: np.ndarray, anchor: float) -> np.ndarray:
        return np.asarray(scaled) * history.period + anchor

    with mock.patch.object(p, "from_scale", scale):
        bands = p._bands(_history(4), _Calibration(), 1.0, 10, 100.0)  # type: ignore[arg-type]
        out = p._stratified(_history(4), _Calibration(), 2.0, 1, 100.0, 2)  # type: ignore[arg-type]
    assert bands["central"] == 144.0
    assert bands["lower_95"] == -35.5 * 4 + 100.0
    # n = 2: levels 0.25, 0.75 → z −24, 26; + 2 + 1 → −21, 29; × 4 + 100 → 16, 216.
    np.testing.assert_allclose(out, [16.0, 216.0])


# ------------------------------------------------- rules the second pass's survivors exposed


def _arrays_read_only(result: p.Projection) -> bool:
    arrays = (result.year_values, result.paths, result.period_values, result.expected_denominators)
    return not any(array.flags.writeable for array in arrays)


def test_a_complete_or_unprojected_year_gives_read_only_arrays() -> None:
    complete = p.project_year(frame(monthly(2025, [40.0] * 12, [100.0] * 12)), ONLINE, 2025)
    assert complete.method == "complete" and _arrays_read_only(complete)
    none = p.project_year(frame([(2026, "2026-01-01", 1.0, 2.0)]), ONLINE, 2025)
    assert none.method == "none" and _arrays_read_only(none)
    assert (none.indicator_code, none.year) == ("online_dossier_share", 2025)


def test_an_unprojected_year_carries_the_backtest_it_read() -> None:
    common = p._Common(
        indicator=ONLINE,
        history=_history(12),
        year=2025,
        n_paths=10,
        seed=1,
        months_remaining=3,
        n_points=9,
        judgement="year_end",
        judgement_date=dt.date(2025, 12, 31),
        target=50.0,
        comparator=">=",
    )
    summary = object()
    result = p._none(common, "short_history", {"needed": 1, "got": 0}, summary)  # type: ignore[arg-type]
    assert result.backtest is summary
    assert (result.months_remaining, result.n_points, result.seed) == (3, 9, 1)
    assert result.reason == (
        "not enough history for a backtest: needs 1 earlier year(s) that a method forecast "
        "at every origin; got 0"
    )


def test_a_read_only_copy_leaves_a_float_array_writeable_and_apart() -> None:
    source = np.array([1.5, 2.5])
    out = p._read_only(source)
    assert source.flags.writeable and not out.flags.writeable
    source[0] = 9.0
    assert out.tolist() == [1.5, 2.5]


def test_a_plan_below_1_still_gives_a_flows_share() -> None:
    # A plan of 0.5 billion, 0.1 disbursed in January: 100 × 0.1 ÷ 0.5 = 20 %.
    out = p.plan_year_flows(frame([(2025, "2025-01-01", 0.1, 0.5)]), 2025)
    np.testing.assert_allclose(out["flow_share_pct"], [20.0])


def test_project_year_passes_every_choice_on() -> None:
    seen: dict[str, Any] = {}

    def fake(series: Any, indicator: Any, year: int, **kwargs: Any) -> tuple[str, None]:
        seen.update(kwargs, year=year, indicator=indicator)
        return "projection", None

    with mock.patch.object(p, "project_year_with_report", fake):
        result = p.project_year(
            frame([]), ONLINE, 2025, n_paths=7, seed=3, backtest_report=None, method="drift"
        )
    assert result == "projection"
    assert seen == {
        "n_paths": 7,
        "seed": 3,
        "backtest_report": None,
        "method": "drift",
        "year": 2025,
        "indicator": ONLINE,
    }


def test_flow_paths_are_shifted_on_the_logit_scale_to_reach_their_year_value() -> None:
    # Observed 30 of 100; three future months of 50 expected each: the year's value is
    # 100 × (30 + 50 × (r1 + r2 + r3)) ÷ 250.
    # Path 0: rates 0.5, wanted 60 % → 150 − 30 = 120 of 150 → 0.8 each.
    # Path 1: rates 0.2, 0.5, 0.8 (logits −a, 0, a) and wanted 42 % → 105 − 30 = 75 of 150
    # → mean 0.5: the symmetric shift 0 keeps them.
    # Path 2: rates 0, 0.5, 1 are first clipped to 1e-6 and 1 − 1e-6 (symmetric logits),
    # wanted 42 % again → shift 0 → 1e-6, 0.5, 1 − 1e-6.
    # Path 3: wanted 100 %, out of reach: the shift stops at +30 → expit(30) each.
    # Path 4: wanted 0 %, out of reach: the shift stops at −30 → expit(−30) each.
    history = History(
        SeriesShape.MONTHLY_FLOW, 12, 0, 8, np.zeros(9), np.ones(9), 0,
        np.empty((0, 13)), np.empty((0, 12)),
    )  # fmt: skip
    state = SimpleNamespace(
        observed_numerator=30.0,
        observed_denominator=100.0,
        expected_denominators=np.array([50.0, 50.0, 50.0]),
    )
    rates = np.array(
        [
            [0.5, 0.2, 0.0, 0.5, 0.5],
            [0.5, 0.5, 0.5, 0.5, 0.5],
            [0.5, 0.8, 1.0, 0.5, 0.5],
        ]
    )
    wanted = np.array([60.0, 42.0, 42.0, 100.0, 0.0])
    out = p._calibrate_flow_paths(history, state, rates, wanted)  # type: ignore[arg-type]
    tail = 1.0 / (1.0 + np.exp(30.0))  # expit(−30) = 1 − expit(30) ≈ 9.36e-14
    np.testing.assert_allclose(out[:, 0], [0.8, 0.8, 0.8], rtol=1e-9)
    np.testing.assert_allclose(out[:, 1], [0.2, 0.5, 0.8], rtol=1e-9)
    np.testing.assert_allclose(out[:, 2], [1e-6, 0.5, 1 - 1e-6], rtol=1e-9)
    # 1 − out loses about 1e-16 of 9.36e-14 to rounding: 1e-2 still tells a bound of 29 or 31.
    np.testing.assert_allclose(1.0 - out[:, 3], [tail] * 3, rtol=1e-2)
    np.testing.assert_allclose(out[:, 4], [tail] * 3, rtol=1e-6)


def test_a_year_judged_in_january_with_december_in_is_the_extension_month_alone() -> None:
    # 31 December observed at 90 %; the extension month's calibrated values (stand-ins)
    # 92, 90, 94 and its bands 90 … 94 with central 92. Every figure of the projection is
    # read from them: the period values are 92 − 90 = 2, 0 and 94 − 90 = 4; the reason
    # names the model, MAE 1.234 → "1.23", 2 methods, 7 origins, 2021–2024; the longest
    # backtested horizon is the calibration's last, 3; no month is left.
    history = History(
        SeriesShape.CUMULATIVE, 12, 0, 8, np.zeros(0), np.zeros(0), 2025,
        np.empty((1, 13)), np.empty((1, 12)),
    )  # fmt: skip
    common = SimpleNamespace(
        indicator=SimpleNamespace(code="x"),
        history=history,
        year=2025,
        n_paths=3,
        seed=11,
        n_points=14,
        judgement_date=dt.date(2026, 1, 31),
        target=95.0,
        comparator=">=",
    )
    interval = p.Interval(dt.date(2026, 1, 31), False, 92.0, 91.0, 93.0, 90.5, 93.5, 90.0, 94.0)
    score = SimpleNamespace(model="random walk with drift", mae=1.234, n_origins=7)
    calibration = SimpleNamespace(horizons=np.array([1, 2, 3]))
    summary = SimpleNamespace(
        score={"drift": score}.get, scores={"drift": score, "ets": None}, years=(2021, 2022, 2024)
    )
    found = SimpleNamespace(
        values=np.array([92.0, 90.0, 94.0]),
        interval=interval,
        scaled=0.3,
        horizon=1,
        calibration=calibration,
        summary=summary,
        method="drift",
    )
    with mock.patch.object(p, "probability_of_target", return_value=0.42) as chance:
        out = p._judged_in_january(common, 90.0, found, "month")  # type: ignore[arg-type]
    chance.assert_called_once_with(history, calibration, 0.3, 1, 90.0, 95.0, ">=")
    assert (out.indicator_code, out.year, out.method, out.model) == (
        "x", 2025, "drift", "random walk with drift"
    )  # fmt: skip
    assert out.reason_code == "chosen_by_backtest"
    assert out.reason == (
        "random walk with drift, chosen by backtest: lowest mean absolute error (1.23 pp) "
        "of 2 methods over 7 origins in 2021–2024"
    )
    bands = [out.lower_95, out.lower_80, out.lower_50, out.central]
    assert [*bands, out.upper_50, out.upper_80, out.upper_95] == [
        90.0, 90.5, 91.0, 92.0, 93.0, 93.5, 94.0
    ]  # fmt: skip
    assert (out.target, out.comparator, out.probability) == (95.0, ">=", 0.42)
    assert (out.n_paths, out.seed, out.months_remaining, out.n_points) == (3, 11, 0, 14)
    assert (out.judgement_date, out.horizon, out.is_extrapolated) == (
        dt.date(2026, 1, 31), 1, False
    )  # fmt: skip
    assert out.year_end == p.Interval(dt.date(2025, 12, 31), True, *[90.0] * 7)
    assert out.extension == interval and out.backtest is summary
    assert dict(out.reason_parts) == {
        "method": "drift",
        "model": "random walk with drift",
        "mae": 1.234,
        "n_methods": 2,
        "n_origins": 7,
        "first_year": 2021,
        "last_year": 2024,
        "is_extrapolated": False,
        "horizon": 1,
        "longest": 3,
        "unit": "month",
    }
    assert out.year_values.tolist() == [92.0, 90.0, 94.0]
    assert out.paths.tolist() == [[92.0, 90.0, 94.0]]
    assert out.period_values.tolist() == [[2.0, 0.0, 4.0]]
    assert out.expected_denominators.size == 0
    assert not out.paths.flags.writeable and not out.period_values.flags.writeable
    assert not out.expected_denominators.flags.writeable
    expected_fan = pd.DataFrame(
        {
            "period_month": pd.to_datetime(["2026-01-01"]),
            "is_extension": [True],
            **{n: [v] for n, v in zip(NAMES, [*bands, 93.0, 93.5, 94.0], strict=True)},
        }
    )
    pd.testing.assert_frame_equal(out.fan, expected_fan)
    # No target, or no comparator: no probability, and none is asked for.
    for missing in ({"target": None}, {"comparator": None}):
        bare = SimpleNamespace(**{**vars(common), **missing})
        with mock.patch.object(p, "probability_of_target") as never:
            assert p._judged_in_january(bare, 90.0, found, "month").probability is None  # type: ignore[arg-type]
        never.assert_not_called()


def test_the_extension_from_december_is_calibrated_at_one_month_ahead() -> None:
    # December 2025 observed at 90 % (origin = December 2025, 2025 × 12 + 11): the
    # extension month is 2025 × 12 + 12 − origin = 1 month ahead. Stand-ins: the point
    # forecast 93 bounded to 93.5, on the scale 0.7; the chosen method "ets", its
    # calibration widened by the volatility factor 1.5; the stratified values 89, 91, 92,
    # 95 shuffled by the seed's own permutation and never below December (89 → 90).
    history = mock.sentinel.history
    origin = 2025 * 12 + 11
    common = SimpleNamespace(
        history=history, year=2025, indicator=mock.sentinel.indicator, method=None, n_paths=4,
        seed=5,
    )  # fmt: skip
    summary = mock.Mock(chosen="ets")
    report = mock.Mock()
    report.summary.return_value = summary
    widened = mock.sentinel.widened
    calibration = mock.Mock()
    calibration.widened.return_value = widened
    bands = dict(zip(NAMES, [88.0, 89.0, 91.0, 93.5, 95.0, 96.0, 97.0], strict=True))
    stratified = np.array([89.0, 91.0, 92.0, 95.0])
    stubs = {
        "extension_fractions": mock.Mock(return_value=mock.sentinel.fractions),
        "extension_central": mock.Mock(return_value=93.0),
        "bounded": mock.Mock(return_value=93.5),
        "calibration_for": mock.Mock(return_value=calibration),
        "volatility_factor": mock.Mock(return_value=1.5),
        "to_scale": mock.Mock(return_value=np.float64(0.7)),
        "_bands": mock.Mock(return_value=bands),
        "_stratified": mock.Mock(return_value=stratified),
        "backtest": mock.Mock(return_value=report),
    }
    visible = mock.sentinel.visible

    def run(**changes: Any) -> Any:
        with mock.patch.multiple(p, **stubs):
            return p._extension_from_december(
                SimpleNamespace(**{**vars(common), **changes}),  # type: ignore[arg-type]
                90.0,
                origin,
                report,
                visible,
            )

    found = run()
    stubs["extension_fractions"].assert_called_with(history, 2025, origin)
    stubs["extension_central"].assert_called_with(90.0, mock.sentinel.fractions)
    stubs["bounded"].assert_called_with(history, 93.0, 90.0)
    report.summary.assert_called_with(before_year=2025)
    stubs["calibration_for"].assert_called_with(
        report, "ets", before_year=2025, judgement="extension"
    )
    stubs["volatility_factor"].assert_called_with(history, 2025, origin)
    calibration.widened.assert_called_with(1.5)
    stubs["to_scale"].assert_called_with(history, 93.5, 90.0)
    stubs["_bands"].assert_called_with(history, widened, 0.7, 1, 90.0)
    stubs["_stratified"].assert_called_with(history, widened, 0.7, 1, 90.0, 4)
    stubs["backtest"].assert_not_called()
    order = np.random.default_rng(5).permutation(4)
    assert found.values.tolist() == np.maximum(stratified[order], 90.0).tolist()
    assert sorted(found.values.tolist()) == [90.0, 91.0, 92.0, 95.0]
    assert found.interval == p.Interval(
        dt.date(2026, 1, 31), False, 93.5, 91.0, 95.0, 89.0, 96.0, 88.0, 97.0
    )
    assert (found.scaled, found.horizon, found.method) == (0.7, 1, "ets")
    assert type(found.scaled) is float
    assert found.calibration is widened and found.summary is summary
    # Without a report, the visible rows' backtest is read.
    with mock.patch.multiple(p, **stubs):
        p._extension_from_december(common, 90.0, origin, None, visible)  # type: ignore[arg-type]
    stubs["backtest"].assert_called_once_with(visible, mock.sentinel.indicator)
    # A method asked for by name, if the backtest scored it, replaces the choice.
    summary.score.return_value = mock.sentinel.score
    assert run(method="drift").method == "drift"
    summary.score.assert_called_with("drift")
    stubs["calibration_for"].assert_called_with(
        report, "drift", before_year=2025, judgement="extension"
    )
    # Nothing: a point forecast that is not finite, no method chosen, a method asked for
    # that was not scored, or no calibration.
    summary.score.return_value = None
    assert run(method="drift") is None
    stubs["extension_central"].return_value = float("nan")
    assert run() is None
    stubs["extension_central"].return_value = 93.0
    summary.chosen = None
    assert run() is None
    summary.chosen = "ets"
    stubs["calibration_for"].return_value = None
    assert run() is None
    stubs["calibration_for"].return_value = calibration
    assert run() is not None


def test_a_disbursement_year_before_its_december_is_not_complete() -> None:
    # Plan 100, 2025 observed January to October (8 % a month): 31 December is not in
    # and no December row exists, so the year is to be projected (None), not "zero plan".
    rows = [(2025, f"2025-{m:02d}-01", 8.0 * m, 100.0) for m in range(1, 11)]
    visible = frame(rows)
    history = build_history(visible, SeriesShape.CUMULATIVE)
    common = SimpleNamespace(history=history, year=2025)
    assert history.last_index == 2025 * 12 + 9
    assert p._complete_if_over(common, 2025 * 12 + 9, "month", None, visible) is None  # type: ignore[arg-type]


def test_a_disbursement_year_with_december_in_but_not_january() -> None:
    # Plan 100: 31 December 80 %, 31 January not in. The extension month is then forecast
    # from December (a stand-in here: central 85, bands 82 … 88).
    rows = _disbursement_year(2025, 80.0, None)
    extension = p.Interval(dt.date(2026, 1, 31), False, 85.0, 84.0, 86.0, 83.0, 87.0, 82.0, 88.0)
    found = SimpleNamespace(interval=extension)
    december = p.Interval(dt.date(2025, 12, 31), True, *[80.0] * 7)
    # Judged at 31 December: complete at 80 %, the extension's forecast beside it.
    given = SimpleNamespace(indicator_code=DISBURSEMENT.code)  # a backtest report passed in
    with mock.patch.object(p, "_extension_from_december", return_value=found) as stub:
        result, _ = p.project_year_with_report(
            frame(rows),
            DISBURSEMENT,
            2025,
            n_paths=10,
            backtest_report=given,  # type: ignore[arg-type]
        )
    assert (result.method, result.reason_code) == ("complete", "complete")
    assert result.reason == "2025 is complete (12 of 12 months observed)"
    assert result.central == pytest.approx(80.0) and result.year_end == december
    assert result.extension == extension
    common, seen, origin, report, visible = stub.call_args.args
    assert (common.indicator, common.year, common.n_paths) == (DISBURSEMENT, 2025, 10)
    assert (seen, origin, report, len(visible)) == (80.0, 2025 * 12 + 11, given, 12)
    # No extension forecast: none shown.
    with mock.patch.object(p, "_extension_from_december", return_value=None):
        bare = p.project_year(frame(rows), DISBURSEMENT, 2025, n_paths=10)
    assert bare.central == pytest.approx(80.0) and bare.extension is None
    # A target due 31 January: the extension month alone, or without its forecast too
    # short a history (MIN_YEARS = 1 earlier year needed, 0 got).
    due_january = with_target(DISBURSEMENT, 2025, 85.0, dt.date(2026, 1, 31))
    with (
        mock.patch.object(p, "_extension_from_december", return_value=found),
        mock.patch.object(p, "_judged_in_january", return_value=mock.sentinel.january) as alone,
    ):
        assert p.project_year(frame(rows), due_january, 2025) is mock.sentinel.january
    common, seen, passed, unit = alone.call_args.args
    assert (common.indicator, common.year, common.judgement) == (due_january, 2025, "extension")
    assert (seen, passed, unit) == (80.0, found, "month")
    with mock.patch.object(p, "_extension_from_december", return_value=None):
        short = p.project_year(frame(rows), due_january, 2025)
    assert (short.method, short.reason_code) == ("none", "short_history")
    assert short.reason == (
        "not enough history for a backtest: needs 1 earlier year(s) that a method forecast at "
        "every origin; got 0"
    )


def test_a_complete_year_reads_only_its_own_months_even_with_denominators_below_1() -> None:
    # 2024: 10 of 100 a month (10 %); 2025: 0.02 of 0.05 a month, a total denominator of
    # 0.6 → 0.24 ÷ 0.6 = 40 %. 2024's months are not 2025's: not (120.24 ÷ 1,200.6).
    rows = monthly(2024, [10.0] * 12, [100.0] * 12) + monthly(2025, [0.02] * 12, [0.05] * 12)
    result = p.project_year(frame(rows), ONLINE, 2025)
    assert (result.method, result.reason_code) == ("complete", "complete")
    assert result.central == pytest.approx(40.0)
    assert result.reason == "2025 is complete (12 of 12 months observed)"
