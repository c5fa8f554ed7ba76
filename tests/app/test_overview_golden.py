"""The Overview on the demo warehouse shows exactly what ``tests/golden/overview_demo.yaml``
says: every figure and word, per tile, per review card and per attention row, in both
languages, and downloads that hold, cell by cell, the rows the file gives.

The golden file was made on a fixed day (its freshness badges depend on it), so these tests
move the clock to that day, whatever day the suite runs as. How to remake the file, and when:
see its header.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yaml

from metrics.registry import HEADLINE_CODES
from tests.app.reading import (
    GOLDEN_MOMENT,
    download_tables,
    read_view,
    run_overview,
    table_rows,
)

GOLDEN = yaml.safe_load(
    (Path(__file__).parents[1] / "golden" / "overview_demo.yaml").read_text(encoding="utf-8")
)
VIEWS: dict[str, Any] = GOLDEN["views"]


@pytest.fixture(scope="module")
def shown(demo_warehouse_url: str) -> dict[str, Any]:
    """Each golden view rendered once, at the golden day (apps kept for the downloads)."""
    apps: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as monkeypatch, time_machine.travel(GOLDEN_MOMENT):
        for name, view in VIEWS.items():
            apps[name] = run_overview(monkeypatch, demo_warehouse_url, **view["query"])
    return apps


def test_the_golden_file_covers_every_headline_indicator_in_both_languages() -> None:
    assert GOLDEN["clock"] == "2026-11-28"
    assert {name.split(" ")[1].rstrip(",") for name in VIEWS} == {"vi", "en"}
    for view in VIEWS.values():
        assert list(view["tiles"]) == list(HEADLINE_CODES)


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("code", HEADLINE_CODES)
def test_each_tile_shows_the_golden_figures_and_words(
    shown: dict[str, Any], view: str, code: str
) -> None:
    seen = read_view(shown[view], HEADLINE_CODES)
    assert seen["tiles"][code] == VIEWS[view]["tiles"][code]


@pytest.mark.parametrize("view", list(VIEWS))
def test_each_review_card_shows_the_golden_result(shown: dict[str, Any], view: str) -> None:
    seen = read_view(shown[view], HEADLINE_CODES)
    assert list(seen["review"]) == list(VIEWS[view]["review"])
    for code, card in VIEWS[view]["review"].items():
        assert seen["review"][code] == card, code


@pytest.mark.parametrize("view", list(VIEWS))
def test_each_attention_row_is_the_golden_row(shown: dict[str, Any], view: str) -> None:
    seen = read_view(shown[view], HEADLINE_CODES)["attention"]
    golden = VIEWS[view]["attention"]
    assert len(seen) == len(golden)
    for rank, (row, expected) in enumerate(zip(seen, golden, strict=True), start=1):
        assert row == expected, f"attention row {rank}"


def _same_cell(csv_cell: str, xlsx_cell: str) -> bool:
    """A CSV and an XLSX cell hold the same thing: equal numbers, or equal text."""
    try:
        left, right = float(csv_cell), float(xlsx_cell)
    except ValueError:
        return csv_cell == xlsx_cell
    return left == right or (math.isnan(left) and math.isnan(right))


@pytest.mark.parametrize("name", list(GOLDEN["downloads"]))
def test_downloads_hold_the_golden_rows_cell_by_cell(shown: dict[str, Any], name: str) -> None:
    """Regression: the download test never read the downloaded bytes."""
    stem, view = name.split(" ", 1)  # e.g. "tiles 2026 en"
    csv, xlsx = download_tables(shown[view], stem)
    golden = GOLDEN["downloads"][name]
    assert table_rows(csv) == golden
    assert list(xlsx.columns) == list(csv.columns)
    for csv_row, xlsx_row in zip(table_rows(csv), table_rows(xlsx), strict=True):
        for column in csv.columns:
            assert _same_cell(csv_row[column], xlsx_row[column]), (column, csv_row, xlsx_row)
