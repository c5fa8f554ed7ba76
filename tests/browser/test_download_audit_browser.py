"""A download of unit detail goes into the audit log (issue 13, item 3): in the real app,
Chromium clicks the unit scorecard's CSV button, gets the file, and the warehouse's audit
log holds exactly one ``download`` entry naming the local user and that file.

The app serves a private copy of the demo warehouse (a download writes to it).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.test_overview_browser import APP_IS_IDLE, SETTLE_TIMEOUT_MS
from tests.conftest import serve_app
from tests.ingest.warehouse import copy_sqlite, current

pytestmark = pytest.mark.browser

DOWNLOADS = (
    "SELECT actor, actor_roles, action, object_type, object_id, outcome FROM audit_log "
    "WHERE action = 'download' ORDER BY audit_id"
)


@pytest.fixture(scope="module")
def warehouse(demo_warehouse_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("download-audit")
    return copy_sqlite(demo_warehouse_url, str(folder / "warehouse.sqlite"))


@pytest.fixture(scope="module")
def server(warehouse: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("download-audit-server")
    with serve_app(warehouse, folder / "streamlit.log") as (base_url, _process):
        yield base_url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def test_a_unit_scorecard_download_is_audited(server: str, warehouse: str, page: Page) -> None:
    assert current(warehouse, DOWNLOADS) == []
    page.goto(f"{server}/unit?year=2026&unit=26737", wait_until="domcontentloaded")
    page.wait_for_selector(".st-key-csv-unit-scorecard button", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)

    with page.expect_download(timeout=SETTLE_TIMEOUT_MS) as download:
        page.locator(".st-key-csv-unit-scorecard button").click()
    file_name = download.value.suggested_filename
    page.wait_for_function(APP_IS_IDLE, timeout=SETTLE_TIMEOUT_MS)

    assert file_name.endswith(".csv")
    # The click's rerun (which writes the entry) may start after the page looked idle: wait
    # for it up to 30 s (a fresh-clone run on a loaded machine read the table too early).
    deadline = time.monotonic() + 30
    while not current(warehouse, DOWNLOADS) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert current(warehouse, DOWNLOADS) == [
        ("local", "admin,analyst,data_steward,viewer", "download", "file", file_name, "ok")
    ]
