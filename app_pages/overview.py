"""Tổng quan / Overview: the four headline tiles, the year in review, the attention list."""

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _page, _rankings, _summary, _tables, _tiles, _ui
from app_pages._auth import reader_scope
from data_access import cached
from i18n import MISSING, t
from i18n.escape import escape_markdown
from metrics.clock import city_today, month_end
from metrics.export import file_stem
from metrics.freshness import check_freshness
from metrics.overview import (
    ATTENTION_PER_INDICATOR,
    SECTION_NOT_REPORTED,
)
from metrics.registry import Grain, headline_indicators
from metrics.tiles import Tile

filters = _ui.current_filters()
lang, year = filters.lang, filters.year
today = filters.today  # the "as of" day when one is chosen
review_year = _ui.review_year()
is_filtered = not filters.unit_filter.is_whole_city
_ui.page_header("page_overview", filters)

# A deployment's declared source that fails a contract: its indicator is not assessed (the
# project's own default mapping is read by the native queries and not checked on the way).
failing_sources = cached.failing_sources(city_today())
fetched, series_by_code = [], {}
tiles: dict[str, Tile | None] = {}
for indicator in headline_indicators():
    if indicator.code in failing_sources:
        tiles[indicator.code] = None
        continue
    result = cached.scope_series(
        indicator.code, filters.unit_filter, filters.as_of, scope=reader_scope()
    )
    fetched.append(result)
    series_by_code[indicator.code] = result.frame
    tiles[indicator.code] = cached.headline_tile(result.frame, indicator.code, year, today)
published = cached.published()
fetched.append(published)
stale_slot = st.container()  # filled at the end, once every fetch is known

shown = [tile for tile in tiles.values() if tile is not None]
# The key of the words and tables made from the tiles (issue 12: built once per view).
tile_inputs = _tables.overview_inputs(lang, year, today, failing_sources, series_by_code.values())
is_demo = any(bool(f.frame["is_demo"].any()) for f in fetched[:-1] if not f.frame.empty)
_tiles.render_top(shown, tiles, headline_indicators(), filters, is_demo=is_demo)
summary_slot = st.container(key="summary")  # the written summary, once the attention list is known

unchecked = cached.source_check_problem(city_today(), lang)
if unchecked is not None:
    st.warning(
        escape_markdown(t("overview_sources_unchecked", lang, problem=unchecked)),
        icon=":material/report:",
    )

with st.container(horizontal=True, key="tiles", gap="medium", vertical_alignment="distribute"):
    for indicator in headline_indicators():
        if indicator.code in failing_sources:
            _tiles.render_source_failure(
                indicator, failing_sources[indicator.code], lang, f"tile-{indicator.code}"
            )
            continue
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
        mine = (
            cached.published_rows(published.frame, indicator.code, None)
            if city_figures
            else published.frame.iloc[0:0]
        )
        _tiles.render_tile(
            tile,
            indicator,
            lang,
            series=series,
            freshness=freshness,
            is_demo=bool(in_year["is_demo"].any()),
            published=mine,
            is_filtered=is_filtered,
            chart=_tiles.tile_chart(series, indicator.code, tile, lang, mine, (year, today)),
            source=_ui.FigureSource(
                indicator.code,
                tile.as_of_month.date(),
                filters.unit_filter,
                filters.as_of,
                tile.year,
            ),
        )

data_as_of = max((month_end(tile.as_of_month.date()) for tile in shown), default=None)
scope = _ui.scope_text(filters.unit_filter, lang)


def _about(what: str) -> list[tuple[str, str]]:
    """What a download covers: page and table, scope and filters, dates, demo, sources."""
    lines = _page.about(
        filters, "page_overview", scope=scope, data_as_of=data_as_of, is_demo=is_demo
    )
    lines.insert(1, (t("about_table", lang), what))
    lines += [
        (
            t("about_sources", lang),
            f"{indicator.short(lang)}: {indicator.text('source_system', lang)}",
        )
        for indicator in headline_indicators()
    ]
    return lines


def _file_name(stem: str) -> str:
    day = filters.as_of_day.isoformat() if filters.as_of_day is not None else ""
    as_of_words = data_as_of.isoformat() if data_as_of is not None else str(year)
    return file_stem(stem, scope, as_of_words, day)


if shown:
    st.caption(t("tiles_download_caption", lang))
    _ui.download_buttons(
        _tables.overview_tiles_table(shown, lang, tile_inputs),
        _file_name("tong-quan"),
        lang,
        key="tiles",
        about=_about(t("about_table_tiles", lang)),
    )

