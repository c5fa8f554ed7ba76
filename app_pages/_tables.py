"""Tables shown and downloaded on the Overview, in the reader's language.

On screen, numbers are formatted for the language; in the downloads they stay numbers
(rounded to the precision shown), so a spreadsheet can sort and sum them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import _tiles, _ui
from i18n import (
    catalogue,
    escape_markdown,
    fmt_date,
    fmt_month,
    fmt_number,
    fmt_percent,
    fmt_pp,
    fmt_signed,
    fmt_value,
    t,
    t_count,
)
from metrics.attention import MET, MISSED
from metrics.clock import month_end
from metrics.overview import SECTION_LOWEST, SECTION_NOT_REPORTED
from metrics.palette import STATUS_STYLES
from metrics.periods import SeriesShape, series_shape
from metrics.registry import get_indicator
from metrics.review import YearResult
from metrics.status import Status
from metrics.summary import WrittenSummary, write_summary
from metrics.tiles import Tile


def _round(value: float | None, decimals: int = 1) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), decimals)


def tiles_table(tiles: list[Tile], lang: str) -> pd.DataFrame:
    """One row per tile with every number it shows."""
    rows = []
    for tile in tiles:
        indicator = get_indicator(tile.indicator_code)
        result = tile.year_result
        if _tiles.is_closed(tile) and result is not None:
            # As the tile shows it: the year's result against its target, nothing projected.
            rows.append(
                {
                    t("col_indicator", lang): indicator.short(lang),
                    t("col_result", lang): t("tile_result_year", lang, year=tile.year),
                    t("col_value_pct", lang): _round(result.value),
                    t("col_target_pct", lang): _round(result.target),
                    t("col_gap_pp", lang): _round(result.margin),
                    t("col_status", lang): _result_words(result, lang),
                    t("col_as_of", lang): fmt_date(month_end(tile.as_of_month.date()), lang),
                }
            )
            continue
        probability = tile.projection.probability
        rows.append(
            {
                t("col_indicator", lang): indicator.short(lang),
                t("col_result", lang): _tiles.latest_label(tile, lang),
                t("col_value_pct", lang): _round(tile.latest_value),
                t("col_target_pct", lang): _round(tile.target_value),
                t("col_gap_pp", lang): _round(tile.latest_gap),
                t("col_status", lang): t(f"status_{tile.status.value}", lang),
                t("col_trend", lang): t(f"trend_{tile.trend.value}", lang),
                t("col_projection_pct", lang): _round(tile.projection.central),
                t("col_projection_low", lang): _round(tile.projection.lower_80),
                t("col_projection_high", lang): _round(tile.projection.upper_80),
                t("col_probability_text", lang): _tiles.probability_text(tile, lang),
                t("col_probability_pct", lang): _round(
                    None if probability is None else probability * 100, 1
                ),
                **pace_columns(tile, lang),
                t("col_as_of", lang): fmt_date(month_end(tile.as_of_month.date()), lang),
            }
        )
    return pd.DataFrame(rows)


_PACE_UNITS = {
    "percent_per_month": "pct",
    "pp_of_plan_per_month": "pp_per_month",
    "pp_per_year": "pp_per_year",
}


def pace_columns(tile: Tile, lang: str) -> dict[str, Any]:
    """The required pace and the recent one as numbers, their unit and the months the
    recent one spans, in columns of their own (never one text mixing %, pp and tỷ đồng)."""
    pace = tile.pace
    unit = t(f"unit_word_{_PACE_UNITS.get(pace.unit, 'pp')}", lang)
    return {
        t("col_pace_required", lang): None if pace.is_already_secured else _round(pace.required),
        t("col_pace_unit", lang): t("pace_secured", lang) if pace.is_already_secured else unit,
        t("col_pace_recent", lang): _round(pace.recent),
        t("col_pace_recent_span", lang): _tiles.recent_span(tile, lang)
        if pace.recent is not None
        else "",
    }


def _result_words(result: YearResult, lang: str) -> str:
    if result.target is None:
        return t("review_no_target", lang, year=result.year)
    if result.is_met is None:
        return t("review_not_final", lang)
    return t("review_met" if result.is_met else "review_missed", lang, year=result.year)


def status_words(status: str, lang: str) -> str:
    """The status as a word, for tables and files (no icon glyphs)."""
    return t(f"status_{status}", lang)


def unit_status_words(status: str, lang: str) -> str:
    """A unit's status as a word: a closed year's ``Đạt`` / ``Không đạt``, else the
    status's own word."""
    if status in (MET, MISSED):
        return t(f"attention_status_{status}", lang)
    return t(f"status_{status}", lang)


