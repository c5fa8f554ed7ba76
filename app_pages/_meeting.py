"""Meeting mode's pieces: the figures (the engine's tiles and attention ranking), the slides,
the refresh clock and the link to the same view on another device.

Nothing is computed here that the Overview does not compute the same way: the tiles come
from :func:`data_access.cached.headline_tile`, the units from the attention ranking
(:func:`metrics.overview.rank_for_tile`, :func:`metrics.overview.combine_attention`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import _tables, _tiles, _ui
from app_pages._auth import reader_scope
from charts.tile import make_tile_figure
from data_access import cached
from data_access.sources import SourceReport
from i18n import (
    catalogue,
    code_span,
    escape_markdown,
    fmt_date,
    fmt_month,
    fmt_percent,
    fmt_pp,
    fmt_value,
    t,
)
from metrics.attention import MET, MISSED
from metrics.clock import city_today, to_city_time, utc_now
from metrics.meeting import (
    MAX_UNITS,
    REFRESH_S,
    UNITS_PER_INDICATOR,
    Section,
    Slide,
    SlideKind,
    Standing,
    app_root,
    qr_png,
    share_url,
)
from metrics.overview import (
    SECTION_LOWEST,
    SECTION_NOT_REPORTED,
    combine_attention,
    published_for_year,
    rank_for_tile,
)
from metrics.palette import STATUS_STYLES
from metrics.registry import Grain, Indicator, get_indicator, headline_indicators
from metrics.status import Status
from metrics.tiles import Tile

MEETING_CHART_HEIGHT = 300
"""The tile chart on a slide, in pixels: readable across a room, and the slide still fits
1366×1024."""

PUBLIC_URL_VARIABLE = "DASHBOARD_PUBLIC_URL"
"""The app's public root address, for the QR code (the server cannot know it)."""

STYLE = """
<style>
/* Meeting mode only (this style is drawn by the meeting page alone): no menu, no filters. */
.st-key-menu-bar, .st-key-filters-slot { display: none !important; }
[data-testid="stMainBlockContainer"] {
  max-width: 100% !important; padding: 3.6rem clamp(0.75rem, 3vw, 3rem) 1rem !important;
}
.st-key-meeting-controls button {
  min-height: 3.4rem; min-width: 3.4rem; padding: 0.4rem 1.4rem; font-size: 1.2rem;
}
.st-key-meeting-controls button p { font-size: 1.2rem; }
@media (max-width: 640px) {
  .st-key-meeting-controls { gap: 0.4rem !important; }
  .st-key-meeting-controls button { padding: 0.4rem 0.7rem; min-width: 0; }
  .st-key-meeting-controls button p { font-size: 1.05rem; }
}
.st-key-meeting-bar button { min-height: 2.9rem; }
.st-key-meeting-slide { font-size: clamp(1.05rem, 0.8vw + 0.7rem, 1.7rem); }
.st-key-meeting-slide [data-testid="stMarkdownContainer"],
.st-key-meeting-slide [data-testid="stMarkdownContainer"] p,
.st-key-meeting-slide [data-testid="stMarkdownContainer"] li { font-size: inherit; }
.st-key-meeting-slide .stMarkdownBadge { font-size: 0.8em !important; }
.st-key-meeting-status .stMarkdownBadge { font-size: 1.25em !important; padding: 0.1em 0.5em; }
.st-key-meeting-units li { margin-bottom: 0.6em; }
.st-key-meeting-slide h2 { font-size: clamp(1.6rem, 1.6vw + 1rem, 3rem); padding: 0 0 0.5rem; }
.st-key-meeting-slide h3 { font-size: clamp(1.3rem, 1.2vw + 0.9rem, 2.4rem); padding: 0; }
.st-key-meeting-slide [data-testid="stMetricValue"] {
  font-size: clamp(2.8rem, 4vw + 1rem, 6rem);
}
.st-key-meeting-slide [data-testid="stMetricLabel"] p,
.st-key-meeting-slide [data-testid="stMetricDelta"] {
  font-size: clamp(1rem, 0.8vw + 0.7rem, 1.7rem);
}
.st-key-meeting-slide [data-testid="stCaptionContainer"] { font-size: 0.8em; }
/* The four headlines: four in a row on a wide screen, two on a tablet, one on a phone. */
.st-key-meeting-headlines { container-type: inline-size; gap: 1rem !important; }
.st-key-meeting-headlines > div { flex: 1 1 100%; min-width: 0; }
@container (min-width: 560px) {
  .st-key-meeting-headlines > div { flex: 0 0 calc(50% - 0.5rem); }
}
@container (min-width: 1500px) {
  .st-key-meeting-headlines > div { flex: 0 0 calc(25% - 0.75rem); }
}
.st-key-meeting-headlines [data-testid="stMetricValue"] {
  font-size: clamp(2.2rem, 2.4vw + 1rem, 4.5rem);
}
.st-key-meeting-headlines h3 { font-size: clamp(1.2rem, 0.8vw + 0.9rem, 2rem) !important; }
.st-key-meeting-headlines [data-testid="stVerticalBlock"] { gap: 0.5rem; }
</style>
"""


