"""The browser every browser test drives: Debian's Chromium, headless, one per test module
(never a downloaded one); and axe-core, for the accessibility checks of two test files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, sync_playwright

from tests.browser.test_overview_browser import CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core as bundled by the pinned ``axe-playwright-python`` (injected, not downloaded)."""
    return Axe()
