"""Projections (metrics/projection.py): the method chosen by backtest, calibrated bands and
paths, and disbursement to 31 January.

The series builders at the top are also used by test_pace.py, test_tiles.py and others;
``tests.unit.reports.report_for`` computes a builder's backtest once per session.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

from metrics.backtest import BacktestReport
from metrics.periods import SeriesShape, check_series, year_to_date
from metrics.projection import (
    QUANTILES,
    Projection,
    expected_denominators,
    plan_year_flows,
    project_year,
)
from metrics.registry import Indicator, Target, get_indicator
from tests.unit.reports import report_for

ONLINE = get_indicator("online_dossier_share")
SATISFACTION = get_indicator("satisfaction_rate")
DISBURSEMENT = get_indicator("public_investment_disbursement")
DIGITAL = get_indicator("digital_economy_share_grdp")
N_PATHS = 500

# Disbursement is back-loaded: share of a year's disbursement in each month.
DISBURSEMENT_PROFILE = np.array([1, 2, 3.5, 4, 5, 6, 6, 7, 8, 10, 14, 25.0])
DISBURSEMENT_PROFILE = DISBURSEMENT_PROFILE / DISBURSEMENT_PROFILE.sum()


def monthly_flow_series(
    start: str = "2020-01-01",
    end: str = "2025-09-01",
    *,
    level: float = -1.0,
    slope: float = 0.03,
    noise: float = 0.05,
    seasonality: float = 0.1,
    dossiers: float = 20_000.0,
    seed: int = 7,
) -> pd.DataFrame:
    """A monthly flow rate: a logistic trend with a little seasonality and noise."""
    rng = np.random.default_rng(seed)
    months = pd.date_range(start, end, freq="MS")
    t = np.arange(len(months))
    season = seasonality * np.sin(2 * np.pi * t / 12)
    share = expit(level + slope * t + season + rng.normal(0, noise, t.size))
    denominator = rng.poisson(dossiers, t.size).astype("float64")
    numerator = np.round(share * denominator)
    return pd.DataFrame(
        {
            "period_year": months.year.astype("int64"),
            "period_month": months,
            "numerator": numerator,
            "denominator": denominator,
            "value": 100 * numerator / denominator,
        }
    )


def disbursement_series(
    first_year: int = 2019,
    last_month: str = "2025-09-01",
    *,
    totals: tuple[float, float] = (0.85, 0.97),
    plan_changes: dict[tuple[int, int], float] | None = None,
    seed: int = 11,
) -> pd.DataFrame:
    """A cumulative disbursement series with January-extension rows.

    ``plan_changes`` maps (year, month) to a factor applied to the plan from that month.
    """
    rng = np.random.default_rng(seed)
    rows = []
    last = pd.Timestamp(last_month)
    for year in range(first_year, last.year + 1):
        plan = 50_000.0 * 1.1 ** (year - first_year)
        total = rng.uniform(*totals)
        flows = DISBURSEMENT_PROFILE * total * plan * np.exp(rng.normal(0, 0.15, 12))
        cumulative = np.cumsum(flows)
        plans = np.full(12, plan)
        for (change_year, month), factor in (plan_changes or {}).items():
            if change_year == year:
                plans[month - 1 :] = plan * factor
        for month in range(12):
            rows.append((year, pd.Timestamp(year, month + 1, 1), cumulative[month], plans[month]))
        rows.append((year, pd.Timestamp(year + 1, 1, 1), cumulative[-1] + 0.03 * plan, plans[-1]))
    frame = pd.DataFrame(rows, columns=["period_year", "period_month", "numerator", "denominator"])
    frame = frame.loc[frame["period_month"] <= last]
    frame = frame.sort_values(["period_month", "period_year"]).reset_index(drop=True)
    return frame.assign(value=100 * frame["numerator"] / frame["denominator"])


def quarterly_share_series(
    first_year: int = 2019,
    last_quarter: str = "2025-09-01",
    *,
    start_share: float = 0.15,
    step: float = 0.015,
    seed: int = 5,
) -> pd.DataFrame:
    """Quarterly digital-economy value added and GRDP (period_month = the quarter's last month)."""
    rng = np.random.default_rng(seed)
    rows = []
    last = pd.Timestamp(last_quarter)
    for year in range(first_year, last.year + 1):
        for quarter in range(4):
            month = pd.Timestamp(year, 3 * quarter + 3, 1)
            if month > last:
                continue
            grdp = 1_500_000 * 1.08 ** (year - first_year) / 4 * (1 + 0.05 * quarter)
            share = start_share + step * (year - first_year) + rng.normal(0, 0.003)
            rows.append((year, month, share * grdp, grdp))
    frame = pd.DataFrame(rows, columns=["period_year", "period_month", "numerator", "denominator"])
    return frame.assign(value=100 * frame["numerator"] / frame["denominator"])


def with_target(
    indicator: Indicator,
    year: int,
    value: float,
    comparator: str = ">=",
    due_date: dt.date | None = None,
) -> Indicator:
    """A copy of ``indicator`` whose only target is (year, value, comparator, due date)."""
    target = Target(
        year=year,
        value=value,
        comparator=comparator,  # type: ignore[arg-type]
        due_date=due_date or dt.date(year, 12, 31),
        source_vi="thử",
        source_en="test",
        source_url="https://example.org",
    )
    direction = "lower" if comparator == "<=" else "higher"
    return dataclasses.replace(indicator, targets=(target,), direction=direction)


def assert_ordered(projection: Projection) -> None:
    bands = [getattr(projection, name) for name in QUANTILES]
    assert all(b is not None for b in bands)
    assert bands == sorted(bands), bands


def online() -> tuple[pd.DataFrame, BacktestReport]:
    series = monthly_flow_series()
    return series, report_for("online", series, ONLINE)


def disbursement() -> tuple[pd.DataFrame, BacktestReport]:
    series = disbursement_series()
    return series, report_for("disbursement", series, DISBURSEMENT)


def digital() -> tuple[pd.DataFrame, BacktestReport]:
    series = quarterly_share_series()
    return series, report_for("digital", series, DIGITAL)


def project(
    builder: Callable[[], tuple[pd.DataFrame, BacktestReport]],
    indicator: Indicator,
    year: int = 2025,
    seed: int = 1,
) -> Projection:
    series, report = builder()
    return project_year(series, indicator, year, n_paths=N_PATHS, seed=seed, backtest_report=report)


# ---------------------------------------------------------- the method, by backtest


@pytest.mark.parametrize(
    ("builder", "indicator"),
    [(online, ONLINE), (disbursement, DISBURSEMENT), (digital, DIGITAL)],
)
def test_the_method_is_the_seasonal_rule_unless_beaten_every_year_and_says_so(
    builder: Callable[[], tuple[pd.DataFrame, BacktestReport]], indicator: Indicator
) -> None:
    _, report = builder()
    projection = project(builder, indicator)
    summary = report.summary(before_year=2025)
    records = report.records
    shared = records.loc[(records["judgement"] == "year_end") & records["year"].isin(summary.years)]
    # MAE by hand from the records: every method on the same origins.
    mae = {
        method: float((group["central"] - group["actual"]).abs().mean())
        for method, group in shared.groupby("method")
    }
    counts = shared.groupby("method").size()
    assert counts.nunique() == 1, "every method is scored on the same origins"
    best = min(mae, key=mae.__getitem__)
    yearly = (
        shared.assign(error=(shared["central"] - shared["actual"]).abs())
        .groupby(["method", "year"])["error"]
        .mean()
        .unstack("year")
    )
    wins = int((yearly.loc["seasonal_profile"] > yearly.loc[best]).sum())
    # A challenger replaces the rule only when it won every one of at least four years
    # (an exact sign test below 10 %: 1/16); these series have three test years.
    expected = (
        best
        if best != "seasonal_profile" and wins >= 4 and wins == yearly.shape[1]
        else ("seasonal_profile")
    )
    assert projection.method == expected
    assert projection.backtest == summary
    assert projection.reason_code == "chosen_by_backtest"
    assert projection.reason_parts["n_methods"] == len(mae)
    assert projection.reason_parts["n_origins"] == int(counts.iloc[0])
    assert projection.reason_parts["mae"] == pytest.approx(mae[projection.method])
    assert f"({mae[projection.method]:.2f} pp)" in projection.reason
    assert projection.model
    for score in summary.scores:
        assert score.mae == pytest.approx(mae[score.method])


def test_a_report_of_a_longer_series_gives_the_same_projection() -> None:
    longer = monthly_flow_series(end="2026-10-01")
    shorter = longer.loc[longer["period_month"] <= pd.Timestamp(2025, 9, 1)]
    from_longer = project_year(
        shorter,
        ONLINE,
        2025,
        n_paths=N_PATHS,
        seed=1,
        backtest_report=report_for("online to 2026-10", longer, ONLINE),
    )
    computed_here = project_year(shorter, ONLINE, 2025, n_paths=N_PATHS, seed=1)
    assert from_longer == computed_here
    np.testing.assert_array_equal(from_longer.paths, computed_here.paths)


def test_a_report_of_another_indicator_is_refused() -> None:
    series, report = online()
    with pytest.raises(ValueError, match="report is of online_dossier_share"):
        project_year(series, SATISFACTION, 2025, backtest_report=report)


@pytest.mark.parametrize(
    ("start", "end"),
    [("2025-08-01", "2025-09-01"), ("2025-01-01", "2025-06-01"), ("2024-04-01", "2025-09-01")],
)
def test_short_history_is_not_assessable_with_its_reason(start: str, end: str) -> None:
    # Without one earlier year that a method forecast at every origin (drift needs three
    # months, so April 2024 is too late for 2024), there is nothing to calibrate with.
    projection = project_year(
        monthly_flow_series(start, end), ONLINE, 2025, n_paths=N_PATHS, seed=1
    )
    assert projection.method == "none"
    assert projection.reason_code == "short_history"
    assert projection.reason_parts == {"needed": 1, "got": 0}
    assert "needs 1 earlier year" in projection.reason
    assert projection.central is None and projection.probability is None
    assert projection.year_values.size == 0 and projection.fan.empty
    assert projection.paths.size == 0


def test_same_seed_same_numbers_and_the_bands_do_not_depend_on_the_seed() -> None:
    first = project(online, ONLINE, seed=42)
    again = project(online, ONLINE, seed=42)
    other = project(online, ONLINE, seed=43)
    assert first == again  # every scalar field
    np.testing.assert_array_equal(first.paths, again.paths)
    pd.testing.assert_frame_equal(first.fan, again.fan)
    # The seed shuffles which path gets which calibrated value; the bands, the central
    # value and the probability are those of the calibrated distribution.
    assert not np.array_equal(first.paths, other.paths)
    np.testing.assert_allclose(np.sort(first.year_values), np.sort(other.year_values))
    assert (first.central, first.lower_80, first.upper_80) == (
        other.central,
        other.lower_80,
        other.upper_80,
    )
    assert first.seed == 42 and other.seed == 43


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    ("builder", "indicator", "last_month"),
    [
        (online, ONLINE, pd.Timestamp(2025, 12, 1)),
        (disbursement, DISBURSEMENT, pd.Timestamp(2026, 1, 1)),
        (digital, DIGITAL, pd.Timestamp(2025, 12, 1)),
    ],
)
def test_bands_and_paths_are_ordered_and_stay_in_0_100(
    builder: Callable[[], tuple[pd.DataFrame, BacktestReport]],
    indicator: Indicator,
    last_month: pd.Timestamp,
    seed: int,
) -> None:
    projection = project(builder, indicator, seed=seed)
    assert projection.method in {"seasonal_profile", "ets", "sarimax", "drift"}
    assert_ordered(projection)
    assert projection.year_values.shape == (N_PATHS,)
    assert projection.paths.shape == (len(projection.fan), N_PATHS)
    assert projection.period_values.shape == projection.paths.shape
    assert np.all((projection.paths >= 0) & (projection.paths <= 100))
    bands = projection.fan[list(QUANTILES)].to_numpy()
    assert np.all((bands >= 0) & (bands <= 100))
    assert np.all(np.diff(bands, axis=1) >= -1e-9), "fan bands must be ordered in every period"
    assert projection.fan["period_month"].is_monotonic_increasing
    assert projection.fan["period_month"].iloc[-1] == last_month
    assert projection.lower_80 < projection.upper_80, "never a zero-width interval"