@dataclass(frozen=True, slots=True)
class MeetingData:
    """What the slides show, as the engine computed it for the chosen filters."""

    tiles: dict[str, Tile | None]
    units: pd.DataFrame
    """The attention ranking (``combine_attention``), at most ``MAX_UNITS`` rows."""
    fetched: list[cached.Fetched]
    is_demo: bool
    series: dict[str, pd.DataFrame]
    """Each headline indicator's series at the chosen scope, for the tile chart."""
    published: pd.DataFrame
    """The city's published figures (empty when a part of the city is chosen)."""
    failing: dict[str, SourceReport]
    """Each headline indicator whose declared source fails a contract (issue 14): not
    assessed, so no tile, no slide of its own and no units in the ranking."""
    read_for: tuple[object, ...] = ()
    """What the figures were read and computed for (the filters, the day, the reader's
    scope): with the series, what a slide's chart depends on (:func:`item_slide`)."""

    @property
    def standings(self) -> list[Standing]:
        """The tiles' statuses and headline gaps, in the registry's order."""
        return [
            Standing(tile.indicator_code, tile.status, tile.headline.gap)
            for tile in self.tiles.values()
            if tile is not None
        ]


def load(filters: _ui.Filters) -> MeetingData:
    """The four tiles and the units holding the city back, for ``filters`` (cached reads)."""
    return read(filters, scope=reader_scope())


