"""The Overview page in a real browser: headless Chromium on a tablet-sized screen.

The real app (``streamlit run app.py``) serves the demo warehouse; Playwright drives the
Debian Chromium (never a downloaded one). Each language gets a screenshot under
``artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from data_access.engine import PROJECT_ROOT
from i18n import t

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = PROJECT_ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HEADLINE_TILES = [
    "online_dossier_share",
    "satisfaction_rate",
    "public_investment_disbursement",
    "digital_economy_share_grdp",
]
SETTLE_TIMEOUT_MS = 60_000

# True once the script has finished and nothing shows it running or still to be drawn
# (Streamlit's own test ids).
APP_IS_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    const state = app.getAttribute("data-test-script-state");
    if (state === "running" || state === "rerunRequested") return false;
    return !document.querySelector(
        '[data-testid="stStatusWidget"], [data-testid="stStatusWidgetRunningIcon"], ' +
        '[data-testid="stSkeleton"]'
    );
}"""

# An error ends the wait early, so a broken page fails in seconds with its message.
TILES_OR_ERROR_DRAWN = """(codes) => {
    const error = '[data-testid="stException"], [data-testid="stAlertContentError"]';
    if (document.querySelector(error)) return true;
    return codes.every((code) => document.querySelector(`.st-key-tile-${code}`));
}"""

HORIZONTAL_EXTENTS = """() => {
    const main = document.querySelector('[data-testid="stMain"]') || document.documentElement;
    return {
        document: document.documentElement.scrollWidth,
        window: window.innerWidth,
        main: main.scrollWidth,
        main_visible: main.clientWidth,
    };
}"""


@pytest.fixture
def tablet_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 820, "height": 1180}, device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


