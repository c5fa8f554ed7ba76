"""Tables shown (and downloaded) on the Overview, in the reader's language."""

from __future__ import annotations

import pandas as pd

from app_pages import _tiles
from i18n import fmt_date, fmt_percent, fmt_pp, t
from metrics.freshness import month_end
from metrics.palette import STATUS_STYLES
from metrics.registry import get_indicator
from metrics.status import Status
from metrics.tiles import Tile


def tiles_table(tiles: list[Tile], lang: str) -> pd.DataFrame:
    """One row per tile with every number it shows (numbers stay numbers for the XLSX)."""
    return pd.DataFrame(
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
                t("col_pace", lang): _tiles.pace_text(
                    tile, get_indicator(tile.indicator_code), lang
                ),
                t("col_as_of", lang): fmt_date(month_end(tile.as_of_month.date()), lang),
            }
            for tile in tiles
        ]
    )


def _status_words(status: str, is_newly_red: bool, is_small: bool, lang: str) -> str:
    words = f"{STATUS_STYLES[Status(status)].symbol} {t(f'status_{status}', lang)}"
    if is_newly_red:
        words += f" · {t('newly_red', lang)}"
    if is_small:
        words += f" · {t('small_denominator', lang)}"
    return words


def attention_table(attention: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The attention list as shown: names, formatted figures, status in words."""
    name_column = "name_vi" if lang == "vi" else "name_en"
    return pd.DataFrame(
        {
            t("col_unit", lang): attention[name_column],
            t("col_unit_type", lang): [t(f"unit_type_{u}", lang) for u in attention["unit_type"]],
            t("col_indicator", lang): [
                get_indicator(code).short(lang) for code in attention["indicator_code"]
            ],
            t("col_value", lang): [fmt_percent(v, lang) for v in attention["value"]],
            t("col_benchmark", lang): [fmt_percent(v, lang) for v in attention["benchmark"]],
            t("col_gap_pp", lang): [fmt_pp(-v, lang) for v in attention["gap_pp"]],
            t("col_impact_pp", lang): [
                fmt_pp(v, lang, 2).lstrip("+") for v in attention["impact_pp"]
            ],
            t("col_status", lang): [
                _status_words(status, new, small, lang)
                for status, new, small in zip(
                    attention["unit_status"],
                    attention["is_newly_red"],
                    attention["is_small_denominator"],
                    strict=True,
                )
            ],
        }
    )


def escape_markdown(text: str) -> str:
    """Text from the warehouse shown inside Markdown, with Markdown's characters escaped."""
    special = "\\`*_{}[]()#+-.!|<>~$:"
    return "".join("\\" + c if c in special else c for c in str(text))


def attention_lines(attention: pd.DataFrame, lang: str) -> list[str]:
    """The attention list as sentences, which read well at every screen width."""
    name_column = "name_vi" if lang == "vi" else "name_en"
    return [
        t(
            "attention_line",
            lang,
            unit=escape_markdown(row[name_column]),
            unit_type=t(f"unit_type_{row['unit_type']}", lang),
            indicator=get_indicator(row["indicator_code"]).short(lang),
            value=fmt_percent(row["value"], lang),
            benchmark=fmt_percent(row["benchmark"], lang),
            gap=fmt_pp(-row["gap_pp"], lang),
            impact=fmt_pp(row["impact_pp"], lang, 2).lstrip("+"),
            status=_status_words(
                row["unit_status"], row["is_newly_red"], row["is_small_denominator"], lang
            ),
        )
        for _, row in attention.iterrows()
    ]