def test_arrays_are_read_only() -> None:
    projection = project(online, ONLINE)
    for array in (projection.year_values, projection.paths, projection.period_values):
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 0.0


def test_input_is_not_mutated() -> None:
    series, _ = online()
    before = series.copy(deep=True)
    project(online, ONLINE)
    pd.testing.assert_frame_equal(series, before)
    cumulative, _ = disbursement()
    before = cumulative.copy(deep=True)
    project(disbursement, DISBURSEMENT)
    pd.testing.assert_frame_equal(cumulative, before)


def test_rows_after_the_year_are_ignored() -> None:
    through_2025 = monthly_flow_series("2020-01-01", "2025-06-01")
    later = monthly_flow_series("2026-01-01", "2026-06-01", level=3.0, seed=99)
    extended = pd.concat([through_2025, later], ignore_index=True)
    report = report_for("online to 2025-06", through_2025, ONLINE)
    a = project_year(through_2025, ONLINE, 2025, n_paths=N_PATHS, seed=3, backtest_report=report)
    b = project_year(extended, ONLINE, 2025, n_paths=N_PATHS, seed=3)
    assert a == b
    np.testing.assert_array_equal(a.year_values, b.year_values)


# ------------------------------------------------------------- flow arithmetic


def test_complete_year_is_the_ratio_of_sums_not_the_mean_of_ratios() -> None:
    months = pd.date_range("2025-01-01", "2025-12-01", freq="MS")
    # January: 900 of 1,000 online; February–December: 1 of 10 online each.
    numerator = np.array([900.0] + [1.0] * 11)
    denominator = np.array([1000.0] + [10.0] * 11)
    series = pd.DataFrame(
        {
            "period_year": 2025,
            "period_month": months,
            "numerator": numerator,
            "denominator": denominator,
            "value": 100 * numerator / denominator,
        }
    )
    projection = project_year(series, ONLINE, 2025)
    ratio_of_sums = 100 * 911 / 1110
    mean_of_ratios = float(np.mean(100 * numerator / denominator))
    assert projection.method == "complete"
    assert projection.central == pytest.approx(ratio_of_sums)
    assert abs(ratio_of_sums - mean_of_ratios) > 60  # the two really differ here
    assert projection.probability == 1.0  # 82 % ≥ 50 %: met
    assert projection.lower_95 == projection.upper_95 == projection.central
    assert projection.months_remaining == 0 and projection.n_paths == 0
    assert projection.year_end is not None and projection.year_end.is_observed
    assert projection.extension is None


