"""Kịch bản / Scenarios: what if — levers in one form (several changes, one run), the
baseline and the scenario as fan charts against the target with the probability of
reaching it, goal seek, the tornado chart, a written summary; saved scenarios opened,
duplicated, re-run, deleted and compared side by side; ``?scenario=ID`` opens one."""

import streamlit as st

from app_pages import _page, _scenarios, _ui
from i18n import fmt_number, t
from scenarios.baseline import indicator_name

filters = _ui.current_filters()
lang = filters.lang
_ui.page_header("page_scenarios", filters, "scenarios_subtitle")
seed = int(st.session_state.get("scn_seed") or _scenarios.DEFAULT_SEED)
baseline = _scenarios.baseline(filters, seed)
_page.demo_notice(lang, baseline.is_demo)
if not baseline.indicators:
    _ui.empty_state(lang, t("scenario_nothing_to_simulate", lang, year=filters.year))
    st.stop()
if baseline.not_simulated:
    names = ", ".join(indicator_name(code, lang) for code in baseline.not_simulated)
    st.caption(t("scenario_not_simulated", lang, year=filters.year, indicators=names))
st.caption(
    t("scenario_baseline_ready", lang, paths=fmt_number(baseline.n_paths, lang), seed=baseline.seed)
)
_scenarios.flash(lang)
_scenarios.open_link(baseline, lang)

st.subheader(t("scenario_build_title", lang))
_scenarios.lever_file(baseline, lang)
pressed = _scenarios.form(baseline, lang)
if pressed is not None:
    _scenarios.submitted(baseline, *pressed, lang)
current = st.session_state.get("scn_current")
if current:
    _scenarios.results(filters, baseline, current)
_scenarios.saved_section(filters, baseline)
