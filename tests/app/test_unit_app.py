"""The unit scorecard in AppTest: every situation in both languages, its figures against
this suite's own SQL (value, rank, peer median), and its late and missing submissions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from i18n import escape_markdown, t
from metrics.clock import CITY_TIMEZONE
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
TAN_DINH = "26737"


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_renders_in_every_situation(monkeypatch, demo_warehouse_url, situation, lang):
    params = {"unit": TAN_DINH} | SITUATIONS[situation]
    app = open_page(monkeypatch, demo_warehouse_url, "unit", lang=lang, **params)
    assert app.title[0].value == ("Đơn vị" if lang == "vi" else "Unit scorecard")
    assert not app.error
    assert app.subheader[0].value in ("Phường Tân Định", "Tân Định Ward")
    # The page as served: its two charts drawn as SVG on the server, no plotly (issue 12).
    assert len(svg_charts(app)) == 2 and not app.get("plotly_chart")
    # The scorecard and the submissions as plain HTML tables: no data grid (issue 12).
    assert len(html_tables(app)) == 2 and not app.dataframe


def test_without_a_unit_the_page_says_how_to_choose_one(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "unit", lang="en")
    assert "No unit chosen. Press “Choose a unit” above and type" in app.info[0].value
    assert not app.get("plotly_chart") and not svg_charts(app)


def test_an_unknown_unit_gives_the_choice_and_no_scorecard(monkeypatch, demo_warehouse_url):
    # The plain-text warning itself is shown on the first page a link opens
    # (tests/app/test_links_app.py); here: no scorecard of an unknown unit.
    app = open_page(monkeypatch, demo_warehouse_url, "unit", unit="<i>99999</i>")
    assert "unit" not in app.query_params
    assert "Chưa chọn đơn vị. Bấm nút “Chọn đơn vị”" in app.info[0].value
    assert find_block(app, "menu-unit_picker").proto.popover.label == "Chọn đơn vị"
    assert not app.get("plotly_chart") and not svg_charts(app)


THU_DAU_MOT = "25747"
NAMES = {
    TAN_DINH: {"vi": "Phường Tân Định", "en": "Tân Định Ward"},
    THU_DAU_MOT: {"vi": "Phường Thủ Dầu Một", "en": "Thủ Dầu Một Ward"},
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_unit_is_chosen_behind_a_button_that_names_it(monkeypatch, demo_warehouse_url, lang):
    """Issue 12 (drawing promise): the page's type-to-search select box was drawn on the
    first screen, and its script bundles cost the page about half an empty page's time. It
    is now in a popover (built by the browser only when opened) whose button names the unit
    shown; choosing another there changes the page, its button and its address."""
    app = open_page(monkeypatch, demo_warehouse_url, "unit", unit=TAN_DINH, lang=lang, year="2026")
    widgets = choice_widgets(app._tree)
    assert ("Selectbox", "unit_picker", True) in widgets
    assert [w for w in widgets if not w[2]] == []  # nothing to choose outside a popover
    menu = find_block(app, "menu-unit_picker")
    assert menu.proto.popover.label == f"{t('unit_picker_label', lang)}: {NAMES[TAN_DINH][lang]}"
    assert menu.proto.popover.type == "secondary"
    picker = app.selectbox(key="unit_picker")
    assert picker.value == TAN_DINH
    assert picker.placeholder == t("unit_picker_placeholder", lang)  # type to search
    assert any(option.startswith(f"{NAMES[THU_DAU_MOT][lang]} — ") for option in picker.options)
    picker.set_value(THU_DAU_MOT).run()
    assert not app.exception
    assert app.query_params["unit"] == THU_DAU_MOT
    assert app.subheader[0].value == NAMES[THU_DAU_MOT][lang]
    label = find_block(app, "menu-unit_picker").proto.popover.label
    assert label == f"{t('unit_picker_label', lang)}: {NAMES[THU_DAU_MOT][lang]}"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_without_a_unit_a_primary_button_asks_for_one(monkeypatch, demo_warehouse_url, lang):
    """No ?unit=: the page says what to press (the button's own words) and that typing
    searches, and the button stands out; a unit chosen there opens its scorecard."""
    app = open_page(monkeypatch, demo_warehouse_url, "unit", lang=lang, year="2026")
    assert [w for w in choice_widgets(app._tree) if not w[2]] == []
    menu = find_block(app, "menu-unit_picker")
    assert menu.proto.popover.label == t("unit_picker_choose", lang)
    assert menu.proto.popover.type == "primary"
    invitation = t("unit_choose", lang, button=t("unit_picker_choose", lang))
    assert invitation in [i.value for i in app.info]
    assert f"“{menu.proto.popover.label}”" in invitation
    assert app.selectbox(key="unit_picker").value is None
    app.selectbox(key="unit_picker").set_value(TAN_DINH).run()
    assert app.query_params["unit"] == TAN_DINH
    assert app.subheader[0].value == NAMES[TAN_DINH][lang]
    assert invitation not in [i.value for i in app.info]
    assert find_block(app, "menu-unit_picker").proto.popover.type == "secondary"


HOSTILE = "**Phường** [x](https://evil.example) <b>_1_</b>"


def test_a_unit_name_from_the_warehouse_is_text_on_the_button(
    monkeypatch, demo_warehouse_url, tmp_path
):
    """The button's label reads Markdown: the name (from the warehouse) is escaped there."""
    url = planted_copy(
        demo_warehouse_url,
        tmp_path / "w.sqlite",
        "UPDATE units SET name_vi = :n, name_en = :n WHERE unit_id = :u",
        n=HOSTILE,
        u=TAN_DINH,
    )
    app = open_page(monkeypatch, url, "unit", unit=TAN_DINH, lang="vi", year="2026")
    label = find_block(app, "menu-unit_picker").proto.popover.label
    assert label == "Đơn vị: " + escape_markdown(HOSTILE) != "Đơn vị: " + HOSTILE


def test_the_scorecard_equals_the_warehouse(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, "unit", unit=TAN_DINH, lang="en", year="2026")
    card = html_tables(app)["Indicators, 2026"].set_index("Indicator")
    wards = unit_rates(demo_warehouse_url, "online_dossier_share", 2026, OCT, "ward")
    ranks, p25, median, p75 = ranks_and_quartiles(wards.set_index("unit_id")["value"])
    online = card.loc["Online dossier share"]
    mine = wards.set_index("unit_id").loc[TAN_DINH, "value"]
    assert online["Result (%)"] == pytest.approx(mine, abs=0.051)
    assert online["Rank"] == ranks[TAN_DINH]
    assert online["Units in the group"] == 113
    assert online["Group median (%)"] == pytest.approx(median, abs=0.051)
    assert online["Group quartile 1 (%)"] == pytest.approx(p25, abs=0.051)
    assert online["Group quartile 3 (%)"] == pytest.approx(p75, abs=0.051)
    assert online["Target or milestone (%)"] == 50.0
    satisfaction = unit_rates(demo_warehouse_url, "satisfaction_rate", 2026, OCT, "ward")
    assert card.loc["Citizen and business satisfaction", "Result (%)"] == pytest.approx(
        satisfaction.set_index("unit_id").loc[TAN_DINH, "value"], abs=0.051
    )
    # Above the table, each indicator's value and status in boxes that wrap: on a phone the
    # table shows only the indicator and its value before it is scrolled sideways.
    (glance,) = [m.value for m in app.markdown if "-badge[" in m.value]
    boxes = glance.split("\n\n")
    assert len(boxes) == len(card)
    colours = {"On track": "blue", "Off track": "red", "Not yet assessable": "gray"}
    for box, (indicator, row) in zip(boxes, card.iterrows(), strict=True):
        name, value, status = box.split("  \n")
        assert name == f"**{indicator}**"
        assert value.startswith(f"**{row['Result (%)']:.1f}%**")
        assert status.startswith(f":{colours[row['Status']]}-badge[")
        assert status.endswith(f" {row['Status']}]")
    assert "target ≥ 50%" in boxes[0]
    assert boxes[-1].split("  \n")[1] == "**54.7%** · milestone 65.2%"


def test_an_investors_disbursement_is_its_year_to_date_over_its_plan(
    monkeypatch, demo_warehouse_url
):
    app = open_page(
        monkeypatch, demo_warehouse_url, "unit", unit="inv-transport", lang="en", year="2026"
    )
    card = html_tables(app)["Indicators, 2026"].set_index("Indicator")
    row = frame(
        demo_warehouse_url,
        "SELECT o.numerator, p.plan_billion_vnd FROM observations o JOIN capital_plans p "
        "ON p.unit_id = o.unit_id AND p.plan_year = o.period_year AND p.superseded_at IS NULL "
        "WHERE o.unit_id = 'inv-transport' AND o.indicator_id = 'public_investment_disbursement' "
        "AND o.period_year = 2026 AND o.period_month = :month AND o.superseded_at IS NULL "
        "AND o.breakdown_key = ''",
        month=OCT,
    ).iloc[0]
    shown = card.loc["Public investment disbursement rate"]
    assert shown["Result (%)"] == pytest.approx(
        100 * row["numerator"] / row["plan_billion_vnd"], abs=0.051
    )
    # Judged against the milestone path to 31 October: 50 + (95 − 50) × 31/92 days.
    assert shown["Target or milestone (%)"] == pytest.approx(50 + 45 * 31 / 92, abs=0.051)


def _expected_submissions(url: str, unit_id: str) -> tuple[int, int]:
    """(late, missing) months of 2026 to October for the unit's five indicators, by this
    test's own SQL and calendar arithmetic (due by the 5th of the next month)."""
    rows = frame(
        url,
        "SELECT indicator_id, period_month, MIN(loaded_at) AS first FROM observations "
        "WHERE unit_id = :unit AND breakdown_key = '' AND period_year = 2026 "
        "AND period_month <= :through AND indicator_id IN ('online_dossier_share', "
        "'satisfaction_rate', 'on_time_rate', 'e_result_rate', 'public_investment_disbursement') "
        "GROUP BY indicator_id, period_month",
        unit=unit_id,
        through=OCT,
    )
    late = 0
    for row in rows.itertuples():
        month = pd.Timestamp(row.period_month)
        due = (month + pd.DateOffset(months=1)).replace(day=5).date()
        local = pd.Timestamp(row.first).tz_localize("UTC").tz_convert(CITY_TIMEZONE).date()
        late += local > due
    indicators = rows["indicator_id"].nunique()
    return late, 10 * indicators - len(rows)


def test_late_and_missing_submissions_equal_the_warehouse(monkeypatch, demo_warehouse_url):
    missing_in_october = frame(
        demo_warehouse_url,
        "SELECT u.unit_id FROM units u WHERE u.unit_type IN ('ward', 'commune') AND NOT EXISTS "
        "(SELECT 1 FROM observations o WHERE o.unit_id = u.unit_id AND o.superseded_at IS NULL "
        "AND o.indicator_id = 'online_dossier_share' AND o.period_month = :month) "
        "ORDER BY u.unit_id",
        month=OCT,
    )["unit_id"]
    assert len(missing_in_october) > 0
    unit_id = str(missing_in_october.iloc[0])
    app = open_page(monkeypatch, demo_warehouse_url, "unit", unit=unit_id, lang="en", year="2026")
    late, missing = _expected_submissions(demo_warehouse_url, unit_id)
    summary = next(m.value for m in app.markdown if "submissions due" in m.value)
    assert f"**{late}** late" in summary
    assert f"**{missing}** not reported" in summary
    assert missing >= 1
    grid = html_tables(app)["Submissions, 2026"].set_index("Indicator")
    assert grid.loc["Online dossier share", "Oct 2026"] == "Not reported"
