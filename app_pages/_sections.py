"""Sections the indicator pages share: the view of one scope (the city, a former province, a
unit, a procedure), its headline numbers, its trend against the target, the comparisons,
and the ranking and map of units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import _page, _rankings, _tiles, _ui
from app_pages._auth import out_of_scope, reader_scope
from charts.comparison import make_groups_figure
from charts.trend import make_trend_figure
from data_access import cached
from data_access.queries import UnitFilter
from i18n import basis_text, catalogue, fmt_month, fmt_value, t
from metrics.comparisons import GROUP_ORDER
from metrics.freshness import check_freshness
from metrics.overview import published_for_year
from metrics.rankings import ranking_table
from metrics.reference import COMMUNE_LEVEL_TYPES, FORMER_PROVINCES
from metrics.registry import Indicator, get_indicator
from metrics.tiles import Tile
from metrics.trends import published_in_year, trend_frame, year_on_year


@dataclass(frozen=True, slots=True)
class View:
    """One indicator at one scope, as the page shows it."""

    filters: _ui.Filters
    indicator: Indicator
    unit: dict[str, object] | None
    procedure: tuple[str, str] | None
    """(code, name) of the procedure shown, if any."""
    scope: UnitFilter
    words: str
    """The scope in words (a unit's name, a province, ``toàn Thành phố``)."""
    series: pd.DataFrame
    tile: Tile | None
    published: pd.DataFrame
    """The indicator's own published figures (city scope only), as known on the day."""
    is_demo: bool
    reader: str | None = None
    """The reader's scope it was read for (None: the whole city)."""

    @property
    def through(self) -> dt.date | None:
        """The month the figures are read to (the latest complete one of the year)."""
        return self.tile.as_of_month.date() if self.tile is not None else None


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs={pd.DataFrame: cached.frame_key})
def _trend_frame(series: pd.DataFrame, year: int, through: dt.date | None) -> pd.DataFrame:
    """:func:`metrics.trends.trend_frame` of a series read, kept on the series' source key
    (query, parameters, data version; :func:`data_access.cached.frame_key`), the year and
    the month it runs to."""
    return trend_frame(series, year, through)


def view_inputs(view: View) -> tuple[object, ...]:
    """What a figure built from ``view`` depends on, as inputs of
    :func:`app_pages._ui.show_cached_figure`: the filters and the day, the indicator, the
    unit, procedure and scope, the reader's scope, and the frames read for it."""
    return (
        view.filters,
        view.filters.today,
        view.indicator.code,
        view.unit,
        view.procedure,
        view.scope,
        view.words,
        view.reader,
        view.series,
        view.published,
    )


def load_view(
    filters: _ui.Filters,
    indicator: Indicator,
    unit: dict[str, object] | None = None,
    procedure: tuple[str, str] | None = None,
) -> View:
    """Read one indicator at the chosen scope (as it stood on the "as of" day), for the
    reader (:func:`read_view` in the reader's scope)."""
    return read_view(filters, indicator, unit, procedure, scope=reader_scope())


def read_view(
    filters: _ui.Filters,
    indicator: Indicator,
    unit: dict[str, object] | None = None,
    procedure: tuple[str, str] | None = None,
    *,
    scope: cached.Scope,
) -> View:
    """:func:`load_view` for a reader limited to ``scope`` (None: the whole city). No
    element is drawn: the warm-up reads the pages' default views through it
    (``app_pages._warm_up``), so that its cache keys are the pages' own."""
    chosen = _page.scope_filter(filters, str(unit["unit_id"]) if unit else None)
    key = f"procedure:{procedure[0]}" if procedure else ""
    fetched = cached.scope_series(indicator.code, chosen, filters.as_of, key, scope=scope)
    series = fetched.frame
    tile = (
        cached.headline_tile(series, indicator.code, filters.year, filters.today)
        if not series.empty and indicator.is_rate
        else None
    )
    city_level = chosen.is_whole_city and procedure is None
    published = _page.published_now(filters)
    own = published_for_year(published, indicator, None) if city_level else published.iloc[0:0]
    words = _page.scope_words(filters, unit)
    if procedure is not None:
        words = f"{procedure[1]} — {words}"
    is_demo = bool(series["is_demo"].any()) if not series.empty else False
    return View(
        filters, indicator, unit, procedure, chosen, words, series, tile, own, is_demo, scope
    )