def test_complete_year_that_missed_its_target_has_probability_zero() -> None:
    series = monthly_flow_series("2023-01-01", "2025-12-01", level=-2.0, slope=0.0)
    projection = project_year(series, ONLINE, 2025)
    assert projection.method == "complete"
    assert projection.central < 50
    assert projection.probability == 0.0


def test_each_path_is_the_ratio_of_sums_of_actual_and_projected_months() -> None:
    series, _ = online()
    projection = project(online, ONLINE)
    in_year = series.loc[series["period_year"] == 2025]
    denominators = projection.expected_denominators
    assert len(denominators) == 3  # October–December
    expected = expected_denominators(series, ONLINE, 2025)["denominator"].to_numpy()
    np.testing.assert_allclose(denominators, expected)
    rates = projection.period_values / 100.0  # (3, paths)
    numerator = in_year["numerator"].sum() + (rates * denominators[:, None]).sum(axis=0)
    denominator = in_year["denominator"].sum() + denominators.sum()
    np.testing.assert_allclose(projection.year_values, 100 * numerator / denominator)
    np.testing.assert_allclose(projection.paths[-1], projection.year_values)


def test_a_flat_series_is_projected_flat_with_a_narrow_but_never_zero_band() -> None:
    # 40 % every month for six years: every backtest error is 0.
    series = monthly_flow_series(
        "2019-01-01",
        "2025-09-01",
        level=math.log(0.4 / 0.6),
        slope=0.0,
        noise=0.0,
        seasonality=0.0,
        dossiers=1_000_000,
    )
    series = series.assign(numerator=0.4 * series["denominator"], value=40.0)
    projection = project_year(series, ONLINE, 2025, n_paths=N_PATHS, seed=1)
    assert projection.central == pytest.approx(40.0, abs=1e-6)
    assert 0 < projection.upper_95 - projection.lower_95 < 0.5
    assert projection.probability is not None
    assert projection.probability < 1e-6  # 40 % can never average 50 %


