"""The disbursement page in AppTest: every situation in both languages; the S-curve, the
investors' capital and the plan's changes against this suite's own SQL; the published and
national figures where the reference file has them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from i18n import escape_markdown
from tests.app.pages import (
    SITUATIONS,
    figure_traces,
    frame,
    open_page,
    planted_copy,
    svg_charts,
)
from tests.app.reading import html_table_texts, html_tables


@pytest.fixture(autouse=True)
def _figures_by_plotly(monkeypatch):
    """This module reads each chart's data from the plotly figure sent to the browser: the
    pages draw it with plotly (the SVG drawn from the same figure: tests/unit/test_figure_svg.py
    and tests/app/test_svg_figures_app.py)."""
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")


OCT = dt.date(2026, 10, 1)


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_renders_in_every_situation(monkeypatch, demo_warehouse_url, situation, lang):
    monkeypatch.delenv("DASHBOARD_FIGURES")  # the page as served: its charts as SVG
    app = open_page(
        monkeypatch, demo_warehouse_url, "disbursement", lang=lang, **SITUATIONS[situation]
    )
    title = "Giải ngân đầu tư công" if lang == "vi" else "Public investment disbursement"
    assert app.title[0].value == title
    assert not app.error
    assert svg_charts(app) and not app.get("plotly_chart")
    assert app.metric


def _s_curve_by_hand(url: str, year: int) -> pd.Series:
    """Each month end's Σ disbursed ÷ Σ plans in force, every investor counted: one that
    did not report keeps its last figure (this suite's own SQL and pandas)."""
    reports = frame(
        url,
        "SELECT unit_id, period_month, numerator FROM observations "
        "WHERE indicator_id = 'public_investment_disbursement' AND breakdown_key = '' "
        "AND superseded_at IS NULL AND period_year = :year",
        year=year,
    )
    plans = frame(
        url,
        "SELECT unit_id, effective_date, plan_billion_vnd FROM capital_plans "
        "WHERE superseded_at IS NULL AND plan_year = :year",
        year=year,
    )
    reports["period_month"] = pd.to_datetime(reports["period_month"])
    plans["effective_date"] = pd.to_datetime(plans["effective_date"])
    disbursed = reports.pivot(index="period_month", columns="unit_id", values="numerator")
    disbursed = disbursed.ffill().fillna(0.0)
    values = {}
    for month in disbursed.index:
        in_force = (
            plans[plans["effective_date"] <= month + pd.offsets.MonthEnd(0)]
            .sort_values("effective_date")
            .groupby("unit_id")["plan_billion_vnd"]
            .last()
        )
        values[month] = 100 * disbursed.loc[month, in_force.index].sum() / in_force.sum()
    return pd.Series(values)


def test_the_s_curve_equals_the_warehouse(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "disbursement", year="2026", lang="en")
    curve = next(t for t in figure_traces(app) if t.get("name") == "2026")
    expected = _s_curve_by_hand(demo_warehouse_url, 2026)
    assert len(curve["y"]) == len(expected) == 10
    assert curve["y"] == pytest.approx(expected.tolist(), abs=1e-9)
    # Last year's curve on the same months, to the extension month.
    last = next(t for t in figure_traces(app) if t.get("name") == "2025")
    assert last["y"] == pytest.approx(_s_curve_by_hand(demo_warehouse_url, 2025).tolist())


LIST_CAPTIONS = (
    "Chủ đầu tư theo vốn chưa giải ngân",
    "Project owners by capital not yet disbursed",
)


def _investors_list(app) -> pd.DataFrame:
    """The investors' light list (a plain HTML table; numbers as floats)."""
    found = [table for caption, table in html_tables(app).items() if caption in LIST_CAPTIONS]
    assert len(found) == 1, list(html_tables(app))
    return found[0]


@pytest.mark.parametrize("source", ["list", "grid"])
def test_the_investors_remaining_capital_equals_the_warehouse(
    monkeypatch, demo_warehouse_url, source
):
    """The light list on the first screen and the grid once its expander is opened."""
    opened = ("investors-table",) if source == "grid" else ()
    app = open_page(
        monkeypatch, demo_warehouse_url, "disbursement", opened=opened, year="2026", lang="en"
    )
    if source == "grid":
        table = next(d for d in app.dataframe if d.key == "investors-all").value
    else:
        table = _investors_list(app)
        assert list(table.columns) == [
            "Unit",
            "Not yet disbursed (billion VND)",
            "Result (%)",
            "Status",
            "Needed per month (billion VND)",
        ]
    rows = frame(
        demo_warehouse_url,
        "SELECT u.name_en, o.numerator, p.plan_billion_vnd FROM observations o "
        "JOIN units u ON u.unit_id = o.unit_id JOIN capital_plans p ON p.unit_id = o.unit_id "
        "AND p.plan_year = 2026 AND p.superseded_at IS NULL "
        "WHERE o.indicator_id = 'public_investment_disbursement' AND o.breakdown_key = '' "
        "AND o.superseded_at IS NULL AND o.period_year = 2026 AND o.period_month = :month",
        month=OCT,
    ).assign(remaining=lambda f: f["plan_billion_vnd"] - f["numerator"])
    largest = rows.sort_values("remaining", ascending=False).iloc[0]
    first = table.iloc[0]
    assert first["Unit"] == largest["name_en"]
    assert first["Not yet disbursed (billion VND)"] == pytest.approx(round(largest["remaining"]))
    # Needed per month: (95 % of the plan − disbursed) over November and December.
    pace = (0.95 * largest["plan_billion_vnd"] - largest["numerator"]) / 2
    assert first["Needed per month (billion VND)"] == pytest.approx(round(pace))
    assert len(table) == 191


def test_the_2025_plan_change_is_said_with_its_figures(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "disbursement", year="2025", lang="en")
    plans = frame(
        demo_warehouse_url,
        "SELECT effective_date, SUM(plan_billion_vnd) AS plan FROM capital_plans "
        "WHERE superseded_at IS NULL AND plan_year = 2025 GROUP BY effective_date "
        "ORDER BY effective_date",
    )
    before, after = plans["plan"].tolist()
    note = "\n".join(i.value for i in app.info)
    assert f"**{after:,.0f} billion VND**" in note
    assert f"(before: {before:,.0f} billion VND)" in note
    assert "1 Jul 2025" in note


def test_published_figures_and_the_2023_national_average_are_points(
    monkeypatch, demo_warehouse_url
):
    app = open_page(monkeypatch, demo_warehouse_url, "disbursement", year="2025", lang="en")
    published = next(t for t in figure_traces(app) if t.get("name") == "Published figure")
    assert sorted(published["y"]) == [3.0, 45.2, 59.6, 91.4]
    assert not any(t.get("name") == "National average" for t in figure_traces(app))
    app = open_page(monkeypatch, demo_warehouse_url, "disbursement", year="2023", lang="en")
    national = next(t for t in figure_traces(app) if t.get("name") == "National average")
    assert national["y"] == [51.38]
    published = next(t for t in figure_traces(app) if t.get("name") == "Published figure")
    assert sorted(published["y"]) == [34.0, 70.0]


def test_an_investor_row_opens_its_scorecard(monkeypatch, demo_warehouse_url):
    app = open_page(
        monkeypatch, demo_warehouse_url, "disbursement", opened=("investors-table",), year="2026"
    )
    table = next(d for d in app.dataframe if d.key == "investors-all").value
    app.session_state["investors-all"] = {"selection": {"rows": [0], "columns": []}}
    app.run()
    assert app.title[0].value == "Đơn vị"
    assert app.subheader[0].value == table.iloc[0, 0]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_money_figures_are_bare_numbers_under_a_label_naming_the_unit(
    monkeypatch, demo_warehouse_url, lang
):
    """Regression: the headline's money read "69.590 tỷ đồng" under the label "Đã giải ngân
    (tỷ đồng)", the unit twice, and a tablet (820 px, four figures a row) cut it to
    "69.590 t…". The figures: Σ latest year-to-date disbursed and Σ plans in force at the
    end of October 2026, every investor counted (this suite's own SQL)."""
    reports = frame(
        demo_warehouse_url,
        "SELECT unit_id, period_month, numerator FROM observations "
        "WHERE indicator_id = 'public_investment_disbursement' AND breakdown_key = '' "
        "AND superseded_at IS NULL AND period_year = 2026 AND period_month <= '2026-10-31'",
    )
    plans = frame(
        demo_warehouse_url,
        "SELECT unit_id, effective_date, plan_billion_vnd FROM capital_plans "
        "WHERE superseded_at IS NULL AND plan_year = 2026 AND effective_date <= '2026-10-31'",
    )
    latest = reports.sort_values("period_month").groupby("unit_id")["numerator"].last()
    in_force = plans.sort_values("effective_date").groupby("unit_id")["plan_billion_vnd"].last()
    disbursed, plan = latest.reindex(in_force.index).fillna(0.0).sum(), in_force.sum()

    def shown(number: float) -> str:
        text = f"{round(number):,}"
        return text.replace(",", ".") if lang == "vi" else text

    app = open_page(monkeypatch, demo_warehouse_url, "disbursement", lang=lang, year="2026")
    metrics = {metric.label: metric for metric in app.metric}
    money = metrics["Đã giải ngân (tỷ đồng)" if lang == "vi" else "Disbursed (billion VND)"]
    left = metrics[
        "Chưa giải ngân (tỷ đồng)" if lang == "vi" else "Not yet disbursed (billion VND)"
    ]
    assert money.value == shown(disbursed)
    assert money.delta == ("trên kế hoạch " if lang == "vi" else "of a plan of ") + shown(plan)
    assert left.value == shown(plan - disbursed)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_probability_at_the_end_of_the_scale_never_breaks_after_its_sign(
    monkeypatch, demo_warehouse_url, lang
):
    """At 390 px "< 1%" broke between "<" and "1%": the line's probability is joined by a
    no-break space (the demo's 2026 plan is far from 95 %: its probability is < 1 %)."""
    app = open_page(monkeypatch, demo_warehouse_url, "disbursement", year="2026", lang=lang)
    label = "Khả năng đạt chỉ tiêu" if lang == "vi" else "Probability of reaching the target"
    line = next(m.value for m in app.markdown if f"{label}: **" in m.value)
    assert "**<\u00a01%**" in line
    assert "< 1%" not in line


def test_an_investor_chosen_under_the_list_opens_its_scorecard(monkeypatch, demo_warehouse_url):
    """Issue 12: the investors are a light list with a picker for the choice a row click
    made (the largest holder of capital first, as in the list)."""
    app = open_page(monkeypatch, demo_warehouse_url, "disbursement", year="2026")
    listed = _investors_list(app)
    picker = app.selectbox(key="open-unit-investors-all")
    assert list(picker.options) == list(listed["Đơn vị"])
    assert len(picker.options) == 191
    picker.select_index(2).run()
    assert app.title[0].value == "Đơn vị"
    assert app.subheader[0].value == escape_markdown(listed["Đơn vị"].iloc[2])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_data_grid_is_mounted_until_its_expander_is_opened(
    monkeypatch, demo_warehouse_url, lang
):
    """Issue 12: the first screen mounts no data grid (the investors are a light list, the
    map is behind its own expander); opening the table's expander mounts the grid."""
    app = open_page(monkeypatch, demo_warehouse_url, "disbursement", year="2026", lang=lang)
    assert not app.error
    assert not list(app.dataframe), [d.key for d in app.dataframe]
    assert len(_investors_list(app)) == 191
    app.session_state["investors-table"] = True
    app.run()
    assert [d.key for d in app.dataframe] == ["investors-all"]


def test_a_closed_year_lists_the_pace_as_missing(monkeypatch, demo_warehouse_url):
    """2025 is closed: no month is left, so no pace is needed: the list says "—", never
    "nan" or "None"."""
    app = open_page(monkeypatch, demo_warehouse_url, "disbursement", year="2025", lang="en")
    pace = _investors_list(app)["Needed per month (billion VND)"]
    assert pace.isna().all() and len(pace) > 0
    cells = html_table_texts(app)
    assert "—" in cells
    assert not cells & {"None", "nan", "NaN", "<NA>", ""}


HOSTILE = '<b>Ban</b> <img src=x onerror="alert(1)"> & <script>alert(2)</script>'


def test_investor_names_from_the_warehouse_are_shown_as_text(
    monkeypatch, demo_warehouse_url, tmp_path
):
    """An investor's name is warehouse text: the list escapes it (shown as the same text,
    never as markup) and the picker offers it as plain text."""
    url = planted_copy(
        demo_warehouse_url,
        tmp_path / "w.sqlite",
        "UPDATE units SET name_vi = :n, name_en = :n WHERE unit_id = (SELECT unit_id FROM "
        "units WHERE unit_type = 'investor' ORDER BY unit_id LIMIT 1)",
        n=HOSTILE,
    )
    app = open_page(monkeypatch, url, "disbursement", year="2026", lang="en")
    (body,) = [
        h.proto.body
        for h in app.get("html")
        if "Project owners by capital not yet disbursed" in h.proto.body
    ]
    assert "<b>" not in body and "<img" not in body and "<script" not in body
    assert "&lt;b&gt;Ban&lt;/b&gt; &lt;img src=x" in body
    assert HOSTILE in list(_investors_list(app)["Unit"])
    assert HOSTILE in app.selectbox(key="open-unit-investors-all").options
