"""The figures' SQL, stated one rule at a time (``data_access.queries``): a scope's series is
the ratio of sums of the paired rows of the units in scope, current now or as they stood;
a unit's standing sums the year's months to the month asked for, and to the month before.

Each test writes a few batches into a private copy of a small SQLite warehouse (the
``warehouse`` fixture) and states the expected figures, worked out by hand in a comment.
"""

from __future__ import annotations

import datetime as dt
import math
import time

import pandas as pd
import pytest

from data_access import queries, writes
from data_access.queries import UnitFilter
from tests.unit.copied_warehouse import rows

A, B, C = "25747", "25750", "25760"  # Bình Dương wards
COMMUNE = "25777"  # a Bình Dương commune
OLD = "26737"  # Tân Định, a ward of the former Ho Chi Minh City
AUG, SEP, OCT, NOV = (dt.date(2026, m, 1) for m in (8, 9, 10, 11))
T1 = dt.datetime(2026, 11, 5, 3, 0)
T2 = dt.datetime(2026, 11, 6, 3, 0)
SHARE = "online_dossier_share"


def _obs(
    data: dict[str, tuple[float | None, float | None]],
    month: dt.date = OCT,
    indicator: str = SHARE,
    breakdown: str = "",
) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": indicator,
                "unit_id": unit,
                "period_year": month.year,
                "period_month": month,
                "breakdown_key": breakdown,
                "value": 100 * num / den if num is not None and den else num,
                "numerator": num,
                "denominator": den,
            }
            for unit, (num, den) in data.items()
        ]
    )


def _load(warehouse, frame, key, at, is_demo=False) -> int:
    with warehouse.begin() as conn:
        return writes.load_observation_batch(
            conn,
            frame,
            submission_key=key,
            source_name=f"{key}.csv",
            submitted_by="steward",
            loaded_at=at,
            is_demo=is_demo,
        ).batch_id


def _series(warehouse, indicator=SHARE, **kwargs) -> pd.DataFrame:
    with warehouse.connect() as conn:
        return queries.scope_series(conn, indicator, **kwargs)


def _standing(warehouse, through, indicator=SHARE, **kwargs) -> pd.DataFrame:
    with warehouse.connect() as conn:
        return queries.unit_standing(conn, indicator, through.year, through, **kwargs)


def test_a_rate_is_the_ratio_of_sums_of_the_rows_with_both_parts(warehouse):
    # A 1 of 2, B 3 of 8: 100 · 4 ÷ 10 = 40 % (the mean of the ratios would be 43.75 %).
    # C sent a denominator alone: it does not count, or the rate would be 4 ÷ 20 = 20 %;
    # OLD a numerator alone: it does not count either, or it would be 9 ÷ 10 = 90 %.
    data = {A: (1, 2), B: (3, 8), C: (None, 10), OLD: (5, None)}
    _load(warehouse, _obs(data), "oct", T1)
    series = _series(warehouse)
    assert series[["numerator", "denominator", "value"]].values.tolist() == [[4.0, 10.0, 40.0]]


def test_a_count_is_the_sum_of_the_numerators_whatever_the_denominators(warehouse):
    # 5 + 7 dossiers = 12; a count has no denominator to pair with.
    _load(warehouse, _obs({A: (5, None), B: (7, None)}, indicator="dossiers_received"), "d", T1)
    series = _series(warehouse, "dossiers_received")
    assert series["numerator"].tolist() == [12.0]
    assert series["value"].tolist() == [12.0]
    assert series[["n_units", "n_expected"]].values.tolist() == [[2, 2]]


def test_a_rate_over_a_zero_denominator_has_no_value(warehouse):
    _load(warehouse, _obs({A: (0, 0)}), "oct", T1)
    series = _series(warehouse)
    assert series["denominator"].tolist() == [0.0]
    assert math.isnan(series["value"].iloc[0])


