"""Status (on track / at risk / off track) and trend (improving / stable / worsening).

The rules are the registry's :class:`~metrics.registry.StatusRule`; this module only
applies them, so the boundaries are tested in one place (``tests/unit/test_status.py``
and the golden cases in ``tests/golden/status_rules.yaml``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum

import numpy as np

from metrics.registry import Direction, StatusRule

TREND_WINDOW = 3
"""Trend compares the mean of the last ``TREND_WINDOW`` periods with the ones before."""


class Status(StrEnum):
    """Whether the year-end target will be reached."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ASSESSABLE = "not_assessable"


class Trend(StrEnum):
    """Which way the indicator has been moving, in the direction that is better."""

    IMPROVING = "improving"
    STABLE = "stable"
    WORSENING = "worsening"
    NOT_ASSESSABLE = "not_assessable"


def _is_missing(number: float | None) -> bool:
    return number is None or (isinstance(number, float) and math.isnan(number))


def status_from_probability(probability: float | None, rule: StatusRule, n_points: int) -> Status:
    """The status for a probability of reaching the year-end target.

    Parameters
    ----------
    probability : float or None
        Probability (0–1) of reaching the year-end target; None or NaN when there is no
        target or no projection.
    rule : StatusRule
        The indicator's rule (``indicator.status_rule``).
    n_points : int
        Observations the projection rests on.

    Returns
    -------
    Status

    Raises
    ------
    ValueError
        When ``probability`` is outside 0–1 (pass a probability, not a percent).

    Notes
    -----
    not assessable if the probability is missing or ``n_points < rule.min_points``;
    on track if ``p >= rule.on_track_min_probability``; off track if
    ``p < rule.off_track_below_probability``; at risk in between. Exactly 0.75 is on
    track and exactly 0.25 is at risk.

    Examples
    --------
    >>> rule = StatusRule()
    >>> status_from_probability(0.75, rule, n_points=12).value
    'on_track'
    >>> status_from_probability(0.25, rule, n_points=12).value
    'at_risk'
    >>> status_from_probability(0.9, rule, n_points=5).value
    'not_assessable'
    """
    if _is_missing(probability) or n_points < rule.min_points:
        return Status.NOT_ASSESSABLE
    assert probability is not None
    if not 0.0 <= probability <= 1.0:
        raise ValueError(
            f"probability must be between 0 and 1; got {probability} (divide a percentage by 100)"
        )
    if probability >= rule.on_track_min_probability:
        return Status.ON_TRACK
    if probability < rule.off_track_below_probability:
        return Status.OFF_TRACK
    return Status.AT_RISK


def status_from_result(is_met: bool | None) -> Status:
    """The status of a complete year: on track if its target was met, else off track.

    Examples
    --------
    >>> status_from_result(False).value
    'off_track'
    >>> status_from_result(None).value
    'not_assessable'
    """
    if is_met is None:
        return Status.NOT_ASSESSABLE
    return Status.ON_TRACK if is_met else Status.OFF_TRACK


def _trend_from_change(change: float, direction: Direction, stable_band: float) -> Trend:
    better = change if direction == "higher" else -change
    # No change is stable even when the band is 0 (it is neither better nor worse).
    if better == 0 or abs(better) < stable_band:
        return Trend.STABLE
    return Trend.IMPROVING if better > 0 else Trend.WORSENING


def _check_direction(direction: str) -> None:
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower'; got {direction!r}")


def trend_from_series(
    values: Sequence[float] | np.ndarray,
    direction: Direction,
    stable_band: float,
    *,
    weights: Sequence[float] | np.ndarray | None = None,
) -> Trend:
    """The trend of the latest periods: mean of the last 3 against the 3 before.

    Parameters
    ----------
    values : sequence of float
        The indicator's values, oldest first (NaN values are skipped).
    direction : {"higher", "lower"}
        Which way is better (``indicator.direction``).
    stable_band : float
        A change smaller than this (in the indicator's unit) is stable
        (``indicator.status_rule.stable_band``).
    weights : sequence of float, optional
        Weights for the means, e.g. the denominators, so that for a rate the two
        windows are ratios of sums rather than means of ratios. Periods with a
        missing or non-positive weight are skipped.

    Returns
    -------
    Trend
        ``not_assessable`` with fewer than 6 usable values.

    Notes
    -----
    Δ = mean(last 3) − mean(previous 3), negated when lower is better;
    stable if |Δ| < band, improving if Δ ≥ band, worsening if Δ ≤ −band.

    Examples
    --------
    >>> trend_from_series([10, 10, 10, 11, 11, 11], "higher", 0.5).value
    'improving'
    >>> trend_from_series([10, 10, 10, 11, 11, 11], "lower", 0.5).value
    'worsening'
    >>> trend_from_series([10, 10, 10, 10.2, 10.2, 10.2], "higher", 0.5).value
    'stable'
    """
    _check_direction(direction)
    array = np.asarray(values, dtype="float64")
    if weights is None:
        weight_array = np.ones_like(array)
    else:
        weight_array = np.asarray(weights, dtype="float64")
        if weight_array.shape != array.shape:
            raise ValueError(
                f"weights must match values; got {weight_array.shape[0]} weights for "
                f"{array.shape[0]} values"
            )
    usable = np.isfinite(array) & np.isfinite(weight_array) & (weight_array > 0)
    array, weight_array = array[usable], weight_array[usable]
    if array.size < 2 * TREND_WINDOW:
        return Trend.NOT_ASSESSABLE
    last = np.average(array[-TREND_WINDOW:], weights=weight_array[-TREND_WINDOW:])
    previous = np.average(
        array[-2 * TREND_WINDOW : -TREND_WINDOW],
        weights=weight_array[-2 * TREND_WINDOW : -TREND_WINDOW],
    )
    return _trend_from_change(float(last - previous), direction, stable_band)