def open_settled(page: Page, url: str) -> None:
    """Open ``url``; wait until the tiles (or an error) are drawn and the script has stopped."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stApp"]', timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(TILES_OR_ERROR_DRAWN, arg=HEADLINE_TILES, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
    # Widgets and charts load their code on first use; wait for it, then for a frame.
    page.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_draws_four_headline_tiles_on_a_tablet(
    app_server: str, tablet_page: Page, lang: str
) -> None:
    page = tablet_page
    open_settled(page, f"{app_server}/?lang={lang}")

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"overview-{lang}-820x1180.png"), full_page=True)

    errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"the page shows an error: {errors.all_inner_texts()}"
    assert "Traceback" not in page.locator("body").inner_text()

    for code in HEADLINE_TILES:
        tile = page.locator(f".st-key-tile-{code}")
        assert tile.count() == 1, f"expected one tile {code}, found {tile.count()}"
        assert tile.is_visible(), f"tile {code} is not visible"
        assert tile.inner_text().strip(), f"tile {code} is empty"

    # Streamlit's main area scrolls by itself (overflow: auto), so a too-wide element widens
    # it rather than the document: check both.
    widths = page.evaluate(HORIZONTAL_EXTENTS)
    assert widths["document"] <= widths["window"] + 1, f"the page scrolls sideways: {widths}"
    assert widths["main"] <= widths["main_visible"] + 1, f"the main area scrolls sideways: {widths}"

    assert_big_numbers_line_up(page)
    heading = page.locator("h1").first.inner_text()
    assert heading == {"vi": "Tổng quan", "en": "Overview"}[lang]
    # Screen readers pick their voice from <html lang>.
    assert page.evaluate("document.documentElement.lang") == lang
    assert (
        page.title() == {"vi": "TP.HCM – Bảng điều hành", "en": "HCMC – Leadership dashboard"}[lang]
    )


# Each tile's top and its big number's top, by tile.
TILE_TOPS = """() => [...document.querySelectorAll('.st-key-tiles [class*="st-key-tile-"]')]
    .map((tile) => ({
        tile: Math.round(tile.getBoundingClientRect().top),
        number: tile.querySelector('.ov-metric-value').getBoundingClientRect().top,
    }))"""


def assert_big_numbers_line_up(page: Page) -> None:
    """Tiles side by side have their big numbers at the same height (issue 7: the status
    pill wrapped in some tiles and not others)."""
    rows: dict[int, list[float]] = {}
    for tops in page.evaluate(TILE_TOPS):
        rows.setdefault(tops["tile"], []).append(tops["number"])
    for numbers in rows.values():
        assert max(numbers) - min(numbers) <= 1, f"big numbers at {numbers}"


@pytest.mark.parametrize("size", [(390, 844), (1366, 1024), (1920, 1080)], ids=str)
def test_overview_fits_phone_tablet_and_desktop(
    app_server: str, browser: Browser, size: tuple[int, int]
) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_settled(page, f"{app_server}/")
        page.screenshot(path=str(SCREENSHOT_DIR / f"overview-vi-{width}x{height}.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(".st-key-tile-online_dossier_share").is_visible()
        # Every size gets the glance row: four in a row, or 2 x 2 on a phone.
        glance = page.locator(".st-key-glance")
        assert glance.is_visible()
        items = page.locator(GLANCE_ITEM)
        boxes = [items.nth(i).bounding_box() for i in range(items.count())]
        assert len(boxes) == 4
        if width < 640:
            assert boxes[0]["y"] == boxes[1]["y"] and boxes[2]["y"] == boxes[3]["y"]
            assert boxes[2]["y"] + boxes[2]["height"] < height, "all four fit on the first screen"
        else:
            assert len({box["y"] for box in boxes}) == 1, "one row of four"
            assert_big_numbers_line_up(page)
        widths = page.evaluate(HORIZONTAL_EXTENTS)
        assert widths["document"] <= widths["window"] + 1, f"sideways scroll: {widths}"
        assert widths["main"] <= widths["main_visible"] + 1, f"main scrolls sideways: {widths}"
    finally:
        context.close()


def test_switching_language_changes_the_page_and_the_link(
    app_server: str, tablet_page: Page
) -> None:
    page = tablet_page
    open_settled(page, f"{app_server}/")
    assert page.locator("h1").first.inner_text() == "Tổng quan"
    page.locator(".st-key-language-bar").get_by_text("English", exact=True).click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText === 'Overview'")
    page.wait_for_function("() => window.location.search.includes('lang=en')")
    shared_link = page.url
    other = page.context.new_page()
    open_settled(other, shared_link)
    assert other.locator("h1").first.inner_text() == "Overview"
    other.close()


STATUS_WORDS = {
    "vi": ("Chậm tiến độ", "Có nguy cơ không đạt", "Chưa đủ dữ liệu để đánh giá", "Đúng tiến độ"),
    "en": ("Off track", "At risk", "Not yet assessable", "On track"),
}
"""Worst first: the glance row's order on every screen."""
RESULT_WORDS = {"vi": ("Không đạt", "Đạt"), "en": ("Missed", "Met")}
GLANCE_ITEM = '.st-key-glance [data-testid="stMarkdownContainer"] > p'
"""One glance item: a paragraph of the row's one Markdown element."""
# The glance items in document order: name, and the text of each.
GLANCE_ITEMS = f"""() => [...document.querySelectorAll('{GLANCE_ITEM}')]
    .map((item) => {{
        const box = item.getBoundingClientRect();
        const name = item.querySelector('strong');
        const nameBox = name.getBoundingClientRect();
        const badge = item.querySelector('span[style*="background-color"]');
        const badgeBox = badge ? badge.getBoundingClientRect() : null;
        return {{
            name: name.innerText,
            text: item.innerText,
            top: box.top, bottom: box.bottom, right: box.right,
            name_lines: Math.round(nameBox.height / parseFloat(getComputedStyle(name).lineHeight)),
            badge_right: badgeBox ? badgeBox.right : null,
        }};
    }})"""


