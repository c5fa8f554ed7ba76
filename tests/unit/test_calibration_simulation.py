"""The calibrated bands hold new errors about as often as they say (a simulation).

Synthetic backtest errors go through the project's own :func:`metrics.backtest.calibrate`
and :meth:`Calibration.values`, as a year's projection would: ``years`` earlier test
years, three horizons pooled as monthly data are (window 1), and a year's origins share
its outcome (one normal draw per year, the same at each of its horizons: a year is one
draw). The errors have standard deviation ``SIGMA`` and a bias of 0 or 2 standard
deviations. Each calibration's 50 % and 80 % bands at each horizon are then held against
``NEW`` new years' errors from the same distribution.

The figure checked is the mean, over ``REPLICATIONS`` calibrations, of the share of new
errors inside the band: the coverage a leader can expect. Its noise comes mostly from the
calibrations (the share inside one calibration's band varies with the few years it was
estimated from; measured standard deviation 0.14–0.21 between calibrations, so at most
0.21 / √80 ≈ 0.024 on the mean; the new draws add √(0.16 / 80,000) ≈ 0.0014). The
accepted ranges, 72–88 % for the 80 % band and 42–58 % for the 50 % band, are at least
3.3 of those standard deviations either side.

Measured on this commit's rule (the spread about zero around the bias-shifted centre;
80 % band / 50 % band): no bias, 77–80 % / 46–48 % (2, 3 and 4 test years); a bias of
2 standard deviations, 94 % / 71 % (2 years), 97 % / 82 % (3), 98 % / 84 % (4): the bias
is counted both in the centre and in the width. Those three cases are expected failures
(strict: the day the rule is fixed the test says so).

Tried and not kept (29 November 2026): the predictive interval about the location where
the t test shows a bias (location ± t(years − 1) × spread about it × √(1 + 1/years)):
biased cases 77–78 % / 39–48 %, but without a bias 71 % / 42 % (2 and 3 years) and
74 % / 44 % (4) — the t test moves the band exactly when the years' spread happens to be
small, so the moved band is too narrow (and in the real-time replay the online share's
80 % band on the seed-7 demo fell from 70 % to 68 % of origins). The same interval used
always (no t test) holds 80 % / 48 % at every bias, but in the replay the digital
economy's 80 % band then held the actual value at 100 % of its origins (demo).
"""

from __future__ import annotations

import numpy as np
import pytest

from metrics.backtest import calibrate

SIGMA = 0.1
"""Standard deviation of a year's error (bounded scale)."""
HORIZONS = np.arange(1, 4)
REPLICATIONS = 80
NEW = 1000


def coverage(years: int, bias: float, seed: int) -> tuple[float, float]:
    """Mean share of new errors inside the 50 % and the 80 % band."""
    rng = np.random.default_rng(seed)
    horizons = np.tile(HORIZONS, years)
    test_years = np.repeat(np.arange(2020, 2020 + years), HORIZONS.size).tolist()
    inside_50: list[float] = []
    inside_80: list[float] = []
    for _ in range(REPLICATIONS):
        draws = rng.standard_normal(years)
        errors = SIGMA * (bias + np.repeat(draws, HORIZONS.size))
        calibration = calibrate(horizons, errors, test_years, window=1)
        z = calibration.quantiles([0.25, 0.75, 0.10, 0.90])
        new = SIGMA * (bias + rng.standard_normal(NEW))
        for horizon in HORIZONS:
            low_50, high_50, low_80, high_80 = calibration.values(0.0, int(horizon), z)
            inside_50.append(float(np.mean((low_50 <= new) & (new <= high_50))))
            inside_80.append(float(np.mean((low_80 <= new) & (new <= high_80))))
    return float(np.mean(inside_50)), float(np.mean(inside_80))


BIASED = pytest.mark.xfail(
    strict=True,
    reason="the spread about zero keeps the bias it is also centred on: 80 % band 94–98 %",
)
CASES = [
    pytest.param(years, bias, id=f"{years}-years-bias-{bias:g}sd", marks=BIASED if bias else [])
    for bias in (0.0, 2.0)
    for years in (2, 3, 4)
]


@pytest.mark.parametrize(("years", "bias"), CASES)
def test_the_bands_hold_new_errors_about_as_often_as_they_say(years: int, bias: float) -> None:
    held_50, held_80 = coverage(years, bias, seed=years * 10 + int(bias))
    assert 0.72 <= held_80 <= 0.88, (years, bias, held_50, held_80)
    assert 0.42 <= held_50 <= 0.58, (years, bias, held_50, held_80)
