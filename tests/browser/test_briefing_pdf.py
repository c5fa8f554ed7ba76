"""The briefing PDF on the demo warehouse: made, turned into PNG pages (pdftoppm) and text
(pdftotext), then read.

Checks: the Vietnamese diacritics are intact, every chosen page is in it (and no other), the
summary's figures equal the tiles', a briefing as of a past day says so and is named for it,
and a chart export that cannot run is refused in words. The PNG pages are kept under
``artifacts/briefing/`` to be looked at.

Needs Chromium (plotly's static export) and poppler-utils: skips without them, fails under
``DASHBOARD_REQUIRE_BROWSER=1`` (``make test`` installs both when root).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from briefing.charts import ChartExportError
from briefing.collect import PAGES, BriefingData, collect, warehouse_source
from briefing.pdf import file_name, render_pdf
from data_access.engine import PROJECT_ROOT
from data_access.queries import UnitFilter
from i18n import fmt_percent
from metrics.summary import write_summary
from tests.conftest import _skip_or_fail

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "artifacts" / "briefing"
DAY = dt.date(2026, 11, 28)  # the golden Overview's day: the demo's data run to October 2026
MADE_ON = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def poppler(chromium_path: Path) -> None:
    for tool in ("pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            _skip_or_fail(
                f"{tool} is missing (poppler-utils); `make test` installs it with apt-get "
                "when root",
                "DASHBOARD_REQUIRE_BROWSER",
            )


@pytest.fixture(scope="module")
def engine(demo_warehouse_url: str):
    engine = create_engine(demo_warehouse_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def today_data(engine) -> BriefingData:
    return collect(warehouse_source(engine), 2026, UnitFilter(), DAY)


def pdf_pages(pdf: bytes, name: str) -> tuple[list[str], list[Path]]:
    """The text of each page (pdftotext) and its PNG (pdftoppm), kept under artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(pdf)
    stem = path.with_suffix("")
    for old in ARTIFACTS.glob(f"{stem.name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(stem)], check=True)
    pngs = sorted(ARTIFACTS.glob(f"{stem.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    texts = []
    for number in range(1, len(pngs) + 1):
        result = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
        )
        texts.append(result.stdout.decode("utf-8"))
    return texts, pngs


def flat(text: str) -> str:
    """Lines joined, runs of spaces made one (pdftotext breaks lines where the PDF wraps)."""
    return re.sub(r"\s+", " ", text).strip()


def page_titles(texts: list[str]) -> list[str]:
    """The first line under the running header of each page after the Overview's."""
    titles = []
    for text in texts:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        titles.append(lines[2] if len(lines) > 2 else "")
    return titles


def test_the_vietnamese_briefing_holds_every_page_with_its_diacritics(poppler, today_data):
    pdf = render_pdf(today_data, PAGES, "vi", made_on=MADE_ON)
    name = file_name(today_data, "vi")
    assert name == "bao-cao-tom-tat_toan-thanh-pho_2026_2026-10-31.pdf"
    texts, pngs = pdf_pages(pdf, name)
    whole = flat(" ".join(texts))
    # Diacritics intact (NFC, as typed): the page titles and the status words.
    for words in (
        "Báo cáo tóm tắt",
        "Dịch vụ công trực tuyến",
        "Mức độ hài lòng",
        "Giải ngân đầu tư công",
        "Kinh tế số",
        "Số liệu tính đến ngày 31/10/2026",
        "Lập ngày 28/11/2026",
        "Dữ liệu minh họa",
        "Chậm tiến độ",
        "Đúng tiến độ",
        "Bộ lọc: năm 2026; phạm vi: toàn Thành phố",
    ):
        assert words in whole, words
    # Every chosen page has its own page, in the app's order, after the Overview's.
    titles = [title for title in page_titles(texts) if title in PAGE_TITLES_VI.values()]
    assert titles == [PAGE_TITLES_VI[page] for page in PAGES]
    assert len(pngs) == len(texts) >= 1 + len(PAGES)
    assert all(png.stat().st_size > 5_000 for png in pngs)  # drawn, not blank


PAGE_TITLES_VI = {
    "online": "Dịch vụ công trực tuyến",
    "satisfaction": "Mức độ hài lòng",
    "disbursement": "Giải ngân đầu tư công",
    "economy": "Kinh tế số",
}
PAGE_TITLES_EN = {
    "online": "Online public services",
    "satisfaction": "Satisfaction",
    "disbursement": "Public investment disbursement",
    "economy": "Digital economy",
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_summary_in_the_pdf_carries_the_tiles_figures(poppler, today_data, lang):
    pdf = render_pdf(today_data, ("disbursement",), lang, made_on=MADE_ON)
    texts, _ = pdf_pages(pdf, f"summary-{lang}.pdf")
    whole = flat(" ".join(texts))
    summary = write_summary(today_data.shown, today_data.attention, lang)
    for sentence in summary.sentences:
        assert flat(sentence.text) in whole, sentence.text
    # The figures, read from the tiles themselves, are in the text as the tiles write them.
    disbursement = today_data.tiles["public_investment_disbursement"]
    assert disbursement is not None
    projection = disbursement.projection
    for value in (projection.central, projection.lower_80, projection.upper_80):
        assert fmt_percent(value, lang) in whole
    assert fmt_percent(disbursement.headline.value, lang) in whole
    assert fmt_percent(disbursement.headline.reference, lang) in whole


def test_a_briefing_as_of_a_past_day_in_english_with_two_pages(poppler, engine):
    data = collect(
        warehouse_source(engine), 2026, UnitFilter(), dt.date(2026, 10, 20), dt.date(2026, 10, 20)
    )
    pdf = render_pdf(data, ("online", "economy"), "en", made_on=MADE_ON)
    name = file_name(data, "en")
    assert name == "briefing_whole-city_2026_2026-10-20.pdf"
    texts, _ = pdf_pages(pdf, name)
    whole = flat(" ".join(texts))
    assert "Figures as they stood on 20 Oct 2026 (later loads not counted)" in whole
    # On 20 October, September was the latest month reported.
    assert "Data as of 30 Sep 2026" in whole
    titles = [title for title in page_titles(texts) if title in PAGE_TITLES_EN.values()]
    assert titles == [PAGE_TITLES_EN["online"], PAGE_TITLES_EN["economy"]]


def test_a_scope_is_in_the_file_name_and_on_the_page(poppler, engine):
    data = collect(warehouse_source(engine), 2026, UnitFilter(("binh_duong",), ("ward",)), DAY)
    assert file_name(data, "vi") == "bao-cao-tom-tat_tinh-binh-duong-cu-phuong_2026_2026-10-31.pdf"
    pdf = render_pdf(data, (), "vi", made_on=MADE_ON)
    texts, _ = pdf_pages(pdf, file_name(data, "vi"))
    assert "phạm vi: Tỉnh Bình Dương (cũ), Phường" in flat(" ".join(texts))


def test_a_chart_export_that_cannot_run_is_refused_in_words(today_data, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chrome")
    with pytest.raises(ChartExportError, match="no browser at /nonexistent/chrome"):
        render_pdf(today_data, ("online",), "vi", made_on=MADE_ON)


def test_an_unknown_page_is_refused(today_data):
    with pytest.raises(ValueError, match="unknown page"):
        render_pdf(today_data, ("scenarios",), "vi", made_on=MADE_ON)