def test_a_rate_over_a_denominator_of_one_is_still_a_rate(warehouse):
    # 1 of 1 = 100 %: any positive denominator gives a rate, not only one above 1.
    _load(warehouse, _obs({A: (1, 1)}), "oct", T1)
    assert _series(warehouse)["value"].tolist() == [100.0]
    assert _standing(warehouse, OCT)["value"].tolist() == [100.0]


def test_each_month_counts_its_units_its_demo_rows_and_its_last_load(warehouse):
    # September: A and B, real, loaded at T1. October: A (real, T1) and C (demo, T2).
    _load(warehouse, _obs({A: (1, 2), B: (1, 2)}, SEP), "sep", T1)
    _load(warehouse, _obs({A: (1, 4)}, OCT), "oct-a", T1)
    _load(warehouse, _obs({C: (3, 4)}, OCT), "oct-c", T2, is_demo=True)
    series = _series(warehouse)
    assert series["period_month"].tolist() == [pd.Timestamp(SEP), pd.Timestamp(OCT)]
    assert series["period_year"].tolist() == [2026, 2026]
    # September 2 of 4 = 50 %; October 4 of 8 = 50 %.
    assert series["value"].tolist() == [50.0, 50.0]
    assert series["n_units"].tolist() == [2, 2]
    assert series["n_expected"].tolist() == [2, 2]
    assert series["is_demo"].tolist() == [False, True]
    assert series["last_loaded_at"].tolist() == [pd.Timestamp(T1), pd.Timestamp(T2)]


def test_months_are_in_time_order_across_years(warehouse):
    dec, jan = dt.date(2025, 12, 1), dt.date(2026, 1, 1)
    _load(warehouse, _obs({A: (1, 2)}, jan), "jan", T1)
    _load(warehouse, _obs({A: (1, 4)}, dec), "dec", T1)
    series = _series(warehouse)
    assert series["period_year"].tolist() == [2025, 2026]
    assert series["value"].tolist() == [25.0, 50.0]


@pytest.mark.parametrize(
    ("unit_filter", "expected"),
    [
        # Wards and communes only, never the city's own row: A 1/2 + B 1/2 + OLD 3/4 +
        # COMMUNE 1/4 = 6 of 12 = 50 %.
        (UnitFilter(), (6.0, 12.0, 4)),
        (UnitFilter(former_provinces=("ho_chi_minh_old",)), (3.0, 4.0, 1)),
        (UnitFilter(unit_types=("commune",)), (1.0, 4.0, 1)),
        (UnitFilter(unit_ids=(A, OLD)), (4.0, 6.0, 2)),
        (UnitFilter(former_provinces=("binh_duong",), unit_types=("ward",)), (2.0, 4.0, 2)),
    ],
)
def test_a_scope_sums_its_units_only(warehouse, unit_filter, expected):
    data = {A: (1, 2), B: (1, 2), OLD: (3, 4), COMMUNE: (1, 4), "city": (90, 100)}
    _load(warehouse, _obs(data), "oct", T1)
    series = _series(warehouse, unit_filter=unit_filter)
    numerator, denominator, n_units = expected
    assert series[["numerator", "denominator", "n_units"]].values.tolist() == [
        [numerator, denominator, n_units]
    ]
    assert series["value"].iloc[0] == pytest.approx(100 * numerator / denominator)


def test_a_city_indicator_is_the_citys_own_row(warehouse):
    indicator = "digital_economy_share_grdp"
    _load(warehouse, _obs({"city": (25, 100), A: (1, 2)}, indicator=indicator), "g", T1)
    series = _series(warehouse, indicator, unit_filter=UnitFilter(unit_ids=(A,)))
    assert series[["numerator", "denominator", "value", "n_units"]].values.tolist() == [
        [25.0, 100.0, 25.0, 1]
    ]