def trend_months(view: View, series: pd.DataFrame | None = None) -> pd.DataFrame:
    """The year's months of ``series`` (the view's own by default) to the month the view is
    read to (:func:`metrics.trends.trend_frame`), kept per series, year and month."""
    chosen = view.series if series is None else series
    return _trend_frame(chosen, view.filters.year, view.through)


def companion_series(view: View, code: str, *, scope: cached.Scope) -> pd.DataFrame:
    """A companion rate's series at the view's scope, for a reader limited to ``scope``."""
    return cached.scope_series(code, view.scope, view.filters.as_of, scope=scope).frame


def _communes(filters: _ui.Filters) -> UnitFilter:
    """The wards, communes and special zone of the chosen former provinces (and types)."""
    return UnitFilter(
        former_provinces=filters.unit_filter.former_provinces,
        unit_types=tuple(
            u
            for u in (filters.unit_filter.unit_types or COMMUNE_LEVEL_TYPES)
            if u in COMMUNE_LEVEL_TYPES
        )
        or COMMUNE_LEVEL_TYPES,
    )


def province_series(view: View, *, scope: cached.Scope) -> pd.DataFrame:
    """The three former provinces' series (their wards, communes and special zone), for a
    reader limited to ``scope``; raises :class:`cached.OutOfScopeError` for a unit."""
    communes = _communes(view.filters)
    return cached.series_by_group(
        view.indicator.code, communes, view.filters.as_of, scope=scope
    ).frame


def ranking(view: View, *, scope: cached.Scope) -> pd.DataFrame | None:
    """Every unit's figures in the filters' scope to the month the view is read to, for a
    reader limited to ``scope``; None before the year has a complete month."""
    if view.through is None:
        return None
    return cached.unit_ranking(
        view.indicator.code,
        view.filters.year,
        view.through,
        view.filters.unit_filter,
        view.filters.as_of,
        scope=scope,
    ).frame


def view_reads(view: View, companions: tuple[str, ...] = (), *, scope: cached.Scope) -> None:
    """What the shared sections read and compute for ``view`` whatever the language, for a
    reader limited to ``scope``: its trend months, each companion's series and months, and
    for the whole scope the former provinces' series and the units' ranking."""
    trend_months(view)
    for code in companions:
        trend_months(view, companion_series(view, code, scope=scope))
    if view.unit is None and view.procedure is None:
        province_series(view, scope=scope)
        ranking(view, scope=scope)


def _target_value(tile: Tile | None) -> float | None:
    return tile.target_value if tile is not None else None


def target_label(view: View) -> str:
    """``Chỉ tiêu năm 2026: ≥ 50%`` (whether it is carried forward is said in the caption)."""
    tile = view.tile
    if tile is None or tile.target_in_force is None:
        return ""
    label = t("tile_target_label", view.filters.lang, year=tile.year)
    target = tile.target_in_force.target
    text = target_text(target.value, target.comparator, view.indicator, view.filters.lang)
    return f"{label}: {text}"


def target_text(value: float, comparator: str, indicator: Indicator, lang: str) -> str:
    """A target as published: ``≥ 50%``, ``≥ 7,5%`` (no trailing ``,0``)."""
    decimals = 0 if float(value).is_integer() else indicator.decimals
    symbol = comparator.replace(">=", "≥").replace("<=", "≤")
    return f"{symbol} {fmt_value(value, indicator.unit, lang, decimals)}"


