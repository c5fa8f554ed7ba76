"""The written summary (metrics/summary.py): one test per sentence template, in both languages.

Tiles are built by hand: a real tile of a tiny series, with the fields a sentence reads
(status, trend, headline, projection, year) replaced by hand-chosen values. Every expected
sentence is written out by hand from those values and the glossary's formats.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from metrics.registry import get_indicator
from metrics.status import Status, Trend
from metrics.summary import (
    behind_sentence,
    count_sentence,
    holding_back_sentence,
    missed_sentence,
    none_behind_sentence,
    not_assessable_sentence,
    trend_sentence,
    why_sentence,
    write_summary,
)
from metrics.tiles import Headline, Tile, build_tile

ONLINE, SATISFACTION = "online_dossier_share", "satisfaction_rate"
DISBURSEMENT, ECONOMY = "public_investment_disbursement", "digital_economy_share_grdp"


@pytest.fixture(scope="module")
def base() -> Tile:
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
        get_indicator(ONLINE),
        2025,
        as_of_month="2025-06-01",
        n_paths=200,
        seed=1,
        compare_previous=False,
    )


def month_headline(value: float, month: str, gap: float) -> Headline:
    return Headline(value, "month", pd.Timestamp(month), 50.0, "target", 2026, None, gap, False)


DISBURSEMENT_HEADLINE = Headline(
    51.24,
    "year_to_date",
    pd.Timestamp("2026-10-01"),
    65.2,
    "milestone",
    2026,
    dt.date(2026, 10, 31),
    -13.96,
    False,
)
ECONOMY_HEADLINE = Headline(
    27.24, "year_so_far", pd.Timestamp("2026-09-01"), 30.0, "target", 2026, None, -2.76, True
)


def make(
    base: Tile,
    code: str,
    *,
    year: int = 2026,
    status: Status = Status.ON_TRACK,
    trend: Trend = Trend.STABLE,
    headline: Headline | None = None,
    as_of: str = "2026-10-01",
    closed: bool = False,
    **projection: object,
) -> Tile:
    """``base`` as a tile of ``code`` for ``year`` with the given fields."""
    changes: dict[str, object] = {"judgement_date": dt.date(year, 12, 31), **projection}
    if closed:
        changes["method"] = "complete"
    return dataclasses.replace(
        base,
        indicator_code=code,
        year=year,
        as_of_month=pd.Timestamp(as_of),
        status=status,
        trend=trend,
        target_in_force=get_indicator(code).year_end_target(year),
        headline=headline or month_headline(90.62, as_of, 40.62),
        projection=dataclasses.replace(base.projection, **changes),
    )


# --- summary_count / summary_count_closed -------------------------------------------------


def test_count_sentence(base):
    tiles = [
        make(base, ONLINE),
        make(base, SATISFACTION),
        make(base, DISBURSEMENT, status=Status.OFF_TRACK),
        make(base, ECONOMY, status=Status.AT_RISK, as_of="2026-09-01"),
    ]
    vi, en = count_sentence(tiles, "vi"), count_sentence(tiles, "en")
    assert vi.template == "summary_count"
    assert vi.text == "Số liệu đến ngày 31/10/2026: 2/4 chỉ tiêu đúng tiến độ."
    assert en.text == "Data to 31 Oct 2026: 2 of 4 indicators on track."
    assert vi.figures == (2.0, 4.0)


def test_count_sentence_of_a_closed_year(base):
    tiles = [
        make(base, code, year=2025, status=status, closed=True, as_of="2025-12-01")
        for code, status in (
            (ONLINE, Status.ON_TRACK),
            (SATISFACTION, Status.ON_TRACK),
            (DISBURSEMENT, Status.OFF_TRACK),
            (ECONOMY, Status.ON_TRACK),
        )
    ]
    assert count_sentence(tiles, "vi").text == "Năm 2025: 3/4 chỉ tiêu đạt."
    assert count_sentence(tiles, "en").text == "2025: 3 of 4 targets met."
    assert count_sentence(tiles, "en").template == "summary_count_closed"


# --- summary_behind -----------------------------------------------------------------------


def test_behind_sentence_off_track(base):
    tile = make(
        base,
        DISBURSEMENT,
        status=Status.OFF_TRACK,
        central=76.84,
        lower_80=69.42,
        upper_80=83.93,
        probability=0.004,
    )
    vi, en = behind_sentence(tile, "vi"), behind_sentence(tile, "en")
    assert vi.text == (
        "Giải ngân chậm tiến độ: dự báo đến 31/12/2026 đạt 76,8% (khoảng dự báo 80%: "
        "69,4% – 83,9%), chỉ tiêu ≥ 95%; khả năng đạt chỉ tiêu < 1%."
    )
    assert en.text == (
        "Disbursement is off track: projected at 76.8% by 31 Dec 2026 (80% interval "
        "69.4% – 83.9%) against a target of ≥ 95%; probability of reaching it < 1%."
    )
    assert vi.figures == (76.84, 69.42, 83.93, 0.004)


def test_behind_sentence_at_risk(base):
    tile = make(
        base,
        SATISFACTION,
        status=Status.AT_RISK,
        central=89.46,
        lower_80=88.95,
        upper_80=89.97,
        probability=0.404,
    )
    assert behind_sentence(tile, "vi").text == (
        "Mức độ hài lòng có nguy cơ không đạt: dự báo đến 31/12/2026 đạt 89,5% (khoảng dự "
        "báo 80%: 89,0% – 90,0%), chỉ tiêu ≥ 90%; khả năng đạt chỉ tiêu 40%."
    )
    assert behind_sentence(tile, "en").text == (
        "Satisfaction is at risk: projected at 89.5% by 31 Dec 2026 (80% interval "
        "89.0% – 90.0%) against a target of ≥ 90%; probability of reaching it 40%."
    )


def test_behind_sentence_refuses_a_tile_without_projection(base):
    tile = make(base, SATISFACTION, status=Status.NOT_ASSESSABLE, central=None, probability=None)
    with pytest.raises(ValueError, match="not assessable"):
        behind_sentence(tile, "vi")


# --- summary_why_milestone / summary_why_target -------------------------------------------


def test_why_sentence_against_the_milestone_path(base):
    tile = make(base, DISBURSEMENT, status=Status.OFF_TRACK, headline=DISBURSEMENT_HEADLINE)
    vi, en = why_sentence(tile, "vi"), why_sentence(tile, "en")
    assert vi is not None and en is not None
    assert vi.template == "summary_why_milestone"
    assert vi.text == (
        "Lý do: lũy kế đến 31/10/2026 mới đạt 51,2%, chậm 14,0 điểm phần trăm so với mốc "
        "tiến độ (65,2%)."
    )
    assert en.text == (
        "Why: 51.2% disbursed to 31 Oct 2026, 14.0 pp behind the milestone path (65.2%)."
    )
    assert vi.figures == (51.24, -13.96)


def test_why_sentence_against_the_target(base):
    tile = make(base, ECONOMY, status=Status.AT_RISK, headline=ECONOMY_HEADLINE, as_of="2026-09-01")
    vi, en = why_sentence(tile, "vi"), why_sentence(tile, "en")
    assert vi is not None and en is not None
    assert vi.template == "summary_why_target"
    assert vi.text == (
        "Lý do: mới đạt 27,2% (9 tháng năm 2026, số liệu sơ bộ), thấp hơn 2,8 điểm phần "
        "trăm so với chỉ tiêu năm 2026."
    )
    assert en.text == (
        "Why: 27.2% (first 9 months of 2026, preliminary), 2.8 pp below the 2026 target."
    )


def test_no_why_sentence_when_the_big_number_is_not_short(base):
    tile = make(base, ONLINE, status=Status.AT_RISK, headline=month_headline(50.0, "2026-10", 0.0))
    assert why_sentence(tile, "vi") is None


# --- summary_missed / summary_none_behind / summary_not_assessable -------------------------


def test_missed_sentence(base):
    judged = Headline(
        91.4,
        "judged",
        pd.Timestamp("2026-01-01"),
        95.0,
        "target",
        2025,
        dt.date(2026, 1, 31),
        -3.6,
        False,
    )
    tile = make(
        base,
        DISBURSEMENT,
        year=2025,
        status=Status.OFF_TRACK,
        headline=judged,
        closed=True,
        as_of="2025-12-01",
    )
    assert missed_sentence(tile, "vi").text == (
        "Giải ngân không đạt chỉ tiêu năm 2025: 91,4% (đến 31/01/2026), chỉ tiêu ≥ 95%."
    )
    assert missed_sentence(tile, "en").text == (
        "Disbursement missed its 2025 target: 91.4% (to 31 Jan 2026) against ≥ 95%."
    )


def test_none_behind_sentence():
    assert none_behind_sentence(2026, "vi").text == (
        "Không chỉ tiêu nào có nguy cơ không đạt trong năm 2026."
    )
    assert none_behind_sentence(2026, "en").text == "No target is at risk for 2026."


def test_not_assessable_sentence(base):
    tiles = [
        make(base, SATISFACTION, status=Status.NOT_ASSESSABLE),
        make(base, ECONOMY, status=Status.NOT_ASSESSABLE),
    ]
    assert not_assessable_sentence(tiles, "vi").text == (
        "Chưa đủ dữ liệu để đánh giá: mức độ hài lòng, kinh tế số."
    )
    assert not_assessable_sentence(tiles, "en").text == (
        "Not yet assessable: satisfaction, the digital economy share."
    )


# --- summary_improved / summary_worsened and their "none" ----------------------------------


def test_improved_sentence(base):
    tiles = [
        make(base, ONLINE, trend=Trend.IMPROVING, headline=month_headline(90.62, "2026-10", 40.6)),
        make(base, DISBURSEMENT, trend=Trend.IMPROVING, headline=DISBURSEMENT_HEADLINE),
    ]
    vi, en = (
        trend_sentence(tiles, Trend.IMPROVING, "vi"),
        trend_sentence(tiles, Trend.IMPROVING, "en"),
    )
    assert vi.template == "summary_improved"
    assert vi.text == (
        "Cải thiện: tỷ lệ hồ sơ trực tuyến: 90,6% (tháng 10/2026); giải ngân: 51,2% "
        "(lũy kế đến 31/10/2026)."
    )
    assert en.text == (
        "Improving: the online dossier share: 90.6% (Oct 2026); disbursement: 51.2% "
        "(year to date to 31 Oct 2026)."
    )
    assert vi.figures == (90.62, 51.24)


def test_worsened_sentence(base):
    tiles = [
        make(
            base,
            SATISFACTION,
            trend=Trend.WORSENING,
            headline=month_headline(94.87, "2026-10", 4.9),
        )
    ]
    assert trend_sentence(tiles, Trend.WORSENING, "vi").text == (
        "Giảm sút: mức độ hài lòng: 94,9% (tháng 10/2026)."
    )
    assert trend_sentence(tiles, Trend.WORSENING, "en").text == (
        "Worsening: satisfaction: 94.9% (Oct 2026)."
    )


def test_nothing_improved_or_worsened():
    assert trend_sentence([], Trend.IMPROVING, "vi").text == (
        "Chưa chỉ tiêu nào cải thiện so với kỳ so sánh."
    )
    assert trend_sentence([], Trend.IMPROVING, "en").text == (
        "No indicator is improving on its comparison period."
    )
    assert trend_sentence([], Trend.WORSENING, "vi").text == (
        "Không chỉ tiêu nào giảm sút so với kỳ so sánh."
    )
    assert trend_sentence([], Trend.WORSENING, "en").text == (
        "No indicator is worsening on its comparison period."
    )


# --- summary_holding_back / summary_holding_back_none --------------------------------------


def attention_rows(n: int) -> pd.DataFrame:
    rows = [
        ("Phường Bến Thành", "Ben Thanh Ward", ONLINE, 41.2, 50.0, 0.35),
        (
            "Ban Quản lý đường sắt đô thị",
            "Management Authority for Urban Railways",
            DISBURSEMENT,
            30.1,
            65.2,
            2.31,
        ),
        ("Xã Cần Giờ", "Can Gio Commune", SATISFACTION, 88.0, 90.0, 0.02),
        ("Phường Sài Gòn", "Sai Gon Ward", ONLINE, 45.0, 50.0, 0.01),
    ][:n]
    return pd.DataFrame(
        rows, columns=["name_vi", "name_en", "indicator_code", "value", "benchmark", "impact_pp"]
    )


def test_holding_back_sentence_names_the_first_units(base):
    vi = holding_back_sentence(attention_rows(2), "vi")
    assert vi.text == (
        "Đơn vị kéo kết quả chung xuống nhiều nhất: Phường Bến Thành (tỷ lệ hồ sơ trực tuyến "
        "41,2%, cần 50,0%; ảnh hưởng 0,35 điểm phần trăm); Ban Quản lý đường sắt đô thị "
        "(giải ngân 30,1%, cần 65,2%; ảnh hưởng 2,31 điểm phần trăm)."
    )
    assert holding_back_sentence(attention_rows(2), "en").text == (
        "Holding the city back most: Ben Thanh Ward (the online dossier share 41.2%, needs "
        "50.0%; impact 0.35 pp); Management Authority for Urban Railways (disbursement 30.1%, "
        "needs 65.2%; impact 2.31 pp)."
    )
    assert vi.figures == (41.2, 50.0, 0.35, 30.1, 65.2, 2.31)


def test_holding_back_sentence_stops_at_three_units():
    text = holding_back_sentence(attention_rows(4), "en").text
    assert "Can Gio Commune" in text
    assert "Sai Gon Ward" not in text


def test_units_not_reported_or_past_the_target_do_not_hold_the_city_back():
    """Regression: the first unit named was a unit that had not reported the month (the
    attention list's first section), with last month's figure."""
    rows = attention_rows(3).assign(section=["not_reported", "behind", "lowest_in_group"])
    sentence = holding_back_sentence(rows, "en")
    assert "Management Authority for Urban Railways" in sentence.text
    assert "Ben Thanh Ward" not in sentence.text
    assert "Can Gio Commune" not in sentence.text
    assert sentence.figures == (30.1, 65.2, 2.31)
    only_lowest = attention_rows(1).assign(section=["lowest_in_group"])
    assert holding_back_sentence(only_lowest, "en").template == "summary_holding_back_none"


def test_nobody_holding_back():
    empty = attention_rows(0)
    assert holding_back_sentence(empty, "vi").text == "Không đơn vị nào thấp hơn mức cần đạt."
    assert holding_back_sentence(empty, "en").text == "No unit is below what it needs to reach."


# --- the whole summary ----------------------------------------------------------------------


def test_the_summary_reads_worst_first_and_in_order(base):
    tiles = [
        make(base, ONLINE, trend=Trend.IMPROVING),
        make(base, SATISFACTION, status=Status.NOT_ASSESSABLE, central=None, probability=None),
        make(
            base,
            DISBURSEMENT,
            status=Status.AT_RISK,
            headline=DISBURSEMENT_HEADLINE,
            central=80.0,
            lower_80=70.0,
            upper_80=90.0,
            probability=0.3,
        ),
        make(
            base,
            ECONOMY,
            status=Status.OFF_TRACK,
            trend=Trend.WORSENING,
            headline=ECONOMY_HEADLINE,
            as_of="2026-09-01",
            central=27.4,
            lower_80=27.3,
            upper_80=27.5,
            probability=0.001,
        ),
    ]
    summary = write_summary(tiles, attention_rows(1), "vi")
    assert [s.template for s in summary.sentences] == [
        "summary_count",
        "summary_behind",  # off track (the digital economy) before at risk
        "summary_why_target",
        "summary_behind",
        "summary_why_milestone",
        "summary_not_assessable",
        "summary_improved",
        "summary_worsened",
        "summary_holding_back",
    ]
    assert summary.sentences[1].text.startswith("Kinh tế số chậm tiến độ")
    assert summary.lead(2) == " ".join(s.text for s in summary.sentences[:2])
    assert summary.text == f"{summary.lead(2)} {summary.rest(2)}"


def test_nothing_behind_and_no_tile(base):
    summary = write_summary([make(base, ONLINE)], attention_rows(0), "en")
    assert [s.template for s in summary.sentences] == [
        "summary_count",
        "summary_none_behind",
        "summary_none_improved",
        "summary_none_worsened",
        "summary_holding_back_none",
    ]
    assert write_summary([], attention_rows(0), "vi").sentences == ()