def test_totals_leave_out_the_parts_and_a_part_is_summed_alone(warehouse):
    _load(warehouse, _obs({A: (1, 2), B: (1, 2)}), "totals", T1)
    _load(warehouse, _obs({A: (3, 4), B: (1, 4)}, breakdown="sector:health"), "parts", T1)
    assert _series(warehouse)[["numerator", "denominator"]].values.tolist() == [[2.0, 4.0]]
    part = _series(warehouse, breakdown_key="sector:health")
    # 3 + 1 of 4 + 4 = 50 %.
    assert part[["numerator", "denominator", "value"]].values.tolist() == [[4.0, 8.0, 50.0]]


def test_as_of_takes_the_rows_loaded_by_then_and_not_yet_replaced(warehouse):
    _load(warehouse, _obs({A: (1, 4)}), "oct", T1)
    _load(warehouse, _obs({A: (3, 4)}), "oct", T2)  # replaces the October file at T2
    # Stored superseded at T2 exactly, the first version no longer stands at T2.
    assert rows(warehouse, "SELECT numerator FROM observations WHERE superseded_at IS NULL") == [
        (3.0,)
    ]
    assert _series(warehouse)["value"].tolist() == [75.0]
    assert _series(warehouse, as_of=T1 - dt.timedelta(seconds=1)).empty
    assert _series(warehouse, as_of=T1)["value"].tolist() == [25.0]
    assert _series(warehouse, as_of=T2 - dt.timedelta(seconds=1))["value"].tolist() == [25.0]
    assert _series(warehouse, as_of=T2)["value"].tolist() == [75.0]
    # 09:00 in Ho Chi Minh City on 6 November is 02:00 UTC, an hour before the resend.
    ict = dt.timezone(dt.timedelta(hours=7))
    zoned = dt.datetime(2026, 11, 6, 9, 0, tzinfo=ict)
    assert _series(warehouse, as_of=zoned)["value"].tolist() == [25.0]


def test_a_standing_sums_the_years_months_to_the_month_and_to_the_month_before(warehouse):
    _load(warehouse, _obs({A: (1, 1)}, dt.date(2025, 12, 1)), "dec", T1)  # another year
    _load(warehouse, _obs({A: (1, 2), B: (1, 1)}, AUG), "aug", T1)
    _load(warehouse, _obs({A: (1, 2), B: (1, 1)}, SEP), "sep", T1, is_demo=True)
    _load(warehouse, _obs({A: (3, 4), C: (1, 4)}, OCT), "oct", T1)
    _load(warehouse, _obs({A: (0, 10)}, NOV), "nov", T1)  # after the month asked for
    standing = _standing(warehouse, OCT)
    assert standing["unit_id"].tolist() == [A, B, C]
    # A: Aug–Oct 1 + 1 + 3 of 2 + 2 + 4 = 5 of 8 = 62.5 %; to September 2 of 4 = 50 %.
    # B: 2 of 2 both times, not reported in October. C: October only, 1 of 4.
    assert standing[["numerator", "denominator", "value"]].values.tolist() == [
        [5.0, 8.0, 62.5],
        [2.0, 2.0, 100.0],
        [1.0, 4.0, 25.0],
    ]
    assert standing[["numerator_previous", "denominator_previous", "value_previous"]].iloc[
        :2
    ].values.tolist() == [[2.0, 4.0, 50.0], [2.0, 2.0, 100.0]]
    assert standing[["numerator_previous", "value_previous"]].iloc[2].isna().all()
    assert standing["is_reported"].tolist() == [True, False, True]
    assert standing["is_demo"].tolist() == [True, True, False]
    assert standing["unit_type"].tolist() == ["ward"] * 3
    assert standing["former_province"].tolist() == ["binh_duong"] * 3


def test_a_january_standing_has_no_month_before_in_its_year(warehouse):
    _load(warehouse, _obs({A: (1, 1)}, dt.date(2025, 12, 1)), "dec", T1)
    _load(warehouse, _obs({A: (1, 2)}, dt.date(2026, 1, 1)), "jan", T1)
    standing = _standing(warehouse, dt.date(2026, 1, 1))
    assert standing[["numerator", "value"]].values.tolist() == [[1.0, 50.0]]
    assert standing[["numerator_previous", "value_previous"]].isna().all(axis=None)


