"""Báo cáo tóm tắt / Briefing: pick the pages and the language, make the PDF, download it.

The PDF is made only when asked (a button; the PDF maker is imported then), from the
Overview's own cached tiles and attention list (:func:`briefing.collect.collect` with
:mod:`data_access.cached`), at the filters and "as of" day of the top bar's "Filters"
button. A chart export that fails is said in words.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _page, _ui
from app_pages._auth import reader_scope
from briefing.collect import PAGES, Source, collect
from data_access import cached
from data_access.queries import UnitFilter
from data_access.sources import SourceReport
from i18n import LANGUAGES, fmt_date, t
from metrics.clock import city_today
from metrics.registry import headline_indicators

STATE_KEY = "briefing_pdf"
"""Session state: (what it was made from, file name, bytes) of the last briefing made."""


def _scope_series(code: str, unit_filter: UnitFilter, as_of: dt.datetime | None) -> pd.DataFrame:
    return cached.scope_series(code, unit_filter, as_of, scope=reader_scope()).frame


def _unit_standing(
    code: str, year: int, through: dt.date, unit_filter: UnitFilter, as_of: dt.datetime | None
) -> pd.DataFrame:
    return cached.unit_standing(code, year, through, unit_filter, as_of, scope=reader_scope()).frame


def _published() -> pd.DataFrame:
    return cached.published().frame


def _failing() -> dict[str, SourceReport]:
    return cached.failing_sources(city_today())


SOURCE = Source(_scope_series, cached.headline_tile, _unit_standing, _published, _failing)
"""The Overview's cached functions: the briefing's tiles are the ones on screen, and an
indicator whose declared source fails a contract is not assessed in it either."""

filters = _ui.current_filters()
lang = filters.lang
_ui.page_header("page_briefing", filters)
st.markdown(t("briefing_intro", lang))
# A declared source failing a contract: said here, as on the Overview, and in the briefing.
for indicator in headline_indicators():
    _page.source_failure(indicator, lang)

form_column, _ = st.columns([3, 2])  # a readable width on a wide screen; stacked on a phone
with form_column, st.container(border=True, key="briefing-form"):
    # The page's own choice, in view: every page a pill to tap, the language two segments.
    # Not a multiselect and a radio: those load script bundles of their own after the page's
    # last message (issue 12), where pills and segments are the language switch's, loaded
    # on every page. The options are the app's own words, not text from outside.
    pages = st.pills(
        t("briefing_pages_label", lang),
        options=list(PAGES),
        selection_mode="multi",
        default=list(PAGES),
        format_func=lambda page: t(f"page_{page}", lang),
        key="briefing-pages",
    )
    doc_lang = (
        st.segmented_control(
            t("briefing_lang_label", lang),
            options=list(LANGUAGES),
            default=lang,
            format_func=lambda code: t(f"briefing_lang_{code}", lang),
            required=True,
            key="briefing-lang",
        )
        or lang
    )
    facts = [
        t(
            "briefing_scope_filters",
            lang,
            year=filters.year,
            scope=_ui.scope_text(filters.unit_filter, lang),
        )
    ]
    if filters.as_of_day is not None:
        facts.append(t("briefing_as_of", lang, date=fmt_date(filters.as_of_day, lang)))
    st.caption(" · ".join(facts))
    made = st.button(t("briefing_make", lang), type="primary", icon=":material/picture_as_pdf:")

chosen = tuple(page for page in PAGES if page in pages)  # the app's order, whatever the clicks
request = (chosen, doc_lang, filters.year, filters.unit_filter, filters.as_of_day)
if made:
    st.session_state.pop(STATE_KEY, None)
    with st.spinner(t("briefing_making", lang)):
        # The PDF maker (fpdf2, with the PIL and fontTools modules it brings: 0.26-0.30 s to
        # import, 25 MiB kept) is imported when a briefing is asked for, not with the page.
        from briefing.charts import ChartExportError
        from briefing.pdf import file_name, render_pdf

        data = collect(SOURCE, filters.year, filters.unit_filter, filters.today, filters.as_of_day)
        if not data.shown:
            st.info(t("briefing_no_data", lang, year=filters.year), icon=":material/info:")
        else:
            try:
                pdf = render_pdf(data, chosen, doc_lang, made_on=city_today())
            except ChartExportError as error:
                st.error(
                    t("briefing_chart_failed", lang, reason=str(error)), icon=":material/error:"
                )
            else:
                st.session_state[STATE_KEY] = (request, file_name(data, doc_lang), pdf)

stored = st.session_state.get(STATE_KEY)
if stored is not None and stored[0] == request:
    _, name, pdf = stored
    st.success(t("briefing_ready", lang, name=name), icon=":material/check_circle:")
    st.download_button(
        t("briefing_download", lang),
        data=pdf,
        file_name=name,
        mime="application/pdf",
        icon=":material/download:",
        key="briefing-download",
        on_click="ignore",
    )
