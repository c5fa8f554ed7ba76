"""The menu: every page the user may open, who the user is and the sign-out button, behind
one button at the top left of every page.

It was the sidebar's content. A collapsed sidebar is still drawn by the browser, off the
screen, on every page: its eleven links, three section names and the user's line (46 → 31
element containers and 89 → 74 messages on the Overview). A/B in headless Chromium,
interleaved loads on the demo warehouse (3 December): the Overview drawn in 1.60× → 1.54×
an empty page (30 loads each), the Digital economy 1.68× → 1.56× (16 loads each).
Here the links are sent only while the menu is open: opening it reruns the page (the
popover is stateful, ``on_change="rerun"``), and the menu is drawn early in that run. A
link followed opens the new page with the menu shut (Streamlit starts a page's widgets
afresh; the non-stateful popover stayed open across pages).

A popover's body is drawn at the end of the document, so the Tab key would reach the links
only after every element of the page: opened, the menu moves the focus to its first link
(:func:`app_pages._ui.focus_first`, which runs only while the menu is open; Escape closes
it). The filters' button works the same way (:func:`app_pages._ui.filter_controls`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import _auth, _ui
from data_access.identity import User
from i18n import t

MENU_KEY = "menu"
"""The popover's key: its open state in ``st.session_state`` (True while open)."""


def draw(slot: Any, pages: dict[str, list[Any]], user: User, lang: str) -> None:
    """The menu in ``slot`` (the top bar's left place): the button, and while it is open
    the user's line and, by section, a link to every page of ``pages`` the user may open."""
    menu = slot.popover(
        t("menu_button", lang), icon=":material/menu:", key=MENU_KEY, on_change="rerun"
    )
    if not menu.open:
        return
    with menu:
        _auth.identity(user, lang)
        with st.container(key="nav"):
            for section, section_pages in pages.items():
                allowed = [each for each in section_pages if _auth.may_open(user, each.url_path)]
                if allowed:
                    st.caption(section)
                for each in allowed:
                    st.page_link(each)
        _ui.focus_first("a[href]", key="menu-focus")