def read(filters: _ui.Filters, *, scope: cached.Scope) -> MeetingData:
    """:func:`load` for a reader limited to ``scope``, with nothing drawn: the warm-up's step
    for the Meeting page (``app_pages._warm_up``). The attention list is kept per inputs
    that hold no language (the same units in either), so one warm-up serves both."""
    fetched: list[cached.Fetched] = []
    tiles: dict[str, Tile | None] = {}
    ranked: list[tuple[pd.DataFrame, Indicator, Tile]] = []
    read_for = (filters, filters.today, scope)
    inputs: list[object] = [dataclasses.replace(filters, lang=""), filters.today, scope]
    frames: dict[str, pd.DataFrame] = {}
    failing = cached.failing_sources(city_today())
    for indicator in headline_indicators():
        if indicator.code in failing:
            tiles[indicator.code] = None
            continue
        series = cached.scope_series(
            indicator.code, filters.unit_filter, filters.as_of, scope=scope
        )
        fetched.append(series)
        frames[indicator.code] = series.frame
        tile = cached.headline_tile(series.frame, indicator.code, filters.year, filters.today)
        tiles[indicator.code] = tile
        if indicator.grain is Grain.CITY or tile is None or tile.target_value is None:
            continue
        standing = cached.unit_standing(
            indicator.code,
            filters.year,
            tile.as_of_month.date(),
            filters.unit_filter,
            filters.as_of,
            scope=scope,
        )
        fetched.append(standing)
        ranked.append((standing.frame, indicator, tile))
        inputs += [indicator.code, series.frame, standing.frame]
    is_demo = any(
        bool(f.frame["is_demo"].any())
        for f in fetched
        if not f.frame.empty and "is_demo" in f.frame.columns
    )
    published = cached.published()
    fetched.append(published)
    units = _attention(_ui.figure_inputs_key(*inputs), ranked)
    return MeetingData(
        tiles,
        units,
        fetched,
        is_demo,
        frames,
        published.frame if filters.unit_filter.is_whole_city else published.frame.iloc[0:0],
        {code: report for code, report in failing.items() if code in tiles},
        read_for,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _attention(inputs: str, _ranked: list[tuple[pd.DataFrame, Indicator, Tile]]) -> pd.DataFrame:
    """The units holding the city back (:func:`metrics.overview.combine_attention` of each
    indicator's :func:`metrics.overview.rank_for_tile`), kept per ``inputs``: the filters, the
    day, the scope, and each ranked indicator's series and standing by their source keys
    (the tiles are computed from those)."""
    rankings = {
        indicator.code: rank_for_tile(standing, indicator, tile)
        for standing, indicator, tile in _ranked
    }
    return combine_attention(
        rankings, UNITS_PER_INDICATOR, max_not_reported=MAX_UNITS - UNITS_PER_INDICATOR * 3
    )


def section_label(section: Section, lang: str) -> str:
    """A part of the agenda, in words."""
    return t(f"meeting_section_{section.value}", lang)


def local_time(moment_utc: dt.datetime, lang: str) -> str:
    """``14:05:09 28/11/2026``: a moment (naive UTC) in the city's time."""
    local = to_city_time(moment_utc)
    return f"{local:%H:%M:%S} " + fmt_date(local.date(), lang)


def refresh_clock(filters: _ui.Filters) -> None:
    """When the figures were last refreshed, and the time the warehouse was read.

    Drawn by a fragment that reruns every :data:`REFRESH_S`: it reads the figures again
    (a new load shows up once the cache's five minutes are over) without reloading the page.
    """
    lang = filters.lang
    try:
        data = load(filters)
    except cached.WarehouseUnavailableError as error:
        _ui.warehouse_lost(lang, error)
        return
    fetched_at = min(f.fetched_at for f in data.fetched)
    with st.container(key="meeting-clock"):
        st.caption(
            ":material/update: "
            + t(
                "meeting_refreshed",
                lang,
                time=local_time(utc_now(), lang),
                seconds=REFRESH_S,
                fetched=local_time(fetched_at, lang),
            )
        )
    _ui.stale_banner(data.fetched, lang)


def _status_markdown(status: Status, lang: str) -> str:
    """A status as a badge in Markdown: colour, icon and word."""
    style = STATUS_STYLES[status]
    return f":{style.badge_color}-badge[{style.icon} {t(f'status_{status.value}', lang)}]"


def _heading(title: str, is_demo: bool, lang: str, kicker: str | None = None) -> None:
    """The slide's kicker and the demo label first (no screen size pushes them out of
    sight; every slide carries the label), then its title."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if kicker:
            st.caption(kicker)
        if is_demo:
            st.badge(t("demo_badge", lang), icon=":material/science:", color="violet")
    st.markdown(f"## {title}")


def _arrow(gap: float | None) -> Literal["up", "down", "off"]:
    rounded = round(gap, 1) if gap is not None else 0.0
    return "up" if rounded > 0 else "down" if rounded < 0 else "off"


def _slide_chart(series: pd.DataFrame, tile: Tile, lang: str, published: pd.DataFrame) -> go.Figure:
    """The Overview tile's chart (this year, last year, the target or milestones, the
    projection band, published figures) at a size a room can read."""
    indicator = get_indicator(tile.indicator_code)
    figure = make_tile_figure(
        series, indicator, tile, lang, published_for_year(published, indicator, None)
    ).update_layout(height=MEETING_CHART_HEIGHT, font={"size": 15})
    figure.update_xaxes(tickfont={"size": 14})
    figure.update_yaxes(tickfont={"size": 14})
    # The published figures' labels, too.
    figure.update_traces(textfont={"size": 14}, selector=lambda trace: bool(trace.text))
    return figure


def item_slide(tile: Tile, position: tuple[int, int], data: MeetingData, lang: str) -> None:
    """One headline indicator that is not on track, full screen: the Overview tile's big
    number, status, gap and why, in a room's type size."""
    indicator = get_indicator(tile.indicator_code)
    headline = tile.headline
    kicker = t("meeting_item_kicker", lang, n=position[0], total=position[1])
    _heading(indicator.name(lang), data.is_demo, lang, kicker)
    facts = [_tiles.target_line(tile, indicator, lang)]
    if not _tiles.is_closed(tile):  # a closed year has nothing left to forecast
        facts += [
            (t("tile_projection_label", lang), _tiles.projection_text(tile, indicator, lang)),
            (t("tile_probability_label", lang), _tiles.probability_text(tile, lang)),
            _tiles.pace_line(tile, lang),
        ]
    # Figures on the left, the chart on the right; Streamlit stacks the two on a phone.
    figures, chart = st.columns([5, 6], gap="large")
    with figures:
        with st.container(key="meeting-status"):
            st.markdown(_tiles.badge_markdown(tile, lang))
        gap = headline.gap
        st.metric(
            _tiles.headline_label(tile, lang),
            fmt_value(headline.value, indicator.unit, lang, indicator.decimals),
            delta=fmt_pp(gap, lang) if gap is not None else None,
            delta_color=STATUS_STYLES[tile.status].badge_color,
            delta_arrow=_arrow(gap),
            delta_description=_tiles.headline_comparison(tile, indicator, lang) if gap else None,
        )
        st.markdown("\n".join(f"- {label}: **{value}**" for label, value in facts))
    series = data.series.get(tile.indicator_code)
    with chart:
        if series is not None and not series.empty:
            # The Overview tile's chart (this year, last year, the target or milestones, the
            # projection band, published figures) at a size a room can read.
            _ui.show_spec(slide_chart(tile, series, data, lang))
            st.caption(_tiles.chart_key(tile, indicator, lang))
    st.markdown(f"**{t('tile_why_label', lang)}** " + _tiles.why_line(tile, indicator, lang))
    st.caption(_tiles.as_of_text(tile, indicator, lang))


