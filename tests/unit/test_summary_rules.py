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
from metrics.status import Status
from metrics.summary import (
    Sentence,
    WrittenSummary,
    behind_sentence,
    missed_sentence,
    none_behind_sentence,
    not_assessable_sentence,
)
from metrics.tiles import Headline, Tile, build_tile
from tests.unit.test_summary import DISBURSEMENT, ECONOMY, SATISFACTION, make


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
