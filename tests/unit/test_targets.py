"""The one "meets the target" rule (metrics/targets.py), at its boundaries, and the modules
that judge a value against a target through it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.projection import project_year
from metrics.registry import get_indicator
from metrics.targets import comparator_for, meets, shortfall

ONLINE = get_indicator("online_dossier_share")
NEXT_BELOW_50 = math.nextafter(50.0, 0.0)
NEXT_ABOVE_50 = math.nextafter(50.0, 100.0)


@pytest.mark.parametrize(
    ("value", "comparator", "expected"),
    [
        (50.0, ">=", True),  # exactly on the target meets "at least"
        (NEXT_ABOVE_50, ">=", True),
        (NEXT_BELOW_50, ">=", False),
        (0.0, ">=", False),
        (50.0, "<=", True),  # exactly on the target meets "at most"
        (NEXT_BELOW_50, "<=", True),
        (NEXT_ABOVE_50, "<=", False),
        (100.0, "<=", False),
        (math.nan, ">=", False),
        (math.nan, "<=", False),
    ],
)
def test_meets_at_the_boundary(value: float, comparator: str, expected: bool) -> None:
    result = meets(value, 50.0, comparator)  # type: ignore[arg-type]
    assert result is expected


def test_meets_many_values_at_once() -> None:
    values = np.array([49.0, 50.0, 51.0, np.nan])
    assert meets(values, 50.0, ">=").tolist() == [False, True, True, False]
    assert meets(values, 50.0, "<=").tolist() == [True, True, False, False]
    assert meets(values, 50.0, ">=").dtype == bool


@pytest.mark.parametrize("comparator", [">", "<", "=", "", "at_least"])
def test_an_unknown_comparator_is_refused(comparator: str) -> None:
    with pytest.raises(ValueError, match="comparator must be one of >=, <=") as raised:
        meets(1.0, 1.0, comparator)  # type: ignore[arg-type]
    assert str(raised.value) == (
        f"comparator must be one of >=, <=; got {comparator!r} "
        "(a target is met at or above '>=', at or below '<=')"
    )
    with pytest.raises(ValueError, match="comparator must be one of"):
        shortfall(1.0, 1.0, comparator)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "comparator", "expected"),
    [(45.0, ">=", 5.0), (55.0, ">=", -5.0), (45.0, "<=", -5.0), (55.0, "<=", 5.0)],
)
def test_shortfall_is_positive_when_short(value: float, comparator: str, expected: float) -> None:
    assert shortfall(value, 50.0, comparator) == expected  # type: ignore[arg-type]


def test_shortfall_of_many_values() -> None:
    assert shortfall(np.array([40.0, 60.0]), 50.0, ">=").tolist() == [10.0, -10.0]


def test_the_comparator_follows_the_direction() -> None:
    assert comparator_for("higher") == ">="
    assert comparator_for("lower") == "<="
    with pytest.raises(ValueError, match="direction must be 'higher' or 'lower'"):
        comparator_for("up")  # type: ignore[arg-type]


def test_a_finished_year_exactly_on_the_target_has_probability_one() -> None:
    """The projection counts a value on the target as reaching it (>=, not >)."""
    months = pd.date_range("2025-01-01", "2025-12-01", freq="MS")
    series = pd.DataFrame(
        {"period_year": 2025, "period_month": months, "numerator": 50.0, "denominator": 100.0}
    )
    projection = project_year(series, ONLINE, 2025)
    assert projection.method == "complete"
    assert projection.central == 50.0
    assert projection.probability == 1.0


def test_a_missing_value_from_a_table_never_meets_and_has_no_shortfall() -> None:
    # A pandas column with a gap arrives as objects: None must count as missing, not raise.
    values = np.array([96.0, None, 80], dtype=object)
    assert meets(values, 95.0, ">=").tolist() == [True, False, False]
    gaps = shortfall(values, 95.0, ">=")
    assert gaps[0] == pytest.approx(-1.0)  # 1 point above the target
    assert math.isnan(gaps[1]) and gaps[2] == pytest.approx(15.0)
