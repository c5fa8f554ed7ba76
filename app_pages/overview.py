"""Tổng quan / Overview: the four headline tiles, the year in review, the attention list."""

import pandas as pd
import streamlit as st

from app_pages import _tiles, _ui
from data_access import cached
from i18n import fmt_date, fmt_percent, fmt_pp, t
from metrics.attention import expected_to_date, rank_attention
from metrics.freshness import check_freshness, city_today, month_end
from metrics.overview import combine_attention
from metrics.palette import STATUS_STYLES
from metrics.registry import Grain, get_indicator, headline_indicators
from metrics.status import Status

REVIEW_YEAR = 2025
ATTENTION_TOP = 15

filters = _ui.current_filters()
lang, year = filters.lang, filters.year
today = city_today()

st.title(t("page_overview", lang))
st.caption(t("overview_subtitle", lang, year=year))

fetched, tiles, series_by_code = [], {}, {}
for indicator in headline_indicators():
    result = cached.scope_series(indicator.code, filters.unit_filter)
    fetched.append(result)
    series_by_code[indicator.code] = result.frame
    tiles[indicator.code] = cached.headline_tile(result.frame, indicator.code, year)
published = cached.published()
fetched.append(published)
_ui.stale_banner(fetched, lang)

shown = [tile for tile in tiles.values() if tile is not None]
is_demo = any(bool(f.frame["is_demo"].any()) for f in fetched[:-1] if not f.frame.empty)
if is_demo:
    _ui.demo_banner(lang)
if not filters.unit_filter.is_whole_city:
    st.caption(t("overview_filtered", lang), help=t("overview_filtered_help", lang))

if shown:
    latest_as_of = max(month_end(tile.as_of_month.date()) for tile in shown)
    st.markdown(t("as_of_page", lang, date=fmt_date(latest_as_of, lang)))

with st.container(horizontal=True, key="tiles", gap="medium"):
    for indicator in headline_indicators():
        tile = tiles[indicator.code]
        series = series_by_code[indicator.code]
        mine = published.frame[published.frame["indicator_code"] == indicator.code]
        if tile is None:
            with st.container(border=True, key=f"tile-{indicator.code}"):
                st.markdown(f"**{indicator.short(lang)}**")
                _ui.empty_state(lang, t("empty_indicator_year", lang, year=year))
            continue
        in_year = series[series["period_year"] == year]
        freshness = check_freshness(
            indicator, in_year["period_month"].max().date() if not in_year.empty else None, today
        )
        _tiles.render_tile(
            tile,
            indicator,
            lang,
            freshness=freshness,
            is_demo=bool(in_year["is_demo"].any()),
            published=mine,
        )

if shown:
    table = pd.DataFrame(
        [
            {
                t("col_indicator", lang): get_indicator(tile.indicator_code).short(lang),
                t("col_result", lang): _tiles.latest_label(tile, lang),
                t("col_value", lang): tile.latest_value,
                t("col_target", lang): tile.target_value,
                t("col_gap_pp", lang): tile.gap,
                t("col_status", lang): t(f"status_{tile.status.value}", lang),
                t("col_trend", lang): t(f"trend_{tile.trend.value}", lang),
                t("col_projection", lang): tile.projection.central,
                t("col_projection_low", lang): tile.projection.lower_80,
                t("col_projection_high", lang): tile.projection.upper_80,
                t("col_probability", lang): tile.projection.probability,
                t("col_pace", lang): _tiles.pace_text(tile, get_indicator(tile.indicator_code), lang),
                t("col_as_of", lang): fmt_date(month_end(tile.as_of_month.date()), lang),
            }
            for tile in shown
        ]
    )
    _ui.download_buttons(table, f"tong-quan-{year}", lang, key="tiles")

st.subheader(t("review_title", lang, year=REVIEW_YEAR))
with st.container(horizontal=True, key="review", gap="medium"):
    for indicator in headline_indicators():
        result = cached.year_review(series_by_code[indicator.code], indicator.code, REVIEW_YEAR)
        mine = published.frame[
            (published.frame["indicator_code"] == indicator.code)
            & (published.frame["period_start"].dt.year == REVIEW_YEAR)
            & (published.frame["kind"] != "target")
            & published.frame["period_kind"].isin(["year", "year_end_cumulative"])
        ]
        if indicator.published_basis_prefix:
            mine = mine[mine["basis"].str.startswith(indicator.published_basis_prefix)]
        if result is None:
            with st.container(border=True):
                st.markdown(f"**{indicator.short(lang)}**")
                _ui.empty_state(lang, t("empty_indicator_year", lang, year=REVIEW_YEAR))
            continue
        _tiles.render_review_card(result, indicator, lang, mine)

st.subheader(t("attention_title", lang))
st.caption(t("attention_help", lang))
rankings = {}
for indicator in headline_indicators():
    tile = tiles[indicator.code]
    if indicator.grain is Grain.CITY or tile is None or tile.target_value is None:
        continue
    through = tile.as_of_month.date()
    standing = cached.unit_standing(indicator.code, year, through, filters.unit_filter)
    fetched.append(standing)
    expected = expected_to_date(indicator, year, month_end(through))
    previous_month_end = through - pd.Timedelta(days=1)
    rankings[indicator.code] = rank_attention(
        standing.frame,
        indicator,
        tile.target_value,
        expected,
        expected_previous_to_date=expected_to_date(indicator, year, previous_month_end),
    )
attention = combine_attention(rankings, ATTENTION_TOP)
if attention.empty:
    _ui.empty_state(lang, t("attention_empty", lang))
else:
    name_column = "name_vi" if lang == "vi" else "name_en"
    shown_attention = pd.DataFrame(
        {
            t("col_unit", lang): attention[name_column],
            t("col_unit_type", lang): [t(f"unit_type_{u}", lang) for u in attention["unit_type"]],
            t("col_indicator", lang): [get_indicator(c).short(lang) for c in attention["indicator_code"]],
            t("col_value", lang): [fmt_percent(v, lang) for v in attention["value"]],
            t("col_benchmark", lang): [fmt_percent(v, lang) for v in attention["benchmark"]],
            t("col_gap_pp", lang): [fmt_pp(-v, lang) for v in attention["gap_pp"]],
            t("col_impact_pp", lang): [fmt_pp(v, lang, 2).lstrip("+") for v in attention["impact_pp"]],
            t("col_status", lang): [
                f"{STATUS_STYLES[Status(s)].symbol} {t(f'status_{s}', lang)}"
                + (f" · {t('newly_red', lang)}" if new else "")
                + (f" · {t('small_denominator', lang)}" if small else "")
                for s, new, small in zip(
                    attention["unit_status"],
                    attention["is_newly_red"],
                    attention["is_small_denominator"],
                    strict=True,
                )
            ],
        }
    )
    st.dataframe(shown_attention, hide_index=True, width="stretch")
    _ui.download_buttons(shown_attention, f"can-chu-y-{year}", lang, key="attention")
_ui.stale_banner(fetched[len(headline_indicators()) + 1 :], lang)
st.caption(t("credits_units", lang))
