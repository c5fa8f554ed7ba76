"""The filters' button of the top bar (app_pages._ui.filter_controls): its four widgets are
sent only while its popover is open (issue 12), and what a reader chose in them is kept
while it is shut, on every page and in the address."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from app_pages._ui import FILTERS_KEY
from tests.app.pages import open_page
from tests.app.reading import choice_widgets, find_block
from tests.conftest import city_moment

DAY = dt.date(2026, 11, 28)


def _set_open(app: AppTest, is_open: bool) -> AppTest:
    """Open or shut the filters' popover (its state, as the browser sends it) and rerun."""
    app.session_state[FILTERS_KEY] = is_open
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _param(app: AppTest, key: str) -> list[str]:
    """The address's values of ``key`` (AppTest gives a single one as a string)."""
    value = app.query_params.get(key, [])
    return value if isinstance(value, list) else [value]


def _label(app: AppTest) -> str:
    return find_block(app, "filters").proto.popover.label


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_choices_made_in_the_open_filters_are_kept_once_they_are_shut_and_on_other_pages(
    monkeypatch, time_machine, demo_warehouse_url, lang
):
    time_machine.move_to(city_moment(DAY))
    app = open_page(monkeypatch, demo_warehouse_url, None, lang=lang)
    assert choice_widgets(find_block(app, "filters")) == []
    _set_open(app, True)
    app.selectbox(key="year").set_value(2024).run()
    app.multiselect(key="province").set_value(["binh_duong"]).run()
    assert not app.exception, [e.value for e in app.exception]
    _set_open(app, False)
    assert choice_widgets(find_block(app, "filters")) == []
    # Shut, the choices still hold: the button, the page's filters and the address say so.
    assert app.session_state["year"] == 2024
    assert app.session_state["province"] == ["binh_duong"]
    assert _label(app) == {"vi": "Bộ lọc · 2024 · +1", "en": "Filters · 2024 · +1"}[lang]
    assert _param(app, "year") == ["2024"]
    assert _param(app, "province") == ["binh_duong"]
    # Another page, and a rerun there: still the same, and the popover shut.
    app.switch_page("app_pages/online.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    app.run()
    assert app.session_state["year"] == 2024
    assert app.session_state["province"] == ["binh_duong"]
    assert _label(app) == {"vi": "Bộ lọc · 2024 · +1", "en": "Filters · 2024 · +1"}[lang]
    assert not app.session_state[FILTERS_KEY]
    # Opened again there, the widgets show them.
    _set_open(app, True)
    assert app.selectbox(key="year").value == 2024
    assert app.multiselect(key="province").value == ["binh_duong"]


def test_the_filters_of_a_link_hold_with_the_popover_shut_and_show_when_it_opens(
    monkeypatch, time_machine, demo_warehouse_url
):
    time_machine.move_to(city_moment(DAY))
    app = open_page(monkeypatch, demo_warehouse_url, None, lang="en", year="2025", type="ward")
    assert _label(app) == "Filters · 2025 · +1"
    assert app.session_state["type"] == ["ward"]
    _set_open(app, True)
    assert app.selectbox(key="year").value == 2025
    assert app.multiselect(key="type").value == ["ward"]
    assert app.multiselect(key="province").value == []
    assert app.date_input(key="as_of").value is None


def test_an_as_of_day_chosen_holds_when_shut_and_the_way_back_clears_it(
    monkeypatch, time_machine, demo_warehouse_url
):
    time_machine.move_to(city_moment(DAY))
    app = open_page(monkeypatch, demo_warehouse_url, None, lang="en")
    _set_open(app, True)
    app.date_input(key="as_of").set_value(dt.date(2026, 10, 10)).run()
    assert not app.exception, [e.value for e in app.exception]
    _set_open(app, False)
    assert app.session_state["as_of"] == dt.date(2026, 10, 10)
    assert _label(app) == "Filters · 2026 · +1"
    assert _param(app, "as_of") == ["2026-10-10"]
    # The past state's way back (a button on the page, the popover shut) clears the day …
    app.button(key="past-state-back").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["as_of"] is None
    assert _label(app) == "Filters · 2026"
    # … and the widget, opened again, shows no day.
    _set_open(app, True)
    assert app.date_input(key="as_of").value is None
