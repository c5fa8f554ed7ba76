"""The rolling-origin backtest and its calibration (metrics/backtest.py)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from metrics.backtest import (
    MIN_YEARS,
    SPREAD_FLOOR,
    BacktestReport,
    Excluded,
    backtest,
    calibrate,
    calibration_for,
    choose,
    point_forecasts,
    pooling_window,
    probability_of_target,
    summarize,
    volatility_factor,
)
from metrics.forecasting import Fitted, build_history, prepare
from metrics.periods import SeriesShape
from tests.unit.reports import report_for
from tests.unit.test_projection import (
    DIGITAL,
    DISBURSEMENT,
    ONLINE,
    disbursement_series,
    monthly_flow_series,
    quarterly_share_series,
)


def online() -> tuple[pd.DataFrame, BacktestReport]:
    series = monthly_flow_series()
    return series, report_for("online", series, ONLINE)


def disbursement() -> tuple[pd.DataFrame, BacktestReport]:
    series = disbursement_series()
    return series, report_for("disbursement", series, DISBURSEMENT)


# -------------------------------------------------------------------- calibration


def test_spread_is_the_root_mean_square_error_within_one_horizon_never_falling() -> None:
    horizons = np.array([1, 1, 2, 2, 3])
    errors = np.array([0.1, -0.1, 0.3, -0.3, 0.2])
    calibration = calibrate(horizons, errors, [2023, 2024, 2023, 2024, 2024])
    # h=1: √((.01+.01+.09+.09)/4) = √.05; h=2: √(.24/5) = √.048, raised to √.05 (never
    # falling); h=3: √((.09+.09+.04)/3)
    np.testing.assert_allclose(
        calibration.spreads, [math.sqrt(0.05), math.sqrt(0.05), math.sqrt(0.22 / 3)]
    )
    assert calibration.horizons.tolist() == [1, 2, 3]
    assert calibration.dof == 2  # two test years, however many origins
    # Beyond the longest horizon the spread grows as √h.
    assert calibration.spread(12) == pytest.approx(math.sqrt(0.22 / 3) * math.sqrt(12 / 3))
    assert calibration.is_extrapolated(4) and not calibration.is_extrapolated(3)


def test_quarterly_spreads_pool_the_horizon_itself_monthly_ones_its_neighbours() -> None:
    # Quarterly digital-economy-like errors: the origin before any quarter (h=4) misses by
    # the year's new level, the later ones by little.
    horizons = np.array([4, 3, 2, 1, 4, 3, 2, 1])
    errors = np.array([0.15, -0.004, -0.003, -0.001, -0.13, -0.006, -0.002, -0.001])
    years = [2023] * 4 + [2024] * 4
    own = calibrate(horizons, errors, years, window=0)
    # By hand, each horizon alone: h=1 √((1e-6+1e-6)/2) = 0.001 → the floor 0.002;
    # h=2 √((9e-6+4e-6)/2) = 0.002550; h=3 √((16e-6+36e-6)/2) = 0.005099;
    # h=4 √((0.0225+0.0169)/2) = 0.140357.
    np.testing.assert_allclose(own.spreads, [0.002, 0.0025495, 0.0050990, 0.1403567], rtol=1e-4)
    # Pooling h ± 1 instead, h=3 takes in both h=4 misses: √((0.0225+0.0169+16e-6+36e-6
    # +9e-6+4e-6)/6) = √(0.039465/6) = 0.081102, sixteen times its own.
    pooled = calibrate(horizons, errors, years, window=1)
    assert pooled.spread(3) == pytest.approx(0.081102, rel=1e-4)
    assert own.dof == pooled.dof == 2
    with pytest.raises(ValueError, match="window"):
        calibrate(horizons, errors, years, window=-1)


def test_the_pooling_window_is_one_month_either_side() -> None:
    assert pooling_window(12) == 1  # monthly: h − 1, h, h + 1
    assert pooling_window(4) == 0  # quarterly: the next horizon is three months away
    assert pooling_window(1) == 0


def test_a_quarterly_calibration_uses_each_horizons_own_errors() -> None:
    series = quarterly_share_series()
    report = report_for("digital", series, DIGITAL)
    method = report.summary().chosen
    assert method is not None
    calibration = calibration_for(report, method, before_year=2024)
    assert calibration is not None
    records = report.records
    mine = records.loc[
        (records["method"] == method)
        & (records["judgement"] == "year_end")
        & (records["year"] < 2024)
    ]
    # Independently: the logit errors of the year's rate, root mean square per horizon
    # (the factor is 1 unless the series sped up; it is divided out as the engine does).
    truth = np.log(mine["actual"] / (100 - mine["actual"]))
    point = np.log(mine["central"] / (100 - mine["central"]))
    errors = (truth - point) / mine["factor"]
    by_hand = np.sqrt((errors**2).groupby(mine["horizon"]).mean())
    expected = np.maximum(np.maximum.accumulate(by_hand.to_numpy()), SPREAD_FLOOR)
    assert calibration.horizons.tolist() == by_hand.index.tolist()
    np.testing.assert_allclose(calibration.spreads, expected)


def test_spread_never_falls_as_the_horizon_grows() -> None:
    calibration = calibrate(np.array([1, 2, 3, 4]), np.array([0.5, 0.01, 0.01, 0.01]), [2024] * 4)
    assert np.all(np.diff(calibration.spreads) >= 0)


def test_errors_of_zero_still_give_a_band() -> None:
    calibration = calibrate(np.array([1, 2, 3]), np.zeros(3), [2024] * 3)
    np.testing.assert_allclose(calibration.spreads, SPREAD_FLOOR)
    low, high = calibration.quantiles([0.1, 0.9])
    assert low < 0 < high


def test_few_test_years_give_student_t_bands() -> None:
    # One year: t with 1 degree of freedom, the 80 % band ±3.078 spreads (tables);
    # four years: ±1.533.
    one = calibrate(np.array([1, 1]), np.array([0.1, -0.1]), [2024, 2024])
    four = calibrate(np.array([1] * 4), np.array([0.1, -0.1, 0.1, -0.1]), [2021, 2022, 2023, 2024])
    assert one.quantiles([0.9])[0] == pytest.approx(3.078, abs=1e-3)
    assert four.quantiles([0.9])[0] == pytest.approx(1.533, abs=1e-3)
    low, middle, high = four.quantiles([0.1, 0.5, 0.9])
    assert middle == pytest.approx(0.0) and low == pytest.approx(-high)
    assert float(four.cdf(0.0)[0]) == pytest.approx(0.5)


def test_the_band_is_centred_on_the_past_errors_mean_year_by_year() -> None:
    # By hand, one horizon (window 0): 2022 missed by +0.1 and +0.3 (actual − forecast;
    # its mean +0.2), 2023 by +0.3, 2024 by +0.25. A year is one draw: the draws +0.2,
    # +0.3, +0.25 have mean 0.25 and standard deviation 0.05; t = 0.25 / (0.05 / √3)
    # = 8.66 > 1.886 (t, 2 degrees of freedom, 90 %): a bias, location +0.25 (not the
    # origins' mean +0.2375). Spread √((0.01 + 0.09 + 0.09 + 0.0625) / 4) = 0.25125
    # (about zero, as before).
    calibration = calibrate(
        np.array([1, 1, 1, 1]),
        np.array([0.1, 0.3, 0.3, 0.25]),
        [2022, 2022, 2023, 2024],
        window=0,
    )
    assert calibration.location(1) == pytest.approx(0.25)
    assert calibration.spread(1) == pytest.approx(math.sqrt(0.2525 / 4))
    low, middle, high = calibration.values(1.0, 1, np.array([-1.0, 0.0, 1.0]))
    assert middle == pytest.approx(1.25)
    assert (low, high) == pytest.approx((1.25 - 0.25125, 1.25 + 0.25125), abs=1e-5)
    assert calibration.standardized(1.25 + 0.25125, 1.0, 1) == pytest.approx(1.0, abs=1e-4)
    # Beyond the longest horizon the location stays the longest's; widening scales it.
    assert calibration.location(5) == pytest.approx(0.25)
    assert calibration.widened(2.0).location(1) == pytest.approx(0.50)


def test_a_bias_chance_could_explain_leaves_the_band_on_the_point() -> None:
    # Draws +0.2 and −0.1: t = 0.05 / (0.2121 / √2) = 0.33 < 3.078 (1 degree of
    # freedom): no bias shown. One test year (+0.2 at both origins): never a bias.
    two = calibrate(np.array([1, 1, 1]), np.array([0.1, 0.3, -0.1]), [2022, 2022, 2023])
    one = calibrate(np.array([1, 1]), np.array([0.2, 0.2]), [2022, 2022])
    assert two.location(1) == 0.0 and one.location(1) == 0.0
    assert float(two.values(1.0, 1, 0.0)) == pytest.approx(1.0)


def test_a_method_that_ran_high_gets_a_band_below_its_point() -> None:
    # Horizons 1 and 2, two years that each came out 0.2 below the forecast at every
    # origin: the band (and its median) is 0.2 lower than the point at both horizons,
    # and the chance of reaching a target at the point is well under a half.
    calibration = calibrate(
        np.array([1, 2, 1, 2]), np.array([-0.2, -0.2, -0.2, -0.2]), [2023, 2023, 2024, 2024]
    )
    assert calibration.location(1) == pytest.approx(-0.2)
    assert calibration.location(2) == pytest.approx(-0.2)
    history = build_history(monthly_flow_series(), SeriesShape.MONTHLY_FLOW)
    point = float(logit_of(40.0))
    middle = float(calibration.values(point, 2, 0.0))
    assert middle == pytest.approx(point - 0.2)
    chance = probability_of_target(history, calibration, point, 2, 0.0, 40.0, ">=")
    # P(T > 0.2 / 0.2) with 2 degrees of freedom: 0.2113 (tables).
    assert chance == pytest.approx(0.2113, abs=1e-4)


def logit_of(percent: float) -> float:
    return math.log(percent / (100.0 - percent))


def test_the_band_widens_when_the_series_moves_faster_than_before() -> None:
    months = pd.date_range("2022-01-01", "2025-09-01", freq="MS")
    rate = np.full(months.size, 0.40) + 0.001 * np.arange(months.size) % 0.002
    rate[-3:] = [0.45, 0.55, 0.70]  # a break in the last three months
    frame = pd.DataFrame(
        {
            "period_year": months.year,
            "period_month": months,
            "numerator": 1000 * rate,
            "denominator": 1000.0,
        }
    )
    history = build_history(frame, SeriesShape.MONTHLY_FLOW)
    last = int(history.last_index or 0)
    calm = volatility_factor(history, 2025, last - 3)
    broken = volatility_factor(history, 2025, last)
    assert calm == pytest.approx(1.0)
    assert broken > 5
    calibration = calibrate(np.array([1, 2]), np.array([0.1, 0.1]), [2024, 2024])
    assert calibration.widened(broken).spread(2) == pytest.approx(broken * 0.1)


# -------------------------------------------------------------------- the origins


def test_every_origin_of_every_test_year_is_forecast() -> None:
    _, report = online()
    records = report.records
    for (method, year), group in records.groupby(["method", "year"]):
        observed = group["observed"].tolist()
        if year >= 2022:
            assert observed == list(range(12)), (method, year)
        else:  # a candidate starts once it has enough points (drift: 3 months)
            assert observed == list(range(observed[0], 12)), (method, year)
        assert group["horizon"].tolist() == [12 - k for k in observed]
        assert (group["judgement"] == "year_end").all()
    # 2025 is not over in this series: it is not a test year.
    assert set(records["year"]) == {2020, 2021, 2022, 2023, 2024}


def test_the_actual_value_is_the_ratio_of_sums_of_the_year() -> None:
    series, report = online()
    records = report.records
    for year in (2022, 2024):
        rows = series.loc[series["period_year"] == year]
        expected = 100 * rows["numerator"].sum() / rows["denominator"].sum()
        np.testing.assert_allclose(records.loc[records["year"] == year, "actual"], expected)


def test_disbursement_is_tested_at_31_december_and_at_31_january() -> None:
    series, report = disbursement()
    records = report.records
    year_end = records.loc[(records["judgement"] == "year_end") & (records["year"] == 2023)]
    extension = records.loc[(records["judgement"] == "extension") & (records["year"] == 2023)]
    rows = series.loc[series["period_year"] == 2023].set_index("period_month")["value"]
    np.testing.assert_allclose(year_end["actual"], rows[pd.Timestamp(2023, 12, 1)])
    np.testing.assert_allclose(extension["actual"], rows[pd.Timestamp(2024, 1, 1)])
    for method, group in extension.groupby("method"):
        assert group["horizon"].tolist() == list(range(13, 0, -1)), method
    # After December the year-end value is known: only 31 January is forecast from there.
    assert year_end["observed"].max() == 11 and extension["observed"].max() == 12


@pytest.mark.parametrize("origin_month", ["2023-01", "2023-06", "2023-11"])
def test_a_recorded_forecast_uses_only_the_data_up_to_its_origin(origin_month: str) -> None:
    series, report = online()
    origin = pd.Timestamp(f"{origin_month}-01")
    index = origin.year * 12 + origin.month - 1
    cut = build_history(series.loc[series["period_month"] <= origin], SeriesShape.MONTHLY_FLOW)
    records = report.records
    for method in ("seasonal_profile", "ets", "sarimax", "drift"):
        fitted = prepare(method, cut, 2023)  # type: ignore[arg-type]
        assert isinstance(fitted, Fitted)
        result = point_forecasts(cut, fitted, 2023, index)
        assert not isinstance(result, Exception) and isinstance(result, tuple)
        recorded = records.loc[
            (records["method"] == method)
            & (records["year"] == 2023)
            & (records["origin"] == index),
            "central",
        ]
        assert float(recorded.iloc[0]) == pytest.approx(result[0]["year_end"])


# ------------------------------------------------------------------ the comparison


def test_methods_are_compared_on_the_same_origins_and_the_lowest_mae_wins() -> None:
    _, report = online()
    summary = summarize(report)
    assert summary.years == (2022, 2023, 2024)  # ETS and SARIMAX need 24 months first
    assert {score.n_origins for score in summary.scores} == {36}
    maes = [score.mae for score in summary.scores]
    assert maes == sorted(maes)
    assert summary.chosen == summary.scores[0].method
    assert summary.excluded == ()


def test_mae_and_bias_are_those_of_the_recorded_point_forecasts() -> None:
    _, report = disbursement()
    summary = summarize(report)
    records = report.records
    shared = records.loc[(records["judgement"] == "year_end") & records["year"].isin(summary.years)]
    for score in summary.scores:
        rows = shared.loc[shared["method"] == score.method]
        error = rows["central"] - rows["actual"]
        assert score.mae == pytest.approx(float(error.abs().mean()))
        assert score.bias == pytest.approx(float(error.mean()))
        assert score.n_origins == len(rows)


def test_brier_is_scored_only_where_a_year_has_a_target() -> None:
    _, report = online()  # the online share's first target is 2025's
    summary = summarize(report)
    for score in summary.scores:
        assert score.brier is None and score.n_brier == 0
    _, digital_report = (
        quarterly_share_series(),
        report_for("digital", quarterly_share_series(), DIGITAL),
    )
    digital = summarize(digital_report)
    assert digital.years == (2021, 2022, 2023, 2024)
    # 15 % from 2022 (carried forward to 2023–2024); 2021 has no target: 3 of 4 years.
    for score in digital.scores:
        assert score.n_brier == score.n_origins * 3 // 4
        assert score.brier is not None and 0.0 <= score.brier <= 1.0


def test_a_candidate_with_too_few_test_years_is_left_out_and_says_why() -> None:
    series = monthly_flow_series("2022-01-01", "2025-12-01")
    summary = backtest(series, ONLINE).summary()
    # ETS and SARIMAX need 24 months: only 2024 and 2025 are test years for them, and
    # the comparison keeps the years every candidate could forecast.
    assert summary.years == (2024, 2025)
    # From 2024 only: the seasonal profile has no earlier year to borrow a shape from,
    # and ETS and SARIMAX have 12 of the 24 months they need; drift alone forecast every
    # origin of 2025 (its one test year).
    short = backtest(monthly_flow_series("2024-01-01", "2025-12-01"), ONLINE).summary()
    assert short.excluded == (
        Excluded("seasonal_profile", "too_few_years", MIN_YEARS, 0),
        Excluded("ets", "too_few_points", 24, 12),
        Excluded("sarimax", "too_few_points", 24, 12),
    )
    assert [score.method for score in short.scores] == ["drift"]
    assert short.chosen == "drift" and short.years == (2025,)


def test_without_a_test_year_nothing_is_chosen() -> None:
    summary = backtest(monthly_flow_series("2024-01-01", "2024-12-01"), ONLINE).summary()
    assert MIN_YEARS == 1
    assert summary.chosen is None and summary.scores == ()
    assert calibration_for(backtest(monthly_flow_series("2025-01-01"), ONLINE), "drift") is None


def test_the_seasonal_rule_stays_unless_a_challenger_wins_every_one_of_four_years() -> None:
    def records(rule: list[float], challenger: list[float]) -> pd.DataFrame:
        rows = []
        for method, errors in (("seasonal_profile", rule), ("ets", challenger)):
            for year, error in zip(range(2021, 2021 + len(errors)), errors, strict=True):
                rows.append({"method": method, "year": year, "central": 50 + error, "actual": 50})
        return pd.DataFrame(rows)

    # Three years won of three: chance alone gives that one time in eight (> 10 %).
    assert choose(records([1, 1, 1], [0.1, 0.1, 0.1]), ("ets", "seasonal_profile")) == (
        "seasonal_profile"
    )
    # Four of four: one in sixteen (< 10 %).
    assert choose(records([1] * 4, [0.1] * 4), ("ets", "seasonal_profile")) == "ets"
    # Four of five: 6/32 = 19 % — the rule stays, however large the wins.
    assert choose(records([9, 9, 9, 9, 0.1], [0.1] * 4 + [1]), ("ets", "seasonal_profile")) == (
        "seasonal_profile"
    )
    # Without the rule taking part, the lowest MAE.
    assert choose(records([1] * 2, [0.1] * 2), ("drift", "ets")) == "drift"


def test_a_test_year_is_calibrated_on_the_other_years_only() -> None:
    # Make 2024 a break: every actual 15 points above what it was. Its own huge errors
    # must not widen its own bands, so none of its origins is covered.
    _, report = online()
    records = report.records.copy()
    is_2024 = records["year"] == 2024
    records.loc[is_2024, "actual"] = records.loc[is_2024, "actual"] + 15.0
    broken = dataclasses.replace(report, records=records, summaries={})
    summary = summarize(broken)
    for score in summary.scores:
        others = score.n_origins - int(is_2024[records["method"] == score.method].sum())
        assert score.coverage_95 <= others / score.n_origins + 1e-9


def test_summary_before_a_year_uses_only_earlier_test_years() -> None:
    _, report = online()
    assert report.summary(before_year=2024).years == (2022, 2023)
    assert report.summary(before_year=2025) == summarize(report, before_year=2025)
    assert report.summary() == summarize(report)


def test_a_report_remembers_the_fitted_parameters_of_each_year_including_the_next() -> None:
    _, report = online()
    fitted = report.fitted[("ets", 2025)]
    assert isinstance(fitted, Fitted) and fitted.params is not None
    assert fitted.n_points == 60  # 2020–2024: the data before the year