def trend_year_on_year(
    current: float | None, previous: float | None, direction: Direction, stable_band: float
) -> Trend:
    """The trend of a year-to-date figure against the same point last year.

    For cumulative indicators (disbursement: this year's YTD % at the latest month
    against the same month last year) and for annual ones (the latest four quarters
    against the four a year before).

    Parameters
    ----------
    current, previous : float or None
        This year's and last year's figure at the same point of the year.
    direction : {"higher", "lower"}
    stable_band : float

    Returns
    -------
    Trend
        ``not_assessable`` when either figure is missing.

    Examples
    --------
    >>> trend_year_on_year(40.0, 35.0, "higher", 1.0).value
    'improving'
    >>> trend_year_on_year(40.0, None, "higher", 1.0).value
    'not_assessable'
    """
    _check_direction(direction)
    if _is_missing(current) or _is_missing(previous):
        return Trend.NOT_ASSESSABLE
    assert current is not None and previous is not None
    return _trend_from_change(float(current) - float(previous), direction, stable_band)


NOISE_Z = 2.0
"""How many standard errors of the simulated probability count as noise (about 95 %)."""


def simulation_noise(p_now: float, p_before: float, n_paths: int) -> float:
    """The move of a simulated probability that the simulation alone can make.

    Parameters
    ----------
    p_now, p_before : float
        This period's and the previous period's probability (0–1), each the share of
        ``n_paths`` simulated paths that reach the target.
    n_paths : int
        Paths per simulation (each must be > 0).

    Returns
    -------
    float
        ``NOISE_Z`` × the standard error of the difference of two independent shares:
        2 · √(p₁(1 − p₁)/n + p₀(1 − p₀)/n). Each share's variance is floored at that of
        one path in ``n`` (a share of 0 or 1 is not exact either).

    Examples
    --------
    >>> round(simulation_noise(0.5, 0.5, 2000), 4)
    0.0316
    >>> round(simulation_noise(0.76, 0.74, 2000), 4)
    0.0274
    """
    if n_paths <= 0:
        raise ValueError(f"n_paths must be positive; got {n_paths}")
    floor = (1.0 / n_paths) * (1.0 - 1.0 / n_paths)
    variance = sum(max(p * (1.0 - p), floor) for p in (p_now, p_before)) / n_paths
    return NOISE_Z * math.sqrt(variance)


def status_with_hysteresis(
    status_now: Status,
    p_now: float | None,
    status_before: Status | None,
    p_before: float | None,
    n_paths: int,
) -> tuple[Status, bool]:
    """The status to report, and whether last period's status was kept.

    A status computed from a simulated probability can flip when ``P`` sits on a
    threshold and moves by less than the simulation's own noise. Such a flip is not a
    change in the city's position, so it is not reported: last period's status stands
    until ``P`` has moved by more than :func:`simulation_noise`.

    Parameters
    ----------
    status_now : Status
        This period's status by the registry's rule.
    p_now, p_before : float or None
        This and last period's probability of reaching the target.
    status_before : Status or None
        Last period's status by the rule (None when there is no last period).
    n_paths : int
        Simulated paths behind each probability.

    Returns
    -------
    (Status, bool)
        ``(status_before, True)`` when the status would change but ``|p_now − p_before|``
        is within the noise; ``(status_now, False)`` otherwise. A period that is not
        assessable (or was not) is never held.

    Examples
    --------
    >>> status_with_hysteresis(Status.ON_TRACK, 0.76, Status.AT_RISK, 0.74, 2000)
    (<Status.AT_RISK: 'at_risk'>, True)
    >>> status_with_hysteresis(Status.ON_TRACK, 0.80, Status.AT_RISK, 0.74, 2000)
    (<Status.ON_TRACK: 'on_track'>, False)
    """
    assessable = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)
    if (
        status_before is None
        or status_now == status_before
        or status_now not in assessable
        or status_before not in assessable
        or _is_missing(p_now)
        or _is_missing(p_before)
    ):
        return status_now, False
    assert p_now is not None and p_before is not None
    if abs(p_now - p_before) <= simulation_noise(p_now, p_before, n_paths):
        return status_before, True
    return status_now, False
