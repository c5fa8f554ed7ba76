"""Entry point: page config, the shared frame (language, filters), and routing."""

import streamlit as st

from app_pages import _ui
from data_access import cached
from i18n import t

st.set_page_config(
    page_title="TP.HCM – Bảng điều hành",
    page_icon=":material/monitoring:",
    layout="wide",
    # Leaders read; the filters are one click away. Collapsed, a tablet shows two tiles a row.
    initial_sidebar_state="collapsed",
)
_ui.inject_style()
_ui.read_links_once()
_ui.read_url_once()
lang = _ui.language_switch()
# The browser tab's title in the chosen language (the first call cannot know it yet).
st.set_page_config(page_title=t("browser_title", lang))
_ui.mark_document_language(lang)
filters = _ui.sidebar_filters(lang)

pages = {
    t("nav_section_dashboards", lang): [
        st.Page(
            "app_pages/overview.py",
            title=t("page_overview", lang),
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            "app_pages/online.py",
            title=t("page_online", lang),
            icon=":material/language:",
            url_path="online-services",
        ),
        st.Page(
            "app_pages/satisfaction.py",
            title=t("page_satisfaction", lang),
            icon=":material/sentiment_satisfied:",
            url_path="satisfaction",
        ),
        st.Page(
            "app_pages/disbursement.py",
            title=t("page_disbursement", lang),
            icon=":material/account_balance:",
            url_path="disbursement",
        ),
        st.Page(
            "app_pages/economy.py",
            title=t("page_economy", lang),
            icon=":material/memory:",
            url_path="digital-economy",
        ),
        st.Page(
            "app_pages/unit.py",
            title=t("page_unit", lang),
            icon=":material/badge:",
            url_path="unit",
        ),
        st.Page(
            "app_pages/meeting.py",
            title=t("page_meeting", lang),
            icon=":material/slideshow:",
            url_path="meeting",
        ),
    ],
    t("nav_section_analysis", lang): [
        st.Page(
            "app_pages/scenarios.py",
            title=t("page_scenarios", lang),
            icon=":material/science:",
            url_path="scenarios",
        ),
    ],
    t("nav_section_data", lang): [
        st.Page(
            "app_pages/governance.py",
            title=t("page_governance", lang),
            icon=":material/verified:",
            url_path="data-governance",
        ),
        st.Page(
            "app_pages/data.py",
            title=t("page_data", lang),
            icon=":material/upload_file:",
            url_path="data",
        ),
    ],
}
page = st.navigation(pages, position="sidebar")
_ui.warehouse_gate(lang)
try:
    page.run()
except cached.WarehouseUnavailableError as error:
    # A view whose figures were never read before the warehouse went away: nothing stale to
    # show, so say what happened instead of drawing half a page.
    _ui.warehouse_lost(lang, error)
