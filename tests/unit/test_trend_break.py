"""A break in a monthly rate's drift widens and leans the band (metrics.backtest.trend_break,
Calibration.with_break; README, "How the forecasts are made", step 4).

Every expected figure is worked out by hand in the comments; no model is fitted.
"""

from __future__ import annotations

import dataclasses
import math
from unittest import mock

import numpy as np
import pytest
from scipy.special import expit

from metrics import forecasting as f
from metrics.backtest import calibrate, trend_break
from metrics.periods import SeriesShape

JAN_2023 = 2023 * 12
JUL_2025 = 2025 * 12 + 6


def history_of(changes: list[float], first: int, period: int = 12) -> f.History:
    """A rate whose logit starts at 0 (50 %) in period ``first`` and then changes by
    ``changes``, period by period."""
    rates = expit(np.concatenate([[0.0], np.cumsum(changes)]))
    return f.History(
        shape=SeriesShape.MONTHLY_FLOW,
        period=period,
        first_index=first,
        last_index=first + rates.size - 1,
        numerators=1000.0 * rates,
        denominators=np.full(rates.size, 1000.0),
        first_year=0,
        values=np.empty((0, 13)),
        flows=np.empty((0, 12)),
    )


def monthly(changes_2025: list[float], *, first: int = JAN_2023) -> f.History:
    """A monthly rate from January 2023: logit 0 (50 %), then each month's change of the
    logit — +0.01 every month of 2023, −0.01 every month of 2024, then ``changes_2025``
    from January 2025 on."""
    return history_of([0.01] * 11 + [-0.01] * 12 + list(changes_2025), first)


# The calm changes before 2025 end in February 2023 … December 2024 (23). The mean change of
# each calendar month: January only 2024's −0.01 (one year); every other month
# (+0.01 − 0.01) / 2 = 0 (two years). Residuals: January 0, the other 22 ±0.01. Twelve means
# fitted, so 23 − 12 = 11 degrees of freedom: sd = √(22 × 0.0001 / 11) = 0.0141421. A new
# residual about a mean of n years varies as sd² (1 + 1/n): July's 1.5. Student's t with 11
# degrees of freedom at 99.9 % is 4.0247 (tables), so a July alone must stand
# 4.0247 × 0.0141421 × √1.5 = 0.069710 from its month's mean; two months (June, July)
# 4.0247 × 0.0141421 × √(1.5 / 2) = 0.049292; three 0.040247.
JUMP = [0.0] * 6 + [0.1]  # January … June 2025 as usual, July 2025 jumps by 0.1


def test_a_jump_beyond_the_calm_months_noise_is_a_break_lasting_to_december() -> None:
    history = monthly(JUMP)
    # Runs ending in July 2025: one month 0.1 (a break); two (0.1 + 0) / 2 = 0.05 also
    # passes, but the largest drift is kept: 0.1. Months left after July: 5. The
    # method's level lags the latest month by about one month, so the drift lasting to
    # December moves the months left by 2, 3, 4, 5 and 6 × 0.1 (sum 0.1 × 5 × 8 / 2 = 2.0),
    # the year's logit by that over 12 periods: 0.166667.
    assert trend_break(history, 2025, JUL_2025) == pytest.approx(2.0 / 12, abs=1e-6)
    # A fall is a break the other way.
    falling = monthly([0.0] * 6 + [-0.1])
    assert trend_break(falling, 2025, JUL_2025) == pytest.approx(-2.0 / 12, abs=1e-6)


def test_the_months_before_the_jump_and_calm_noise_are_no_break() -> None:
    history = monthly(JUMP)
    # June 2025: the last three months changed by 0, as their months did on average.
    assert trend_break(history, 2025, JUL_2025 - 1) == 0.0
    # A change of 0.065 stands 0.065 from its month's mean: under 0.069710, no break; and a
    # run of two (0.065 + 0) / 2 = 0.0325 and three 0.0217 are under theirs too.
    assert trend_break(monthly([0.0] * 6 + [0.065]), 2025, JUL_2025) == 0.0
    # 0.075 alone is over the one-month threshold: (2 + … + 6) / 12 × 0.075 = 0.125.
    assert trend_break(monthly([0.0] * 6 + [0.075]), 2025, JUL_2025) == pytest.approx(0.125)