if year != review_year:  # when that year is chosen, the tiles above are its review
    st.subheader(t("review_title", lang, year=review_year))
    with st.container(horizontal=True, key="review", gap="medium", vertical_alignment="distribute"):
        for indicator in headline_indicators():
            if indicator.code in failing_sources:
                _tiles.render_source_failure(
                    indicator, failing_sources[indicator.code], lang, f"review-{indicator.code}"
                )
                continue
            city_figures = indicator.grain is Grain.CITY or not is_filtered
            mine = cached.published_rows(published.frame, indicator.code, review_year)
            card = _tiles.review_card(
                series_by_code[indicator.code],
                indicator.code,
                review_year,
                lang,
                mine if city_figures else mine.iloc[0:0],
            )
            if card is None:
                with st.container(border=True):
                    st.markdown(f"**{indicator.short(lang)}**")
                    _ui.empty_state(lang, t("empty_indicator_year", lang, year=review_year))
                continue
            _tiles.render_review_card(card, indicator)

st.subheader(t("attention_title", lang))
st.caption(t("attention_help_sections", lang))
standings: dict[str, pd.DataFrame] = {}
through: dict[str, dt.date] = {}
for indicator in headline_indicators():
    tile = tiles[indicator.code]
    if indicator.grain is Grain.CITY or tile is None or tile.target_value is None:
        continue
    standing = cached.unit_standing(
        indicator.code,
        year,
        tile.as_of_month.date(),
        filters.unit_filter,
        filters.as_of,
        scope=reader_scope(),
    )
    fetched.append(standing)
    standings[indicator.code] = standing.frame
    through[indicator.code] = tile.as_of_month.date()
# Computed once per view and data version (the warm-up computes the default view's), read
# by every visit after (issue 12).
attention = cached.attention_list(
    standings,
    {code: series_by_code[code] for code in standings},
    year,
    today,
    ATTENTION_PER_INDICATOR,
)
words = _tables.overview_attention_words(
    attention, shown, lang, through, tile_inputs, standings.values()
)
if not shown:
    _ui.empty_state(lang, t("attention_no_data", lang, year=year))
elif not standings:
    _ui.empty_state(lang, t("attention_no_target", lang, year=year))
elif attention.empty:
    _ui.empty_state(lang, t("attention_empty", lang))
else:
    sections = words.sections
    with st.container(key="attention-list"):
        # One element for every section (issue 12: each element is built and drawn as it
        # arrives; it was one a section).
        st.markdown(
            "\n\n".join(f"**{heading}**\n\n" + "\n".join(lines) for heading, lines, _ in sections)
        )
    _rankings.scorecard_picker(attention, lang, key="attention")
    # The tables (four data grids) are built and mounted only once the expander is opened:
    # closed, it costs the first screen nothing (issue 12, drawing promise).
    tables = st.expander(
        t("attention_as_table", lang),
        icon=":material/table_view:",
        key="attention-tables",
        on_change="rerun",
    )
    with tables:
        for heading, _lines, code in sections if tables.open else ():
            frame, config = _tables.attention_table(attention, lang, code)
            if frame.empty:
                continue
            st.markdown(f"**{heading}**")
            key = code or "not-reported"
            with st.container(key=f"attention-table-{key}"):
                event = _ui.dataframe(
                    _tables.styled(frame, config, lang),
                    hide_index=True,
                    width="stretch",
                    column_config=config,
                    on_select="rerun",
                    selection_mode="single-row",
                    key=f"attention-rows-{key}",
                    placeholder=MISSING,
                )
            rows = _ui.selected_rows(event)
            if rows:
                chosen = attention[
                    attention["section"] == SECTION_NOT_REPORTED
                    if code is None
                    else (attention["indicator_code"] == code)
                    & (attention["section"] != SECTION_NOT_REPORTED)
                ].reset_index(drop=True)
                _ui.open_scorecard(str(chosen.loc[rows[0], "unit_id"]))
    _ui.download_buttons(
        words.download,
        _file_name("can-chu-y"),
        lang,
        key="attention",
        about=_about(t("attention_title", lang)),
        unit_detail=True,
    )
with summary_slot:
    _summary.render(words.summary, lang)
with stale_slot:
    _ui.stale_banner(fetched, lang)
st.caption(t("credits_units", lang))
