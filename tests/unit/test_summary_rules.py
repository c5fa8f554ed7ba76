"""The written summary's smaller rules, stated where mutation testing found them unstated:
what a page shows before "read more", which sentence a template is (the briefing and its
PDF key on it), the figures kept beside each sentence, a target written in the reader's
language, and when a tile has no projection to be behind with.

Tiles are made as in ``tests/unit/test_summary.py`` (a real tile with hand-chosen fields);
every expected text is written out by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest

from metrics.registry import get_indicator
from metrics.review import YearResult
from metrics.status import Status, Trend
from metrics.summary import (
    Sentence,
    WrittenSummary,
    behind_sentence,
    holding_back_sentence,
    missed_sentence,
    none_behind_sentence,
    not_assessable_sentence,
    period_text,
    trend_sentence,
    why_sentence,
    write_summary,
)
from metrics.tiles import Headline, Tile, build_tile
from tests.unit.test_summary import (
    DISBURSEMENT,
    ECONOMY,
    ONLINE,
    SATISFACTION,
    attention_rows,
    make,
    month_headline,
)


@pytest.fixture(scope="module")
def base() -> Tile:
    """The same real tile as ``test_summary``'s (six months of 2025), to change by hand."""
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
        get_indicator("online_dossier_share"),
        2025,
        as_of_month="2025-06-01",
        n_paths=200,
        seed=1,
        compare_previous=False,
    )


def test_a_page_shows_two_sentences_before_read_more() -> None:
    summary = WrittenSummary(
        tuple(Sentence("t", text, ()) for text in ("One.", "Two.", "Three.", "Four."))
    )
    assert summary.lead() == "One. Two."
    assert summary.rest() == "Three. Four."
    assert summary.text == "One. Two. Three. Four."


@pytest.mark.parametrize(
    ("central", "probability"),
    [(None, 0.004), (76.84, None)],
    ids=["no central projection", "no probability"],
)
def test_a_tile_without_either_half_of_its_projection_is_not_behind(
    base: Tile, central: float | None, probability: float | None
) -> None:
    tile = make(
        base,
        DISBURSEMENT,
        status=Status.OFF_TRACK,
        central=central,
        lower_80=69.42,
        upper_80=83.93,
        probability=probability,
    )
    with pytest.raises(ValueError, match="not assessable"):
        behind_sentence(tile, "vi")


def _judged(value: float | None) -> Headline:
    return Headline(
        value,
        "judged",
        pd.Timestamp("2026-01-01"),
        95.0,
        "target",
        2025,
        dt.date(2026, 1, 31),
        -3.6,
        False,
    )


def _missed_tile(base: Tile, value: float | None, target: float | None = None) -> Tile:
    tile = make(
        base,
        DISBURSEMENT,
        year=2025,
        status=Status.OFF_TRACK,
        headline=_judged(value),
        closed=True,
        as_of="2025-12-01",
    )
    if target is None:
        return tile
    in_force = tile.target_in_force
    assert in_force is not None
    moved = dataclasses.replace(in_force.target, value=target)
    return dataclasses.replace(tile, target_in_force=dataclasses.replace(in_force, target=moved))


def test_a_missed_target_sentence_keeps_its_template_and_judged_value(base: Tile) -> None:
    sentence = missed_sentence(_missed_tile(base, 91.4), "en")
    assert sentence.template == "summary_missed"
    assert sentence.figures == (91.4,)


def test_a_missed_target_without_a_judged_value_keeps_a_missing_figure(base: Tile) -> None:
    sentence = missed_sentence(_missed_tile(base, None), "en")
    assert len(sentence.figures) == 1 and math.isnan(sentence.figures[0])


def test_a_target_with_decimals_is_written_in_the_readers_language(base: Tile) -> None:
    tile = _missed_tile(base, 91.4, target=95.5)
    assert missed_sentence(tile, "en").text == (
        "Disbursement missed its 2025 target: 91.4% (to 31 Jan 2026) against ≥ 95.5%."
    )
    assert missed_sentence(tile, "vi").text == (
        "Giải ngân không đạt chỉ tiêu năm 2025: 91,4% (đến 31/01/2026), chỉ tiêu ≥ 95,5%."
    )


