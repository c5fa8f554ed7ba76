"""Đơn vị / Unit scorecard: one ward, commune, department or investor — every indicator it
has against its target and its peer group's median and quartiles, its rank, its trend,
its late or missing submissions, and the same unit on each indicator page."""

import streamlit as st

from app_pages import _page, _scorecard, _ui
from charts.scorecard import make_peers_figure, make_unit_trends_figure
from i18n import escape_markdown, t
from metrics.reference import FORMER_PROVINCES
from metrics.trends import trend_frame

filters = _ui.current_filters()
lang, year = filters.lang, filters.year
_ui.page_header("page_unit", filters, "unit_subtitle")
unit_id = _scorecard.unit_picker(lang)
unit = _page.unit_row(unit_id)
if unit is None:
    # The picker is a button: say what to do with it, and the other ways in.
    st.info(
        t("unit_choose", lang, button=t("unit_picker_choose", lang)), icon=":material/arrow_upward:"
    )
    st.stop()

name = _page.unit_name(unit, lang)
province = FORMER_PROVINCES.get(str(unit.get("former_province")))
st.subheader(escape_markdown(name))
st.caption(
    t(f"unit_type_{unit['unit_type']}", lang)
    + (f" · {province[0 if lang == 'vi' else 1]}" if province else "")
    + (
        f" · {t('unit_code', lang)} {escape_markdown(str(unit['unit_code']))}"
        if unit.get("unit_code")
        else ""
    )
)
items = _scorecard.lines(str(unit["unit_id"]), filters)
not_assessed = _scorecard.failing()
if not items:
    _scorecard.say_failing(not_assessed, lang)
    _ui.empty_state(lang, t("unit_no_data", lang, year=year))
    st.stop()
is_demo = any(bool(item.series["is_demo"].any()) for item in items if not item.series.empty)
_page.demo_notice(lang, is_demo)
lines = _page.about(
    filters, "page_unit", scope=name, data_as_of=max(i.through for i in items), is_demo=is_demo
)

st.markdown(f"#### {t('unit_indicators_title', lang, year=year)}")
_scorecard.say_failing(not_assessed, lang)
_scorecard.show_glance(items, year, lang)
frame = _scorecard.scorecard_frame(items, year, lang)
_scorecard.show_table(frame, year, lang)
st.caption(t("unit_indicators_help", lang))
_page.download(frame, filters, stem="don-vi", scope=name, key="unit-scorecard", lines=lines)

peers = frame.assign(
    label=[item.indicator.short(lang) for item in items],
    value=[item.row["value"] for item in items],
    peer_p25=[item.row["peer_p25"] for item in items],
    peer_median=[item.row["peer_median"] for item in items],
    peer_p75=[item.row["peer_p75"] for item in items],
    benchmark=[item.row["benchmark"] for item in items],
    unit_status=[item.row["unit_status"] for item in items],
)
group = t(f"peer_group_{unit['unit_type']}", lang)
_ui.show_figure(
    make_peers_figure(peers, lang, title=t("unit_peers_title", lang, unit=name, group=group)),
    key="unit-peers",
)
trends = {
    item.indicator.short(lang): trend_frame(item.series, year, item.through)
    for item in items
    if item.indicator.time_rollup is not None and item.indicator.time_rollup.value == "flow"
}
_ui.show_figure(
    make_unit_trends_figure(trends, lang, title=t("unit_trends_title", lang, unit=name), year=year),
    key="unit-trends",
)

st.markdown(f"#### {t('submissions_title', lang, year=year)}")
detail = _scorecard.submissions(str(unit["unit_id"]), items, filters)
if not detail.empty:
    _page.download(
        detail, filters, stem="don-vi-bao-cao", scope=name, key="unit-submissions", lines=lines
    )

st.markdown(f"#### {t('unit_pages_title', lang)}")
_scorecard.links(unit, items, lang)
