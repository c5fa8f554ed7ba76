"""The briefing page and the Overview's written summary in AppTest, in both languages, on the
demo warehouse (as of October 2026; expected words from tests/golden/overview_demo.yaml and
the sentence templates, written out here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_access.engine import PROJECT_ROOT
from i18n import t
from tests.app.reading import choice_widgets

APP = str(PROJECT_ROOT / "app.py")
PAGE = "app_pages/briefing.py"

# The first two sentences of the summary on the golden Overview (2026, data to October).
LEAD = {
    "vi": "Số liệu đến ngày 31/10/2026: 2/4 chỉ tiêu đúng tiến độ. Giải ngân chậm tiến độ: "
    "dự báo đến 31/12/2026 đạt 79,3% (khoảng dự báo 80%: 71,8% – 86,0%), chỉ tiêu ≥ 95%; "
    "khả năng đạt chỉ tiêu < 1%.",
    "en": "Data to 31 Oct 2026: 2 of 4 indicators on track. Disbursement is off track: projected "
    "at 79.3% by 31 Dec 2026 (80% interval 71.8% – 86.0%) against a target of ≥ 95%; "
    "probability of reaching it < 1%.",
}


def open_app(monkeypatch, url: str, page: str | None, **params: str) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    app = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    if page is not None:
        app.switch_page(page)
        app.run()
        assert not app.exception, [e.value for e in app.exception]
    return app


def downloads(app: AppTest) -> list:
    return list(app.get("download_button"))


def unescaped(text: str) -> str:
    """Markdown as read: backslashes and the word joiners of ``escape_markdown`` dropped."""
    return text.replace("\\", "").replace("\u2060", "")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_overview_opens_with_the_summary(monkeypatch, demo_warehouse_url, lang):
    app = open_app(monkeypatch, demo_warehouse_url, None, lang=lang, year="2026")
    lead = [m.value for m in app.markdown if unescaped(m.value).startswith(LEAD[lang][:20])]
    assert [unescaped(value) for value in lead] == [LEAD[lang]]
    expander = next(e for e in app.expander if e.label == t("summary_more", lang))
    rest = unescaped(" ".join(m.value for m in expander.markdown))
    assert rest.startswith("Lý do:" if lang == "vi" else "Why:")
    assert ("Đơn vị kéo kết quả chung xuống" if lang == "vi" else "Holding the city back") in rest


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_briefing_page_offers_pages_and_languages(monkeypatch, demo_warehouse_url, lang):
    app = open_app(monkeypatch, demo_warehouse_url, PAGE, lang=lang, year="2026")
    assert app.title[0].value == t("page_briefing", lang)
    # Issue 12: pills and segments (the language switch's own script), not a multiselect
    # and a radio, whose bundles loaded after the page's last message.
    assert [w for w in choice_widgets(app._tree) if not w[2]] == [] and not app.radio
    pages = app.pills(key="briefing-pages")
    assert pages.value == ["online", "satisfaction", "disbursement", "economy"]
    assert pages.label == t("briefing_pages_label", lang)
    assert pages.options == [t(f"page_{page}", lang) for page in pages.value]
    language = app.segmented_control(key="briefing-lang")
    assert language.value == lang
    assert language.options == [t("briefing_lang_vi", lang), t("briefing_lang_en", lang)]
    assert any(b.label == t("briefing_make", lang) for b in app.button)
    assert not downloads(app)  # made only when asked


def test_a_chart_export_that_fails_is_said_in_words(monkeypatch, demo_warehouse_url):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chrome")
    app = open_app(monkeypatch, demo_warehouse_url, PAGE, lang="vi", year="2026")
    next(b for b in app.button if b.label == t("briefing_make", "vi")).click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert [e.value for e in app.error] == [
        t("briefing_chart_failed", "vi", reason="no browser at /nonexistent/chrome")
    ]
    assert not downloads(app)


def test_the_briefing_is_made_when_asked(monkeypatch, demo_warehouse_url, chromium_path: Path):
    app = open_app(monkeypatch, demo_warehouse_url, PAGE, lang="en", year="2026")
    app.pills(key="briefing-pages").set_value(["economy", "online"])
    app.segmented_control(key="briefing-lang").set_value("vi")
    app.run()
    next(b for b in app.button if b.label == t("briefing_make", "en")).click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error
    name = "bao-cao-tom-tat_toan-thanh-pho_2026_2026-10-31.pdf"
    assert [s.value for s in app.success] == [t("briefing_ready", "en", name=name)]
    assert len(downloads(app)) == 1
    # Another choice is another briefing: the one made is no longer offered for it.
    app.segmented_control(key="briefing-lang").set_value("en")
    app.run()
    assert not downloads(app)