def test_a_behind_sentence_writes_its_target_in_the_readers_language(base: Tile) -> None:
    tile = make(
        base,
        DISBURSEMENT,
        status=Status.OFF_TRACK,
        central=76.84,
        lower_80=69.42,
        upper_80=83.93,
        probability=0.004,
    )
    in_force = tile.target_in_force
    assert in_force is not None
    moved = dataclasses.replace(in_force.target, value=95.5)
    tile = dataclasses.replace(tile, target_in_force=dataclasses.replace(in_force, target=moved))
    assert behind_sentence(tile, "en").text == (
        "Disbursement is off track: projected at 76.8% by 31 Dec 2026 (80% interval "
        "69.4% – 83.9%) against a target of ≥ 95.5%; probability of reaching it < 1%."
    )
    assert behind_sentence(tile, "vi").text == (
        "Giải ngân chậm tiến độ: dự báo đến 31/12/2026 đạt 76,8% (khoảng dự báo 80%: "
        "69,4% – 83,9%), chỉ tiêu ≥ 95,5%; khả năng đạt chỉ tiêu < 1%."
    )


def test_sentences_without_figures_say_so(base: Tile) -> None:
    assert none_behind_sentence(2026, "en").figures == ()
    assert none_behind_sentence(2026, "en").template == "summary_none_behind"
    tiles = [make(base, SATISFACTION, status=Status.NOT_ASSESSABLE)]
    tiles.append(make(base, ECONOMY, status=Status.NOT_ASSESSABLE))
    sentence = not_assessable_sentence(tiles, "en")
    assert sentence.template == "summary_not_assessable"
    assert sentence.figures == ()


def test_a_lower_is_better_target_is_written_with_its_own_sign(base: Tile) -> None:
    tile = _missed_tile(base, 91.4)
    in_force = tile.target_in_force
    assert in_force is not None
    moved = dataclasses.replace(in_force.target, value=2.5, comparator="<=")
    tile = dataclasses.replace(tile, target_in_force=dataclasses.replace(in_force, target=moved))
    assert missed_sentence(tile, "en").text == (
        "Disbursement missed its 2025 target: 91.4% (to 31 Jan 2026) against ≤ 2.5%."
    )


def test_a_tile_without_a_target_in_force_writes_a_dash(base: Tile) -> None:
    tile = dataclasses.replace(_missed_tile(base, 91.4), target_in_force=None)
    assert missed_sentence(tile, "en").text == (
        "Disbursement missed its 2025 target: 91.4% (to 31 Jan 2026) against —."
    )


def test_a_projection_without_its_interval_keeps_missing_figures(base: Tile) -> None:
    tile = make(
        base,
        DISBURSEMENT,
        status=Status.OFF_TRACK,
        central=76.84,
        lower_80=None,
        upper_80=None,
        probability=0.004,
    )
    sentence = behind_sentence(tile, "en")
    assert sentence.figures[0] == 76.84 and sentence.figures[3] == 0.004
    assert math.isnan(sentence.figures[1]) and math.isnan(sentence.figures[2])
    assert "(80% interval — – —)" in sentence.text


def _headline(
    kind: str,
    period: str | None,
    *,
    value: float | None = 88.0,
    reference_kind: str = "target",
    reference_date: dt.date | None = None,
    gap: float | None = -7.0,
    is_preliminary: bool = False,
) -> Headline:
    return Headline(
        value,
        kind,  # type: ignore[arg-type]
        pd.Timestamp(period) if period is not None else None,
        95.0,
        reference_kind,  # type: ignore[arg-type]
        2025,
        reference_date,
        gap,
        is_preliminary,
    )


@pytest.mark.parametrize(
    ("headline", "vi", "en"),
    [
        # No period: the tile's own year (2026).
        (_headline("month", None), "năm 2026", "2026"),
        # The last complete year, even with a day to read a milestone at: its year.
        (
            _headline("year", "2025-12-01", reference_date=dt.date(2025, 12, 31)),
            "năm 2025",
            "2025",
        ),
        # Judged without a judgement date: the year of its period.
        (_headline("judged", "2026-01-01"), "năm 2026", "2026"),
        # An estimate that is no longer preliminary says nothing more.
        (_headline("year_so_far", "2026-09-01"), "9 tháng năm 2026", "first 9 months of 2026"),
        (
            _headline("year_so_far", "2026-09-01", is_preliminary=True),
            "9 tháng năm 2026, số liệu sơ bộ",
            "first 9 months of 2026, preliminary",
        ),
    ],
)
def test_what_the_big_number_covers(base: Tile, headline: Headline, vi: str, en: str) -> None:
    tile = make(base, ECONOMY, headline=headline)
    assert (period_text(tile, "vi"), period_text(tile, "en")) == (vi, en)


def test_no_why_without_a_big_number(base: Tile) -> None:
    tile = make(
        base, ECONOMY, status=Status.AT_RISK, headline=_headline("month", "2026-09-01", value=None)
    )
    assert why_sentence(tile, "en") is None