@pytest.mark.parametrize(("target", "expected"), [(30.0, 1.0), (95.0, 0.0)])
def test_probability_far_from_the_target(target: float, expected: float) -> None:
    series, report = online()
    indicator = with_target(ONLINE, 2025, target)
    projection = project_year(
        series, indicator, 2025, n_paths=N_PATHS, seed=1, backtest_report=report
    )
    assert projection.probability == pytest.approx(expected, abs=1e-9)
    assert float(np.mean(projection.year_values >= target)) == expected


def test_probability_is_the_share_of_calibrated_paths_at_or_below_a_lower_is_better_target() -> (
    None
):
    series, report = online()
    central = project(online, ONLINE).central
    assert central is not None
    indicator = with_target(ONLINE, 2025, round(central, 2), "<=")
    projection = project_year(
        series, indicator, 2025, n_paths=N_PATHS, seed=1, backtest_report=report
    )
    assert projection.comparator == "<="
    share = float(np.mean(projection.year_values <= round(central, 2)))
    assert projection.probability == pytest.approx(share, abs=2 / N_PATHS)
    assert 0.2 < share < 0.8


def test_no_target_means_no_probability() -> None:
    series = monthly_flow_series(end="2024-06-01")
    projection = project_year(series, ONLINE, 2024, n_paths=N_PATHS)
    assert ONLINE.year_end_target(2024) is None
    assert projection.target is None and projection.probability is None
    assert projection.central is not None


