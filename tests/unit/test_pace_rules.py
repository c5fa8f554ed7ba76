"""The edges of the required-pace rules (metrics/pace.py) that a leader reads as "already
secured" or "out of reach", each worked by hand; written after mutation testing found them
unstated (a 0.5 % required rate called secured, an exactly reachable annual target called
out of reach, and the like)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from metrics.pace import required_pace
from metrics.registry import get_indicator
from tests.unit.test_pace import months_of_2025
from tests.unit.test_projection import quarterly_share_series, with_target

ONLINE = get_indicator("online_dossier_share")
DIGITAL = get_indicator("digital_economy_share_grdp")


# ------------------------------------------------------------------ monthly flow


def test_a_small_positive_required_rate_is_not_yet_secured() -> None:
    # r = (0.5 · 1,200 − 598.5) ÷ 300 = 0.5 %: something is still needed.
    series = months_of_2025([598.5 / 9] * 9, [100.0] * 9)
    pace = required_pace(series, ONLINE, 2025, expected_denominators=[100.0] * 3)
    assert pace.required == pytest.approx(0.5)
    assert pace.is_already_secured is False and pace.is_out_of_reach is False


def test_a_lower_is_better_target_reached_even_at_100_percent_is_secured() -> None:
    # ≤ 80 %: 660 of 900 so far; even 300 of 300 gives 960 / 1,200 = 80 % exactly.
    indicator = with_target(ONLINE, 2025, 80.0, "<=")
    series = months_of_2025([660.0 / 9] * 9, [100.0] * 9)
    pace = required_pace(series, indicator, 2025, expected_denominators=[100.0] * 3)
    assert pace.required == pytest.approx(100.0)
    assert pace.is_already_secured is True and pace.is_out_of_reach is False


def test_small_expected_denominators_still_give_a_rate() -> None:
    # 0.75 dossiers expected in all: r = (0.5 · 900.75 − 450) ÷ 0.75 = 50 %.
    series = months_of_2025([50.0] * 9, [100.0] * 9)
    pace = required_pace(series, ONLINE, 2025, expected_denominators=[0.25, 0.25, 0.25])
    assert pace.required == pytest.approx(50.0)


def test_no_target_is_neither_secured_nor_out_of_reach_and_says_false() -> None:
    indicator = dataclasses.replace(ONLINE, targets=())
    pace = required_pace(months_of_2025([40.0] * 9, [100.0] * 9), indicator, 2025)
    assert pace.required is None and pace.target is None and pace.comparator is None
    assert pace.is_already_secured is False and pace.is_out_of_reach is False


# ------------------------------------------------------------------------ annual


@pytest.mark.parametrize(
    ("target", "comparator", "out_of_reach"),
    [
        (50.0, ">=", False),
        (100.0, ">=", False),  # every unit of GRDP digital: reachable, if only just
        (100.5, ">=", True),  # a share above 100 % cannot be reached
        (0.5, "<=", False),
        (0.0, "<=", False),  # nothing digital: reachable, if only just
        (-0.5, "<=", True),  # a share below 0 % cannot be reached
    ],
)
def test_an_annual_target_is_out_of_reach_only_beyond_0_to_100_percent(
    target: float, comparator: str, out_of_reach: bool
) -> None:
    indicator = with_target(DIGITAL, 2027, target, comparator)
    series = quarterly_share_series(2019, "2025-12-01")
    pace = required_pace(series, indicator, 2027)
    value_2025 = pace.basis_value
    assert pace.basis_year == 2025 and value_2025 is not None
    assert pace.required == pytest.approx((target - value_2025) / 2)
    assert pace.is_out_of_reach is out_of_reach
    assert pace.is_already_secured is False
    # The pace names what it is about.
    assert (pace.indicator_code, pace.year, pace.target, pace.comparator) == (
        DIGITAL.code,
        2027,
        target,
        comparator,
    )


def test_an_annual_pace_starts_from_the_last_complete_year_up_to_its_own_year() -> None:
    # Data run to the end of 2026; the pace of 2025 is judged on 2025, not on 2026.
    series = quarterly_share_series(2019, "2026-12-01")
    indicator = with_target(DIGITAL, 2025, 25.0)
    pace = required_pace(series, indicator, 2025)
    rows = series.loc[series["period_year"] == 2025]
    assert pace.basis_year == 2025
    assert pace.basis_value == pytest.approx(
        100 * rows["numerator"].sum() / rows["denominator"].sum()
    )
    assert pace.months_remaining == 0 and pace.required is None


def test_an_annual_series_with_nothing_says_nothing() -> None:
    empty = quarterly_share_series(2019, "2025-12-01").iloc[0:0]
    pace = required_pace(empty, DIGITAL, 2025)
    assert pace.required is None and pace.recent is None
    assert pace.basis_value is None and pace.basis_year is None
    assert pace.is_already_secured is False and pace.is_out_of_reach is False
    assert pace.months_remaining == 12


def test_an_annual_pace_without_a_complete_year_has_no_basis_and_no_recent_change() -> None:
    pace = required_pace(quarterly_share_series(2025, "2025-06-01"), DIGITAL, 2025)
    assert pace.basis_year is None and pace.basis_value is None and pace.recent is None
    assert pace.is_already_secured is False and pace.is_out_of_reach is False


def test_an_annual_indicator_without_a_target_has_its_basis_but_no_pace() -> None:
    indicator = dataclasses.replace(DIGITAL, targets=())
    pace = required_pace(quarterly_share_series(2019, "2025-09-01"), indicator, 2025)
    assert pace.basis_year == 2024 and pace.required is None
    assert pace.is_already_secured is False and pace.is_out_of_reach is False


def test_the_first_complete_year_has_no_recent_change() -> None:
    pace = required_pace(quarterly_share_series(2024, "2025-06-01"), DIGITAL, 2025)
    assert pace.basis_year == 2024 and pace.recent is None


def test_a_lower_is_better_target_met_only_at_0_percent_is_not_out_of_reach() -> None:
    # ≤ 25 %: 300 of 900 so far; 0 of the remaining 300 gives 300 / 1,200 = 25 % exactly.
    indicator = with_target(ONLINE, 2025, 25.0, "<=")
    series = months_of_2025([300.0 / 9] * 9, [100.0] * 9)
    pace = required_pace(series, indicator, 2025, expected_denominators=[100.0] * 3)
    assert pace.required == pytest.approx(0.0)
    assert pace.is_out_of_reach is False and pace.is_already_secured is False
    # A little more would need a negative rate: out of reach.
    worse = required_pace(
        months_of_2025([303.0 / 9] * 9, [100.0] * 9),
        indicator,
        2025,
        expected_denominators=[100.0] * 3,
    )
    assert worse.required == pytest.approx(-1.0) and worse.is_out_of_reach is True


def test_a_monthly_pace_names_its_indicator_and_year() -> None:
    pace = required_pace(months_of_2025([40.0] * 9, [100.0] * 9), ONLINE, 2025)
    assert (pace.indicator_code, pace.year, pace.basis_year) == (ONLINE.code, 2025, 2025)


def test_a_cumulative_indicator_without_a_target_is_neither_secured_nor_out_of_reach() -> None:
    indicator = dataclasses.replace(get_indicator("public_investment_disbursement"), targets=())
    months = pd.date_range("2025-01-01", periods=3, freq="MS")
    series = pd.DataFrame(
        {"period_year": 2025, "period_month": months, "numerator": [10.0, 20.0, 30.0]}
    ).assign(denominator=1_000.0)
    pace = required_pace(series, indicator, 2025)
    assert pace.required is None
    assert pace.is_already_secured is False and pace.is_out_of_reach is False


# ------------------------------------------------------------------ cumulative (disbursement)

DISBURSEMENT = get_indicator("public_investment_disbursement")  # 95 % by 31 December 2025


def _disbursed(ytd: list[float], plan: float = 1_000.0) -> pd.DataFrame:
    """2025's year-to-date % of a plan of ``plan`` billion VND, month by month."""
    months = pd.date_range("2025-01-01", periods=len(ytd), freq="MS")
    return pd.DataFrame(
        {
            "period_year": 2025,
            "period_month": months,
            "numerator": [v / 100.0 * plan for v in ytd],
            "denominator": plan,
        }
    )


