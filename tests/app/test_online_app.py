"""The online-services page in AppTest: every situation in both languages, its numbers
against this suite's own SQL, the drill-down and the ways to a unit's scorecard."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from i18n import escape_markdown, t
from tests.app.pages import (
    SITUATIONS,
    frame,
    open_page,
    planted_copy,
    ranks_and_quartiles,
    svg_charts,
    unit_rates,
)
from tests.app.reading import choice_widgets, find_block, html_tables

OCT = dt.date(2026, 10, 1)
GRIDS = ("groups-table-online", "procedures-table-online")
"""The expanders of the drill-down's data grids (built only once opened)."""


def _listed(app, column: str) -> pd.DataFrame:
    """The light list (a plain HTML table) that has ``column``: numbers as floats."""
    found = [table for table in html_tables(app).values() if column in table.columns]
    assert len(found) == 1, list(html_tables(app))
    return found[0]


def _grids(app, prefix: str) -> list:
    return [d for d in app.dataframe if (d.key or "").startswith(prefix)]


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_renders_in_every_situation(monkeypatch, demo_warehouse_url, situation, lang):
    app = open_page(monkeypatch, demo_warehouse_url, "online", lang=lang, **SITUATIONS[situation])
    assert app.title[0].value == (
        "Dịch vụ công trực tuyến" if lang == "vi" else "Online public services"
    )
    assert not app.error
    assert len(svg_charts(app)) >= 2 and not app.get("plotly_chart")
    assert app.metric, "the headline figures are shown"
    if situation == "past-day":
        assert any("10/10/2026" in m.value or "10 Oct 2026" in m.value for m in app.markdown)


def test_the_ward_ranking_equals_the_warehouse(monkeypatch, demo_warehouse_url):
    app = open_page(
        monkeypatch,
        demo_warehouse_url,
        "online",
        opened=("ranking-table-online",),
        year="2026",
        lang="en",
    )
    table = next(d for d in app.dataframe if d.key == "ranking-online").value
    wards = unit_rates(demo_warehouse_url, "online_dossier_share", 2026, OCT, "ward")
    ranks, p25, median, p75 = ranks_and_quartiles(wards.set_index("unit_id")["value"])
    names = frame(demo_warehouse_url, "SELECT unit_id, name_en FROM units")
    expected = wards.merge(names, on="unit_id").assign(rank=lambda f: f["unit_id"].map(ranks))
    shown = table.set_index("Unit")
    assert len(shown) == len(expected) == 113
    for row in expected.itertuples():
        assert shown.loc[row.name_en, "Rank"] == row.rank
        assert shown.loc[row.name_en, "Result (%)"] == pytest.approx(row.value, abs=0.051)
    assert shown["Group median (%)"].iloc[0] == pytest.approx(median, abs=0.051)
    assert (shown["Units in the group"] == 113).all()
    assert p25 < median < p75


