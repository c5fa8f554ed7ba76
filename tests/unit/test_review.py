"""A year's result against its target (metrics/review.py)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from metrics.registry import get_indicator
from metrics.review import year_result

ONLINE = get_indicator("online_dossier_share")
SATISFACTION = get_indicator("satisfaction_rate")
DISBURSEMENT = get_indicator("public_investment_disbursement")
DIGITAL = get_indicator("digital_economy_share_grdp")


def flow_year(year: int, numerators: list[float], denominators: list[float]) -> pd.DataFrame:
    months = pd.date_range(f"{year}-01-01", periods=len(numerators), freq="MS")
    numerator = np.asarray(numerators, dtype="float64")
    denominator = np.asarray(denominators, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator > 0, 100 * numerator / denominator, np.nan)
    return pd.DataFrame(
        {
            "period_year": year,
            "period_month": months,
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
        }
    )


def test_flow_year_is_a_ratio_of_sums_not_a_mean_of_ratios() -> None:
    # A big month at 30 % and eleven tiny months at 100 %.
    series = flow_year(2025, [300.0] + [10.0] * 11, [1000.0] + [10.0] * 11)
    result = year_result(series, ONLINE, 2025)
    assert result is not None
    ratio_of_sums = 100 * 410 / 1110  # 36.9 %: short of 50 %
    mean_of_ratios = float(series["value"].mean())  # 94.2 %: would wrongly look met
    assert result.value == pytest.approx(ratio_of_sums)
    assert mean_of_ratios > 90
    assert result.is_met is False
    assert result.margin == pytest.approx(ratio_of_sums - 50.0)


@pytest.mark.parametrize(
    ("share", "target_met", "margin"),
    [(50.0, True, 0.0), (49.9, False, -0.1), (62.5, True, 12.5)],
)
def test_flow_year_met_at_the_boundary(share: float, target_met: bool, margin: float) -> None:
    series = flow_year(2025, [share * 10] * 12, [1000.0] * 12)
    result = year_result(series, ONLINE, 2025)
    assert result is not None
    assert result.is_met is target_met  # exactly 50 % meets "≥ 50 %"
    assert result.margin == pytest.approx(margin)
    assert result.is_complete and result.periods_observed == 12 and result.periods_expected == 12


def test_incomplete_year_is_not_judged_yet() -> None:
    result = year_result(flow_year(2025, [60.0] * 9, [100.0] * 9), ONLINE, 2025)
    assert result is not None
    assert result.value == pytest.approx(60.0)
    assert result.is_complete is False
    assert result.is_met is None
    assert result.margin == pytest.approx(10.0)
    assert result.last_month == pd.Timestamp(2025, 9, 1)


def test_year_with_a_missing_month_is_judged_but_flagged_incomplete() -> None:
    series = flow_year(2025, [60.0] * 12, [100.0] * 12).drop(index=4)
    result = year_result(series, ONLINE, 2025)
    assert result is not None
    assert result.is_met is True  # December is in: the year is over
    assert result.is_complete is False and result.periods_observed == 11


def test_no_rows_for_the_year_gives_none() -> None:
    assert year_result(flow_year(2024, [1.0], [2.0]), ONLINE, 2025) is None


def test_zero_denominators_give_an_undefined_value() -> None:
    result = year_result(flow_year(2025, [0.0] * 12, [0.0] * 12), SATISFACTION, 2025)
    assert result is not None
    assert math.isnan(result.value)
    assert result.is_met is None and result.margin is None


def test_carried_forward_target_is_flagged() -> None:
    result = year_result(flow_year(2026, [95.0] * 12, [100.0] * 12), SATISFACTION, 2026)
    assert result is not None
    assert result.target == 90.0 and result.is_target_carried_forward
    assert result.is_met is True


def test_year_without_target() -> None:
    result = year_result(flow_year(2023, [95.0] * 12, [100.0] * 12), SATISFACTION, 2023)
    assert result is not None
    assert result.target is None and result.is_met is None and result.margin is None


def disbursement_2025(december: float, extension: float | None) -> pd.DataFrame:
    months = list(pd.date_range("2025-01-01", "2025-12-01", freq="MS"))
    ytd = list(np.linspace(december / 12, december, 12))
    years = [2025] * 12
    if extension is not None:
        months.append(pd.Timestamp(2026, 1, 1))
        ytd.append(extension)
        years.append(2025)
    # The 2026 plan year's own January row shares the month with the extension row.
    months.append(pd.Timestamp(2026, 1, 1))
    ytd.append(0.5)
    years.append(2026)
    plan = 1_000.0
    return pd.DataFrame(
        {
            "period_year": years,
            "period_month": months,
            "numerator": [v / 100 * plan for v in ytd],
            "denominator": plan,
            "value": ytd,
        }
    )


@pytest.mark.parametrize(
    ("december", "extension", "is_met"),
    [
        (94.0, 96.0, False),  # reaching 95 % only in the extension month does not count
        (95.0, 97.0, True),
        (96.0, None, True),
    ],
)
def test_disbursement_is_judged_at_december_with_the_extension_beside_it(
    december: float, extension: float | None, is_met: bool
) -> None:
    result = year_result(disbursement_2025(december, extension), DISBURSEMENT, 2025)
    assert result is not None
    assert result.value == pytest.approx(december)
    assert result.value_with_extension == (pytest.approx(extension) if extension else None)
    assert result.is_met is is_met
    assert result.is_complete and result.periods_observed == 12
    assert result.target == 95.0


def test_disbursement_next_year_starts_from_its_own_january() -> None:
    result = year_result(disbursement_2025(95.0, 97.0), DISBURSEMENT, 2026)
    assert result is not None
    assert result.value == pytest.approx(0.5)
    assert result.periods_observed == 1 and result.value_with_extension is None


def test_disbursement_plan_change_uses_the_plan_in_force_in_december() -> None:
    series = disbursement_2025(80.0, None).assign(
        denominator=lambda f: np.where(f["period_month"] >= pd.Timestamp(2025, 7, 1), 800.0, 1000.0)
    )
    result = year_result(series, DISBURSEMENT, 2025)
    assert result is not None
    december = series.loc[
        (series["period_year"] == 2025) & (series["period_month"] == pd.Timestamp(2025, 12, 1))
    ]
    assert result.value == pytest.approx(100 * december["numerator"].iloc[0] / 800.0)  # 100 %


def quarters(year: int, pairs: list[tuple[float, float]]) -> pd.DataFrame:
    months = [pd.Timestamp(year, 3 * q + 3, 1) for q in range(len(pairs))]
    return pd.DataFrame(
        {
            "period_year": year,
            "period_month": months,
            "numerator": [p[0] for p in pairs],
            "denominator": [p[1] for p in pairs],
        }
    )


def test_annual_value_is_a_ratio_of_sums_of_quarters() -> None:
    series = quarters(2025, [(10.0, 100.0), (20.0, 100.0), (30.0, 100.0), (140.0, 400.0)])
    result = year_result(series, DIGITAL, 2025)
    assert result is not None
    assert result.value == pytest.approx(100 * 200 / 700)  # 28.6 %, not the mean 22.5 %
    assert result.is_complete and result.periods_expected == 4
    assert result.is_met is True and result.target == 25.0


def test_annual_with_three_quarters_is_incomplete() -> None:
    series = quarters(2025, [(30.0, 100.0)] * 3)
    result = year_result(series, DIGITAL, 2025)
    assert result is not None
    assert not result.is_complete and result.is_met is None
    assert result.periods_observed == 3


def test_annual_rows_one_per_year() -> None:
    series = pd.DataFrame(
        {
            "period_year": [2022, 2023],
            "period_month": pd.to_datetime(["2022-12-01", "2023-12-01"]),
            "numerator": [14.0, 21.5],
            "denominator": [100.0, 100.0],
        }
    )
    result = year_result(series, DIGITAL, 2023)
    assert result is not None
    assert result.value == pytest.approx(21.5)
    assert result.is_complete and result.periods_expected == 1
    assert result.target == 15.0 and result.is_target_carried_forward  # 2022's target
    assert result.is_met is True


def test_review_does_not_touch_its_input() -> None:
    series = disbursement_2025(94.0, 96.0)
    before = series.copy(deep=True)
    year_result(series, DISBURSEMENT, 2025)
    pd.testing.assert_frame_equal(series, before)


def test_the_result_names_its_indicator_year_target_and_comparator() -> None:
    result = year_result(flow_year(2025, [600.0] * 12, [1000.0] * 12), ONLINE, 2025)
    assert result is not None
    assert (result.indicator_code, result.year) == ("online_dossier_share", 2025)
    assert (result.target, result.comparator) == (50.0, ">=")


def test_a_year_without_target_has_no_comparator() -> None:
    result = year_result(flow_year(2023, [95.0] * 12, [100.0] * 12), SATISFACTION, 2023)
    assert result is not None
    assert (result.target, result.comparator, result.is_met) == (None, None, None)


def test_the_extension_month_ends_on_31_january_of_the_next_year_for_disbursement_only() -> None:
    disbursement = year_result(disbursement_2025(95.0, 97.0), DISBURSEMENT, 2025)
    online = year_result(flow_year(2025, [600.0] * 12, [1000.0] * 12), ONLINE, 2025)
    assert disbursement is not None and online is not None
    assert disbursement.extension_date == dt.date(2026, 1, 31)
    assert online.extension_date is None


def test_a_year_without_target_has_no_carried_forward_target() -> None:
    result = year_result(flow_year(2023, [95.0] * 12, [100.0] * 12), SATISFACTION, 2023)
    assert result is not None
    assert result.is_target_carried_forward is False
