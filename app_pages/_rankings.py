"""The ranking table and the map of units, shared by the indicator pages. Choosing a row or
a point opens that unit's scorecard."""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pydeck as pdk
import streamlit as st

from app_pages import _page, _ui
from app_pages._auth import reader_scope
from charts.map import AREA_LAYER, POINT_LAYER, make_unit_map
from data_access import cached
from data_access.cached import Boundaries
from i18n import MISSING, escape_markdown, fmt_number, fmt_pp, fmt_signed, fmt_value, t
from metrics.geo import boundaries_from_units
from metrics.palette import STATUS_STYLES
from metrics.rankings import PEER_GROUPS, radius_metres
from metrics.reference import COMMUNE_LEVEL_TYPES, FORMER_PROVINCES
from metrics.registry import Indicator, TimeRollup
from metrics.status import Status


def _province(code: object, lang: str) -> str:
    names = FORMER_PROVINCES.get(str(code))
    return names[0 if lang == "vi" else 1] if names else ""


def ranking_frame(
    table: pd.DataFrame, indicator: Indicator, lang: str, volume_key: str
) -> pd.DataFrame:
    """The ranking as shown and downloaded: numbers stay numbers, the unit in each header."""
    name = "name_vi" if lang == "vi" else "name_en"
    return pd.DataFrame(
        {
            t("col_rank", lang): table["peer_rank"],
            t("col_peer_count", lang): table["peer_count"],
            t("col_unit", lang): table[name],
            t("col_unit_type", lang): [t(f"unit_type_{u}", lang) for u in table["unit_type"]],
            t("filter_former_province", lang): [
                _province(c, lang) for c in table["former_province"]
            ],
            t("col_value_pct", lang): table["value"].round(indicator.decimals),
            t(volume_key, lang): table["denominator"].round(1),
            t("col_gap_pp", lang): (table["value"] - table["benchmark"]).round(1),
            t("col_peer_median_pct", lang): table["peer_median"].round(indicator.decimals),
            t("col_status", lang): [t(f"status_{s}", lang) for s in table["unit_status"]],
            t("col_small_denominator", lang): [
                t("yes" if flag else "no", lang) for flag in table["is_small_denominator"]
            ],
        }
    )


def _styled(frame: pd.DataFrame, lang: str) -> object:
    """Numbers formatted for the reader (1.234,5) while the cells stay numbers to sort."""
    formats: dict[Any, str | Callable[[object], str] | None] = {
        column: partial(_number_text, lang=lang, decimals=decimals)
        for column, decimals in _decimals(frame).items()
    }
    return frame.style.format(formats)


def _number_text(value: object, *, lang: str, decimals: int) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "—"
    return fmt_number(float(value), lang, decimals)  # type: ignore[arg-type]


def _decimals(frame: pd.DataFrame) -> dict[str, int]:
    out: dict[str, int] = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_integer_dtype(series):
            out[column] = 0
        elif pd.api.types.is_float_dtype(series):
            whole = series.dropna()
            out[column] = 0 if (whole == whole.round()).all() else 1
    return out


