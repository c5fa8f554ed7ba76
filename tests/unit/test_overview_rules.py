"""The Overview's attention list, its smaller rules worked by hand: the order of units that
have not reported, how many each indicator shows, what counts as behind, the lowest unit of
each peer group, and which published figures belong to a tile."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest

from metrics.overview import (
    ATTENTION_COLUMNS,
    SECTION_BEHIND,
    SECTION_LOWEST,
    SECTION_NOT_REPORTED,
    combine_attention,
    published_for_year,
    rank_for_tile,
)
from metrics.registry import get_indicator
from metrics.review import YearResult
from metrics.tiles import Tile, build_tile

# pandas 4 will refuse fillna(False) on a float column (an unreported flag read as NaN):
# its deprecation warning fails these tests instead of waiting for the upgrade.
pytestmark = pytest.mark.filterwarnings("error::pandas.errors.Pandas4Warning")


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """rank_attention-like rows; each dict gives unit_id and what differs."""
    base: dict[str, object] = {
        "name_en": "",
        "unit_type": "ward",
        "value": 40.0,
        "benchmark": 50.0,
        "gap_pp": 10.0,
        "shortfall": 10.0,
        "impact_pp": 1.0,
        "unit_status": "off_track",
        "is_newly_red": False,
        "is_small_denominator": False,
        "is_reported": True,
        "denominator": 100.0,
    }
    frame = pd.DataFrame([{**base, **row} for row in rows])
    if "name_vi" not in frame.columns:
        frame = frame.assign(name_vi=frame["unit_id"])
    return frame


def test_units_not_reported_by_impact_then_size_then_name_then_id() -> None:
    frame = _frame(
        [
            {"unit_id": "e", "is_reported": False, "impact_pp": 0.5, "denominator": 900.0},
            {"unit_id": "d", "is_reported": False, "impact_pp": 2.0, "denominator": 10.0},
            {
                "unit_id": "c",
                "is_reported": False,
                "impact_pp": 0.5,
                "denominator": 100.0,
                "name_vi": "B",
            },
            {
                "unit_id": "b",
                "is_reported": False,
                "impact_pp": 0.5,
                "denominator": 100.0,
                "name_vi": "A",
            },
            {
                "unit_id": "a2",
                "is_reported": False,
                "impact_pp": 0.5,
                "denominator": 100.0,
                "name_vi": "A",
            },
            {
                "unit_id": "a1",
                "is_reported": False,
                "impact_pp": 0.5,
                "denominator": 100.0,
                "name_vi": "A",
            },
        ]
    )
    listed = combine_attention({"online_dossier_share": frame})
    # d (impact 2) first; then impact 0.5: e (900 dossiers), then the 100s by name, then id;
    # five per indicator, so c (name B) is left out.
    assert listed["unit_id"].tolist() == ["d", "e", "a1", "a2", "b"]
    assert set(listed["section"]) == {SECTION_NOT_REPORTED}
    assert list(listed.columns) == list(ATTENTION_COLUMNS)
    assert listed.index.tolist() == [0, 1, 2, 3, 4]


def test_units_not_reported_across_indicators_by_impact() -> None:
    first = _frame([{"unit_id": "x", "is_reported": False, "impact_pp": 0.1}])
    second = _frame([{"unit_id": "y", "is_reported": False, "impact_pp": 3.0}])
    listed = combine_attention({"online_dossier_share": first, "satisfaction_rate": second})
    assert listed["unit_id"].tolist() == ["y", "x"]


def test_an_unknown_report_flag_is_not_reported_and_the_month_read_is_kept() -> None:
    frame = _frame([{"unit_id": "a", "is_reported": math.nan}]).assign(
        through_month=[pd.Timestamp("2026-09-01")]
    )
    listed = combine_attention({"online_dossier_share": frame})
    assert listed["section"].tolist() == [SECTION_NOT_REPORTED]
    assert listed["through_month"].tolist() == [pd.Timestamp("2026-09-01")]


def test_an_empty_ranking_does_not_stop_the_next_indicators() -> None:
    empty = _frame([{"unit_id": "z"}]).iloc[0:0]
    listed = combine_attention(
        {"online_dossier_share": empty, "satisfaction_rate": _frame([{"unit_id": "a"}])}
    )
    assert listed["unit_id"].tolist() == ["a"]
    assert listed["indicator_code"].tolist() == ["satisfaction_rate"]


def test_behind_ties_by_name_then_id() -> None:
    frame = _frame(
        [
            {"unit_id": "2", "name_vi": "B"},
            {"unit_id": "9", "name_vi": "A"},
            {"unit_id": "1", "name_vi": "B"},
        ]
    )
    listed = combine_attention({"online_dossier_share": frame})
    assert listed["unit_id"].tolist() == ["9", "1", "2"]
    assert set(listed["section"]) == {SECTION_BEHIND}


def test_a_unit_without_a_gap_is_not_behind() -> None:
    # One unit cannot be assessed (no gap), the other is at the target: nobody is behind, so
    # the lowest assessable unit of the group shows.
    frame = _frame(
        [
            {"unit_id": "n", "gap_pp": math.nan, "value": 10.0, "unit_status": "not_assessable"},
            {"unit_id": "ok", "gap_pp": 0.0, "value": 60.0, "unit_status": "on_track"},
        ]
    )
    listed = combine_attention({"online_dossier_share": frame})
    assert listed[["section", "unit_id"]].values.tolist() == [[SECTION_LOWEST, "ok"]]


def _all_past_target(rows: list[dict[str, object]]) -> pd.DataFrame:
    return _frame([{"gap_pp": 0.0, "unit_status": "on_track", **row} for row in rows])


def test_the_lowest_of_each_group_in_group_order_then_unknown_groups_by_name() -> None:
    frame = _all_past_target(
        [
            {"unit_id": "w1", "value": 70.0},
            {"unit_id": "w2", "value": 60.0},
            {"unit_id": "o1", "value": 55.0, "unit_type": "zz_other"},
            {"unit_id": "c1", "value": 65.0, "unit_type": "commune"},
        ]
    )
    listed = combine_attention({"online_dossier_share": frame})
    assert listed["unit_id"].tolist() == ["w2", "c1", "o1"]
    assert combine_attention({"online_dossier_share": frame}, top=1)["unit_id"].tolist() == ["w2"]


def test_lower_is_better_the_worst_of_a_group_is_the_highest() -> None:
    frame = _all_past_target([{"unit_id": "w1", "value": 7.0}, {"unit_id": "w2", "value": 9.0}])
    listed = combine_attention(
        {"online_dossier_share": frame}, lower_is_better=frozenset({"online_dossier_share"})
    )
    assert listed["unit_id"].tolist() == ["w2"]


def test_lowest_ties_by_name_then_id() -> None:
    frame = _all_past_target(
        [
            {"unit_id": "2", "name_vi": "B", "value": 60.0},
            {"unit_id": "3", "name_vi": "A", "value": 60.0},
        ]
    )
    assert combine_attention({"x": frame})["unit_id"].tolist() == ["3"]
    frame = _all_past_target(
        [
            {"unit_id": "2", "name_vi": "A", "value": 60.0},
            {"unit_id": "1", "name_vi": "A", "value": 60.0},
        ]
    )
    assert combine_attention({"x": frame})["unit_id"].tolist() == ["1"]


def test_a_unit_that_cannot_be_assessed_is_never_the_lowest() -> None:
    frame = _all_past_target(
        [
            {"unit_id": "n", "value": 5.0, "unit_status": "not_assessable"},
            {"unit_id": "ok", "value": 60.0},
        ]
    )
    assert combine_attention({"x": frame})["unit_id"].tolist() == ["ok"]


def test_published_figures_of_a_tile_leave_out_targets_and_the_other_basis() -> None:
    table = pd.DataFrame(
        {
            "indicator_code": ["digital_economy_share_grdp"] * 3,
            "kind": ["actual", "target", "actual"],
            "basis": ["ICT ministry method", "ICT ministry method", "statistics office method"],
            "period_start": pd.to_datetime(["2023-01-01"] * 3),
            "period_end": pd.to_datetime(["2023-12-31"] * 3),
            "value": [21.5, 25.0, 14.65],
        }
    )
    rows = published_for_year(table, get_indicator("digital_economy_share_grdp"), 2023)
    assert rows["value"].tolist() == [21.5]


def test_units_not_reported_of_equal_impact_keep_the_indicators_order() -> None:
    # Four indicators, five units not reported each: impacts 1, 1, 1, 0.5, 0.5. Across
    # indicators the list is by impact, and equal impacts keep the indicators' order.
    rankings = {
        code: _frame(
            [
                {"unit_id": f"{code}{i}", "is_reported": False, "impact_pp": impact}
                for i, impact in enumerate([1.0, 1.0, 1.0, 0.5, 0.5], start=1)
            ]
        )
        for code in ("a", "b", "c", "d")
    }
    listed = combine_attention(rankings, max_not_reported=20)
    assert listed["unit_id"].tolist() == [
        "a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2", "c3", "d1", "d2", "d3",
        "a4", "a5", "b4", "b5", "c4", "c5", "d4", "d5",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def tile() -> Tile:
    """A real tile (six months of 2025 of the online share), to change by hand."""
    months = pd.date_range("2025-01-01", "2025-06-01", freq="MS")
    frame = pd.DataFrame(
        {
            "period_year": 2025,
            "period_month": months,
            "numerator": [60.0, 61, 62, 63, 64, 65],
            "denominator": 100.0,
        }
    )
    return build_tile(
        frame,
        get_indicator("online_dossier_share"),
        2025,
        as_of_month="2025-06-01",
        n_paths=200,
        seed=1,
        compare_previous=False,
    )


def _standing(value: float, previous: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["a"],
            "name_vi": ["A"],
            "denominator": [100.0],
            "value": [value],
            "value_previous": [previous],
        }
    )


def test_a_tile_ranks_against_its_target_and_names_its_month(tile: Tile) -> None:
    tile = dataclasses.replace(tile, target_value=50.0, year_result=None)
    ranked = rank_for_tile(_standing(40.0, 40.0), get_indicator("online_dossier_share"), tile)
    assert ranked["benchmark"].tolist() == [50.0]
    assert ranked["gap_pp"].tolist() == [10.0]
    assert ranked["through_month"].tolist() == [dt.date(2025, 6, 1)]


def test_disbursement_judges_last_month_against_last_months_path(tile: Tile) -> None:
    # Data to October 2025: the path on 31 October is 50 + 45 · 31/92 = 65.16 %; on
    # 30 September, 50 %. Last month's 55 % was on track against 50 %.
    tile = dataclasses.replace(
        tile,
        indicator_code="public_investment_disbursement",
        target_value=95.0,
        as_of_month=pd.Timestamp("2025-10-01"),
        year_result=None,
    )
    ranked = rank_for_tile(
        _standing(60.0, 55.0), get_indicator("public_investment_disbursement"), tile
    )
    assert ranked["benchmark"].iloc[0] == pytest.approx(50.0 + 45.0 * 31 / 92)
    assert ranked["previous_status"].tolist() == ["on_track"]
    assert ranked["unit_status"].tolist() == ["off_track"]


def test_a_closed_years_units_are_met_or_missed(tile: Tile) -> None:
    result = YearResult(
        indicator_code="online_dossier_share",
        year=2025,
        value=62.0,
        value_with_extension=None,
        target=50.0,
        comparator=">=",
        is_target_carried_forward=False,
        is_met=True,
        margin=12.0,
        is_complete=True,
        periods_observed=12,
        periods_expected=12,
        last_month=pd.Timestamp("2025-12-01"),
        judgement_date=dt.date(2025, 12, 31),
        extension_date=None,
    )
    closed = dataclasses.replace(
        tile,
        target_value=50.0,
        year_result=result,
        projection=dataclasses.replace(tile.projection, method="complete"),
    )
    ranked = rank_for_tile(_standing(40.0, 40.0), get_indicator("online_dossier_share"), closed)
    assert ranked["unit_status"].tolist() == ["missed"]


def test_last_months_path_is_read_on_the_last_day_of_last_month(tile: Tile) -> None:
    # Data to October 2025: last month's path is read on 30 September (day 272 of the
    # year): 50 %. On 1 October it would be 50 + 45 · 2/92 = 50.98 %; on 29 September
    # 25 + 25 · 91/92 = 49.73 %. So 50.0 % last month was on track, 49.9 % at risk.
    tile = dataclasses.replace(
        tile,
        indicator_code="public_investment_disbursement",
        target_value=95.0,
        as_of_month=pd.Timestamp("2025-10-01"),
        year_result=None,
    )
    standing = pd.concat(
        [_standing(60.0, 50.0), _standing(60.0, 49.9).assign(unit_id="b", name_vi="B")],
        ignore_index=True,
    )
    ranked = rank_for_tile(standing, get_indicator("public_investment_disbursement"), tile)
    assert ranked.set_index("unit_id")["previous_status"].to_dict() == {
        "a": "on_track",
        "b": "at_risk",
    }


def test_a_year_with_a_result_but_a_running_projection_is_not_closed(tile: Tile) -> None:
    result = YearResult(
        indicator_code="online_dossier_share",
        year=2025,
        value=62.0,
        value_with_extension=None,
        target=50.0,
        comparator=">=",
        is_target_carried_forward=False,
        is_met=True,
        margin=12.0,
        is_complete=False,
        periods_observed=6,
        periods_expected=12,
        last_month=pd.Timestamp("2025-06-01"),
        judgement_date=dt.date(2025, 12, 31),
        extension_date=None,
    )
    running = dataclasses.replace(tile, target_value=50.0, year_result=result)
    assert running.projection.method != "complete"
    ranked = rank_for_tile(_standing(48.0, 48.0), get_indicator("online_dossier_share"), running)
    assert ranked["unit_status"].tolist() == ["at_risk"]
