"""Quản trị dữ liệu / Data governance: the three data groups of the city's data governance
strategy with their datasets, and the four quality demands of Resolution 214/NQ-CP
(correct, complete, clean, live) measured from the warehouse itself; late and missing
submitters first.

Its tables are read-only, so each is one escaped HTML table (``_html_table``), not a data
grid: the grid's 1.4 MB of table code made this the slowest page to draw (issue 12,
2.6× the empty page on 30 November)."""

import streamlit as st

from app_pages import _auth, _governance, _html_table, _ui
from app_pages._auth import reader_scope
from data_access import cached
from i18n import fmt_date, t
from i18n.escape import escape_markdown
from metrics.clock import city_today
from metrics.export import file_stem
from metrics.governance import DATA_GROUPS

lang = _ui.current_language()
today = city_today()
st.title(t("page_governance", lang))
st.caption(t("governance_subtitle", lang, date=fmt_date(today, lang)))

report = cached.governance(today, scope=reader_scope())
catalogue = cached.governance_catalogue().frame
names = _governance.unit_names(cached.unit_list(scope=reader_scope()).frame, lang)
if report.is_demo or bool(catalogue["is_demo"].any()):
    st.caption(":material/science: " + t("governance_demo_note", lang))
if catalogue.empty:
    _ui.empty_state(lang, t("governance_empty", lang))
    st.stop()

st.subheader(t("governance_scores_section", lang))
_governance.group_cards(report, lang)

st.subheader(t("governance_attention_section", lang))
shown, download = _governance.attention(report, catalogue, names, lang)
if shown.empty:
    st.success(t("governance_all_on_time", lang), icon=":material/check_circle:")
else:
    st.caption(t("governance_attention_help", lang, count=len(shown)))
    _html_table.show_table(
        shown, lang, caption=t("governance_attention_section", lang), max_height=420
    )
    _ui.download_buttons(
        download, file_stem("cham-va-chua-bao-cao", today.isoformat()), lang, "late"
    )

for group in DATA_GROUPS:
    st.subheader(t(f"governance_group_{group}", lang))
    shown, download = _governance.datasets_table(report, catalogue, group, lang)
    if shown.empty:
        _ui.empty_state(lang, t("governance_group_empty", lang))
        continue
    _html_table.show_table(shown, lang, caption=t(f"governance_group_{group}", lang))
    _ui.download_buttons(download, file_stem("bo-du-lieu", group, today.isoformat()), lang, group)

st.subheader(t("governance_units_section", lang))
measured = report.datasets[report.datasets["is_measured"]]
if measured.empty:
    _ui.empty_state(lang, t("governance_nothing_measured", lang))
else:
    titles = _governance.dataset_titles(catalogue, lang)
    options = list(measured["dataset_id"])
    if st.session_state.get("governance-dataset") not in options:
        st.session_state["governance-dataset"] = options[0]
    current = st.session_state["governance-dataset"]
    chosen = _ui.choice_behind_button(
        t("governance_col_dataset", lang),
        options,
        format_func=lambda code: str(titles.get(code, code)),
        key="governance-dataset",
        # The catalogue's title is text from outside: escaped, the button reads Markdown.
        button=f"{t('governance_col_dataset', lang)}: "
        + escape_markdown(str(titles.get(current, current))),
        icon=":material/dataset:",
    )
    shown, download = _governance.units_table(report, str(chosen), names, lang)
    _html_table.show_table(
        shown,
        lang,
        caption=f"{t('governance_units_section', lang)}: {titles.get(str(chosen), chosen)}",
        max_height=420,
    )
    _ui.download_buttons(
        download, file_stem("chat-luong-theo-don-vi", str(chosen), today.isoformat()), lang, "units"
    )

# Source health names connections, tables and the checks' messages: for those who run the
# data (data stewards and admins), not for every reader of the page.
if _auth.current_user().is_data_steward:
    st.subheader(t("sources_health_section", lang))
    st.caption(t("sources_health_help", lang))
    if st.button(
        t("sources_check_again", lang), icon=":material/refresh:", key="sources-check-again"
    ):
        cached.check_sources_again()
    health = cached.source_health(today)
    st.caption(_governance.checked_at_text(health, lang, cached.SOURCE_HEALTH_TTL_SECONDS // 60))
    _governance.source_health(health, lang)
    checked = not health.mapping_problem and health.units_problem is None
    if checked and (health.breakdowns or not health.is_default):
        st.subheader(t("breakdowns_health_section", lang))
        st.caption(t("breakdowns_health_help", lang))
        _governance.breakdown_health(health, lang)

with st.expander(t("governance_how_title", lang), icon=":material/info:"):
    st.markdown(t("governance_how", lang))