def unit_status_badge(status: str, lang: str) -> str:
    if status in (MET, MISSED):
        style = STATUS_STYLES[Status.ON_TRACK if status == MET else Status.OFF_TRACK]
    else:
        style = STATUS_STYLES[Status(status)]
    return f":{style.badge_color}-badge[{style.icon} {unit_status_words(status, lang)}]"


def _status_badges(row: Mapping[Any, Any], lang: str) -> str:
    text = unit_status_badge(str(row["unit_status"]), lang)
    if row["is_newly_red"]:
        text += f" :red-badge[:material/fiber_new: {t('attention_newly_off_track', lang)}]"
    if row["is_small_denominator"]:
        text += f" :gray-badge[{small_words(str(row['indicator_code']), lang)}]"
    return text


def small_words(code: str, lang: str) -> str:
    """What "small" means for this indicator: few dossiers, or a small capital plan."""
    cumulative = series_shape(get_indicator(code)) is SeriesShape.CUMULATIVE
    return t("attention_small_cumulative" if cumulative else "attention_small_flow", lang)


def _is_closed_row(row: Mapping[Any, Any]) -> bool:
    return str(row["unit_status"]) in (MET, MISSED)


def shortfall_unit(code: str) -> str:
    """The unit a shortfall is counted in: ``bvnd`` (disbursement) or ``dossiers``."""
    return "bvnd" if series_shape(get_indicator(code)) is SeriesShape.CUMULATIVE else "dossiers"


def shortfall_count(row: Mapping[Any, Any]) -> float | None:
    """The shortfall as the sentence states it: whole dossiers (rounded up: a share is
    reached only with the last dossier), or billion VND to one decimal (whole above 10)."""
    amount = row.get("shortfall")
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return None
    value = float(amount)
    if shortfall_unit(str(row["indicator_code"])) == "dossiers":
        return float(math.ceil(round(value, 6)))
    return round(value, 0 if value >= 10 else 1)


def impact_sentence(row: Mapping[Any, Any], lang: str) -> str:
    """The unit's gap in natural units: ``chậm 2.140 tỷ đồng so với tiến độ``,
    ``thiếu 1.250 hồ sơ trực tuyến so với chỉ tiêu``; ``đạt chỉ tiêu`` when not short."""
    code = str(row["indicator_code"])
    count = shortfall_count(row)
    words = catalogue(lang)
    if count is None or count <= 0:
        key = f"attention_short_met_{code}"
        return words[key] if key in words else t("attention_short_met", lang)
    if shortfall_unit(code) == "bvnd":
        decimals = 0 if count >= 10 else 1
        amount = fmt_value(count, "billion_vnd", lang, decimals)
        key = f"attention_short_{code}" + ("_closed" if _is_closed_row(row) else "")
        return t(key, lang, amount=amount)
    key = f"attention_short_{code}"
    if key in words:
        return t(key, lang, count=t_count(f"count_short_{code}", lang, count))
    gap = fmt_pp(float(row["gap_pp"]), lang).lstrip("+")
    return t("attention_short_generic", lang, gap=gap)


def benchmark_words(
    code: str, benchmark: float, through: dt.date | None, lang: str, *, closed: bool = False
) -> str:
    """``chỉ tiêu 50%`` or, for disbursement in a running year, ``mốc tiến độ đến
    31/10/2026: 65,2%``."""
    value = fmt_percent(benchmark, lang)
    cumulative = series_shape(get_indicator(code)) is SeriesShape.CUMULATIVE
    if cumulative and through is not None and not closed:
        return t("attention_benchmark_milestone", lang, date=fmt_date(through, lang), value=value)
    return t("attention_benchmark_target", lang, value=value)


@dataclass(frozen=True, slots=True)
class AttentionWords:
    """The Overview's attention list as words: its sections (:func:`attention_sections`),
    its download table (:func:`attention_download`) and the written summary of the tiles
    and the list. Made once per view, language and data version
    (:func:`app_pages._ui.built_once`) and shared by every visit: never changed."""

    sections: list[tuple[str, list[str], str | None]]
    download: pd.DataFrame
    summary: WrittenSummary


