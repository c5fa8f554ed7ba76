"""Status and trend rules at every boundary (metrics/status.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from metrics.registry import StatusRule, get_indicator, headline_indicators
from metrics.status import (
    Status,
    Trend,
    simulation_noise,
    status_from_probability,
    status_from_result,
    status_with_hysteresis,
    trend_from_series,
    trend_year_on_year,
)

DEFAULT = StatusRule()
STRICT = StatusRule(on_track_min_probability=0.8, off_track_below_probability=0.3, min_points=4)


@pytest.mark.parametrize(
    ("probability", "n_points", "expected"),
    [
        (1.0, 6, Status.ON_TRACK),
        (0.75, 6, Status.ON_TRACK),  # exactly the on-track bound: inclusive
        (0.7499999, 6, Status.AT_RISK),  # just below
        (0.5, 6, Status.AT_RISK),
        (0.25, 6, Status.AT_RISK),  # exactly the off-track bound: still at risk
        (0.2499999, 6, Status.OFF_TRACK),  # just below
        (0.0, 6, Status.OFF_TRACK),
        (None, 6, Status.NOT_ASSESSABLE),
        (math.nan, 6, Status.NOT_ASSESSABLE),
        (0.9, 5, Status.NOT_ASSESSABLE),  # one point short of min_points
        (0.9, 6, Status.ON_TRACK),  # exactly min_points
        (0.1, 0, Status.NOT_ASSESSABLE),
        (np.float64(0.75), 6, Status.ON_TRACK),
    ],
)
def test_status_from_probability_default_rule(
    probability: float | None, n_points: int, expected: Status
) -> None:
    assert status_from_probability(probability, DEFAULT, n_points) is expected


@pytest.mark.parametrize(
    ("probability", "n_points", "expected"),
    [
        (0.8, 4, Status.ON_TRACK),
        (0.79, 4, Status.AT_RISK),
        (0.75, 4, Status.AT_RISK),  # on track under the default rule, not under this one
        (0.3, 4, Status.AT_RISK),
        (0.29, 4, Status.OFF_TRACK),
        (0.9, 3, Status.NOT_ASSESSABLE),
        (0.9, 4, Status.ON_TRACK),
    ],
)
def test_status_from_probability_follows_the_rule_it_is_given(
    probability: float, n_points: int, expected: Status
) -> None:
    assert status_from_probability(probability, STRICT, n_points) is expected


@pytest.mark.parametrize("probability", [-0.01, 1.01, 75.0])
def test_status_rejects_a_probability_outside_0_1(probability: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        status_from_probability(probability, DEFAULT, 12)


def test_digital_economy_needs_only_four_points() -> None:
    rule = get_indicator("digital_economy_share_grdp").status_rule
    assert status_from_probability(0.9, rule, 4) is Status.ON_TRACK
    assert status_from_probability(0.9, rule, 3) is Status.NOT_ASSESSABLE


def test_every_headline_indicator_has_a_consistent_rule() -> None:
    for indicator in headline_indicators():
        rule = indicator.status_rule
        assert 0 < rule.off_track_below_probability < rule.on_track_min_probability <= 1
        assert rule.min_points >= 1
        assert rule.stable_band > 0


@pytest.mark.parametrize(
    ("is_met", "expected"),
    [(True, Status.ON_TRACK), (False, Status.OFF_TRACK), (None, Status.NOT_ASSESSABLE)],
)
def test_status_from_result(is_met: bool | None, expected: Status) -> None:
    assert status_from_result(is_met) is expected


BASE = [10.0, 10.0, 10.0]


@pytest.mark.parametrize(
    ("values", "direction", "band", "expected"),
    [
        (BASE + [10.5] * 3, "higher", 0.5, Trend.IMPROVING),  # Δ exactly the band
        (BASE + [10.25] * 3, "higher", 0.5, Trend.STABLE),  # inside the band
        (BASE + [9.5] * 3, "higher", 0.5, Trend.WORSENING),  # Δ exactly −band
        (BASE + [9.75] * 3, "higher", 0.5, Trend.STABLE),
        (BASE + [10.5] * 3, "lower", 0.5, Trend.WORSENING),  # lower is better: a rise worsens
        (BASE + [9.5] * 3, "lower", 0.5, Trend.IMPROVING),
        (BASE + [10.0] * 3, "higher", 0.5, Trend.STABLE),
        (BASE + [11.0] * 3, "higher", 1.0, Trend.IMPROVING),  # disbursement's band
        (BASE + [10.75] * 3, "higher", 1.0, Trend.STABLE),
        ([10.0, 10.0, 11.0, 11.0, 11.0], "higher", 0.5, Trend.NOT_ASSESSABLE),  # 5 points
        ([], "higher", 0.5, Trend.NOT_ASSESSABLE),
        ([1.0, 1.0] + BASE + [11.0] * 3, "higher", 0.5, Trend.IMPROVING),  # only the last 6
        ([20.0, 20.0, 20.0, 10.0, 10.0, 10.0], "higher", 0.5, Trend.WORSENING),
        ([*BASE, math.nan, 11.0, 11.0, 11.0], "higher", 0.5, Trend.IMPROVING),  # NaN skipped
        ([*BASE[:2], math.nan, 11.0, 11.0, 11.0], "higher", 0.5, Trend.NOT_ASSESSABLE),
    ],
)
def test_trend_from_series(
    values: list[float], direction: str, band: float, expected: Trend
) -> None:
    assert trend_from_series(values, direction, band) is expected  # type: ignore[arg-type]


def test_trend_weights_make_each_window_a_ratio_of_sums() -> None:
    # Previous window: 10 %, 10 %, 10 %; last window: 10 % of 1,000 dossiers and 40 % of
    # 10 dossiers twice. Mean of ratios: +10 pp (improving); ratio of sums: +0.6 pp.
    values = [10.0, 10.0, 10.0, 10.0, 40.0, 40.0]
    weights = [100.0, 100.0, 100.0, 1000.0, 10.0, 10.0]
    assert trend_from_series(values, "higher", 1.0) is Trend.IMPROVING
    assert trend_from_series(values, "higher", 1.0, weights=weights) is Trend.STABLE


def test_trend_skips_periods_without_weight() -> None:
    values = [10.0, 10.0, 10.0, 10.0, 11.0, 11.0, 11.0]
    weights = [100.0, 100.0, 100.0, 0.0, 100.0, 100.0, 100.0]
    # The zero-weight month drops out; the previous window is then 10, 10, 10.
    assert trend_from_series(values, "higher", 0.5, weights=weights) is Trend.IMPROVING


def test_trend_rejects_mismatched_weights_and_bad_direction() -> None:
    with pytest.raises(ValueError, match="weights must match values"):
        trend_from_series([1.0] * 6, "higher", 0.5, weights=[1.0] * 5)
    with pytest.raises(ValueError, match="'higher' or 'lower'"):
        trend_from_series([1.0] * 6, "up", 0.5)  # type: ignore[arg-type]


def test_trend_does_not_touch_its_input() -> None:
    values = np.array([10.0, 10.0, math.nan, 10.0, 11.0, 11.0, 11.0])
    before = values.copy()
    trend_from_series(values, "higher", 0.5)
    np.testing.assert_array_equal(values, before)


@pytest.mark.parametrize(
    ("current", "previous", "direction", "band", "expected"),
    [
        (41.0, 40.0, "higher", 1.0, Trend.IMPROVING),  # exactly the band
        (40.999, 40.0, "higher", 1.0, Trend.STABLE),
        (39.0, 40.0, "higher", 1.0, Trend.WORSENING),
        (39.001, 40.0, "higher", 1.0, Trend.STABLE),
        (39.0, 40.0, "lower", 1.0, Trend.IMPROVING),
        (None, 40.0, "higher", 1.0, Trend.NOT_ASSESSABLE),
        (40.0, None, "higher", 1.0, Trend.NOT_ASSESSABLE),
        (40.0, math.nan, "higher", 1.0, Trend.NOT_ASSESSABLE),
    ],
)
def test_trend_year_on_year(
    current: float | None, previous: float | None, direction: str, band: float, expected: Trend
) -> None:
    assert trend_year_on_year(current, previous, direction, band) is expected  # type: ignore[arg-type]


def test_enums_are_plain_strings_for_pages_and_catalogues() -> None:
    assert [s.value for s in Status] == ["on_track", "at_risk", "off_track", "not_assessable"]
    assert [t.value for t in Trend] == ["improving", "stable", "worsening", "not_assessable"]
    assert Status.AT_RISK == "at_risk"


# --- hysteresis: a move of P within the simulation's noise is not a change of status -------


@pytest.mark.parametrize(
    ("p_now", "p_before", "n_paths", "expected"),
    [
        # 2·√((0,5·0,5 + 0,5·0,5)/2000) = 2·√0,00025 = 0,031623
        (0.5, 0.5, 2000, 0.031623),
        # 2·√((0,76·0,24 + 0,74·0,26)/2000) = 2·√(0,3748/2000) = 0,027379
        (0.76, 0.74, 2000, 0.027379),
        # A share of 0 or 1 counts as one path in n: 2·√(2·(1/500)(499/500)/500) = 0,0056512
        (0.0, 1.0, 500, 0.0056512),
    ],
)
def test_simulation_noise_by_hand(p_now, p_before, n_paths, expected):
    assert simulation_noise(p_now, p_before, n_paths) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("now", "p_now", "before", "p_before", "expected", "held"),
    [
        # 0,74 → 0,76 crosses 0,75 by 0,02 < 0,0274: last month's "at risk" stands.
        (Status.ON_TRACK, 0.76, Status.AT_RISK, 0.74, Status.AT_RISK, True),
        # The same crossing down.
        (Status.AT_RISK, 0.74, Status.ON_TRACK, 0.76, Status.ON_TRACK, True),
        # 0,26 → 0,24 across the off-track line: within the noise too.
        (Status.OFF_TRACK, 0.24, Status.AT_RISK, 0.26, Status.AT_RISK, True),
        # 0,70 → 0,80: a real move, reported.
        (Status.ON_TRACK, 0.80, Status.AT_RISK, 0.70, Status.ON_TRACK, False),
        # No change of status: nothing to hold.
        (Status.ON_TRACK, 0.90, Status.ON_TRACK, 0.91, Status.ON_TRACK, False),
        # Not assessable this month or last: never held.
        (Status.NOT_ASSESSABLE, None, Status.ON_TRACK, 0.76, Status.NOT_ASSESSABLE, False),
        (Status.ON_TRACK, 0.76, Status.NOT_ASSESSABLE, None, Status.ON_TRACK, False),
        # No last month (the year's first period).
        (Status.ON_TRACK, 0.76, None, None, Status.ON_TRACK, False),
    ],
)
def test_status_hysteresis(now, p_now, before, p_before, expected, held):
    assert status_with_hysteresis(now, p_now, before, p_before, 2000) == (expected, held)


def test_hysteresis_boundary_is_the_noise_itself():
    # 0,7365 → 0,7635 (a move of 0,027): noise 2·√((0,7635·0,2365 + 0,7365·0,2635)/2000)
    # = 2·√(0,374650/2000) = 0,027373 > 0,027: held.
    assert status_with_hysteresis(Status.ON_TRACK, 0.7635, Status.AT_RISK, 0.7365, 2000)[1]
    # 0,736 → 0,764 (0,028): noise 2·√(0,374608/2000) = 0,027372 < 0,028: reported.
    assert not status_with_hysteresis(Status.ON_TRACK, 0.764, Status.AT_RISK, 0.736, 2000)[1]


def test_simulation_noise_needs_paths():
    with pytest.raises(ValueError, match="n_paths must be positive"):
        simulation_noise(0.5, 0.5, 0)


# --- rules stated one at a time (each kills a mutant that the cases above let live) --------


def test_a_zero_weight_period_is_skipped_not_averaged_in() -> None:
    # Without the last (zero-weight) period the windows are 10, 10, 10 and 11, 11, 11:
    # Δ = 1,0 ≥ 0,8, improving. Kept with weight 0, the windows would be 10, 10, 11 and
    # 11, 11, 99 (weights 1, 1, 0): Δ = 11 − 10,33 = 0,67 < 0,8, stable.
    values = [10.0, 10.0, 10.0, 11.0, 11.0, 11.0, 99.0]
    weights = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    assert trend_from_series(values, "higher", 0.8, weights=weights) is Trend.IMPROVING


def test_the_previous_window_is_weighted_too() -> None:
    # Previous window 10, 30, 20 weighted 3, 1, 1: (30 + 30 + 20) / 5 = 16; last window 20.
    # Δ = +4 (improving). Unweighted, the previous window would be 20: Δ = 0, stable.
    values = [10.0, 30.0, 20.0, 20.0, 20.0, 20.0]
    weights = [3.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    assert trend_from_series(values, "higher", 1.0, weights=weights) is Trend.IMPROVING


def test_no_change_is_stable_even_with_a_zero_band() -> None:
    # A flat series has not worsened, whatever the band (it was 'worsening' with band 0).
    assert trend_from_series([10.0] * 6, "higher", 0.0) is Trend.STABLE
    assert trend_from_series([10.0] * 6, "lower", 0.0) is Trend.STABLE
    assert trend_year_on_year(40.0, 40.0, "higher", 0.0) is Trend.STABLE


@pytest.mark.parametrize(
    ("now", "p_now", "before", "p_before"),
    [
        # Only this month is not assessable (its P close to last month's): never held.
        (Status.NOT_ASSESSABLE, 0.75, Status.AT_RISK, 0.75),
        # Only last month was not assessable: never held.
        (Status.ON_TRACK, 0.75, Status.NOT_ASSESSABLE, 0.75),
        # Last month's probability is missing though its status is assessable.
        (Status.ON_TRACK, 0.76, Status.AT_RISK, None),
        (Status.ON_TRACK, 0.76, Status.AT_RISK, math.nan),
    ],
)
def test_hysteresis_needs_both_periods_assessable(now, p_now, before, p_before) -> None:
    assert status_with_hysteresis(now, p_now, before, p_before, 2000) == (now, False)


def test_a_move_equal_to_the_noise_is_still_noise(monkeypatch: pytest.MonkeyPatch) -> None:
    # |0,75 − 0,25| = 0,5, exactly the noise: held (the rule is ≤, not <).
    import metrics.status as status_module

    monkeypatch.setattr(status_module, "simulation_noise", lambda *_: 0.5)
    assert status_with_hysteresis(Status.ON_TRACK, 0.75, Status.OFF_TRACK, 0.25, 2000) == (
        Status.OFF_TRACK,
        True,
    )


def test_simulation_noise_of_one_path() -> None:
    # n = 1: floor 1·0 = 0; variance (0,25 + 0,25) / 1 = 0,5; 2·√0,5 = 1,414214.
    assert simulation_noise(0.5, 0.5, 1) == pytest.approx(1.414214, abs=1e-6)


def test_missing_values_from_a_table_are_skipped_not_raised() -> None:
    # A pandas column with gaps arrives as objects: None is a missing period, as NaN is.
    values = np.array([10.0, 10.0, 10.0, None, 11.0, 11.0, 11.0], dtype=object)
    weights = np.array([1.0, 1.0, 1.0, 1.0, None, 1.0, 1.0], dtype=object)
    assert trend_from_series(values, "higher", 0.5) is Trend.IMPROVING
    # Without the unweighted 5th period the windows are 10, 10, 10 and 11, 11 (+ the 4th
    # period, None, skipped too): fewer than 6 usable values.
    assert trend_from_series(values, "higher", 0.5, weights=weights) is Trend.NOT_ASSESSABLE
