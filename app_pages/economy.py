"""Kinh tế số / Digital economy: the share of GRDP on both published bases side by side,
each labelled with its method and never joined; GRDP at current prices by sector; the path
to 25 % / 30 % / 40 %; and the growth the digital economy needs relative to the rest of
GRDP to get there. A city-level indicator: the filters by area do not apply."""

import streamlit as st

from app_pages import _economy, _page, _ui
from i18n import t

filters = _ui.current_filters()
lang = filters.lang
_ui.page_header("page_economy", filters, "economy_subtitle")
statistics, statistics_demo = _economy.annual(_economy.STATISTICS, filters)
# The ICT basis's declared source failing a contract: said in its place, its figures unread;
# the statistics office's basis and GRDP carry on.
ict_failing = _page.source_failure(_economy.ICT, lang)
ict, is_demo = (
    (statistics.iloc[0:0], statistics_demo)
    if ict_failing
    else _economy.annual(_economy.ICT, filters)
)
_page.demo_notice(lang, is_demo)
if not filters.unit_filter.is_whole_city or _ui.focus_unit():
    st.caption(":material/info: " + t("city_level_only", lang))
if ict_failing and statistics.empty:
    st.stop()
if ict.empty and statistics.empty:
    _ui.empty_state(lang, t("empty_indicator_year", lang, year=filters.year))
    st.stop()

_economy.headline(filters, ict, statistics)
published = _page.published_now(filters)
_page.facts(
    _economy.ICT,
    lang,
    as_of_month=None,
    freshness=None,
    is_demo=is_demo,
    published=published,
)

st.subheader(t("economy_bases_title", lang))
_economy.bases(filters, ict, statistics)

st.subheader(t("economy_path_section", lang))
_economy.path(filters, ict)

st.subheader(t("economy_grdp_section", lang))
_economy.sectors(filters, is_demo)

st.subheader(t("comparisons_title", lang))
st.caption(t("economy_comparisons", lang))
