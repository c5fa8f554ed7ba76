"""The scenario engine's numbers, pinned by hand-worked cases on a synthetic baseline."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from scenarios import engine
from scenarios.analysis import goal_seek, tornado
from scenarios.engine import activity, simulate
from scenarios.levers import load_catalogue
from tests.unit.scenario_fixtures import synthetic_baseline

BASE = synthetic_baseline()


def run(overrides: dict, seed: int = 11, baseline=BASE):  # type: ignore[no-untyped-def]
    return simulate(baseline, engine.scenario(baseline, "test", overrides, seed))


def test_same_scenario_and_seed_give_the_same_results() -> None:
    overrides = {"processing_time": {"on_time_pp": 6}, "online_extra_growth": {"pp_per_month": 1}}
    first, second = run(overrides), run(overrides)
    for code in first.indicators:
        assert np.array_equal(first.indicators[code].paths, second.indicators[code].paths)
    assert first.summary() == second.summary()
    # The seed is what makes the uncertain effect reproducible: another seed draws others.
    other = run(overrides, seed=12)
    assert not np.array_equal(
        other.indicators["satisfaction_rate"].paths, first.indicators["satisfaction_rate"].paths
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {
            "online_extra_growth": {"pp_per_month": 0, "lowest_n": 2, "start_month": "2026-11"},
            "processing_time": {"on_time_pp": 0, "effect_mean": 0.9},
            "disbursement_curve": {"mode": "forecast"},
            "capital_plan_change": {"change_pct": 0, "from_month": "2026-12"},
            "sector_growth": {"growth_pp": 0, "sectors": ["X"]},
            "sector_closure": {"sectors": [], "activity_pct": 50},
        },
    ],
    ids=["no overrides", "every lever at its neutral value"],
)
def test_neutral_levers_reproduce_the_baseline_exactly(overrides: dict) -> None:
    result = run(overrides)
    for code, paths in BASE.indicators.items():
        assert np.array_equal(result.indicators[code].paths, paths.paths), code
    assert result.grdp is not None and result.grdp.scenario == result.grdp.baseline == 1200.0


def test_online_growth_in_the_lowest_units_worked_by_hand() -> None:
    # The two lowest units (20 % and 40 %) hold 100 + 300 of 1,000 dossiers: weights 0.1
    # and 0.3. One extra point a month from November: +1 pp in Nov, +2 pp in Dec, so the
    # city's rate rises 0.4 pp in Nov and 0.8 pp in Dec. Year to date at December:
    # (0.4 × 100 + 0.8 × 100) / (1,000 + 200) = 0.1 pp.
    result = run({"online_extra_growth": {"pp_per_month": 1.0, "lowest_n": 2}})
    moved = result.indicators["online_dossier_share"].paths
    base = BASE.indicators["online_dossier_share"].paths
    assert np.allclose(moved[1] - base[1], 0.1)
    assert np.allclose(moved[0] - base[0], 0.4 * 100 / 1100)


def test_online_growth_stops_at_100_percent_per_unit() -> None:
    # u4 is at 99 %: of 5 pp a month it can take 1 pp only. Units u4 alone (weight 0.2):
    # Nov +min(5, 1) = 1, Dec +1 → city +0.2 pp each month → YTD Dec 0.2 × 200 / 1200.
    result = run({"online_extra_growth": {"pp_per_month": 5.0, "units": ["u4"]}})
    moved = result.indicators["online_dossier_share"].paths[1]
    assert np.allclose(moved - BASE.indicators["online_dossier_share"].paths[1], 40 / 1200)


def test_capital_plan_cut_raises_the_rate_by_the_plan_ratio() -> None:
    # A plan 20 % smaller: the same money is 1 / 0.8 = 1.25 times the rate, up to 100 %.
    result = run({"capital_plan_change": {"change_pct": -20, "from_month": "2026-11"}})
    base = BASE.indicators["public_investment_disbursement"].paths
    assert np.allclose(
        result.indicators["public_investment_disbursement"].paths, np.minimum(base * 1.25, 100.0)
    )


def test_disbursement_at_this_years_pace() -> None:
    # Ten months of 6 % a month: November and December each add 6 % instead of the paths'
    # mean (about 10 %), so the December median falls by about 8 points.
    result = run({"disbursement_curve": {"mode": "this_year_pace"}})
    paths = BASE.indicators["public_investment_disbursement"]
    shift = (6.0 - paths.period_values[0].mean()) + (6.0 - paths.period_values[1].mean())
    expected = np.clip(paths.paths[1] + shift, 0, 100)
    assert np.allclose(result.indicators["public_investment_disbursement"].paths[1], expected)
    # The January extension flow is left as forecast.
    assert np.allclose(
        np.diff(result.indicators["public_investment_disbursement"].paths[1:], axis=0),
        np.diff(np.clip(paths.paths[1:] + shift, 0, 100), axis=0),
    )


def test_disbursement_on_the_milestones_reaches_95_percent_in_december() -> None:
    result = run({"disbursement_curve": {"mode": "milestones"}})
    december = result.indicators["public_investment_disbursement"].paths[1]
    assert np.median(december) == pytest.approx(95.0, abs=0.2)


def test_closing_a_30_percent_sector_for_two_months_worked_by_hand() -> None:
    # GRDP is 100 a month (1,200 a year). Sector X is 30 % of it; X, Y are the production
    # sectors (90 %), taxes 10 %. Closing X fully in March and April loses 30 a month of X;
    # the taxes fall in step with production: 10 × 30 / 90 = 3.33 a month.
    # Loss = 2 × (30 + 10/3) = 66.67; the year's GRDP 1,200 → 1,133.33.
    result = run(
        {"sector_closure": {"sectors": ["X"], "start_month": "2026-03", "reopen_month": "2026-05"}}
    )
    assert result.grdp is not None
    assert result.grdp.baseline == pytest.approx(1200.0)
    assert result.grdp.scenario == pytest.approx(1200.0 - 2 * (30.0 + 10.0 / 3.0))
    assert result.grdp.change_by_sector["X"] == pytest.approx(-60.0)
    assert result.grdp.change_by_sector["TAX"] == pytest.approx(-20.0 / 3.0)


def test_closing_with_partial_activity_and_recovery_worked_by_hand() -> None:
    # X keeps 40 % in March–April, then recovers 60 % → 80 % → 100 % (two recovery
    # months): lost share of X's 30 a month: 0.6 + 0.6 + 0.4 + 0.2 = 1.8 months → 54,
    # plus taxes 54 / 9 = 6.
    result = run(
        {
            "sector_closure": {
                "sectors": ["X"],
                "start_month": "2026-03",
                "reopen_month": "2026-05",
                "activity_pct": 40,
                "recovery_months": 2,
            }
        }
    )
    assert result.grdp is not None
    assert result.grdp.baseline - result.grdp.scenario == pytest.approx(60.0)


def test_closing_a_sector_of_average_digital_intensity_leaves_the_share() -> None:
    # Intensities from levers.yaml do not cover X, Y: both get the default 1.0, TAX 1.0,
    # so closing X moves the digital economy in proportion to GRDP: the share is unchanged.
    result = run(
        {"sector_closure": {"sectors": ["X"], "start_month": "2026-03", "reopen_month": "2026-05"}}
    )
    assert np.allclose(
        result.indicators["digital_economy_share_grdp"].paths,
        BASE.indicators["digital_economy_share_grdp"].paths,
    )


def test_closing_a_digital_heavy_sector_lowers_the_share_by_hand() -> None:
    # X three times as digital as Y and the taxes: mean intensity 0.3·3 + 0.6 + 0.1 = 1.6,
    # relative intensities X 1.875, Y and TAX 0.625. Closing X in March–April: X −60,
    # TAX −20/3, GRDP −66.67; digital part −(1.875·60 + 0.625·20/3)·p/100 = −116.67·p/100.
    # The share: p·(1,200 − 116.67) / (1,200 − 66.67) = p · 1,083.33 / 1,133.33.
    catalogue = replace(load_catalogue(), digital_intensity={"X": 3.0, "Y": 1.0, "TAX": 1.0})
    chosen = engine.scenario(
        BASE,
        "x",
        {"sector_closure": {"sectors": ["X"], "start_month": "2026-03", "reopen_month": "2026-05"}},
        11,
    )
    result = simulate(BASE, chosen, catalogue)
    base = BASE.indicators["digital_economy_share_grdp"].paths
    expected = base * (1200 - 116.0 - 2.0 / 3.0) / (1200 - 66.0 - 2.0 / 3.0)
    assert np.allclose(result.indicators["digital_economy_share_grdp"].paths, expected)


def test_activity_shape() -> None:
    months = tuple(dt.date(2026, m, 1) for m in range(1, 13))
    shape = activity(
        months,
        {
            "start_month": dt.date(2026, 11, 1),
            "reopen_month": dt.date(2027, 2, 1),
            "activity_pct": 0.0,
            "recovery_months": 0,
        },
    )
    assert shape.tolist() == [1.0] * 10 + [0.0, 0.0]


@pytest.mark.parametrize(
    ("lever", "parameter", "values", "code", "direction"),
    [
        ("online_extra_growth", "pp_per_month", [0, 0.5, 1, 2, 3, 5], "online_dossier_share", 1),
        ("processing_time", "on_time_pp", [0, 2, 4, 8, 12, 20], "satisfaction_rate", 1),
        (
            "capital_plan_change",
            "change_pct",
            [-30, -15, 0, 10, 30],
            "public_investment_disbursement",
            -1,
        ),
    ],
)
def test_probabilities_move_monotonically(
    lever: str, parameter: str, values: list[float], code: str, direction: int
) -> None:
    probabilities = [run({lever: {parameter: v}}).indicators[code].probability for v in values]
    steps = np.diff(np.array(probabilities, dtype=float)) * direction
    assert (steps >= 0).all(), probabilities
    assert probabilities[0] != probabilities[-1]


@pytest.mark.parametrize(
    ("lever", "code", "wanted"),
    [
        ("online_extra_growth", "online_dossier_share", 0.8),
        ("processing_time", "satisfaction_rate", 0.7),
        ("capital_plan_change", "public_investment_disbursement", 0.5),
    ],
)
def test_goal_seek_answer_reaches_the_target_within_simulation_error(
    lever: str, code: str, wanted: float
) -> None:
    neutral = engine.scenario(BASE, "seek", {}, 11)
    answer = goal_seek(BASE, neutral, lever, code, wanted)
    assert answer.status == "found" and answer.value is not None
    assert answer.probability is not None and answer.probability >= wanted
    # Fed back in, on paths drawn afresh (another baseline seed, another scenario seed):
    fresh = synthetic_baseline(n_paths=4000, seed=99)
    primary = {"online_extra_growth": "pp_per_month", "processing_time": "on_time_pp"}.get(
        lever, "change_pct"
    )
    again = simulate(fresh, engine.scenario(fresh, "fed back", {lever: {primary: answer.value}}, 5))
    probability = again.indicators[code].probability
    assert probability is not None
    error = 4 * np.sqrt(wanted * (1 - wanted) / 4000)
    assert abs(probability - wanted) <= error + 0.02


def test_goal_seek_says_when_the_bounds_cannot_reach_it() -> None:
    # Disbursement at 95 % with probability 1 needs a plan cut beyond the lever's bound
    # only if even −50 % cannot do it; the digital share cannot reach 30 % by any growth
    # of one sector within ±20 pp.
    neutral = engine.scenario(
        BASE, "seek", {"sector_growth": {"sectors": ["X"], "growth_pp": 1}}, 11
    )
    answer = goal_seek(BASE, neutral, "sector_growth", "digital_economy_share_grdp", 0.5)
    assert answer.status == "unreachable"
    assert answer.value is None and answer.best_probability < 0.5


def test_goal_seek_says_when_already_reached() -> None:
    neutral = engine.scenario(BASE, "seek", {}, 11)
    answer = goal_seek(BASE, neutral, "online_extra_growth", "online_dossier_share", 0.05)
    assert answer.status == "already" and answer.value == 0.0


def test_tornado_orders_levers_by_swing() -> None:
    neutral = engine.scenario(BASE, "t", {}, 11)
    centre, bars = tornado(BASE, neutral, "public_investment_disbursement", "median")
    assert [bar.lever for bar in bars] == ["capital_plan_change"]
    bar = bars[0]
    base = BASE.indicators["public_investment_disbursement"].paths[1]
    assert centre == pytest.approx(np.median(base))
    assert bar.outcome_at_low == pytest.approx(np.median(np.minimum(base * 2, 100)))
    assert bar.outcome_at_high == pytest.approx(np.median(base / 1.5))


def test_ten_thousand_paths_of_four_indicators_simulate() -> None:
    baseline = synthetic_baseline(n_paths=10_000)
    result = run(
        {
            "online_extra_growth": {"pp_per_month": 1},
            "processing_time": {"on_time_pp": 5},
            "disbursement_curve": {"mode": "earlier_year", "curve_year": 2024},
            "sector_closure": {
                "sectors": ["X"],
                "start_month": "2026-11",
                "reopen_month": "2027-01",
            },
        },
        baseline=baseline,
    )
    assert {code: r.paths.shape[1] for code, r in result.indicators.items()} == {
        code: 10_000 for code in baseline.indicators
    }