def test_the_procedures_equal_the_warehouse(monkeypatch, demo_warehouse_url):
    """The list on the first screen (its numbers read from each cell's value), checked
    against this suite's own SQL; the grid, once opened, shows the same rows."""
    app = open_page(monkeypatch, demo_warehouse_url, "online", year="2026", lang="en")
    table = _listed(app, "Administrative procedure")
    expected = frame(
        demo_warehouse_url,
        "SELECT b.name_en, SUM(o.numerator) AS online, SUM(o.denominator) AS received "
        "FROM observations o JOIN breakdowns b ON b.breakdown_key = o.breakdown_key "
        "WHERE o.indicator_id = 'online_dossier_share' AND o.superseded_at IS NULL "
        "AND b.dimension = 'procedure' AND o.period_year = 2026 AND o.period_month <= :through "
        "GROUP BY b.name_en",
        through=OCT,
    ).set_index("name_en")
    shown = table.set_index("Administrative procedure")
    assert set(shown.index) == set(expected.index)
    for name, row in expected.iterrows():
        assert shown.loc[name, "Dossiers received (dossiers)"] == row["received"]
        assert shown.loc[name, "Online dossiers (dossiers)"] == row["online"]
        assert shown.loc[name, "Result (%)"] == pytest.approx(
            100 * row["online"] / row["received"], abs=0.051
        )
    # The parts add up to the city's total dossiers received.
    total = frame(
        demo_warehouse_url,
        "SELECT SUM(denominator) AS received FROM observations "
        "WHERE indicator_id = 'online_dossier_share' AND breakdown_key = '' "
        "AND superseded_at IS NULL AND period_year = 2026 AND period_month <= :through "
        "AND unit_id IN (SELECT DISTINCT unit_id FROM observations WHERE breakdown_key <> '')",
        through=OCT,
    )["received"].iloc[0]
    assert shown["Dossiers received (dossiers)"].sum() == total
    app.session_state["procedures-table-online"] = True
    app.run()
    (grid,) = _grids(app, "procedures-online")
    pd.testing.assert_frame_equal(
        grid.value.set_index("Administrative procedure"), shown, check_dtype=False
    )


def test_the_former_provinces_equal_the_warehouse(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "online", year="2026", lang="en")
    table = _listed(app, "Area").set_index("Area")
    rows = frame(
        demo_warehouse_url,
        "SELECT u.former_province, SUM(o.numerator) AS n, SUM(o.denominator) AS d "
        "FROM observations o JOIN units u ON u.unit_id = o.unit_id "
        "WHERE o.indicator_id = 'online_dossier_share' AND o.breakdown_key = '' "
        "AND o.superseded_at IS NULL AND o.period_year = 2026 AND o.period_month <= :through "
        "AND u.unit_type IN ('ward', 'commune', 'special_zone') GROUP BY u.former_province",
        through=OCT,
    ).set_index("former_province")
    assert table.loc["Former Bình Dương province", "Result (%)"] == pytest.approx(
        100 * rows.loc["binh_duong", "n"] / rows.loc["binh_duong", "d"], abs=0.051
    )


def test_drilling_down_by_the_grids_rows_and_back_up(monkeypatch, demo_warehouse_url):
    """With the grids' expanders opened, a row click goes down a level, as before issue 12's
    light lists; at a procedure's own level (its row still chosen in the grid) the picker
    still opens another procedure."""
    app = open_page(monkeypatch, demo_warehouse_url, "online", opened=GRIDS, year="2026")
    groups = next(d for d in app.dataframe if d.key == "groups-online").value
    row = groups.index[groups["Địa bàn"] == "Tỉnh Bình Dương (cũ)"][0]
    app.session_state["groups-online"] = {"selection": {"rows": [int(row)], "columns": []}}
    app.run()
    assert app.query_params["province"] == "binh_duong"
    app.selectbox(key="drill-unit-online").set_value("25747").run()
    assert app.query_params["unit"] == "25747"
    assert any("Thủ Dầu Một" in b.label for b in app.button) or any(
        "Thủ Dầu Một" in m.value for m in app.markdown
    )
    (procedures,) = _grids(app, "procedures-online")
    birth = procedures.value.index[procedures.value["Thủ tục hành chính"] == "Đăng ký khai sinh"]
    app.session_state[procedures.key] = {"selection": {"rows": [int(birth[0])], "columns": []}}
    app.run()
    assert app.query_params["procedure"] == "dang-ky-khai-sinh"
    assert any("toàn trình" in m.value for m in app.markdown)
    # The procedure's own level: its grid, its row chosen, and a picker of its own.
    (procedures,) = _grids(app, "procedures-online")
    assert procedures.key.endswith("-dang-ky-khai-sinh")
    (picker,) = [s for s in app.selectbox if (s.key or "").startswith("procedure-pick-online-")]
    other = next(i for i, c in enumerate(picker.options) if c != "Đăng ký khai sinh")
    picker.select_index(other).run()
    (code,) = frame(
        demo_warehouse_url,
        "SELECT code FROM breakdowns WHERE dimension = 'procedure' AND name_vi = :name",
        name=picker.options[other],
    )["code"]
    assert app.query_params["procedure"] == code != "dang-ky-khai-sinh"
    app.button(key="crumb-online-0").click().run()  # back to the city
    assert "unit" not in app.query_params and "province" not in app.query_params
    assert "procedure" not in app.query_params


