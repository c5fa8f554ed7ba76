"""Tổng quan / Overview: the four headline tiles, the year in review, the attention list."""

import streamlit as st

from app_pages import _rankings, _tables, _tiles, _ui
from data_access import cached
from i18n import t
from metrics.freshness import check_freshness
from metrics.overview import combine_attention, published_for_year, rank_for_tile
from metrics.registry import Grain, headline_indicators

ATTENTION_TOP = 10

filters = _ui.current_filters()
lang, year = filters.lang, filters.year
today = filters.today  # the "as of" day when one is chosen
review_year = _ui.review_year()
is_filtered = not filters.unit_filter.is_whole_city
_ui.page_header("page_overview", filters)

fetched, tiles, series_by_code = [], {}, {}
for indicator in headline_indicators():
    result = cached.scope_series(indicator.code, filters.unit_filter, filters.as_of)
    fetched.append(result)
    series_by_code[indicator.code] = result.frame
    tiles[indicator.code] = cached.headline_tile(result.frame, indicator.code, year, today)
published = cached.published()
fetched.append(published)
stale_slot = st.container()  # filled at the end, once every fetch is known

shown = [tile for tile in tiles.values() if tile is not None]
is_demo = any(bool(f.frame["is_demo"].any()) for f in fetched[:-1] if not f.frame.empty)
_tiles.render_top(shown, tiles, headline_indicators(), filters, is_demo=is_demo)

with st.container(horizontal=True, key="tiles", gap="medium", vertical_alignment="distribute"):
    for indicator in headline_indicators():
        tile, series = tiles[indicator.code], series_by_code[indicator.code]
        if tile is None:
            nothing_matches = series.empty and is_filtered and indicator.grain is not Grain.CITY
            with st.container(border=True, key=f"tile-{indicator.code}"):
                st.markdown(f"**{indicator.short(lang)}**")
                _ui.empty_state(
                    lang,
                    t("empty_filter_matches_nothing", lang)
                    if nothing_matches
                    else t("empty_indicator_year", lang, year=year),
                )
            continue
        in_year = series[series["period_year"] == year]
        freshness = None
        if not _tiles.is_closed(tile):
            freshness = check_freshness(indicator, tile.as_of_month.date(), today)
        city_figures = indicator.grain is Grain.CITY or not is_filtered
        _tiles.render_tile(
            tile,
            indicator,
            lang,
            series=series,
            freshness=freshness,
            is_demo=bool(in_year["is_demo"].any()),
            published=published_for_year(published.frame, indicator, None)
            if city_figures
            else published.frame.iloc[0:0],
            is_filtered=is_filtered,
            source=_ui.FigureSource(
                indicator.code, tile.as_of_month.date(), filters.unit_filter, filters.as_of
            ),
        )

if shown:
    st.caption(t("tiles_download_caption", lang))
    _ui.download_buttons(_tables.tiles_table(shown, lang), f"tong-quan-{year}", lang, key="tiles")

if year != review_year:  # when that year is chosen, the tiles above are its review
    st.subheader(t("review_title", lang, year=review_year))
    with st.container(horizontal=True, key="review", gap="medium", vertical_alignment="distribute"):
        for indicator in headline_indicators():
            review = cached.year_review(series_by_code[indicator.code], indicator.code, review_year)
            if review is None:
                with st.container(border=True):
                    st.markdown(f"**{indicator.short(lang)}**")
                    _ui.empty_state(lang, t("empty_indicator_year", lang, year=review_year))
                continue
            city_figures = indicator.grain is Grain.CITY or not is_filtered
            mine = published_for_year(published.frame, indicator, review_year)
            _tiles.render_review_card(
                review, indicator, lang, mine if city_figures else mine.iloc[0:0]
            )

st.subheader(t("attention_title", lang))
st.caption(t("attention_help", lang))
rankings = {}
for indicator in headline_indicators():
    tile = tiles[indicator.code]
    if indicator.grain is Grain.CITY or tile is None or tile.target_value is None:
        continue
    standing = cached.unit_standing(
        indicator.code, year, tile.as_of_month.date(), filters.unit_filter, filters.as_of
    )
    fetched.append(standing)
    rankings[indicator.code] = rank_for_tile(standing.frame, indicator, tile)
attention = combine_attention(rankings, ATTENTION_TOP)
if not shown:
    _ui.empty_state(lang, t("attention_no_data", lang, year=year))
elif not rankings:
    _ui.empty_state(lang, t("attention_no_target", lang, year=year))
elif attention.empty:
    _ui.empty_state(lang, t("attention_empty", lang))
else:
    lines = _tables.attention_lines(attention, lang)
    with st.container(key="attention-list"):
        st.markdown("\n".join(f"{rank}. {line}" for rank, line in enumerate(lines, start=1)))
    _rankings.scorecard_picker(attention, lang, key="attention")
    with (
        st.expander(t("attention_as_table", lang), icon=":material/table_view:"),
        st.container(key="attention-table"),
    ):
        event = st.dataframe(
            _tables.attention_table(attention, lang),
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="single-row",
            key="attention-rows",
        )
        rows = _ui.selected_rows(event)
        if rows:
            _ui.open_scorecard(str(attention.loc[rows[0], "unit_id"]))
    _ui.download_buttons(
        _tables.attention_download(attention, lang), f"can-chu-y-{year}", lang, key="attention"
    )
with stale_slot:
    _ui.stale_banner(fetched, lang)
st.caption(t("credits_units", lang))
