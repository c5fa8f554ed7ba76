"""The scenario workspace in AppTest, in both languages: build a scenario in the form (one
run for several changes), save it, reopen it from its link, compare two side by side and
delete one — on a private copy of the demo warehouse, checked with this suite's own SQL."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from tests.app.pages import figure_traces, frame, open_page


@pytest.fixture(autouse=True)
def _figures_by_plotly(monkeypatch):
    """This module reads each chart's data from the plotly figure sent to the browser: the
    pages draw it with plotly (the SVG drawn from the same figure: tests/unit/test_figure_svg.py
    and tests/app/test_svg_figures_app.py)."""
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")


TEXT = {
    "vi": {
        "title": "Kịch bản",
        "run": "Chạy mô phỏng",
        "run_save": "Chạy và lưu",
        "delete": "Xóa",
        "grdp": "GRDP năm 2026 (giá hiện hành) giảm",
        "opened": "Đã mở kịch bản",
        "bad": "Đường dẫn yêu cầu kịch bản",
        "local": "Chế độ cục bộ",
        "invalid": "Kịch bản cần có tên",
    },
    "en": {
        "title": "Scenarios",
        "run": "Run the simulation",
        "run_save": "Run and save",
        "delete": "Delete",
        "grdp": "GRDP 2026 at current prices falls",
        "opened": "Opened saved scenario",
        "bad": "The link asks for scenario",
        "local": "Local mode",
        "invalid": "The scenario needs a name",
    },
}


@pytest.fixture
def warehouse(demo_warehouse_url: str, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A private copy of the demo warehouse: these tests save and delete scenarios."""
    path = tmp_path / "scenarios.sqlite"
    with (
        sqlite3.connect(str(make_url(demo_warehouse_url).database)) as source,
        sqlite3.connect(path) as copy,
    ):
        source.backup(copy)
    return f"sqlite:///{path}"


def plain(text: str) -> str:
    """Markdown as read: the escaping backslashes taken out."""
    return text.replace("\\", "")


def saved_rows(url: str) -> list[tuple]:
    rows = frame(url, "SELECT scenario_id, name, author, year, seed FROM scenarios ORDER BY 1")
    return [tuple(r) for r in rows.itertuples(index=False)]


def press(app: AppTest, label: str) -> AppTest:
    button = next(b for b in app.button if b.label == label)
    button.click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def build_closure(app: AppTest, name: str) -> None:
    app.text_input(key="scn_name").input(name)
    app.multiselect(key="scn_sector_closure_sectors").select("C").select("G")
    app.selectbox(key="scn_sector_closure_start_month").select("2026-11")
    app.selectbox(key="scn_sector_closure_reopen_month").select("2027-01")
    app.number_input(key="scn_online_extra_growth_pp_per_month").set_value(1.0)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_build_save_reopen_compare_delete(monkeypatch, warehouse, lang):
    words = TEXT[lang]
    app = open_page(monkeypatch, warehouse, "scenarios", lang=lang, year="2026")
    assert app.title[0].value == words["title"]
    assert any(words["local"] in c.value for c in app.caption)
    # An empty name is refused whole; nothing is saved.
    press(app, words["run_save"])
    assert any(words["invalid"] in plain(e.value) for e in app.error)
    assert saved_rows(warehouse) == []

    # Several changes in the form, one run, saved.
    build_closure(app, "Đóng cửa C và G")
    press(app, words["run_save"])
    assert not app.error, [e.value for e in app.error]
    assert any(words["grdp"] in plain(m.value) for m in app.markdown)
    rows = saved_rows(warehouse)
    assert [(r[1], r[2], r[3]) for r in rows] == [("Đóng cửa C và G", "local", 2026)]
    first_id = rows[0][0]
    levers = frame(warehouse, "SELECT levers_json FROM scenarios")["levers_json"][0]
    assert '"sectors": ["C", "G"]' in levers and '"pp_per_month": 1.0' in levers
    assert app.query_params["scenario"] == str(first_id)

    # A second one, plain run then saved with the button under the results.
    app.text_input(key="scn_name").input("Chỉ trực tuyến")
    app.multiselect(key="scn_sector_closure_sectors").set_value([])
    press(app, words["run"])
    assert len(saved_rows(warehouse)) == 1
    save_label = "Lưu kịch bản này" if lang == "vi" else "Save this scenario"
    press(app, save_label)
    second_id = saved_rows(warehouse)[-1][0]

    # Reopened from its link, in a new session.
    again = open_page(
        monkeypatch, warehouse, "scenarios", lang=lang, year="2026", scenario=str(first_id)
    )
    assert any(words["opened"] in plain(i.value) for i in again.info)
    assert again.text_input(key="scn_name").value == "Đóng cửa C và G"
    assert again.multiselect(key="scn_sector_closure_sectors").value == ["C", "G"]

    # Compared side by side: both saved scenarios and the baseline on one fan chart.
    app.multiselect(key="scn_compare").set_value([first_id, second_id]).run()
    names = {trace.get("name") for trace in figure_traces(app)}
    assert any(str(n).startswith(f"{first_id} · Đóng cửa C và G") for n in names)
    assert any(str(n).startswith(f"{second_id} · Chỉ trực tuyến") for n in names)

    # Deleted: only that one.
    app.selectbox(key="scn_pick").select(first_id).run()
    press(app, words["delete"])
    assert [r[0] for r in saved_rows(warehouse)] == [second_id]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_bad_scenario_link_is_said_plainly(monkeypatch, warehouse, lang):
    app = open_page(monkeypatch, warehouse, "scenarios", lang=lang, scenario="99999")
    assert any(
        TEXT[lang]["bad"] in plain(e.value) and "`99999`" in e.value.replace(" ", "")
        for e in app.error
    )


def test_the_lever_file_widget_names_the_loaders_limit(monkeypatch, demo_warehouse_url):
    # The loader refuses a lever file over 1 000 000 bytes (scenarios/leverfile.py), so
    # the widget says "1 MB per file", not Streamlit's default 200 MB.
    app = open_page(monkeypatch, demo_warehouse_url, "scenarios", lang="vi", year="2026")
    uploader = next(u for u in app.get("file_uploader") if u.proto.id.endswith("scn_file"))
    assert uploader.proto.max_upload_size_mb == 1