def target_note(view: View) -> str:
    """The target in force in full: ``≥ 50% (chỉ tiêu năm 2025 tiếp tục áp dụng)``."""
    if view.tile is None:
        return ""
    label, text = _tiles.target_line(view.tile, view.indicator, view.filters.lang)
    return f"{label}: {text}"


def _published_points(view: View) -> pd.DataFrame:
    """The year's published figures as the trend chart labels them."""
    lang = view.filters.lang
    rows = published_in_year(view.published, view.filters.year)
    if rows.empty:
        return rows
    words = catalogue(lang)
    texts, labels = [], []
    for row in rows.to_dict("records"):
        qualifier = str(row.get("qualifier", "exact"))
        prefix = words.get(f"qualifier_{qualifier}", "") if qualifier != "exact" else ""
        value = float(row["value"])
        decimals = 2 if round(value, 1) != round(value, 2) else view.indicator.decimals
        texts.append(prefix + fmt_value(value, view.indicator.unit, lang, decimals))
        territory = str(row.get("territory", ""))
        where = t("territory_pre_merger", lang) if territory == "pre_merger" else ""
        labels.append(basis_text(str(row["basis"]), lang) + (f" — {where}" if where else ""))
    return rows.assign(text=texts, label=labels)


def headline(view: View, companions: tuple[str, ...] = ()) -> None:
    """The scope's figures in a row: the latest month and the year to date (against the same
    month last year and the target), then companion indicators' years to date."""
    lang, indicator = view.filters.lang, view.indicator
    trend = trend_months(view)
    change = year_on_year(trend)
    higher = indicator.direction == "higher"
    if change is None or view.tile is None:
        _ui.empty_state(lang, t("empty_indicator_year", lang, year=view.filters.year))
        return
    columns = iter(st.columns(2 + len(companions)))
    with next(columns):
        st.metric(
            t("tile_result_month", lang, month=fmt_month(change.month, lang)),
            fmt_value(change.value, indicator.unit, lang, indicator.decimals),
            **_ui.delta_args(change.change_pp, lang, higher_is_better=higher),
            delta_description=t("yoy_description", lang),
            border=True,
        )
    gap = view.tile.gap
    with next(columns):
        st.metric(
            t("tile_ytd_label", lang, year=view.filters.year),
            fmt_value(change.ytd, indicator.unit, lang, indicator.decimals),
            **_ui.delta_args(gap, lang),
            delta_description=t("tile_gap_description", lang),
            border=True,
        )
    for code in companions:
        with next(columns):
            _companion(view, get_indicator(code))
    tile = view.tile
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if _tiles.is_closed(tile) and tile.year_result is not None:
            _tiles.result_badge(tile.year_result, lang)
        else:
            _tiles.status_badge(tile.status, lang)
            projection = _tiles.projection_text(tile, indicator, lang)
            probability = _tiles.probability_inline(tile, lang)
            st.markdown(
                f"{t('tile_projection_label', lang)}: **{projection}**"
                f" · {t('tile_probability_label', lang)}: **{probability}**"
            )
    tile_facts(view, tile)


def about_lines(view: View, page_key: str) -> list[tuple[str, str]]:
    """What a download from ``view`` covers: :func:`_page.about` for its scope, the month
    its figures are read to and whether they are demo data."""
    return _page.about(
        view.filters,
        page_key,
        scope=view.words,
        data_as_of=view.through,
        is_demo=view.is_demo,
    )


def tile_facts(view: View, tile: Tile) -> None:
    """The line under a headline (:func:`_page.facts`) for ``tile``: the month read to,
    its freshness (an open year only), and the info drawer with the projection and the
    figure's source."""
    indicator, lang = view.indicator, view.filters.lang
    freshness = (
        None
        if _tiles.is_closed(tile)
        else check_freshness(indicator, tile.as_of_month.date(), view.filters.today)
    )
    _page.facts(
        indicator,
        lang,
        as_of_month=tile.as_of_month,
        freshness=freshness,
        is_demo=view.is_demo,
        published=view.published,
        projection=tile.projection,
        source=_ui.FigureSource(
            indicator.code, tile.as_of_month.date(), view.scope, view.filters.as_of, tile.year
        ),
    )


