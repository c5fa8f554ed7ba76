"""Issue 12 (drawing promise): a select box, multiselect or date input drawn on a page costs
its first screen the script bundles of BaseWeb's select and date picker, which load after
the page's last message (200–450 ms of browser time). On the pages a leader reads, every one
of them waits in a popover, whose content the browser builds only when it is opened.

Left out, as their choices are the page's own work and stay in view: Scenarios (the lever
form) and Data (the upload, undo and export forms, for data stewards). The Overview has its
own test (``tests/app/test_overview_app.py``)."""

from __future__ import annotations

import pytest

from app_pages._ui import FILTERS_KEY
from tests.app.pages import open_page
from tests.app.reading import choice_widgets

PAGES: dict[str, dict[str, str]] = {
    "online": {},
    "satisfaction": {},
    "disbursement": {},
    "economy": {},
    "unit": {"unit": "26737"},
    "meeting": {},
    "briefing": {},
    "governance": {},
}
"""Each page in the year 2026; the unit page with a unit, as the benchmark opens it
(``bench/pages.py``)."""


@pytest.mark.parametrize("page", list(PAGES))
def test_no_choice_is_drawn_outside_a_popover(monkeypatch, demo_warehouse_url, page):
    app = open_page(monkeypatch, demo_warehouse_url, page, year="2026", **PAGES[page])
    assert [
        (kind, key) for kind, key, in_popover in choice_widgets(app._tree) if not in_popover
    ] == []
    # The filters' widgets are sent only once their popover is opened, and are in it then.
    app.session_state[FILTERS_KEY] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    widgets = choice_widgets(app._tree)
    assert {"year", "province", "type", "as_of"} <= {key for _, key, _ in widgets}
    assert [(kind, key) for kind, key, in_popover in widgets if not in_popover] == []