def test_a_target_read_on_a_day_is_still_a_target(base: Tile) -> None:
    # A judged value carries its judgement date; the reason is the target, not the path.
    headline = _headline("judged", "2026-01-01", reference_date=dt.date(2026, 1, 31))
    tile = make(base, DISBURSEMENT, status=Status.OFF_TRACK, headline=headline)
    why = why_sentence(tile, "en")
    assert why is not None
    assert why.template == "summary_why_target"
    assert why.text == "Why: 88.0% (to 31 Jan 2026), 7.0 pp below the 2025 target."


def _no_attention() -> pd.DataFrame:
    return pd.DataFrame(columns=["section"])


def test_a_closed_year_tells_what_was_missed_and_no_trend(base: Tile) -> None:
    result = YearResult(
        indicator_code=DISBURSEMENT,
        year=2025,
        value=91.4,
        value_with_extension=91.4,
        target=95.0,
        comparator=">=",
        is_target_carried_forward=False,
        is_met=False,
        margin=-3.6,
        is_complete=True,
        periods_observed=13,
        periods_expected=13,
        last_month=pd.Timestamp("2026-01-01"),
        judgement_date=dt.date(2026, 1, 31),
        extension_date=dt.date(2026, 1, 31),
    )
    missed = dataclasses.replace(
        _missed_tile(base, 91.4), year_result=result, trend=Trend.WORSENING
    )
    met = dataclasses.replace(
        make(base, ONLINE, year=2025, closed=True, as_of="2025-12-01", trend=Trend.IMPROVING),
        year_result=dataclasses.replace(result, indicator_code=ONLINE, is_met=True),
    )
    summary = write_summary([met, missed], _no_attention(), "en")
    assert [s.template for s in summary.sentences] == [
        "summary_count_closed",
        "summary_missed",
        "summary_holding_back_none",
    ]
    assert summary.sentences[1].text.startswith("Disbursement missed its 2025 target")


def test_of_two_tiles_off_track_the_larger_shortfall_comes_first(base: Tile) -> None:
    small = make(
        base,
        ONLINE,
        status=Status.OFF_TRACK,
        headline=month_headline(45.0, "2026-10-01", -5.0),
        central=80.0,
        lower_80=70.0,
        upper_80=90.0,
        probability=0.3,
    )
    large = make(
        base,
        SATISFACTION,
        status=Status.OFF_TRACK,
        headline=month_headline(70.0, "2026-10-01", -20.0),
        central=80.0,
        lower_80=70.0,
        upper_80=90.0,
        probability=0.3,
    )
    summary = write_summary([small, large], _no_attention(), "en")
    behind = [s.text for s in summary.sentences if s.template == "summary_behind"]
    assert behind[0].startswith("Satisfaction is off track")
    assert behind[1].startswith("The online dossier share is off track")


def test_trend_and_holding_back_sentences_without_figures(base: Tile) -> None:
    assert trend_sentence([], Trend.IMPROVING, "en").figures == ()
    assert trend_sentence([], Trend.WORSENING, "en").figures == ()
    assert holding_back_sentence(attention_rows(0), "en").figures == ()


def test_a_trend_without_a_big_number_keeps_a_missing_figure(base: Tile) -> None:
    tile = make(
        base, ONLINE, trend=Trend.IMPROVING, headline=_headline("month", "2026-10-01", value=None)
    )
    sentence = trend_sentence([tile], Trend.IMPROVING, "en")
    assert len(sentence.figures) == 1 and math.isnan(sentence.figures[0])


def test_a_tile_behind_without_a_probability_is_passed_over_not_the_rest(base: Tile) -> None:
    # The worst tile (off track, 20 pp short) has no probability: no behind sentence for it,
    # and the next one (at risk) still gets its own.
    worst = make(
        base,
        ONLINE,
        status=Status.OFF_TRACK,
        headline=month_headline(30.0, "2026-10-01", -20.0),
        central=35.0,
        probability=None,
    )
    next_one = make(
        base,
        SATISFACTION,
        status=Status.AT_RISK,
        headline=month_headline(89.0, "2026-10-01", -1.0),
        central=89.5,
        lower_80=88.0,
        upper_80=91.0,
        probability=0.4,
    )
    summary = write_summary([worst, next_one], attention_rows(0), "en")
    behind = [s.text for s in summary.sentences if s.template == "summary_behind"]
    assert len(behind) == 1 and behind[0].startswith("Satisfaction is at risk")


def test_the_summary_names_its_year_and_as_many_units_as_asked(base: Tile) -> None:
    summary = write_summary([make(base, ONLINE)], attention_rows(3), "en", top_units=1)
    texts = {s.template: s.text for s in summary.sentences}
    assert texts["summary_none_behind"] == "No target is at risk for 2026."
    assert texts["summary_holding_back"].count("(") == 1
    assert "Ben Thanh Ward" in texts["summary_holding_back"]
    assert "Management Authority" not in texts["summary_holding_back"]
