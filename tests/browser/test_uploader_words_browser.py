"""Streamlit's file uploader speaks the page's language (Data page and the scenario lever
file).

Regression: on Vietnamese pages the uploader's button said "Upload" and its line "20MB per
file • CSV, XLSX", Streamlit's own English with no parameter to change it
(``app_pages._ui.uploader_words`` draws our words in their place). The expected words are
written out here, not read from the catalogue.
"""

from __future__ import annotations

from pathlib import Path
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


REFUSED_SHOWN = """(zone) => {
    const chips = zone.querySelector("[data-testid='stFileChips']");
    const style = getComputedStyle(chips, "::after");
    return {text: style.content.replace(/^"|"$/g, ""), display: style.display};
}"""


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "vi",
            "Không nhận được tệp này. Định dạng nhận: CSV, XLSX; tối đa 20 MB. Bấm ✕ để bỏ tệp,"
            " rồi chọn tệp khác.",
        ),
        (
            "en",
            "This file was not taken. Formats taken: CSV, XLSX; up to 20 MB. Press ✕ to remove"
            " it, then choose another file.",
        ),
    ],
)
def test_a_file_over_the_limit_is_refused_in_the_page_language(
    app_server: str, browser: Browser, tmp_path: Path, lang: str, words: str
) -> None:
    """Regression: a 21 MB file became a red chip whose only words were Streamlit's
    "File must be 20.0MB or smaller." in a hover tooltip (none on a tablet)."""
    big = tmp_path / "big.csv"
    big.write_bytes(b"unit_code,period\n" + b"x" * (21 * 1024 * 1024))
    context = browser.new_context(viewport={"width": 820, "height": 1180})
    try:
        page = context.new_page()
        page.goto(f"{app_server}/data?lang={lang}", wait_until="domcontentloaded")
        scope = page.locator('[class*="st-key-data-upload-"]').first
        field = scope.locator('input[type="file"]').first
        field.wait_for(state="attached", timeout=SETTLE_TIMEOUT_MS)
        field.set_input_files(str(big))
        scope.locator('[data-testid="stFileChip"][aria-invalid]').wait_for(
            timeout=SETTLE_TIMEOUT_MS
        )
        shown = scope.locator(DROPZONE).first.evaluate(REFUSED_SHOWN)
    finally:
        context.close()
    assert shown == {"text": words, "display": "block"}
