"""Filtered scopes, the groups and a past day read through a deployment's mapping (issue 14).

The city-style warehouse of ``tests/sources_city.py`` (other tables and columns, detail rows
summed in SQL, a wide table, its own unit codes) is declared for six indicators; the
project's own warehouse is a copy of the demo with those indicators' observations deleted,
so a figure on the page can only have come through the mapping. The expected figures are
the same page opened on the demo warehouse itself (the project's own schema and queries).

- A former province (``?province=binh_duong``) and one unit (``?unit=26737``) on the Online
  services page: its metrics, unit ranking and trend charts.
- The whole city on the same page: the drill-down groups' table (the former provinces and
  the departments) and the former provinces' comparison chart.
- A past day (``?as_of=2026-10-10``): a declared source keeps no load history, so the page
  shows its current figures and says so in both languages. The digital economy share's
  current nine-month figure, 27.2 %, is computed here by plain SQL on the city's table.

Clock pinned to the golden moment (2026-11-28 in the city).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access import sources
from tests.app.pages import frame, open_page
from tests.app.reading import GOLDEN_MOMENT, find_block, read_block
from tests.sources_city import build_city_warehouse, own_warehouse_without, write_city_mapping


@pytest.fixture(autouse=True)
def _figures_by_plotly(monkeypatch):
    """This module reads each chart's data from the plotly figure sent to the browser: the
    pages draw it with plotly (the SVG drawn from the same figure: tests/unit/test_figure_svg.py
    and tests/app/test_svg_figures_app.py)."""
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")


@pytest.fixture(scope="module")
def deployment(demo_warehouse_url, tmp_path_factory) -> tuple[str, Path, str]:
    """(own warehouse URL without the declared indicators' rows, mapping file, city URL)."""
    folder = tmp_path_factory.mktemp("city-scopes")
    city_url = f"sqlite:///{folder / 'city.sqlite'}"
    crosswalk = build_city_warehouse(demo_warehouse_url, city_url)
    mapping = write_city_mapping(folder, city_url, crosswalk)
    declared = [s.indicator for s in sources.load_mapping(mapping).sources]
    assert "online_dossier_share" in declared
    return own_warehouse_without(demo_warehouse_url, folder, declared), mapping, city_url


def _declare(monkeypatch, mapping: Path, city_url: str) -> None:
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)


def _metrics(app: AppTest) -> list[tuple[str, str, str]]:
    return [(str(m.label), str(m.value), str(m.proto.delta)) for m in app.metric]


def _table(app: AppTest, key: str) -> pd.DataFrame:
    return next(d for d in app.dataframe if d.key == key).value.reset_index(drop=True)


def _chart_data(app: AppTest, key: str) -> list[dict[str, object]]:
    """A chart's traces (names, x and y) as the browser gets them."""
    charts = [c for c in app.get("plotly_chart") if c.proto.id.endswith(key)]
    assert len(charts) == 1, key
    return json.loads(charts[0].proto.spec)["data"]


@pytest.mark.parametrize(
    "situation",
    [{"province": "binh_duong"}, {"unit": "26737"}],
    ids=["former-province", "unit"],
)
def test_a_filtered_scope_shows_the_same_figures_through_the_mapping(
    monkeypatch, time_machine, deployment, demo_warehouse_url, situation
):
    own_url, mapping, city_url = deployment
    time_machine.move_to(GOLDEN_MOMENT)
    params = {"year": "2026", "lang": "en", **situation}
    opened = ("ranking-table-online",)
    expected = open_page(monkeypatch, demo_warehouse_url, "online", opened=opened, **params)
    _declare(monkeypatch, mapping, city_url)
    app = open_page(monkeypatch, own_url, "online", opened=opened, **params)

    metrics = _metrics(app)
    assert len(metrics) >= 4, metrics  # the month, the year to date, the two companions
    assert metrics == _metrics(expected)
    for key in ("trend-online", "companion-online-on_time_rate", "companion-online-e_result_rate"):
        data = _chart_data(app, key)
        assert any(trace.get("y") for trace in data), key  # not an empty chart
        assert data == _chart_data(expected, key), key
    if "province" in situation:
        ranking = _table(app, "ranking-online")
        assert len(ranking) == 24
        pd.testing.assert_frame_equal(ranking, _table(expected, "ranking-online"))


