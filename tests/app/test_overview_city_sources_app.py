"""The Overview read through a deployment's mapping (issue 14): the city-style warehouse of
``tests/sources_city.py`` (other tables and columns, detail rows summed in SQL, a wide table,
its own unit codes) gives the same tiles as the project's own schema.

The project's own warehouse here is a copy of the demo with the declared indicators'
observations deleted, so a figure on a tile can only have come through the mapping. The
expected tiles are the golden file's (``tests/golden/overview_demo.yaml``), less the demo
notices: the city's own rows are not demo data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from data_access import sources
from tests.app.pages import open_page
from tests.app.reading import GOLDEN_MOMENT, read_view, run_overview
from tests.sources_city import build_city_warehouse, own_warehouse_without, write_city_mapping

GOLDEN = yaml.safe_load(
    (Path(__file__).parents[1] / "golden" / "overview_demo.yaml").read_text(encoding="utf-8")
)["views"]
DECLARED_HEADLINES = (
    "online_dossier_share",
    "satisfaction_rate",
    "public_investment_disbursement",
    "digital_economy_share_grdp",
)


@pytest.fixture(scope="module")
def deployment(demo_warehouse_url, tmp_path_factory) -> tuple[str, Path, str]:
    """(own warehouse URL without the declared indicators' rows, mapping file, city URL)."""
    folder = tmp_path_factory.mktemp("city-deployment")
    city_url = f"sqlite:///{folder / 'city.sqlite'}"
    crosswalk = build_city_warehouse(demo_warehouse_url, city_url)
    mapping = write_city_mapping(folder, city_url, crosswalk)
    declared = [s.indicator for s in sources.load_mapping(mapping).sources]
    assert set(DECLARED_HEADLINES) <= set(declared)
    own_url = own_warehouse_without(demo_warehouse_url, folder, declared)
    return own_url, mapping, city_url


DEMO_BADGES = (
    " :violet-badge[:material/science: Demo data]",
    " :violet-badge[:material/science: Dữ liệu minh họa]",
)
"""The demo badge beside a tile's status, in the tile's first element (its name and badges)."""


def _without_demo_notes(lines: list[str]) -> list[str]:
    kept = []
    for line in lines:
        for badge in DEMO_BADGES:
            line = line.replace(badge, "")
        if "Demo data" not in line and "minh họa" not in line:
            kept.append(line)
    return kept


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_city_shape_shows_the_golden_tiles(monkeypatch, time_machine, deployment, lang):
    own_url, mapping, city_url = deployment
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)
    time_machine.move_to(GOLDEN_MOMENT)
    golden = GOLDEN[f"2026 {lang}"]
    app = run_overview(monkeypatch, own_url, **golden["query"])
    seen = read_view(app, tuple(golden["tiles"]))
    for code in DECLARED_HEADLINES:
        assert any(line.startswith("metric:") for line in seen["tiles"][code]), code
        assert _without_demo_notes(seen["tiles"][code]) == _without_demo_notes(
            golden["tiles"][code]
        ), code
        assert seen["review"][code] == golden["review"][code], code


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_city_shape_shows_the_golden_attention_list(
    monkeypatch, time_machine, deployment, lang
):
    """The attention list ranks units through the mapping too (the own schema has no rows
    of the declared indicators): the golden file's units, figures and gaps."""
    own_url, mapping, city_url = deployment
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)
    time_machine.move_to(GOLDEN_MOMENT)
    golden = GOLDEN[f"2026 {lang}"]
    app = run_overview(monkeypatch, own_url, **golden["query"])
    seen = read_view(app, tuple(golden["tiles"]))
    assert len(seen["attention"]) > 10
    assert seen["attention"] == golden["attention"]


def test_the_city_shape_shows_the_same_online_ranking(
    monkeypatch, time_machine, deployment, demo_warehouse_url
):
    """The Online services page's ward ranking through the mapping equals the one on the
    project's own schema (the demo warehouse), row by row: units, ranks, figures, peers."""
    own_url, mapping, city_url = deployment
    time_machine.move_to(GOLDEN_MOMENT)
    opened = ("ranking-table-online",)
    own = open_page(
        monkeypatch, demo_warehouse_url, "online", opened=opened, year="2026", lang="en"
    )
    expected = next(d for d in own.dataframe if d.key == "ranking-online").value
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)
    app = open_page(monkeypatch, own_url, "online", opened=opened, year="2026", lang="en")
    table = next(d for d in app.dataframe if d.key == "ranking-online").value
    assert len(expected) == 113
    pd.testing.assert_frame_equal(
        table.reset_index(drop=True), expected.reset_index(drop=True), check_exact=False
    )
