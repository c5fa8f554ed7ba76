"""Accessibility in a real browser (headless Chromium): axe-core's WCAG 2.1 A and AA rules on
the menu itself, the keyboard, and statuses said in words, not colour alone. The same rules
on every page of the menu (contrast included), at 1366×1024 in both languages and at a phone
in Vietnamese, are run by ``test_every_page_browser.py`` on its visit of each page (the page
loaded once for all its checks at a size, not once more here).

axe-core is the one bundled by the pinned ``axe-playwright-python`` package: it is injected
into the page from the package, nothing is downloaded.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from i18n import t
from metrics.status import Status
from tests.browser.test_every_page_browser import PAGES, open_page, page_url, violations
from tests.browser.test_overview_browser import HEADLINE_TILES, MENU_LINKS, open_menu

pytestmark = pytest.mark.browser


def _page(browser: Browser, width: int, height: int) -> tuple[Any, Page]:
    context = browser.new_context(viewport={"width": width, "height": height})
    return context, context.new_page()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_menu_passes_axe_and_names_every_page(
    app_server: str, browser: Browser, axe: Axe, lang: str
) -> None:
    """The menu opened: a list of links (Streamlit's own menu put its section headings as
    <div>s straight inside <ul>, which axe refuses); its button is named in words."""
    context, page = _page(browser, 1366, 1024)
    try:
        open_page(page, page_url(app_server, "overview", lang))
        assert page.get_by_role("button", name=t("menu_button", lang)).is_visible()
        open_menu(page)
        links = page.locator(MENU_LINKS)
        assert links.count() == len(PAGES)
        assert t("page_overview", lang) in links.first.inner_text()
        assert violations(axe, page, context='[data-testid="stPopoverBody"]') == []
    finally:
        context.close()


def _focus_path(page: Page, presses: int) -> list[str]:
    """What the keyboard's focus lands on, Tab after Tab: each element's text or label."""
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                """() => {
                    const e = document.activeElement;
                    return (e.getAttribute('aria-label') || e.innerText || e.getAttribute(
                        'data-testid') || e.tagName).trim().slice(0, 80);
                }"""
            )
        )
    return seen


def test_the_language_switch_and_the_menu_are_reached_and_used_by_keyboard(
    app_server: str, browser: Browser
) -> None:
    context, page = _page(browser, 1366, 1024)
    try:
        open_page(page, page_url(app_server, "overview", "vi"))
        # Tab until the language switch has the focus: on the way, the skip link and the
        # menu's button (the top bar's first button). The switch is one group
        # (a segmented control): Tab lands on its chosen option, "Tiếng Việt", and the arrow
        # keys move between its options, as in any radio group.
        path: list[str] = []
        while "Tiếng Việt" not in path and len(path) < 200:
            path += _focus_path(page, 1)
        assert path[-1] == "Tiếng Việt", path
        # Streamlit's skip link, the first stop, speaks the page's language (it said "Skip to
        # main content" on Vietnamese pages before).
        assert any(step.endswith(t("skip_to_content", "vi")) for step in path), path
        assert not any("Skip to main content" in step for step in path), path
        # The menu's button (its icon's name, then its word) is on the way.
        assert ["menu", *t("menu_button", "vi").split(), "expand_more"] in [
            step.split() for step in path
        ], path
        page.keyboard.press("ArrowRight")
        focused = page.evaluate("() => document.activeElement.innerText.trim()")
        assert focused == "English", focused
        page.keyboard.press("Enter")
        page.wait_for_function("document.documentElement.lang === 'en'", timeout=60_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('h1')].some((h) => h.innerText === 'Overview')",
            timeout=60_000,
        )
        page.wait_for_function(
            """() => document.querySelector('[data-testid="stSkipToContent"]')
                .textContent === 'Skip to main content'""",
            timeout=60_000,
        )
    finally:
        context.close()


FOCUS_ON_MENU_BUTTON = "() => document.activeElement.matches('.st-key-menu-bar button')"


def test_the_menu_opens_and_its_links_are_reached_by_keyboard(
    app_server: str, browser: Browser
) -> None:
    context, page = _page(browser, 1366, 1024)
    try:
        open_page(page, page_url(app_server, "overview", "en"))
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate(FOCUS_ON_MENU_BUTTON):
                break
        else:
            pytest.fail("the menu's button is not reached by keyboard")
        words = page.evaluate("() => document.activeElement.innerText").split()
        assert words == ["menu", t("menu_button", "en"), "expand_more"], words  # icon names
        page.keyboard.press("Enter")
        page.locator(MENU_LINKS).first.wait_for(state="visible", timeout=60_000)
        steps = _focus_path(page, 4)
        assert any(t("page_online", "en") in step for step in steps), steps
    finally:
        context.close()


def test_meeting_mode_moves_on_by_keyboard(app_server: str, browser: Browser) -> None:
    context, page = _page(browser, 820, 1180)
    try:
        open_page(page, page_url(app_server, "meeting", "en"))
        counter = page.locator("strong", has_text=re.compile(r"^Slide \d+ of \d+$"))
        assert counter.first.inner_text().startswith("Slide 1 of")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.innerText").strip().endswith("Next"):
                break
        else:
            pytest.fail("the Next button is not reached by keyboard")
        page.keyboard.press("Enter")
        page.wait_for_function(
            """() => [...document.querySelectorAll('strong')]
                .some((s) => s.innerText.startsWith('Slide 2 of'))""",
            timeout=60_000,
        )
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_tile_says_its_status_in_words(app_server: str, browser: Browser, lang: str) -> None:
    """Colour is never the only sign: each tile's badge holds the status's word, and its
    icon beside it (hidden from screen readers, which read the word)."""
    words = {t(f"status_{status.value}", lang) for status in Status}
    context, page = _page(browser, 1366, 1024)
    try:
        open_page(page, page_url(app_server, "overview", lang))
        for code in HEADLINE_TILES:
            badge = page.locator(f".st-key-tile-{code} .ov-badge").first
            words_shown = badge.evaluate(
                "(b) => [...b.childNodes].filter((n) => n.nodeType === 3)"
                ".map((n) => n.textContent).join('')"
            )
            assert words_shown in words, (code, words_shown)
            assert badge.locator('.ov-icon[aria-hidden="true"]').count() == 1, code
    finally:
        context.close()
