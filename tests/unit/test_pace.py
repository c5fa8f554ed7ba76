"""Required pace to reach the year-end target (metrics/pace.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.pace import required_pace
from metrics.registry import get_indicator
from tests.unit.test_projection import (
    disbursement_series,
    monthly_flow_series,
    quarterly_share_series,
    with_target,
)

ONLINE = get_indicator("online_dossier_share")
DISBURSEMENT = get_indicator("public_investment_disbursement")
DIGITAL = get_indicator("digital_economy_share_grdp")


def months_of_2025(numerators: list[float], denominators: list[float]) -> pd.DataFrame:
    months = pd.date_range("2025-01-01", periods=len(numerators), freq="MS")
    return pd.DataFrame(
        {
            "period_year": 2025,
            "period_month": months,
            "numerator": numerators,
            "denominator": denominators,
        }
    )


# N_ytd, D_ytd over 9 months; D_rem over 3 months; target 50 %.
@pytest.mark.parametrize(
    ("numerator_ytd", "denominator_ytd", "remaining", "required", "secured", "out_of_reach"),
    [
        # r = (0.5 · (900 + 300) − 450) ÷ 300 = 50 %
        (450.0, 900.0, [100.0, 100.0, 100.0], 50.0, False, False),
        # r = (600 − 300) ÷ 300 = 100 %: every remaining dossier online — still reachable
        (300.0, 900.0, [100.0, 100.0, 100.0], 100.0, False, False),
        # r = (600 − 297) ÷ 300 = 101 %: out of reach
        (297.0, 900.0, [100.0, 100.0, 100.0], 101.0, False, True),
        # r = (600 − 600) ÷ 300 = 0 %: secured whatever happens
        (600.0, 900.0, [100.0, 100.0, 100.0], 0.0, True, False),
        # r < 0: secured
        (700.0, 900.0, [100.0, 100.0, 100.0], -100.0 / 3, True, False),
        # heavier remaining months weigh more: r = (0.5 · 1,500 − 450) ÷ 600 = 50 %
        (450.0, 900.0, [100.0, 200.0, 300.0], 50.0, False, False),
        # r = (0.5 · 1,200 − 540) ÷ 300 = 20 %
        (540.0, 900.0, [50.0, 100.0, 150.0], 20.0, False, False),
    ],
)
def test_flow_required_rate_formula(
    numerator_ytd: float,
    denominator_ytd: float,
    remaining: list[float],
    required: float,
    secured: bool,
    out_of_reach: bool,
) -> None:
    series = months_of_2025([numerator_ytd / 9] * 9, [denominator_ytd / 9] * 9)
    pace = required_pace(series, ONLINE, 2025, expected_denominators=remaining)
    assert pace.unit == "percent_per_month"
    assert pace.required == pytest.approx(required)
    assert pace.is_already_secured is secured
    assert pace.is_out_of_reach is out_of_reach
    assert pace.months_remaining == 3
    assert pace.basis_value == pytest.approx(100 * numerator_ytd / denominator_ytd)
    # consistency: reachable ⇔ required ≤ 100; secured ⇔ required ≤ 0
    assert (pace.required <= 100) is (not pace.is_out_of_reach)
    assert (pace.required <= 0) is pace.is_already_secured


def test_flow_default_denominators_and_recent_pace() -> None:
    # 40 % every month, 100 dossiers a month: the rest of the year must average 60 %.
    series = months_of_2025([40.0] * 6, [100.0] * 6)
    pace = required_pace(series, ONLINE, 2025)
    assert pace.required == pytest.approx(60.0)
    assert pace.recent == pytest.approx(40.0)
    assert pace.target == 50.0 and pace.comparator == ">="


def test_recent_pace_is_the_last_three_months_ratio_of_sums() -> None:
    series = months_of_2025([10.0, 10.0, 90.0, 1.0, 1.0], [100.0, 100.0, 100.0, 10.0, 10.0])
    pace = required_pace(series, ONLINE, 2025)
    assert pace.recent == pytest.approx(100 * 92 / 120)  # not the mean 36.7 %


def test_recent_pace_spans_the_new_year() -> None:
    series = monthly_flow_series("2024-06-01", "2025-01-01")
    pace = required_pace(series, ONLINE, 2025)
    last3 = series.tail(3)
    assert pace.recent == pytest.approx(100 * last3["numerator"].sum() / last3["denominator"].sum())
    assert pace.months_remaining == 11


def test_wrong_number_of_expected_denominators_says_how_many_are_needed() -> None:
    series = months_of_2025([40.0] * 9, [100.0] * 9)
    with pytest.raises(ValueError, match="has 2 values; 3 months remain in 2025"):
        required_pace(series, ONLINE, 2025, expected_denominators=[1.0, 2.0])


def test_expected_denominators_are_for_monthly_flows_only() -> None:
    with pytest.raises(ValueError, match="monthly flow rates"):
        required_pace(disbursement_series(), DISBURSEMENT, 2025, expected_denominators=[1.0])


@pytest.mark.parametrize(("monthly_share", "met"), [(55.0, True), (45.0, False)])
def test_complete_year_has_no_required_pace(monthly_share: float, met: bool) -> None:
    series = months_of_2025([monthly_share] * 12, [100.0] * 12)
    pace = required_pace(series, ONLINE, 2025)
    assert pace.required is None
    assert pace.months_remaining == 0
    assert pace.is_already_secured is met
    assert pace.is_out_of_reach is (not met)


def test_no_target_no_pace() -> None:
    pace = required_pace(monthly_flow_series(end="2024-06-01"), ONLINE, 2024)
    assert pace.required is None and pace.target is None
    assert not pace.is_already_secured and not pace.is_out_of_reach


def test_lower_is_better_mirrors_the_rule() -> None:
    indicator = with_target(ONLINE, 2025, 20.0, "<=")
    # 9 months at 10 % of 100: the rest may average up to (0.2·1,200 − 90) ÷ 300 = 50 %.
    series = months_of_2025([10.0] * 9, [100.0] * 9)
    pace = required_pace(series, indicator, 2025)
    assert pace.required == pytest.approx(50.0)
    assert not pace.is_already_secured and not pace.is_out_of_reach
    secured = required_pace(
        months_of_2025([1.0] * 9, [100.0] * 9), with_target(ONLINE, 2025, 80.0, "<="), 2025
    )
    assert secured.is_already_secured  # even 100 % in every remaining month stays ≤ 80 %
    lost = required_pace(months_of_2025([30.0] * 9, [100.0] * 9), indicator, 2025)
    assert lost.is_out_of_reach  # would need a negative rate


# ------------------------------------------------------------------- cumulative


def cumulative_2025(ytd_values: list[float], plan: float = 2_000.0) -> pd.DataFrame:
    months = pd.date_range("2025-01-01", periods=len(ytd_values), freq="MS")
    return pd.DataFrame(
        {
            "period_year": 2025,
            "period_month": months,
            "numerator": [v / 100 * plan for v in ytd_values],
            "denominator": plan,
        }
    )


@pytest.mark.parametrize(
    ("ytd_values", "required", "recent", "secured"),
    [
        # September at 41 %: (95 − 41) ÷ 3 = 18 pp a month; last three flows 5, 6, 7 pp
        ([2, 5, 8, 12, 16, 23, 28, 34, 41], 18.0, 6.0, False),
        # March at 7.5 %: (95 − 7.5) ÷ 9
        ([1.0, 3.0, 7.5], 87.5 / 9, 2.5, False),
        # one month in: recent is that month's flow alone
        ([1.5], 93.5 / 11, 1.5, False),
        # November at 96 %: secured
        ([5, 10, 15, 20, 30, 40, 50, 60, 70, 85, 96], -1.0, 12.0, True),
    ],
)
def test_cumulative_pace(
    ytd_values: list[float], required: float, recent: float, secured: bool
) -> None:
    pace = required_pace(cumulative_2025(ytd_values), DISBURSEMENT, 2025)
    assert pace.unit == "pp_of_plan_per_month"
    assert pace.months_remaining == 12 - len(ytd_values)
    assert pace.required == pytest.approx(required)
    assert pace.recent == pytest.approx(recent)
    assert pace.required_billion_vnd_per_month == pytest.approx(required / 100 * 2_000.0)
    assert pace.recent_billion_vnd_per_month == pytest.approx(recent / 100 * 2_000.0)
    assert pace.is_already_secured is secured
    assert not pace.is_out_of_reach


def test_cumulative_pace_ignores_the_previous_years_extension_row() -> None:
    series = disbursement_series(2024, "2025-03-01")
    pace = required_pace(series, DISBURSEMENT, 2025)
    march = series.loc[series["period_year"] == 2025].iloc[-1]
    assert pace.basis_value == pytest.approx(march["value"])
    assert pace.required == pytest.approx((95 - march["value"]) / 9)


def test_cumulative_complete_year() -> None:
    pace = required_pace(cumulative_2025([5.0 * m for m in range(1, 13)]), DISBURSEMENT, 2025)
    assert pace.required is None and pace.months_remaining == 0
    assert pace.is_out_of_reach and not pace.is_already_secured  # 60 % < 95 %


def test_cumulative_future_year_starts_from_zero() -> None:
    pace = required_pace(disbursement_series(last_month="2025-10-01"), DISBURSEMENT, 2026)
    assert pace.basis_value == 0.0
    assert pace.required == pytest.approx(95.0 / 12)
    assert pace.required_billion_vnd_per_month is None  # no 2026 plan yet
    assert pace.recent is None


# ------------------------------------------------------------------------ annual


def test_annual_pace_is_per_year_from_the_latest_complete_year() -> None:
    series = quarterly_share_series(2019, "2025-09-01")
    pace = required_pace(series, DIGITAL, 2025)
    rows = series.loc[series["period_year"] == 2024]
    value_2024 = 100 * rows["numerator"].sum() / rows["denominator"].sum()
    rows_2023 = series.loc[series["period_year"] == 2023]
    value_2023 = 100 * rows_2023["numerator"].sum() / rows_2023["denominator"].sum()
    assert pace.unit == "pp_per_year"
    assert pace.basis_year == 2024
    assert pace.basis_value == pytest.approx(value_2024)
    assert pace.required == pytest.approx(25.0 - value_2024)
    assert pace.recent == pytest.approx(value_2024 - value_2023)
    assert pace.months_remaining == 3


def test_annual_pace_to_2030() -> None:
    series = quarterly_share_series(2019, "2025-12-01")
    pace = required_pace(series, DIGITAL, 2030)
    assert pace.basis_year == 2025
    assert pace.required == pytest.approx((40.0 - pace.basis_value) / 5)
    assert pace.months_remaining == 60


def test_annual_complete_year() -> None:
    series = quarterly_share_series(2019, "2025-12-01", start_share=0.20)
    pace = required_pace(series, DIGITAL, 2025)
    assert pace.required is None
    assert pace.basis_year == 2025
    assert pace.is_already_secured is (pace.basis_value >= 25.0)
    assert pace.is_out_of_reach is (pace.basis_value < 25.0)


def test_annual_without_a_complete_year() -> None:
    pace = required_pace(quarterly_share_series(2025, "2025-06-01"), DIGITAL, 2025)
    assert pace.required is None and pace.basis_value is None


def test_pace_does_not_touch_its_input() -> None:
    series = monthly_flow_series()
    before = series.copy(deep=True)
    required_pace(series, ONLINE, 2025)
    pd.testing.assert_frame_equal(series, before)
    assert not math.isnan(float(np.sum(series["value"])))