def test_a_standing_pairs_a_rates_parts_and_follows_the_scope_and_as_of(warehouse):
    _load(warehouse, _obs({A: (1, 2), OLD: (1, 4)}, SEP), "sep", T1)
    _load(warehouse, _obs({A: (None, 8), OLD: (3, 4)}, OCT), "oct", T1)
    _load(warehouse, _obs({OLD: (1, 4)}, OCT), "oct", T2)  # OLD's October resent
    # A's October denominator alone does not count: 1 of 2 = 50 %, not 1 of 10.
    standing = _standing(warehouse, OCT, unit_filter=UnitFilter(unit_ids=(A,)))
    assert standing[["unit_id", "numerator", "denominator", "value"]].values.tolist() == [
        [A, 1.0, 2.0, 50.0]
    ]
    # OLD at T1: 1 + 3 of 4 + 4 = 50 %; now: 1 + 1 of 8 = 25 %.
    old = UnitFilter(former_provinces=("ho_chi_minh_old",))
    assert _standing(warehouse, OCT, unit_filter=old, as_of=T1)["value"].tolist() == [50.0]
    assert _standing(warehouse, OCT, unit_filter=old)["value"].tolist() == [25.0]


def test_a_count_standing_is_summed_but_has_no_rate(warehouse):
    # A count's denominator is empty: no ratio, but the numerators still add up (4 + 6).
    _load(warehouse, _obs({A: (4, None)}, SEP, "dossiers_received"), "sep", T1)
    _load(warehouse, _obs({A: (6, None)}, OCT, "dossiers_received"), "oct", T1)
    standing = _standing(warehouse, OCT, "dossiers_received")
    assert standing["numerator"].tolist() == [10.0]
    assert standing["numerator_previous"].tolist() == [4.0]
    assert standing["value"].isna().all()


def test_an_empty_standing_has_its_columns_and_types(warehouse):
    standing = _standing(warehouse, OCT)
    assert standing.empty
    assert standing["value"].dtype == "float64"
    assert standing["is_reported"].dtype == bool


def test_a_zoned_as_of_is_read_in_utc_whatever_the_servers_zone(warehouse, monkeypatch):
    # A server set to Ho Chi Minh City time must still convert to UTC, not to its own zone:
    # 09:00 +07:00 on 6 November is 02:00 UTC, before the resend at 03:00 UTC (25 %); read
    # as 09:00 local it would be after it (75 %).
    _load(warehouse, _obs({A: (1, 4)}), "oct", T1)
    _load(warehouse, _obs({A: (3, 4)}), "oct", T2)
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    try:
        ict = dt.timezone(dt.timedelta(hours=7))
        zoned = dt.datetime(2026, 11, 6, 9, 0, tzinfo=ict)
        assert _series(warehouse, as_of=zoned)["value"].tolist() == [25.0]
    finally:
        monkeypatch.undo()
        time.tzset()


DISBURSEMENT = "public_investment_disbursement"


