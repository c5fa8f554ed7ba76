"""The forecasting engine's rules one by one (metrics/forecasting.py), on small arrays whose
figures are worked out by hand in the comments; never with the function under test.

Most tests build a :class:`History` directly, so each rule (a rate's validity, the
periods left to forecast, expected denominators, the seasonal profile's base level, the
January extension's share) is checked without the series reduction; the reduction itself
(:func:`build_history`) has its own tests. No model is fitted here: milliseconds a test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

from metrics import forecasting as f
from metrics.periods import SeriesShape

NAN = math.nan
EMPTY13 = np.empty((0, 13))


def flow_history(
    numerators: list[float], denominators: list[float], first: int, period: int = 12
) -> f.History:
    shape = SeriesShape.MONTHLY_FLOW if period == 12 else SeriesShape.ANNUAL
    return f.History(
        shape=shape,
        period=period,
        first_index=first,
        last_index=first + len(numerators) - 1,
        numerators=np.array(numerators, dtype="float64"),
        denominators=np.array(denominators, dtype="float64"),
        first_year=0,
        values=EMPTY13,
        flows=EMPTY13[:, :12],
    )


def cumulative_history(values: list[list[float]], first_year: int, last_index: int) -> f.History:
    """``values``: one row of 13 YTD % per plan year; flows: the month's increase."""
    array = np.array(values, dtype="float64")
    before = np.concatenate([np.zeros((array.shape[0], 1)), array[:, :11]], axis=1)
    return f.History(
        shape=SeriesShape.CUMULATIVE,
        period=12,
        first_index=first_year * 12,
        last_index=last_index,
        numerators=np.array([]),
        denominators=np.array([]),
        first_year=first_year,
        values=array,
        flows=array[:, :12] - before,
    )