def glance_items(page: Page, lang: str) -> list[dict]:
    """The glance items, each with the code of the indicator its name says."""
    codes = {t(f"glance_name_{code}", lang): code for code in HEADLINE_TILES}
    return [{**item, "code": codes[item["name"]]} for item in page.evaluate(GLANCE_ITEMS)]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", [(820, 1180), (390, 844)], ids=str)
def test_every_status_is_on_the_first_screen(
    app_server: str, browser: Browser, size: tuple[int, int], lang: str
) -> None:
    """Issue 7: at 820 x 1180 only the two green tiles were on the first screen in
    Vietnamese; the red ones needed a scroll. The glance row puts all four statuses there,
    worst first, each with its target, its name on at most two lines."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_settled(page, f"{app_server}/?lang={lang}")
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"overview-first-{lang}-{width}x{height}.png"))
        items = glance_items(page, lang)
        assert sorted(item["code"] for item in items) == sorted(HEADLINE_TILES)
        ranks = []
        for item in items:
            assert item["bottom"] <= height, f"{item['code']} is below the first screen"
            words = [w for w in STATUS_WORDS[lang] if w in item["text"]]
            assert len(words) == 1, item
            ranks.append(STATUS_WORDS[lang].index(words[0]))
            target_word = {"vi": "chỉ tiêu", "en": "target"}[lang]
            assert target_word in item["text"], f"{item['code']} shows no target"
            assert item["name_lines"] <= 2, f"{item['code']}'s name wraps to 3 lines"
        assert ranks == sorted(ranks), "not-on-track items come first"
        # The headline line sits above them.
        headline = page.locator(".st-key-headline").bounding_box()
        assert headline is not None and headline["y"] + headline["height"] <= items[0]["top"]
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_closed_years_badges_fit_on_a_phone(app_server: str, browser: Browser, lang: str) -> None:
    """Issue 7: the 2025 badges were cut off at 390 px. A closed year says met or missed."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        open_settled(page, f"{app_server}/?lang={lang}&year=2025")
        page.screenshot(path=str(SCREENSHOT_DIR / f"overview-first-{lang}-390x844-2025.png"))
        items = glance_items(page, lang)
        assert len(items) == 4
        for item in items:
            assert item["bottom"] <= 844
            assert item["badge_right"] is not None and item["badge_right"] <= item["right"]
            assert any(word in item["text"] for word in RESULT_WORDS[lang]), item
            assert not any(word in item["text"] for word in STATUS_WORDS[lang][:3]), item
        # Every badge on the page stays inside the window.
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('span[style*="background-color"]')]
                .filter((badge) => badge.getBoundingClientRect().right > window.innerWidth + 1)
                .map((badge) => badge.innerText)"""
        )
        assert overflow == []
    finally:
        context.close()


MENU_BUTTON = ".st-key-menu-bar button"
MENU_LINKS = '.st-key-nav [data-testid="stPageLink-NavLink"]'
# The element a tap at the middle of each top-bar button reaches, and whether it is that
# button or inside it (nothing of the bar covers another part of it).
TOP_BAR_REACHED = """() => [...document.querySelectorAll(
        '.st-key-menu-bar button, .st-key-filters-slot button, .st-key-lang button')]
    .map((button) => {
        const box = button.getBoundingClientRect();
        const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        return {text: button.innerText.trim(), reached: button.contains(hit),
                inside: box.left >= 0 && box.right <= window.innerWidth};
    })"""


def open_menu(page: Page) -> None:
    """Open the menu (its links are sent by the run that opening it starts) and wait until
    all of it is drawn (a widget's code, the sign-out button's, loads on first use)."""
    page.locator(MENU_BUTTON).click()
    page.locator(MENU_LINKS).first.wait_for(state="visible", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=SETTLE_TIMEOUT_MS)


@pytest.mark.parametrize("size", [(390, 844), (820, 1180), (1366, 1024)], ids=str)
def test_the_menu_opens_lists_every_page_and_a_link_followed_shuts_it(
    app_server: str, browser: Browser, size: tuple[int, int]
) -> None:
    """The menu's button sits in the top bar with the filters and the language switch, none
    covering another at any width; opened, it lists every page; a link followed opens that
    page with the menu shut (a stateful popover kept its open state across pages)."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_settled(page, f"{app_server}/?lang=vi")
        buttons = page.evaluate(TOP_BAR_REACHED)
        assert len(buttons) == 4, buttons  # menu, filters, and the switch's two options
        assert all(b["reached"] and b["inside"] for b in buttons), buttons
        # Shut, the menu has sent no link.
        assert page.locator(MENU_LINKS).count() == 0
        open_menu(page)
        links = page.locator(MENU_LINKS)
        assert links.count() == 11
        page.locator(MENU_LINKS, has_text=t("page_economy", "vi")).click()
        page.wait_for_url("**/digital-economy**", timeout=SETTLE_TIMEOUT_MS)
        page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
        assert page.locator("h1", has_text=t("page_economy", "vi")).is_visible()
        assert page.locator(MENU_LINKS).count() == 0
        assert page.locator(MENU_BUTTON).get_attribute("aria-expanded") == "false"
    finally:
        context.close()


