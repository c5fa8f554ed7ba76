"""Meeting mode and the briefing for a ward-scoped account, signed in through the real
``st.login`` flow (issue 13, item 2: "on every page, download, briefing and in meeting mode").

Meeting mode's "units needing attention" slides and the briefing PDF both list units. A
ward-scoped account must find its own unit there and no other ward's or commune's name. The
same steps as a city-wide viewer do name other units: the check can see a leak.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.app.test_unit_scope_app import _names, _others_shown
from tests.browser.test_overview_browser import SETTLE_TIMEOUT_MS
from tests.browser.test_sign_in_browser import (  # noqa: F401 (fixtures)
    _open_tab,
    _settle,
    _sign_in,
    page,
    provider,
    provider_switch,
    sign_in_folder,
    sign_in_warehouse,
    signed_in_server,
)
from tests.conftest import _skip_or_fail

pytestmark = pytest.mark.browser


def _meeting_units_text(signed_in: Page, base_url: str) -> str:
    """Meeting mode on its "units needing attention" section only; the slide's text."""
    tab = _open_tab(signed_in, f"{base_url}/meeting?agenda=units&year=2026&interval=300")
    tab.wait_for_function(
        "() => document.body.innerText.includes('Đơn vị cần chú ý')", timeout=SETTLE_TIMEOUT_MS
    )
    return tab.locator("body").inner_text()


def _briefing_pdf_text(signed_in: Page, base_url: str, folder: Path) -> str:
    """The briefing made and downloaded in the browser; its text (pdftotext)."""
    if shutil.which("pdftotext") is None:
        _skip_or_fail("pdftotext is missing (poppler-utils)", "DASHBOARD_REQUIRE_BROWSER")
    tab = _open_tab(signed_in, f"{base_url}/briefing?year=2026")
    tab.get_by_role("button", name="Tạo báo cáo").click()
    button = tab.locator('[class*="st-key-briefing-download"] button').first
    button.wait_for(state="attached", timeout=4 * SETTLE_TIMEOUT_MS)
    with tab.expect_download(timeout=SETTLE_TIMEOUT_MS) as info:
        button.dispatch_event("click")
    pdf = folder / "briefing.pdf"
    info.value.save_as(pdf)
    subprocess.run(["pdftotext", "-layout", str(pdf), str(folder / "briefing.txt")], check=True)
    return (folder / "briefing.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("sub", ["phuong", "xem"], ids=["ward-scoped", "city-wide"])
def test_meeting_mode_and_the_briefing_show_a_scoped_account_only_its_unit(
    signed_in_server: str,  # noqa: F811
    demo_warehouse_url: str,
    page: Page,  # noqa: F811
    tmp_path: Path,
    sub: str,
) -> None:
    names = _names(demo_warehouse_url)  # independent SQL: every ward's and commune's names
    _sign_in(page, signed_in_server, sub)
    slide = _meeting_units_text(page, signed_in_server)
    assert "Traceback" not in slide
    briefing = _briefing_pdf_text(page, signed_in_server, tmp_path)
    if sub == "phuong":
        assert _others_shown(slide, names) == []
        assert _others_shown(briefing, names) == []
    else:
        # A city-wide viewer is shown other units on both: the same reading finds them.
        assert _others_shown(slide, names), slide[:2000]
        assert _others_shown(briefing, names), briefing[:2000]