def ranking_section(
    table: pd.DataFrame,
    indicator: Indicator,
    filters: _ui.Filters,
    *,
    key: str,
    volume_key: str,
    stem: str,
    lines: list[tuple[str, str]],
    scope: str,
) -> None:
    """Units ranked within their peer group; choosing a row opens its scorecard."""
    lang = filters.lang
    groups = [g for g in PEER_GROUPS if g in set(table["unit_type"])]
    if not groups:
        _ui.empty_state(lang, t("empty_filter_matches_nothing", lang))
        return
    group = st.segmented_control(
        t("peer_group_label", lang),
        groups,
        default=groups[0],
        format_func=lambda g: t(f"peer_group_{g}", lang),
        key=f"peer-{key}",
        required=True,
    )
    shown = table[table["unit_type"] == (group or groups[0])].reset_index(drop=True)
    frame = ranking_frame(shown, indicator, lang, volume_key).drop(
        columns=[t("col_unit_type", lang)]
    )
    small = int(shown["is_small_denominator"].sum())
    # "Few dossiers" fits the rates; a disbursement unit is small by its capital plan.
    is_plan = indicator.time_rollup is TimeRollup.CUMULATIVE
    list_help = "ranking_list_help_plan" if is_plan else "ranking_list_help"
    st.caption(t(list_help, lang, count=len(shown), small=small))
    # The ranking first as a light list (one HTML table, no data grid): the grid, its
    # sorting and row choice are built and mounted only once the expander is opened
    # (issue 12: heavy widgets only when opened).
    st.html(ranking_list_html(shown, indicator, lang, t(f"peer_group_{group}", lang)))
    scorecard_picker(shown, lang, key=f"ranking-{key}")
    help_key = "ranking_help_plan" if is_plan else "ranking_help"
    event = _ui.grid_when_opened(
        _styled(frame, lang),
        lang,
        opened_key=f"ranking-table-{key}",
        grid_key=f"ranking-{key}",
        caption=t(help_key, lang, count=len(shown), small=small),
        height=min(36 + 35 * len(frame), 420),
        column_config={t("col_unit", lang): st.column_config.TextColumn(pinned=True)},
    )
    _page.download(
        ranking_frame(table, indicator, lang, volume_key),
        filters,
        stem=stem,
        scope=scope,
        key=f"ranking-{key}",
        lines=lines,
    )
    rows = _ui.selected_rows(event)
    if rows:
        _ui.open_scorecard(str(shown.loc[rows[0], "unit_id"]))


