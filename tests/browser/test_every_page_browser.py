"""Every page of the menu in a real browser (headless Chromium), at a phone, two tablets and
a desktop, in Vietnamese and English: no error, nothing wider than the screen, the page's
language set, every chart with its text alternative, and axe-core's WCAG 2.1 A and AA rules
(contrast included) at 1366×1024 in both languages and at the phone in Vietnamese; a
full-page screenshot of each is kept under ``artifacts/screenshots/pages/`` to be looked at.

The pages come from :data:`app_pages._navigation.NAVIGATION`, the table the app's menu is
built from, so a page added to the menu is tested here at once.

Loading a page is most of a check's time (the server runs the script, the browser draws),
so a page is not loaded once per size: each page and language is loaded twice (a test per
visit, :data:`VISITS`), at the phone, and at 820×1180, then resized to 1366×1024 and
1920×1080. Resized, a page measured as when loaded at that size (the widths, cut links,
chart texts and metric labels; grown from 820×1180 on every page, shrunk from 1920×1080 on
five, in Vietnamese; the menu stays shut). But a Plotly
chart redrawn *smaller* can lay out differently from one first drawn at that size (the
Digital economy chart at 390 px gained a "2029" tick, its note moved at 820 px; Disbursement's
pictures differed too), so the phone and 820×1180 are loads of their own, and a visit only
grows: its pictures are those of a fresh load, to a few pixels at box corners, as two loads
differ. A failed check names the page,
language and size; the visit goes on to its other checks and sizes and reports them all.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from app_pages._navigation import NAVIGATION
from i18n import t
from tests.browser.test_overview_browser import (
    APP_IS_IDLE,
    HORIZONTAL_EXTENTS,
    SCREENSHOT_DIR,
)

pytestmark = pytest.mark.browser

PHONE, TABLET, LARGE_TABLET, DESKTOP = SIZES = [(390, 844), (820, 1180), (1366, 1024), (1920, 1080)]
LANGS = ["vi", "en"]
VISITS = [(PHONE,), (TABLET, LARGE_TABLET, DESKTOP)]
"""The sizes seen on each load of a page, in order: loaded at the first, resized to the others
(smaller to larger; see the module's docstring for why these and not one load for all)."""
AXE_AT = {LARGE_TABLET: LANGS, PHONE: ["vi"]}
"""Where axe-core's WCAG 2.1 A and AA rules are run, and in which languages."""
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
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
# Each chart (plotly's, or drawn as SVG on the server: charts.figure_svg), and the text read
# out in its place (charts.common.describe_figure).
CHART_TEXTS = """() => [...document.querySelectorAll('.stPlotlyChart, .fig-svg')].map((chart) => {
    const alt = '[class*="st-key-alt-"]';
    const next = (chart.closest('.stElementContainer') || chart).nextElementSibling;
    const found = next && (next.matches(alt) ? next : next.querySelector(alt));
    return found ? found.innerText : null;
})"""


# Every chart's SVG as wide as its box: after a resize, Plotly has redrawn it at the new width.
CHARTS_FIT_THEIR_BOXES = """() => [...document.querySelectorAll('.stPlotlyChart')]
    .every((chart) => {
        const svg = chart.querySelector('.main-svg');
        return svg && Math.abs(svg.getBoundingClientRect().width
            - chart.getBoundingClientRect().width) <= 2;
    })"""


def size_ids(sizes: tuple[tuple[int, int], ...]) -> str:
    return "+".join(f"{width}x{height}" for width, height in sizes)


def violations(axe: Axe, page: Page, context: Any = None) -> list[str]:
    """Each WCAG A/AA violation axe finds, as ``rule: help — the first elements``."""
    results = axe.run(page, context=context, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]


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


def show_at(page: Page, size: tuple[int, int]) -> None:
    """Resize the window of a loaded page to ``size`` and wait until it is drawn again: the
    script has stopped and every chart has redrawn its SVG at its box's new width."""
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(CHARTS_FIT_THEIR_BOXES, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_timeout(300)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")


def check_axe(page: Page, axe: Axe) -> None:
    found = violations(axe, page)
    assert found == [], "axe: " + " | ".join(found)


def check_screen(page: Page, path: str, lang: str, size: tuple[int, int]) -> None:
    """The layout checks of one page in one language at one size, then its screenshot."""
    width, height = size
    errors = page.locator(ERRORS)
    assert errors.count() == 0, errors.all_inner_texts()
    assert "Traceback" not in page.locator("body").inner_text()
    assert page.evaluate("document.documentElement.lang") == lang
    # The keyboard's first stop, Streamlit's skip link, in the page's language too.
    skip = page.evaluate(
        "document.querySelector('[data-testid=\"stSkipToContent\"]')?.textContent ?? null"
    )
    assert skip == t("skip_to_content", lang), skip
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


@pytest.mark.parametrize("sizes", VISITS, ids=size_ids)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_every_screen(
    app_server: str,
    browser: Browser,
    axe: Axe,
    path: str,
    lang: str,
    sizes: tuple[tuple[int, int], ...],
) -> None:
    """One load of the page, at the visit's first size, then each of its other sizes in turn."""
    width, height = sizes[0]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    failures = []
    try:
        open_page(page, page_url(app_server, path, lang))
        for size in sizes:
            if size != sizes[0]:
                show_at(page, size)
            where = f"{path}, {lang}, {size[0]}x{size[1]}"
            # axe first, at the size itself (the screenshot then grows the window); a failure
            # of one does not hide the other's.
            if lang in AXE_AT.get(size, ()):
                try:
                    check_axe(page, axe)
                except AssertionError as error:
                    failures.append(f"{where}: {error}")
            try:
                check_screen(page, path, lang, size)
            except AssertionError as error:
                failures.append(f"{where}: {error}")
    finally:
        context.close()
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


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
