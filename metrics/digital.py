"""The digital economy's share of GRDP: a basis's annual values, the path to the targets,
and the growth the digital economy needs relative to the rest of GRDP.

If the digital economy is ``D`` and the rest of GRDP is ``R``, the share is
``s = D / (D + R)`` and its odds ``s / (1 − s) = D / R``. Over ``n`` years the odds move
by the ratio of the two growth factors, so reaching share ``s₁`` from ``s₀`` needs

    (1 + g_D) / (1 + g_R) = ((s₁ / (1 − s₁)) / (s₀ / (1 − s₀))) ^ (1 / n)

each year: the digital economy must grow that much faster than the rest of GRDP,
whatever the rest does. Both bases are kept apart: a path or a growth rate is only ever
computed within one basis, and never across the July 2025 merger (2024 → 2025 is a change
of territory, not growth).
"""

from __future__ import annotations

import itertools
import math

import pandas as pd

from metrics.periods import SeriesShape, check_series, yearly_table
from metrics.reference import MERGER_DATE
from metrics.registry import Indicator

MERGED_FROM_YEAR = MERGER_DATE.year
"""The first year whose figures are the merged city's (the published 2025 figures are)."""


def annual_values(series: pd.DataFrame) -> pd.DataFrame:
    """One row per year of an annual indicator kept as quarterly rows.

    Returns
    -------
    DataFrame
        ``year``, ``value`` (ratio of sums of the year's quarters, %), ``quarters``
        (observed), ``is_complete`` (all four quarters), ``numerator``, ``denominator``.

    Examples
    --------
    >>> frame = pd.DataFrame({"period_year": [2025] * 4 + [2026],
    ...     "period_month": pd.to_datetime(["2025-03-01", "2025-06-01", "2025-09-01",
    ...     "2025-12-01", "2026-03-01"]), "numerator": [1.0, 2.0, 3.0, 4.0, 3.0],
    ...     "denominator": [10.0] * 5})
    >>> annual_values(frame)[["year", "value", "is_complete"]].values.tolist()
    [[2025, 25.0, True], [2026, 30.0, False]]
    """
    checked = check_series(series)
    table = yearly_table(checked, SeriesShape.ANNUAL)
    if table.empty:
        return pd.DataFrame(
            columns=["year", "value", "quarters", "is_complete", "numerator", "denominator"]
        )
    sums = checked.groupby("period_year")[["numerator", "denominator"]].sum()
    return pd.DataFrame(
        {
            "year": table["period_year"].astype("int64"),
            "value": table["value"].astype("float64"),
            "quarters": table["periods_observed"].astype("int64"),
            "is_complete": table["is_complete"].astype(bool),
            "numerator": table["period_year"].map(sums["numerator"]).astype("float64"),
            "denominator": table["period_year"].map(sums["denominator"]).astype("float64"),
        }
    ).reset_index(drop=True)


def odds(share_pct: float) -> float:
    """``s / (1 − s)`` for a share in percent.

    Examples
    --------
    >>> odds(25.0)
    0.3333333333333333
    """
    share = share_pct / 100.0
    return share / (1.0 - share)


def required_relative_growth(share_pct: float, target_pct: float, years: int) -> float | None:
    """How much faster than the rest of GRDP the digital economy must grow each year to go
    from ``share_pct`` to ``target_pct`` in ``years`` years (0.10 = 10 % a year faster,
    as a ratio of growth factors); None without a year to do it in.

    Examples
    --------
    >>> round(required_relative_growth(25.0, 30.0, 1), 4)
    0.2857
    >>> round(required_relative_growth(25.0, 40.0, 5), 4)
    0.1487
    """
    if years <= 0 or not 0 < share_pct < 100 or not 0 < target_pct < 100:
        return None
    return float((odds(target_pct) / odds(share_pct)) ** (1.0 / years) - 1.0)


def observed_relative_growth(annual: pd.DataFrame) -> pd.DataFrame:
    """Each complete year's relative growth against the year before, within a territory
    (never across the merger): ``year``, ``relative_growth``.

    Examples
    --------
    >>> frame = pd.DataFrame({"year": [2022, 2023, 2024, 2025], "value": [18.86, 21.5, 22.0,
    ...     25.0], "is_complete": True})
    >>> observed_relative_growth(frame)["year"].tolist()
    [2023, 2024]
    """
    complete = annual[annual["is_complete"].astype(bool)].sort_values("year")
    records = complete.to_dict("records")
    rows = []
    for before, after in itertools.pairwise(records):
        if int(after["year"]) != int(before["year"]) + 1:
            continue
        if int(before["year"]) < MERGED_FROM_YEAR <= int(after["year"]):
            continue  # a change of territory, not growth
        rows.append(
            {
                "year": int(after["year"]),
                "relative_growth": odds(float(after["value"])) / odds(float(before["value"])) - 1,
            }
        )
    return pd.DataFrame(rows, columns=["year", "relative_growth"])


def path_to_targets(
    indicator: Indicator, base_year: int, base_value: float, last_target_year: int = 2030
) -> pd.DataFrame:
    """From the latest complete year, what each later target needs.

    Returns
    -------
    DataFrame
        One row per year-end target after ``base_year`` up to ``last_target_year``:
        ``year``, ``target``, ``gap_pp`` (target − base), ``years``, ``pp_per_year``,
        ``relative_growth`` (:func:`required_relative_growth`).

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> path = path_to_targets(get_indicator("digital_economy_share_grdp"), 2025, 25.0)
    >>> path[["year", "target", "pp_per_year"]].values.tolist()
    [[2026.0, 30.0, 5.0], [2030.0, 40.0, 3.0]]
    """
    rows = []
    for target in sorted(indicator.targets, key=lambda t: t.year):
        if not target.is_year_end or not base_year < target.year <= last_target_year:
            continue
        years = target.year - base_year
        rows.append(
            {
                "year": target.year,
                "target": target.value,
                "gap_pp": target.value - base_value,
                "years": years,
                "pp_per_year": (target.value - base_value) / years,
                "relative_growth": required_relative_growth(base_value, target.value, years),
            }
        )
    return pd.DataFrame(
        rows, columns=["year", "target", "gap_pp", "years", "pp_per_year", "relative_growth"]
    )


def nominal_growth(annual_grdp: pd.DataFrame, year: int) -> float | None:
    """GRDP's nominal growth into ``year`` (complete years, same territory), or None.

    Examples
    --------
    >>> frame = pd.DataFrame({"year": [2025, 2026], "numerator": [100.0, 111.0],
    ...     "is_complete": [True, True]})
    >>> round(nominal_growth(frame, 2026), 2)
    0.11
    """
    complete = annual_grdp[annual_grdp["is_complete"].astype(bool)]
    amounts = dict(
        zip(complete["year"].astype(int), complete["numerator"].astype(float), strict=True)
    )
    if year not in amounts or year - 1 not in amounts:
        return None
    if year - 1 < MERGED_FROM_YEAR <= year:
        return None
    before, after = amounts[year - 1], amounts[year]
    return after / before - 1 if before > 0 and math.isfinite(after) else None