def ranking_list_html(shown: pd.DataFrame, indicator: Indicator, lang: str, group: str) -> str:
    """The units of one peer group in rank order as a plain HTML table: rank, unit, result
    (``*`` when it rests on a small denominator), gap and status (its colour, symbol and word).
    Names are warehouse text: escaped, shown as text."""
    rows = []
    for row in shown.to_dict("records"):
        status = Status(str(row["unit_status"]))
        style = STATUS_STYLES[status]
        value = None if pd.isna(row["value"]) else float(row["value"])
        benchmark = None if pd.isna(row["benchmark"]) else float(row["benchmark"])
        # Bare numbers, as in the grid: the headers carry the units (a phone has no room
        # for "+46,9 điểm phần trăm" in a cell).
        result = fmt_number(value, lang, indicator.decimals)
        if bool(row["is_small_denominator"]):
            result += "*"
        gap = MISSING if value is None or benchmark is None else fmt_signed(value - benchmark, lang)
        name = row["name_vi" if lang == "vi" else "name_en"]
        rank = _number_text(row["peer_rank"], lang=lang, decimals=0)
        peers = _number_text(row["peer_count"], lang=lang, decimals=0)
        word = t(f"status_{status.value}", lang)
        mark = f'<span style="color:{style.hex_color};font-weight:700">{style.symbol}</span>'
        rows.append(
            "<tr>"
            f'<td class="r">{rank}/{peers}</td>'
            f"<td>{html.escape(str(name))}</td>"
            f'<td class="n">{html.escape(result)}</td>'
            f'<td class="n">{html.escape(gap)}</td>'
            f"<td>{mark} {html.escape(word)}</td>"
            "</tr>"
        )
    headers = "".join(
        f'<th scope="col"{kind}>{html.escape(t(words, lang))}</th>'
        for words, kind in (
            ("col_rank", ' class="r"'),
            ("col_unit", ""),
            ("col_value_pct", ' class="r"'),
            ("col_gap_pp", ' class="r"'),
            ("col_status", ""),
        )
    )
    caption = html.escape(t("ranking_list_caption", lang, group=group))
    return (
        # The box scrolls: it takes the keyboard's focus (tabindex) and is named, so it is
        # scrolled without a mouse (axe: scrollable-region-focusable).
        f"{RANKING_CSS}"
        f'<div tabindex="0" role="region" aria-label="{caption}" '
        'style="max-height:420px;overflow-y:auto;font-size:0.9rem">'
        f'<table class="{RANKING_CLASS}"><caption>{caption}</caption>'
        f"<thead><tr>{headers}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


RANKING_CLASS = "dash-rank"
"""The class of the ranking's list (its rules are :data:`RANKING_CSS`)."""
_R = f".{RANKING_CLASS}"
RANKING_CSS = (
    "<style>"
    f"{_R}{{border-collapse:collapse;width:100%}}"
    f"{_R} caption{{text-align:left;font-size:0.8rem;opacity:0.7}}"
    f"{_R} th,{_R} td{{padding:0.2rem 0.4rem;border-bottom:1px solid rgba(49,51,63,0.1);"
    "vertical-align:top}"
    # The header row stays in view at the top of the scrolling box.
    f"{_R} th{{text-align:left;position:sticky;top:0;background:#fff}}"
    # Right aligned (r), and numbers on one line (n).
    f"{_R} .r,{_R} .n{{text-align:right}}"
    f"{_R} .n{{white-space:nowrap}}"
    "</style>"
)
"""The ranking list's class rules: one ``<style>`` block with the list instead of the same
inline style on each of its cells (issue 12). Our own text: no data inside."""


def legend(lang: str, volume_words: str) -> None:
    """The map's legend: each status colour with its word, and what a point's size means."""
    # Each entry keeps its dot and words together, and the entries are separated by spaces
    # so that the line can break between them: on a phone the legend wraps instead of
    # widening the page (nowrap entries joined with nothing between them cannot break).
    items = " ".join(
        f'<span style="display:inline-block;white-space:nowrap;margin-right:1rem">'
        f'<span style="color:{STATUS_STYLES[s].hex_color};font-size:1.1rem">●</span> '
        f"{t(f'status_{s.value}', lang)}</span>"
        for s in (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NOT_ASSESSABLE)
    )
    size_words = t("map_size_legend", lang, what=volume_words)
    size = f' <span style="display:inline-block">{size_words}</span>'
    st.html(f'<div style="font-size:0.9rem;line-height:1.8">{items}{size}</div>')


def _boundary_stamp(configured: Boundaries) -> tuple[object, ...]:
    """What decides the configured boundaries: their file, its time of change, its problem."""
    path = configured.path
    try:
        modified = Path(path).stat().st_mtime if path else None
    except OSError:
        modified = None
    return (path, modified, configured.problem, len(configured.polygons))


def _unit_deck(
    table: pd.DataFrame,
    units: pd.DataFrame,
    configured: Boundaries,
    indicator: Indicator,
    lang: str,
    volume_unit: str,
    volume_words: str,
) -> pdk.Deck | None:
    """The map of :func:`unit_map` (None when no unit of ``table`` has a location)."""
    located = units[units["unit_type"].isin(COMMUNE_LEVEL_TYPES) & units["latitude"].notna()]
    points = table.merge(
        located[["unit_id", "unit_code", "latitude", "longitude"]], on="unit_id", how="inner"
    )
    if points.empty:
        return None
    name = "name_vi" if lang == "vi" else "name_en"
    points = points.assign(
        radius=radius_metres(points["denominator"]),
        name=points[name].astype(str),
        value_text=[
            f"{indicator.short(lang)}: {fmt_value(v, indicator.unit, lang, indicator.decimals)}"
            for v in points["value"]
        ],
        status_text=[
            t(f"status_{s}", lang) + ("" if pd.isna(g) or g <= 0 else f" ({fmt_pp(-g, lang)})")
            for s, g in zip(points["unit_status"], points["gap_pp"], strict=True)
        ],
        volume_text=[
            f"{volume_words}: {fmt_value(v, volume_unit, lang, 0)}" for v in points["denominator"]
        ],
        province_text=[_province(c, lang) for c in points["former_province"]],
    )
    boundaries = configured.polygons | boundaries_from_units(units)
    centres = points.groupby("former_province")[["latitude", "longitude"]].median()
    mainland = centres[centres["latitude"] > 9.5]
    labels = mainland.reset_index().assign(
        text=lambda f: [_province(c, lang) for c in f["former_province"]],
        latitude=lambda f: f["latitude"] + 0.12,
    )
    deck = make_unit_map(
        points[
            [
                "unit_id",
                "unit_code",
                "latitude",
                "longitude",
                "unit_status",
                "radius",
                "name",
                "value_text",
                "status_text",
                "volume_text",
                "province_text",
            ]
        ],
        tooltip_lines=(
            "{name}",
            "{province_text}",
            "{value_text}",
            "{status_text}",
            "{volume_text}",
        ),
        boundaries=boundaries or None,
        labels=labels,
    )
    return deck


def unit_map(
    table: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    *,
    key: str,
    volume_unit: str,
    volume_words: str,
    context: tuple[object, ...] = (),
) -> None:
    """The wards, communes and special zone as points (areas, when boundaries are known),
    coloured by status and sized by volume; choosing one opens its scorecard.

    The map (deck.gl, the page's heaviest part in the browser) is read, built and mounted
    only once its expander is opened (issue 12), then built once per process for the same
    ``table``, units, boundary file, words and ``context`` (what ``table`` was read for: the
    page's view, :func:`app_pages._sections.view_inputs`)."""
    opened = st.expander(
        t("map_title", lang, indicator=indicator.short(lang)),
        icon=":material/map:",
        key=f"map-open-{key}",
        on_change="rerun",
    )
    with opened:
        if opened.open:
            _unit_map(table, indicator, lang, key, volume_unit, volume_words, context)


def _unit_map(
    table: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    key: str,
    volume_unit: str,
    volume_words: str,
    context: tuple[object, ...],
) -> None:
    units = cached.unit_list(scope=reader_scope()).frame
    configured = cached.boundaries()
    deck = _ui.built_once(
        partial(_unit_deck, table, units, configured, indicator, lang, volume_unit, volume_words),
        name=f"map-{key}",
        inputs=(
            *context,
            lang,
            table,
            units,
            _boundary_stamp(configured),
            indicator.code,
            volume_unit,
            volume_words,
            reader_scope(),
        ),
    )
    if deck is None:
        _ui.empty_state(lang, t("map_empty", lang))
        return
    if configured.problem:
        st.warning(t("map_boundary_problem", lang, problem=escape_markdown(configured.problem)))
    with st.container(border=True, key=f"map-box-{key}"):
        state = st.pydeck_chart(
            deck,
            on_select="rerun",
            selection_mode="single-object",
            key=f"map-{key}",
            height=460,
            alt=t("map_alt", lang, indicator=indicator.short(lang)),
        )
    legend(lang, volume_words)
    st.caption(t("map_help", lang) + " " + t("credits_units", lang))
    for layer in (POINT_LAYER, AREA_LAYER):
        objects = _ui.selected_objects(state, layer)
        if objects:
            chosen = objects[0]
            unit_id = chosen.get("unit_id") or chosen.get("properties", {}).get("unit_id")
            if unit_id:
                _ui.open_scorecard(str(unit_id))


def scorecard_picker(units: pd.DataFrame, lang: str, *, key: str) -> None:
    """Open the scorecard of one of ``units`` (``unit_id``, names): a list's way in, behind
    a button (:func:`app_pages._ui.choice_behind_button`)."""
    if units.empty:
        return
    name = "name_vi" if lang == "vi" else "name_en"
    names = dict(zip(units["unit_id"].astype(str), units[name].astype(str), strict=False))
    chosen = _ui.choice_behind_button(
        t("open_unit_from_list", lang),
        list(names),
        index=None,
        format_func=names.__getitem__,
        placeholder=t("drill_unit_placeholder", lang),
        key=f"open-unit-{key}",
        icon=":material/open_in_new:",
    )
    if chosen:
        _ui.open_scorecard(str(chosen))
