"""Tables shown and downloaded on the Overview, in the reader's language.

On screen, numbers are formatted for the language; in the downloads they stay numbers
(rounded to the precision shown), so a spreadsheet can sort and sum them.
"""

from __future__ import annotations

import math

import pandas as pd

from app_pages import _tiles
from i18n import escape_markdown, fmt_date, fmt_percent, fmt_pp, t
from metrics.clock import month_end
from metrics.palette import STATUS_STYLES
from metrics.registry import get_indicator
from metrics.review import YearResult
from metrics.status import Status
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
                t("col_probability_pct", lang): _round(
                    None if probability is None else probability * 100, 0
                ),
                t("col_pace", lang): _tiles.pace_line(tile, lang)[1].lstrip("+"),
                t("col_as_of", lang): fmt_date(month_end(tile.as_of_month.date()), lang),
            }
        )
    return pd.DataFrame(rows)


def _result_words(result: YearResult, lang: str) -> str:
    if result.target is None:
        return t("review_no_target", lang, year=result.year)
    if result.is_met is None:
        return t("review_not_final", lang)
    return t("review_met" if result.is_met else "review_missed", lang, year=result.year)


def status_words(status: str, lang: str) -> str:
    """The status as a word, for tables and files (no icon glyphs)."""
    return t(f"status_{status}", lang)


def _status_badges(status: str, is_newly_red: bool, is_small: bool, lang: str) -> str:
    style = STATUS_STYLES[Status(status)]
    text = f":{style.badge_color}-badge[{style.icon} {t(f'status_{status}', lang)}]"
    if is_newly_red:
        text += f" :red-badge[:material/fiber_new: {t('newly_red', lang)}]"
    if is_small:
        text += f" :gray-badge[{t('small_denominator', lang)}]"
    return text


def attention_lines(attention: pd.DataFrame, lang: str) -> list[str]:
    """The attention list as short lines, which read well at every screen width."""
    name_column = "name_vi" if lang == "vi" else "name_en"
    return [
        t(
            "attention_line",
            lang,
            unit=escape_markdown(row[name_column]),
            indicator=get_indicator(row["indicator_code"]).short(lang),
            value=fmt_percent(row["value"], lang),
            benchmark=fmt_percent(row["benchmark"], lang),
            gap=fmt_pp(-row["gap_pp"], lang),
            impact=fmt_pp(row["impact_pp"], lang, 2).lstrip("+"),
            status=_status_badges(
                row["unit_status"], row["is_newly_red"], row["is_small_denominator"], lang
            ),
        )
        for _, row in attention.iterrows()
    ]


def attention_table(attention: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The attention list as a table on screen: names, formatted figures, status words."""
    name_column = "name_vi" if lang == "vi" else "name_en"
    return pd.DataFrame(
        {
            t("col_unit", lang): attention[name_column],
            t("col_indicator", lang): [
                get_indicator(code).short(lang) for code in attention["indicator_code"]
            ],
            t("col_value", lang): [fmt_percent(v, lang) for v in attention["value"]],
            t("col_benchmark", lang): [fmt_percent(v, lang) for v in attention["benchmark"]],
            t("col_gap_pp", lang): [fmt_pp(-v, lang) for v in attention["gap_pp"]],
            t("col_impact_pp", lang): [
                fmt_pp(v, lang, 2).lstrip("+") for v in attention["impact_pp"]
            ],
            t("col_status", lang): [status_words(s, lang) for s in attention["unit_status"]],
            t("col_newly_red", lang): [
                t("yes" if flag else "no", lang) for flag in attention["is_newly_red"]
            ],
        }
    )


def attention_download(attention: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The same rows and columns as on screen, with numbers kept as numbers."""
    name_column = "name_vi" if lang == "vi" else "name_en"
    return pd.DataFrame(
        {
            t("col_unit", lang): attention[name_column],
            t("col_unit_type", lang): [t(f"unit_type_{u}", lang) for u in attention["unit_type"]],
            t("col_indicator", lang): [
                get_indicator(code).short(lang) for code in attention["indicator_code"]
            ],
            t("col_value_pct", lang): attention["value"].round(1),
            t("col_benchmark_pct", lang): attention["benchmark"].round(1),
            t("col_gap_pp", lang): (-attention["gap_pp"]).round(1),
            t("col_impact_pp", lang): attention["impact_pp"].round(2),
            t("col_status", lang): [status_words(s, lang) for s in attention["unit_status"]],
            t("col_newly_red", lang): [
                t("yes" if flag else "no", lang) for flag in attention["is_newly_red"]
            ],
            t("col_small_denominator", lang): [
                t("yes" if flag else "no", lang) for flag in attention["is_small_denominator"]
            ],
        }
    )
