"""The harness times every page of the app's navigation (issue 12: "for every page and
tier"): a page added to the menu and not to ``bench.pages.PAGES`` went unmeasured, as the
Briefing did, and its first visit paid 0.26-0.30 s of imports against 14 ms warm."""

from __future__ import annotations

from app_pages._navigation import DEFAULT_PAGE, NAVIGATION
from bench.pages import PAGES, page_file


def _navigation() -> dict[str, str]:
    """Each page's file and address, from the menu."""
    return {file: address for _section, pages in NAVIGATION for file, _key, _icon, address in pages}


def test_every_page_of_the_menu_is_timed() -> None:
    timed = {page_file(name) for name in PAGES}
    assert timed == set(_navigation())


def test_each_page_is_opened_at_its_own_address() -> None:
    addresses = _navigation()
    for name, page in PAGES.items():
        expected = addresses[page_file(name)]
        # The default page is served at the root.
        assert page.path == ("" if expected == DEFAULT_PAGE else expected), name
