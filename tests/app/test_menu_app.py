"""The menu (app_pages._menu): a button at the top left of every page; the user's line and a
link to every page the user may open are sent only while it is open (issue 12: the
collapsed sidebar that held them was drawn on every page); a link followed opens the new
page with the menu shut."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from app_pages._menu import MENU_KEY
from app_pages._navigation import NAVIGATION, PAGE_ROLES
from tests.app.pages import open_page

LABEL = {"vi": "Các trang", "en": "Pages"}
SECTIONS = {
    "vi": ["Bảng điều hành", "Phân tích", "Dữ liệu"],
    "en": ["Dashboards", "Analysis", "Data"],
}


def _blocks(node: Any) -> list[Any]:
    found = []
    for child in getattr(node, "children", {}).values():
        found.append(child)
        found += _blocks(child)
    return found


def _menu(app: AppTest) -> Any:
    """The menu's popover block (its id ends with the menu's key)."""
    [menu] = [
        block
        for block in _blocks(app.main)
        if getattr(block, "type", None) == "popover" and block.proto.id.endswith(f"-{MENU_KEY}")
    ]
    return menu


def _links(app: AppTest) -> list[str]:
    """The pages the menu links to (a page may have links of its own)."""
    return [link.proto.page for link in _menu(app).get("page_link")]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_menu_is_shut_at_first_and_sends_no_link(monkeypatch, demo_warehouse_url, lang):
    app = open_page(monkeypatch, demo_warehouse_url, None, lang=lang)
    menu = _menu(app)
    assert menu.proto.popover.label == LABEL[lang]
    assert menu.proto.popover.icon == ":material/menu:"
    assert not app.session_state[MENU_KEY]
    assert _links(app) == []
    assert not [c for c in _menu(app).get("caption")]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_open_menu_names_the_user_and_links_every_page_by_section(
    monkeypatch, demo_warehouse_url, lang
):
    app = open_page(monkeypatch, demo_warehouse_url, None, lang=lang)
    app.session_state[MENU_KEY] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    # Local mode: one user with every role, so every page is listed, in the menu's order.
    expected = [address for _, entries in NAVIGATION for *_, address in entries]
    assert len(_links(app)) == len(expected) == 11
    assert "data" in PAGE_ROLES and "data" in _links(app)
    captions = [str(c.value) for c in _menu(app).get("caption")]
    assert [c for c in captions if c in SECTIONS[lang]] == SECTIONS[lang]
    roles = {
        "vi": "người xem, chuyên viên phân tích, cán bộ dữ liệu, quản trị viên",
        "en": "viewer, analyst, data steward, admin",
    }[lang]
    assert any("**local**" in c and roles in c for c in captions), captions
    # Rerun on the same page (a widget used): the menu stays open.
    app.run()
    assert app.session_state[MENU_KEY]
    assert len(_links(app)) == 11


def test_a_link_followed_opens_the_new_page_with_the_menu_shut(monkeypatch, demo_warehouse_url):
    app = open_page(monkeypatch, demo_warehouse_url, None, lang="vi")
    app.session_state[MENU_KEY] = True
    app.run()
    assert _links(app)
    app.switch_page("app_pages/economy.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Kinh tế số"
    assert not app.session_state[MENU_KEY]
    assert _links(app) == []