def overview_inputs(
    lang: str,
    year: int,
    today: dt.date,
    failing: Collection[str],
    series: Collection[pd.DataFrame],
) -> tuple[object, ...]:
    """What the Overview's tiles are computed from: the language, the year, the day, the
    indicators whose source fails (not shown) and each tile's series (keyed by its source
    key: query, parameters, data version). The key of what :func:`overview_tiles_table`
    and :func:`overview_attention_words` make from the tiles."""
    return (lang, year, today, tuple(sorted(failing)), *series)


def overview_tiles_table(shown: list[Tile], lang: str, inputs: tuple[object, ...]) -> pd.DataFrame:
    """:func:`tiles_table` of the Overview's tiles, made once per view (``inputs``:
    :func:`overview_inputs`) and shared by every visit (issue 12): never changed."""
    return _ui.built_once(
        lambda: tiles_table(shown, lang), name="overview-tiles-table", inputs=inputs
    )


def overview_attention_words(
    attention: pd.DataFrame,
    shown: list[Tile],
    lang: str,
    through: dict[str, dt.date],
    inputs: tuple[object, ...],
    standings: Collection[pd.DataFrame],
) -> AttentionWords:
    """The Overview's :class:`AttentionWords`, made once per view (``inputs``:
    :func:`overview_inputs`; the attention list is computed from them and the units'
    ``standings``, its months from ``through``) and shared by every visit (issue 12: with
    the tiles' table they were a fifth of a warm visit's script time): never changed."""
    return _ui.built_once(
        lambda: AttentionWords(
            attention_sections(attention, lang, through) if not attention.empty else [],
            attention_download(attention, lang) if not attention.empty else pd.DataFrame(),
            write_summary(shown, attention, lang),
        ),
        name="overview-attention-words",
        inputs=(*inputs, tuple(sorted(through.items())), *standings),
    )


def attention_sections(
    attention: pd.DataFrame, lang: str, through: dict[str, dt.date]
) -> list[tuple[str, list[str], str | None]]:
    """The attention list as (heading, lines) per section, Markdown (unit names escaped):
    the units that have not reported first, then each indicator's units.

    ``through`` gives, per indicator code, the month its figures are read to. Each
    section is (heading, lines, indicator code — None for the units not reported)."""
    name_column = "name_vi" if lang == "vi" else "name_en"
    out: list[tuple[str, list[str], str | None]] = []
    rows: list[Mapping[Any, Any]] = list(attention.to_dict("records"))
    missing = [r for r in rows if r["section"] == SECTION_NOT_REPORTED]
    if missing:
        # One line per unit, naming every indicator it has not reported: the report to
        # chase is the unit's, whatever the indicator.
        by_unit: dict[str, list[Mapping[Any, Any]]] = {}
        for row in missing:
            by_unit.setdefault(str(row["unit_id"]), []).append(row)
        lines = []
        for unit_rows in by_unit.values():
            first = unit_rows[0]
            parts = []
            for row in unit_rows:
                code = str(row["indicator_code"])
                count = shortfall_count(row)
                detail = fmt_percent(float(row["value"]), lang)
                if count is not None and count > 0:
                    detail += f" ({impact_sentence(row, lang)})"
                parts.append(
                    t(
                        "attention_missing_part",
                        lang,
                        indicator=get_indicator(code).short(lang),
                        detail=detail,
                    )
                )
            lines.append(
                t(
                    "attention_line_not_reported",
                    lang,
                    unit=escape_markdown(str(first[name_column])),
                    parts="; ".join(parts),
                )
            )
        months = sorted(
            {through[c] for c in (str(r["indicator_code"]) for r in missing) if c in through}
        )
        heading = t(
            "attention_section_not_reported_heading",
            lang,
            period=", ".join(fmt_month(m, lang) for m in months),
        )
        out.append((heading, lines, None))
    codes = [str(r["indicator_code"]) for r in rows if r["section"] != SECTION_NOT_REPORTED]
    for code in dict.fromkeys(codes):
        own = [
            r for r in rows if r["indicator_code"] == code and r["section"] != SECTION_NOT_REPORTED
        ]
        if not own:
            continue
        indicator = get_indicator(code)
        end = month_end(through[code]) if code in through else None
        benchmark = benchmark_words(
            code, float(own[0]["benchmark"]), end, lang, closed=_is_closed_row(own[0])
        )
        if own[0]["section"] == SECTION_LOWEST:
            heading = t(
                "attention_section_lowest",
                lang,
                indicator=indicator.short(lang),
                benchmark=benchmark,
            )
            lines = [
                t(
                    "attention_line_lowest",
                    lang,
                    unit=escape_markdown(str(row[name_column])),
                    value=fmt_percent(float(row["value"]), lang),
                    group=t(f"attention_group_{row['unit_type']}", lang)
                    if f"attention_group_{row['unit_type']}" in catalogue(lang)
                    else escape_markdown(str(row["unit_type"])),
                    gap=fmt_pp(float(row["value"]) - float(row["benchmark"]), lang).lstrip("+"),
                    status=_status_badges(row, lang),
                )
                for row in own
            ]
        else:
            heading = t(
                "attention_section_behind",
                lang,
                indicator=indicator.short(lang),
                benchmark=benchmark,
            )
            lines = [
                t(
                    "attention_line_behind",
                    lang,
                    rank=rank,
                    unit=escape_markdown(str(row[name_column])),
                    value=fmt_percent(float(row["value"]), lang),
                    impact=impact_sentence(row, lang),
                    status=_status_badges(row, lang),
                )
                for rank, row in enumerate(own, start=1)
            ]
        out.append((heading, lines, code))
    return out