def _companion(view: View, indicator: Indicator) -> None:
    """A companion rate's year to date at the same scope, against the same months a year
    earlier (it has no target of its own)."""
    lang = view.filters.lang
    if _page.source_failure_in(indicator, lang, f"not-assessable-ytd-{indicator.code}"):
        return
    series = companion_series(view, indicator.code, scope=reader_scope())
    change = year_on_year(trend_months(view, series))
    value = change.ytd if change is not None else None
    delta = change.ytd_change_pp if change is not None else None
    st.metric(
        t("companion_ytd", lang, indicator=indicator.short(lang)),
        fmt_value(value, indicator.unit, lang, indicator.decimals),
        **_ui.delta_args(delta, lang, higher_is_better=indicator.direction == "higher"),
        delta_description=t("yoy_description", lang),
        border=True,
        help=indicator.text("definition", lang),
    )


def trend(view: View, key: str) -> pd.DataFrame:
    """The year's months against the target, with the projection and published figures.
    Returns the months shown (for the download)."""
    _ui.show_spec(trend_figure(view, key))
    st.caption(t("trend_help", view.filters.lang, target=target_note(view)))
    return trend_months(view)


def trend_figure(view: View, key: str) -> _ui.FigureSpec:
    """The figure of :func:`trend` (in the view's language), not drawn."""
    lang, indicator = view.filters.lang, view.indicator
    frame = trend_months(view)
    tile = view.tile
    fan = tile.projection.fan if tile is not None and not _tiles.is_closed(tile) else None
    return _ui.FigureSpec(
        lambda: make_trend_figure(
            frame,
            indicator,
            lang,
            title=t(
                "trend_title",
                lang,
                indicator=indicator.short(lang),
                scope=view.words,
                year=view.filters.year,
            ),
            target=_target_value(tile),
            target_label=target_label(view),
            fan=fan,
            published=_published_points(view),
            published_label=t("published_figure", lang),
        ),
        f"trend-{key}",
        view_inputs(view),
    )


def companion_trends(view: View, codes: tuple[str, ...], key: str) -> None:
    """Companion rates (on time, e-results) beside each other, the same months, no target."""
    lang = view.filters.lang
    columns = st.columns(len(codes))
    for column, code in zip(columns, codes, strict=True):
        indicator = get_indicator(code)
        with column:
            if _page.source_failure_in(indicator, lang, f"not-assessable-trend-{key}-{code}"):
                continue
        with column:
            _ui.show_spec(companion_figure(view, code, key))
            st.caption(t("no_target_published", lang))


def companion_figure(view: View, code: str, key: str) -> _ui.FigureSpec:
    """A companion rate's figure of :func:`companion_trends` (in the view's language), not
    drawn."""
    series = companion_series(view, code, scope=view.reader)
    frame = trend_months(view, series)
    return _ui.FigureSpec(
        partial(
            _companion_figure, frame, get_indicator(code), view.filters.lang, view.filters.year
        ),
        f"companion-{key}-{code}",
        (*view_inputs(view), code, series),
    )


def _companion_figure(frame: pd.DataFrame, indicator: Indicator, lang: str, year: int) -> go.Figure:
    figure = make_trend_figure(
        frame,
        indicator,
        lang,
        title=t("trend_title_short", lang, indicator=indicator.short(lang), year=year),
        target=None,
        target_label="",
    )
    return figure.update_layout(height=320)


