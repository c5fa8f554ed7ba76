"""Year-end projections (metrics/projection.py).

The series builders at the top are also used by test_pace.py and test_tiles.py.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from metrics.periods import SeriesShape, check_series, year_to_date
from metrics.projection import (
    QUANTILES,
    Projection,
    expected_denominators,
    plan_year_flows,
    project_year,
)
from metrics.registry import Indicator, Target, get_indicator

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


def with_target(indicator: Indicator, year: int, value: float, comparator: str = ">=") -> Indicator:
    """A copy of ``indicator`` whose only target is (year, value, comparator)."""
    target = Target(
        year=year,
        value=value,
        comparator=comparator,  # type: ignore[arg-type]
        due_date=pd.Timestamp(year, 12, 31).date(),
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


# ------------------------------------------------------------------ model choice


@pytest.mark.parametrize(
    ("n_months", "method", "model", "reason_part"),
    [
        (2, "none", "", "needs 3 monthly points for a drift model; got 2"),
        (3, "drift", "random walk with drift", "needs 24 monthly points for ETS; got 3"),
        (17, "drift", "random walk with drift", "needs 24 monthly points for ETS; got 17 — drift"),
        (23, "drift", "random walk with drift", "got 23"),
        (24, "ets", "ETS(A,Ad,N)", "24 points"),
        (35, "ets", "ETS(A,Ad,N)", "35 points"),
        (36, "ets", None, "chosen by AICc"),
        (69, "ets", None, "chosen by AICc"),
    ],
)
def test_model_choice_follows_the_number_of_points(
    n_months: int, method: str, model: str | None, reason_part: str
) -> None:
    series = monthly_flow_series("2020-01-01", "2025-09-01").tail(n_months)
    projection = project_year(series, ONLINE, 2025, n_paths=N_PATHS, seed=1)
    assert projection.method == method
    assert projection.n_points == n_months
    assert reason_part in projection.reason
    if model is not None:
        assert projection.model == model
    else:
        assert projection.model in {"ETS(A,Ad,A)", "ETS(A,Ad,N)"}
    if method == "none":
        assert projection.central is None and projection.probability is None
        assert projection.year_values.size == 0 and projection.fan.empty


def test_same_seed_same_numbers_and_another_seed_other_numbers() -> None:
    series = monthly_flow_series()
    first = project_year(series, ONLINE, 2025, n_paths=N_PATHS, seed=42)
    again = project_year(series, ONLINE, 2025, n_paths=N_PATHS, seed=42)
    other = project_year(series, ONLINE, 2025, n_paths=N_PATHS, seed=43)
    np.testing.assert_array_equal(first.year_values, again.year_values)
    assert first == again  # every scalar field
    pd.testing.assert_frame_equal(first.fan, again.fan)
    assert not np.array_equal(first.year_values, other.year_values)
    assert first.seed == 42 and other.seed == 43


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    ("name", "series", "indicator"),
    [
        ("online", monthly_flow_series(), ONLINE),
        ("online short", monthly_flow_series("2024-06-01", "2025-05-01"), ONLINE),
        ("satisfaction near 100", monthly_flow_series(level=4.0, slope=0.01), SATISFACTION),
        ("disbursement", disbursement_series(), DISBURSEMENT),
        ("disbursement short", disbursement_series(2024), DISBURSEMENT),
        ("digital", quarterly_share_series(), DIGITAL),
    ],
)
def test_bands_are_ordered_and_rates_stay_in_0_100(
    name: str, series: pd.DataFrame, indicator: Indicator, seed: int
) -> None:
    projection = project_year(series, indicator, 2025, n_paths=N_PATHS, seed=seed)
    assert projection.method in {"ets", "drift", "seasonal_naive"}, projection.reason
    assert_ordered(projection)
    assert projection.year_values.shape == (N_PATHS,)
    assert np.all((projection.year_values >= 0) & (projection.year_values <= 100))
    bands = projection.fan[list(QUANTILES)].to_numpy()
    assert np.all((bands >= 0) & (bands <= 100))
    assert np.all(np.diff(bands, axis=1) >= 0), "fan bands must be ordered in every period"
    assert projection.fan["period_month"].is_monotonic_increasing
    assert projection.fan["period_month"].iloc[-1] == pd.Timestamp(2025, 12, 1)


def test_year_values_are_read_only() -> None:
    projection = project_year(monthly_flow_series(), ONLINE, 2025, n_paths=N_PATHS, seed=1)
    with pytest.raises(ValueError, match="read-only"):
        projection.year_values[0] = 0.0


def test_input_is_not_mutated() -> None:
    series = monthly_flow_series()
    before = series.copy(deep=True)
    project_year(series, ONLINE, 2025, n_paths=N_PATHS, seed=1)
    pd.testing.assert_frame_equal(series, before)
    cumulative = disbursement_series()
    before = cumulative.copy(deep=True)
    project_year(cumulative, DISBURSEMENT, 2025, n_paths=N_PATHS, seed=1)
    pd.testing.assert_frame_equal(cumulative, before)


def test_rows_after_the_year_are_ignored() -> None:
    through_2025 = monthly_flow_series("2020-01-01", "2025-06-01")
    later = monthly_flow_series("2026-01-01", "2026-06-01", level=3.0, seed=99)
    extended = pd.concat([through_2025, later], ignore_index=True)
    a = project_year(through_2025, ONLINE, 2025, n_paths=N_PATHS, seed=3)
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


def test_complete_year_that_missed_its_target_has_probability_zero() -> None:
    series = monthly_flow_series("2023-01-01", "2025-12-01", level=-2.0, slope=0.0)
    projection = project_year(series, ONLINE, 2025)
    assert projection.method == "complete"
    assert projection.central < 50
    assert projection.probability == 0.0


def test_year_value_combines_actual_and_simulated_months_as_a_ratio_of_sums() -> None:
    # Constant 40 % for 30 months, no noise: every path stays at 40 %.
    series = monthly_flow_series(
        "2023-04-01",
        "2025-09-01",
        level=math.log(0.4 / 0.6),
        slope=0.0,
        noise=0.0,
        dossiers=1_000_000,
    )
    series = series.assign(numerator=0.4 * series["denominator"], value=40.0)
    projection = project_year(series, ONLINE, 2025, n_paths=N_PATHS, seed=1)
    assert projection.central == pytest.approx(40.0, abs=0.05)
    assert projection.upper_95 - projection.lower_95 < 0.5
    assert projection.probability == 0.0  # 40 % can never average 50 %


@pytest.mark.parametrize(("target", "expected"), [(30.0, 1.0), (95.0, 0.0)])
def test_probability_is_the_share_of_paths_reaching_the_target(
    target: float, expected: float
) -> None:
    indicator = with_target(ONLINE, 2025, target)
    projection = project_year(monthly_flow_series(), indicator, 2025, n_paths=N_PATHS, seed=1)
    assert projection.probability == expected
    share = float(np.mean(projection.year_values >= target))
    assert projection.probability == share


def test_lower_is_better_targets_count_paths_at_or_below() -> None:
    series = monthly_flow_series()
    central = project_year(series, ONLINE, 2025, n_paths=N_PATHS, seed=1).central
    assert central is not None
    indicator = with_target(ONLINE, 2025, round(central, 1), "<=")
    projection = project_year(series, indicator, 2025, n_paths=N_PATHS, seed=1)
    assert projection.comparator == "<="
    expected = float(np.mean(projection.year_values <= round(central, 1)))
    assert projection.probability == expected
    assert 0.2 < expected < 0.8


def test_no_target_means_no_probability() -> None:
    projection = project_year(monthly_flow_series(end="2024-06-01"), ONLINE, 2024, n_paths=N_PATHS)
    assert ONLINE.year_end_target(2024) is None
    assert projection.target is None and projection.probability is None
    assert projection.central is not None


def test_future_year_is_projected_whole() -> None:
    series = monthly_flow_series(end="2025-10-01")
    projection = project_year(series, ONLINE, 2026, n_paths=N_PATHS, seed=1)
    assert projection.months_remaining == 14
    assert len(projection.fan) == 12
    assert projection.target == 50.0  # 2025's target carried forward


def test_months_remaining() -> None:
    projection = project_year(monthly_flow_series(end="2025-09-01"), ONLINE, 2025, n_paths=10)
    assert projection.months_remaining == 3
    assert list(projection.fan["period_month"].dt.month) == [10, 11, 12]


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


def test_cumulative_projection_adds_flows_to_the_year_to_date() -> None:
    series = disbursement_series()
    ytd, _ = year_to_date(check_series(series), SeriesShape.CUMULATIVE, 2025)
    projection = project_year(series, DISBURSEMENT, 2025, n_paths=N_PATHS, seed=1)
    assert projection.method == "ets"
    assert "log(1 + monthly flow" in projection.reason
    assert projection.months_remaining == 3
    assert np.all(projection.year_values >= ytd - 1e-9)  # flows are never negative
    assert np.all(projection.year_values <= 100.0)  # no plan is disbursed beyond itself
    # Back-loading: the fourth quarter adds much more than three average months.
    assert projection.central - ytd > 3 * ytd / 9
    running = projection.fan[list(QUANTILES)].to_numpy()
    assert np.all(np.diff(running, axis=0) >= -1e-9), "cumulative bands never fall"
    assert projection.target == 95.0


@pytest.mark.parametrize(
    ("first_year", "method", "reason_part"),
    [
        (2019, "ets", "ETS"),
        (2024, "seasonal_naive", "needs 36 monthly flows for seasonal ETS; got 21"),
        (2025, "drift", "understate"),
    ],
)
def test_cumulative_model_choice(first_year: int, method: str, reason_part: str) -> None:
    projection = project_year(disbursement_series(first_year), DISBURSEMENT, 2025, n_paths=N_PATHS)
    assert projection.method == method
    assert reason_part in projection.reason


def test_cumulative_with_too_few_months_is_not_projected() -> None:
    series = disbursement_series(2025, "2025-02-01")
    projection = project_year(series, DISBURSEMENT, 2025, n_paths=N_PATHS)
    assert projection.method == "none"
    assert projection.reason == "needs 3 monthly flows for a drift model; got 2"
    assert projection.months_remaining == 10


def test_cumulative_already_at_target_is_certain() -> None:
    # Disbursement well ahead and the plan cut by 30 % in October.
    series = disbursement_series(
        totals=(1.2, 1.25), last_month="2025-10-01", plan_changes={(2025, 10): 0.7}
    )
    ytd = series["value"].iloc[-1]
    assert 95 <= ytd < 100
    projection = project_year(series, DISBURSEMENT, 2025, n_paths=N_PATHS, seed=1)
    assert projection.probability == 1.0
    assert np.all(projection.year_values >= ytd - 1e-9)


def test_cumulative_complete_year_is_judged_at_december_not_the_extension() -> None:
    series = disbursement_series(last_month="2026-01-01")
    december = series.loc[
        (series["period_year"] == 2025) & (series["period_month"] == pd.Timestamp(2025, 12, 1))
    ]
    projection = project_year(series, DISBURSEMENT, 2025)
    assert projection.method == "complete"
    assert projection.central == pytest.approx(float(december["value"].iloc[0]))


def test_cumulative_plan_change_is_handled_as_share_of_the_plan_in_force() -> None:
    series = disbursement_series(plan_changes={(2025, 7): 0.8})
    projection = project_year(series, DISBURSEMENT, 2025, n_paths=N_PATHS, seed=1)
    ytd = float(series["value"].iloc[-1])
    assert np.all(projection.year_values >= ytd - 1e-9)
    assert_ordered(projection)


# ----------------------------------------------------------------------- annual


@pytest.mark.parametrize(
    ("first_year", "last_quarter", "method", "reason_part"),
    [
        (2019, "2025-09-01", "ets", "quarterly rate"),
        (2024, "2025-03-01", "drift", "needs 8 quarterly points for ETS; got 5"),
        (2025, "2025-06-01", "none", "needs 3 quarterly points for a drift model; got 2"),
    ],
)
def test_annual_model_choice(
    first_year: int, last_quarter: str, method: str, reason_part: str
) -> None:
    series = quarterly_share_series(first_year, last_quarter)
    projection = project_year(series, DIGITAL, 2025, n_paths=N_PATHS)
    assert projection.method == method
    assert reason_part in projection.reason


def test_annual_projection_counts_months_to_year_end_and_uses_ratio_of_sums() -> None:
    series = quarterly_share_series()
    projection = project_year(series, DIGITAL, 2025, n_paths=N_PATHS, seed=1)
    assert projection.months_remaining == 3
    assert list(projection.fan["period_month"]) == [pd.Timestamp(2025, 12, 1)]
    complete = project_year(series, DIGITAL, 2024)
    rows = series.loc[series["period_year"] == 2024]
    assert complete.central == pytest.approx(
        100 * rows["numerator"].sum() / rows["denominator"].sum()
    )


def test_annual_projection_of_a_later_target_year() -> None:
    projection = project_year(quarterly_share_series(), DIGITAL, 2030, n_paths=N_PATHS, seed=1)
    assert projection.target == 40.0
    assert projection.months_remaining == 63
    assert len(projection.fan) == 4


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
    assert projection.months_remaining == 12