def attention_lines(attention: pd.DataFrame, lang: str, through: dict[str, dt.date]) -> list[str]:
    """Every section's heading (bold) and lines, in order, for a slide or a test."""
    lines: list[str] = []
    for heading, rows, _code in attention_sections(attention, lang, through):
        lines.append(f"**{heading}**")
        lines += rows
    return lines


def _section_word(row: Mapping[Any, Any], lang: str) -> str:
    if row["section"] == SECTION_NOT_REPORTED:
        return t("attention_section_not_reported", lang)
    return get_indicator(str(row["indicator_code"])).short(lang)


def attention_table(
    attention: pd.DataFrame, lang: str, code: str | None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One section's rows as a table on screen (``code`` an indicator, None for the units
    that have not reported): numbers stay numbers, formatted by ``column_config``
    (``NumberColumn``), the unit in each header, so a click on a header sorts by value.

    Returns the frame and its ``column_config``."""
    name_column = "name_vi" if lang == "vi" else "name_en"
    if code is None:
        rows = attention[attention["section"] == SECTION_NOT_REPORTED]
    else:
        rows = attention[
            (attention["indicator_code"] == code) & (attention["section"] != SECTION_NOT_REPORTED)
        ]
    records = rows.to_dict("records")
    cumulative = code is not None and shortfall_unit(code) == "bvnd"
    closed = any(_is_closed_row(r) for r in records)
    unit_col = t("col_unit", lang)
    value_col = t("col_value_pct", lang)
    benchmark_col = t("col_milestone_pct" if cumulative and not closed else "col_target_pct", lang)
    gap_col = t("col_gap_pp", lang)
    if code is None:
        short_col = t("col_shortfall", lang)
    elif cumulative:
        short_col = t("col_short_bvnd" if closed else "col_behind_bvnd", lang)
    else:
        short_col = t("col_short_dossiers", lang)
    status_col = t("col_status", lang)
    columns: dict[str, Any] = {unit_col: [str(r[name_column]) for r in records]}
    if code is None:
        columns[t("col_indicator", lang)] = [
            get_indicator(str(r["indicator_code"])).short(lang) for r in records
        ]
    columns |= {
        value_col: pd.array([_round(r["value"]) for r in records], dtype="Float64"),
        benchmark_col: pd.array([_round(r["benchmark"]) for r in records], dtype="Float64"),
        gap_col: pd.array(
            [_round(float(r["value"]) - float(r["benchmark"])) for r in records], dtype="Float64"
        ),
        short_col: pd.array([shortfall_count(r) for r in records], dtype="Float64"),
        status_col: [_status_cell(r, lang) for r in records],
    }
    frame = pd.DataFrame(columns)
    decimals = {
        value_col: 1,
        benchmark_col: 1,
        gap_col: 1,
        short_col: 0,
    }
    # Every header whole (its unit is the point of it): each column at least as wide as
    # its header; the unit's name pinned, so a narrow screen scrolls the figures under it.
    config: dict[str, Any] = {
        unit_col: st.column_config.TextColumn(pinned=True, width=270),
        status_col: st.column_config.TextColumn(
            width=max(_header_width(status_col), 190 if code is not None else 260)
        ),
    }
    if code is None:
        config[t("col_indicator", lang)] = st.column_config.TextColumn(width=300)
    frame.attrs["decimals"] = decimals
    for column, places in decimals.items():
        config[column] = st.column_config.NumberColumn(
            format=number_format(places, lang, signed=column == gap_col),
            width=_header_width(column),
        )
    return frame, config


def _header_width(header: str) -> int:
    """Pixels a header needs in the table's font (about 7 px a character, plus the sort
    arrow and padding)."""
    return int(7.0 * len(header)) + 28


def number_format(decimals: int, lang: str, *, signed: bool = False) -> str | None:
    """The ``NumberColumn`` format of a column: printf in English (``%,.1f``); None in
    Vietnamese, where :func:`styled` writes ``1.234,5`` (printf knows only the point)."""
    if lang != "en":
        return None
    return "%" + ("+" if signed else "") + f",.{decimals}f"


def styled(frame: pd.DataFrame, config: dict[str, Any], lang: str) -> Any:
    """The frame to hand ``st.dataframe``: in Vietnamese, a Styler that writes each number
    column with the decimals of its format (the cells stay numbers, so sorting is by
    value); in English, the frame itself (the ``NumberColumn`` formats apply)."""
    if lang == "en":
        return frame
    formats: dict[str, Any] = {}
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column]):
            places = int(frame.attrs.get("decimals", {}).get(column, 1))
            signed = column == t("col_gap_pp", lang)
            formats[column] = _vi_number(places, signed)
    return frame.style.format(formats, na_rep="—")


def _vi_number(places: int, signed: bool) -> Any:
    def write(value: object) -> str:
        if value is None or pd.isna(value):  # type: ignore[call-overload]
            return "—"
        number = float(value)  # type: ignore[arg-type]
        return fmt_signed(number, "vi", places) if signed else fmt_number(number, "vi", places)

    return write


def _status_cell(row: Mapping[Any, Any], lang: str) -> str:
    words = [unit_status_words(str(row["unit_status"]), lang)]
    if row["is_newly_red"]:
        words.append(t("attention_newly_off_track", lang))
    if not row["is_reported"]:
        words.append(t("attention_not_reported_badge", lang))
    return " · ".join(words)


def attention_download(attention: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every section's rows in one file, numbers kept as numbers, the unit of each in its
    header (the shortfall's own unit in the column beside it)."""
    name_column = "name_vi" if lang == "vi" else "name_en"
    records = attention.to_dict("records")
    return pd.DataFrame(
        {
            t("col_attention_section", lang): [_section_word(r, lang) for r in records],
            t("col_indicator", lang): [
                get_indicator(str(r["indicator_code"])).short(lang) for r in records
            ],
            t("col_unit", lang): [str(r[name_column]) for r in records],
            t("col_unit_type", lang): [t(f"unit_type_{r['unit_type']}", lang) for r in records],
            t("col_value_pct", lang): [_round(r["value"]) for r in records],
            t("col_target_or_milestone_pct", lang): [_round(r["benchmark"]) for r in records],
            t("col_gap_pp", lang): [
                _round(float(r["value"]) - float(r["benchmark"])) for r in records
            ],
            t("col_shortfall", lang): [shortfall_count(r) for r in records],
            t("col_shortfall_unit", lang): [
                t(f"unit_word_{shortfall_unit(str(r['indicator_code']))}", lang) for r in records
            ],
            t("col_impact_pp", lang): [_round(r["impact_pp"], 2) for r in records],
            t("col_status", lang): [
                unit_status_words(str(r["unit_status"]), lang) for r in records
            ],
            t("col_newly_off_track", lang): [
                t("yes" if r["is_newly_red"] else "no", lang) for r in records
            ],
            t("col_reported", lang): [
                t("yes" if r["is_reported"] else "no", lang) for r in records
            ],
            t("col_small_scale", lang): [
                small_words(str(r["indicator_code"]), lang) if r["is_small_denominator"] else ""
                for r in records
            ],
        }
    )
