"""Whether a value meets a target: the one home of that rule.

A target's comparator (``">="`` for "at least", ``"<="`` for "at most") says which side of
the target value meets it; the value exactly on the target meets it either way. The
projection's probability, the required pace, a year's result, a unit's status in the
attention list and every badge that says "met" or "missed" read this module.
"""

from __future__ import annotations

from typing import overload

import numpy as np

from metrics.registry import Comparator, Direction

COMPARATORS: tuple[Comparator, ...] = (">=", "<=")


def _check(comparator: str) -> None:
    if comparator not in COMPARATORS:
        raise ValueError(
            f"comparator must be one of {', '.join(COMPARATORS)}; got {comparator!r} "
            "(a target is met at or above '>=', at or below '<=')"
        )


@overload
def meets(value: float, target: float, comparator: Comparator) -> bool: ...
@overload
def meets(value: np.ndarray, target: float, comparator: Comparator) -> np.ndarray: ...
def meets(value: float | np.ndarray, target: float, comparator: Comparator) -> bool | np.ndarray:
    """Whether ``value`` meets ``target`` under ``comparator``.

    Parameters
    ----------
    value : float or ndarray
        One value or many (e.g. simulated year-end values).
    target : float
        The target value, in the indicator's unit.
    comparator : {">=", "<="}
        ``">="``: met at or above the target; ``"<="``: met at or below it.

    Returns
    -------
    bool or ndarray of bool
        A missing value (NaN) never meets a target.

    Raises
    ------
    ValueError
        For any other comparator.

    Examples
    --------
    >>> meets(50.0, 50.0, ">="), meets(49.99, 50.0, ">="), meets(50.0, 50.0, "<=")
    (True, False, True)
    >>> meets(np.array([10.0, 20.0, np.nan]), 15.0, "<=").tolist()
    [True, False, False]
    """
    _check(comparator)
    array = np.asarray(value, dtype="float64")
    result = array >= target if comparator == ">=" else array <= target
    if np.ndim(result) == 0:
        return bool(result)
    return np.asarray(result, dtype=bool)


@overload
def shortfall(value: float, target: float, comparator: Comparator) -> float: ...
@overload
def shortfall(value: np.ndarray, target: float, comparator: Comparator) -> np.ndarray: ...
def shortfall(
    value: float | np.ndarray, target: float, comparator: Comparator
) -> float | np.ndarray:
    """How far ``value`` falls short of ``target``: positive when short, ≤ 0 when met.

    In the unit of the values (percentage points for a rate).

    Examples
    --------
    >>> shortfall(45.0, 50.0, ">="), shortfall(45.0, 50.0, "<=")
    (5.0, -5.0)
    """
    _check(comparator)
    array = np.asarray(value, dtype="float64")
    result = target - array if comparator == ">=" else array - target
    if np.ndim(result) == 0:
        return float(result)
    return np.asarray(result, dtype="float64")


def comparator_for(direction: Direction) -> Comparator:
    """The comparator a benchmark is judged by when only the direction is known.

    The milestone path of disbursement and a unit's year-end target carry no comparator
    of their own: higher is better means "at least", lower is better "at most".

    Examples
    --------
    >>> comparator_for("higher"), comparator_for("lower")
    ('>=', '<=')
    """
    if direction == "higher":
        return ">="
    if direction == "lower":
        return "<="
    raise ValueError(f"direction must be 'higher' or 'lower'; got {direction!r}")
