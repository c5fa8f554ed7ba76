"""Kinh tế số / Digital economy: the share of GRDP on both published bases side by side,
each labelled with its method and never joined; GRDP at current prices by sector; the path
to 25 % / 30 % / 40 %; and the growth the digital economy needs relative to the rest of
GRDP to get there. A city-level indicator: the filters by area do not apply.

What it shows is derived once per view and data version (``_economy.view``); a run reads
its frames from the caches and draws the view."""

import streamlit as st

from app_pages import _economy, _page, _ui
from app_pages._auth import reader_scope
from i18n import t

filters = _ui.current_filters()
lang = filters.lang
_ui.page_header("page_economy", filters, "economy_subtitle")
# The ICT basis's declared source failing a contract: said in its place, its figures unread;
# the statistics office's basis and GRDP carry on.
ict_failing = _page.source_failure(_economy.ICT, lang)
shown = _economy.view(filters, ict_failing=ict_failing, scope=reader_scope())
_page.demo_notice(lang, shown.is_demo)
if not filters.unit_filter.is_whole_city or _ui.focus_unit():
    st.caption(":material/info: " + t("city_level_only", lang))
if ict_failing and shown.statistics.empty:
    st.stop()
if shown.ict.empty and shown.statistics.empty:
    _ui.empty_state(lang, t("empty_indicator_year", lang, year=filters.year))
    st.stop()

_economy.headline(shown)
_page.facts(
    _economy.ICT,
    lang,
    as_of_month=None,
    freshness=None,
    is_demo=shown.is_demo,
    published=shown.published,
)

st.subheader(t("economy_bases_title", lang))
_economy.bases(filters, shown)

st.subheader(t("economy_path_section", lang))
_economy.path(filters, shown)

st.subheader(t("economy_grdp_section", lang))
_economy.sectors(filters, shown)

st.subheader(t("comparisons_title", lang))
st.caption(t("economy_comparisons", lang))