def group_names(lang: str, keys: tuple[str, ...] = GROUP_ORDER) -> dict[str, str]:
    """Drill-down groups' names: the three former provinces, departments, boards."""
    names = {code: pair[0 if lang == "vi" else 1] for code, pair in FORMER_PROVINCES.items()}
    names |= {
        "department": t("unit_type_department", lang),
        "investor": t("unit_type_investor", lang),
    }
    return {k: names[k] for k in keys}


def comparisons(view: View, key: str) -> None:
    """The three former provinces side by side (their wards, communes and special zone),
    each with its own history before July 2025."""
    lang = view.filters.lang
    try:
        spec = provinces_figure(view, key)
    except cached.OutOfScopeError:
        # The former provinces are groups of units, refused to a unit-scoped reader: say so
        # here and carry on with the page (its procedures, ranking and map follow).
        out_of_scope(lang)
        return
    _ui.show_spec(spec)
    st.caption(t("provinces_help", lang))


def provinces_figure(view: View, key: str) -> _ui.FigureSpec:
    """The figure of :func:`comparisons` (in the view's language), not drawn; raises
    :class:`cached.OutOfScopeError` for a unit-scoped reader."""
    lang = view.filters.lang
    series = province_series(view, scope=view.reader)
    shown = dt.date(view.filters.year - 2, 1, 1)
    return _ui.FigureSpec(
        lambda: make_groups_figure(
            series[series["period_year"] <= view.filters.year],
            view.indicator,
            lang,
            title=t("provinces_title", lang, indicator=view.indicator.short(lang)),
            names=group_names(lang, tuple(FORMER_PROVINCES)),
            target=_target_value(view.tile),
            target_label=t("target_short", lang),
            since=shown,
        ),
        f"provinces-{key}",
        (*view_inputs(view), series),
    )


def default_figures(view: View, key: str, companions: tuple[str, ...] = ()) -> list[_ui.FigureSpec]:
    """The shared sections' figures of a whole-scope view with no unit nor procedure
    chosen, in the view's language: its trend, its companions' and the former provinces'.
    The warm-up prepares them (``app_pages._warm_up``)."""
    return [
        trend_figure(view, key),
        *(companion_figure(view, code, key) for code in companions),
        provinces_figure(view, key),
    ]


def unit_table(view: View) -> pd.DataFrame | None:
    """Every unit's standing in the scope (rank, peers, status against the target or the
    milestone path); None before the year has a complete month."""
    return unit_table_for(view)


def unit_table_for(view: View) -> pd.DataFrame | None:
    """:func:`unit_table` for the reader ``view`` was read for, with nothing drawn."""
    return _unit_table(view, ranking(view, scope=view.reader))


def _unit_table(view: View, read: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if read is None else ranking_table(read, view.indicator, benchmark(view))


def benchmark(view: View) -> float | None:
    """What a unit is judged against: the year's target, or for disbursement the milestone
    path to the month the figures are read to."""
    tile = view.tile
    if tile is None:
        return None
    if tile.expected_to_date is not None:
        return tile.expected_to_date
    return tile.target_value


def ranking_and_map(
    view: View,
    key: str,
    *,
    volume_key: str,
    volume_unit: str,
    volume_words: str,
    with_map: bool = True,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame | None:
    """Units ranked in their peer groups (small denominators flagged) and on the map; a
    row or a point opens the unit's scorecard. Returns the ranking table."""
    lang, indicator = view.filters.lang, view.indicator
    table = table if table is not None else unit_table(view)
    if table is None:
        return None
    lines = about_lines(view, "page_" + key)
    st.subheader(t("ranking_title", lang, indicator=indicator.short(lang)))
    _rankings.ranking_section(
        table,
        indicator,
        view.filters,
        key=key,
        volume_key=volume_key,
        stem=f"{key}-xep-hang",
        lines=lines,
        scope=view.words,
    )
    if with_map:
        _rankings.unit_map(
            table,
            indicator,
            lang,
            key=key,
            volume_unit=volume_unit,
            volume_words=volume_words,
            context=view_inputs(view),
        )
    return table
