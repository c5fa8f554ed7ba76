"""Drawing a headline tile and a year-in-review card (for the Overview).

A tile of a year still running shows the latest value, the target and gap, status, trend,
projection, probability and required pace. A tile of a closed year shows the year's result
against its target instead (met or missed), with no forecast: there is nothing left to
forecast.
"""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd
import streamlit as st

from app_pages import _ui
from i18n import (
    fmt_date,
    fmt_month,
    fmt_percent,
    fmt_pp,
    fmt_quarter,
    fmt_value,
    published_line,
    t,
)
from metrics.clock import month_end
from metrics.freshness import FreshnessCheck
from metrics.palette import STATUS_STYLES, TREND_ICONS
from metrics.registry import Frequency, Indicator
from metrics.review import YearResult
from metrics.status import Status
from metrics.tiles import Tile


def _value(value: float | None, indicator: Indicator, lang: str) -> str:
    return fmt_value(value, indicator.unit, lang, indicator.decimals)


def _target_value(value: float, indicator: Indicator, lang: str) -> str:
    """A target as published: ``≥ 50%``, ``≥ 7,5%`` (no trailing ``,0``)."""
    decimals = 0 if float(value).is_integer() else indicator.decimals
    return fmt_value(value, indicator.unit, lang, decimals)


def _comparator(symbol: str | None) -> str:
    return (symbol or ">=").replace(">=", "≥").replace("<=", "≤")


def is_closed(tile: Tile) -> bool:
    """Whether the tile's year is over (its last month or quarter is in), target or not."""
    return tile.year_result is not None and tile.projection.method == "complete"


def status_badge(status: Status, lang: str) -> None:
    """Colour, icon and word — never colour alone."""
    style = STATUS_STYLES[status]
    st.badge(t(f"status_{status.value}", lang), icon=style.icon, color=style.badge_color)


def result_badge(result: YearResult, lang: str) -> None:
    """``Đạt chỉ tiêu năm 2025`` / ``Không đạt chỉ tiêu năm 2025``, as the glossary says."""
    if result.target is None:
        st.badge(
            t("review_no_target", lang, year=result.year), icon=":material/remove:", color="gray"
        )
    elif result.is_met is None:
        st.badge(t("review_not_final", lang), icon=":material/help:", color="gray")
    elif result.is_met:
        style = STATUS_STYLES[Status.ON_TRACK]
        st.badge(t("review_met", lang, year=result.year), icon=style.icon, color=style.badge_color)
    else:
        style = STATUS_STYLES[Status.OFF_TRACK]
        st.badge(
            t("review_missed", lang, year=result.year), icon=style.icon, color=style.badge_color
        )


def latest_label(tile: Tile, lang: str) -> str:
    """What the big number is: a month, the year to date, or a year."""
    if tile.latest_period is None:
        return t("tile_result", lang)
    period = tile.latest_period.date()
    if tile.latest_kind == "month":
        return t("tile_result_month", lang, month=fmt_month(period, lang))
    if tile.latest_kind == "year_to_date":
        return t("tile_result_ytd", lang, date=fmt_date(month_end(period), lang))
    return t("tile_result_year", lang, year=period.year)


def target_line(tile: Tile, indicator: Indicator, lang: str) -> tuple[str, str]:
    """(label, value): ``Chỉ tiêu năm 2026`` and ``≥ 50% (chỉ tiêu năm 2025 tiếp tục áp dụng)``."""
    label = t("tile_target_label", lang, year=tile.year)
    in_force = tile.target_in_force
    if in_force is None:
        return label, t("tile_no_target", lang)
    target = in_force.target
    text = f"{_comparator(target.comparator)} {_target_value(target.value, indicator, lang)}"
    if in_force.is_carried_forward:
        text += " " + t("tile_target_carried", lang, year=target.year)
    return label, text


def projection_text(tile: Tile, indicator: Indicator, lang: str) -> str:
    """``86,9% (85,2% – 88,1%)`` or why there is none."""
    projection = tile.projection
    if projection.central is None:
        return t("tile_no_projection", lang)
    return t(
        "tile_projection_value",
        lang,
        value=_value(projection.central, indicator, lang),
        low=_value(projection.lower_80, indicator, lang),
        high=_value(projection.upper_80, indicator, lang),
    )


def probability_text(tile: Tile, lang: str) -> str:
    """``97%``; ``> 99%`` / ``< 1%`` at the ends, where simulations cannot say more."""
    probability = tile.projection.probability
    if probability is None or math.isnan(probability):
        return "—"
    if probability > 0.99:
        return "> " + fmt_percent(99.0, lang, 0)
    if probability < 0.01:
        return "< " + fmt_percent(1.0, lang, 0)
    return fmt_percent(probability * 100, lang, 0)


