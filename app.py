"""Entry point: page config, the shared frame (language, filters), and routing."""

import streamlit as st

from app_pages import _auth, _menu, _navigation, _ui, _warm_up
from app_pages._navigation import DEFAULT_PAGE
from data_access import cached
from i18n import t

st.set_page_config(
    page_title="TP.HCM – Bảng điều hành",
    page_icon=":material/monitoring:",
    layout="wide",
    # No sidebar: the menu and the filters are buttons of the top bar (app_pages._menu).
    initial_sidebar_state="collapsed",
)
# Figures are computed in the background at start-up and whenever the data change, so a
# visitor only reads them (once per process; a daemon thread that never blocks a page).
_warm_up.start()
_ui.inject_style()
_ui.read_links_once()
_ui.read_url_once()
lang, menu_slot, filter_slot = _ui.top_bar()
# The browser tab's title in the chosen language (the first call cannot know it yet).
st.set_page_config(page_title=t("browser_title", lang))
_ui.mark_document_language(lang)
# Who the user is (sign-in, or local mode); the sign-in page stops here when nobody is yet.
user = _auth.signed_in_user(lang)
# A link's unit is checked against the user's scope, so only once the user is known.
_ui.read_link_unit_once()
filters = _ui.filter_controls(lang, filter_slot)

# Made once per language and process, copied for each run (st.Page checks its file on the
# disk each time it is made).
pages, alias = _navigation.pages(lang)
home = next(each for section_pages in pages.values() for each in section_pages if not each.url_path)
# Streamlit serves the default page at "/" only, so a typed or bookmarked "/overview" would
# be "page not found": the alias is a hidden page at that address that opens the Overview
# at "/", with the link's parameters (the menu and its current-page mark keep one address).
# Every page stays routable, so the address of one the user's roles do not open says so
# instead of Streamlit's "page not found"; the menu lists only the ones they may open.
# The menu is drawn as links rather than by st.navigation: its list holds the section
# headings as <div>s directly inside <ul>, which screen readers cannot follow (axe: "list",
# "listitem"). The links are the same pages, keyboard-reachable, the current one marked.
page = st.navigation({**pages, "": [alias]}, position="hidden")
if page.url_path == DEFAULT_PAGE:
    st.switch_page(
        home, query_params={key: st.query_params.get_all(key) for key in st.query_params}
    )
_menu.draw(menu_slot, pages, user, lang)
_auth.mode_notice(lang)
if not _auth.may_open(user, page.url_path):
    _auth.not_allowed(lang, page.title)
    st.stop()
_ui.warehouse_gate(lang)
banner_slot = _ui.page_banner_slot()
# Figures as inline SVG on the pages that can do without plotly (issue 12).
_ui.draw_figures_for(page.url_path)
try:
    page.run()
except cached.OutOfScopeError:
    # A read that names a unit (or a group of units) outside the user's scope: data_access
    # refused it; say so instead of a traceback.
    _auth.out_of_scope(lang)
except cached.WarehouseUnavailableError as error:
    # A view whose figures were never read before the warehouse went away: nothing stale to
    # show, so say what happened instead of drawing half a page.
    _ui.warehouse_lost(lang, error)
# While the warehouse does not answer: one banner (unless the page drew its own) and the
# watch that reruns the page when the warehouse answers again.
_ui.outage_banner(lang, banner_slot)
_ui.recovery_watch()