def test_a_ranking_row_opens_the_scorecard_and_the_link_reproduces_it(
    monkeypatch, demo_warehouse_url
):
    app = open_page(
        monkeypatch, demo_warehouse_url, "online", opened=("ranking-table-online",), year="2026"
    )
    table = next(d for d in app.dataframe if d.key == "ranking-online").value
    chosen = table["Đơn vị"].iloc[0]
    app.session_state["ranking-online"] = {"selection": {"rows": [0], "columns": []}}
    app.run()
    assert app.title[0].value == "Đơn vị"
    unit_id = app.query_params["unit"]
    assert any(h.value == chosen for h in app.subheader)
    again = open_page(monkeypatch, demo_warehouse_url, "unit", **dict(app.query_params.items()))
    assert any(h.value == chosen for h in again.subheader)
    assert again.query_params["unit"] == unit_id


def test_a_map_point_opens_the_scorecard(monkeypatch, demo_warehouse_url):
    app = open_page(
        monkeypatch, demo_warehouse_url, "online", opened=("map-open-online",), year="2026"
    )
    app.session_state["map-online"] = {
        "selection": {"indices": {"units": [0]}, "objects": {"units": [{"unit_id": "26740"}]}}
    }
    app.run()
    assert app.title[0].value == "Đơn vị"
    assert app.query_params["unit"] == "26740"
    assert any(h.value == "Phường Sài Gòn" for h in app.subheader)


def test_an_attention_item_opens_the_scorecard(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, None, year="2026")
    first = app.selectbox(key="open-unit-attention").options[0]
    app.selectbox(key="open-unit-attention").select_index(0).run()
    assert app.title[0].value == "Đơn vị"
    assert any(h.value == first for h in app.subheader)
    assert "unit" in app.query_params


def test_an_attention_table_row_opens_the_scorecard(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, None, year="2026")
    key = "attention-rows-public_investment_disbursement"
    app.session_state["attention-tables"] = True  # the tables are built once opened
    app.run()
    table = next(d for d in app.dataframe if d.key == key).value
    app.session_state[key] = {"selection": {"rows": [1], "columns": []}}
    app.run()
    assert app.title[0].value == "Đơn vị"
    assert any(h.value == table.iloc[1, 0] for h in app.subheader)


def test_the_map_draws_no_basemap_and_names_its_source(monkeypatch, demo_warehouse_url):
    app = open_page(
        monkeypatch,
        demo_warehouse_url,
        "online",
        opened=("map-open-online",),
        year="2026",
        lang="en",
    )
    decks = app.get("deck_gl_json_chart")
    assert len(decks) == 1
    import json

    spec = json.loads(decks[0].proto.json)
    assert spec["mapStyle"] == "__MAP_STYLE__"  # pydeck's "no basemap": nothing is fetched
    assert "mapProvider" not in spec or spec["mapProvider"] is None
    points = next(layer for layer in spec["layers"] if layer["id"] == "units")
    assert len(points["data"]) == 168
    assert (
        pd.Series([p["unit_status"] for p in points["data"]])
        .isin(["on_track", "at_risk", "off_track", "not_assessable"])
        .all()
    )
    assert any("CC-BY-4.0" in c.value for c in app.caption)


