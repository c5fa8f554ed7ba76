"""Drawing a headline tile and a year-in-review card (shared by the Overview and meeting mode)."""

from __future__ import annotations

import math

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
from metrics.freshness import FreshnessCheck, month_end
from metrics.palette import STATUS_STYLES, TREND_ICONS
from metrics.registry import Indicator
from metrics.review import YearResult
from metrics.status import Status
from metrics.tiles import Tile


def _value(value: float | None, indicator: Indicator, lang: str) -> str:
    return fmt_value(value, indicator.unit, lang, indicator.decimals)


def status_badge(status: Status, lang: str) -> None:
    """Colour, icon and word — never colour alone."""
    style = STATUS_STYLES[status]
    st.badge(t(f"status_{status.value}", lang), icon=style.icon, color=style.badge_color)


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


def target_text(tile: Tile, indicator: Indicator, lang: str) -> str:
    """``≥ 50,0%`` with the year, and whether it is carried forward."""
    in_force = tile.target_in_force
    if in_force is None:
        return t("tile_no_target", lang)
    target = in_force.target
    text = t(
        "tile_target",
        lang,
        year=tile.year,
        comparator=target.comparator.replace(">=", "≥").replace("<=", "≤"),
        value=_value(target.value, indicator, lang),
    )
    if in_force.is_carried_forward:
        text += " · " + t("tile_target_carried", lang, year=target.year)
    return text


def projection_text(tile: Tile, indicator: Indicator, lang: str) -> str:
    """``86,9% (85,2–88,1%)`` or why there is none."""
    projection = tile.projection
    if projection.central is None:
        return t("tile_no_projection", lang)
    if projection.method == "complete":
        return t(
            "tile_projection_complete", lang, value=_value(projection.central, indicator, lang)
        )
    return t(
        "tile_projection_value",
        lang,
        value=_value(projection.central, indicator, lang),
        low=_value(projection.lower_80, indicator, lang),
        high=_value(projection.upper_80, indicator, lang),
    )


def probability_text(tile: Tile, lang: str) -> str:
    """``97%``; ``>99%``/``<1%`` at the ends, where simulations cannot say more."""
    probability = tile.projection.probability
    if probability is None or math.isnan(probability):
        return "—"
    if probability > 0.99:
        return "> " + fmt_percent(99.0, lang, 0)
    if probability < 0.01:
        return "< " + fmt_percent(1.0, lang, 0)
    return fmt_percent(probability * 100, lang, 0)


def pace_text(tile: Tile, indicator: Indicator, lang: str) -> str:
    """The required pace, in the indicator's own terms, with the recent pace beside it."""
    pace = tile.pace
    if pace.is_already_secured:
        return t("pace_secured", lang)
    if pace.required is None:
        return "—"
    if pace.unit == "percent_per_month":
        text = t("pace_rate_per_month", lang, value=fmt_percent(pace.required, lang))
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
        text = t("pace_per_year", lang, value=fmt_pp(pace.required, lang))
        recent = fmt_pp(pace.recent, lang) if pace.recent is not None else None
    if pace.is_out_of_reach:
        text += " · " + t("pace_out_of_reach", lang)
    if recent is not None:
        text += " · " + t("pace_recent", lang, value=recent)
    return text


