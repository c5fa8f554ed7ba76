"""The PostgreSQL server itself stops mid-session, in a real browser, and starts again.

The test starts its own PostgreSQL server on a spare port (``tests/postgres/own_server.py``),
builds the demo warehouse in it and serves the app from it. With the Overview open, it stops
the server (``pg_ctl stop -m fast``): in the same page, without a reload, a run within a few
seconds shows the banner (cannot be reached, since when, last read at) over the same tile
values; a file sent on the Data page is refused with a clear message and nothing of it is
written. Then the server starts again and the page recovers by itself: no reload, no click.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import create_engine, text

from data_access.cached import ALIVE_CHECK_SECONDS, VERSION_CHECK_SECONDS
from demo.build import build_demo_warehouse
from i18n import t
from tests.browser.test_overview_browser import (
    APP_IS_IDLE,
    HEADLINE_TILES,
    MENU_LINKS,
    open_menu,
    open_settled,
)
from tests.conftest import DEMO_LAST_MONTH, serve_app
from tests.postgres.own_server import OwnServer, own_server  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

WAIT_MS = 180_000
"""Generous: two shared cores, and a recovery waits for the next try (up to 60 s apart)."""
GOOD = (
    b"indicator_code,unit_code,period,numerator,denominator\n"
    b"online_dossier_share,25747,2026-09,61,100\n"
)
WRITTEN_TABLES = ("submission_checks", "load_batches", "observations", "audit_log")
"""What a sent file writes: its check, then (when loaded) its batch and rows; the audit log."""
NOTICED_WITHIN_S = ALIVE_CHECK_SECONDS + 7
"""The banner shows this soon after the stop, for a reader who reruns the page every 2 s:
the check's interval, one 2-s wait and a run of the page (cached figures) on shared cores."""
BANNER = '[data-testid="stAlertContentWarning"]'
TILE_VALUE = ".st-key-tile-{code} .ov-metric-value"

# The banner shown (or not), the tiles drawn and the script stopped.
SETTLED_WITH_BANNER = """([codes, wanted]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute("data-test-script-state");
    if (!app || state === "running" || state === "rerunRequested") return false;
    if (!codes.every((code) => document.querySelector(`.st-key-tile-${code}`))) return false;
    const banner = [...document.querySelectorAll('[data-testid="stAlertContentWarning"]')]
        .some((e) => e.innerText.includes("cannot be reached"));
    return banner === wanted;
}"""


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: int(conn.execute(text("SELECT COUNT(*) FROM " + table)).scalar_one())
                for table in WRITTEN_TABLES
            }
    finally:
        engine.dispose()


def _tiles(page: Page) -> dict[str, str]:
    return {
        code: page.locator(TILE_VALUE.format(code=code)).first.inner_text().strip()
        for code in HEADLINE_TILES
    }


def _go_to(page: Page, title_key: str) -> None:
    """Follow the menu's link (Streamlit changes page in place: no reload)."""
    open_menu(page)
    links = page.locator(MENU_LINKS)
    links.filter(has=page.get_by_text(t(title_key, "en"), exact=True)).click(timeout=WAIT_MS)


@pytest.fixture
def served(own_server: OwnServer, tmp_path: Path) -> Iterator[tuple[str, str, OwnServer, Path]]:  # noqa: F811
    url = own_server.create_database("dashboard")
    build_demo_warehouse(url, last_month=DEMO_LAST_MONTH)
    log_path = tmp_path / "streamlit.log"
    with serve_app(url, log_path) as (base_url, _process):
        yield base_url, url, own_server, log_path


def test_the_server_stops_and_starts_again_mid_session(
    browser: Browser, served: tuple[str, str, OwnServer, Path]
) -> None:
    base_url, url, server, log_path = served
    context = browser.new_context(viewport={"width": 1366, "height": 1024})
    page = context.new_page()
    try:
        open_settled(page, f"{base_url}/?lang=en&year=2026")
        before = _tiles(page)
        assert all(before.values()), before
        assert page.locator(BANNER).filter(has_text="cannot be reached").count() == 0
        page.evaluate("() => { window.__notReloaded = true; }")
        counts = _counts(url)

        # Let the data version the first run read grow old, then rerun: the version is read
        # again, and kept VERSION_CHECK_SECONDS. Stopping just after, a page that only
        # noticed the outage when the version is next read would show no banner for ~30 s.
        page.wait_for_timeout((VERSION_CHECK_SECONDS + 1) * 1000)
        page.locator("body").press("r")
        page.wait_for_timeout(500)
        page.wait_for_function(APP_IS_IDLE, timeout=WAIT_MS)
        server.stop("fast")
        stopped = time.monotonic()
        # A run notices within ALIVE_CHECK_SECONDS (the data version and the figures come
        # from caches kept for 30 s and more): rerun the page as a reader would (Streamlit's
        # "R" key) every 2 s, until the banner shows.
        deadline = stopped + WAIT_MS / 1000
        while True:
            page.wait_for_function(APP_IS_IDLE, timeout=WAIT_MS)
            banner = page.locator(BANNER).filter(has_text="cannot be reached")
            if banner.count():
                break
            assert time.monotonic() < deadline, "no banner after the server stopped"
            page.locator("body").press("r")
            page.wait_for_timeout(2_000)
        noticed_after = time.monotonic() - stopped
        print(f"the banner came {noticed_after:.1f} s after the stop")
        assert noticed_after <= NOTICED_WITHIN_S, f"the banner came {noticed_after:.1f} s after"
        page.wait_for_function(SETTLED_WITH_BANNER, arg=[HEADLINE_TILES, True], timeout=WAIT_MS)
        assert banner.count() == 1, "one banner for the page"
        words = banner.inner_text()
        assert "since" in words and "last read at" in words, words
        assert _tiles(page) == before, "the last figures stay"

        # A write is refused, clearly; nothing of it is written (checked once the server is
        # back, below).
        _go_to(page, "page_data")
        upload = page.get_by_role("tabpanel", name=t("data_tab_upload", "en"))
        dropzone = upload.locator('[data-testid="stFileUploaderDropzoneInput"]')
        dropzone.wait_for(state="attached", timeout=WAIT_MS)
        page.wait_for_function(APP_IS_IDLE, timeout=WAIT_MS)
        errors = upload.locator('[data-testid="stAlertContentError"]')
        assert errors.count() == 0, errors.all_inner_texts()
        dropzone.set_input_files(
            files=[{"name": "september.csv", "mimeType": "text/csv", "buffer": GOOD}]
        )
        refusal = errors.filter(has_text="could not be read or written")
        refusal.wait_for(timeout=WAIT_MS)
        assert "Nothing changed" in refusal.inner_text()

        _go_to(page, "page_overview")
        page.wait_for_function(SETTLED_WITH_BANNER, arg=[HEADLINE_TILES, True], timeout=WAIT_MS)
        assert _tiles(page) == before

        server.start()
        # No reload, no click: the page tries again by itself and reruns when it answers.
        page.wait_for_function(SETTLED_WITH_BANNER, arg=[HEADLINE_TILES, False], timeout=WAIT_MS)
        assert page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"
        assert _tiles(page) == before
        assert _counts(url) == counts, "the refused write left nothing behind"
    except Exception:
        log = log_path.read_text(errors="replace").splitlines()[-60:]
        print("--- streamlit server log ---", *log, sep="\n")
        print("--- postgres server log ---", server.log_tail(), sep="\n")
        raise
    finally:
        context.close()