def test_disbursement_pace_is_points_of_the_plan_a_month_to_december() -> None:
    # June at 40 %: (95 − 40) / 6 months = 9.17 pp a month, 91.7 billion of a 1,000 plan.
    pace = required_pace(_disbursed([5.0, 10.0, 15.0, 22.0, 31.0, 40.0]), DISBURSEMENT, 2025)
    assert (pace.indicator_code, pace.year, pace.basis_year, pace.unit) == (
        DISBURSEMENT.code,
        2025,
        2025,
        "pp_of_plan_per_month",
    )
    assert (pace.target, pace.comparator, pace.basis_value, pace.months_remaining) == (
        95.0,
        ">=",
        40.0,
        6,
    )
    assert pace.required == pytest.approx(55 / 6)
    assert pace.required_billion_vnd_per_month == pytest.approx(550 / 6)
    assert (pace.is_already_secured, pace.is_out_of_reach) == (False, False)


def test_disbursement_reaching_the_target_before_december_is_secured() -> None:
    pace = required_pace(_disbursed([50.0, 95.0]), DISBURSEMENT, 2025)
    assert (pace.required, pace.is_already_secured, pace.is_out_of_reach) == (0.0, True, False)


def test_a_closed_disbursement_year_is_secured_or_out_of_reach_by_its_result() -> None:
    met = required_pace(_disbursed([8.0] * 11 + [96.0]), DISBURSEMENT, 2025)
    assert (met.months_remaining, met.required) == (0, None)
    assert (met.is_already_secured, met.is_out_of_reach) == (True, False)
    missed = required_pace(_disbursed([8.0] * 11 + [94.0]), DISBURSEMENT, 2025)
    assert (missed.is_already_secured, missed.is_out_of_reach) == (False, True)