def test_a_later_year_is_projected_whole_with_a_widened_band() -> None:
    series = monthly_flow_series(end="2025-10-01")
    projection = project_year(series, ONLINE, 2026, n_paths=N_PATHS, seed=1)
    assert projection.months_remaining == 14
    assert len(projection.fan) == 12
    assert projection.target == 50.0  # 2025's target carried forward
    assert projection.horizon == 14 and projection.is_extrapolated
    assert "beyond the longest backtested horizon (12)" in projection.reason


def test_months_remaining() -> None:
    projection = project(online, ONLINE)
    assert projection.months_remaining == 3 and projection.horizon == 3
    assert list(projection.fan["period_month"].dt.month) == [10, 11, 12]
    assert projection.judgement_date == dt.date(2025, 12, 31)


def series_with_breaks(years: tuple[int, ...] = (2021, 2023, 2025)) -> pd.DataFrame:
    """A slowly rising monthly rate that jumps by 0.6 on the logit scale each July of
    ``years`` and stays there."""
    rng = np.random.default_rng(3)
    months = pd.date_range("2019-01-01", "2025-12-01", freq="MS")
    t = np.arange(months.size)
    level = -1.5 + 0.01 * t + rng.normal(0, 0.02, t.size)
    for year in years:
        level = level + 0.6 * (months >= pd.Timestamp(year, 7, 1))
    denominator = np.full(t.size, 10_000.0)
    return pd.DataFrame(
        {
            "period_year": months.year,
            "period_month": months,
            "numerator": np.round(expit(level) * denominator),
            "denominator": denominator,
        }
    )


