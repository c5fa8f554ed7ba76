"""A link's values drawn in a real browser stay text (issue 7, finding 10).

Regression: ``?province=[Bấm vào đây](https://evil.example)`` drew a live link inside the
warning, although the Markdown was backslash-escaped: Streamlit's renderer links any
``https://…`` it finds in the rendered text. One page load carries every case, each in
another parameter; the per-parameter cases are in ``tests/app/test_url_escaping_app.py``.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser

from tests.browser.test_overview_browser import open_settled

pytestmark = pytest.mark.browser

PAYLOADS = {
    "province": "[Bấm vào đây](https://evil.example)",
    "type": "![ảnh](https://evil.example/a.png)",
    "year": "<b>đậm</b><img src=x onerror=alert(1)>",
    "lang": "26737\u202egnp.exe",
    "unit": "www.evil.example và a@evil.example",
    "procedure": "[x](https://evil.example)" * 400,
    "as_of": "<a href='https://evil.example'>2026-10-10</a>",
}


def test_no_value_from_the_address_becomes_a_link_an_image_or_markup(
    app_server: str, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 1024})
    try:
        page = context.new_page()
        open_settled(page, f"{app_server}/?{urlencode(PAYLOADS)}")
        main = page.locator('[data-testid="stMain"]')
        hrefs = [a.get_attribute("href") or "" for a in main.locator("a").all()]
        assert not [h for h in hrefs if "evil" in h], hrefs
        alerts = page.locator('[data-testid="stAlert"]')
        text = "\n".join(alerts.all_inner_texts())
        assert alerts.locator("img, b, script").count() == 0
        assert "\u202e" not in page.locator("body").inner_text()
        # Each value is shown as typed (cleaned, cut short), and each parameter named.
        assert "[Bấm vào đây](https://evil.example)" in text
        assert "<b>đậm</b>" in text
        assert "26737gnp.exe" in text
        for key in PAYLOADS:
            assert f"{key} =" in text, key
        assert len(text) < 4_000
    finally:
        context.close()
