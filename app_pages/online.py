"""Dịch vụ công trực tuyến / Online public services: the online share against its target,
on-time and e-result rates beside it, comparisons, the drill-down city → former province →
unit → procedure, the ranking of units in their peer groups, and the map."""

import streamlit as st

from app_pages import _drill, _page, _sections, _ui
from i18n import escape_markdown, t

ONLINE = _drill.ONLINE
COMPANIONS = _drill.ONLINE_COMPANIONS

filters = _ui.current_filters()
lang = filters.lang
_ui.page_header("page_online", filters, "online_subtitle")
unit = _page.unit_row(_ui.focus_unit())
code = str(st.session_state.get("procedure") or "")
names = _drill.procedure_names(ONLINE.code)
name_column = "name_vi" if lang == "vi" else "name_en"
procedure = (code, str(names.at[code, name_column])) if code in names.index else None
_page.breadcrumbs(filters, unit, procedure, key="online")
if _page.source_failure(ONLINE, lang):
    st.stop()
view = _sections.load_view(filters, ONLINE, unit, procedure)
_page.demo_notice(lang, view.is_demo)
if view.series.empty or view.tile is None:
    _ui.empty_state(
        lang,
        t("empty_filter_matches_nothing", lang)
        if view.series.empty and not filters.unit_filter.is_whole_city
        else t("empty_indicator_year", lang, year=filters.year),
    )
    st.stop()

_sections.headline(view, () if procedure else COMPANIONS)
_drill.procedure_facts(view)
shown = _sections.trend(view, key="online")
if procedure is None:
    _sections.companion_trends(view, COMPANIONS, key="online")
_page.download(
    shown,
    filters,
    stem="dich-vu-cong-xu-huong",
    scope=view.words,
    key="online-trend",
    lines=_sections.about_lines(view, "page_online"),
)

if unit is None and procedure is None:
    st.subheader(t("comparisons_title", lang))
    _sections.comparisons(view, key="online")

st.subheader(t("procedures_title", lang, scope=escape_markdown(view.words)))
_drill.procedures_table(view, key="online")
_drill.services_offered(filters)

if unit is None and procedure is None:
    if filters.unit_filter.is_whole_city:
        st.subheader(t("drill_groups_title", lang))
        _drill.groups_table(view, key="online")
    table = _sections.ranking_and_map(
        view,
        "online",
        volume_key="col_dossiers_received",
        volume_unit="count",
        volume_words=t("volume_dossiers", lang),
    )
    if not filters.unit_filter.is_whole_city:
        _drill.unit_picker(view, table, key="online")
elif unit is not None:
    st.page_link(
        _ui.SCORECARD_PAGE,
        label=t("open_scorecard", lang, unit=_page.unit_label(unit, lang)),
        icon=":material/badge:",
    )