def pace_line(tile: Tile, lang: str) -> tuple[str, str]:
    """(label, value): the required pace in the indicator's own terms, the recent one beside."""
    pace = tile.pace
    per_year = pace.unit == "pp_per_year"
    label = t("tile_pace_label_year" if per_year else "tile_pace_label_month", lang)
    if pace.is_already_secured:
        return label, t("pace_secured", lang)
    if pace.required is None:
        return label, "—"
    if pace.unit == "percent_per_month":
        text = fmt_percent(pace.required, lang)
        recent = fmt_percent(pace.recent, lang) if pace.recent is not None else None
    elif pace.unit == "pp_of_plan_per_month":
        text = t(
            "pace_plan_per_month",
            lang,
            value=fmt_pp(pace.required, lang).lstrip("+"),
            amount=fmt_value(pace.required_billion_vnd_per_month, "billion_vnd", lang, 0),
        )
        recent = fmt_pp(pace.recent, lang).lstrip("+") if pace.recent is not None else None
    else:
        text = fmt_pp(pace.required, lang)
        recent = fmt_pp(pace.recent, lang) if pace.recent is not None else None
    if pace.is_out_of_reach:
        text += " · " + t("pace_out_of_reach", lang)
    if recent is not None:
        text += " · " + t("pace_recent", lang, value=recent)
    return label, text


def _delta(gap: float | None, lang: str) -> tuple[str | None, Literal["up", "down", "off"]]:
    """The gap chip's text and arrow; a zero gap has no arrow."""
    if gap is None or math.isnan(gap):
        return None, "off"
    rounded = round(gap, 1)
    return fmt_pp(gap, lang), "up" if rounded > 0 else "down" if rounded < 0 else "off"


def _extension_end(year: int, lang: str) -> str:
    """The last day of a plan year's extension month: 31 January of the next year."""
    return fmt_date(pd.Timestamp(year + 1, 1, 31).date(), lang)


def _facts(tile: Tile, indicator: Indicator, lang: str) -> list[tuple[str, str]]:
    lines = [target_line(tile, indicator, lang)]
    if is_closed(tile):
        result = tile.year_result
        assert result is not None
        if result.value_with_extension is not None:
            lines.append(
                (
                    t(
                        "tile_extension_label",
                        lang,
                        date=fmt_date(pd.Timestamp(tile.year + 1, 1, 31).date(), lang),
                    ),
                    _value(result.value_with_extension, indicator, lang),
                )
            )
        return lines
    if tile.ytd_value is not None and tile.latest_kind == "month":
        lines.append(
            (
                t("tile_ytd_label", lang, year=tile.year),
                f"{_value(tile.ytd_value, indicator, lang)} ({fmt_pp(tile.gap, lang)})",
            )
        )
    if tile.expected_to_date is not None and tile.ytd_through is not None:
        lines.append(
            (
                t(
                    "tile_expected_label",
                    lang,
                    date=fmt_date(month_end(tile.ytd_through.date()), lang),
                ),
                _value(tile.expected_to_date, indicator, lang)
                + f" ({fmt_pp(tile.gap_to_expected, lang)})",
            )
        )
    lines += [
        (t("tile_projection_label", lang), projection_text(tile, indicator, lang)),
        (t("tile_probability_label", lang), probability_text(tile, lang)),
        pace_line(tile, lang),
    ]
    milestone = tile.next_milestone
    if milestone is not None:
        key = "tile_year_end_label" if milestone.is_year_end else "tile_next_milestone_label"
        lines.append(
            (
                t(key, lang, date=fmt_date(milestone.due_date, lang)),
                t(
                    "tile_next_milestone",
                    lang,
                    value=f"{_comparator(milestone.comparator)} "
                    f"{_target_value(milestone.value, indicator, lang)}",
                    projected=_value(tile.next_milestone_projected, indicator, lang),
                ),
            )
        )
    return lines


