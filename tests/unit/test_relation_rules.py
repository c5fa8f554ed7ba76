"""The relation line of on-time processing and satisfaction across units, worked by hand.

Ten units in two groups (a design whose weighted least squares can be done on paper):

- x = 90: four units with y = 80 (weight 1) and one with y = 85 (weight 4). Weighted mean
  (4·80 + 4·85) / 8 = 82.5; leverage w / 8: 1/8 for the light units, 1/2 for the heavy one.
- x = 100: four units with y = 90 (weight 1) and one with y = 100 (weight 4). Weighted mean
  (4·90 + 4·100) / 8 = 95.

The fitted line goes through the two weighted means: slope (95 − 82.5) / 10 = 1.25,
intercept 82.5 − 1.25·90 = −30 (unweighted it would be (92 − 81) / 10 = 1.1 and −18).
Weighted R²: residual sum 4·2.5² + 4·2.5² + 4·5² + 4·5² = 250; between groups
8·6.25² + 8·6.25² = 625 around the mean 88.75; R² = 625 / 875 = 5/7.

HC3 variance of the slope, slope = Σ cᵢ yᵢ with cᵢ = ±wᵢ / 80:
Σ cᵢ² eᵢ² / (1 − hᵢ)² = 4·(1/80)²·6.25·(8/7)² + (1/20)²·6.25·2² + 4·(1/80)²·25·(8/7)²
+ (1/20)²·25·2² = 0.33801020…; standard error 0.58138645; the 95 % interval
1.25 ± 1.959964·0.58138645 = [0.1105035, 2.3894965]; z = 2.1500329, p = 0.0315526.
The band at x = 90: 82.5 ± 1.959964·√6.7602041 = [77.4040167, 87.5959833]; at x = 100:
95 ± 1.959964·√27.0408163 = [84.8080334, 105.1919666].
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from metrics.relation import GRID_POINTS, MIN_UNITS, fit_relation


def _points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": [90.0] * 5 + [100.0] * 5,
            "y": [80.0, 80.0, 80.0, 80.0, 85.0, 90.0, 90.0, 90.0, 90.0, 100.0],
            "weight": [1.0, 1.0, 1.0, 1.0, 4.0, 1.0, 1.0, 1.0, 1.0, 4.0],
        }
    )


def test_the_line_is_weighted_by_the_dossiers_rated() -> None:
    relation = fit_relation(_points())
    assert relation is not None
    assert relation.n_units == 10
    assert relation.slope == pytest.approx(1.25)
    assert relation.intercept == pytest.approx(-30.0)
    assert relation.r_squared == pytest.approx(5 / 7)
    assert (relation.x_low, relation.x_high) == (90.0, 100.0)


def test_the_slope_interval_and_p_value_use_hc3_errors() -> None:
    relation = fit_relation(_points())
    assert relation is not None
    assert relation.slope_low == pytest.approx(0.1105035, abs=1e-6)
    assert relation.slope_high == pytest.approx(2.3894965, abs=1e-6)
    assert relation.p_value == pytest.approx(0.0315526, abs=1e-6)


def test_the_band_is_the_fitted_mean_and_its_95_percent_interval_over_the_units_range() -> None:
    relation = fit_relation(_points())
    assert relation is not None
    band = relation.band
    assert list(band.columns) == ["x", "mean", "lower", "upper"]
    assert len(band) == GRID_POINTS == 50
    assert band["x"].tolist() == pytest.approx(np.linspace(90.0, 100.0, 50).tolist())
    first, last = band.iloc[0], band.iloc[-1]
    assert (first["mean"], last["mean"]) == (pytest.approx(82.5), pytest.approx(95.0))
    assert first["lower"] == pytest.approx(77.4040167, abs=1e-6)
    assert first["upper"] == pytest.approx(87.5959833, abs=1e-6)
    assert last["lower"] == pytest.approx(84.8080334, abs=1e-6)
    assert last["upper"] == pytest.approx(105.1919666, abs=1e-6)


def test_rows_with_a_missing_value_or_no_weight_are_left_out() -> None:
    extra = pd.DataFrame(
        {
            "x": [np.nan, 95.0, 95.0, 95.0, 60.0],
            "y": [50.0, np.nan, 50.0, 50.0, 0.0],
            "weight": [1.0, 1.0, np.nan, 0.0, -3.0],
        }
    )
    relation = fit_relation(pd.concat([_points(), extra], ignore_index=True))
    assert relation is not None
    assert relation.n_units == 10
    assert relation.slope == pytest.approx(1.25)
    assert (relation.x_low, relation.x_high) == (90.0, 100.0)


def test_fewer_than_ten_units_give_no_line() -> None:
    assert MIN_UNITS == 10
    points = _points()
    # Nine units (one light unit of x = 100 dropped) still vary in x, but are too few.
    assert fit_relation(points.drop(index=5)) is None
    # Nine usable units and a tenth without weight: still too few.
    no_weight = points.assign(weight=[0.0, *points["weight"].tolist()[1:]])
    assert fit_relation(no_weight) is None


def test_no_line_when_x_does_not_vary() -> None:
    points = _points().assign(x=95.0)
    assert fit_relation(points) is None


def test_other_columns_do_not_decide_which_units_are_used() -> None:
    # A unit's missing English name (or any other column) does not drop it from the fit.
    names = pd.Series(["a", None, "c", "d", "e", "f", "g", "h", "i", "j"], dtype=object)
    points = _points().assign(name_en=names)
    relation = fit_relation(points)
    assert relation is not None
    assert relation.n_units == 10
    assert relation.slope == pytest.approx(1.25)


def test_figures_read_as_decimals_fit_the_same_line() -> None:
    # PostgreSQL NUMERIC columns arrive as Decimal objects.
    points = _points().map(lambda number: Decimal(str(number))).astype(object)
    relation = fit_relation(points)
    assert relation is not None
    assert relation.slope == pytest.approx(1.25)
    assert relation.intercept == pytest.approx(-30.0)
    assert relation.slope_high == pytest.approx(2.3894965, abs=1e-6)


def test_a_slope_without_any_spread_reads_as_no_evidence() -> None:
    # Every unit at 0 %: slope 0 with a standard error of 0, so the test statistic is 0/0;
    # the page must not show "p = nan" but "no evidence" (p = 1).
    relation = fit_relation(_points().assign(y=0.0))
    assert relation is not None
    assert relation.slope == 0.0
    assert relation.p_value == 1.0