def test_finding_3_past_breaks_widen_todays_band() -> None:
    """Regression (issue 7, finding 3): bands were model-implied, so a smooth first half
    gave a narrow band however often a break had followed before. Calibrated by the
    backtest, an 80 % band is at least as wide as the typical past error at its
    horizon (half of the errors lie within it)."""
    series = series_with_breaks()
    report = report_for("breaks", series, ONLINE)
    june = series.loc[series["period_month"] <= pd.Timestamp(2025, 6, 1)]
    projection = project_year(june, ONLINE, 2025, n_paths=N_PATHS, backtest_report=report)
    assert projection.horizon == 6
    records = report.records
    same = records.loc[
        (records["method"] == projection.method)
        & (records["horizon"] == 6)
        & records["year"].isin(report.summary(before_year=2025).years)
    ]
    typical = float(np.median(np.abs(logit(same["central"] / 100) - logit(same["actual"] / 100))))
    assert projection.lower_80 is not None and projection.upper_80 is not None
    half_width = (logit(projection.upper_80 / 100) - logit(projection.lower_80 / 100)) / 2
    assert half_width >= typical


# --------------------------------------------------------------- denominators


def test_expected_denominators_repeat_last_year_with_recent_growth() -> None:
    months = pd.date_range("2023-01-01", "2025-06-01", freq="MS")
    # Each year 10 % more dossiers than the year before, with a December peak.
    base = np.array([100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 300.0])
    denominators = np.concatenate([base, base * 1.1, (base * 1.21)[:6]])
    series = pd.DataFrame(
        {
            "period_year": months.year,
            "period_month": months,
            "numerator": denominators / 2,
            "denominator": denominators,
        }
    )
    expected = expected_denominators(series, ONLINE, 2025)
    assert list(expected["period_month"].dt.month) == [7, 8, 9, 10, 11, 12]
    # growth = Σ(Jul 2024–Jun 2025) ÷ Σ(Jul 2023–Jun 2024) = 1.1 exactly here
    np.testing.assert_allclose(expected["denominator"], base[6:] * 1.1 * 1.1)


def test_expected_denominators_without_history_use_recent_mean_and_no_growth() -> None:
    months = pd.date_range("2025-01-01", "2025-04-01", freq="MS")
    series = pd.DataFrame(
        {
            "period_year": 2025,
            "period_month": months,
            "numerator": 1.0,
            "denominator": [10.0, 20.0, 30.0, 40.0],
        }
    )
    expected = expected_denominators(series, ONLINE, 2025)
    assert len(expected) == 8
    np.testing.assert_allclose(expected["denominator"], 30.0)


def test_expected_denominator_growth_is_clipped() -> None:
    months = pd.date_range("2023-01-01", "2024-12-01", freq="MS")
    denominators = np.array([10.0] * 12 + [1000.0] * 12)  # ×100 in a year
    series = pd.DataFrame(
        {
            "period_year": months.year,
            "period_month": months,
            "numerator": 1.0,
            "denominator": denominators,
        }
    )
    expected = expected_denominators(series, ONLINE, 2025)
    np.testing.assert_allclose(expected["denominator"], 2000.0)  # growth capped at 2