def test_the_ranking_grid_and_the_map_are_built_only_when_opened(monkeypatch, demo_warehouse_url):
    """Issue 12: the first screen sends the ranking as a light list (one HTML table of the
    113 wards) and neither the data grid nor the map; each comes once its expander opens."""
    app = open_page(monkeypatch, demo_warehouse_url, "online", year="2026", lang="en")
    assert not [d for d in app.dataframe if d.key == "ranking-online"]
    assert not app.get("deck_gl_json_chart")
    (listing,) = [h for h in app.get("html") if "Ranked within the group: Wards" in h.proto.body]
    assert listing.proto.body.count("<tr>") == 1 + 113  # the header row and each ward
    app.session_state["ranking-table-online"] = True
    app.session_state["map-open-online"] = True
    app.run()
    assert len([d for d in app.dataframe if d.key == "ranking-online"]) == 1
    assert len(app.get("deck_gl_json_chart")) == 1


def test_a_unit_chosen_under_the_ranking_list_opens_its_scorecard(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "online", year="2026")
    picker = app.selectbox(key="open-unit-ranking-online")
    assert len(picker.options) == 113  # the wards, the group shown first
    chosen = picker.options[0]
    picker.select_index(0).run()
    assert app.title[0].value == "Đơn vị"
    assert any(h.value == chosen for h in app.subheader)


def test_drilling_down_by_the_pickers_under_the_lists(monkeypatch, demo_warehouse_url):
    """Issue 12: the groups and the procedures are light lists with a picker each for the
    choice a row click made; the pickers go down every level, no grid opened."""
    app = open_page(monkeypatch, demo_warehouse_url, "online", year="2026")
    groups = app.selectbox(key="drill-group-online")
    assert groups.options == [
        "TP.HCM (cũ)",
        "Tỉnh Bình Dương (cũ)",
        "Tỉnh Bà Rịa – Vũng Tàu (cũ)",
        "Sở, ban, ngành",
    ], groups.options
    groups.set_value("binh_duong").run()
    assert app.query_params["province"] == "binh_duong"
    assert not [s for s in app.selectbox if s.key == "drill-group-online"]  # city level only
    app.selectbox(key="drill-unit-online").set_value("25747").run()
    assert app.query_params["unit"] == "25747"
    (picker,) = [s for s in app.selectbox if (s.key or "").startswith("procedure-pick-online-")]
    assert "Đăng ký khai sinh" in picker.options
    picker.set_value("dang-ky-khai-sinh").run()
    assert app.query_params["procedure"] == "dang-ky-khai-sinh"
    assert any("toàn trình" in m.value for m in app.markdown)
    assert not _grids(app, "procedures-") and not _grids(app, "groups-")
    app.button(key="crumb-online-0").click().run()
    assert "procedure" not in app.query_params and "province" not in app.query_params
    # Back at the city the group picker is empty again: no second drill-down by itself.
    assert app.selectbox(key="drill-group-online").value is None
    assert "province" not in app.query_params


def test_the_departments_chosen_in_the_picker_filter_by_unit_type(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "online", year="2026", lang="en")
    app.selectbox(key="drill-group-online").set_value("department").run()
    assert app.session_state["type"] == ["department"]
    assert "province" not in app.query_params


@pytest.mark.parametrize(
    "situation",
    [{}, {"province": "binh_duong"}, {"unit": "25747"}, {"procedure": "dang-ky-khai-sinh"}],
    ids=["city", "former-province", "unit", "procedure"],
)
def test_no_data_grid_is_mounted_until_its_expander_is_opened(
    monkeypatch, demo_warehouse_url, situation
):
    """Issue 12: the page's first screen mounts no data grid at any level of the drill-down
    (the groups, the procedures and the ranking are light lists); opening an expander
    mounts its own grid only."""
    app = open_page(monkeypatch, demo_warehouse_url, "online", year="2026", **situation)
    assert not app.error
    assert not list(app.dataframe), [d.key for d in app.dataframe]
    assert _listed(app, "Thủ tục hành chính").shape[0] >= 10
    app.session_state["procedures-table-online"] = True
    app.run()
    assert [d.key for d in app.dataframe] == [_grids(app, "procedures-online-")[0].key]
    if not situation:
        assert len(_listed(app, "Địa bàn")) == 4
        app.session_state["groups-table-online"] = True
        app.run()
        assert len(_grids(app, "groups-online")) == 1 and len(list(app.dataframe)) == 2


