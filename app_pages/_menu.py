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
(a component that runs only while the menu is open; Escape closes it).
"""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st

from app_pages import _auth
from data_access.identity import User
from i18n import t

MENU_KEY = "menu"
"""The popover's key: its open state in ``st.session_state`` (True while open)."""
FOCUS_COMPONENT = "dashboard_menu_focus"
FOCUSED_ATTRIBUTE = "data-menu-focused"
"""Set on the menu's body once its first link has the focus (once per opening)."""
# The links may be drawn after this component runs (their code loads on first use): look
# again on each frame, for at most two seconds. A rerun while the menu stays open (the
# body keeps the attribute) does not move the focus again.
_FOCUS_JS = "\n".join(  # on lines of its own: Streamlit reads one line with "[" as a path
    (
        "export default function (component) {",
        " const body = component.parentElement.closest('[data-testid=\"stPopoverBody\"]');",
        f" if (!body || body.hasAttribute('{FOCUSED_ATTRIBUTE}')) return;",
        f" body.setAttribute('{FOCUSED_ATTRIBUTE}', '');",
        " const started = performance.now();",
        " const look = () => { const link = body.querySelector('a[href]');",
        "  if (link) link.focus();",
        "  else if (performance.now() - started < 2000) requestAnimationFrame(look); };",
        " look(); }",
    )
)


@functools.cache
def _focus_component() -> Any:
    # Registered once per process, on first use (inside a script run).
    return st.components.v2.component(FOCUS_COMPONENT, js=_FOCUS_JS, isolate_styles=False)


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
        _focus_component()(key="menu-focus")
