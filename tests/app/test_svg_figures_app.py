"""Issue 12: the pages whose figures are all drawn as inline SVG on the server send no plotly
chart (so the browser never loads plotly's JavaScript for them); a page with a figure the
SVG renderer cannot draw keeps plotly; ``DASHBOARD_FIGURES=plotly`` brings plotly back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.app.pages import open_page
from tests.app.pages import svg_charts as _svg_charts


@pytest.mark.parametrize(
    ("page", "charts"),
    [("online", 4), ("disbursement", 3), ("economy", 4)],
)
def test_an_svg_page_sends_no_plotly_chart(monkeypatch, demo_warehouse_url, page, charts):
    monkeypatch.delenv("DASHBOARD_FIGURES", raising=False)
    app = open_page(monkeypatch, demo_warehouse_url, page, year="2026", lang="en")
    assert not app.get("plotly_chart")
    drawn = _svg_charts(app)
    assert len(drawn) == charts
    for chart in drawn:
        ET.fromstring(chart)  # well formed: every text from the data escaped
    # Each chart keeps its one description for a screen reader, written under it.
    described = [t.value for t in app.text if t.value.startswith("Chart")]
    assert len(described) == charts, described


def test_a_page_with_a_figure_svg_cannot_draw_keeps_plotly(monkeypatch, demo_warehouse_url):
    monkeypatch.delenv("DASHBOARD_FIGURES", raising=False)
    # The satisfaction page's spread of units is a box plot.
    app = open_page(monkeypatch, demo_warehouse_url, "satisfaction", year="2026", lang="en")
    assert app.get("plotly_chart")
    assert not _svg_charts(app)


def test_the_setting_brings_plotly_back(monkeypatch, demo_warehouse_url):
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")
    app = open_page(monkeypatch, demo_warehouse_url, "online", year="2026", lang="en")
    assert len(app.get("plotly_chart")) == 4
    assert not _svg_charts(app)