HOSTILE = '<b>Đăng ký</b> <img src=x onerror="alert(1)"> & <script>alert(2)</script>'


def test_procedure_names_from_the_warehouse_are_shown_as_text(
    monkeypatch, demo_warehouse_url, tmp_path
):
    """A procedure's name is warehouse text: the list escapes it (shown as the same text,
    never as markup) and the picker offers it as plain text."""
    url = planted_copy(
        demo_warehouse_url,
        tmp_path / "w.sqlite",
        "UPDATE breakdowns SET name_vi = :n, name_en = :n "
        "WHERE dimension = 'procedure' AND code = 'dang-ky-khai-sinh'",
        n=HOSTILE,
    )
    app = open_page(monkeypatch, url, "online", year="2026", lang="en")
    bodies = [h.proto.body for h in app.get("html") if "Administrative procedure" in h.proto.body]
    assert len(bodies) == 1
    assert "<b>" not in bodies[0] and "<img" not in bodies[0] and "<script" not in bodies[0]
    assert "&lt;b&gt;Đăng ký&lt;/b&gt; &lt;img src=x" in bodies[0]
    assert HOSTILE in list(_listed(app, "Administrative procedure")["Administrative procedure"])
    (picker,) = [s for s in app.selectbox if (s.key or "").startswith("procedure-pick-online-")]
    assert HOSTILE in picker.options
    # At the procedure's own level the picker's button names it: its label reads Markdown.
    picker.set_value("dang-ky-khai-sinh").run()
    (picker,) = [s for s in app.selectbox if (s.key or "").startswith("procedure-pick-online-")]
    label = find_block(app, f"menu-{picker.key}").proto.popover.label
    assert label == "Procedure: " + escape_markdown(HOSTILE) != "Procedure: " + HOSTILE


def _procedure_picker(app) -> tuple[str, object]:
    """The procedure picker's key and the popover that holds it; no choice widget of the
    page is outside a popover."""
    widgets = choice_widgets(app._tree)
    assert [w for w in widgets if not w[2]] == []
    (key,) = [key for _, key, _ in widgets if key.startswith("procedure-pick-online-")]
    return key, find_block(app, f"menu-{key}")


BIRTH = {"vi": "Thủ tục: Đăng ký khai sinh", "en": "Procedure: Birth registration"}
MARRIAGE = {"vi": "Thủ tục: Đăng ký kết hôn", "en": "Procedure: Marriage registration"}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_procedure_is_chosen_behind_a_button(monkeypatch, demo_warehouse_url, lang):
    """Issue 12 (drawing promise): the procedure picker was a select box on the page, whose
    script bundles cost the first screen about half an empty page's time; it is now in a
    popover (built by the browser only when opened). Above a procedure the button says
    what it does; at a procedure's own level it names the procedure shown."""
    app = open_page(monkeypatch, demo_warehouse_url, "online", lang=lang, year="2026")
    key, menu = _procedure_picker(app)
    assert menu.proto.popover.label == t("procedure_picker", lang)
    assert app.selectbox(key=key).value is None
    app.selectbox(key=key).set_value("dang-ky-khai-sinh").run()
    assert app.query_params["procedure"] == "dang-ky-khai-sinh"
    key, menu = _procedure_picker(app)
    assert menu.proto.popover.label == BIRTH[lang]
    assert app.selectbox(key=key).value == "dang-ky-khai-sinh"
    app.selectbox(key=key).set_value("dang-ky-ket-hon").run()
    assert app.query_params["procedure"] == "dang-ky-ket-hon"
    key, menu = _procedure_picker(app)
    assert menu.proto.popover.label == MARRIAGE[lang]
