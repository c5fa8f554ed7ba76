"""Issue 7, findings 6–8: tiles compare like with like, and say why.

Every expected number here is worked out by hand from the small series below (the
arithmetic is in the comments), never read from the function under test. Each test failed
on the tiles before issue 7: the digital-economy tile set 2025's 25,0% against the 2026
target (−5,0), the disbursement delta was the year to date against the 95% year-end target,
a closed year judged at 31 January showed the 31 December value beside the 31 January
margin, and the cumulative trend compared year-to-date levels.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cache

import pandas as pd
import pytest

from app_pages import _tiles
from metrics.registry import Target, get_indicator
from metrics.status import Status
from metrics.tiles import Tile, build_tile, judged_value, summarize

DISBURSEMENT = get_indicator("public_investment_disbursement")
DIGITAL = get_indicator("digital_economy_share_grdp")
N_PATHS = 300

# Year-to-date % of the plan at the end of each month, the same every earlier year, and the
# January-extension figure.
EARLIER_YTD = [2, 5, 9, 14, 20, 27, 35, 42, 48, 55, 66, 82]
EARLIER_EXTENSION = 91.0
YTD_2026 = [1, 3, 5, 8, 12, 17, 22, 30, 40, 51]  # to October
PLAN = 1_000.0


def _cumulative(ytd_by_year: dict[int, list[float]], extension: dict[int, float]) -> pd.DataFrame:
    rows = []
    for year, values in ytd_by_year.items():
        for month, ytd in enumerate(values, start=1):
            rows.append((year, pd.Timestamp(year, month, 1), ytd / 100 * PLAN, PLAN))
        if year in extension:
            rows.append((year, pd.Timestamp(year + 1, 1, 1), extension[year] / 100 * PLAN, PLAN))
    frame = pd.DataFrame(rows, columns=["period_year", "period_month", "numerator", "denominator"])
    return frame.assign(value=100 * frame["numerator"] / frame["denominator"]).sort_values(
        ["period_month", "period_year"], kind="stable"
    )


def disbursement_2026() -> pd.DataFrame:
    earlier = {year: EARLIER_YTD for year in range(2019, 2026)}
    return _cumulative({**earlier, 2026: YTD_2026}, dict.fromkeys(range(2019, 2026), 91.0))


@cache
def disbursement_tile() -> Tile:
    """The October 2026 disbursement tile (built once: several tests read it)."""
    return build_tile(
        disbursement_2026(), DISBURSEMENT, 2026, as_of_month="2026-10-01", n_paths=N_PATHS
    )


def _quarterly(values: dict[int, list[tuple[float, float]]]) -> pd.DataFrame:
    rows = [
        (year, pd.Timestamp(year, 3 * (quarter + 1), 1), numerator, denominator)
        for year, quarters in values.items()
        for quarter, (numerator, denominator) in enumerate(quarters)
    ]
    frame = pd.DataFrame(rows, columns=["period_year", "period_month", "numerator", "denominator"])
    return frame.assign(value=100 * frame["numerator"] / frame["denominator"])


DIGITAL_QUARTERS = {
    2021: [(18.0, 100.0)] * 4,
    2022: [(19.0, 100.0)] * 4,
    2023: [(21.0, 100.0)] * 4,
    2024: [(22.0, 100.0)] * 4,
    2025: [(24.0, 100.0), (25.0, 100.0), (25.0, 100.0), (26.0, 100.0)],  # 100/400 = 25,0%
    2026: [(27.0, 100.0), (27.5, 110.0), (28.0, 100.0)],  # 82,5/310 = 26,6129%
}


# --- finding 6: the digital-economy tile's year --------------------------------------------


def test_digital_economy_tile_shows_this_year_so_far_against_this_years_target() -> None:
    tile = build_tile(
        _quarterly(DIGITAL_QUARTERS), DIGITAL, 2026, as_of_month="2026-09-01", n_paths=N_PATHS
    )
    headline = tile.headline
    assert headline.kind == "year_so_far"
    assert headline.value == pytest.approx(100 * 82.5 / 310)  # 26,6129 %
    assert headline.reference == 30.0 and headline.reference_year == 2026
    assert headline.gap == pytest.approx(100 * 82.5 / 310 - 30.0)  # −3,387 pp, not −5,0
    assert headline.is_preliminary
    assert _tiles.headline_label(tile, "vi") == "9 tháng năm 2026 (sơ bộ)"
    assert _tiles.headline_label(tile, "en") == "First 9 months of 2026 (preliminary)"
    assert _tiles.headline_comparison(tile, DIGITAL, "vi") == "so với chỉ tiêu năm 2026"
    # The as-of line names the quarter the value runs to (Quý III/2026 above a 2026 value).
    assert "Quý III/2026" in _tiles.as_of_text(tile, DIGITAL, "vi")


def test_before_this_years_first_quarter_the_last_year_is_held_against_its_own_target() -> None:
    quarters = {year: q for year, q in DIGITAL_QUARTERS.items() if year <= 2025}
    tile = build_tile(
        _quarterly(quarters), DIGITAL, 2026, as_of_month="2025-12-01", n_paths=N_PATHS
    )
    headline = tile.headline
    assert headline.kind == "year"
    assert headline.value == pytest.approx(25.0)  # 100 / 400
    assert headline.reference == 25.0 and headline.reference_year == 2025  # 2025's own target
    assert headline.gap == pytest.approx(0.0)  # not 25 − 30 = −5,0
    assert not headline.is_preliminary
    assert _tiles.headline_comparison(tile, DIGITAL, "vi") == "so với chỉ tiêu năm 2025"
    assert _tiles.headline_label(tile, "vi") == "Kết quả năm 2025"


def test_digital_trend_compares_the_same_quarters_and_never_across_the_merger() -> None:
    tile = build_tile(
        _quarterly(DIGITAL_QUARTERS), DIGITAL, 2026, as_of_month="2026-09-01", n_paths=N_PATHS
    )
    # 2026 Q1–Q3: 26,61 % against 2025 Q1–Q3: 74/300 = 24,67 % → +1,95 pp ≥ 0,5: improving.
    assert tile.trend.value == "improving"
    assert tile.trend_basis == "same_quarters_last_year" and tile.trend_years == (2025, 2025)
    assert not tile.trend_spans_merger
    # Yearly rises of complete years, none across the merger: 2022 +1, 2023 +2, 2024 +1
    # (2024 → 2025 is a change of territory and is left out).
    history = tile.pace_history
    assert (history.first_year, history.last_year, history.n_years) == (2022, 2024, 3)
    assert (history.low, history.median, history.high) == pytest.approx((1.0, 1.0, 2.0))
    assert not history.spans_merger
    # A year judged across the merger says so: 2025 Q1–Q3 against 2024 Q1–Q3.
    before = {year: q for year, q in DIGITAL_QUARTERS.items() if year <= 2025}
    tile_2025 = build_tile(
        _quarterly({**before, 2025: before[2025][:3]}),
        DIGITAL,
        2025,
        as_of_month="2025-09-01",
        n_paths=N_PATHS,
    )
    assert tile_2025.trend_spans_merger
    assert _tiles.spans_merger(tile_2025)


# --- finding 7: the disbursement tile -----------------------------------------------------


def test_disbursement_delta_is_against_the_milestone_to_date() -> None:
    tile = build_tile(
        disbursement_2026(), DISBURSEMENT, 2026, as_of_month="2026-10-01", n_paths=N_PATHS
    )
    # The 2026 milestones are 2025's, carried forward: 50 % at 30/9 and 95 % at 31/12. The
    # path to 31/10 is linear by day: 50 + 45 × 31/92 = 65,163 %.
    expected = 50.0 + 45.0 * 31 / 92
    headline = tile.headline
    assert headline.kind == "year_to_date" and headline.reference_kind == "milestone"
    assert headline.value == pytest.approx(51.0)
    assert headline.reference == pytest.approx(expected)
    assert headline.reference_date == dt.date(2026, 10, 31)
    assert headline.gap == pytest.approx(51.0 - expected)  # −14,16 pp, not 51 − 95 = −44
    assert _tiles.headline_comparison(tile, DISBURSEMENT, "vi") == ("so với mốc đến 31/10 (65,2%)")


def test_disbursement_trend_is_judged_on_flows_against_the_same_months() -> None:
    tile = build_tile(
        disbursement_2026(), DISBURSEMENT, 2026, as_of_month="2026-10-01", n_paths=N_PATHS
    )
    # Year to date, October 2026 (51 %) is below October 2025 (55 %): the old rule said
    # worsening. The flows of August–October: 51 − 22 = 29 pp in 2026, 55 − 35 = 20 pp in
    # every earlier year: improving.
    assert tile.trend.value == "improving"
    assert tile.trend_basis == "same_months_earlier_years"
    assert tile.trend_years == (2019, 2025)
    assert tile.trend_spans_merger  # 2019–2024 are before the merger


def test_required_pace_is_beside_what_the_same_months_delivered() -> None:
    tile = build_tile(
        disbursement_2026(), DISBURSEMENT, 2026, as_of_month="2026-10-01", n_paths=N_PATHS
    )
    # Needed: (95 − 51) / 2 months = 22,0 pp a month. Earlier years, November–December:
    # (82 − 55) / 2 = 13,5 pp a month, every year.
    assert tile.pace.required == pytest.approx(22.0)
    history = tile.pace_history
    assert (history.low, history.median, history.high) == pytest.approx((13.5, 13.5, 13.5))
    assert (history.first_year, history.last_year) == (2019, 2025)
    facts = dict(_tiles._pace_facts(tile, "vi"))
    assert facts["Cùng kỳ 2019–2025"] == "13,5 – 13,5"


# --- finding 2 on the tile: the 31 January judgement ----------------------------------------


def _due_31_january(value: float) -> Target:
    return Target(
        year=2025,
        value=value,
        comparator=">=",
        due_date=dt.date(2026, 1, 31),
        source_vi="thử",
        source_en="test",
        source_url="https://example.org",
    )


def test_a_year_judged_on_31_january_shows_the_31_january_value_beside_its_margin() -> None:
    due_january = dataclasses.replace(DISBURSEMENT, targets=(_due_31_january(90.0),))
    ytd = {year: [*EARLIER_YTD[:11], 80.0] for year in range(2019, 2026)}
    series = _cumulative(ytd, dict.fromkeys(range(2019, 2026), 91.0))
    tile = build_tile(series, due_january, 2025, as_of_month="2026-01-01", n_paths=N_PATHS)
    assert tile.projection.method == "complete"
    headline = tile.headline
    # Judged at 31/01/2026: 91 % against ≥ 90 % → +1,0 (80 % at 31/12 is said beside it).
    assert headline.kind == "judged" and headline.reference_date == dt.date(2026, 1, 31)
    assert headline.value == pytest.approx(91.0)
    assert headline.gap == pytest.approx(1.0)
    assert _tiles.headline_label(tile, "vi") == "Kết quả đến 31/01/2026"
    grid = dict(_tiles._grid(tile, due_january, "vi"))
    assert grid["Đến 31/12/2025"] == "**80,0%**"
    assert grid["Đến 31/01/2026"] == "**91,0%**"
    assert tile.year_result is not None and judged_value(tile.year_result) == pytest.approx(91.0)
    assert tile.status is Status.ON_TRACK  # met


def test_a_year_judged_on_31_december_keeps_the_december_value() -> None:
    ytd = {year: [*EARLIER_YTD[:11], 80.0] for year in range(2019, 2026)}
    series = _cumulative(ytd, dict.fromkeys(range(2019, 2026), 91.0))
    tile = build_tile(series, DISBURSEMENT, 2025, as_of_month="2026-01-01", n_paths=N_PATHS)
    assert tile.headline.value == pytest.approx(80.0)  # judged at 31/12 against ≥ 95 %
    assert tile.headline.gap == pytest.approx(-15.0)
    assert tile.year_result is not None and judged_value(tile.year_result) == pytest.approx(80.0)
    assert _tiles.headline_label(tile, "vi") == "Kết quả năm 2025"
    # A closed year is met or missed, never at risk.
    assert _tiles.badge_markdown(tile, "vi", short=True) == ":red-badge[:material/error: Không đạt]"


# --- finding 8: why, and last month ---------------------------------------------------------


def test_every_open_tile_says_why_and_last_months_status() -> None:
    tile = build_tile(
        disbursement_2026(), DISBURSEMENT, 2026, as_of_month="2026-10-01", n_paths=N_PATHS
    )
    assert tile.previous_month == pd.Timestamp(2026, 9, 1)
    assert tile.previous_status is not None
    why = _tiles.why_line(tile, DISBURSEMENT, "vi")
    assert why.startswith("Khả năng đạt chỉ tiêu ")
    assert "31/12/2026" in why and "phương pháp:" in why
    assert f"Tháng trước: {_tiles.t(f'status_{tile.previous_status.value}', 'vi')}." in why
    english = _tiles.why_line(tile, DISBURSEMENT, "en")
    assert "Last month:" in english and "method:" in english


def test_a_tile_with_no_target_says_so_in_both_languages() -> None:
    """Regression (finding 13: "the model and status reasons are English only"): the
    status's reason was an English string on the tile (``"not assessable: no target"``)
    that never reached the screen; the "Vì sao?" line showed the forecast method's reason
    instead, which does not say why the status is "Chưa đủ dữ liệu để đánh giá". The online
    share has no target before 2025 (its first, ≥ 50 %, is for 2025)."""
    from tests.unit.test_projection import monthly_flow_series

    online = get_indicator("online_dossier_share")
    tile = build_tile(
        monthly_flow_series(end="2024-09-01"),
        online,
        2024,
        as_of_month="2024-09-01",
        n_paths=N_PATHS,
    )
    assert tile.status is Status.NOT_ASSESSABLE
    assert (tile.status_reason.code, tile.status_reason.year) == ("no_target", 2024)
    assert tile.projection.central is not None and tile.projection.probability is None
    vi = _tiles.why_line(tile, online, "vi")
    assert vi.startswith("Chưa đủ dữ liệu để đánh giá: năm 2024 chưa có chỉ tiêu. Dự báo ")
    assert "vào 31/12/2024 (phương pháp: " in vi
    en = _tiles.why_line(tile, online, "en")
    assert en.startswith("Not yet assessable: there is no target for 2024. Projected ")
    assert "on 31 Dec 2024 (method: " in en


def test_too_few_points_is_said_with_its_numbers() -> None:
    """A status the rule leaves unassessed for too few points says how many, not a
    probability the badge contradicts."""
    from metrics.tiles import StatusReason

    tile = dataclasses.replace(
        disbursement_tile(),
        status=Status.NOT_ASSESSABLE,
        rule_status=Status.NOT_ASSESSABLE,
        status_reason=StatusReason("too_few_points", 2026, n_points=4, min_points=6),
        previous_status=None,
    )
    assert _tiles.why_line(tile, DISBURSEMENT, "vi").startswith(
        "Chưa đủ dữ liệu để đánh giá: mới có số liệu 4 tháng, cần ít nhất 6 tháng. Dự báo "
    )
    assert _tiles.why_line(tile, DISBURSEMENT, "en").startswith(
        "Not yet assessable: 4 months of data; at least 6 are needed. Projected "
    )


def test_the_headline_counts_on_track_tiles_and_names_the_one_most_behind() -> None:
    disbursement = disbursement_tile()
    assert disbursement.status is Status.OFF_TRACK  # 51 % in October, 95 % needed
    summary = summarize([disbursement])
    assert (summary.n_good, summary.n_total, summary.worst) == (0, 1, disbursement)
    text = _tiles.headline_summary([disbursement], {DISBURSEMENT.code: DISBURSEMENT}, "vi")
    # 51 − 65,163 = −14,163 → 14,2
    assert text == "0/1 chỉ tiêu đúng tiến độ; giải ngân chậm 14,2 điểm phần trăm so với mốc 31/10"
