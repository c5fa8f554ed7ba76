"""Streamlit's file uploader speaks the page's language (Data page and the scenario lever
file).

Regression: on Vietnamese pages the uploader's button said "Upload" and its line "20MB per
file • CSV, XLSX", Streamlit's own English with no parameter to change it
(``app_pages._ui.uploader_words`` draws our words in their place). The expected words are
written out here, not read from the catalogue.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.test_overview_browser import SETTLE_TIMEOUT_MS

pytestmark = pytest.mark.browser

DROPZONE = '[data-testid="stFileUploaderDropzone"]'
WORDS_SHOWN = """(zone) => {
    const button = zone.querySelector("button [data-testid='stMarkdownContainer'] p");
    const line = zone.querySelector("[data-testid='stFileUploaderDropzoneInstructions'] span");
    const after = (el) => getComputedStyle(el, "::after").content.replace(/^"|"$/g, "");
    return {
        button: after(button),
        line: after(line),
        streamlit_sizes: [getComputedStyle(button).fontSize, getComputedStyle(line).fontSize],
        after_sizes: [getComputedStyle(button, "::after").fontSize,
                      getComputedStyle(line, "::after").fontSize],
    };
}"""


def _words(page: Page, url: str, uploader_key: str) -> dict[str, Any]:
    page.goto(url, wait_until="domcontentloaded")
    zone = page.locator(f'[class*="st-key-{uploader_key}"] {DROPZONE}').first
    zone.wait_for(state="attached", timeout=SETTLE_TIMEOUT_MS)
    shown: dict[str, Any] = zone.evaluate(WORDS_SHOWN)
    return shown


@pytest.mark.parametrize(
    ("path", "key", "button", "line"),
    [
        ("data?lang=vi", "data-upload-", "Chọn tệp", "Tối đa 20 MB mỗi tệp • CSV, XLSX"),
        ("data?lang=en", "data-upload-", "Choose file", "Up to 20 MB a file • CSV, XLSX"),
        ("scenarios?lang=vi", "scn_file", "Chọn tệp", "Tối đa 1 MB mỗi tệp • CSV"),
    ],
)
def test_the_uploader_says_its_words_in_the_page_language(
    app_server: str, browser: Browser, path: str, key: str, button: str, line: str
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 1024})
    try:
        shown = _words(context.new_page(), f"{app_server}/{path}", key)
    finally:
        context.close()
    assert shown["button"] == button
    assert shown["line"] == line
    # Streamlit's English words take no room; ours are drawn at its size.
    assert shown["streamlit_sizes"] == ["0px", "0px"]
    assert shown["after_sizes"] == ["14px", "14px"]
