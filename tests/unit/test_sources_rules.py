"""A declared (city) source's figures, reshaped in pandas as the project's own queries give
them (``data_access.sources``): the percentage of sums, a unit's standing through the
crosswalk, a unit's monthly series, the scope series and the peer ranks and quartiles.

No warehouse: each test builds the sums the source's database would return and states the
expected figures, worked out by hand in a comment.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from data_access import sources
from data_access.queries import UnitFilter

NAN = float("nan")
RATE = "online_dossier_share"  # a rate of communes and departments
COUNT = "dossiers_received"  # a count of communes and departments
CITY_RATE = "digital_economy_share_grdp"  # a city-level rate


def _source(indicator: str = RATE, crosswalk: dict[str, str] | None = None) -> sources.Source:
    return sources.Source(
        indicator=indicator,
        connection="CITY_DW",
        columns={},
        freshness_days=40,
        crosswalk=crosswalk or {},
    )


def _same(actual: list[float], expected: list[float]) -> bool:
    return len(actual) == len(expected) and all(
        (math.isnan(a) and math.isnan(e)) or a == pytest.approx(e)
        for a, e in zip(actual, expected, strict=True)
    )


def test_a_percentage_needs_a_denominator_above_zero() -> None:
    # 100 · 1 ÷ 4 = 25; a denominator of 0 or below gives no figure; 100 · 2 ÷ 8 = 25;
    # a denominator between 0 and 1 is above 0: 100 · 0.25 ÷ 0.5 = 50.
    got = sources._percent(
        pd.Series([1.0, 3.0, 5.0, 2.0, 0.25]), pd.Series([4.0, 0.0, -5.0, 8.0, 0.5])
    )
    assert _same(got.tolist(), [25.0, NAN, NAN, 25.0, 50.0])


UNITS = pd.DataFrame(
    {
        "unit_id": ["25747", "25750", "25760", "25777", "D1", "HCM", "BD"],
        "name_vi": ["Phường A", "Phường B", "Phường C", "Xã D", "Sở E", "Thành phố", "Tỉnh cũ"],
        "name_en": ["Ward A", "Ward B", "Ward C", "Commune D", "Dept E", "City", "Former BD"],
        "unit_type": ["ward", "ward", "ward", "commune", "department", "city", "province"],
        "former_province": [
            *("binh_duong", "binh_duong", "hcmc", "binh_duong"),
            *(None, None, "binh_duong"),
        ],
    }
)


def _sums() -> pd.DataFrame:
    # X1 and X2 are two source codes of ward 25747 (the crosswalk); the others are official.
    # BD is a former province's own row (not a leaf unit).
    return pd.DataFrame(
        {
            "unit_code": ["X1", "X2", "25750", "25760", "25777", "HCM", "BD"],
            "numerator": [1.0, 3.0, 2.0, 6.0, 5.0, 7.0, 9.0],
            "denominator": [4.0, 6.0, 0.0, 8.0, 10.0, 10.0, 10.0],
            "numerator_previous": [1.0, NAN, 3.0, NAN, 0.0, 1.0, 1.0],
            "denominator_previous": [2.0, NAN, 4.0, NAN, 5.0, 2.0, 2.0],
            "is_reported": [True, False, False, True, True, True, True],
        }
    )


def _standing(unit_filter: UnitFilter, indicator: str = RATE) -> pd.DataFrame:
    source = _source(indicator, {"X1": "25747", "X2": "25747"})
    return sources.as_unit_standing(_sums(), source, UNITS, unit_filter)


def test_a_units_standing_sums_its_source_codes_and_keeps_the_leaf_units() -> None:
    frame = _standing(UnitFilter())
    # 25747 = X1 + X2: 1 + 3 = 4 of 4 + 6 = 10 → 40 %; the month before only X1 sent:
    # 1 of 2 → 50 % (a missing figure is not a 0); reported if either code was.
    # 25750: 2 of 0 → no figure; before 3 of 4 → 75 %. 25760: 6 of 8 → 75 %, nothing before
    # (no figure, not 0). 25777: 5 of 10 → 50 %; before 0 of 5 → 0 %.
    # The city's and the former province's own rows are not leaf units: left out. D1 sent
    # nothing: left out. By unit.
    assert frame.columns.tolist() == sources.STANDING_COLUMNS
    assert frame["unit_id"].tolist() == ["25747", "25750", "25760", "25777"]
    assert frame["name_en"].tolist() == ["Ward A", "Ward B", "Ward C", "Commune D"]
    assert frame["unit_type"].tolist() == ["ward", "ward", "ward", "commune"]
    assert _same(frame["numerator"].tolist(), [4.0, 2.0, 6.0, 5.0])
    assert _same(frame["denominator"].tolist(), [10.0, 0.0, 8.0, 10.0])
    assert _same(frame["value"].tolist(), [40.0, NAN, 75.0, 50.0])
    assert _same(frame["numerator_previous"].tolist(), [1.0, 3.0, NAN, 0.0])
    assert _same(frame["denominator_previous"].tolist(), [2.0, 4.0, NAN, 5.0])
    assert _same(frame["value_previous"].tolist(), [50.0, 75.0, NAN, 0.0])
    assert frame["is_reported"].tolist() == [True, False, True, True]
    assert frame["is_demo"].tolist() == [False] * 4


@pytest.mark.parametrize(
    ("unit_filter", "expected"),
    [
        (UnitFilter(unit_types=("ward",)), ["25747", "25750", "25760"]),
        (UnitFilter(former_provinces=("binh_duong",)), ["25747", "25750", "25777"]),
        (UnitFilter(unit_ids=("25777",)), ["25777"]),
        (UnitFilter(former_provinces=("binh_duong",), unit_types=("ward",)), ["25747", "25750"]),
        # Named units are kept only at the indicator's level and within the other filters.
        (UnitFilter(unit_ids=("25777", "HCM", "BD")), ["25777"]),
        (UnitFilter(former_provinces=("hcmc",), unit_ids=("25747", "25760")), ["25760"]),
    ],
)
def test_a_units_standing_follows_the_unit_filter(unit_filter, expected) -> None:
    assert _standing(unit_filter)["unit_id"].tolist() == expected


def test_a_city_level_standing_is_the_citys_row_whatever_the_filter() -> None:
    # The city sent 7 of 10 → 70 %, before 1 of 2 → 50 %; the filter is for unit levels.
    frame = _standing(UnitFilter(unit_types=("ward",)), indicator=CITY_RATE)
    assert frame["unit_id"].tolist() == ["HCM"]
    assert _same(frame["value"].tolist(), [70.0])
    assert _same(frame["value_previous"].tolist(), [50.0])


def _unit_sums() -> pd.DataFrame:
    oct_, sep = dt.date(2026, 10, 1), dt.date(2026, 9, 1)
    return pd.DataFrame(
        {
            "unit_code": ["X1", "X2", "X1", "X2"],
            "period_year": [2026, 2026, 2026, 2026],
            "period_month": [oct_, oct_, sep, sep],
            "numerator": [1.0, 3.0, 5.0, NAN],
            "denominator": [4.0, 6.0, 0.0, NAN],
            "n_rows": [1, 1, 1, 0],
            "n_expected": [1, 1, 1, 1],
        }
    )


def test_a_units_series_sums_its_codes_per_month_in_month_order() -> None:
    # September: X1 5 of 0 (X2 sent nothing) → no figure; 1 row of 2 expected.
    # October: 1 + 3 = 4 of 4 + 6 = 10 → 40 %; 2 rows of 2. September first.
    frame = sources.as_unit_series(_unit_sums(), _source())
    assert frame.columns.tolist() == [
        *("period_year", "period_month", "numerator", "denominator", "value"),
        *("n_units", "n_expected", "is_demo", "last_loaded_at"),
    ]
    assert frame.dtypes.astype(str).tolist() == [
        *("int64", "datetime64[ns]", "float64", "float64", "float64"),
        *("int64", "int64", "bool", "datetime64[ns]"),
    ]
    assert frame["period_month"].tolist() == [pd.Timestamp(2026, 9, 1), pd.Timestamp(2026, 10, 1)]
    assert frame["period_year"].tolist() == [2026, 2026]
    assert _same(frame["numerator"].tolist(), [5.0, 4.0])
    assert _same(frame["denominator"].tolist(), [0.0, 10.0])
    assert _same(frame["value"].tolist(), [NAN, 40.0])
    assert frame["n_units"].tolist() == [1, 2]
    assert frame["n_expected"].tolist() == [2, 2]
    assert frame["is_demo"].tolist() == [False, False]
    assert frame["last_loaded_at"].isna().all()


def test_a_counts_unit_series_is_the_sum_of_its_codes() -> None:
    # A count's figure is the numerator's sum: September 5 (X2 missing, not 0), October 4.
    frame = sources.as_unit_series(_unit_sums(), _source(COUNT))
    assert _same(frame["value"].tolist(), [5.0, 4.0])


def test_the_scope_series_takes_the_year_from_the_month_and_the_rows_as_units() -> None:
    series = pd.DataFrame(
        {
            "period_month": [dt.date(2025, 12, 1), dt.date(2026, 1, 1)],
            "numerator": [3, 9],
            "denominator": [4, 10],
            "value": [75, 90],
            "n_rows": [2, 3],
        }
    )
    frame = sources.as_scope_series(series)
    assert frame["period_year"].tolist() == [2025, 2026]
    assert frame.columns.tolist() == [
        *("period_year", "period_month", "numerator", "denominator", "value"),
        *("n_units", "n_expected", "is_demo", "last_loaded_at"),
    ]
    # A year and a count of units are whole numbers (never "2025.0", "2.0 units").
    assert frame.dtypes.astype(str).tolist() == [
        *("int64", "datetime64[ns]", "float64", "float64", "float64"),
        *("int64", "int64", "bool", "datetime64[ns]"),
    ]
    assert frame["period_month"].tolist() == [pd.Timestamp(2025, 12, 1), pd.Timestamp(2026, 1, 1)]
    assert frame["numerator"].tolist() == [3.0, 9.0]
    assert frame["denominator"].tolist() == [4.0, 10.0]
    assert frame["value"].tolist() == [75.0, 90.0]
    assert frame["n_units"].tolist() == [2, 3]
    assert frame["n_expected"].tolist() == [2, 3]
    assert frame["is_demo"].tolist() == [False, False]
    assert frame["last_loaded_at"].isna().all()


def _ranked(higher_is_better: bool) -> pd.DataFrame:
    standing = pd.DataFrame(
        {
            "unit_id": ["W2", "W1", "W4", "W3", "C1", "C2"],
            "unit_type": ["ward", "ward", "ward", "ward", "commune", "commune"],
            "value": [60.0, 80.0, NAN, 80.0, 50.0, 70.0],
        }
    )
    return sources.rank_standing(standing, higher_is_better)


def test_peer_ranks_share_a_tie_and_leave_a_unit_without_a_figure_unranked() -> None:
    frame = _ranked(higher_is_better=True)
    # Communes first (by type), then wards. Wards 80, 80, 60: W1 and W3 share rank 1, W2 is
    # 3rd (the rank after a tie skips), W4 has no figure: no rank, last. Communes: 70 then 50.
    assert frame["unit_id"].tolist() == ["C2", "C1", "W1", "W3", "W2", "W4"]
    assert frame["peer_rank"].tolist()[:5] == [1, 2, 1, 1, 3]
    assert frame["peer_rank"].isna().tolist() == [False] * 5 + [True]
    assert str(frame["peer_rank"].dtype) == "Int64"
    # Counted: the units with a figure, 2 communes and 3 wards (W4 not counted).
    assert frame["peer_count"].tolist() == [2, 2, 3, 3, 3, 3]
    # Quartiles, linear between the ordered values. Communes 50, 70: at 0.25 · 1 → 55,
    # the median 60, at 0.75 → 65. Wards 60, 80, 80: at 0.25 · 2 = 0.5 → 70, median 80,
    # at 1.5 → 80.
    assert frame["peer_p25"].tolist() == [55.0, 55.0, 70.0, 70.0, 70.0, 70.0]
    assert frame["peer_median"].tolist() == [60.0, 60.0, 80.0, 80.0, 80.0, 80.0]
    assert frame["peer_p75"].tolist() == [65.0, 65.0, 80.0, 80.0, 80.0, 80.0]


def test_peer_ranks_turn_round_when_lower_is_better() -> None:
    frame = _ranked(higher_is_better=False)
    # Wards 60 first, then W1 and W3 share rank 2; communes 50 first.
    assert frame["unit_id"].tolist() == ["C1", "C2", "W2", "W1", "W3", "W4"]
    assert frame["peer_rank"].tolist()[:5] == [1, 2, 1, 2, 2]


def test_every_unit_of_a_three_way_tie_is_first_and_a_type_without_figures_stays() -> None:
    standing = pd.DataFrame(
        {
            "unit_id": ["S1", "S2", "S3", "S4", "I1"],
            "unit_type": ["department"] * 4 + ["investor"],
            "value": [90.0, 90.0, 90.0, 40.0, NAN],
        }
    )
    frame = sources.rank_standing(standing, higher_is_better=True)
    # Three departments at 90 all rank 1 (not the average 2), the fourth is 4th. The
    # investor has no figure and no peer with one: it is still listed, unranked, with no
    # count and no quartiles (not dropped by the join, not a count of 0).
    assert frame.columns.tolist() == [
        *("unit_id", "unit_type", "value", "peer_rank"),
        *("peer_count", "peer_p25", "peer_median", "peer_p75"),
    ]
    assert frame["unit_id"].tolist() == ["S1", "S2", "S3", "S4", "I1"]
    assert frame["peer_rank"].tolist()[:4] == [1, 1, 1, 4]
    assert frame["peer_count"].tolist()[:4] == [4, 4, 4, 4]
    assert frame["peer_rank"].isna().tolist() == [False] * 4 + [True]
    assert frame["peer_count"].isna().tolist() == [False] * 4 + [True]
    assert math.isnan(frame["peer_median"].iloc[4])
    assert frame.dtypes.astype(str).tolist()[3:] == ["Int64", "Int64"] + ["float64"] * 3


def test_a_units_source_codes_are_those_the_crosswalk_turns_into_it() -> None:
    # X1 and X2 become 25747; the source's own "25747" is another unit's (25750), so it
    # does not stand for itself. 25750: the source's "25747", and its own code, which the
    # crosswalk does not list. 25760 is not in the crosswalk: it stands for itself.
    source = _source(crosswalk={"X2": "25747", "X1": "25747", "25747": "25750"})
    assert sources.source_codes(source, "25747") == ["X1", "X2"]
    assert sources.source_codes(source, "25750") == ["25747", "25750"]
    assert sources.source_codes(source, "25760") == ["25760"]


def test_a_standing_read_with_whole_number_flags_says_reported_or_not() -> None:
    # SQLite returns the flag as 0 or 1: the standing says True or False.
    sums = _sums().assign(is_reported=[1, 0, 0, 1, 1, 1, 1])
    frame = sources.as_unit_standing(sums, _source(crosswalk={"X1": "25747"}), UNITS, UnitFilter())
    assert frame["is_reported"].dtype == bool
    # X1 is 25747 (1); X2 is no unit of the project: not shown; 25750 0, 25760 1, 25777 1.
    assert frame["is_reported"].tolist() == [True, False, True, True]
