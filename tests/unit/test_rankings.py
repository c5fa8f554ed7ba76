"""A ranking table's order, flags and empty states, and the map's point sizes
(metrics/rankings.py). Expected values are worked by hand in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.rankings import radius_metres, ranking_table
from metrics.registry import get_indicator

ONLINE = get_indicator("online_dossier_share")


def _ranking(rows: list[tuple[str, str, str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["unit_id", "name_vi", "unit_type", "denominator", "value", "peer_rank"]
    )


def test_an_empty_ranking_keeps_every_column_with_its_type() -> None:
    table = ranking_table(_ranking([]), ONLINE, 50.0)
    assert table.empty
    assert {
        name: str(table[name].dtype)
        for name in ("benchmark", "gap_pp", "unit_status", "is_small_denominator", "share_of_total")
    } == {
        "benchmark": "float64",
        "gap_pp": "float64",
        "unit_status": "object",
        "is_small_denominator": "bool",
        "share_of_total": "float64",
    }


def test_without_a_benchmark_every_unit_is_not_assessable_and_keeps_its_value() -> None:
    table = ranking_table(
        _ranking([("a", "A", "ward", 100.0, 60.0, 1), ("b", "B", "ward", 100.0, 40.0, 2)]),
        ONLINE,
        None,
    )
    assert table["unit_status"].tolist() == ["not_assessable", "not_assessable"]
    assert table["value"].tolist() == [60.0, 40.0]
    assert table["benchmark"].isna().all() and table["benchmark"].dtype == "float64"


def test_peer_groups_come_in_their_fixed_order_then_by_rank() -> None:
    # Wards first, then communes, the special zone and departments (LEAF_UNIT_TYPES), each
    # by rank; a unit type outside the peer groups (here the city itself) comes last.
    table = ranking_table(
        _ranking(
            [
                ("hcm", "TP.HCM", "city", 10.0, 60.0, 1),
                ("d", "Sở X", "department", 10.0, 90.0, 1),
                ("c1", "Xã C", "commune", 10.0, 70.0, 1),
                ("w2", "Phường B", "ward", 10.0, 55.0, 2),
                ("z", "Đặc khu Côn Đảo", "special_zone", 10.0, 52.0, 1),
                ("w1", "Phường A", "ward", 10.0, 65.0, 1),
            ]
        ),
        ONLINE,
        50.0,
    )
    assert table["unit_id"].tolist() == ["w1", "w2", "c1", "z", "d", "hcm"]
    # A fresh 0..n−1 index and no leftover column of the old one.
    assert table.index.tolist() == [0, 1, 2, 3, 4, 5]
    assert "index" not in table.columns and "_group" not in table.columns


def test_share_of_total_is_each_units_denominator_in_percent_of_all() -> None:
    # Denominators 1 and 0: the first unit holds 100 % of the total (of 1 dossier).
    table = ranking_table(
        _ranking([("a", "A", "ward", 1.0, 60.0, 1), ("b", "B", "ward", 0.0, np.nan, np.nan)]),
        ONLINE,
        50.0,
    )
    assert table["share_of_total"].tolist()[0] == pytest.approx(100.0)
    assert table["share_of_total"].tolist()[1] == pytest.approx(0.0)


def test_a_negative_volume_draws_the_smallest_point() -> None:
    # −50 counts as 0 (500 m); 100 is the largest (2,500 m); 25: 500 + 2000·√0,25 = 1,500 m.
    radii = radius_metres(pd.Series([-50.0, 100.0, 25.0], index=["x", "y", "z"]))
    assert radii.to_dict() == pytest.approx({"x": 500.0, "y": 2500.0, "z": 1500.0})


@pytest.mark.parametrize("volume", [[0.0, 0.0], [0.5, 0.25]])
def test_points_keep_their_units_index(volume: list[float]) -> None:
    # All zero: every point the smallest. A top volume below 1 still scales (0,25 of 0,5:
    # 500 + 2000·√0,5 = 1,914.2 m).
    radii = radius_metres(pd.Series(volume, index=["p", "q"]))
    assert radii.index.tolist() == ["p", "q"]
    expected = [500.0, 500.0] if volume == [0.0, 0.0] else [2500.0, 500 + 2000 * math.sqrt(0.5)]
    assert radii.tolist() == pytest.approx(expected)
