"""The demo generator's pure pieces: calendars, calibration, curves, splits, batches."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from data_access.writes import read_published_figures, reference_unit_rows
from demo import calibration as cal
from demo.generator import (
    REVISIONS,
    calibrate_logit_shift,
    cumulative_on_day,
    generate_demo,
    largest_remainder,
    month_end_curve,
    month_starts,
    pre_merger_knot,
    quarterly_split,
    split_flows,
    window_month_weights,
)
from demo.units import BOARDS, DEPARTMENTS, demo_unit_rows

D = dt.date
NOW = dt.datetime(2026, 11, 23, 4, 0)


# --- calendars ------------------------------------------------------------------------------


def test_month_starts_are_inclusive() -> None:
    months = month_starts(D(2020, 1, 1), D(2026, 10, 1))
    assert len(months) == 82
    assert months[0] == D(2020, 1, 1) and months[-1] == D(2026, 10, 1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (
            D(2025, 7, 1),
            D(2025, 9, 10),
            {D(2025, 7, 1): 1.0, D(2025, 8, 1): 1.0, D(2025, 9, 1): 10 / 30},
        ),
        (
            D(2025, 6, 27),
            D(2025, 12, 14),
            {
                D(2025, 6, 1): 4 / 30,
                **{D(2025, m, 1): 1.0 for m in range(7, 12)},
                D(2025, 12, 1): 14 / 31,
            },
        ),
        (D(2025, 11, 17), D(2025, 11, 23), {D(2025, 11, 1): 7 / 30}),
        (D(2024, 2, 1), D(2024, 2, 29), {D(2024, 2, 1): 1.0}),
    ],
)
def test_window_month_weights(start: dt.date, end: dt.date, expected: dict[dt.date, float]) -> None:
    got = window_month_weights(start, end)
    assert got.keys() == expected.keys()
    for month, weight in expected.items():
        assert got[month] == pytest.approx(weight)


# --- rates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [0.5, 15.0, 52.9, 91.72, 99.4])
@pytest.mark.parametrize("seed", [1, 2])
def test_logit_shift_hits_the_ratio_of_sums(target: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 5000, 200).astype(float)
    offsets = rng.normal(0, 1.0, 200)
    shift = calibrate_logit_shift(weights, offsets, target)
    got = 100 * np.dot(weights, expit(shift + offsets)) / weights.sum()
    assert got == pytest.approx(target, abs=1e-8)


@pytest.mark.parametrize("target", [0.0, 100.0, -3.0])
def test_logit_shift_refuses_impossible_targets(target: float) -> None:
    with pytest.raises(ValueError, match="within"):
        calibrate_logit_shift(np.ones(3), np.zeros(3), target)


# --- disbursement curves --------------------------------------------------------------------


def _all_knot_sets() -> list[tuple[str, int, tuple[cal.Knot, ...]]]:
    sets = []
    for (territory, year), knots in cal.DISBURSEMENT_KNOTS.items():
        if (territory, year) == (cal.MERGED, 2025):
            knots = (pre_merger_knot(), *knots)
        sets.append((territory, year, knots))
    return sets


KNOT_SETS = _all_knot_sets()


@pytest.mark.parametrize(
    ("territory", "year", "knots"), KNOT_SETS, ids=[f"{t}-{y}" for t, y, _ in KNOT_SETS]
)
def test_month_end_curve_passes_through_every_knot(
    territory: str, year: int, knots: tuple[cal.Knot, ...]
) -> None:
    ends = month_end_curve(year, knots)
    assert len(ends) == 13
    for knot in knots:
        assert cumulative_on_day(year, ends, knot.day) == pytest.approx(knot.percent, abs=1e-9)


@pytest.mark.parametrize(
    ("territory", "year", "knots"), KNOT_SETS, ids=[f"{t}-{y}" for t, y, _ in KNOT_SETS]
)
def test_month_end_curve_is_a_back_loaded_s_curve(
    territory: str, year: int, knots: tuple[cal.Knot, ...]
) -> None:
    ends = month_end_curve(year, knots)
    flows = np.diff(np.concatenate([[0.0], ends]))
    assert (flows >= 0).all()
    assert ends[11] < 100 and ends[12] < 100
    assert ends[5] < 35, "more than a third of the plan by June is not this city's pattern"
    assert flows[9:12].sum() > flows[0:3].sum() * 3, "the last quarter should dominate the first"


def test_pre_merger_anchor_becomes_a_merged_percentage() -> None:
    knot = pre_merger_knot()
    assert knot.day == D(2025, 3, 14)
    assert knot.percent * 120_353 == pytest.approx(3.0 * (84_149 + 20_500 + 12_800))


@pytest.mark.parametrize(
    ("knots", "says"),
    [
        (
            (
                cal.Knot(D(2024, 3, 3), 2.0),
                cal.Knot(D(2024, 3, 30), 4.0),
                cal.Knot(D(2025, 1, 31), 80.0),
            ),
            "two knots",
        ),
        ((cal.Knot(D(2024, 3, 31), 2.0), cal.Knot(D(2024, 12, 31), 80.0)), "last knot"),
        (
            (
                cal.Knot(D(2024, 6, 30), 10.0),
                cal.Knot(D(2024, 7, 1), 30.0),
                cal.Knot(D(2025, 1, 31), 31.0),
            ),
            "decreasing",
        ),
    ],
)
def test_month_end_curve_refuses_bad_knots(knots: tuple[cal.Knot, ...], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        month_end_curve(2024, knots)


@pytest.mark.parametrize("seed", range(6))
def test_split_flows_keeps_totals_and_caps(seed: int) -> None:
    rng = np.random.default_rng(seed)
    investors, months = 30, 13
    plans = np.repeat(rng.uniform(10, 1000, investors)[:, None], months, axis=1)
    cumulative_total = np.sort(rng.uniform(0, 0.95, months)) * plans[:, 0].sum()
    totals = np.diff(np.concatenate([[0.0], cumulative_total]))
    weights = rng.uniform(0, 1, (investors, months)) * plans
    got = split_flows(totals, weights, plans * 0.995)
    assert got.sum(axis=0) == pytest.approx(cumulative_total, rel=1e-9)
    assert (np.diff(got, axis=1) >= -1e-9).all()
    assert (got >= -1e-12).all()
    assert (got <= plans * 0.995 + 1e-6).all()


def test_split_flows_passes_a_full_investors_share_on() -> None:
    got = split_flows(np.array([10.0]), np.array([[1.0], [1.0]]), np.array([[2.0], [100.0]]))
    assert got[:, 0].tolist() == pytest.approx([2.0, 8.0])


def test_split_flows_refuses_more_than_all_plans() -> None:
    with pytest.raises(ValueError, match="every plan full"):
        split_flows(np.array([10.0]), np.array([[1.0], [1.0]]), np.array([[2.0], [3.0]]))


@pytest.mark.parametrize(
    ("shares", "total", "step"),
    [([1, 1, 1], 84_149, 0.1), ([0.24, 0.12, 0.5, 0.001], 120_353, 0.1), ([3, 2], 7, 1.0)],
)
def test_largest_remainder_sums_exactly(shares: list[float], total: float, step: float) -> None:
    got = largest_remainder(np.array(shares, dtype=float), total, step)
    assert got.sum() == pytest.approx(total, abs=1e-6)
    assert np.allclose(np.round(got / step), got / step)


@pytest.mark.parametrize("annual", [1_372_272, 1_298_791, 2_740_000])
def test_quarterly_split_sums_to_the_year(annual: float) -> None:
    quarters = quarterly_split(annual, cal.GRDP_QUARTER_SHARES_DEFAULT)
    assert quarters.sum() == annual
    assert (quarters == np.round(quarters)).all()


# --- calibration data agree with the published file -----------------------------------------


def _published_actuals() -> pd.DataFrame:
    frame = read_published_figures()
    return frame[
        frame["indicator_code"].isin(cal.PUBLISHED_CALIBRATED_INDICATORS)
        & (frame["kind"] == "actual")
        & frame["territory"].isin(["pre_merger", "merged"])
        & ~frame["basis"].str.startswith("city report BC")
    ]


def test_every_published_disbursement_figure_is_a_knot() -> None:
    published_knots = {
        (k.day, k.percent)
        for knots in cal.DISBURSEMENT_KNOTS.values()
        for k in knots
        if k.is_published
    } | {(cal.PRE_MERGER_2025_ANCHOR.day, cal.PRE_MERGER_2025_ANCHOR.percent)}
    rows = _published_actuals()
    rows = rows[rows["indicator_code"] == "public_investment_disbursement"]
    assert len(rows) == 11
    for _, row in rows.iterrows():
        assert (row["period_end"], row["value"]) in published_knots, row.to_dict()
        year = row["period_start"].year
        territory = cal.OLD_CITY if row["territory"] == "pre_merger" else cal.MERGED
        assert cal.PLANS[territory][year] == row["plan_billion_vnd"]


def test_every_published_rate_is_a_calibration_aim() -> None:
    rows = _published_actuals()
    aims = {
        ("online_dossier_share", cal.ONLINE_SHARE_WINDOW_1),
        ("online_dossier_share", cal.ONLINE_SHARE_WINDOW_2),
        ("satisfaction_rate", (D(2025, 7, 1), D(2025, 9, 30))),
        ("satisfaction_rate", (D(2025, 11, 17), D(2025, 11, 23))),
    }
    rows = rows[rows["indicator_code"] != "public_investment_disbursement"]
    assert {(r.indicator_code, (r.period_start, r.period_end)) for r in rows.itertuples()} == aims
    values = dict(zip(rows["period_start"], rows["value"], strict=True))
    assert values[D(2025, 7, 1)] in (52.0, cal.SATISFACTION_Q3_2025)
    assert values[D(2025, 6, 27)] == cal.ONLINE_SHARE_WINDOW_2_AIM
    assert values[D(2025, 11, 17)] == cal.SATISFACTION_NOVEMBER_2025


def test_published_annual_city_figures_match() -> None:
    frame = read_published_figures()
    grdp = frame[frame["indicator_code"] == "grdp_current_prices"]
    assert {r.period_start.year: r.value for r in grdp.itertuples()} == {
        y: v for y, v in cal.GRDP_ANNUAL.items() if y <= 2025
    }
    ict = frame[
        (frame["indicator_code"] == "digital_economy_share_grdp")
        & frame["basis"].str.startswith("ICT ministry")
    ]
    for row in ict.itertuples():
        assert cal.DIGITAL_ECONOMY_ICT_SHARE[row.period_start.year] == row.value
    statistics = frame[frame["basis"].str.startswith("statistics office method")]
    for row in statistics.itertuples():
        assert cal.DIGITAL_ECONOMY_STATISTICS_SHARE[row.period_start.year] == row.value


# --- units ----------------------------------------------------------------------------------


def test_demo_units_are_well_formed() -> None:
    rows = demo_unit_rows()
    assert len(rows) == len(DEPARTMENTS) + len(BOARDS) == 23
    assert rows["unit_id"].is_unique and rows["slug"].is_unique
    reference = reference_unit_rows()
    assert not set(rows["slug"]) & set(reference["slug"])
    assert not set(rows["unit_id"]) & set(reference["unit_id"])
    assert rows["name_vi"].str.startswith(("Sở ", "Ban ")).all()
    for territory in (cal.OLD_CITY, cal.BINH_DUONG, cal.BA_RIA_VUNG_TAU):
        assert sum(b.plan_share for b in BOARDS if b.former_province == territory) < 1


# --- the whole generator --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    return generate_demo(reference_unit_rows(), last_month=D(2026, 10, 1), seed=20251, now=NOW)


def test_generation_is_deterministic(demo) -> None:
    again = generate_demo(reference_unit_rows(), last_month=D(2026, 10, 1), seed=20251, now=NOW)
    assert [b.submission_key for b in again.batches] == [b.submission_key for b in demo.batches]
    pd.testing.assert_frame_equal(again.current_observations(), demo.current_observations())


def test_another_seed_gives_other_numbers(demo) -> None:
    other = generate_demo(reference_unit_rows(), last_month=D(2026, 10, 1), seed=7, now=NOW)
    # Unit totals: a procedure without dossiers in a month has no row, and which ones those
    # are depends on the seed.
    key = ["indicator_id", "unit_id", "period_year", "period_month"]
    a = demo.current_observations().query("breakdown_key == ''").sort_values(key)
    b = other.current_observations().query("breakdown_key == ''").sort_values(key)
    assert len(a) == len(b)
    assert not np.allclose(a["numerator"].to_numpy(), b["numerator"].to_numpy())


def test_history_does_not_depend_on_the_last_month(demo) -> None:
    shorter = generate_demo(reference_unit_rows(), last_month=D(2025, 12, 1), seed=20251, now=NOW)
    key = ["indicator_id", "unit_id", "period_year", "period_month", "breakdown_key"]
    a = shorter.current_observations()
    b = demo.current_observations()
    b = b[b["period_month"] <= D(2025, 12, 1)]
    b = b[(b["indicator_id"] != "public_investment_disbursement") | (b["period_year"] < 2025)]
    a = a[(a["indicator_id"] != "public_investment_disbursement") | (a["period_year"] < 2025)]
    a = a.set_index(key).sort_index()
    b = b.set_index(key).sort_index()
    pd.testing.assert_frame_equal(a.loc[b.index], b)


def test_batches_load_in_time_order_and_before_now(demo) -> None:
    times = [b.loaded_at for b in demo.batches]
    assert times == sorted(times)
    assert max(times) <= NOW
    assert all(len(b.frame) > 0 for b in demo.batches)


def test_every_draft_is_corrected_later_with_the_same_key(demo) -> None:
    drafts = [b for b in demo.batches if b.is_draft]
    assert len(drafts) == len(REVISIONS)
    for draft in drafts:
        later = [
            b for b in demo.batches if b.submission_key == draft.submission_key and not b.is_draft
        ]
        assert len(later) == 1 and later[0].loaded_at > draft.loaded_at
        assert not draft.frame["numerator"].equals(later[0].frame["numerator"])


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"size": "XL"}, "not implemented"),
        ({"last_month": D(2026, 10, 15)}, "first day of a month"),
        ({"last_month": D(2019, 12, 1)}, "first day of a month from 2020"),
        ({"seed": -1}, "non-negative"),
    ],
)
def test_bad_options_say_how_to_fix_them(options: dict[str, object], says: str) -> None:
    arguments = {"last_month": D(2026, 10, 1), "seed": 1, "size": "S", "now": NOW} | options
    with pytest.raises(ValueError, match=says):
        generate_demo(reference_unit_rows(), **arguments)


# --- breakdowns: procedures and sectors -----------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "total", "wanted"),
    [
        ([[1.5, 1.5, 0.0]], [3], [[2.0, 1.0, 0.0]]),
        ([[0.0, 0.0]], [0], [[0.0, 0.0]]),
        ([[4.0, 6.0]], [10], [[4.0, 6.0]]),
        ([[0.3, 0.3, 0.4]], [1], [[0.0, 0.0, 1.0]]),
    ],
)
def test_split_with_caps_sums_exactly_within_the_ceiling(expected, total, wanted) -> None:
    from demo.generator import split_with_caps

    result = split_with_caps(np.array(expected, dtype=float), np.array(total, dtype=float))
    assert result.tolist() == wanted
    assert (result.sum(axis=1) == np.array(total)).all()
    assert (result <= np.ceil(np.array(expected))).all()


def test_procedure_breakdowns_add_up_on_a_small_frame() -> None:
    from demo.generator import procedure_breakdowns

    dossiers = pd.DataFrame(
        {
            "indicator_id": "online_dossier_share",
            "unit_id": ["26734", "26734", "26737"],
            "period_year": 2025,
            "period_month": [D(2025, 1, 1), D(2025, 2, 1), D(2025, 1, 1)],
            "value": np.nan,
            "numerator": [400.0, 0.0, 50.0],
            "denominator": [1000.0, 10.0, 50.0],
        }
    )
    communes = pd.DataFrame({"unit_id": ["26734", "26737"]})
    parts = procedure_breakdowns(dossiers, communes, np.random.default_rng(1))
    sums = parts.groupby(["unit_id", "period_month"])[["numerator", "denominator"]].sum()
    assert sums.loc[("26734", D(2025, 1, 1))].tolist() == [400.0, 1000.0]
    assert sums.loc[("26734", D(2025, 2, 1))].tolist() == [0.0, 10.0]
    assert sums.loc[("26737", D(2025, 1, 1))].tolist() == [50.0, 50.0]
    assert (parts["numerator"] <= parts["denominator"]).all()
    assert parts["breakdown_key"].str.startswith("procedure:").all()


def test_procedure_breakdowns_start_in_their_first_month() -> None:
    from demo.generator import procedure_breakdowns

    dossiers = pd.DataFrame(
        {
            "indicator_id": "online_dossier_share",
            "unit_id": "26734",
            "period_year": 2024,
            "period_month": [D(2024, 12, 1)],
            "value": 50.0,
            "numerator": [5.0],
            "denominator": [10.0],
        }
    )
    parts = procedure_breakdowns(
        dossiers, pd.DataFrame({"unit_id": ["26734"]}), np.random.default_rng(1)
    )
    assert parts.empty


def test_sector_breakdowns_split_each_quarter_exactly() -> None:
    from demo.dimensions import SECTORS
    from demo.generator import sector_breakdowns

    economy = pd.DataFrame(
        {
            "indicator_id": "grdp_current_prices",
            "unit_id": "city",
            "period_year": [2021, 2025],
            "period_month": [D(2021, 9, 1), D(2025, 3, 1)],
            "value": [300_001.0, 650_000.0],
            "numerator": [300_001.0, 650_000.0],
            "denominator": np.nan,
        }
    )
    parts = sector_breakdowns(economy)
    sums = parts.groupby("period_month")["numerator"].sum()
    assert sums.tolist() == [300_001.0, 650_000.0]
    assert (parts["numerator"] == np.round(parts["numerator"])).all()
    assert len(parts) == 2 * len(SECTORS)
    lockdown = parts[parts["period_month"] == D(2021, 9, 1)].set_index("breakdown_key")
    # The Q3 2021 lockdown weighs accommodation and food well below its usual share.
    usual = cal.SECTOR_GROUP_SHARES[2021]["services"] / 100
    assert lockdown.loc["sector:I", "numerator"] / 300_001 < 0.02 < usual
