"""The attention list's smaller rules, each worked by hand: the shortfall without a
numerator column, weights and impacts with units that cannot be assessed, a shortfall of 0
for a unit at its benchmark, unknown reporting, the benchmark's own checks, and the order
of ties."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from metrics.attention import rank_attention
from metrics.registry import get_indicator
from tests.unit.test_projection import with_target

# pandas 4 will refuse fillna(False) on a float column (an unreported flag read as NaN):
# its deprecation warning fails these tests instead of waiting for the upgrade.
pytestmark = pytest.mark.filterwarnings("error::pandas.errors.Pandas4Warning")

ONLINE = get_indicator("online_dossier_share")
DISBURSEMENT = get_indicator("public_investment_disbursement")


def _units(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    """(unit_id, denominator, value): no numerator column, no previous value."""
    frame = pd.DataFrame(rows, columns=["unit_id", "denominator", "value"])
    return frame.assign(name_vi="Phường " + frame["unit_id"])


def test_without_a_numerator_the_shortfall_is_value_times_denominator() -> None:
    # 1,000 dossiers at 40 %: 400 online; the target 50 % needs 500; 100 short.
    # 250 dossiers at 46 %: 115 online; needs 125; 10 short.
    ranked = rank_attention(
        _units([("a", 1000.0, 40.0), ("b", 250.0, 46.0)]), ONLINE, 50.0
    ).set_index("unit_id")
    assert ranked.loc["a", "shortfall"] == pytest.approx(100.0)
    assert ranked.loc["b", "shortfall"] == pytest.approx(10.0)


def test_lower_is_better_shortfall_is_the_excess() -> None:
    # At most 10 %: 200 dossiers at 16 % is 32 where 20 are allowed, 12 too many.
    indicator = with_target(ONLINE, 2025, 10.0, "<=")
    ranked = rank_attention(_units([("a", 200.0, 16.0)]), indicator, 10.0)
    assert ranked["gap_pp"].iloc[0] == pytest.approx(6.0)
    assert ranked["shortfall"].iloc[0] == pytest.approx(12.0)


def test_weights_and_impacts_leave_out_units_that_cannot_be_assessed() -> None:
    # Assessable dossiers: 300 + 100 = 400 (c has none, d has no figure).
    # a: weight 300/400 = 0.75, gap 10 → impact 7.5; b: 0.25, gap 20 → 5.0.
    frame = _units(
        [("a", 300.0, 40.0), ("b", 100.0, 30.0), ("c", 0.0, 45.0), ("d", 50.0, math.nan)]
    )
    ranked = rank_attention(frame, ONLINE, 50.0)
    assert ranked["unit_id"].tolist() == ["a", "b", "c", "d"]
    assert ranked["weight"].tolist() == pytest.approx([0.75, 0.25, 0.0, 0.0])
    assert ranked["impact_pp"].tolist() == pytest.approx([7.5, 5.0, 0.0, 0.0])
    assert ranked["unit_status"].tolist() == [
        "off_track",
        "off_track",
        "not_assessable",
        "not_assessable",
    ]
    assert np.isnan(ranked["gap_pp"].iloc[2]) and np.isnan(ranked["gap_pp"].iloc[3])
    assert np.isnan(ranked["shortfall"].iloc[2]) and np.isnan(ranked["shortfall"].iloc[3])
    assert ranked["rank"].tolist() == [1, 2, 3, 4]
    assert ranked["rank"].dtype == np.int64


def test_when_no_unit_can_be_assessed_every_weight_is_zero() -> None:
    ranked = rank_attention(_units([("a", 0.0, 40.0), ("b", 0.0, 30.0)]), ONLINE, 50.0)
    assert ranked["weight"].tolist() == [0.0, 0.0]
    assert ranked["impact_pp"].tolist() == [0.0, 0.0]


def test_a_unit_at_its_benchmark_is_short_of_nothing() -> None:
    # The rate is rounded to 50.0 %, the numerator 499.6 of 1,000: not 0.4 dossiers short.
    frame = _units([("a", 1000.0, 50.0)]).assign(numerator=[499.6])
    ranked = rank_attention(frame, ONLINE, 50.0)
    assert ranked["gap_pp"].iloc[0] == 0.0
    assert ranked["shortfall"].iloc[0] == 0.0


def test_a_numerator_beyond_the_need_is_not_a_negative_shortfall() -> None:
    # 49 % (at risk, 1 pp short) whose numerator says 510 of 1,000: clipped to 0, not −10.
    frame = _units([("a", 1000.0, 49.0)]).assign(numerator=[510.0])
    ranked = rank_attention(frame, ONLINE, 50.0)
    assert ranked["shortfall"].iloc[0] == 0.0


def test_unknown_reporting_counts_as_not_reported() -> None:
    frame = _units([("a", 100.0, 40.0), ("b", 100.0, 45.0)]).assign(
        is_reported=pd.Series([None, True], dtype=object)
    )
    ranked = rank_attention(frame, ONLINE, 50.0).set_index("unit_id")
    assert ranked["is_reported"].to_dict() == {"a": False, "b": True}
    assert ranked["is_reported"].dtype == bool


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_a_benchmark_to_date_must_be_a_finite_percentage(bad: float) -> None:
    with pytest.raises(ValueError, match=r"^expected_to_date must be a finite percentage; got"):
        rank_attention(_units([("a", 100.0, 40.0)]), ONLINE, 50.0, bad)


def test_the_target_is_checked_by_name_too() -> None:
    with pytest.raises(ValueError, match=r"^target_value must be a finite percentage; got inf"):
        rank_attention(_units([("a", 100.0, 40.0)]), ONLINE, math.inf)


def test_a_missing_column_names_where_the_frame_comes_from() -> None:
    with pytest.raises(
        ValueError, match=r"pass the frame from data_access\.queries\.unit_standing$"
    ):
        rank_attention(_units([("a", 100.0, 40.0)]).drop(columns="name_vi"), ONLINE, 50.0)


def test_ties_are_ordered_by_name_then_unit_id() -> None:
    # Same impact (gap 10, equal weights): by Vietnamese name, then by id.
    frame = pd.DataFrame(
        {
            "unit_id": ["z2", "z1", "a9"],
            "name_vi": ["Phường B", "Phường B", "Phường A"],
            "denominator": [100.0, 100.0, 100.0],
            "value": [40.0, 40.0, 40.0],
        }
    )
    ranked = rank_attention(frame, ONLINE, 50.0)
    assert ranked["unit_id"].tolist() == ["a9", "z1", "z2"]


def test_the_benchmark_column_is_the_path_when_given_else_the_target() -> None:
    frame = _units([("a", 100.0, 40.0)])
    assert rank_attention(frame, ONLINE, 50.0)["benchmark"].iloc[0] == 50.0
    assert rank_attention(frame, ONLINE, 95.0, 30.0)["benchmark"].iloc[0] == 30.0


def test_figures_read_as_decimals_rank_the_same() -> None:
    # PostgreSQL NUMERIC columns arrive as Decimal objects: 1,000 dossiers at 40 % with
    # 400 online, target 50 %: 10 pp and 100 dossiers short, the whole weight.
    frame = _units([("a", 1000.0, 40.0)]).assign(numerator=[400.0])
    for column in ("denominator", "value", "numerator"):
        frame[column] = pd.Series([Decimal(str(v)) for v in frame[column]], dtype=object)
    ranked = rank_attention(frame, ONLINE, 50.0)
    assert ranked["unit_status"].iloc[0] == "off_track"
    assert ranked["gap_pp"].iloc[0] == pytest.approx(10.0)
    assert ranked["shortfall"].iloc[0] == pytest.approx(100.0)
    assert ranked["impact_pp"].iloc[0] == pytest.approx(10.0)


def test_decimals_without_a_numerator_column() -> None:
    frame = _units([("a", 1000.0, 40.0)])
    for column in ("denominator", "value"):
        frame[column] = pd.Series([Decimal(str(v)) for v in frame[column]], dtype=object)
    ranked = rank_attention(frame, ONLINE, 50.0)
    assert ranked["shortfall"].iloc[0] == pytest.approx(100.0)


def test_a_plan_under_one_billion_is_assessed_and_carries_the_whole_weight() -> None:
    # Disbursement: a plan of 0.5 billion VND, 40 % disbursed against a path of 65.2 %:
    # assessable (flagged small), 25.2 pp short, the scope's only plan → weight 1, impact 25.2.
    frame = _units([("a", 0.5, 40.0)])
    ranked = rank_attention(frame, DISBURSEMENT, 95.0, 65.2)
    assert ranked["unit_status"].iloc[0] == "off_track"
    assert ranked["gap_pp"].iloc[0] == pytest.approx(25.2)
    assert ranked["weight"].iloc[0] == 1.0
    assert ranked["impact_pp"].iloc[0] == pytest.approx(25.2)
    assert bool(ranked["is_small_denominator"].iloc[0]) is True


def test_a_missing_report_flag_read_as_a_number_is_not_reported() -> None:
    frame = _units([("a", 100.0, 40.0), ("b", 100.0, 45.0)]).assign(is_reported=[np.nan, 1.0])
    ranked = rank_attention(frame, ONLINE, 50.0).set_index("unit_id")
    assert ranked["is_reported"].to_dict() == {"a": False, "b": True}


def test_the_flags_are_booleans() -> None:
    ranked = rank_attention(_units([("a", 100.0, 40.0), ("b", 10.0, 60.0)]), ONLINE, 50.0)
    for column in ("is_reported", "is_newly_red", "is_small_denominator"):
        assert ranked[column].dtype == bool, column
    assert ranked["is_reported"].tolist() == [True, True]
    assert ranked["is_small_denominator"].tolist() == [False, True]
