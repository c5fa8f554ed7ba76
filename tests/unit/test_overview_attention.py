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