def test_a_cumulative_ceiling_is_out_of_reach_once_passed() -> None:
    # A "no more than 30 %" target (none is published; the rule must still hold): at 40 %
    # in June it can no longer be met, since disbursed capital is never taken back.
    ceiling = dataclasses.replace(DISBURSEMENT.targets[-1], comparator="<=", value=30.0)
    indicator = dataclasses.replace(DISBURSEMENT, targets=(ceiling,))
    pace = required_pace(_disbursed([10.0, 20.0, 30.0, 35.0, 38.0, 40.0]), indicator, 2025)
    assert (pace.is_already_secured, pace.is_out_of_reach) == (False, True)


def test_a_month_without_a_plan_gives_no_basis() -> None:
    series = _disbursed([5.0, 10.0])
    series.loc[1, "denominator"] = 0.0
    pace = required_pace(series, DISBURSEMENT, 2025)
    assert pace.basis_value is None and pace.required is None


def test_a_monthly_pace_before_the_years_first_month() -> None:
    # Nothing of 2025 yet: twelve months remain, and the basis is 0.
    series = months_of_2025([40.0] * 3, [100.0] * 3).assign(period_year=2024)
    series["period_month"] = pd.date_range("2024-10-01", periods=3, freq="MS")
    pace = required_pace(series, ONLINE, 2025)
    assert pace.months_remaining == 12 and pace.year == 2025


def test_a_plan_of_one_billion_still_gives_the_amount_a_month() -> None:
    # June at 40 % of a plan of 1 billion VND: 55 / 6 pp a month = 0.0917 billion.
    pace = required_pace(
        _disbursed([10.0, 20.0, 25.0, 30.0, 35.0, 40.0], plan=1.0), DISBURSEMENT, 2025
    )
    assert pace.required_billion_vnd_per_month == pytest.approx(0.55 / 6)


@pytest.mark.parametrize(("value", "out_of_reach"), [(100.0, False), (100.5, True)])
def test_a_cumulative_target_is_out_of_reach_only_beyond_the_whole_plan(
    value: float, out_of_reach: bool
) -> None:
    whole = dataclasses.replace(DISBURSEMENT.targets[-1], value=value)
    indicator = dataclasses.replace(DISBURSEMENT, targets=(whole,))
    pace = required_pace(_disbursed([10.0, 20.0]), indicator, 2025)
    assert pace.is_out_of_reach is out_of_reach


def test_a_cumulative_ceiling_reached_exactly_is_still_within_reach() -> None:
    ceiling = dataclasses.replace(DISBURSEMENT.targets[-1], comparator="<=", value=30.0)
    indicator = dataclasses.replace(DISBURSEMENT, targets=(ceiling,))
    pace = required_pace(_disbursed([10.0, 20.0, 30.0]), indicator, 2025)
    assert (pace.is_already_secured, pace.is_out_of_reach) == (False, False)