def test_disbursement_carries_an_investors_last_figure_over_its_plan(warehouse):
    # No plan rows: each investor's plan is its report's own denominator. September: A 30
    # of 100, B 10 of 50 → 40 of 150 = 26.67 %. October: A 45 of 120, B did not report and
    # keeps 10 of 50 → 55 of 170 = 32.35 %, 1 unit reported of the 2 the figure covers.
    disbursed = {A: (30, 100), B: (10, 50)}
    _load(warehouse, _obs(disbursed, SEP, DISBURSEMENT), "sep", T1)
    _load(warehouse, _obs({A: (45, 120)}, OCT, DISBURSEMENT), "oct", T2)
    series = _series(warehouse, DISBURSEMENT)
    assert series[["numerator", "denominator", "n_units", "n_expected"]].values.tolist() == [
        [40.0, 150.0, 2, 2],
        [55.0, 170.0, 1, 2],
    ]
    assert series["value"].tolist() == pytest.approx([100 * 40 / 150, 100 * 55 / 170])
    assert series["last_loaded_at"].tolist() == [pd.Timestamp(T1), pd.Timestamp(T2)]
    # A alone: 30 of 100 = 30 %, then 45 of 120 = 37.5 %.
    alone = _series(warehouse, DISBURSEMENT, unit_filter=UnitFilter(unit_ids=(A,)))
    assert alone["value"].tolist() == [30.0, 37.5]
    # As it stood at T1, before October's report.
    assert _series(warehouse, DISBURSEMENT, as_of=T1)["numerator"].tolist() == [40.0]
    with pytest.raises(ValueError, match="cumulative and has no breakdowns"):
        _series(warehouse, DISBURSEMENT, breakdown_key="sector:health")
    # A unit's standing is the month's year-to-date figure, B's carried over from September.
    standing = _standing(warehouse, OCT, DISBURSEMENT)
    assert standing[["unit_id", "numerator", "denominator", "value"]].values.tolist() == [
        [A, 45.0, 120.0, 37.5],
        [B, 10.0, 50.0, 20.0],
    ]
    assert standing["value_previous"].tolist() == [30.0, 20.0]
    assert standing["is_reported"].tolist() == [True, False]


def test_a_standing_names_each_unit_in_both_languages(warehouse):
    # The names as the warehouse's units table holds them (loaded from the reference data).
    _load(warehouse, _obs({B: (1, 2), A: (1, 1)}), "oct", T1)
    standing = _standing(warehouse, OCT)
    assert standing[["unit_id", "name_vi", "name_en"]].values.tolist() == [
        [A, "Phường Thủ Dầu Một", "Thủ Dầu Một Ward"],
        [B, "Phường Phú Lợi", "Phú Lợi Ward"],
    ]


def test_a_standing_leaves_out_a_rates_part_without_its_pair_either_way(warehouse):
    # September A 1 of 2. October A sends 3 with no denominator, B 8 dossiers with no
    # online count: a part without its pair counts on neither side. A: 1 of 2 = 50 %
    # (not 4 of 2 = 200 %); B has nothing paired: no value (not 0 of 8).
    _load(warehouse, _obs({A: (1, 2)}, SEP), "sep", T1)
    _load(warehouse, _obs({A: (3, None), B: (None, 8)}, OCT), "oct", T1)
    standing = _standing(warehouse, OCT).set_index("unit_id")
    assert standing.loc[A, ["numerator", "denominator", "value"]].tolist() == [1.0, 2.0, 50.0]
    assert math.isnan(standing.loc[B, "value"])
    assert not standing.loc[B, "denominator"] > 0


def test_a_disbursement_standing_keeps_to_its_plan_year_and_as_of(warehouse):
    # 2025's September (A 90 of 100) is another plan year. 2026's September: A 30 of 100 at
    # T1, resent as 35 of 100 at T2. As of T1 the standing is 30 %, now 35 %; 2025's is 90 %.
    _load(warehouse, _obs({A: (90, 100)}, dt.date(2025, 9, 1), DISBURSEMENT), "old", T1)
    _load(warehouse, _obs({A: (30, 100)}, SEP, DISBURSEMENT), "sep", T1)
    _load(warehouse, _obs({A: (35, 100)}, SEP, DISBURSEMENT), "sep", T2)
    now = _standing(warehouse, SEP, DISBURSEMENT)
    assert now[["numerator", "denominator", "value"]].values.tolist() == [[35.0, 100.0, 35.0]]
    then = _standing(warehouse, SEP, DISBURSEMENT, as_of=T1)
    assert then[["numerator", "denominator", "value"]].values.tolist() == [[30.0, 100.0, 30.0]]
    with warehouse.connect() as conn:
        last_year = queries.unit_standing(conn, DISBURSEMENT, 2025, dt.date(2025, 9, 1))
    assert last_year[["numerator", "value"]].values.tolist() == [[90.0, 90.0]]