def frame(rows: list[tuple[int, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(y, pd.Timestamp(m), n, d) for y, m, n, d in rows],
        columns=["period_year", "period_month", "numerator", "denominator"],
    )


def months(year: int, month: int) -> int:
    return year * 12 + month - 1


# ------------------------------------------------------------------------ History


def test_a_rate_is_valid_only_finite_with_a_positive_denominator_up_to_until() -> None:
    # Periods 100..104: 1/4 = 0.25; 3/6 = 0.5; NaN/5 invalid; 4/0 = inf invalid;
    # -1/-2 = 0.5 is finite but its denominator is negative: invalid.
    history = flow_history([1, 3, NAN, 4, -1], [4, 6, 5, 0, -2], first=100)
    index, rates = history.rates(200)
    assert index.tolist() == [100, 101]
    assert rates.tolist() == [0.25, 0.5]
    # until = 100: only period 100 (101 is after it).
    index, rates = history.rates(100)
    assert index.tolist() == [100] and rates.tolist() == [0.25]
    index, rates = history.rates(101)
    assert index.tolist() == [100, 101]
    # until before the first period: nothing.
    index, rates = history.rates(99)
    assert index.size == 0 and rates.size == 0


def test_a_period_outside_the_history_is_nan() -> None:
    history = flow_history([1, 2, 3], [10, 20, 30], first=50)
    assert history.at(50) == (1.0, 10.0)
    assert history.at(52) == (3.0, 30.0)
    for outside in (49, 53):
        numerator, denominator = history.at(outside)
        assert math.isnan(numerator) and math.isnan(denominator)


def test_a_cumulative_value_is_read_only_once_observed() -> None:
    # Plan years 2024 and 2025; 2024's December (column 11) is 80 %.
    row = [10.0 * (j + 1) for j in range(12)] + [90.0]
    history = cumulative_history([row, row], first_year=2024, last_index=months(2025, 12))
    assert history.is_cumulative and not history.is_empty
    assert history.plan_year_row(2023) is None
    assert history.plan_year_row(2024) == 0
    assert history.plan_year_row(2025) == 1
    assert history.plan_year_row(2026) is None
    # 2024 × 12 + 11 = the calendar month of December 2024.
    assert history.cumulative_value(2024, 11, months(2024, 12)) == 120.0
    assert math.isnan(history.cumulative_value(2024, 11, months(2024, 11)))
    # Column 12 (the extension) is January 2025: observed by January 2025.
    assert history.cumulative_value(2024, 12, months(2025, 1)) == 90.0
    assert math.isnan(history.cumulative_value(2026, 0, months(2030, 1)))


def test_flow_points_are_the_finite_flows_up_to_until_in_calendar_months() -> None:
    # 2024: YTD 5, 15, then NaN; flows 5, 10, NaN, NaN …
    row = [5.0, 15.0] + [NAN] * 11
    history = cumulative_history([row], first_year=2024, last_index=months(2024, 2))
    points, flows = history.flow_points(months(2024, 2))
    assert points.tolist() == [months(2024, 1), months(2024, 2)]
    assert flows.tolist() == [5.0, 10.0]
    points, flows = history.flow_points(months(2024, 1))
    assert points.tolist() == [months(2024, 1)] and flows.tolist() == [5.0]


def test_an_empty_history_has_no_last_period() -> None:
    history = f.History(
        SeriesShape.MONTHLY_FLOW, 12, 0, None, np.array([]), np.array([]), 0, EMPTY13, EMPTY13
    )
    assert history.is_empty and not history.is_cumulative


# ------------------------------------------------------------------ build_history


def test_a_monthly_history_sums_a_periods_rows_and_keeps_gaps_as_nan() -> None:
    # January 2025 twice: 1 + 2 = 3 of 4 + 6 = 10; February missing; March 3 of 4.
    # Index: 2025 × 12 + 0 = 24300 … 24302.
    history = f.build_history(
        frame(
            [
                (2025, "2025-01-01", 1.0, 4.0),
                (2025, "2025-01-01", 2.0, 6.0),
                (2025, "2025-03-01", 3.0, 4.0),
            ]
        ),
        SeriesShape.MONTHLY_FLOW,
    )
    assert (history.shape, history.period) == (SeriesShape.MONTHLY_FLOW, 12)
    assert (history.first_index, history.last_index) == (24300, 24302)
    np.testing.assert_array_equal(history.numerators, [3.0, NAN, 3.0])
    np.testing.assert_array_equal(history.denominators, [10.0, NAN, 4.0])
    assert history.numerators.dtype == np.float64
    assert history.first_year == 0
    assert history.values.shape == (0, 13) and history.flows.shape == (0, 12)


def test_a_quarterly_history_indexes_quarters() -> None:
    # Q1 2025 = 2025 × 4 + 0 = 8100, Q3 = 8102.
    history = f.build_history(
        frame([(2025, "2025-03-01", 1.0, 5.0), (2025, "2025-09-01", 2.0, 5.0)]),
        SeriesShape.ANNUAL,
    )
    assert history.period == 4
    assert (history.first_index, history.last_index) == (8100, 8102)
    np.testing.assert_array_equal(history.numerators, [1.0, NAN, 2.0])


def test_an_empty_series_gives_an_empty_history() -> None:
    for shape in (SeriesShape.MONTHLY_FLOW, SeriesShape.CUMULATIVE):
        history = f.build_history(frame([]), shape)
        assert history.last_index is None and history.is_empty
        assert history.values.shape[0] == 0


def test_a_cumulative_history_keeps_a_plan_years_13_months_as_percent_of_the_plan() -> None:
    rows = [
        (2024, "2023-12-01", 1.0, 100.0),  # before the plan year: dropped
        (2024, "2024-01-01", 10.0, 100.0),  # column 0: 10 %
        (2024, "2024-02-01", 25.0, 100.0),  # column 1: 25 %, flow 15
        (2024, "2025-01-01", 95.0, 100.0),  # column 12, the extension: 95 %
        (2024, "2025-03-01", 99.0, 100.0),  # column 14: dropped (and not the last month)
        (2025, "2025-01-01", 5.0, 200.0),  # 2025 column 0: 2.5 %, flow 2.5
        (2025, "2025-02-01", 6.0, 0.0),  # plan 0: undefined
    ]
    history = f.build_history(frame(rows), SeriesShape.CUMULATIVE)
    assert history.shape is SeriesShape.CUMULATIVE and history.period == 12
    assert history.first_year == 2024 and history.first_index == 2024 * 12
    # The latest kept row is February 2025: 2025 × 12 + 1.
    assert history.last_index == months(2025, 2)
    assert history.values.shape == (2, 13) and history.flows.shape == (2, 12)
    assert history.values[0, 0] == 10.0 and history.values[0, 1] == 25.0
    assert history.values[0, 12] == 95.0
    assert math.isnan(history.values[0, 2])
    assert history.values[1, 0] == 2.5
    assert math.isnan(history.values[1, 1])
    # Flows: the first month's is its YTD (before = 0); then the increase.
    assert history.flows[0, 0] == 10.0 and history.flows[0, 1] == 15.0
    assert math.isnan(history.flows[0, 2])
    assert history.flows[1, 0] == 2.5
    assert math.isnan(history.flows[1, 1])
    assert history.numerators.size == 0
    assert isinstance(history.denominators, np.ndarray) and history.denominators.size == 0


# --------------------------------------------------------------- points and years


def test_points_are_logits_of_clipped_rates_or_log1p_of_flows() -> None:
    # Rates 0, 0.5, 1 → clipped to 0.001, 0.5, 0.999 before the logit.
    history = flow_history([0.0, 5.0, 10.0], [10.0, 10.0, 10.0], first=0)
    index, x = f._points(history, 2)
    assert index.tolist() == [0, 1, 2]
    np.testing.assert_allclose(x, [logit(0.001), 0.0, logit(0.999)])
    # Flows 5 and −2 (a correction) → log1p(5) and log1p(0) = 0.
    row = [5.0, 3.0] + [NAN] * 11
    cumulative = cumulative_history([row], first_year=2024, last_index=months(2024, 2))
    index, x = f._points(cumulative, months(2024, 2))
    np.testing.assert_allclose(x, [math.log1p(5.0), 0.0])


def test_a_plan_year_runs_from_its_first_to_its_last_period() -> None:
    quarterly = flow_history([1.0], [1.0], first=8100, period=4)
    assert f._year_start(quarterly, 2025) == 8100  # 2025 × 4
    assert f._year_end(quarterly, 2025) == 8103  # + 4 − 1
    monthly = flow_history([1.0], [1.0], first=24300)
    assert f._year_end(monthly, 2025) == 24311


def test_values_are_rates_by_expit_or_flows_not_below_zero() -> None:
    flow = flow_history([1.0], [1.0], first=0)
    np.testing.assert_allclose(f._to_value(flow, np.array([0.0, logit(0.2)])), [0.5, 0.2])
    cumulative = cumulative_history([[NAN] * 13], first_year=2024, last_index=months(2024, 1))
    # expm1(log1p(3)) = 3; expm1(−1) = −0.63 → 0.
    np.testing.assert_allclose(
        f._to_value(cumulative, np.array([math.log1p(3.0), -1.0])), [3.0, 0.0]
    )


# ------------------------------------------------------------------ model names


def test_ets_and_sarimax_names() -> None:
    assert f._ets_name((None, False, "add")) == "ETS(A,N,A)"
    assert f._ets_name(("add", True, None)) == "ETS(A,Ad,N)"
    assert f._ets_name(("add", False, "add")) == "ETS(A,A,A)"
    flow = flow_history([1.0], [1.0], first=0)
    cumulative = cumulative_history([[NAN] * 13], first_year=2024, last_index=months(2024, 1))
    assert f._sarimax_name(flow) == "ARIMA(0,1,1) with drift"
    assert f._sarimax_name(cumulative) == "SARIMA(1,0,0)(0,1,1)12"
    assert f._sarimax_spec(flow) == ((0, 1, 1), (0, 0, 0, 0), "t")
    assert f._sarimax_spec(cumulative) == ((1, 0, 0), (0, 1, 1, 12), "n")


def test_heuristic_initial_states_need_ten_points_and_half_a_season_each_side() -> None:
    # Seasonal monthly: 10 + 2 × 6 = 22; seasonal quarterly: 10 + 2 × 2 = 14.
    assert f._initialization(22, 12, True) == "heuristic"
    assert f._initialization(21, 12, True) == "estimated"
    assert f._initialization(14, 4, True) == "heuristic"
    assert f._initialization(13, 4, True) == "estimated"
    assert f._initialization(10, 12, False) == "heuristic"
    assert f._initialization(9, 12, False) == "estimated"


def _monthly_points(n: int, first: int = months(2020, 1)) -> f.History:
    return flow_history([50.0] * n, [100.0] * n, first=first)


def test_prepare_names_the_profile_and_drift_and_counts_the_points_before_the_year() -> None:
    # 2020-01 … 2021-08: 20 points, of which the 12 of 2020 are before 2021.
    history = _monthly_points(20)
    profile = f.prepare("seasonal_profile", history, 2021)
    assert profile == f.Fitted("seasonal_profile", 2021, "seasonal profile", (), None, 12)
    drift = f.prepare("drift", history, 2021)
    assert drift == f.Fitted("drift", 2021, "random walk with drift", (), None, 12)


@pytest.mark.parametrize(
    ("period", "n", "method", "needed"),
    [
        (12, 20, "ets", 24),  # monthly, no 36 points for a season: the damped trend's 24
        (12, 20, "sarimax", 24),
        (4, 6, "ets", 8),  # quarterly: 8 for the trend
        (4, 6, "sarimax", 8),
        (1, 5, "ets", 8),  # yearly
        (1, 5, "sarimax", 8),
    ],
)
def test_a_model_with_too_few_points_says_how_many_it_needs(
    period: int, n: int, method: f.MethodCode, needed: int
) -> None:
    history = flow_history([50.0] * n, [100.0] * n, first=2020 * period, period=period)
    year = 2020 + math.ceil(n / period) + 1  # every point is before it
    assert f.prepare(method, history, year) == f.NotApplicable(method, "too_few_points", needed, n)


def test_disbursement_ets_needs_two_years_of_flows() -> None:
    # Cumulative: 24 points (ets_seasonal of the cumulative rules); one year has 12.
    row = [float(j + 1) for j in range(12)] + [NAN]
    history = cumulative_history([row], first_year=2024, last_index=months(2024, 12))
    assert f.prepare("ets", history, 2025) == f.NotApplicable("ets", "too_few_points", 24, 12)
    assert f.prepare("sarimax", history, 2025) == f.NotApplicable(
        "sarimax", "too_few_points", 24, 12
    )


def test_an_unknown_shape_and_period_takes_the_yearly_rules() -> None:
    history = flow_history([1.0], [1.0], first=0, period=2)
    assert f._rules(history) == f._RULES[(SeriesShape.ANNUAL, 1)]


# ------------------------------------------------------------- periods to forecast


def test_last_observed_and_future_periods_of_a_rate() -> None:
    # 2025-01 … 2025-04, April invalid (denominator 0): last observed March (24302).
    history = flow_history([1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 0.0], first=24300)
    assert f.last_observed(history, 2025, 24303) == 24302
    assert f.last_observed(history, 2025, 24300) == 24300
    # Nothing of 2026 observed.
    assert f.last_observed(history, 2026, 24303) is None
    # Left: April … December = 24303 … 24311.
    assert f.future_periods(history, 2025, 24303).tolist() == list(range(24303, 24312))
    # At origin January: February onwards.
    assert f.future_periods(history, 2025, 24300).tolist() == list(range(24301, 24312))
    # 2026 from 2025's data: all of 2026 (the last point + 1 is before it).
    assert f.future_periods(history, 2026, 24303).tolist() == list(range(24312, 24324))
    # No valid rate by the origin: from the origin + 1.
    assert f.future_periods(history, 2025, 24299).tolist() == list(range(24300, 24312))


def test_last_observed_and_future_periods_of_disbursement() -> None:
    # 2025: January, February and April observed (March missing).
    row = [1.0, 2.0, NAN, 4.0] + [NAN] * 9
    history = cumulative_history([row], first_year=2025, last_index=months(2025, 4))
    assert f.last_observed(history, 2025, months(2025, 4)) == months(2025, 4)
    assert f.last_observed(history, 2025, months(2025, 3)) == months(2025, 2)
    assert f.last_observed(history, 2026, months(2025, 4)) is None
    assert f.last_observed(history, 2024, months(2025, 4)) is None
    assert f.future_periods(history, 2025, months(2025, 4)).tolist() == list(
        range(months(2025, 5), months(2025, 12) + 1)
    )
    assert f.future_periods(history, 2025, months(2025, 3)).tolist() == list(
        range(months(2025, 3), months(2025, 12) + 1)
    )
    # Nothing observed by the origin: the whole year.
    empty_row = [NAN] * 13
    none_seen = cumulative_history([empty_row], first_year=2025, last_index=months(2025, 1))
    assert f.future_periods(none_seen, 2025, months(2025, 1)).size == 12


# ------------------------------------------------------------------ denominators


def test_expected_denominators_grow_by_the_last_year_over_the_year_before() -> None:
    # Quarters 2023 (100 each) and 2024 (150 each): g = 600 ÷ 400 = 1.5.
    history = flow_history([1.0] * 8, [100.0] * 4 + [150.0] * 4, first=8092, period=4)
    periods = np.arange(8100, 8105)  # 2025 Q1 … Q4 and 2026 Q1
    # 2025: 150 × 1.5 = 225; 2026 Q1: its year-earlier value is itself projected,
    # 225 × 1.5 = 337.5.
    np.testing.assert_allclose(
        f.expected_denominators_at(history, 8099, periods), [225, 225, 225, 225, 337.5]
    )


def test_expected_denominators_growth_is_clipped_and_is_1_without_two_years() -> None:
    # 100 then 300 a quarter: 3 → clipped to 2; 300 × 2 = 600.
    high = flow_history([1.0] * 8, [100.0] * 4 + [300.0] * 4, first=8092, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(high, 8099, np.array([8100])), [600])
    # 100 then 20: 0.2 → clipped to 0.5; 20 × 0.5 = 10.
    low = flow_history([1.0] * 8, [100.0] * 4 + [20.0] * 4, first=8092, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(low, 8099, np.array([8100])), [10])
    # One year only (2024 at 150, 2023 unknown): g = 1, 150.
    one = flow_history([1.0] * 4, [150.0] * 4, first=8096, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(one, 8099, np.array([8100])), [150])
    # A missing quarter in the year before: g = 1.
    gap = flow_history([1.0] * 8, [100, NAN, 100, 100] + [150.0] * 4, first=8092, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(gap, 8099, np.array([8100])), [150])


def test_expected_denominators_read_nothing_after_the_origin_and_fall_back_to_a_mean() -> None:
    # Quarters of 2024: 10, 20, 30, 60; origin Q3 2024 (8098), so 60 is not read.
    history = flow_history([1.0] * 4, [10.0, 20.0, 30.0, 60.0], first=8096, period=4)
    # Q4 2024: its year-earlier quarter is unknown → the mean of the last three positive
    # denominators by the origin, (10 + 20 + 30) ÷ 3 = 20; Q1 2025: Q1 2024 = 10 (g = 1).
    np.testing.assert_allclose(
        f.expected_denominators_at(history, 8098, np.array([8099, 8100])), [20, 10]
    )
    # Without any positive denominator: 0.
    zero = flow_history([0.0], [0.0], first=8096, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(zero, 8096, np.array([8097])), [0])
    # Q2 2025's year-earlier quarter is missing (NaN): the mean of the last three positive
    # denominators only, (10 + 20 + 30) ÷ 3 = 20 (of all four, 16.25); g = 1 (a gap).
    gap = flow_history([1.0] * 5, [5.0, NAN, 10.0, 20.0, 30.0], first=8096, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(gap, 8100, np.array([8101])), [20])


# ---------------------------------------------------------------- seasonal profile


def test_the_base_level_is_the_logit_of_the_ratio_of_sums() -> None:
    # (1 + 2 + 3) ÷ (10 + 10 + 20) = 0.15.
    history = flow_history([1.0, 2.0, 3.0], [10.0, 10.0, 20.0], first=0)
    assert f._base_logit(history, 2, 3) == pytest.approx(logit(0.15))
    assert f._base_logit(history, 2, 1) == pytest.approx(logit(3 / 20))
    # A window reaching before the first period, or with a zero denominator: NaN.
    assert math.isnan(f._base_logit(history, 1, 3))
    zero = flow_history([1.0, 2.0, 3.0], [10.0, 0.0, 20.0], first=0)
    assert math.isnan(f._base_logit(zero, 2, 3))
    assert math.isnan(f._base_logit(zero, 2, 2))
    nan = flow_history([1.0, NAN, 3.0], [10.0, 10.0, 20.0], first=0)
    assert math.isnan(f._base_logit(nan, 2, 3))
    nan_d = flow_history([1.0, 2.0, 3.0], [10.0, NAN, 20.0], first=0)
    assert math.isnan(f._base_logit(nan_d, 2, 3))
    # Clipped: 0 → 0.001, 1 → 0.999.
    ends = flow_history([0.0, 10.0], [10.0, 10.0], first=0)
    assert f._base_logit(ends, 0, 1) == pytest.approx(logit(0.001))
    assert f._base_logit(ends, 1, 1) == pytest.approx(logit(0.999))


def test_a_periods_rate_logit() -> None:
    history = flow_history([1.0, 0.0, 10.0, NAN, 2.0], [4.0, 4.0, 10.0, 4.0, 0.0], first=0)
    assert f._rate_logit(history, 0) == pytest.approx(logit(0.25))
    assert f._rate_logit(history, 1) == pytest.approx(logit(0.001))
    assert f._rate_logit(history, 2) == pytest.approx(logit(0.999))
    assert math.isnan(f._rate_logit(history, 3))
    assert math.isnan(f._rate_logit(history, 4))
    assert math.isnan(f._rate_logit(history, 5))
    nan_d = flow_history([1.0], [NAN], first=0)
    assert math.isnan(f._rate_logit(nan_d, 0))


def _yearly_rates(rates: list[float], first_year: int) -> f.History:
    return flow_history([r * 1000 for r in rates], [1000.0] * len(rates), first_year, period=1)


def test_a_yearly_profile_is_the_latest_level_plus_the_median_year_on_year_uplift() -> None:
    # Yearly rates (width 1): 2020 0.2, 2021 0.3, 2022 0.5, 2023 0.4; origin 2023,
    # forecast 2024. Shifts 1…3 look back from 2023: lag 1 → the change 2022 → 2023
    # (logit 0.4 − logit 0.5); lag 2 → 2021 → 2022 (logit 0.5 − logit 0.3); lag 3 →
    # 2020 → 2021 (logit 0.3 − logit 0.2). Central: expit(logit 0.4 + the median).
    history = _yearly_rates([0.2, 0.3, 0.5, 0.4], 2020)
    fitted = f.Fitted("seasonal_profile", 2024, "seasonal profile", (), None, 4)
    result = f.forecast(fitted, history, 2024, 2023)
    assert isinstance(result, f.Forecast)
    uplifts = [logit(0.4) - logit(0.5), logit(0.5) - logit(0.3), logit(0.3) - logit(0.2)]
    assert result.periods.tolist() == [2024]
    np.testing.assert_allclose(result.central, [expit(logit(0.4) + np.median(uplifts))])
    assert result.n_points == 3  # three earlier years
    assert result.model == "seasonal profile" and result.method == "seasonal_profile"
    assert result.paths is None


def test_a_yearly_profile_skips_a_year_without_its_rate_and_paths_repeat_a_year() -> None:
    # 2021's numerator missing: lags 2 (2021 → 2022) and 3 (2020 → 2021) both need it.
    history = flow_history([200.0, NAN, 500.0, 400.0], [1000.0] * 4, 2020, period=1)
    fitted = f.Fitted("seasonal_profile", 2024, "seasonal profile", (), None, 4)
    result = f.forecast(fitted, history, 2024, 2023, n_paths=5)
    assert isinstance(result, f.Forecast)
    uplift = logit(0.4) - logit(0.5)
    np.testing.assert_allclose(result.central, [expit(logit(0.4) + uplift)])
    assert result.n_points == 1
    assert result.paths is not None and result.paths.shape == (1, 5)
    np.testing.assert_allclose(result.paths, expit(logit(0.4) + uplift))


def test_a_monthly_profile_base_is_the_last_three_months() -> None:
    # Two years of 12 months; 2024: rate 0.1 every month but Dec 0.3; 2025 Jan–Mar at
    # 0.2. Base: logit 0.2 (Jan–Mar 2025). Earlier year (lag 12): its base Jan–Mar 2024
    # = logit 0.1; April…Dec 2024 minus it: 0 for April…November, logit 0.3 − logit 0.1
    # for December. Central: 0.2 for April…November, expit(logit 0.2 + logit 0.3 −
    # logit 0.1) for December.
    rates = [0.1] * 11 + [0.3] + [0.2] * 3
    history = flow_history([r * 1000 for r in rates], [1000.0] * 15, first=months(2024, 1))
    fitted = f.Fitted("seasonal_profile", 2025, "seasonal profile", (), None, 15)
    result = f.forecast(fitted, history, 2025, months(2025, 3))
    assert isinstance(result, f.Forecast)
    december = expit(logit(0.2) + logit(0.3) - logit(0.1))
    np.testing.assert_allclose(result.central, [0.2] * 8 + [december])
    assert result.n_points == 1


def test_a_profile_without_an_earlier_year_or_any_rate_is_not_applicable() -> None:
    fitted = f.Fitted("seasonal_profile", 2025, "seasonal profile", (), None, 0)
    one_year = _yearly_rates([0.4], 2024)
    assert f.forecast(fitted, one_year, 2025, 2024) == f.NotApplicable(
        "seasonal_profile", "no_earlier_year", 1, 0
    )
    nothing = flow_history([NAN, NAN], [1000.0, 1000.0], 2023, period=1)
    assert f.forecast(fitted, nothing, 2025, 2024) == f.NotApplicable(
        "seasonal_profile", "no_earlier_year", 1, 0
    )


def test_a_disbursement_profile_adds_the_median_remaining_increase_from_the_same_month() -> None:
    # Plan years 2022–2024 complete; 2025 observed to October (done = 10 months).
    # From October (column 9) to November and December, increases:
    # 2022: 60 → 70 → 90 = 10, 20; 2023: 50 → 56 → 60 = 6, 4; 2024: 40 → 52 → 70 = 12, 18.
    # Cumulative increases: 2022 10, 30; 2023 6, 10; 2024 12, 30 → medians 10 and 30:
    # central flows 10 and 30 − 10 = 20.
    def year(october: float, november: float, december: float) -> list[float]:
        return [1.0] * 9 + [october, november, december, NAN]

    this_year = [1.0] * 10 + [NAN, NAN, NAN]
    history = cumulative_history(
        [year(60, 70, 90), year(50, 56, 60), year(40, 52, 70), this_year],
        first_year=2022,
        last_index=months(2025, 10),
    )
    fitted = f.Fitted("seasonal_profile", 2025, "seasonal profile", (), None, 0)
    result = f.forecast(fitted, history, 2025, months(2025, 10), n_paths=4)
    assert isinstance(result, f.Forecast)
    assert result.periods.tolist() == [months(2025, 11), months(2025, 12)]
    np.testing.assert_allclose(result.central, [10.0, 20.0])
    assert result.n_points == 3
    # Each path is one earlier year's two increases.
    assert result.paths is not None and result.paths.shape == (2, 4)
    years = {(10.0, 20.0), (6.0, 4.0), (12.0, 18.0)}
    assert {tuple(column) for column in result.paths.T.tolist()} <= years


def test_a_disbursement_profile_from_january_and_its_skips() -> None:
    # Nothing of 2025 observed: the whole year, from 0. 2023 complete: 10 % a month;
    # 2024 missing March: skipped. A year not over by the origin is skipped too.
    full = [10.0 * (j + 1) for j in range(12)] + [NAN]
    gap = [10.0, 20.0, NAN] + [10.0 * (j + 1) for j in range(3, 12)] + [NAN]
    history = cumulative_history(
        [full, gap, [NAN] * 13], first_year=2023, last_index=months(2024, 12)
    )
    fitted = f.Fitted("seasonal_profile", 2025, "seasonal profile", (), None, 0)
    result = f.forecast(fitted, history, 2025, months(2024, 12))
    assert isinstance(result, f.Forecast)
    np.testing.assert_allclose(result.central, [10.0] * 12)
    assert result.n_points == 1
    # At an origin before December 2023, no earlier year is over.
    early = f.forecast(fitted, history, 2025, months(2023, 11))
    assert early == f.NotApplicable("seasonal_profile", "no_earlier_year", 1, 0)


def test_a_disbursement_profile_never_forecasts_a_negative_flow() -> None:
    # One earlier year falling from 80 to 70 in December (a correction): 0, not −10.
    earlier = [1.0] * 10 + [80.0, 70.0, NAN]
    this_year = [1.0] * 11 + [NAN, NAN]
    history = cumulative_history([earlier, this_year], 2024, months(2025, 11))
    fitted = f.Fitted("seasonal_profile", 2025, "seasonal profile", (), None, 0)
    result = f.forecast(fitted, history, 2025, months(2025, 11))
    assert isinstance(result, f.Forecast)
    np.testing.assert_allclose(result.central, [0.0])


# ------------------------------------------------------------------------- drift


def test_drift_continues_the_mean_step_and_paths_spread_with_the_steps() -> None:
    # Yearly logits 0, 0.2, 0.4, 0.6 (2020–2023, steps of 0.2): 2024 = expit(0.8).
    history = flow_history(
        [expit(v) * 1000 for v in (0.0, 0.2, 0.4, 0.6)], [1000.0] * 4, 2020, period=1
    )
    fitted = f.Fitted("drift", 2024, "random walk with drift", (), None, 4)
    result = f.forecast(fitted, history, 2024, 2023, n_paths=3)
    assert isinstance(result, f.Forecast)
    assert result.periods.tolist() == [2024]
    np.testing.assert_allclose(result.central, [expit(0.8)])
    assert result.method == "drift" and result.model == "random walk with drift"
    # The steps are equal: their standard deviation is 0, so every path is the central.
    assert result.paths is not None and result.paths.shape == (1, 3)
    np.testing.assert_allclose(result.paths, np.repeat(result.central[:, None], 3, axis=1))
    assert result.n_points == 4


def test_drift_keeps_only_the_periods_of_the_year() -> None:
    # Origin 2022: only 2020–2022 are read (logits 0, 0.2, 0.4); the year 2025's periods
    # start at max(2022 + 1, 2025) = 2025, 3 steps ahead, the last one kept:
    # expit(0.4 + 3 × 0.2) = expit(1.0).
    history = flow_history(
        [expit(v) * 1000 for v in (0.0, 0.2, 0.4, 0.6)], [1000.0] * 4, 2020, period=1
    )
    fitted = f.Fitted("drift", 2025, "random walk with drift", (), None, 4)
    result = f.forecast(fitted, history, 2025, 2022)
    assert isinstance(result, f.Forecast)
    assert result.periods.tolist() == [2025]
    np.testing.assert_allclose(result.central, [expit(1.0)])
    assert result.paths is None


def test_a_drift_needs_three_points_and_a_year_already_over_has_nothing_left() -> None:
    history = _yearly_rates([0.2, 0.3], 2020)
    fitted = f.Fitted("drift", 2022, "random walk with drift", (), None, 2)
    assert f.forecast(fitted, history, 2022, 2021) == f.NotApplicable(
        "drift", "too_few_points", 3, 2
    )
    over = _yearly_rates([0.2, 0.3, 0.4, 0.5], 2020)
    done = f.forecast(fitted, over, 2022, 2023, n_paths=2)
    assert isinstance(done, f.Forecast)
    assert done.periods.size == 0 and done.central.size == 0
    assert done.paths is not None and done.paths.shape == (0, 2)
    assert done.n_points == 4


def test_drift_paths_draw_the_drift_and_the_shocks() -> None:
    # Steps 1 and 3: mean 2, standard deviation (ddof 1) √2. With the same generator:
    # drift per path = 2 + z × √2 ÷ √2, then shocks × √2 summed over the steps.
    x = np.array([0.0, 1.0, 4.0])
    paths = f._drift_paths(x, 2, 3, np.random.default_rng(7))
    rng = np.random.default_rng(7)
    z = rng.standard_normal(3)
    shocks = rng.standard_normal((2, 3)) * math.sqrt(2)
    drift = 2.0 + z * math.sqrt(2) / math.sqrt(2)
    expected = 4.0 + np.array([[1.0], [2.0]]) * drift[None, :] + np.cumsum(shocks, axis=0)
    np.testing.assert_allclose(paths, expected)
    # One step only: no spread (sd 0).
    flat = f._drift_paths(np.array([0.0, 1.0]), 2, 2, np.random.default_rng(1))
    np.testing.assert_allclose(flat, [[2.0, 2.0], [3.0, 3.0]])


# ------------------------------------------------------------- January extension


def test_extension_fractions_are_shares_of_what_was_left_at_31_december() -> None:
    # 2022: 80 → 90 of the 20 left = 0.5; 2023: 60 → 100 of 40 = 1.0;
    # 2024: 100 at 31 December: nothing left, skipped; 2021: January missing, skipped.
    # 2025's extension is not observed by the origin (January 2026 is after it).
    def year(december: float, january: float) -> list[float]:
        return [1.0] * 11 + [december, january]

    history = cumulative_history(
        [year(50, NAN), year(80, 90), year(60, 100), year(100, 100), year(70, 80)],
        first_year=2021,
        last_index=months(2025, 12),
    )
    np.testing.assert_allclose(f.extension_fractions(history, 2026, months(2025, 12)), [0.5, 1.0])
    # Up to 2024 only (the year asked for is not included).
    np.testing.assert_allclose(f.extension_fractions(history, 2023, months(2025, 12)), [0.5])
    # Origin December 2022: 2022's January (2023-01) is not observed yet.
    assert f.extension_fractions(history, 2026, months(2022, 12)).size == 0


def test_extension_fractions_are_clipped_to_0_and_1() -> None:
    # Over 100 at December (110 → 120): the cap is 110, nothing left, skipped.
    # A fall (80 → 70): −0.5 → 0. 90 → 110 of 10 = 2 → 1.
    def year(december: float, january: float) -> list[float]:
        return [1.0] * 11 + [december, january]

    history = cumulative_history(
        [year(110, 120), year(80, 70), year(90, 110)], 2022, months(2025, 1)
    )
    np.testing.assert_allclose(f.extension_fractions(history, 2025, months(2025, 1)), [0.0, 1.0])


# ------------------------------------------------- rules the first survivors exposed


def test_a_base_level_accepts_a_denominator_below_1() -> None:
    # 0.25 of 0.5 (a denominator in millions, say): rate 0.5, logit 0 — not NaN.
    history = flow_history([0.25], [0.5], first=0)
    assert f._base_logit(history, 0, 1) == pytest.approx(0.0)
    assert f._rate_logit(history, 0) == pytest.approx(0.0)


def test_a_cumulative_series_with_no_row_of_a_plan_year_is_an_empty_disbursement_history() -> None:
    # Plan year 2024's only row is December 2023, before the plan year: nothing is kept.
    history = f.build_history(frame([(2024, "2023-12-01", 1.0, 100.0)]), SeriesShape.CUMULATIVE)
    assert history.is_empty and history.is_cumulative
    assert history.shape is SeriesShape.CUMULATIVE and history.period == 12
    assert history.first_index == 0 and history.first_year == 0
    assert isinstance(history.numerators, np.ndarray) and history.numerators.size == 0
    assert isinstance(history.denominators, np.ndarray) and history.denominators.size == 0
    assert history.values.shape == (0, 13) and history.flows.shape[0] == 0


def test_a_plan_below_1_still_gives_a_year_to_date_and_a_flow() -> None:
    # A plan of 0.5 billion, 0.25 disbursed in January: 100 × 0.25 ÷ 0.5 = 50 %, and the
    # month's flow is the same 50 % (nothing before it).
    history = f.build_history(frame([(2025, "2025-01-01", 0.25, 0.5)]), SeriesShape.CUMULATIVE)
    assert history.values[0, 0] == 50.0
    assert history.flows[0, 0] == 50.0


def test_expected_denominators_from_an_origin_before_the_history_know_nothing() -> None:
    # Origin 8095, the history starts at 8096: nothing is known, so the fallback is 0 (not
    # the first denominator, 10, which is after the origin).
    history = flow_history([1.0], [10.0], first=8096, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(history, 8095, np.array([8096])), [0])


def test_expected_denominators_growth_needs_a_positive_year_before() -> None:
    # The year before all 0 (sum 0): no growth (1), not a division by 0; 2025 Q1 = 100.
    zero = flow_history([1.0] * 8, [0.0] * 4 + [100.0] * 4, first=8092, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(zero, 8099, np.array([8100])), [100])
    # The year before 0.25 a quarter (sum 1), the last 0.5 (sum 2): g = 2, 0.5 × 2 = 1.
    small = flow_history([0.1] * 8, [0.25] * 4 + [0.5] * 4, first=8092, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(small, 8099, np.array([8100])), [1.0])


def test_the_fallback_mean_takes_positive_denominators_only_even_below_1() -> None:
    # Known 10, 20, 30, 0 (the last one 0): the mean of the last three positive, 20 (with
    # the 0: 16.67). Q2 2025's year-earlier quarter (Q2 2024) is unknown: fallback.
    history = flow_history([1.0] * 4, [10.0, 20.0, 30.0, 0.0], first=8095, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(history, 8098, np.array([8103])), [20])
    # 0.5 each: positive, so the mean is 0.5 (not 0).
    small = flow_history([0.1] * 3, [0.5] * 3, first=8096, period=4)
    np.testing.assert_allclose(f.expected_denominators_at(small, 8098, np.array([8103])), [0.5])


def test_an_extension_share_is_taken_when_less_than_1_point_was_left() -> None:
    # 99.5 at 31 December, 100 at 31 January: 0.5 of the 0.5 left = 1.
    history = cumulative_history([[1.0] * 11 + [99.5, 100.0]], 2024, months(2025, 1))
    np.testing.assert_allclose(f.extension_fractions(history, 2025, months(2025, 1)), [1.0])


def test_the_last_observed_month_of_a_plan_year_is_never_its_january_extension() -> None:
    # 2024 observed through December and its extension (January 2025): December, 2024 × 12
    # + 11, is the last month of the plan year observed.
    row = [10.0 * (j + 1) for j in range(12)] + [125.0]
    history = cumulative_history([row], first_year=2024, last_index=months(2025, 1))
    assert f.last_observed(history, 2024, months(2025, 1)) == months(2024, 12)


def test_flow_points_of_a_later_plan_year_are_in_its_own_months() -> None:
    # Plan years 2024 (January flow 5) and 2025 (January flow 7): January 2024 and 2025.
    history = cumulative_history(
        [[5.0] + [NAN] * 12, [7.0] + [NAN] * 12], first_year=2024, last_index=months(2025, 1)
    )
    points, flows = history.flow_points(months(2025, 1))
    assert points.tolist() == [months(2024, 1), months(2025, 1)]
    assert flows.tolist() == [5.0, 7.0]


def test_a_rate_with_a_denominator_below_1_is_valid() -> None:
    # 0.25 of 0.5: 0.5.
    index, rates = flow_history([0.25], [0.5], first=7).rates(7)
    assert index.tolist() == [7] and rates.tolist() == [0.5]


def test_a_monthly_profile_base_is_the_ratio_of_sums_of_three_months_else_the_last_one() -> None:
    # 2024: Jan 0.1, Feb 0.1, Mar 0.4, Apr…Dec 0.2; 2025: Jan 0.1, Feb 0.2, Mar 0.3 (all of
    # 1,000). Base: (100 + 200 + 300) ÷ 3,000 = 0.2 (the last month alone would be 0.3);
    # the earlier year's base (100 + 100 + 400) ÷ 3,000 = 0.2 (alone 0.4). April…December
    # 2024 minus it: 0 → central 0.2 each month.
    rates = [0.1, 0.1, 0.4] + [0.2] * 9 + [0.1, 0.2, 0.3]
    history = flow_history([r * 1000 for r in rates], [1000.0] * 15, first=months(2024, 1))
    fitted = f.Fitted("seasonal_profile", 2025, "seasonal profile", (), None, 15)
    result = f.forecast(fitted, history, 2025, months(2025, 3), n_paths=20)
    assert isinstance(result, f.Forecast)
    np.testing.assert_allclose(result.central, [0.2] * 9)
    # One earlier year: every path repeats it (drawn among the years, not the months).
    assert result.paths is not None and result.paths.shape == (9, 20)
    np.testing.assert_allclose(result.paths, 0.2)
    # February 2025's denominator 0: no three-month base, so March's own rate, 0.3; the
    # earlier year's base is still 0.2 → central expit(logit 0.3 + 0) = 0.3.
    denominators = [1000.0] * 13 + [0.0, 1000.0]
    gap = flow_history([r * 1000 for r in rates], denominators, first=months(2024, 1))
    fallback = f.forecast(fitted, gap, 2025, months(2025, 3))
    assert isinstance(fallback, f.Forecast)
    np.testing.assert_allclose(fallback.central, [0.3] * 9)


def test_a_profile_skips_a_lag_too_short_and_earlier_years_without_a_base_or_a_rate() -> None:
    # Yearly 2020 0.2, 2021 0.3, 2022 0.5; forecasting 2024 from 2022. Lag 1 would read
    # 2023, after the origin: skipped; lag 2: 2022 over 2020's base → uplift logit 0.5 −
    # logit 0.2 = −logit 0.2 (logit 0.5 = 0); central expit(0 − logit 0.2) = 0.8.
    fitted = f.Fitted("seasonal_profile", 2024, "seasonal profile", (), None, 3)
    ahead = f.forecast(fitted, _yearly_rates([0.2, 0.3, 0.5], 2020), 2024, 2022)
    assert isinstance(ahead, f.Forecast)
    np.testing.assert_allclose(ahead.central, [0.8])
    assert ahead.n_points == 1
    # 2019 0.2, 2020 0.25, 2021 missing, 2022 0.5, 2023 0.4; forecasting 2024. Lag 1: 2023
    # over 2022 → logit 0.4 − logit 0.5; lag 2: the base 2021 is missing, skipped; lag 3:
    # the rate 2021 is missing, skipped; lag 4: 2020 over 2019 → logit 0.25 − logit 0.2.
    # Central: expit(logit 0.4 + the mean of the two).
    history = flow_history([200.0, 250.0, NAN, 500.0, 400.0], [1000.0] * 5, 2019, period=1)
    fitted = f.Fitted("seasonal_profile", 2024, "seasonal profile", (), None, 4)
    result = f.forecast(fitted, history, 2024, 2023)
    assert isinstance(result, f.Forecast)
    uplift = ((logit(0.4) - logit(0.5)) + (logit(0.25) - logit(0.2))) / 2
    np.testing.assert_allclose(result.central, [expit(logit(0.4) + uplift)])
    assert result.n_points == 2


def test_a_profile_of_a_year_already_over_counts_only_earlier_years() -> None:
    # 2020 0.2, 2021 0.3, forecasting 2021 from 2021: nothing left; one earlier year (2020).
    fitted = f.Fitted("seasonal_profile", 2021, "seasonal profile", (), None, 2)
    over = f.forecast(fitted, _yearly_rates([0.2, 0.3], 2020), 2021, 2021)
    assert isinstance(over, f.Forecast)
    assert over.central.size == 0 and over.n_points == 1


def test_a_disbursement_profile_from_february_skips_an_earlier_year_with_a_gap() -> None:
    # 2025 observed in January only (done = 1): the increases from January on. 2023 lacks
    # February: skipped, and 2024 still read. 2024: January 5, then 13, 21, … 93 (8 a
    # month) → February's increase 13 − 5 = 8 (not 13 from 0), 8 each month after.
    gap = [5.0, NAN] + [10.0 * j for j in range(3, 13)] + [NAN]
    full = [5.0 + 8.0 * j for j in range(12)] + [NAN]
    this_year = [4.0] + [NAN] * 12
    history = cumulative_history([gap, full, this_year], 2023, months(2025, 1))
    fitted = f.Fitted("seasonal_profile", 2025, "seasonal profile", (), None, 0)
    result = f.forecast(fitted, history, 2025, months(2025, 1))
    assert isinstance(result, f.Forecast)
    assert result.periods.tolist() == [months(2025, m) for m in range(2, 13)]
    np.testing.assert_allclose(result.central, [8.0] * 11)
    assert result.n_points == 1 and result.paths is None
    assert (result.method, result.model) == ("seasonal_profile", "seasonal profile")
    # Three paths, each the one earlier year's increases (drawn among the years).
    drawn = f.forecast(fitted, history, 2025, months(2025, 1), n_paths=3)
    assert isinstance(drawn, f.Forecast) and drawn.paths is not None
    np.testing.assert_allclose(drawn.paths, np.full((11, 3), 8.0))
    # From December 2024 exactly, 2024 is over and read: the whole of 2025 from 0, its
    # January 5 then 8 a month.
    december = cumulative_history([gap, full], 2023, months(2024, 12))
    whole = f.forecast(fitted, december, 2025, months(2024, 12))
    assert isinstance(whole, f.Forecast)
    np.testing.assert_allclose(whole.central, [5.0] + [8.0] * 11)


def test_an_empty_flow_series_gives_an_empty_history_of_its_shape_and_period() -> None:
    # No row: the shape kept, 12 periods a year (monthly) or 4 (annual: quarters when no
    # row says otherwise), index 0, no last period, no numbers.
    for shape, period in ((SeriesShape.MONTHLY_FLOW, 12), (SeriesShape.ANNUAL, 4)):
        history = f.build_history(frame([]), shape)
        assert (history.shape, history.period) == (shape, period)
        assert (history.first_index, history.last_index, history.first_year) == (0, None, 0)
        for array in (history.numerators, history.denominators):
            assert isinstance(array, np.ndarray) and array.shape == (0,)
        assert history.values.shape == (0, 13) and history.flows.shape[0] == 0
