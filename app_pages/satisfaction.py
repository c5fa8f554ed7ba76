"""Mức độ hài lòng / Satisfaction: the rate against 90 % month by month, the spread across
units, the six groups of the national service index (Decision 766) as the city published
them, the relation between on-time processing and satisfaction, the comparisons, and the
ranking and map of units."""

import streamlit as st

from app_pages import _page, _satisfaction, _sections, _ui
from i18n import t

SATISFACTION = _satisfaction.SATISFACTION

filters = _ui.current_filters()
lang = filters.lang
_ui.page_header("page_satisfaction", filters, "satisfaction_subtitle")
unit = _page.unit_row(_ui.focus_unit())
_page.breadcrumbs(filters, unit, None, key="satisfaction")
if _page.source_failure(SATISFACTION, lang):
    st.stop()
view = _sections.load_view(filters, SATISFACTION, unit)
_page.demo_notice(lang, view.is_demo)
if view.series.empty or view.tile is None:
    _ui.empty_state(lang, t("empty_indicator_year", lang, year=filters.year))
    st.stop()

_sections.headline(view, _satisfaction.COMPANIONS)
shown = _sections.trend(view, key="satisfaction")
_page.download(
    shown,
    filters,
    stem="hai-long-xu-huong",
    scope=view.words,
    key="satisfaction-trend",
    lines=_sections.about_lines(view, "page_satisfaction"),
)

st.subheader(t("index766_section", lang))
_satisfaction.index766(filters)

if unit is None:
    st.subheader(t("comparisons_title", lang))
    _sections.comparisons(view, key="satisfaction")
    table = _sections.unit_table(view)
    if table is not None and not table.empty:
        st.subheader(t("distribution_section", lang))
        _satisfaction.distribution(view, table)
        st.subheader(t("relation_section", lang))
        _satisfaction.relation(view, table)
        _sections.ranking_and_map(
            view,
            "satisfaction",
            volume_key="col_dossiers_rated",
            volume_unit="count",
            volume_words=t("volume_rated", lang),
            table=table,
        )
else:
    st.page_link(
        _ui.SCORECARD_PAGE,
        label=t("open_scorecard", lang, unit=_page.unit_label(unit, lang)),
        icon=":material/badge:",
    )
