"""The candidate forecasting methods and the reduced series (metrics/forecasting.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

from metrics.forecasting import (
    METHODS,
    Fitted,
    Forecast,
    NotApplicable,
    build_history,
    expected_denominators_at,
    extension_fractions,
    forecast,
    future_periods,
    last_observed,
    prepare,
)
from metrics.periods import SeriesShape
from tests.unit.test_projection import disbursement_series, monthly_flow_series


def monthly(rates: dict[str, float], denominator: float = 1000.0) -> pd.DataFrame:
    """A monthly series from {"YYYY-MM": rate}."""
    months = pd.to_datetime([f"{key}-01" for key in rates])
    numerator = np.array(list(rates.values())) * denominator
    return pd.DataFrame(
        {
            "period_year": months.year,
            "period_month": months,
            "numerator": numerator,
            "denominator": denominator,
        }
    )


def cumulative(values: dict[tuple[int, str], float], plan: float = 1000.0) -> pd.DataFrame:
    """A disbursement series from {(plan year, "YYYY-MM"): YTD %}."""
    rows = [
        (year, pd.Timestamp(f"{month}-01"), value / 100 * plan, plan)
        for (year, month), value in values.items()
    ]
    return pd.DataFrame(rows, columns=["period_year", "period_month", "numerator", "denominator"])


def month_index(text: str) -> int:
    stamp = pd.Timestamp(f"{text}-01")
    return stamp.year * 12 + stamp.month - 1


# ----------------------------------------------------------------------- history


def test_a_flow_history_is_dense_with_gaps_as_nan() -> None:
    history = build_history(
        monthly({"2025-01": 0.1, "2025-02": 0.2, "2025-04": 0.4}), SeriesShape.MONTHLY_FLOW
    )
    assert history.period == 12
    assert (history.first_index, history.last_index) == (month_index("2025-01"), 24303)
    np.testing.assert_array_equal(history.numerators, [100.0, 200.0, np.nan, 400.0])
    index, rates = history.rates(month_index("2025-03"))
    assert index.tolist() == [month_index("2025-01"), month_index("2025-02")]
    np.testing.assert_allclose(rates, [0.1, 0.2])


def test_a_cumulative_history_has_13_months_a_plan_year_and_flows_in_percent_of_the_plan() -> None:
    series = cumulative(
        {
            (2024, "2024-11"): 50.0,
            (2024, "2024-12"): 80.0,
            (2024, "2025-01"): 90.0,  # the extension month of 2024
            (2025, "2025-01"): 2.0,
            (2025, "2025-02"): 5.0,
        }
    )
    # The plan of 2025 is raised by half from February: February's flow is 30 of 1,500.
    series.loc[4, "denominator"] = 1500.0
    history = build_history(series, SeriesShape.CUMULATIVE)
    assert history.first_year == 2024
    assert history.values.shape == (2, 13)
    assert history.values[0, 10:].tolist() == [50.0, 80.0, 90.0]
    assert history.values[1, :2].tolist() == [2.0, pytest.approx(50 / 15)]
    assert history.flows[0, 11] == pytest.approx(30.0)
    assert math.isnan(history.flows[0, 10])  # October is missing: November's flow is unknown
    assert history.flows[1, 0] == pytest.approx(2.0)
    assert history.flows[1, 1] == pytest.approx(100 * (50 - 20) / 1500)
    assert history.last_index == month_index("2025-02")


def test_last_observed_and_the_periods_left_skip_what_is_missing() -> None:
    history = build_history(
        monthly({"2025-01": 0.1, "2025-02": 0.2, "2025-04": 0.4}), SeriesShape.MONTHLY_FLOW
    )
    # As of March (missing), February is the last observed; March is forecast.
    assert last_observed(history, 2025, month_index("2025-03")) == month_index("2025-02")
    periods = future_periods(history, 2025, month_index("2025-03"))
    assert periods[0] == month_index("2025-03") and periods[-1] == month_index("2025-12")
    # As of April, March is lost (neither observed nor forecast).
    assert future_periods(history, 2025, month_index("2025-04"))[0] == month_index("2025-05")
    series = cumulative({(2025, "2025-01"): 2.0, (2025, "2025-03"): 9.0})
    plan_history = build_history(series, SeriesShape.CUMULATIVE)
    assert last_observed(plan_history, 2025, month_index("2025-02")) == month_index("2025-01")
    assert future_periods(plan_history, 2025, month_index("2025-03"))[0] == month_index("2025-04")
    assert last_observed(plan_history, 2026, month_index("2025-03")) is None
    assert len(future_periods(plan_history, 2026, month_index("2025-03"))) == 12


def test_expected_denominators_at_an_origin_use_nothing_after_it() -> None:
    rates = {f"{y}-{m:02d}": 0.5 for y in (2023, 2024) for m in range(1, 13)}
    series = monthly(rates)
    series.loc[series["period_year"] == 2024, "denominator"] = 1100.0
    series.loc[series["period_month"] == pd.Timestamp(2024, 12, 1), "denominator"] = 99_999.0
    history = build_history(series, SeriesShape.MONTHLY_FLOW)
    origin = month_index("2024-11")
    periods = np.array([month_index("2024-12")])
    # Growth over Dec 2023–Nov 2024 against the 12 months before: only 11 of them exist,
    # so the growth is 1 and December repeats December 2023.
    np.testing.assert_allclose(expected_denominators_at(history, origin, periods), [1000.0])


# ------------------------------------------------------------- seasonal profile


def test_seasonal_profile_of_a_rate_is_the_latest_level_plus_earlier_years_uplift() -> None:
    # Each year April–June is the base and July–December runs ahead of it; 2023: 40 % then
    # 50 %, 2024: 50 % then 60 %: both an uplift of logit(.5) − logit(.4) = logit(.6) −
    # logit(.5). 2025's April–June is at 60 %, so July–December is projected at
    # expit(logit(.6) + logit(.6) − logit(.5)): odds 1.5 × 1.5 = 2.25, a rate of 9/13.
    rates = {}
    for year, base, later in ((2023, 0.4, 0.5), (2024, 0.5, 0.6)):
        rates |= {f"{year}-{m:02d}": 0.3 for m in (1, 2, 3)}
        rates |= {f"{year}-{m:02d}": base for m in (4, 5, 6)}
        rates |= {f"{year}-{m:02d}": later for m in range(7, 13)}
    rates |= {"2025-01": 0.3, "2025-02": 0.3, "2025-03": 0.3}
    rates |= {f"2025-{m:02d}": 0.6 for m in (4, 5, 6)}
    history = build_history(monthly(rates), SeriesShape.MONTHLY_FLOW)
    fitted = prepare("seasonal_profile", history, 2025)
    assert isinstance(fitted, Fitted)
    result = forecast(fitted, history, 2025, month_index("2025-06"), n_paths=10)
    assert isinstance(result, Forecast)
    assert result.periods.tolist() == list(
        range(month_index("2025-07"), month_index("2025-12") + 1)
    )
    np.testing.assert_allclose(result.central, 9 / 13)
    assert result.paths is not None and result.paths.shape == (6, 10)
    np.testing.assert_allclose(result.paths, 9 / 13)  # both years say the same


def test_seasonal_profile_of_disbursement_is_the_year_to_date_plus_the_median_increase() -> None:
    # Three earlier plan years at June: 20, 25, 30 %; each then rises evenly to 80, 75,
    # 90 % in December (10, 8⅓ and 10 points a month). The median increase from June to
    # month j is 10·j points; 2025's June is 22 %, so December is projected at 82 %.
    values: dict[tuple[int, str], float] = {}
    for year, june, december in ((2022, 20.0, 80.0), (2023, 25.0, 75.0), (2024, 30.0, 90.0)):
        for month in range(1, 7):
            values[(year, f"{year}-{month:02d}")] = june * month / 6
        for month in range(7, 13):
            values[(year, f"{year}-{month:02d}")] = june + (december - june) * (month - 6) / 6
    for month in range(1, 7):
        values[(2025, f"2025-{month:02d}")] = 22.0 * month / 6
    history = build_history(cumulative(values), SeriesShape.CUMULATIVE)
    fitted = prepare("seasonal_profile", history, 2025)
    assert isinstance(fitted, Fitted)
    result = forecast(fitted, history, 2025, month_index("2025-06"), n_paths=5)
    assert isinstance(result, Forecast)
    np.testing.assert_allclose(result.central, 10.0)  # points of the plan a month
    assert 22.0 + result.central.sum() == pytest.approx(82.0)


def test_seasonal_profile_needs_an_earlier_year() -> None:
    history = build_history(
        monthly({f"2025-{m:02d}": 0.5 for m in range(1, 7)}), SeriesShape.MONTHLY_FLOW
    )
    fitted = prepare("seasonal_profile", history, 2025)
    assert isinstance(fitted, Fitted)
    result = forecast(fitted, history, 2025, month_index("2025-06"))
    assert result == NotApplicable("seasonal_profile", "no_earlier_year", 1, 0)


def test_extension_fractions_are_shares_of_the_plan_left_at_31_december() -> None:
    series = cumulative(
        {
            (2023, "2023-12"): 80.0,
            (2023, "2024-01"): 90.0,  # 10 of the 20 points left: 0.5
            (2024, "2024-12"): 60.0,
            (2024, "2025-01"): 70.0,  # 10 of 40: 0.25
            (2025, "2025-03"): 5.0,
        }
    )
    history = build_history(series, SeriesShape.CUMULATIVE)
    np.testing.assert_allclose(
        extension_fractions(history, 2025, month_index("2025-03")), [0.5, 0.25]
    )
    # At the end of December 2024, January 2025 (2024's extension month) is not known yet.
    np.testing.assert_allclose(extension_fractions(history, 2025, month_index("2024-12")), [0.5])


# ----------------------------------------------------------------- the models


def test_drift_continues_the_mean_step_on_the_logit_scale() -> None:
    months = pd.date_range("2024-01-01", "2025-06-01", freq="MS")
    level = -1.0 + 0.05 * np.arange(months.size)
    series = pd.DataFrame(
        {
            "period_year": months.year,
            "period_month": months,
            "numerator": expit(level) * 1e9,
            "denominator": 1e9,
        }
    )
    history = build_history(series, SeriesShape.MONTHLY_FLOW)
    fitted = prepare("drift", history, 2025)
    assert isinstance(fitted, Fitted)
    result = forecast(fitted, history, 2025, month_index("2025-06"))
    assert isinstance(result, Forecast)
    np.testing.assert_allclose(logit(result.central), level[-1] + 0.05 * np.arange(1, 7), atol=1e-6)


@pytest.mark.parametrize(("method", "needed"), [("ets", 24), ("sarimax", 24)])
def test_models_say_how_many_points_they_need(method: str, needed: int) -> None:
    history = build_history(
        monthly_flow_series("2024-01-01", "2025-06-01"), SeriesShape.MONTHLY_FLOW
    )
    assert prepare(method, history, 2025) == NotApplicable(method, "too_few_points", needed, 12)  # type: ignore[arg-type]


def test_ets_chooses_its_own_form_by_aicc_and_names_it() -> None:
    history = build_history(monthly_flow_series(), SeriesShape.MONTHLY_FLOW)
    fitted = prepare("ets", history, 2025)
    assert isinstance(fitted, Fitted)
    assert fitted.model in {"ETS(A,Ad,A)", "ETS(A,Ad,N)"}
    assert fitted.n_points == 60
    sarimax = prepare("sarimax", history, 2025)
    assert isinstance(sarimax, Fitted) and sarimax.model == "ARIMA(0,1,1) with drift"
    flows = build_history(disbursement_series(), SeriesShape.CUMULATIVE)
    seasonal = prepare("sarimax", flows, 2025)
    assert isinstance(seasonal, Fitted) and seasonal.model == "SARIMA(1,0,0)(0,1,1)12"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape", ["monthly", "cumulative"])
def test_a_forecast_reads_nothing_after_its_origin(method: str, shape: str) -> None:
    if shape == "monthly":
        series, kind = monthly_flow_series(end="2025-12-01"), SeriesShape.MONTHLY_FLOW
    else:
        series, kind = disbursement_series(last_month="2025-12-01"), SeriesShape.CUMULATIVE
    origin = pd.Timestamp(2025, 7, 1)
    full = build_history(series, kind)
    cut = build_history(series.loc[series["period_month"] <= origin], kind)
    fitted_full = prepare(method, full, 2025)  # type: ignore[arg-type]
    fitted_cut = prepare(method, cut, 2025)  # type: ignore[arg-type]
    assert isinstance(fitted_full, Fitted) and isinstance(fitted_cut, Fitted)
    np.testing.assert_array_equal(
        fitted_full.params if fitted_full.params is not None else [],
        fitted_cut.params if fitted_cut.params is not None else [],
    )
    a = forecast(fitted_full, full, 2025, month_index("2025-07"))
    b = forecast(fitted_cut, cut, 2025, month_index("2025-07"))
    assert isinstance(a, Forecast) and isinstance(b, Forecast)
    np.testing.assert_array_equal(a.periods, b.periods)
    np.testing.assert_allclose(a.central, b.central)
    assert a.periods.size == 5