def test_a_drift_over_three_months_is_a_break_even_when_no_month_is() -> None:
    # Three changes of 0.045 from May to July: one month's 0.045 is under 0.069710; two
    # months' mean 0.045 is under 0.049292; three months' mean 0.045 is over 0.040247.
    # Break 0.045, moving the year's logit by 0.045 × (2 + … + 6) / 12 = 0.045 × 20 / 12
    # = 0.075.
    history = monthly([0.0] * 4 + [0.045, 0.045, 0.045])
    assert trend_break(history, 2025, JUL_2025) == pytest.approx(0.075)


def test_a_method_reading_the_latest_month_itself_has_no_lag() -> None:
    # The random walk with drift starts from July itself: the months left move by
    # 1, 2, …, 5 × 0.1, the year's logit by 15 × 0.1 / 12 = 0.125 (with a lag of one: 0.1667).
    assert trend_break(monthly(JUMP), 2025, JUL_2025, lag=0) == pytest.approx(0.125)


def test_a_january_jump_is_a_break_for_the_whole_year() -> None:
    # January 2025 rises 0.1 where January's one earlier change was −0.01: residual 0.11.
    # A mean of one year: the new residual varies as sd² × 2, so the limit is
    # 4.0247 × 0.0141421 × √2 = 0.080494. Eleven months left: 0.11 × (2 + … + 12) / 12
    # = 0.11 × 77 / 12 = 0.705833.
    assert trend_break(monthly([0.1]), 2025, 2025 * 12) == pytest.approx(0.705833, abs=1e-6)


def test_a_spike_that_returns_is_no_break_the_other_way() -> None:
    # May 2025 +0.2, June −0.2 (back where it was), July 0.
    history = monthly([0.0] * 4 + [0.2, -0.2, 0.0])
    # At the end of May the spike is all there is to see: a break up,
    # 0.2 × (2 + … + 8) / 12 = 0.2 × 35 / 12 = 0.583333.
    assert trend_break(history, 2025, JUL_2025 - 2) == pytest.approx(0.583333, abs=1e-6)
    # June alone (−0.2) and June–July ((−0.2 + 0) / 2 = −0.1, over 0.049292) stand off
    # downwards, but each only takes May back: May alone was over its limit upwards, and
    # May with them nets to 0. No break.
    assert trend_break(history, 2025, JUL_2025 - 1) == 0.0
    assert trend_break(history, 2025, JUL_2025) == 0.0


def test_a_month_that_does_not_fall_as_usual_is_a_break() -> None:
    # From January 2022: every January falls by 0.2 (2023, 2024); the other months change
    # by +0.01, −0.01, +0.01 in 2022, 2023, 2024 (mean 0.003333, residuals 0.006667,
    # −0.013333, 0.006667). 35 changes, 12 means: 23 degrees of freedom,
    # sd = √(11 × 0.00026667 / 23) = 0.011292. January 2025 does not fall (0.0): residual
    # +0.2; its mean is of two years (× √1.5); t with 23 degrees of freedom at 99.9 % is
    # 3.4850: limit 3.4850 × 0.011292 × 1.2247 = 0.048197. A break up, eleven months left:
    # 0.2 × 77 / 12 = 1.283333. Against the mean of every change, January 2025 would be
    # nothing unusual (+0.008).
    changes = [0.01] * 11 + [-0.2] + [-0.01] * 11 + [-0.2] + [0.01] * 11 + [0.0]
    history = history_of(changes, 2022 * 12)
    assert trend_break(history, 2025, 2025 * 12) == pytest.approx(1.283333, abs=1e-6)


def test_a_usual_seasonal_step_is_no_break() -> None:
    # January 2024 fell by 0.05 (the other months of 2023 +0.01, of 2024 −0.01): January's
    # mean change is −0.05, so January 2025's −0.05 is no drift at all. Against the mean of
    # every calm change, (0.11 − 0.05 − 0.11) / 23 = −0.0022 (sd about 0.0143), it would
    # stand 0.048 off, over the one-month threshold: a break if the season were ignored.
    changes = [0.01] * 11 + [-0.05] + [-0.01] * 11 + [-0.05]  # to January 2025
    history = history_of(changes, JAN_2023)
    assert trend_break(history, 2025, 2025 * 12) == 0.0


