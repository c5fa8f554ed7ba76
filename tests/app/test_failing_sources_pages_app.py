"""The pages beyond the indicator pages when a deployment's declared source fails a contract
(issue 14): the briefing (its page and the document's rows), the Unit page, the Meeting page
and the Data page's export say "Chưa đủ dữ liệu để đánh giá" with the reason in place of the
failing indicator, and the other indicators carry on with their figures.

The broken source is the satisfaction rate's, as ``numerator_above_denominator``
(:func:`tests.app.broken_sources.contract_mapping`): unit 26737, January 2026, 1001 of 1000.
Clock pinned to 2026-11-28 10:00 in the city (the golden Overview's day).
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import create_engine

from briefing.collect import Source, collect, warehouse_source
from briefing.pdf import _headline_rows
from data_access import sources
from data_access.queries import UnitFilter
from i18n import t
from tests.app.broken_sources import SATISFACTION_SHOWN, contract_mapping
from tests.app.pages import open_page
from tests.app.reading import GOLDEN_DAY, GOLDEN_MOMENT, find_block, html_tables, read_block
from tests.ingest.warehouse import copy_sqlite

CODE = "satisfaction_rate"
REASON = {
    "vi": "Chưa đủ dữ liệu để đánh giá: nguồn số liệu không đạt kiểm tra “Tử số không vượt "
    "mẫu số”: 1 trên 14.996 dòng có tử số lớn hơn mẫu số hoặc số âm (tỷ lệ ngoài khoảng "
    "0–100%): unit_code=26737 month=2026-01-01 numerator=1001 denominator=1000.",
    "en": "Not yet assessable: the data source fails the check “Numerator within "
    "denominator”: 1 of 14,996 rows have a numerator above the denominator or a "
    "negative figure (a rate outside 0–100%): unit_code=26737 month=2026-01-01 "
    "numerator=1001 denominator=1000.",
}
"""The reason as plain text (the briefing's document is not Markdown)."""


@pytest.fixture
def broken(tmp_path, monkeypatch, time_machine):
    """The mapping with the satisfaction rate's source broken, configured; clock pinned."""
    time_machine.move_to(GOLDEN_MOMENT)
    mapping = contract_mapping(tmp_path, "numerator_above_denominator")
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    return mapping


def _said(app, key: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    block = find_block(app, key)
    assert block is not None, key
    assert read_block(block) == SATISFACTION_SHOWN[lang]
    assert not app.error, [e.value for e in app.error]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_briefing_page_says_why_before_the_document_is_made(
    monkeypatch, demo_warehouse_url, broken, lang
):
    app = open_page(monkeypatch, demo_warehouse_url, "briefing", year="2026", lang=lang)
    _said(app, f"not-assessable-{CODE}", lang)
    assert find_block(app, "not-assessable-online_dossier_share") is None
    assert any(b.label == t("briefing_make", lang) for b in app.button)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_briefing_document_says_why_and_keeps_the_other_rows(demo_warehouse_url, broken, lang):
    """The briefing's headline table (the document's first grid) as the page collects it:
    the failing source's row says why, with no figure; the others keep theirs."""
    health = sources.check_health(
        broken, {sources.SOURCE_URL_PREFIX + "WAREHOUSE": demo_warehouse_url}, GOLDEN_DAY
    )
    assert list(health.failing) == [CODE]
    engine = create_engine(demo_warehouse_url)
    try:
        own = warehouse_source(engine)
        source = Source(
            own.scope_series,
            own.headline_tile,
            own.unit_standing,
            own.published,
            lambda: health.failing,
        )
        data = collect(source, 2026, UnitFilter(), GOLDEN_DAY)
    finally:
        engine.dispose()
    assert data.tiles[CODE] is None
    assert CODE not in data.series
    assert CODE not in set(data.attention.get("indicator_code", []))
    rows = {row[0]: row for row in _headline_rows(data, lang)[1:]}
    satisfaction = next(i for i in rows if i.startswith(("Mức độ hài lòng", "Citizen")))
    assert rows[satisfaction][1:] == ["—", "—", "—", REASON[lang], "—"]
    others = [row for name, row in rows.items() if name != satisfaction]
    assert len(others) == 3
    assert all(row[1] != "—" for row in others), others


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_unit_page_says_why_and_the_scorecard_carries_on(
    monkeypatch, demo_warehouse_url, broken, lang
):
    app = open_page(monkeypatch, demo_warehouse_url, "unit", year="2026", unit="26737", lang=lang)
    _said(app, f"not-assessable-unit-{CODE}", lang)
    card = html_tables(app)[t("unit_indicators_title", lang, year=2026)].set_index(
        t("col_indicator", lang)
    )
    names = list(card.index)
    assert not any(name.startswith(("Mức độ hài lòng", "Citizen")) for name in names), names
    online = next(name for name in names if "trực tuyến" in name or "nline" in name)
    value = card.loc[online, t("col_value_pct", lang)]
    assert not math.isnan(float(value))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_meeting_headlines_say_why_and_the_others_show_their_figure(
    monkeypatch, demo_warehouse_url, broken, lang
):
    app = open_page(
        monkeypatch, demo_warehouse_url, "meeting", year="2026", agenda="headlines", lang=lang
    )
    _said(app, f"meeting-headline-{CODE}", lang)
    online = find_block(app, "meeting-headline-online_dossier_share")
    assert online is not None
    assert any(line.startswith("metric: ") for line in read_block(online)), read_block(online)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_data_export_says_why_and_another_indicator_still_exports(
    monkeypatch, demo_warehouse_url, broken, tmp_path, lang
):
    url = copy_sqlite(demo_warehouse_url, str(tmp_path / "copy.sqlite"))
    app = open_page(monkeypatch, url, "data", lang=lang)
    app.session_state["data-tabs"] = t("data_tab_export", lang)  # only the open tab is built
    app.run()
    boxes = {b.label: b for b in app.selectbox}
    boxes[t("data_export_indicator", lang)].set_value(CODE)
    boxes[t("data_export_month", lang)].set_value(dt.date(2026, 10, 1))
    next(b for b in app.button if b.label == t("data_export_button", lang)).click().run()
    _said(app, f"not-assessable-export-{CODE}", lang)
    assert _export_buttons(app) == []
    boxes = {b.label: b for b in app.selectbox}
    boxes[t("data_export_indicator", lang)].set_value("online_dossier_share")
    next(b for b in app.button if b.label == t("data_export_button", lang)).click().run()
    assert find_block(app, f"not-assessable-export-{CODE}") is None
    assert find_block(app, "not-assessable-export-online_dossier_share") is None
    assert _export_buttons(app) == ["data-export-csv", "data-export-xlsx"]


def _export_buttons(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The export's download buttons (the page has others: history, templates)."""
    keys = ("data-export-csv", "data-export-xlsx")
    return [k for k in keys for b in app.get("download_button") if b.proto.id.endswith(f"-{k}")]