def render_tile(
    tile: Tile,
    indicator: Indicator,
    lang: str,
    *,
    freshness: FreshnessCheck | None,
    is_demo: bool,
    published: pd.DataFrame,
    is_filtered: bool,
) -> None:
    """One headline tile, in a bordered card keyed ``tile-<code>`` for tests and CSS."""
    closed = is_closed(tile)
    result = tile.year_result
    status = tile.status
    with st.container(border=True, key=f"tile-{indicator.code}"):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.markdown(f"**{indicator.short(lang)}**")
            if closed and result is not None:
                result_badge(result, lang)
            else:
                status_badge(status, lang)
        value: float | None
        if closed and result is not None:
            label = t("tile_result_year", lang, year=tile.year)
            value, gap = result.value, result.margin
        else:
            label, value, gap = latest_label(tile, lang), tile.latest_value, tile.latest_gap
        delta, arrow = _delta(gap, lang)
        sparkline = tile.sparkline["value"].round(1).tolist() if not tile.sparkline.empty else None
        st.metric(
            label,
            _value(value, indicator, lang),
            delta=delta,
            delta_color=STATUS_STYLES[status].badge_color,
            delta_arrow=arrow,
            delta_description=t("tile_gap_description", lang) if delta else None,
            chart_data=sparkline,
            chart_type="line",
        )
        st.markdown(
            "  \n".join(f"{label}: **{value}**" for label, value in _facts(tile, indicator, lang))
        )
        if not published.empty:
            # Beside a closed year's result, every figure published for that year; beside an
            # annual indicator's latest year, that year's published figure.
            shown_year = tile.year if closed else None
            if shown_year is None and indicator.frequency is Frequency.ANNUAL:
                shown_year = tile.latest_period.year if tile.latest_period is not None else None
            same_year = published[published["period_start"].dt.year == shown_year]
            for row in same_year.itertuples():
                st.caption(
                    t("published_figure", lang)
                    + ": "
                    + published_line(row, indicator.unit, lang, indicator.decimals)
                )
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            if not closed:
                st.badge(
                    t(f"trend_{tile.trend.value}", lang),
                    icon=TREND_ICONS[tile.trend],
                    color="gray",
                )
            if freshness is not None:
                _ui.freshness_badge(freshness, lang, indicator)
            if is_demo:
                st.badge(t("demo_badge", lang), icon=":material/science:", color="violet")
        if is_filtered and indicator.grain.value == "city":
            st.caption(t("city_level_only", lang))
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.caption(as_of_text(tile, indicator, lang))
            _ui.indicator_info(indicator, lang, published, tile.projection)


def render_glance(
    tiles: dict[str, Tile | None], indicators: tuple[Indicator, ...], lang: str
) -> None:
    """The four headline numbers in a 2 × 2 block, for phones only (CSS hides it elsewhere):
    on a narrow screen the full tiles stack four screens deep."""
    with st.container(horizontal=True, key="glance", gap="small"):
        for indicator in indicators:
            tile = tiles.get(indicator.code)
            if tile is None:
                continue
            closed = is_closed(tile)
            result = tile.year_result
            with st.container(border=True, key=f"glance-{indicator.code}"):
                st.caption(indicator.short(lang))
                value = result.value if closed and result is not None else tile.latest_value
                st.markdown(f"### {_value(value, indicator, lang)}")
                if closed and result is not None:
                    result_badge(result, lang)
                else:
                    status_badge(tile.status, lang)


def as_of_text(tile: Tile, indicator: Indicator, lang: str) -> str:
    """``Số liệu tính đến ngày 31/10/2026`` (for quarterly estimates, the quarter too)."""
    as_of = month_end(tile.as_of_month.date())
    text = t("as_of", lang, date=fmt_date(as_of, lang))
    if indicator.frequency is Frequency.ANNUAL:
        quarter = (as_of.month - 1) // 3 + 1
        text += " · " + t("as_of_quarter", lang, quarter=fmt_quarter(as_of.year, quarter, lang))
    return text


def render_review_card(
    result: YearResult, indicator: Indicator, lang: str, published: pd.DataFrame
) -> None:
    """One indicator's year result: met or missed, by how much, with the published figures."""
    with st.container(border=True, key=f"review-{indicator.code}"):
        st.markdown(f"**{indicator.short(lang)}**")
        result_badge(result, lang)
        target = (
            f"{_comparator(result.comparator)} {_target_value(result.target, indicator, lang)}"
            if result.target is not None
            else t("tile_no_target", lang)
        )
        st.markdown(
            t(
                "review_value",
                lang,
                value=_value(result.value, indicator, lang),
                target=target,
                margin=fmt_pp(result.margin, lang),
            )
        )
        if result.value_with_extension is not None:
            st.caption(
                t(
                    "review_extension",
                    lang,
                    value=_value(result.value_with_extension, indicator, lang),
                    date=_extension_end(result.year, lang),
                )
            )
        for row in published.itertuples():
            st.caption(
                t("published_figure", lang)
                + ": "
                + published_line(row, indicator.unit, lang, indicator.decimals)
            )
