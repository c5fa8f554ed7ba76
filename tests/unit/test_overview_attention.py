"""The combined attention list: largest impact chosen first, newly red shown first."""

import pandas as pd

from metrics.overview import ATTENTION_COLUMNS, combine_attention


def _ranking(rows):
    frame = pd.DataFrame(rows, columns=["unit_id", "impact_pp", "is_newly_red", "gap_pp"])
    return frame.assign(
        name_vi=frame["unit_id"],
        name_en=frame["unit_id"],
        unit_type="ward",
        value=40.0,
        benchmark=50.0,
        unit_status="off_track",
        is_small_denominator=False,
    )


def test_many_small_newly_red_units_do_not_push_out_the_big_ones():
    small_new = [(f"s{i}", 0.01, True, 5.0) for i in range(20)]
    big_old = [("board", 3.0, False, 20.0), ("rail", 2.0, False, 30.0)]
    ranked = combine_attention({"disbursement": _ranking(small_new + big_old)}, top=5)
    assert {"board", "rail"} <= set(ranked["unit_id"])
    assert len(ranked) == 5


def test_newly_red_come_first_among_the_chosen():
    rows = [("a", 3.0, False, 9.0), ("b", 1.0, True, 9.0), ("c", 2.0, False, 9.0)]
    ranked = combine_attention({"x": _ranking(rows)}, top=3)
    assert list(ranked["unit_id"]) == ["b", "a", "c"]


def test_units_at_or_above_the_benchmark_are_left_out():
    rows = [("a", 0.0, False, 0.0), ("b", 1.0, False, 2.0)]
    ranked = combine_attention({"x": _ranking(rows)})
    assert list(ranked["unit_id"]) == ["b"]


def test_indicators_are_merged_on_one_scale():
    ranked = combine_attention(
        {"x": _ranking([("a", 1.0, False, 5.0)]), "y": _ranking([("b", 2.0, False, 5.0)])}
    )
    assert list(zip(ranked["indicator_code"], ranked["unit_id"], strict=True)) == [
        ("y", "b"),
        ("x", "a"),
    ]


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