def test_expected_denominators_refuse_a_cumulative_indicator() -> None:
    with pytest.raises(ValueError, match="% of the plan"):
        expected_denominators(disbursement_series(), DISBURSEMENT, 2025)


# ------------------------------------------------------------------- cumulative


def test_plan_year_flows_skip_extension_rows_and_follow_plan_changes() -> None:
    series = pd.DataFrame(
        {
            "period_year": [2024, 2024, 2025, 2025, 2025],
            "period_month": pd.to_datetime(
                ["2024-12-01", "2025-01-01", "2025-01-01", "2025-02-01", "2025-03-01"]
            ),
            # 2024's extension row (Jan 2025, period_year 2024) must not become a 2025 flow.
            "numerator": [900.0, 960.0, 10.0, 30.0, 60.0],
            "denominator": [1000.0, 1000.0, 1000.0, 1000.0, 1500.0],
        }
    )
    flows = plan_year_flows(series, 2025)
    this_year = flows.loc[flows["period_year"] == 2025]
    assert this_year["flow"].tolist() == [10.0, 20.0, 30.0]
    assert this_year["flow_share_pct"].tolist() == [1.0, 2.0, 2.0]  # March: 30 of a 1,500 plan
    assert len(flows) == 4  # December 2024 + three 2025 months; no extension row
    # December 2024 is the first row of its plan year but not January: its flow covers
    # eleven months, so it is left out of the flows.
    assert math.isnan(flows["flow"].iloc[0])


def test_disbursement_adds_flows_to_the_year_to_date_and_runs_to_31_january() -> None:
    series, _ = disbursement()
    ytd, _ = year_to_date(check_series(series), SeriesShape.CUMULATIVE, 2025)
    projection = project(disbursement, DISBURSEMENT)
    assert projection.months_remaining == 3
    assert projection.target == 95.0
    fan = projection.fan
    assert list(fan["period_month"]) == [
        pd.Timestamp(2025, 10, 1),
        pd.Timestamp(2025, 11, 1),
        pd.Timestamp(2025, 12, 1),
        pd.Timestamp(2026, 1, 1),
    ]
    assert fan["is_extension"].tolist() == [False, False, False, True]
    assert np.all(projection.paths >= ytd - 1e-9), "flows are never negative"
    assert np.all(projection.paths <= 100.0), "no plan is disbursed beyond itself"
    assert np.all(np.diff(projection.paths, axis=0) >= -1e-9), "a path never falls"
    running = fan[list(QUANTILES)].to_numpy()
    assert np.all(np.diff(running, axis=0) >= -1e-9), "cumulative bands never fall"
    # The target is judged at 31 December; 31 January is given beside it.
    assert projection.judgement_date == dt.date(2025, 12, 31)
    assert projection.year_end is not None and projection.extension is not None
    assert projection.central == projection.year_end.central
    np.testing.assert_allclose(projection.year_values, projection.paths[2])
    assert projection.extension.date == dt.date(2026, 1, 31)
    assert not projection.extension.is_observed
    assert projection.extension.central > projection.year_end.central
    assert projection.extension.lower_80 < projection.extension.upper_80
    # The paths' monthly flows add up to their year to date.
    np.testing.assert_allclose(
        ytd + np.cumsum(projection.period_values, axis=0), projection.paths, atol=1e-9
    )


def test_disbursement_back_loading_comes_from_earlier_years() -> None:
    series, _ = disbursement()
    ytd, _ = year_to_date(check_series(series), SeriesShape.CUMULATIVE, 2025)
    projection = project(disbursement, DISBURSEMENT)
    assert projection.central is not None
    # The fourth quarter adds much more than three average months.
    assert projection.central - ytd > 3 * ytd / 9