def render_tile(
    tile: Tile,
    indicator: Indicator,
    lang: str,
    *,
    freshness: FreshnessCheck,
    is_demo: bool,
    published: pd.DataFrame,
) -> None:
    """One headline tile, in a bordered card keyed ``tile-<code>`` for tests and CSS."""
    with st.container(border=True, key=f"tile-{indicator.code}"):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{indicator.short(lang)}**")
            status_badge(tile.status, lang)
        delta, delta_description = None, None
        if tile.gap is not None and not math.isnan(tile.gap):
            # Streamlit reads the sign from an ASCII minus to pick the arrow and colour.
            delta = fmt_pp(tile.gap, lang).replace("−", "-")
            scope = "tile_gap_scope_ytd" if tile.latest_kind != "year" else "tile_gap_scope_year"
            delta_description = t(scope, lang, year=tile.year)
        sparkline = tile.sparkline["value"].round(2).tolist() if not tile.sparkline.empty else None
        st.metric(
            latest_label(tile, lang),
            _value(tile.latest_value, indicator, lang),
            delta=delta,
            delta_color="normal" if indicator.direction == "higher" else "inverse",
            delta_description=delta_description,
            chart_data=sparkline,
            chart_type="line",
            help=t("tile_gap_help", lang),
        )
        lines = [
            (t("tile_target_label", lang), target_text(tile, indicator, lang)),
        ]
        if tile.ytd_value is not None and tile.latest_kind == "month":
            lines.append(
                (t("tile_ytd_label", lang, year=tile.year), _value(tile.ytd_value, indicator, lang))
            )
        if tile.expected_to_date is not None:
            lines.append(
                (
                    t("tile_expected_label", lang),
                    _value(tile.expected_to_date, indicator, lang)
                    + f" ({fmt_pp(tile.gap_to_expected, lang)})",
                )
            )
        lines += [
            (t("tile_projection_label", lang), projection_text(tile, indicator, lang)),
            (t("tile_probability_label", lang), probability_text(tile, lang)),
            (t(f"tile_pace_label_{tile.pace.unit}", lang), pace_text(tile, indicator, lang)),
        ]
        if tile.next_milestone is not None:
            milestone = tile.next_milestone
            lines.append(
                (
                    t("tile_next_milestone_label", lang),
                    t(
                        "tile_next_milestone",
                        lang,
                        value=_value(milestone.value, indicator, lang),
                        date=fmt_date(milestone.due_date, lang),
                        projected=_value(tile.next_milestone_projected, indicator, lang),
                    ),
                )
            )
        st.markdown("  \n".join(f"{label}: **{value}**" for label, value in lines))
        trend_word = t(f"trend_{tile.trend.value}", lang)
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.badge(trend_word, icon=TREND_ICONS[tile.trend], color="gray")
            _ui.freshness_badge(freshness, lang)
            if is_demo:
                st.badge(t("demo_badge", lang), icon=":material/science:", color="violet")
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.caption(as_of_text(tile, indicator, lang))
            _ui.indicator_info(indicator, lang, published)


def as_of_text(tile: Tile, indicator: Indicator, lang: str) -> str:
    """``Số liệu tính đến ngày 31/10/2026`` (a quarter's end for quarterly estimates)."""
    as_of = month_end(tile.as_of_month.date())
    text = t("as_of", lang, date=fmt_date(as_of, lang))
    if indicator.frequency.value == "annual":
        quarter = (as_of.month - 1) // 3 + 1
        text += " · " + t("as_of_quarter", lang, quarter=fmt_quarter(as_of.year, quarter, lang))
    return text


def render_review_card(
    result: YearResult, indicator: Indicator, lang: str, published: pd.DataFrame
) -> None:
    """One indicator's year result: met or missed, by how much, with the published figure."""
    with st.container(border=True, key=f"review-{indicator.code}"):
        st.markdown(f"**{indicator.short(lang)}**")
        if result.is_met is None:
            st.badge(t("review_not_final", lang), icon=":material/help:", color="gray")
        elif result.is_met:
            st.badge(
                t("review_met", lang, year=result.year),
                icon=":material/check_circle:",
                color="blue",
            )
        else:
            st.badge(
                t("review_missed", lang, year=result.year), icon=":material/error:", color="red"
            )
        comparator = (result.comparator or ">=").replace(">=", "≥").replace("<=", "≤")
        st.markdown(
            t(
                "review_value",
                lang,
                value=_value(result.value, indicator, lang),
                comparator=comparator,
                target=_value(result.target, indicator, lang),
                margin=fmt_pp(result.margin, lang),
            )
        )
        if result.value_with_extension is not None:
            st.caption(
                t(
                    "review_extension",
                    lang,
                    value=_value(result.value_with_extension, indicator, lang),
                    date=fmt_date(pd.Timestamp(result.year + 1, 1, 31).date(), lang),
                )
            )
        for row in published.itertuples():
            st.caption(
                t("info_published", lang)
                + ": "
                + published_line(row, indicator.unit, lang, indicator.decimals)
            )