def test_no_break_without_calm_history_months_left_or_monthly_data() -> None:
    # December 2025 is the last month of the year: nothing left to move.
    history = monthly([0.0] * 11 + [0.1])
    assert trend_break(history, 2025, 2025 * 12 + 11) == 0.0
    # The first year of the data (2023): no change before the year to compare with.
    assert trend_break(monthly(JUMP, first=JAN_2023), 2023, JAN_2023 + 6) == 0.0
    # Quarterly data (a quarter is a quarter of the year) are not judged: a second-quarter
    # jump of 0.5 against calm quarters' ±0.01 (7 changes, 4 means: 3 degrees of freedom,
    # t 10.215; limit 10.215 × 0.014142 × √1.5 = 0.1769) would otherwise be a break.
    changes = [0.01] * 3 + [-0.01] * 4 + [0.0, 0.5]  # 2023 Q2 … 2025 Q2
    quarterly = history_of(changes, 2023 * 4, period=4)
    assert trend_break(quarterly, 2025, 2025 * 4 + 1) == 0.0


def test_the_break_leans_the_band_and_its_two_ends_are_the_fifty_percent_band() -> None:
    calibration = calibrate(
        np.array([1, 1, 1]), np.array([0.002, -0.002, 0.002]), [2022, 2023, 2024]
    )
    # Three test years: 3 degrees of freedom; no bias beyond chance, so the location is 0.
    assert calibration.dof == 3
    assert calibration.location(1) == 0.0
    base = calibration.spread(1)
    assert base == pytest.approx(0.002)
    leaning = calibration.with_break(0.2)
    # Half the shift in its direction: the centre moves by 0.1.
    assert leaning.location(1) == pytest.approx(0.1)
    # The 75 % quantile of t with 3 degrees of freedom is 0.764892 (tables): the break's
    # part of the spread is 0.1 / 0.764892 = 0.130737, in quadrature with 0.002: 0.130752.
    assert leaning.spread(1) == pytest.approx(math.hypot(0.002, 0.1 / 0.764892), rel=1e-5)
    # So the 50 % band runs from about the point (the break stopping now) to about the
    # point + 0.2 (lasting to the judgement date).
    low, high = leaning.values(0.0, 1, np.array([-0.764892, 0.764892]))
    assert low == pytest.approx(0.0, abs=0.001)
    assert high == pytest.approx(0.2, abs=0.001)
    # Downwards the same, mirrored; and no break changes nothing.
    falling = calibration.with_break(-0.2)
    assert falling.location(1) == pytest.approx(-0.1)
    assert falling.spread(1) == pytest.approx(leaning.spread(1))
    assert calibration.with_break(0.0) is calibration
    # A calibration with no location at all leans by the half shift too.
    bare = dataclasses.replace(calibration, locations=None).with_break(0.2)
    assert bare.location(1) == pytest.approx(0.1)


def test_a_projection_after_a_jump_leans_up_and_says_why() -> None:
    from scipy.special import logit

    from metrics.projection import project_year
    from tests.unit.test_projection import ONLINE, monthly_flow_series

    calm = monthly_flow_series(end="2025-08-01")
    jumped = calm.copy()
    # July and August 2025 0.4 higher on the logit scale than the trend (noise sd 0.05).
    after = (jumped["period_month"] >= "2025-07-01").to_numpy()
    share = expit(logit(calm["numerator"] / calm["denominator"]) + 0.4 * after)
    jumped["numerator"] = np.round(share * calm["denominator"])
    jumped["value"] = 100 * jumped["numerator"] / jumped["denominator"]
    before = project_year(calm, ONLINE, 2025, n_paths=100)
    broken = project_year(jumped, ONLINE, 2025, n_paths=100)
    assert before.reason_parts["break"] == ""
    assert broken.reason_parts["break"] == "up"
    assert "rose unusually fast" in broken.reason and "unusually" not in before.reason
    assert before.lower_80 is not None and before.upper_80 is not None
    assert broken.lower_80 is not None and broken.upper_80 is not None
    # The same data with the break rule switched off: the band neither leans nor widens.
    with mock.patch("metrics.projection.trend_break", return_value=0.0):
        unleaned = project_year(jumped, ONLINE, 2025, n_paths=100)
    assert unleaned.reason_parts["break"] == ""
    assert unleaned.central is not None and broken.central is not None
    assert unleaned.lower_80 is not None and unleaned.upper_80 is not None
    assert broken.central > unleaned.central
    assert broken.upper_80 - broken.lower_80 > unleaned.upper_80 - unleaned.lower_80
