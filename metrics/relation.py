"""How two rates go together across units (on-time processing and satisfaction), fitted
with statsmodels and reported with its uncertainty.

A weighted least-squares line (each unit weighted by the dossiers its satisfaction rests
on, so a ward of 40,000 rated dossiers counts for more than one of 40), with standard
errors robust to unequal spread (HC3), and the 95 % confidence band of the fitted mean.
It describes units side by side in one period; it does not say that raising one rate
would raise the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

MIN_UNITS = 10
"""Fewer units than this: no line is fitted (the page says so)."""
GRID_POINTS = 50


@dataclass(frozen=True, slots=True)
class Relation:
    """A fitted line ``y = intercept + slope · x`` across units, and how sure it is."""

    n_units: int
    slope: float
    """Percentage points of ``y`` per percentage point of ``x``."""
    slope_low: float
    slope_high: float
    """The slope's 95 % confidence interval (HC3 standard errors)."""
    intercept: float
    r_squared: float
    p_value: float
    """Of the slope (HC3), against no relation."""
    x_low: float
    x_high: float
    """The range of ``x`` the units cover: the line is drawn only there."""
    band: pd.DataFrame = field(compare=False, repr=False)
    """``x``, ``mean``, ``lower``, ``upper``: the fitted mean and its 95 % confidence band
    over the units' range of ``x``."""


def fit_relation(points: pd.DataFrame) -> Relation | None:
    """Fit ``y`` on ``x`` across units, weighted by ``weight``.

    Parameters
    ----------
    points
        One row per unit: ``x``, ``y`` (percent), ``weight`` (e.g. dossiers rated).
        Rows with a missing value or a weight ≤ 0 are left out.

    Returns
    -------
    Relation or None
        None with fewer than :data:`MIN_UNITS` usable units, or when ``x`` does not vary.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.uniform(90, 100, 60)
    >>> frame = pd.DataFrame({"x": x, "y": 20 + 0.7 * x + rng.normal(0, 0.5, 60),
    ...                       "weight": 100.0})
    >>> relation = fit_relation(frame)
    >>> round(relation.slope, 1), relation.slope_low < 0.7 < relation.slope_high
    (0.7, True)
    """
    usable = points.dropna(subset=["x", "y", "weight"])
    usable = usable[usable["weight"] > 0]
    if len(usable) < MIN_UNITS or float(usable["x"].std()) == 0.0:
        return None
    design = sm.add_constant(usable["x"].to_numpy(dtype="float64"))
    model = sm.WLS(
        usable["y"].to_numpy(dtype="float64"),
        design,
        weights=usable["weight"].to_numpy(dtype="float64"),
    ).fit(cov_type="HC3")
    low, high = model.conf_int(alpha=0.05)[1]
    x_low, x_high = float(usable["x"].min()), float(usable["x"].max())
    grid = np.linspace(x_low, x_high, GRID_POINTS)
    prediction = model.get_prediction(sm.add_constant(grid, has_constant="add"))
    frame = prediction.summary_frame(alpha=0.05)
    band = pd.DataFrame(
        {
            "x": grid,
            "mean": frame["mean"].to_numpy(),
            "lower": frame["mean_ci_lower"].to_numpy(),
            "upper": frame["mean_ci_upper"].to_numpy(),
        }
    )
    return Relation(
        n_units=len(usable),
        slope=float(model.params[1]),
        slope_low=float(low),
        slope_high=float(high),
        intercept=float(model.params[0]),
        r_squared=float(model.rsquared),
        p_value=float(model.pvalues[1]) if math.isfinite(float(model.pvalues[1])) else 1.0,
        x_low=x_low,
        x_high=x_high,
        band=band,
    )
