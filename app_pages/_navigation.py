"""Every page of the app, in the menu's order: one table that ``app.py`` builds the
navigation from and the browser tests walk (a new page is tested at every size as soon as
it is listed here)."""

from __future__ import annotations

import copy
import threading
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from streamlit.navigation.page import StreamlitPage

# (section, ((file, title key, icon, address), …)): every page, in the menu's order.
NAVIGATION: tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...] = (
    (
        "nav_section_dashboards",
        (
            ("app_pages/overview.py", "page_overview", ":material/dashboard:", "overview"),
            ("app_pages/online.py", "page_online", ":material/language:", "online-services"),
            (
                "app_pages/satisfaction.py",
                "page_satisfaction",
                ":material/sentiment_satisfied:",
                "satisfaction",
            ),
            (
                "app_pages/disbursement.py",
                "page_disbursement",
                ":material/account_balance:",
                "disbursement",
            ),
            ("app_pages/economy.py", "page_economy", ":material/memory:", "digital-economy"),
            ("app_pages/unit.py", "page_unit", ":material/badge:", "unit"),
            ("app_pages/meeting.py", "page_meeting", ":material/slideshow:", "meeting"),
            ("app_pages/briefing.py", "page_briefing", ":material/picture_as_pdf:", "briefing"),
        ),
    ),
    (
        "nav_section_analysis",
        (("app_pages/scenarios.py", "page_scenarios", ":material/science:", "scenarios"),),
    ),
    (
        "nav_section_data",
        (
            (
                "app_pages/governance.py",
                "page_governance",
                ":material/verified:",
                "data-governance",
            ),
            ("app_pages/data.py", "page_data", ":material/upload_file:", "data"),
        ),
    ),
)

DEFAULT_PAGE = "overview"
"""The page served at the root address. Its own address, ``/overview``, opens it there too."""
ROOT_PAGE_PATH = "overview-at-root"
"""The default page's ``url_path`` in ``st.Page``: never in an address (Streamlit serves the
default page at "/"), but it must differ from :data:`DEFAULT_PAGE`, which the hidden page
that leads ``/overview`` to "/" holds (Streamlit tells pages apart by their ``url_path``)."""

# Pages open only to some roles, by address (DESIGN §7); every other page is open to every
# signed-in user. An admin opens them all. The menu leaves out what the user may not open,
# and the address of such a page says "not allowed for your role".
PAGE_ROLES: dict[str, frozenset[str]] = {
    "data": frozenset({"data_steward"}),
}


class Pages(NamedTuple):
    """The app's pages as ``st.Page`` objects, in one language."""

    sections: dict[str, list[StreamlitPage]]
    """Every page of :data:`NAVIGATION` under its section's heading, in the menu's order."""
    alias: StreamlitPage
    """The hidden page at :data:`DEFAULT_PAGE`'s address, which ``app.py`` sends to "/"."""


_made: dict[str, Pages] = {}
_made_lock = threading.Lock()


def pages(lang: str) -> Pages:
    """The app's pages in ``lang``, each run's own.

    ``st.Page`` resolves its file's path and checks it on the disk (1.7 ms for the eleven
    pages, at every run of every page: a tenth of a small page's run, issue 12), so they
    are made once per language and process, and every call gets shallow copies of them:
    ``st.navigation`` marks the page it returns as callable and its ``run()`` clears the
    mark, so two sessions must never share one page object. Called from a script run
    (``st.Page`` needs its context)."""
    import streamlit as st

    from data_access.engine import PROJECT_ROOT
    from i18n import t

    with _made_lock:
        made = _made.get(lang)
    if made is None:
        sections = {
            t(section, lang): [
                st.Page(
                    PROJECT_ROOT / path,  # not relative to the script run: made once for all
                    title=t(title, lang),
                    icon=icon,
                    url_path=ROOT_PAGE_PATH if url == DEFAULT_PAGE else url,
                    default=url == DEFAULT_PAGE,
                )
                for path, title, icon, url in entries
            ]
            for section, entries in NAVIGATION
        }
        home = next(page for listed in sections.values() for page in listed if not page.url_path)
        alias = st.Page(_nothing, title=home.title, url_path=DEFAULT_PAGE, visibility="hidden")
        made = Pages(sections, alias)
        with _made_lock:
            _made[lang] = made
    return Pages(
        {
            heading: [copy.copy(page) for page in listed]
            for heading, listed in made.sections.items()
        },
        copy.copy(made.alias),
    )


def _nothing() -> None:
    """The alias page's body: ``app.py`` switches to the Overview before it would run."""
