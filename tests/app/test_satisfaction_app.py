"""The satisfaction page in AppTest: every situation in both languages; the ranking, the
Decision 766 groups and the fitted relation against the warehouse and the reference file."""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pytest

from data_access.writes import read_published_figures
from tests.app.pages import SITUATIONS, open_page, ranks_and_quartiles, unit_rates

OCT = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _figures_by_plotly(monkeypatch):
    """This module reads each chart's data from the plotly figure sent to the browser: the
    pages draw it with plotly (the SVG drawn from the same figure: tests/unit/test_figure_svg.py
    and tests/app/test_svg_figures_app.py)."""
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_renders_in_every_situation(monkeypatch, demo_warehouse_url, situation, lang):
    app = open_page(
        monkeypatch, demo_warehouse_url, "satisfaction", lang=lang, **SITUATIONS[situation]
    )
    assert app.title[0].value == ("Mức độ hài lòng" if lang == "vi" else "Satisfaction")
    assert not app.error
    assert len(app.get("plotly_chart")) >= 2
    assert app.metric


def test_the_commune_ranking_equals_the_warehouse(monkeypatch, demo_warehouse_url):
    app = open_page(
        monkeypatch,
        demo_warehouse_url,
        "satisfaction",
        opened=("ranking-table-satisfaction",),
        year="2026",
        lang="en",
    )
    communes = unit_rates(demo_warehouse_url, "satisfaction_rate", 2026, OCT, "commune")
    ranks, _, median, _ = ranks_and_quartiles(communes.set_index("unit_id")["value"])
    app.segmented_control(key="peer-satisfaction").set_value("commune").run()
    table = next(d for d in app.dataframe if d.key == "ranking-satisfaction").value
    assert len(table) == 54
    assert sorted(table["Rank"].tolist()) == sorted(ranks.tolist())
    assert table["Group median (%)"].iloc[0] == pytest.approx(median, abs=0.051)
    assert table["Result (%)"].max() == pytest.approx(communes["value"].max(), abs=0.051)


def test_the_service_index_groups_are_the_published_week(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "satisfaction", year="2026", lang="en")
    published = read_published_figures().set_index("indicator_code")["value"]
    figure = next(c for c in app.get("plotly_chart") if "Points scored" in c.proto.spec)
    scored = next(
        trace
        for trace in json.loads(figure.proto.spec)["data"]
        if trace.get("name") == "Points scored (published)"
    )
    assert scored["text"] == [
        f"{published['service_index_766_transparency']:.2f} / 18",
        f"{published['service_index_766_progress']:.2f} / 20",
        f"{published['service_index_766_online']:.2f} / 22",
        f"{published['service_index_766_satisfaction']:.2f} / 18",
        f"{published['service_index_766_digitisation']:.2f} / 22",
    ]
    help_text = "\n".join(c.value for c in app.caption)
    assert "85.16 points of 100" in help_text


def test_a_day_before_the_index_was_published_shows_none(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "satisfaction", as_of="2025-11-20", lang="en")
    assert any("no Decision 766 figure had been published" in i.value for i in app.info)


def test_the_fitted_relation_equals_a_weighted_fit_of_the_warehouse(
    monkeypatch, demo_warehouse_url
):
    app = open_page(monkeypatch, demo_warehouse_url, "satisfaction", year="2026", lang="en")
    satisfaction = unit_rates(demo_warehouse_url, "satisfaction_rate", 2026, OCT)
    on_time = unit_rates(demo_warehouse_url, "on_time_rate", 2026, OCT)
    both = satisfaction.merge(on_time[["unit_id", "value"]], on="unit_id", suffixes=("", "_x"))
    # Weighted least squares by hand: weights = dossiers rated.
    w, x, y = both["denominator"], both["value_x"], both["value"]
    x_bar, y_bar = np.average(x, weights=w), np.average(y, weights=w)
    slope = float(np.sum(w * (x - x_bar) * (y - y_bar)) / np.sum(w * (x - x_bar) ** 2))
    note = next(m.value for m in app.markdown if "regression weighted" in m.value)
    shown = float(re.search(r"\*\*([−\-\d.]+) pp\*\*", note).group(1).replace("−", "-"))
    assert shown == pytest.approx(slope, abs=0.006)
    assert f"over {len(both)} units" in note
    captions = "\n".join(c.value for c in app.caption)
    assert "What it does not show" in captions
