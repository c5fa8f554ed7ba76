"""Giải ngân đầu tư công / Public-investment disbursement: the plan year's cumulative
S-curve to 31 January against the quarterly milestones, every earlier year and the
published figures (the national average where there is one), the projected year end with
its band, the plan's changes, the former provinces, and the investors — who holds the most
undisbursed capital and the pace each needs."""

import streamlit as st

from app_pages import _disbursement, _page, _sections, _ui
from i18n import t
from metrics.disbursement import s_curves

DISBURSEMENT = _disbursement.DISBURSEMENT

filters = _ui.current_filters()
lang = filters.lang
_ui.page_header("page_disbursement", filters, "disbursement_subtitle")
unit = _page.unit_row(_ui.focus_unit())
_page.breadcrumbs(filters, unit, None, key="disbursement")
if _page.source_failure(DISBURSEMENT, lang):
    st.stop()
view = _sections.load_view(filters, DISBURSEMENT, unit)
_page.demo_notice(lang, view.is_demo)
if view.series.empty or view.tile is None or s_curves(view.series, filters.year).empty:
    _ui.empty_state(
        lang,
        t("disbursement_empty", lang, year=filters.year)
        if unit is None
        else t("disbursement_unit_empty", lang, year=filters.year),
    )
    st.stop()

_disbursement.headline(view)
found = _disbursement.changes(view)
curves = _disbursement.scurve(view, found)
_page.download(
    curves.assign(day=curves["actual_day"]).drop(columns=["actual_day"]),
    filters,
    stem="giai-ngan-duong-cong",
    scope=view.words,
    key="scurve",
    lines=_sections.about_lines(view, "page_disbursement"),
)

if unit is None:
    st.subheader(t("comparisons_title", lang))
    _disbursement.provinces(view)
    st.subheader(t("investors_section", lang))
    _disbursement.investors(view)
else:
    st.page_link(
        _ui.SCORECARD_PAGE,
        label=t("open_scorecard", lang, unit=_page.unit_label(unit, lang)),
        icon=":material/badge:",
    )