def test_disbursement_already_at_target_is_certain() -> None:
    # Disbursement well ahead and the plan cut by 30 % in October.
    series = disbursement_series(
        totals=(1.2, 1.25), last_month="2025-10-01", plan_changes={(2025, 10): 0.7}
    )
    ytd = series["value"].iloc[-1]
    assert 95 <= ytd < 100
    projection = project_year(series, DISBURSEMENT, 2025, n_paths=N_PATHS, seed=1)
    assert projection.probability == 1.0
    assert np.all(projection.year_values >= ytd - 1e-9)


def test_disbursement_complete_year_is_judged_at_december_with_31_january_beside_it() -> None:
    series = disbursement_series(last_month="2026-01-01")
    rows = series.loc[series["period_year"] == 2025]
    december = float(rows.loc[rows["period_month"] == pd.Timestamp(2025, 12, 1), "value"].iloc[0])
    january = float(rows.loc[rows["period_month"] == pd.Timestamp(2026, 1, 1), "value"].iloc[0])
    projection = project_year(series, DISBURSEMENT, 2025)
    assert projection.method == "complete"
    assert projection.central == pytest.approx(december)
    assert projection.year_end is not None and projection.year_end.central == december
    assert projection.extension is not None and projection.extension.is_observed
    assert projection.extension.central == pytest.approx(january)


def test_disbursement_after_december_projects_31_january() -> None:
    series = disbursement_series(last_month="2025-12-01")
    projection = project_year(
        series,
        DISBURSEMENT,
        2025,
        backtest_report=report_for("disbursement to 2025-12", series, DISBURSEMENT),
    )
    assert projection.method == "complete"  # judged at 31 December, which is in
    extension = projection.extension
    assert extension is not None and not extension.is_observed
    assert extension.lower_95 < extension.central < extension.upper_95
    assert extension.lower_95 >= projection.central - 1e-9


def test_disbursement_plan_change_is_handled_as_share_of_the_plan_in_force() -> None:
    series = disbursement_series(plan_changes={(2025, 7): 0.8})
    projection = project_year(series, DISBURSEMENT, 2025, n_paths=N_PATHS, seed=1)
    ytd = float(series["value"].iloc[-1])
    assert np.all(projection.year_values >= ytd - 1e-9)
    assert_ordered(projection)


# ----------------------------------------------------------------------- annual


def test_annual_projection_counts_months_to_year_end_and_uses_ratio_of_sums() -> None:
    series, _ = digital()
    projection = project(digital, DIGITAL)
    assert projection.months_remaining == 3 and projection.horizon == 1
    assert list(projection.fan["period_month"]) == [pd.Timestamp(2025, 12, 1)]
    complete = project_year(series, DIGITAL, 2024)
    rows = series.loc[series["period_year"] == 2024]
    assert complete.central == pytest.approx(
        100 * rows["numerator"].sum() / rows["denominator"].sum()
    )


def test_annual_projection_of_a_later_target_year() -> None:
    series, report = digital()
    projection = project_year(
        series, DIGITAL, 2030, n_paths=N_PATHS, seed=1, backtest_report=report
    )
    assert projection.target == 40.0
    assert projection.months_remaining == 63
    assert len(projection.fan) == 4
    assert projection.is_extrapolated


# ------------------------------------------------------------------------ errors


def test_non_rate_indicator_is_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match="models rates"):
        project_year(monthly_flow_series(), get_indicator("dossiers_received"), 2025)


def test_n_paths_must_be_positive() -> None:
    with pytest.raises(ValueError, match="n_paths must be at least 1; got 0"):
        project_year(monthly_flow_series(), ONLINE, 2025, n_paths=0)


def test_missing_column_is_named() -> None:
    with pytest.raises(ValueError, match=r"missing column\(s\) \['denominator'\]"):
        project_year(monthly_flow_series().drop(columns="denominator"), ONLINE, 2025)


def test_empty_series_is_not_projected() -> None:
    empty = monthly_flow_series().iloc[0:0]
    projection = project_year(empty, ONLINE, 2025)
    assert projection.method == "none"
    assert projection.reason_code == "no_data"
    assert projection.months_remaining == 12
