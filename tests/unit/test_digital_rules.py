"""The digital economy's share of GRDP (metrics/digital.py): the rules behind the share,
the path to the 2026 and 2030 targets and the growth the digital economy needs.

Expected numbers are worked by hand from the rule written in each test: the share's odds
are ``s / (1 − s)`` (25 % → 1/3, 20 % → 1/4, 50 % → 1, 80 % → 4), and the growth needed
relative to the rest of GRDP is ``(odds(target) / odds(share)) ^ (1 / years) − 1``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from metrics.digital import (
    annual_values,
    nominal_growth,
    observed_relative_growth,
    odds,
    path_to_targets,
    required_relative_growth,
)
from metrics.registry import Indicator, Target, get_indicator

# --- odds and the growth a target needs ------------------------------------------------


@pytest.mark.parametrize(
    ("share_pct", "expected"),
    [(25.0, 1 / 3), (20.0, 0.25), (50.0, 1.0), (80.0, 4.0), (0.0, 0.0)],
)
def test_odds_are_the_share_over_the_rest(share_pct: float, expected: float) -> None:
    """s / (1 − s) with s in percent: 80 % of GRDP is four times the rest."""
    assert odds(share_pct) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("share", "target", "years", "expected"),
    [
        # odds 1/4 → 1 is ×4 in one year: the digital economy grows 300 % faster
        (20.0, 50.0, 1, 3.0),
        # ×4 over two years is ×2 a year: 100 % faster each year
        (20.0, 50.0, 2, 1.0),
        # odds 1 → 4 over two years: ×2 a year
        (50.0, 80.0, 2, 1.0),
        # a share that stays where it is needs the same growth as the rest
        (50.0, 50.0, 3, 0.0),
        # odds 4 → 1/4 is ×1/16, over two years ×1/4 a year: 75 % slower
        (80.0, 20.0, 2, -0.75),
    ],
)
def test_required_relative_growth_moves_the_odds_to_the_target(
    share: float, target: float, years: int, expected: float
) -> None:
    result = required_relative_growth(share, target, years)
    assert isinstance(result, float)
    assert result == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("share", "target", "years"),
    [
        (20.0, 50.0, 0),  # no year to do it in
        (20.0, 50.0, -1),
        (0.0, 50.0, 2),  # a share of 0 % has no odds to grow from
        (100.0, 50.0, 2),  # nor has 100 %
        (120.0, 50.0, 2),
        (20.0, 0.0, 2),
        (20.0, 100.0, 2),
        (20.0, -5.0, 2),
    ],
)
def test_required_relative_growth_is_none_without_a_year_or_outside_0_100(
    share: float, target: float, years: int
) -> None:
    assert required_relative_growth(share, target, years) is None


def test_required_relative_growth_just_inside_the_bounds() -> None:
    """One year is enough to have a rate; shares just inside (0, 100) have odds."""
    assert required_relative_growth(50.0, 80.0, 1) == pytest.approx(3.0)
    # odds(99) / odds(1) = 99 / (1/99) = 9801
    assert required_relative_growth(1.0, 99.0, 1) == pytest.approx(9800.0)
    assert required_relative_growth(99.0, 1.0, 1) == pytest.approx(1 / 9801 - 1)


# --- a basis's annual values -------------------------------------------------------------


def _quarters(
    year: int, months: list[int], numerators: list[float], denominators: list[float]
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_year": [year] * len(months),
            "period_month": pd.to_datetime([dt.date(year, m, 1) for m in months]),
            "numerator": numerators,
            "denominator": denominators,
        }
    )


def test_annual_values_are_ratios_of_sums_with_the_quarters_observed() -> None:
    # 2024: 1+2+3+4 = 10 of 10+10+10+10 = 40 → 25 %, four quarters: complete.
    # 2025: 3+5 = 8 of 10+30 = 40 → 20 % (not the mean of 30 % and 16.7 %), two quarters.
    series = pd.concat(
        [
            _quarters(2025, [6, 3], [5.0, 3.0], [30.0, 10.0]),
            _quarters(2024, [3, 6, 9, 12], [1.0, 2.0, 3.0, 4.0], [10.0, 10.0, 10.0, 10.0]),
        ],
        ignore_index=True,
    )
    out = annual_values(series)
    assert list(out.columns) == [
        "year",
        "value",
        "quarters",
        "is_complete",
        "numerator",
        "denominator",
    ]
    assert out.index.tolist() == [0, 1]
    assert out.to_dict("records") == [
        {
            "year": 2024,
            "value": 25.0,
            "quarters": 4,
            "is_complete": True,
            "numerator": 10.0,
            "denominator": 40.0,
        },
        {
            "year": 2025,
            "value": 20.0,
            "quarters": 2,
            "is_complete": False,
            "numerator": 8.0,
            "denominator": 40.0,
        },
    ]
    assert [str(out[c].dtype) for c in out.columns] == [
        "int64",
        "float64",
        "int64",
        "bool",
        "float64",
        "float64",
    ]


def test_annual_values_of_an_empty_series_is_an_empty_table_with_its_columns() -> None:
    empty = _quarters(2025, [], [], [])
    out = annual_values(empty)
    assert out.empty
    assert list(out.columns) == [
        "year",
        "value",
        "quarters",
        "is_complete",
        "numerator",
        "denominator",
    ]


# --- observed growth, never across the merger ------------------------------------------


def _annual(rows: list[tuple[int, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "value", "is_complete"])


def test_observed_relative_growth_between_consecutive_complete_years_of_one_territory() -> None:
    annual = _annual(
        [
            (2026, 50.0, True),
            (2021, 80.0, True),
            (2020, 50.0, True),
            (2022, 10.0, False),  # incomplete: neither a start nor an end
            (2023, 25.0, True),
            (2024, 50.0, True),
            (2025, 80.0, True),
        ]
    )
    out = observed_relative_growth(annual)
    assert list(out.columns) == ["year", "relative_growth"]
    # 2020 → 2021: odds 1 → 4, +300 %.  2021 → 2023: not consecutive (2022 incomplete).
    # 2023 → 2024: odds 1/3 → 1, +200 %.  2024 → 2025: the merger, a change of territory.
    # 2025 → 2026: odds 4 → 1, −75 %.
    assert out["year"].tolist() == [2021, 2024, 2026]
    assert out["relative_growth"].tolist() == pytest.approx([3.0, 2.0, -0.75])


def test_observed_relative_growth_of_a_single_year_is_empty_with_its_columns() -> None:
    out = observed_relative_growth(_annual([(2024, 20.0, True), (2025, 30.0, False)]))
    assert out.empty
    assert list(out.columns) == ["year", "relative_growth"]


# --- the path to the targets -------------------------------------------------------------


def _target(year: int, value: float, *, is_year_end: bool = True, month: int = 12) -> Target:
    due = dt.date(year, month, 30 if month in (6, 9) else 31)
    return Target(year, value, ">=", due, "nguồn", "source", "", is_year_end=is_year_end)


def _digital_with(*targets: Target) -> Indicator:
    return dataclasses.replace(get_indicator("digital_economy_share_grdp"), targets=targets)


PATH_COLUMNS = ["year", "target", "gap_pp", "years", "pp_per_year", "relative_growth"]


def test_path_to_targets_gives_each_later_year_end_target_what_it_needs() -> None:
    indicator = _digital_with(
        _target(2030, 40.0),
        _target(2026, 30.0),
        _target(2026, 27.0, is_year_end=False, month=6),  # a milestone, not a target
        _target(2025, 25.0),  # the base year itself: nothing left to reach
        _target(2024, 22.0),
        _target(2031, 50.0),  # after the last target year (2030 by default)
    )
    path = path_to_targets(indicator, 2025, 20.0)
    assert list(path.columns) == PATH_COLUMNS
    rows = path.to_dict("records")
    assert [r["year"] for r in rows] == [2026, 2030]
    assert [r["target"] for r in rows] == [30.0, 40.0]
    assert [r["gap_pp"] for r in rows] == pytest.approx([10.0, 20.0])
    assert [r["years"] for r in rows] == [1, 5]
    # 10 points in one year; 20 points in five years, 4 a year
    assert [r["pp_per_year"] for r in rows] == pytest.approx([10.0, 4.0])
    # 2026: odds(30) = 3/7 over odds(20) = 1/4 is 12/7 in one year.
    # 2030: odds(40) = 2/3 over 1/4 is 8/3, over five years.
    assert [r["relative_growth"] for r in rows] == pytest.approx(
        [12 / 7 - 1, (8 / 3) ** (1 / 5) - 1]
    )


def test_path_to_targets_stops_at_the_last_target_year() -> None:
    indicator = _digital_with(_target(2030, 40.0), _target(2026, 30.0))
    path = path_to_targets(indicator, 2025, 20.0, last_target_year=2026)
    assert path["year"].tolist() == [2026]
    assert path_to_targets(indicator, 2025, 20.0, last_target_year=2029)["year"].tolist() == [2026]
    assert path_to_targets(indicator, 2025, 20.0, last_target_year=2030)["year"].tolist() == [
        2026,
        2030,
    ]


def test_path_to_targets_a_target_already_met_needs_negative_points() -> None:
    indicator = _digital_with(_target(2027, 20.0))
    row = path_to_targets(indicator, 2025, 50.0).iloc[0]
    # −30 points over two years; odds 1 → 1/4 over two years: ×1/2 a year, 50 % slower
    assert float(row["gap_pp"]) == pytest.approx(-30.0)
    assert float(row["pp_per_year"]) == pytest.approx(-15.0)
    assert float(row["relative_growth"]) == pytest.approx(-0.5)


def test_path_to_targets_without_a_later_target_is_empty_with_its_columns() -> None:
    indicator = _digital_with(_target(2025, 25.0))
    path = path_to_targets(indicator, 2025, 20.0)
    assert path.empty
    assert list(path.columns) == PATH_COLUMNS


# --- GRDP's nominal growth -----------------------------------------------------------------


def _grdp(rows: list[tuple[int, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "numerator", "is_complete"])


GRDP = _grdp(
    [
        (2022, 100.0, True),
        (2023, 110.0, True),
        (2024, 130.0, False),  # incomplete: not a year to grow from or into
        (2025, 200.0, True),
        (2026, 250.0, True),
        (2027, 0.0, True),
        (2028, 10.0, True),
        (2029, float("nan"), True),
        (2030, 1.0, True),
        (2031, 1.5, True),
    ]
)


def test_nominal_growth_is_the_change_in_amount_between_complete_years() -> None:
    assert nominal_growth(GRDP, 2023) == pytest.approx(0.10)  # 110 / 100 − 1
    assert nominal_growth(GRDP, 2026) == pytest.approx(0.25)  # 250 / 200 − 1, after the merger
    assert nominal_growth(GRDP, 2027) == pytest.approx(-1.0)  # 0 / 250 − 1
    assert nominal_growth(GRDP, 2031) == pytest.approx(0.5)  # any amount above 0 grows


@pytest.mark.parametrize(
    ("year", "why"),
    [
        (2022, "no year before"),
        (2024, "the year is incomplete"),
        (2025, "the merger: a change of territory (and 2024 is incomplete)"),
        (2028, "nothing to grow from (2027 is 0)"),
        (2029, "the amount is not a number"),
        (2033, "no data"),
    ],
)
def test_nominal_growth_is_none_where_there_is_no_growth_to_read(year: int, why: str) -> None:
    assert nominal_growth(GRDP, year) is None, why


def test_nominal_growth_is_none_across_the_merger_even_with_both_years_complete() -> None:
    grdp = _grdp([(2024, 100.0, True), (2025, 300.0, True), (2026, 330.0, True)])
    assert nominal_growth(grdp, 2025) is None
    assert nominal_growth(grdp, 2026) == pytest.approx(0.10)
