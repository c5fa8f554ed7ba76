"""Every page of the menu in a real browser (headless Chromium), at a phone, two tablets and
a desktop, in Vietnamese and English: no error, nothing wider than the screen, the page's
language set, every chart with its text alternative; a full-page screenshot of each is kept
under ``artifacts/screenshots/pages/`` to be looked at.

The pages come from :data:`app_pages._navigation.NAVIGATION`, the table the app's menu is
built from, so a page added to the menu is tested here at once.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from app_pages._navigation import NAVIGATION
from tests.browser.test_overview_browser import (
    APP_IS_IDLE,
    HORIZONTAL_EXTENTS,
    SCREENSHOT_DIR,
)

pytestmark = pytest.mark.browser

SIZES = [(390, 844), (820, 1180), (1366, 1024), (1920, 1080)]
LANGS = ["vi", "en"]
# Pages that need a parameter to show what they are for: a unit's scorecard needs a unit;
# meeting mode must not move to its next slide while it is being looked at.
PARAMETERS = {"unit": "unit=26737", "meeting": "interval=600"}
PAGES = [url for _section, entries in NAVIGATION for _path, _title, _icon, url in entries]
SETTLE_TIMEOUT_MS = 180_000
"""A page's first visit computes its figures (cold caches), on a 2-core machine shared
with the other test worker: generous, since a page that never settles fails anyway."""
DEFAULT_PAGE = "overview"
"""Served at the root address (Streamlit's default page has no path of its own)."""
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
# The page has its title, the script has stopped, and every chart has drawn its SVG.
SETTLED = """() => {
    if (document.querySelector('[data-testid="stException"]')) return true;
    if (!document.querySelector('[data-testid="stMain"] h1, [data-testid="stMain"] h2'))
        return false;
    return [...document.querySelectorAll('.stPlotlyChart')]
        .every((chart) => chart.querySelector('.main-svg'));
}"""
MAIN_HEIGHT = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return main ? main.scrollHeight : document.documentElement.scrollHeight;
}"""
# Page links in the main area with text cut off: some part of the link clips its text
# (scrolls inside itself, as an ellipsis does) or runs past the main area's edge.
CUT_LINKS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const edge = main.getBoundingClientRect().right;
    return [...main.querySelectorAll('[data-testid="stPageLink-NavLink"]')]
        .filter((link) => [link, ...link.querySelectorAll('*')].some((part) =>
            part instanceof HTMLElement && part.clientWidth > 0
            && (part.scrollWidth > part.clientWidth + 1
                || part.getBoundingClientRect().right > edge + 1)))
        .map((link) => link.innerText);
}"""
# Each chart, and the text read out in its place (charts.common.describe_figure).
CHART_TEXTS = """() => [...document.querySelectorAll('.stPlotlyChart')].map((chart) => {
    const alt = '[class*="st-key-alt-"]';
    const next = (chart.closest('.stElementContainer') || chart).nextElementSibling;
    const found = next && (next.matches(alt) ? next : next.querySelector(alt));
    return found ? found.innerText : null;
})"""


def page_url(base_url: str, path: str, lang: str) -> str:
    extra = PARAMETERS.get(path)
    address = "" if path == DEFAULT_PAGE else path
    return f"{base_url}/{address}?lang={lang}" + (f"&{extra}" if extra else "")


def open_page(page: Page, url: str) -> None:
    """Open ``url`` and wait until it is drawn and its script has stopped."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stApp"]', timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=SETTLE_TIMEOUT_MS)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_every_screen(
    app_server: str, browser: Browser, path: str, lang: str, size: tuple[int, int]
) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_page(page, page_url(app_server, path, lang))
        errors = page.locator(ERRORS)
        assert errors.count() == 0, errors.all_inner_texts()
        assert "Traceback" not in page.locator("body").inner_text()
        assert page.evaluate("document.documentElement.lang") == lang
        widths = page.evaluate(HORIZONTAL_EXTENTS)
        assert widths["document"] <= widths["window"] + 1, f"the page scrolls sideways: {widths}"
        # Streamlit's main area scrolls by itself: a too-wide element widens it, not the page.
        assert widths["main"] <= widths["main_visible"] + 1, f"the main area scrolls: {widths}"
        # A page link's label wraps: nothing of it is cut off at the screen's edge.
        assert page.evaluate(CUT_LINKS) == []
        # Every chart is followed by its text alternative, which says at least one figure.
        texts = page.evaluate(CHART_TEXTS)
        assert all(text and any(c.isdigit() for c in text) for text in texts), texts
        # The whole page in one picture: Streamlit scrolls inside its main area, so the window
        # is grown to the main area's height (capped: a screenshot, not a poster).
        full = min(max(height, int(page.evaluate(MAIN_HEIGHT))), 12_000)
        page.set_viewport_size({"width": width, "height": full})
        page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
        page.wait_for_timeout(300)
        widths = page.evaluate(HORIZONTAL_EXTENTS)
        assert widths["main"] <= widths["main_visible"] + 1, f"the main area scrolls: {widths}"
        folder = SCREENSHOT_DIR / "pages"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{path}-{lang}-{width}x{height}.png"))
    finally:
        context.close()


# Metric labels and comparisons outside the Overview's tiles (which keep one line by design)
# whose text is clipped: it scrolls inside its box, as an ellipsis does.
CUT_METRICS = """() => [...document.querySelectorAll(
        '[data-testid="stMetricLabel"], [data-testid="stMetricDeltaDescription"]')]
    .filter((box) => !box.closest('.st-key-tiles'))
    .filter((box) => [box, ...box.querySelectorAll('*')].some((part) =>
        part instanceof HTMLElement && part.clientWidth > 0
        && part.scrollWidth > part.clientWidth + 1))
    .map((box) => box.innerText)"""


def test_metric_labels_wrap_on_a_tablet(app_server: str, browser: Browser) -> None:
    """Regression: at 820×1180 the Digital economy page's four metrics ended their labels
    in "…" ("Năm 2026, ước tính 3 q…", "GRDP năm 2025 (nghìn …") and their comparisons too."""
    context = browser.new_context(viewport={"width": 820, "height": 1180})
    page = context.new_page()
    try:
        open_page(page, page_url(app_server, "digital-economy", "vi"))
        assert page.locator('[data-testid="stMetricLabel"]').count() >= 4
        assert page.evaluate(CUT_METRICS) == []
    finally:
        context.close()
