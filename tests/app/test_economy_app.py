"""The digital-economy page in AppTest: every situation in both languages; both bases kept
apart and equal to the warehouse's quarters summed; sector shares against own SQL; the
growth needed computed by hand."""

from __future__ import annotations

import pytest

from tests.app.pages import SITUATIONS, figure_traces, frame, open_page, svg_charts
from tests.app.reading import html_tables


@pytest.fixture(autouse=True)
def _figures_by_plotly(monkeypatch):
    """This module reads each chart's data from the plotly figure sent to the browser: the
    pages draw it with plotly (the SVG drawn from the same figure: tests/unit/test_figure_svg.py
    and tests/app/test_svg_figures_app.py)."""
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_renders_in_every_situation(monkeypatch, demo_warehouse_url, situation, lang):
    monkeypatch.delenv("DASHBOARD_FIGURES")  # the page as served: its charts as SVG
    app = open_page(monkeypatch, demo_warehouse_url, "economy", lang=lang, **SITUATIONS[situation])
    assert app.title[0].value == ("Kinh tế số" if lang == "vi" else "Digital economy")
    assert not app.error
    assert len(svg_charts(app)) == 4 and not app.get("plotly_chart")
    if situation in ("former-province", "unit"):
        assert any("city" in c.value.lower() or "Thành phố" in c.value for c in app.caption)


def _annual(url: str, indicator: str) -> dict[int, float]:
    rows = frame(
        url,
        "SELECT period_year, SUM(numerator) AS n, SUM(denominator) AS d, COUNT(*) AS q "
        "FROM observations WHERE indicator_id = :indicator AND breakdown_key = '' "
        "AND superseded_at IS NULL GROUP BY period_year",
        indicator=indicator,
    )
    rows = rows[rows["q"] == 4]
    return {
        int(y): 100 * n / d
        for y, n, d in zip(rows["period_year"], rows["n"], rows["d"], strict=True)
    }


def test_both_bases_are_their_own_series_and_equal_the_warehouse(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "economy", year="2026", lang="en")
    full_years = [t for t in figure_traces(app) if t.get("name") == "Full year"]
    assert len(full_years) == 3  # the ICT basis, the statistics basis, the path
    ict, statistics = full_years[0], full_years[1]
    expected_ict = _annual(demo_warehouse_url, "digital_economy_share_grdp")
    expected_statistics = _annual(demo_warehouse_url, "digital_economy_share_grdp_statistics")
    assert dict(zip(ict["x"], ict["y"], strict=True)) == pytest.approx(expected_ict)
    assert dict(zip(statistics["x"], statistics["y"], strict=True)) == pytest.approx(
        expected_statistics
    )
    # Published figures stay with their own basis: 21.5 % (ICT) and 14.65 % (statistics), 2023.
    published = [t for t in figure_traces(app) if t.get("name") == "Published figure"]
    assert 21.5 in published[0]["y"] and 14.65 not in published[0]["y"]
    assert 14.65 in published[1]["y"] and 21.5 not in published[1]["y"]


def test_sector_shares_equal_the_warehouse(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "economy", year="2025", lang="en")
    table = html_tables(app)["GRDP by sector, 2025"]
    rows = frame(
        demo_warehouse_url,
        "SELECT b.name_en, SUM(o.numerator) AS amount FROM observations o "
        "JOIN breakdowns b ON b.breakdown_key = o.breakdown_key "
        "WHERE o.indicator_id = 'grdp_current_prices' AND o.superseded_at IS NULL "
        "AND b.dimension = 'sector' AND o.period_year = 2025 GROUP BY b.name_en",
    ).set_index("name_en")
    total = rows["amount"].sum()
    shown = table.set_index("Sector")
    assert shown["Share of GRDP (%)"].sum() == pytest.approx(100.0, abs=0.3)
    for name, row in rows.iterrows():
        assert shown.loc[name, "Value added (billion VND)"] == round(row["amount"])
        assert shown.loc[name, "Share of GRDP (%)"] == pytest.approx(
            100 * row["amount"] / total, abs=0.051
        )
    assert "Product taxes less subsidies on products" in shown.index


def test_the_growth_needed_is_the_odds_ratio_per_year(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "economy", year="2026", lang="en")
    table = html_tables(app)["Growth needed each year to reach each target, from 2025"]
    base = _annual(demo_warehouse_url, "digital_economy_share_grdp")[2025]
    odds = lambda share: share / (100 - share)  # noqa: E731
    rows = table.set_index("Target year")
    for year, target in (("2026", 30.0), ("2030", 40.0)):
        years = int(year) - 2025
        expected = 100 * ((odds(target) / odds(base)) ** (1 / years) - 1)
        assert rows.loc[year, "Digital economy must outgrow the rest of GRDP by (% a year)"] == (
            pytest.approx(expected, abs=0.051)
        )
        assert rows.loc[year, "Needed each year (pp)"] == pytest.approx(
            (target - base) / years, abs=0.006
        )
