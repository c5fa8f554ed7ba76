"""The breakdowns below the unit totals read through a deployment's mapping (issue 14).

The city-style warehouse of ``tests/sources_city.py`` declares the online share's dossiers
by procedure and GRDP's sectors as breakdowns (other tables, the city's own procedure codes,
dossier rows summed in SQL). The project's own warehouse is a copy of the demo with the
declared indicators' observations **and its procedure and sector list** deleted, so a row
on the page can only have come through the mapping. The expected figures are the same page
opened on the demo warehouse itself (the project's own schema and queries).

- The Online services page's procedures table, for the whole city, a former province and
  one unit, in both languages; and one procedure's own figures (its metrics and trend).
- The Digital economy page's GRDP by sector: the chart and the year's sectors table.
- A mapping that declares the indicators without breakdowns: each page says so plainly in
  both languages, and shows no table.

Clock pinned to the golden moment (2026-11-28 in the city).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from data_access import sources
from i18n import escape_markdown, t
from tests.app.pages import open_page
from tests.app.reading import GOLDEN_MOMENT, find_block, html_tables, read_block
from tests.sources_city import build_city_warehouse, own_warehouse_without, write_city_mapping


@pytest.fixture(autouse=True)
def _figures_by_plotly(monkeypatch):
    """This module reads each chart's data from the plotly figure sent to the browser: the
    pages draw it with plotly (the SVG drawn from the same figure: tests/unit/test_figure_svg.py
    and tests/app/test_svg_figures_app.py)."""
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")


NOT_DECLARED = {
    "vi": "Nguồn số liệu khai báo cho chỉ tiêu này không có số liệu theo {dimension}, nên "
    "phần này chưa hiển thị được. Để hiển thị, khai báo mục breakdowns cho chỉ tiêu trong tệp "
    "khai báo nguồn (xem README, mục “Số liệu theo phân tổ”).",
    "en": "The data source declared for this indicator has no figures by {dimension}, so this "
    "part cannot be shown. To show it, declare the indicator's breakdowns in the source mapping "
    "file (see the README, “Breakdowns”).",
}
DIMENSIONS = {
    "vi": {"procedure": "thủ tục hành chính", "sector": "ngành kinh tế"},
    "en": {"procedure": "administrative procedure", "sector": "economic sector"},
}


@pytest.fixture(scope="module")
def city(demo_warehouse_url, tmp_path_factory) -> tuple[str, str, Path, Path]:
    """(own warehouse URL, city URL, mapping with breakdowns, mapping without them)."""
    folder = tmp_path_factory.mktemp("city-breakdowns-app")
    city_url = f"sqlite:///{folder / 'city.sqlite'}"
    crosswalk = build_city_warehouse(demo_warehouse_url, city_url)
    with_parts = folder / "with"
    without = folder / "without"
    with_parts.mkdir()
    without.mkdir()
    mapping = write_city_mapping(with_parts, city_url, crosswalk, grdp=True, breakdowns=True)
    bare = write_city_mapping(without, city_url, crosswalk, grdp=True)
    declared = [s.indicator for s in sources.load_mapping(mapping).sources]
    assert {"online_dossier_share", "grdp_current_prices"} <= set(declared)
    own_url = own_warehouse_without(demo_warehouse_url, folder, declared)
    engine = create_engine(own_url)
    try:
        with engine.begin() as conn:  # a city's own schema has no procedure or sector list
            conn.execute(text("DELETE FROM breakdowns"))
    finally:
        engine.dispose()
    return own_url, city_url, mapping, bare


def _declare(monkeypatch, mapping: Path, city_url: str) -> None:
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)


def _table(app: AppTest, prefix: str) -> pd.DataFrame:
    found = [d for d in app.dataframe if (d.key or "").startswith(prefix)]
    assert len(found) == 1, [d.key for d in app.dataframe]
    return found[0].value.reset_index(drop=True)


def _sectors_table(app: AppTest, lang: str) -> pd.DataFrame:
    found = [d for d in html_tables(app).values() if t("col_sector", lang) in d.columns]
    assert len(found) == 1
    return found[0].reset_index(drop=True)


def _chart_data(app: AppTest, key: str) -> list[dict[str, object]]:
    charts = [c for c in app.get("plotly_chart") if c.proto.id.endswith(key)]
    assert len(charts) == 1, key
    return json.loads(charts[0].proto.spec)["data"]


def _captions(app: AppTest) -> list[str]:
    return [str(c.value) for c in app.caption]


@pytest.mark.parametrize(
    "situation",
    [
        {"lang": "vi"},
        {"lang": "en"},
        {"lang": "en", "province": "binh_duong"},
        {"lang": "vi", "unit": "26737"},
    ],
    ids=["city-vi", "city-en", "former-province", "unit"],
)
def test_the_procedures_table_shows_the_same_figures_through_the_mapping(
    monkeypatch, time_machine, city, demo_warehouse_url, situation
):
    own_url, city_url, mapping, _ = city
    time_machine.move_to(GOLDEN_MOMENT)
    params = {"year": "2026", **situation}
    opened = ("procedures-table-online",)  # the grid is built once its expander is opened
    expected = open_page(monkeypatch, demo_warehouse_url, "online", opened=opened, **params)
    _declare(monkeypatch, mapping, city_url)
    app = open_page(monkeypatch, own_url, "online", opened=opened, **params)

    table = _table(app, "procedures-online-")
    assert len(table) >= 10, table
    pd.testing.assert_frame_equal(table, _table(expected, "procedures-online-"))
    lang = situation["lang"]
    help_line = next(
        c for c in _captions(expected) if c.startswith(t("procedures_help", lang)[:20])
    )
    assert help_line in _captions(app)
    assert not app.error and not app.warning


def test_one_procedure_shows_its_own_figures_through_the_mapping(
    monkeypatch, time_machine, city, demo_warehouse_url
):
    own_url, city_url, mapping, _ = city
    time_machine.move_to(GOLDEN_MOMENT)
    # Birth registration: the demo's code and the city's own code for it.
    expected = open_page(
        monkeypatch,
        demo_warehouse_url,
        "online",
        year="2026",
        lang="en",
        procedure="dang-ky-khai-sinh",
    )
    _declare(monkeypatch, mapping, city_url)
    app = open_page(monkeypatch, own_url, "online", year="2026", lang="en", procedure="TTHC-004")

    metrics = [(str(m.label), str(m.value), str(m.proto.delta)) for m in app.metric]
    assert len(metrics) == 2, metrics
    assert metrics == [(str(m.label), str(m.value), str(m.proto.delta)) for m in expected.metric]
    data = _chart_data(app, "trend-online")
    assert any(trace.get("y") for trace in data)
    assert data == _chart_data(expected, "trend-online")
    assert "Birth registration" in " ".join(str(m.value) for m in app.markdown)
    assert not app.error


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_grdp_by_sector_shows_the_same_figures_through_the_mapping(
    monkeypatch, time_machine, city, demo_warehouse_url, lang
):
    own_url, city_url, mapping, _ = city
    time_machine.move_to(GOLDEN_MOMENT)
    expected = open_page(monkeypatch, demo_warehouse_url, "economy", year="2026", lang=lang)
    _declare(monkeypatch, mapping, city_url)
    app = open_page(monkeypatch, own_url, "economy", year="2026", lang=lang)

    sectors = _sectors_table(app, lang)
    assert len(sectors) == 14
    pd.testing.assert_frame_equal(sectors, _sectors_table(expected, lang))
    grdp = _chart_data(app, "grdp")
    assert len(grdp) >= 4 and all(trace.get("y") for trace in grdp[:4])
    assert grdp == _chart_data(expected, "grdp")
    # The city's own sectors: not the demo's note that the split within a group is made up.
    assert t("economy_sectors_help_declared", lang) in _captions(app)
    assert t("economy_sectors_help", lang) not in _captions(app)
    assert not app.error


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_source_without_breakdowns_says_so_on_each_page(monkeypatch, time_machine, city, lang):
    own_url, city_url, _, bare = city
    time_machine.move_to(GOLDEN_MOMENT)
    _declare(monkeypatch, bare, city_url)
    online = open_page(
        monkeypatch,
        own_url,
        "online",
        opened=("ranking-table-online", "procedures-table-online"),
        year="2026",
        lang=lang,
    )
    block = read_block(find_block(online, "breakdown-missing-online"))
    words = DIMENSIONS[lang]
    assert block == ["info: " + NOT_DECLARED[lang].format(dimension=words["procedure"])]
    assert not [d for d in online.dataframe if (d.key or "").startswith("procedures-")]
    assert [d for d in online.dataframe if d.key == "ranking-online"]  # the rest carries on

    economy = open_page(monkeypatch, own_url, "economy", year="2026", lang=lang)
    block = read_block(find_block(economy, "breakdown-missing-sectors"))
    assert block == ["info: " + NOT_DECLARED[lang].format(dimension=words["sector"])]
    assert not [d for d in html_tables(economy).values() if t("col_sector", lang) in d.columns]
    assert not [c for c in economy.get("plotly_chart") if c.proto.id.endswith("grdp")]
    assert not economy.error


FAILED_EN = (
    "The figures by administrative procedure cannot be shown: the data source fails the check "
    "“Unit codes resolve”: 1 of 174 unit codes (1 rows) do not resolve through the crosswalk "
    "to a known unit of this indicator: HCM-9999."
)


def test_a_failing_breakdown_empties_only_its_table_and_shows_on_the_governance_page(
    monkeypatch, time_machine, city, demo_warehouse_url, tmp_path
):
    own_url, city_url, mapping, _ = city
    broken = tmp_path / "city.sqlite"
    shutil.copyfile(str(make_url(city_url).database), broken)
    engine = create_engine(f"sqlite:///{broken}")
    try:
        with engine.begin() as conn:  # a ward code the crosswalk does not know
            conn.execute(
                text(
                    "INSERT INTO ho_so_tthc VALUES "
                    "('HCM-9999', 'TTHC-004', '2026-10-02 08:30:00', 1, 5)"
                )
            )
    finally:
        engine.dispose()
    time_machine.move_to(GOLDEN_MOMENT)
    _declare(monkeypatch, mapping, f"sqlite:///{broken}")
    online = open_page(
        monkeypatch,
        own_url,
        "online",
        opened=("ranking-table-online", "procedures-table-online"),
        year="2026",
        lang="en",
    )

    block = read_block(find_block(online, "breakdown-failed-online"))
    assert block == ["warning: " + escape_markdown(FAILED_EN)]
    assert not [d for d in online.dataframe if (d.key or "").startswith("procedures-")]
    assert len(online.metric) >= 4  # the indicator itself is still shown
    assert [d for d in online.dataframe if d.key == "ranking-online"]

    governance = open_page(monkeypatch, own_url, "governance", lang="en")
    card = read_block(find_block(governance, "breakdown-online_dossier_share-procedure"))
    assert card[0].startswith("markdown: **Online dossier share")
    assert card[0].endswith(" — by administrative procedure**")
    assert card[1] == "warning: Fails 1 of 6 checks"
    sectors = read_block(find_block(governance, "breakdown-grdp_current_prices-sector"))
    assert sectors[0].endswith(" — by economic sector**")
    assert not [line for line in sectors if line.startswith("warning:")]  # it passes


def test_the_scenario_baseline_reads_the_sectors_through_the_mapping(
    monkeypatch, time_machine, city, demo_warehouse_url
):
    """The scenario workspace's sector levers (close and reopen a sector) take GRDP by
    sector from the declared breakdown: the inputs of its baseline equal the demo's, sector
    by sector, and the economy the levers act on has the same sectors and shares."""
    from data_access import cached
    from scenarios.baseline import GRDP, is_production_sector

    own_url, city_url, mapping, bare = city
    time_machine.move_to(GOLDEN_MOMENT)
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    expected = cached.scenario_inputs(2026)[2]
    assert len(expected) > 0 and set(expected["period_year"]) >= {2025, 2026}
    _declare(monkeypatch, mapping, city_url)
    monkeypatch.setenv("DASHBOARD_DB_URL", own_url)
    assert cached.declared_breakdown(GRDP, "sector") is not None
    got = cached.scenario_inputs(2026)[2]
    key = ["period_year", "code"]
    # The attributes differ in form (the city names a part's group only; what the levers
    # take from them is compared below), and a city's figures are not demo figures.
    differ = {"attributes_json", "is_demo"}
    shown = [c for c in expected.columns if c in got.columns and c not in differ]
    assert not got["is_demo"].any()
    assert {"period_year", "code", "amount"} <= set(shown)
    pd.testing.assert_frame_equal(
        got[shown].sort_values(key).reset_index(drop=True),
        expected[shown].sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    # The product taxes less subsidies are no production sector either way: the sector
    # levers scale the production sectors only (it was counted as one through a mapping).
    production = [is_production_sector(a) for a in got.sort_values(key)["attributes_json"]]
    assert production == [
        is_production_sector(a) for a in expected.sort_values(key)["attributes_json"]
    ]
    assert production.count(False) == got["period_year"].nunique()
    # Without a declared breakdown the levers get no sectors (the project's own schema
    # holds none here), rather than another warehouse's.
    _declare(monkeypatch, bare, city_url)
    assert cached.scenario_inputs(2026)[2].empty
