"""The attention list: which units hold the scope back (metrics/attention.py)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from metrics.attention import (
    AT_RISK_BAND_PP,
    expected_to_date,
    rank_attention,
    small_denominator_threshold,
)
from metrics.registry import get_indicator
from tests.unit.test_projection import with_target

ONLINE = get_indicator("online_dossier_share")
DISBURSEMENT = get_indicator("public_investment_disbursement")


def units(rows: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    """(unit_id, denominator, value, value_previous) → a unit_standing-like frame."""
    frame = pd.DataFrame(rows, columns=["unit_id", "denominator", "value", "value_previous"])
    return frame.assign(
        name_vi="Phường " + frame["unit_id"],
        name_en="Ward " + frame["unit_id"],
        unit_type="ward",
        former_province="Hồ Chí Minh",
        numerator=frame["denominator"] * frame["value"] / 100,
    )


@pytest.mark.parametrize(
    ("value", "status", "gap"),
    [
        (60.0, "on_track", 0.0),
        (50.0, "on_track", 0.0),  # exactly at target
        (49.99, "at_risk", 0.01),
        (45.0, "at_risk", 5.0),  # exactly 5 pp short: still at risk
        (44.99, "off_track", 5.01),
        (10.0, "off_track", 40.0),
    ],
)
def test_unit_status_and_gap_at_the_boundaries(value: float, status: str, gap: float) -> None:
    ranked = rank_attention(units([("a", 100.0, value, math.nan)]), ONLINE, 50.0)
    row = ranked.iloc[0]
    assert row["unit_status"] == status
    assert row["gap_pp"] == pytest.approx(gap)
    assert AT_RISK_BAND_PP == 5.0


@pytest.mark.parametrize("denominator", [0.0, math.nan])
def test_unit_without_denominator_is_not_assessable(denominator: float) -> None:
    frame = units([("a", denominator, math.nan, math.nan), ("b", 100.0, 40.0, 40.0)])
    ranked = rank_attention(frame, ONLINE, 50.0).set_index("unit_id")
    assert ranked.loc["a", "unit_status"] == "not_assessable"
    assert math.isnan(ranked.loc["a", "gap_pp"])
    assert ranked.loc["a", "impact_pp"] == 0.0 and ranked.loc["a", "weight"] == 0.0
    assert ranked.loc["b", "weight"] == 1.0  # weights over assessable units only
    assert ranked.loc["a", "is_small_denominator"]


def test_impact_is_how_much_the_scope_would_gain() -> None:
    frame = units([("a", 1000.0, 40.0, 40.0), ("b", 200.0, 20.0, 20.0), ("c", 800.0, 70.0, 70.0)])
    ranked = rank_attention(frame, ONLINE, 50.0).set_index("unit_id")
    assert ranked["weight"].sum() == pytest.approx(1.0)
    scope = frame["numerator"].sum() / frame["denominator"].sum() * 100
    for unit_id, row in ranked.iterrows():
        lifted = frame.assign(
            numerator=np.where(
                frame["unit_id"] == unit_id,
                np.maximum(frame["numerator"], 0.5 * frame["denominator"]),
                frame["numerator"],
            )
        )
        scope_lifted = lifted["numerator"].sum() / lifted["denominator"].sum() * 100
        assert row["impact_pp"] == pytest.approx(scope_lifted - scope)
    assert ranked.loc["a", "impact_pp"] == pytest.approx(10.0 * 0.5)
    assert ranked.loc["b", "impact_pp"] == pytest.approx(30.0 * 0.1)
    assert ranked.loc["c", "impact_pp"] == 0.0


def test_sorted_newly_red_first_then_impact_then_name() -> None:
    frame = units(
        [
            ("big", 1000.0, 30.0, 30.0),  # red before and now: largest impact
            ("new", 50.0, 40.0, 46.0),  # at risk last month, red now: newly red
            ("gone", 100.0, 10.0, math.nan),  # red, previous unknown: not newly red
            ("x2", 100.0, 45.0, 45.0),  # at risk, same impact as x1
            ("x1", 100.0, 45.0, 45.0),
            ("ok", 500.0, 80.0, 30.0),
        ]
    )
    ranked = rank_attention(frame, ONLINE, 50.0)
    assert ranked["unit_id"].tolist() == ["new", "big", "gone", "x1", "x2", "ok"]
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert ranked["is_newly_red"].tolist() == [True, False, False, False, False, False]


@pytest.mark.parametrize(
    ("previous", "is_newly_red"),
    [(50.0, True), (45.0, True), (44.99, False), (math.nan, False)],
)
def test_newly_red_needs_a_known_previous_value_that_was_not_red(
    previous: float, is_newly_red: bool
) -> None:
    ranked = rank_attention(units([("a", 100.0, 30.0, previous)]), ONLINE, 50.0)
    assert bool(ranked["is_newly_red"].iloc[0]) is is_newly_red


def test_without_value_previous_column_nothing_is_newly_red() -> None:
    frame = units([("a", 100.0, 10.0, 60.0)]).drop(columns="value_previous")
    ranked = rank_attention(frame, ONLINE, 50.0)
    assert not ranked["is_newly_red"].any()
    assert ranked["previous_status"].iloc[0] == "not_assessable"


@pytest.mark.parametrize(
    ("indicator", "denominator", "is_small"),
    [
        (ONLINE, 29.0, True),
        (ONLINE, 30.0, False),
        (DISBURSEMENT, 0.99, True),
        (DISBURSEMENT, 1.0, False),
    ],
)
def test_small_denominator_flag(indicator: object, denominator: float, is_small: bool) -> None:
    ranked = rank_attention(units([("a", denominator, 40.0, 40.0)]), indicator, 50.0)  # type: ignore[arg-type]
    assert bool(ranked["is_small_denominator"].iloc[0]) is is_small
    assert small_denominator_threshold(indicator) in (30.0, 1.0)  # type: ignore[arg-type]


def test_small_denominator_threshold_can_be_overridden() -> None:
    ranked = rank_attention(
        units([("a", 99.0, 40.0, 40.0)]), ONLINE, 50.0, small_denominator_below=100.0
    )
    assert ranked["is_small_denominator"].iloc[0]


def test_disbursement_is_judged_against_the_milestone_path_to_date() -> None:
    frame = units([("slow", 500.0, 20.0, 18.0), ("fast", 500.0, 40.0, 30.0)])
    # End of May: the path expects 16.2 %; the year-end 95 % would make everyone red.
    expected = expected_to_date(DISBURSEMENT, 2025, dt.date(2025, 5, 31))
    assert expected is not None
    ranked = rank_attention(frame, DISBURSEMENT, 95.0, expected).set_index("unit_id")
    assert ranked["benchmark"].iloc[0] == pytest.approx(expected)
    assert ranked.loc["slow", "unit_status"] == "on_track"
    assert ranked.loc["fast", "gap_pp"] == 0.0
    year_end = rank_attention(frame, DISBURSEMENT, 95.0).set_index("unit_id")
    assert (year_end["unit_status"] == "off_track").all()


def test_previous_month_judged_against_its_own_path() -> None:
    # Last month 9 % against a path of 10 % (at risk); this month 4 % (a revision) against
    # 20 %: red now, and red even at last month's position on the path (4 vs 10).
    frame = units([("a", 100.0, 4.0, 9.0)])
    same = rank_attention(frame, DISBURSEMENT, 95.0, 20.0)
    own = rank_attention(frame, DISBURSEMENT, 95.0, 20.0, expected_previous_to_date=10.0)
    assert not same["is_newly_red"].iloc[0]  # 9 % vs 20 % was already red
    assert own["is_newly_red"].iloc[0]


def test_a_milestone_step_alone_never_makes_a_unit_newly_off_track() -> None:
    """Regression (finding 9): 17 small wards were "newly red" in October only because the
    milestone path stepped up 15.2 pp that month.

    Hand-built: the path stood at 50 % at the end of September and steps up 15 pp to
    65 % at the end of October. Ward "kept" went 48 % → 52 % (at risk against 50, now
    13 pp short of 65: off track); "slipped" was revised down 48 % → 40 % (off track
    even against last month's 50 %); "fine" 58 % → 66 %.
    """
    frame = units(
        [("kept", 100.0, 52.0, 48.0), ("slipped", 100.0, 40.0, 48.0), ("fine", 100.0, 66.0, 58.0)]
    )
    ranked = rank_attention(
        frame, DISBURSEMENT, 95.0, 65.0, expected_previous_to_date=50.0
    ).set_index("unit_id")
    assert ranked.loc["kept", "unit_status"] == "off_track"  # it is behind: it stays listed
    assert ranked.loc["kept", "previous_status"] == "at_risk"
    assert not ranked.loc["kept", "is_newly_red"]  # ... but the step is not its slip
    assert ranked.loc["slipped", "is_newly_red"]
    assert not ranked.loc["fine", "is_newly_red"]


def test_shortfall_in_natural_units_by_hand() -> None:
    # Online: 1,000 dossiers, 400 online, target 50 % → 100 dossiers short.
    # Disbursement: plan 12,000 billion VND, 6,000 disbursed, path 65.2 % → 7,824 − 6,000.
    online = rank_attention(units([("a", 1000.0, 40.0, 40.0)]), ONLINE, 50.0)
    assert online["shortfall"].iloc[0] == pytest.approx(100.0)
    money = rank_attention(units([("b", 12_000.0, 50.0, 45.0)]), DISBURSEMENT, 95.0, 65.2)
    assert money["shortfall"].iloc[0] == pytest.approx(1_824.0)
    met = rank_attention(units([("c", 1000.0, 60.0, 60.0)]), ONLINE, 50.0)
    assert met["shortfall"].iloc[0] == 0.0


def test_a_closed_year_is_met_or_missed_never_at_risk() -> None:
    frame = units([("a", 100.0, 48.0, 47.0), ("b", 100.0, 30.0, 49.0), ("c", 100.0, 55.0, 50.0)])
    ranked = rank_attention(frame, ONLINE, 50.0, is_closed=True).set_index("unit_id")
    assert ranked["unit_status"].to_dict() == {"a": "missed", "b": "missed", "c": "met"}
    assert not ranked["is_newly_red"].any()


def test_non_reporters_are_marked() -> None:
    frame = units([("a", 100.0, 40.0, 40.0), ("b", 100.0, 45.0, 44.0)]).assign(
        is_reported=[False, True]
    )
    ranked = rank_attention(frame, ONLINE, 50.0).set_index("unit_id")
    assert ranked["is_reported"].to_dict() == {"a": False, "b": True}


def test_lower_is_better() -> None:
    indicator = with_target(ONLINE, 2025, 10.0, "<=")
    frame = units([("a", 100.0, 12.0, 12.0), ("b", 100.0, 8.0, 8.0), ("c", 100.0, 16.0, 16.0)])
    ranked = rank_attention(frame, indicator, 10.0).set_index("unit_id")
    assert ranked.loc["a", "unit_status"] == "at_risk" and ranked.loc["a", "gap_pp"] == 2.0
    assert ranked.loc["b", "unit_status"] == "on_track" and ranked.loc["b", "gap_pp"] == 0.0
    assert ranked.loc["c", "unit_status"] == "off_track"


def test_missing_columns_are_named_and_input_is_untouched() -> None:
    frame = units([("a", 100.0, 40.0, 40.0)])
    before = frame.copy(deep=True)
    ranked = rank_attention(frame, ONLINE, 50.0)
    pd.testing.assert_frame_equal(frame, before)
    assert {"name_en", "unit_type", "former_province", "numerator"} <= set(ranked.columns)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['value'\]"):
        rank_attention(frame.drop(columns="value"), ONLINE, 50.0)
    with pytest.raises(ValueError, match="finite percentage"):
        rank_attention(frame, ONLINE, math.nan)


def test_empty_units_give_an_empty_ranking_with_all_columns() -> None:
    empty = units([]).astype({"denominator": "float64", "value": "float64"})
    ranked = rank_attention(empty, ONLINE, 50.0)
    assert ranked.empty
    assert {"gap_pp", "weight", "impact_pp", "unit_status", "is_newly_red", "rank"} <= set(
        ranked.columns
    )


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2024, 12, 31), 0.0),  # before the plan year
        (dt.date(2025, 1, 1), 0.0),
        (dt.date(2025, 3, 31), 7.5),
        (dt.date(2025, 6, 30), 25.0),
        (dt.date(2025, 9, 30), 50.0),
        (dt.date(2025, 12, 31), 95.0),
        (dt.date(2026, 1, 31), 95.0),  # the extension month keeps the year-end value
        # halfway through Q4 by days: 50 + 45.0 · 46/92
        (dt.date(2025, 11, 15), 50.0 + 45.0 * 46 / 92),
        # Q1 by days: 7.5 · 44/89
        (dt.date(2025, 2, 14), 7.5 * 44 / 89),
    ],
)
def test_expected_to_date_interpolates_the_milestones_by_day(
    as_of: dt.date, expected: float
) -> None:
    assert expected_to_date(DISBURSEMENT, 2025, as_of) == pytest.approx(expected)


def test_expected_to_date_carries_milestones_to_later_years_only() -> None:
    assert expected_to_date(DISBURSEMENT, 2026, dt.date(2026, 6, 30)) == pytest.approx(25.0)
    assert expected_to_date(DISBURSEMENT, 2024, dt.date(2024, 6, 30)) is None
    assert expected_to_date(ONLINE, 2025, dt.date(2025, 6, 30)) is None  # a rate has no path