def test_the_groups_and_the_former_provinces_comparison_through_the_mapping(
    monkeypatch, time_machine, deployment, demo_warehouse_url
):
    own_url, mapping, city_url = deployment
    time_machine.move_to(GOLDEN_MOMENT)
    opened = ("groups-table-online",)  # the grid is built once its expander is opened
    expected = open_page(
        monkeypatch, demo_warehouse_url, "online", opened=opened, year="2026", lang="en"
    )
    _declare(monkeypatch, mapping, city_url)
    app = open_page(monkeypatch, own_url, "online", opened=opened, year="2026", lang="en")

    groups = _table(app, "groups-online")
    assert len(groups) == 4  # the three former provinces and the departments
    pd.testing.assert_frame_equal(groups, _table(expected, "groups-online"))
    provinces = _chart_data(app, "provinces-online")
    assert len(provinces) == 3
    assert all(trace.get("y") for trace in provinces)
    assert provinces == _chart_data(expected, "provinces-online")


PAST_STATE_DECLARED = {
    "vi": "Các chỉ tiêu đọc từ nguồn số liệu đã khai báo (Tỷ lệ hồ sơ trực tuyến, Hồ sơ tiếp "
    "nhận, Giải quyết đúng hạn, Trả kết quả điện tử, Mức độ hài lòng của người dân, doanh "
    "nghiệp, Tỷ trọng kinh tế số trong GRDP, Tỷ lệ giải ngân kế hoạch vốn đầu tư công) không "
    "lưu lịch sử tải lên: với các chỉ tiêu này, trang hiển thị **số liệu hiện tại** của nguồn, "
    "không phải số liệu như tại ngày đã chọn.",
    "en": "The indicators read from declared data sources (Online dossier share, Dossiers "
    "received, Resolved on time, Electronic results, Citizen and business satisfaction, "
    "Digital economy share of GRDP, Public investment disbursement rate) keep no load history: "
    "for them the page shows the "
    "source's **current figures**, not the figures as they stood on the chosen day.",
}
DIGITAL_NINE_MONTHS = {"vi": "27,2%", "en": "27.2%"}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_past_day_says_a_declared_source_keeps_no_history(
    monkeypatch, time_machine, deployment, lang
):
    own_url, mapping, city_url = deployment
    # The current nine months of 2026 by plain SQL on the city's own quarterly table.
    share = frame(
        city_url,
        "SELECT 100.0 * SUM(gia_tri_kts) / SUM(grdp) AS share FROM kinh_te_so_quy "
        "WHERE quy_ket_thuc BETWEEN '2026-01-01' AND '2026-09-01'",
    ).loc[0, "share"]
    assert round(share, 1) == 27.2
    time_machine.move_to(GOLDEN_MOMENT)
    _declare(monkeypatch, mapping, city_url)
    app = open_page(monkeypatch, own_url, None, lang=lang, as_of="2026-10-10")

    past = read_block(find_block(app, "past-state"))
    assert past[1] == "markdown: " + PAST_STATE_DECLARED[lang]
    tile = read_block(find_block(app, "tile-digital_economy_share_grdp"))
    metric = next(line for line in tile if line.startswith("metric:"))
    assert metric.split(" | ")[1] == DIGITAL_NINE_MONTHS[lang], metric
    assert not app.error


def test_a_past_day_on_the_default_mapping_says_nothing_of_declared_sources(
    monkeypatch, time_machine, demo_warehouse_url
):
    time_machine.move_to(GOLDEN_MOMENT)
    monkeypatch.delenv(sources.SOURCES_FILE_VARIABLE, raising=False)
    app = open_page(monkeypatch, demo_warehouse_url, None, lang="en", as_of="2026-10-10")
    past = read_block(find_block(app, "past-state"))
    assert len(past) == 1 and past[0].startswith("markdown: :material/history:"), past
