"""The indicator pages and the scorecard in a real browser (headless Chromium): at phone, tablet
and desktop sizes each draws its charts and, where it has one, the map — with every request to
anywhere but the app refused, so the map must draw offline — and shows no error; a point on
the map opens that unit's scorecard. The map is mounted only once its expander is opened.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.test_overview_browser import (
    APP_IS_IDLE,
    HORIZONTAL_EXTENTS,
    SCREENSHOT_DIR,
    SETTLE_TIMEOUT_MS,
)

pytestmark = pytest.mark.browser

SIZES = [(390, 844), (820, 1180), (1366, 1024)]
# path, charts at least, has a map
PAGES = {
    "online-services": (4, True),
    "satisfaction": (4, True),
    "disbursement": (3, True),
    "digital-economy": (4, False),
    "unit?unit=26737": (2, False),
}
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
MAP = '[data-testid="stDeckGlJsonChart"]'
DRAWN = """(charts) => {
    if (document.querySelector('[data-testid="stException"]')) return true;
    // A chart: plotly's, once drawn, or one drawn as SVG on the server (charts.figure_svg).
    return document.querySelectorAll('.js-plotly-plot .main-svg, .fig-svg .fig-svg-plot')
        .length >= charts;
}"""


def _offline(page: Page, base_url: str) -> list[str]:
    """Refuse every request that does not go to the app; return the refused addresses."""
    refused: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if url.startswith((base_url, "data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", handle)
    return refused


def _open(page: Page, url: str, charts: int) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stApp"]', timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(DRAWN, arg=charts, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # deck.gl draws on the next animation frames


def _open_map(page: Page) -> None:
    """Open the map's expander (the map is built and mounted only once opened) and wait
    until the rerun has drawn it."""
    page.locator('[data-testid="stExpander"] summary', has_text="Bản đồ").first.click()
    page.wait_for_selector(MAP, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # deck.gl draws on the next animation frames


def _coloured_pixels(image: Image.Image) -> int:
    """Pixels clearly not white or grey (the status colours of the points)."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > 60).sum())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("path", list(PAGES))
def test_the_page_draws_its_charts_and_map_offline(
    app_server: str, browser: Browser, path: str, size: tuple[int, int]
) -> None:
    charts, has_map = PAGES[path]
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    refused = _offline(page, app_server)
    try:
        _open(page, f"{app_server}/{path}", charts)
        errors = page.locator(ERRORS)
        assert errors.count() == 0, errors.all_inner_texts()
        assert "Traceback" not in page.locator("body").inner_text()
        assert page.locator(".js-plotly-plot, .fig-svg").count() >= charts
        widths = page.evaluate(HORIZONTAL_EXTENTS)
        assert widths["document"] <= widths["window"] + 1, widths
        # Streamlit's main area scrolls by itself: a too-wide element (the map legend on a
        # phone, once) widens it without widening the document.
        assert widths["main"] <= widths["main_visible"] + 1, widths
        if has_map:
            assert page.locator(MAP).count() == 0, "the map is mounted before it is opened"
            _open_map(page)
            deck = page.locator(MAP).first
            deck.scroll_into_view_if_needed()
            page.wait_for_timeout(1500)
            assert deck.locator("canvas").count() >= 1
            shot = Image.open(io.BytesIO(deck.screenshot()))
            # 168 points in their status colours, drawn with no tile server to reach.
            assert _coloured_pixels(shot) > 400, "the map's points were not drawn"
            widths = page.evaluate(HORIZONTAL_EXTENTS)  # the legend wraps on a phone
            assert widths["main"] <= widths["main_visible"] + 1, widths
        name = path.split("?")[0]
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{size[0]}x{size[1]}.png"))
        # Nothing the pages draw needs the internet (the tab's icon is Streamlit's own
        # page-config icon, fetched from Google's font service, and is left aside here).
        outside = [u for u in refused if "materialsymbolsrounded" not in u]
        assert outside == [], outside
    finally:
        context.close()


def _point_centres(shot: Image.Image) -> list[tuple[int, int]]:
    """Pixels in the middle of a clearly coloured dot (every pixel 3 px around it is
    coloured too), nearest the map's centre first, at least 12 px apart."""
    width, height = shot.size
    pixels = shot.load()

    def coloured(x: int, y: int) -> bool:
        r, g, b = pixels[x, y]
        return max(r, g, b) - min(r, g, b) > 80

    found: list[tuple[int, int]] = []
    for y in range(4, height - 4, 2):
        for x in range(4, width - 4, 2):
            if all(coloured(x + dx, y + dy) for dx in (-3, 0, 3) for dy in (-3, 0, 3)):
                found.append((x, y))
    found.sort(key=lambda p: (p[0] - width / 2) ** 2 + (p[1] - height / 2) ** 2)
    apart: list[tuple[int, int]] = []
    for point in found:
        if all(abs(point[0] - q[0]) + abs(point[1] - q[1]) >= 12 for q in apart):
            apart.append(point)
    return apart


def test_a_point_on_the_map_opens_the_units_scorecard(app_server: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 1024})
    page = context.new_page()
    _offline(page, app_server)
    try:
        _open(page, f"{app_server}/online-services", 4)
        _open_map(page)
        deck = page.locator(MAP).first
        deck.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        box = deck.bounding_box()
        assert box is not None
        shot = Image.open(io.BytesIO(deck.screenshot())).convert("RGB")
        candidates = _point_centres(shot)
        assert candidates, "no point found on the map"
        # deck.gl picks on the pixel under the pointer; a click that lands on a point's
        # anti-aliased rim (or before picking is ready) selects nothing, so the test tries
        # a few dots' centres, nearest the map's middle first, before calling it a failure.
        opened = False
        for x, y in candidates[:6]:
            page.mouse.click(box["x"] + x, box["y"] + y)
            try:
                page.wait_for_function(
                    "() => window.location.pathname.endsWith('/unit') "
                    "&& window.location.search.includes('unit=')",
                    timeout=15_000,
                )
            except PlaywrightTimeoutError:
                continue
            opened = True
            break
        assert opened, f"no click on {candidates[:6]} opened a unit's scorecard"
        page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
        assert page.locator("h1").first.inner_text() == "Đơn vị"
        unit_link = page.url
        other = context.new_page()
        _open(other, unit_link, 2)
        assert other.locator("h3").first.inner_text() == page.locator("h3").first.inner_text()
    finally:
        context.close()
