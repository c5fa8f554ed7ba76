"""The combined attention list: non-reporters first, then each indicator's own units."""

import pandas as pd

from metrics.overview import ATTENTION_COLUMNS, combine_attention


def _ranking(rows, unit_type="ward"):
    frame = pd.DataFrame(rows, columns=["unit_id", "impact_pp", "is_newly_red", "gap_pp"])
    return frame.assign(
        name_vi=frame["unit_id"],
        name_en=frame["unit_id"],
        unit_type=unit_type,
        value=50.0 - frame["gap_pp"],
        benchmark=50.0,
        shortfall=frame["gap_pp"],
        denominator=100.0,
        unit_status="off_track",
        is_small_denominator=False,
    )


def test_many_small_newly_red_units_do_not_push_out_the_big_ones():
    small_new = [(f"s{i}", 0.01, True, 5.0) for i in range(20)]
    big_old = [("board", 3.0, False, 20.0), ("rail", 2.0, False, 30.0)]
    ranked = combine_attention({"disbursement": _ranking(small_new + big_old)}, top=5)
    assert {"board", "rail"} <= set(ranked["unit_id"])
    assert len(ranked) == 5


def test_each_indicator_keeps_its_own_quota_so_satisfaction_laggards_appear():
    """Regression (finding 9): ranked on one scale, all ten items were disbursement."""
    disbursement = _ranking([(f"d{i}", 3.0 - i * 0.1, False, 20.0) for i in range(12)])
    satisfaction = _ranking([("s1", 0.02, False, 2.0), ("s2", 0.01, False, 1.0)])
    ranked = combine_attention(
        {"satisfaction_rate": satisfaction, "public_investment_disbursement": disbursement},
        top=5,
    )
    assert (
        list(ranked["indicator_code"])
        == ["satisfaction_rate"] * 2 + ["public_investment_disbursement"] * 5
    )
    assert list(ranked["unit_id"][:2]) == ["s1", "s2"]
    assert list(ranked["unit_id"][2:]) == ["d0", "d1", "d2", "d3", "d4"]
    assert set(ranked["section"]) == {"behind"}


def test_units_that_did_not_report_come_first():
    rows = _ranking([("a", 3.0, False, 9.0), ("late", 0.0, False, 0.0), ("c", 2.0, False, 9.0)])
    rows = rows.assign(is_reported=[True, False, True])
    ranked = combine_attention({"x": rows}, top=3)
    assert list(ranked["unit_id"]) == ["late", "a", "c"]
    assert list(ranked["section"]) == ["not_reported", "behind", "behind"]


def test_units_at_or_above_the_benchmark_are_left_out():
    rows = [("a", 0.0, False, 0.0), ("b", 1.0, False, 2.0)]
    ranked = combine_attention({"x": _ranking(rows)})
    assert list(ranked["unit_id"]) == ["b"]


def test_where_every_unit_is_past_the_target_the_bottom_of_each_peer_group_shows():
    wards = _ranking([("w1", 0.0, False, 0.0), ("w2", 0.0, False, 0.0)], "ward").assign(
        value=[70.0, 60.0], unit_status="on_track"
    )
    communes = _ranking([("c1", 0.0, False, 0.0), ("c2", 0.0, False, 0.0)], "commune").assign(
        value=[55.0, 80.0], unit_status="on_track"
    )
    zone = _ranking([("z", 0.0, False, 0.0)], "special_zone").assign(
        value=[90.0], unit_status="on_track"
    )
    ranked = combine_attention({"x": pd.concat([communes, zone, wards], ignore_index=True)})
    assert list(ranked["unit_id"]) == ["w2", "c1", "z"]  # ward, commune, special zone
    assert set(ranked["section"]) == {"lowest_in_group"}


def test_non_reporters_can_be_capped_for_a_slide():
    rows = _ranking([(f"n{i}", 0.0, False, 1.0) for i in range(4)]).assign(is_reported=False)
    ranked = combine_attention({"x": rows, "y": rows}, top=3, max_not_reported=2)
    assert (ranked["section"] == "not_reported").sum() == 2


def test_nothing_to_rank_keeps_the_columns():
    empty = combine_attention({"x": _ranking([])})
    assert empty.empty
    assert list(empty.columns) == list(ATTENTION_COLUMNS)


def _standing(values, previous):
    count = len(values)
    return pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(count)],
            "name_vi": [f"U{i}" for i in range(count)],
            "name_en": [f"U{i}" for i in range(count)],
            "unit_type": "investor",
            "numerator": values,
            "denominator": 100.0,
            "value": values,
            "value_previous": previous,
        }
    )


def test_disbursement_is_ranked_against_the_milestone_path_to_date():
    import datetime as dt

    from metrics.attention import expected_to_date
    from metrics.overview import rank_for_tile
    from metrics.registry import get_indicator
    from metrics.tiles import build_tile
    from tests.unit.test_projection import disbursement_series

    indicator = get_indicator("public_investment_disbursement")
    tile = build_tile(disbursement_series(), indicator, 2025, as_of_month="2025-09-01", n_paths=100)
    path = expected_to_date(indicator, 2025, dt.date(2025, 9, 30))
    assert path == 50.0  # the Q3 milestone, due 30 September
    # 49 % at end-September was 45 % at end-August, when the path stood at about 41.7 %.
    ranked = rank_for_tile(_standing([49.0, 60.0], [45.0, 50.0]), indicator, tile)
    row = ranked.set_index("unit_id").loc["u0"]
    assert row["benchmark"] == 50.0
    assert row["gap_pp"] == 1.0
    assert not row["is_newly_red"]  # within 5 pp: at risk, not red
    assert ranked.set_index("unit_id").loc["u1", "gap_pp"] == 0.0


def test_a_tile_without_a_target_cannot_rank():
    import dataclasses

    import pytest

    from metrics.overview import rank_for_tile
    from metrics.registry import get_indicator
    from metrics.tiles import build_tile
    from tests.unit.test_projection import monthly_flow_series

    indicator = get_indicator("online_dossier_share")
    tile = build_tile(monthly_flow_series(), indicator, 2025, as_of_month="2025-09-01", n_paths=50)
    untargeted = dataclasses.replace(tile, target_value=None)
    with pytest.raises(ValueError, match="no target"):
        rank_for_tile(_standing([40.0], [40.0]), indicator, untargeted)
