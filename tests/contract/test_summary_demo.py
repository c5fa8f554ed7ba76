"""The written summary on the demo warehouse: its figures are the Overview tiles' figures.

Two independent references: the tile objects the Overview builds (``briefing.collect`` runs
the Overview's queries and tile builder), and the golden file of what the Overview shows
(``tests/golden/overview_demo.yaml``, read from the rendered page): the statuses, the
projections with their intervals, the big numbers and the attention list's first units.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from sqlalchemy import create_engine

from briefing.collect import BriefingData, collect, warehouse_source
from data_access.engine import PROJECT_ROOT
from data_access.queries import UnitFilter
from metrics.status import Status
from metrics.summary import write_summary

GOLDEN = PROJECT_ROOT / "tests" / "golden" / "overview_demo.yaml"
DAY = dt.date(2026, 11, 28)  # the golden file's clock
STATUS_WORDS = {"vi": "Đúng tiến độ", "en": "On track"}
PROJECTION_LABEL = {"vi": "Dự báo đến 31/12", "en": "Projected to 31 Dec"}


@pytest.fixture(scope="module")
def data(demo_warehouse_url: str) -> BriefingData:
    engine = create_engine(demo_warehouse_url)
    try:
        return collect(warehouse_source(engine), 2026, UnitFilter(), DAY)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def golden() -> dict:
    return yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


def golden_projection(lines: list[str], lang: str) -> str:
    """``76,8% (69,4% – 83,9%)`` from a tile's grid in the golden file."""
    grid = next(line for line in lines if PROJECTION_LABEL[lang] in line)
    match = re.search(re.escape(PROJECTION_LABEL[lang]) + r"\n\n\*\*([^*]+)\*\*", grid)
    assert match, grid
    return match.group(1)


def test_the_summary_figures_are_the_tiles_figures(data):
    summary = write_summary(data.shown, data.attention, "vi")
    by_template: dict[str, list] = {}
    for sentence in summary.sentences:
        by_template.setdefault(sentence.template, []).append(sentence)
    count = by_template["summary_count"][0]
    on_track = sum(tile.status is Status.ON_TRACK for tile in data.shown)
    assert count.figures == (float(on_track), float(len(data.shown)))
    behind = [tile for tile in data.shown if tile.status in (Status.OFF_TRACK, Status.AT_RISK)]
    assert len(by_template["summary_behind"]) == len(behind) == 2
    shown_figures = {sentence.figures for sentence in by_template["summary_behind"]}
    assert shown_figures == {
        (
            tile.projection.central,
            tile.projection.lower_80,
            tile.projection.upper_80,
            tile.projection.probability,
        )
        for tile in behind
    }
    disbursement = data.tiles["public_investment_disbursement"]
    assert disbursement is not None
    why = by_template["summary_why_milestone"][0]
    assert why.figures == (disbursement.headline.value, disbursement.headline.gap)
    first = data.attention[data.attention["section"] == "behind"].iloc[0]
    holding = by_template["summary_holding_back"][0]
    assert holding.figures[:3] == (first["value"], first["benchmark"], first["impact_pp"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_summary_says_what_the_overview_shows(data, golden, lang):
    view = golden["views"][f"2026 {lang}"]
    summary = write_summary(data.shown, data.attention, lang)
    text = summary.text
    good = sum(
        any(STATUS_WORDS[lang] in line for line in lines[:3]) for lines in view["tiles"].values()
    )
    assert good == 2  # the golden Overview: online services and satisfaction on track
    first = summary.sentences[0].text
    assert (f"{good}/4" if lang == "vi" else f"{good} of 4") in first
    assert ("31/10/2026" if lang == "vi" else "31 Oct 2026") in first
    for code in ("public_investment_disbursement", "digital_economy_share_grdp"):
        projection = golden_projection(view["tiles"][code], lang)  # "76,8% (69,4% – 83,9%)"
        central, interval = projection.split(" (")
        assert central in text
        assert interval.rstrip(")") in text
    # The first unit short of its benchmark in the Overview's attention list (the first
    # numbered line: units not reported and each group's lowest are listed with "-") is the
    # first the summary names.
    numbered = [line for line in view["attention"] if line.startswith("1. ")]
    top_unit = re.match(r"1\. \*\*(.+?)\*\*", numbered[0])
    assert top_unit, numbered[0]
    holding = next(s for s in summary.sentences if s.template == "summary_holding_back")
    assert holding.text.split(": ", 1)[1].startswith(top_unit.group(1))