def slide_chart(tile: Tile, series: pd.DataFrame, data: MeetingData, lang: str) -> _ui.FigureSpec:
    """The chart of :func:`item_slide` for ``tile`` (in ``lang``, the language ``data`` was
    read for), not drawn."""
    return _ui.FigureSpec(
        lambda: _slide_chart(series, tile, lang, data.published),
        f"meeting-chart-{tile.indicator_code}",
        (*data.read_for, tile.indicator_code, series, data.published),
    )


def default_figures(filters: _ui.Filters, *, scope: cached.Scope) -> int:
    """Every item slide's chart for ``filters``, in the filters' language, prepared as the
    page shows them (``_ui.prepare_spec``) for a reader limited to ``scope``: the warm-up's
    step for the Meeting page's figures. Returns how many."""
    data = read(filters, scope=scope)
    count = 0
    for code, tile in data.tiles.items():
        series = data.series.get(code)
        if tile is not None and series is not None and not series.empty:
            _ui.prepare_spec(slide_chart(tile, series, data, filters.lang), filters.lang)
            count += 1
    return count


def headlines_slide(data: MeetingData, year: int, lang: str) -> None:
    """The four headline indicators: name, status, the big number, target."""
    _heading(t("meeting_headlines_title", lang, year=year), data.is_demo, lang)
    with st.container(horizontal=True, key="meeting-headlines", gap="medium"):
        for indicator in headline_indicators():
            tile = data.tiles.get(indicator.code)
            report = data.failing.get(indicator.code)
            if report is not None:  # said in place of its card, as on the Overview
                _tiles.render_source_failure(
                    indicator, report, lang, f"meeting-headline-{indicator.code}"
                )
                continue
            with st.container(border=True, key=f"meeting-headline-{indicator.code}"):
                st.markdown(f"### {indicator.short(lang)}")
                if tile is None:
                    st.markdown(t("meeting_no_tile", lang, year=year))
                    continue
                st.markdown(_tiles.badge_markdown(tile, lang))
                st.metric(
                    _tiles.headline_label(tile, lang),
                    fmt_value(tile.headline.value, indicator.unit, lang, indicator.decimals),
                )
                label, value = _tiles.target_line(tile, indicator, lang)
                st.markdown(f"{label}: **{value}**")
                st.caption(_tiles.as_of_text(tile, indicator, lang))