FILTERS_BUTTON = ".st-key-filters-slot button"
FILTERS_YEAR = '[data-testid="stPopoverBody"] [data-testid="stSelectbox"]'


def test_the_filters_open_by_keyboard_stay_open_for_a_choice_and_keep_it_once_shut(
    app_server: str, browser: Browser
) -> None:
    """The filters' widgets are sent only while their popover is open (issue 12): opened by
    keyboard, the focus is on the year's box; a year chosen keeps the popover open; shut,
    the button, the page and the address say the year chosen, and so does the next page."""
    context = browser.new_context(viewport={"width": 1366, "height": 1024})
    page = context.new_page()
    try:
        open_settled(page, f"{app_server}/?lang=en")
        button = page.locator(FILTERS_BUTTON)
        assert button.inner_text().split() == ["filter_list", "Filters", "·", "2026", "expand_more"]
        assert page.locator(FILTERS_YEAR).count() == 0  # shut: nothing of it sent
        button.focus()
        page.keyboard.press("Enter")
        page.locator(FILTERS_YEAR).wait_for(state="visible", timeout=SETTLE_TIMEOUT_MS)
        page.wait_for_function(
            """() => document.activeElement.closest('[data-testid="stPopoverBody"]')
                && document.activeElement.getAttribute('aria-label') === 'Year'""",
            timeout=SETTLE_TIMEOUT_MS,
        )
        page.locator(FILTERS_YEAR).click()
        page.locator('[role="option"]', has_text="2025").first.click()
        page.wait_for_url("**year=2025**", timeout=SETTLE_TIMEOUT_MS)
        page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
        assert page.locator(FILTERS_YEAR).is_visible()  # still open for the next choice
        shown = page.locator(FILTERS_YEAR).evaluate(
            "(box) => box.innerText + [...box.querySelectorAll('input')].map((i) => i.value)"
        )
        assert "2025" in shown, shown
        page.keyboard.press("Escape")
        page.wait_for_function(
            f"""() => document.querySelector('{FILTERS_BUTTON}').innerText.includes('2025')""",
            timeout=SETTLE_TIMEOUT_MS,
        )
        page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
        assert page.locator(FILTERS_YEAR).count() == 0
        assert page.locator("h1", has_text="Overview").is_visible()
        assert page.get_by_text("Result for 2025").first.is_visible()
        open_menu(page)
        page.locator(MENU_LINKS, has_text=t("page_economy", "en")).click()
        page.wait_for_url("**/digital-economy**", timeout=SETTLE_TIMEOUT_MS)
        page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)
        assert "year=2025" in page.url
        assert "2025" in page.locator(FILTERS_BUTTON).inner_text()
    finally:
        context.close()