def unit_lines(units: pd.DataFrame, first: int, count: int, lang: str) -> list[str]:
    """Lines of the attention ranking, ``first`` to ``first + count`` (unit names from the
    warehouse are escaped: they are outside text): the unit, its figure, its gap in natural
    units (``chậm 2.140 tỷ đồng so với tiến độ``) and its status; a unit that has not
    reported says so first."""
    name_column = "name_vi" if lang == "vi" else "name_en"
    lines = []
    rows = units.iloc[first : first + count].to_dict("records")
    for rank, row in enumerate(rows, start=first + 1):
        unit_status = str(row["unit_status"])
        status = (
            _tables.unit_status_badge(unit_status, lang)
            if unit_status in (MET, MISSED)
            else _status_markdown(Status(unit_status), lang)
        )
        if row["is_newly_red"]:
            status += f" :red-badge[:material/fiber_new: {t('meeting_newly_off_track', lang)}]"
        code = str(row["indicator_code"])
        values = {
            "rank": rank,
            "unit": escape_markdown(str(row[name_column])),
            "indicator": get_indicator(code).short(lang),
            "value": fmt_percent(float(row["value"]), lang),
            "impact": _tables.impact_sentence(row, lang),
            "status": status,
        }
        if row["section"] == SECTION_LOWEST:
            group = f"attention_group_{row['unit_type']}"
            values["impact"] = t(
                "meeting_unit_lowest",
                lang,
                group=t(group, lang) if group in catalogue(lang) else str(row["unit_type"]),
            )
            lines.append(t("meeting_unit_line_impact", lang, **values))
        elif row["section"] == SECTION_NOT_REPORTED:
            month = row.get("through_month")
            period = fmt_month(month, lang) if isinstance(month, dt.date) else ""
            lines.append(t("meeting_unit_line_not_reported", lang, **values, period=period))
        else:
            lines.append(t("meeting_unit_line_impact", lang, **values))
    return lines


def units_slide(slide: Slide, data: MeetingData, lang: str) -> None:
    """A page of the units holding the city back."""
    title = t(
        "meeting_units_title",
        lang,
        first=slide.first + 1,
        last=slide.first + slide.count,
        total=len(data.units),
    )
    _heading(title, data.is_demo, lang)
    st.caption(t("meeting_units_help", lang))
    with st.container(key="meeting-units"):
        st.markdown("\n".join(unit_lines(data.units, slide.first, slide.count, lang)))


def draw_slide(
    slide: Slide, slides: Sequence[Slide], data: MeetingData, year: int, lang: str
) -> None:
    """One slide, in the keyed container the page's style sizes for a room."""
    with st.container(key="meeting-slide"):
        if slide.kind is SlideKind.ITEM:
            items = [s for s in slides if s.kind is SlideKind.ITEM]
            tile = data.tiles.get(slide.indicator_code or "")
            if tile is not None:
                item_slide(tile, (items.index(slide) + 1, len(items)), data, lang)
                return
        if slide.kind is SlideKind.UNITS and not data.units.empty:
            units_slide(slide, data, lang)
            return
        headlines_slide(data, year, lang)


def public_root() -> tuple[str | None, str | None]:
    """(the app's root address for the QR code, a refused configured address or None).

    ``DASHBOARD_PUBLIC_URL``, else ``[meeting] public_url`` in secrets, else the address
    the browser opened (``st.context.url``): behind a proxy only the first two are right.
    """
    configured = os.environ.get(PUBLIC_URL_VARIABLE)
    if not configured:
        try:
            section = st.secrets.get("meeting")
            configured = section.get("public_url") if section is not None else None
        except (
            FileNotFoundError,
            KeyError,
            AttributeError,
            st.errors.StreamlitSecretNotFoundError,
        ):
            configured = None
    refused = None
    if configured:
        root = app_root(str(configured))
        if root is not None:
            return root, None
        refused = str(configured)
    browser_url = st.context.url
    return (app_root(browser_url) if browser_url else None), refused


@st.cache_data(max_entries=16, show_spinner=False)
def _qr(url: str) -> bytes:
    return qr_png(url)


def share_panel(params: Mapping[str, str | Sequence[str]], lang: str) -> None:
    """The QR code and the link that open this same view on another device."""
    root, refused = public_root()
    with st.popover(t("meeting_share", lang), icon=":material/qr_code_2:"):
        if refused is not None:
            st.warning(
                t("meeting_public_url_invalid", lang, value=code_span(refused[:200])),
                icon=":material/link_off:",
            )
        if root is None:
            st.info(t("meeting_share_unknown", lang), icon=":material/qr_code_2:")
            return
        link = share_url(root, params)
        st.caption(t("meeting_share_help", lang))
        st.image(_qr(link), width=280)
        st.markdown(t("meeting_share_link", lang, link=code_span(link)))
