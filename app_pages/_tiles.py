"""Drawing a headline tile and a year-in-review card (for the Overview).

A tile of a year still running shows the latest value, the target and gap, status, trend,
projection, probability and required pace. A tile of a closed year shows the year's result
against its target instead (met or missed), with no forecast: there is nothing left to
forecast.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

import pandas as pd
import streamlit as st
from babel.dates import format_date as babel_format_date

from app_pages import _ui
from charts.tile import make_tile_figure
from charts.tile_svg import figure_svg
from data_access import cached
from data_access.sources import SourceReport, failure_text
from i18n import (
    fmt_date,
    fmt_month,
    fmt_number,
    fmt_percent,
    fmt_pp,
    fmt_probability,
    fmt_quarter,
    fmt_value,
    period_word,
    t,
)
from i18n.escape import escape_markdown
from metrics.clock import month_end
from metrics.freshness import FreshnessCheck
from metrics.pace import RECENT_MONTHS
from metrics.palette import STATUS_STYLES, BadgeColor
from metrics.registry import Frequency, Indicator, get_indicator
from metrics.review import YearResult
from metrics.status import Status
from metrics.tiles import MERGED_FROM_YEAR, Tile, summarize


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


def badge_text(label: str, icon: str, color: BadgeColor) -> str:
    """A badge as Markdown, written as ``st.badge`` writes it (``[`` and ``]`` escaped), so
    that badges and words can share one element."""
    escaped = label.replace("[", "\\[").replace("]", "\\]")
    return f":{color}-badge[{icon} {escaped}]"


def status_words(status: Status, lang: str) -> tuple[str, str, BadgeColor]:
    """(label, icon, colour) of a status badge."""
    style = STATUS_STYLES[status]
    return t(f"status_{status.value}", lang), style.icon, style.badge_color


def result_words(
    result: YearResult, lang: str, *, short: bool = False
) -> tuple[str, str, BadgeColor]:
    """(label, icon, colour) of a year result's badge: ``Đạt chỉ tiêu năm 2025`` /
    ``Không đạt chỉ tiêu năm 2025``, as the glossary says; ``Đạt`` / ``Không đạt`` where the
    year is said beside it (``short``)."""
    if result.target is None:
        return t("review_no_target", lang, year=result.year), ":material/remove:", "gray"
    if result.is_met is None:
        return t("review_not_final", lang), ":material/help:", "gray"
    if result.is_met:
        style = STATUS_STYLES[Status.ON_TRACK]
        key = "result_met_short" if short else "review_met"
    else:
        style = STATUS_STYLES[Status.OFF_TRACK]
        key = "result_missed_short" if short else "review_missed"
    return t(key, lang, year=result.year), style.icon, style.badge_color


def status_badge(status: Status, lang: str) -> None:
    """Colour, icon and word — never colour alone."""
    label, icon, color = status_words(status, lang)
    st.badge(label, icon=icon, color=color)


def result_badge(result: YearResult, lang: str, *, short: bool = False) -> None:
    """A year result's badge (:func:`result_words`)."""
    label, icon, color = result_words(result, lang, short=short)
    st.badge(label, icon=icon, color=color)


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
    return fmt_probability(tile.projection.probability, lang)


def probability_inline(tile: Tile, lang: str) -> str:
    """:func:`probability_text` for a line of running text: ``< 1%`` with a no-break space,
    so that a narrow screen never leaves ``<`` at the end of one line and ``1%`` on the next
    (Disbursement at 390 px did). Tables and downloads keep :func:`probability_text`."""
    return probability_text(tile, lang).replace(" ", "\u00a0")


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
        text += " · " + recent_pace_words(tile, recent, lang)
    return label, text


def recent_span(tile: Tile, lang: str) -> str:
    """The months "recent" spans: ``08–10/2026`` / ``Aug–Oct 2026`` (the last
    :data:`metrics.pace.RECENT_MONTHS` months to the tile's data month); for an annual
    indicator the latest complete year."""
    if tile.pace.unit == "pp_per_year":
        return str(tile.pace.basis_year or tile.year)
    last = tile.as_of_month.date()
    first = (tile.as_of_month - pd.DateOffset(months=RECENT_MONTHS - 1)).date()
    if lang == "vi":
        if first.year == last.year:
            return f"{first.month:02d}–{last.month:02d}/{last.year}"
        return f"{first.month:02d}/{first.year}–{last.month:02d}/{last.year}"
    start = babel_format_date(first, "MMM" if first.year == last.year else "MMM yyyy", locale="en")
    return f"{start}–{babel_format_date(last, 'MMM yyyy', locale='en')}"


def recent_pace_words(tile: Tile, value: str, lang: str) -> str:
    """``3 tháng gần nhất (08–10/2026): 5,1 điểm phần trăm`` — "recent" with its months."""
    if tile.pace.unit == "pp_per_year":
        return t("pace_recent_year", lang, year=recent_span(tile, lang), value=value)
    return t(
        "pace_recent_months", lang, months=RECENT_MONTHS, span=recent_span(tile, lang), value=value
    )


def _delta(gap: float | None, lang: str) -> tuple[str | None, Literal["up", "down", "off"]]:
    """The gap chip's text and arrow; a zero gap has no arrow."""
    if gap is None or math.isnan(gap):
        return None, "off"
    rounded = round(gap, 1)
    return fmt_pp(gap, lang), "up" if rounded > 0 else "down" if rounded < 0 else "off"


def _short_date(day: dt.date, lang: str) -> str:
    """``31/10`` / ``31 Oct``: a day inside the year the tile names."""
    return f"{day.day}/{day.month:02d}" if lang == "vi" else fmt_date(day, lang).rsplit(" ", 1)[0]


def headline_label(tile: Tile, lang: str) -> str:
    """What the big number is: ``Tháng 10/2026``, ``Lũy kế đến 31/10/2026``,
    ``9 tháng năm 2026 (sơ bộ)``, ``Năm 2025``, ``Đến 31/01/2026``."""
    headline = tile.headline
    period = headline.period.date() if headline.period is not None else None
    if period is None:
        return t("tile_result", lang)
    if headline.kind == "month":
        return t("tile_result_month", lang, month=fmt_month(period, lang))
    if headline.kind == "year_to_date":
        return t("tile_headline_ytd", lang, date=fmt_date(month_end(period), lang))
    if headline.kind == "year_so_far":
        text = t("tile_headline_year_so_far", lang, months=period.month, year=period.year)
        return text + (" " + t("tile_preliminary", lang) if headline.is_preliminary else "")
    day = headline.reference_date
    if headline.kind == "judged" and day is not None and (day.month, day.day) != (12, 31):
        return t("tile_headline_judged", lang, date=fmt_date(day, lang))
    return t("tile_result_year", lang, year=period.year)


def headline_comparison(tile: Tile, indicator: Indicator, lang: str) -> str | None:
    """What the gap is measured against: ``so với mốc đến 31/10/2026 (65,2%)``,
    ``so với chỉ tiêu năm 2025 (≥ 25%)``."""
    headline = tile.headline
    if headline.reference is None:
        return None
    if headline.reference_kind == "milestone" and headline.reference_date is not None:
        return t(
            "tile_vs_milestone",
            lang,
            date=_day(headline.reference_date, tile.year, lang),
            value=_value(headline.reference, indicator, lang),
        )
    return t("tile_vs_target", lang, year=headline.reference_year)


def headline_summary(tiles: list[Tile], indicators: dict[str, Indicator], lang: str) -> str:
    """``2/4 chỉ tiêu đúng tiến độ; giải ngân chậm 14,0 điểm phần trăm so với mốc 31/10``."""
    summary = summarize(tiles)
    if summary.is_closed:
        text = t("headline_met", lang, n=summary.n_good, total=summary.n_total, year=summary.year)
    else:
        text = t("headline_on_track", lang, n=summary.n_good, total=summary.n_total)
    worst = summary.worst
    if worst is None or worst.headline.gap is None:
        return text
    name = t(f"headline_name_{worst.indicator_code}", lang)
    headline = worst.headline
    shortfall = headline.gap if headline.gap is not None else 0.0
    gap = fmt_pp(abs(shortfall), lang).lstrip("+")
    if headline.reference_kind == "milestone" and headline.reference_date is not None:
        if shortfall < 0:
            clause = t(
                "headline_behind_milestone",
                lang,
                name=name,
                gap=gap,
                date=_short_date(headline.reference_date, lang),
            )
        else:
            clause = t("headline_projected", lang, name=name, **_projected(worst, indicators, lang))
    elif shortfall < 0:
        clause = t("headline_below_target", lang, name=name, gap=gap, year=headline.reference_year)
    else:
        clause = t("headline_projected", lang, name=name, **_projected(worst, indicators, lang))
    return f"{text}; {clause}"


def _projected(tile: Tile, indicators: dict[str, Indicator], lang: str) -> dict[str, str]:
    indicator = indicators[tile.indicator_code]
    return {
        "value": _value(tile.projection.central, indicator, lang),
        "target": _value(tile.target_value, indicator, lang),
        "date": _short_date(tile.projection.judgement_date, lang),
    }


def why_line(tile: Tile, indicator: Indicator, lang: str) -> str:
    """The "Vì sao?" line: probability, projection, judgement date and method; last
    period's status (and why it was kept, if the move was within the noise)."""
    if is_closed(tile):
        headline = tile.headline
        target = t("tile_no_target", lang)
        if tile.target_in_force is not None:
            target = (
                f"{_comparator(tile.target_in_force.target.comparator)} "
                f"{_target_value(tile.target_in_force.target.value, indicator, lang)}"
            )
        return t(
            "tile_why_closed",
            lang,
            value=_value(headline.value, indicator, lang),
            date=fmt_date(headline.reference_date, lang),
            target=target,
        )
    text = status_why(tile, indicator, lang)
    if tile.previous_status is not None:
        period = t(
            "tile_last_quarter" if indicator.frequency is Frequency.ANNUAL else "tile_last_month",
            lang,
        )
        text += " " + t(
            "tile_previous_status",
            lang,
            period=period,
            status=t(f"status_{tile.previous_status.value}", lang),
        )
        if tile.status_is_held:
            text += " " + t("tile_status_held", lang)
    return text


def status_why(tile: Tile, indicator: Indicator, lang: str) -> str:
    """Why a running year's tile has its status, from ``tile.status_reason`` (a code and
    its figures): the probability and the projection behind it, or why there is none."""
    projection = tile.projection
    reason = tile.status_reason
    projected = None
    if projection.central is not None:
        projected = {
            "value": _value(projection.central, indicator, lang),
            "date": fmt_date(projection.judgement_date, lang),
            "method": _ui.lower_first(_ui.method_name(projection.method, lang)),
        }
    if reason.code == "probability" and projected is not None:
        return t("tile_why", lang, probability=probability_text(tile, lang), **projected)
    if reason.code == "no_target":
        text = t("tile_why_no_target", lang, year=reason.year)
    elif reason.code == "too_few_points":
        unit = "quarter" if indicator.frequency is Frequency.ANNUAL else "month"
        text = t(
            "tile_why_too_few_points",
            lang,
            n_points=reason.n_points,
            min_points=reason.min_points,
            unit=period_word(unit, reason.n_points or 0, lang),
        )
    else:
        return t("tile_why_none", lang, reason=_ui.projection_reason(projection, lang))
    if projected is not None:
        text += " " + t("tile_why_projection", lang, **projected)
    return text


def _day(day: dt.date, year: int, lang: str) -> str:
    """A day in the tile's own year short (``31/12``), any other in full."""
    return _short_date(day, lang) if day.year == year else fmt_date(day, lang)


def _target_fact(tile: Tile, indicator: Indicator, lang: str) -> tuple[str, str]:
    """``Chỉ tiêu`` and ``≥ 50% (năm 2025, tiếp tục áp dụng)``."""
    in_force = tile.target_in_force
    if in_force is None:
        return t("tile_fact_target", lang), t("tile_no_target", lang)
    target = in_force.target
    text = f"{_comparator(target.comparator)} {_target_value(target.value, indicator, lang)}"
    if in_force.is_carried_forward:
        text += " " + t("tile_fact_target_carried", lang, year=target.year)
    return t("tile_fact_target", lang), text


def _pace_facts(tile: Tile, lang: str) -> list[tuple[str, str]]:
    """The required pace, and what the same months delivered in earlier years."""
    pace = tile.pace
    per_year = pace.unit == "pp_per_year"
    label = t("tile_fact_pace_year" if per_year else "tile_fact_pace_month", lang)
    if pace.is_already_secured:
        return [(label, t("pace_secured", lang))]
    if pace.required is None:
        return []
    if pace.unit == "percent_per_month":
        text = fmt_percent(pace.required, lang)
        number = _percent
    elif pace.unit == "pp_of_plan_per_month":
        text = t(
            "tile_fact_pace_plan",
            lang,
            value=fmt_number(pace.required, lang, 1),
            amount=fmt_value(pace.required_billion_vnd_per_month, "billion_vnd", lang, 0),
        )
        number = _plain_number
    else:
        text = fmt_pp(pace.required, lang)
        number = _plain_number
    if pace.is_out_of_reach:
        text += " · " + t("pace_out_of_reach", lang)
    facts = [(label, text)]
    history = tile.pace_history
    if history.low is not None and history.high is not None and history.first_year is not None:
        years = (
            str(history.first_year)
            if history.first_year == history.last_year
            else f"{history.first_year}–{history.last_year}"
        )
        key = "tile_fact_history_year" if per_year else "tile_fact_history_month"
        facts.append(
            (
                t(key, lang, years=years),
                f"{number(history.low, lang)} – {number(history.high, lang)}",
            )
        )
    return facts


def _percent(value: float | None, lang: str) -> str:
    return fmt_percent(value, lang)


def _plain_number(value: float | None, lang: str) -> str:
    return fmt_number(value, lang, 1)


def _trend_fact(tile: Tile, lang: str) -> tuple[str, str, str]:
    """The trend (bold) and what it compares (plain)."""
    years = tile.trend_years
    span = ""
    if years is not None:
        span = str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}"
    basis = ""
    if tile.trend.value != "not_assessable":
        basis = t(f"trend_basis_{tile.trend_basis}", lang, years=span)
    return t("tile_trend_label", lang), t(f"trend_{tile.trend.value}", lang), basis


def spans_merger(tile: Tile) -> bool:
    """Whether the trend or the pace history shown compares periods across the merger."""
    pace_shown = not tile.pace.is_already_secured and tile.pace.required is not None
    return tile.trend_spans_merger or (pace_shown and tile.pace_history.spans_merger)


def _grid(tile: Tile, indicator: Indicator, lang: str) -> list[tuple[str, str]]:
    """The compact facts under the chart (label, value as Markdown: the value bold, what
    it compares plain)."""
    return [
        (label, f"**{bold}**" + (f" · {plain}" if plain else ""))
        for label, bold, plain in _facts(tile, indicator, lang)
    ]


def _facts(tile: Tile, indicator: Indicator, lang: str) -> list[tuple[str, str, str]]:
    """The compact facts under the chart: (label, value shown bold, words after it)."""
    facts = [_target_fact(tile, indicator, lang)]
    projection = tile.projection
    year = tile.year
    if is_closed(tile):
        result = tile.year_result
        assert result is not None
        if result.value_with_extension is not None:
            for day, value in (
                (dt.date(year, 12, 31), result.value),
                (dt.date(year + 1, 1, 31), result.value_with_extension),
            ):
                facts.append(
                    (
                        t("tile_to_date", lang, date=fmt_date(day, lang)),
                        _value(value, indicator, lang),
                    )
                )
        return [(label, value, "") for label, value in facts]
    if tile.ytd_value is not None and tile.headline.kind == "month":
        facts.append((t("tile_fact_ytd", lang, year=year), _value(tile.ytd_value, indicator, lang)))
    intervals = (
        [projection.year_end, projection.extension]
        if projection.year_end is not None and projection.extension is not None
        else []
    )
    for interval in intervals:
        facts.append(
            (
                t("tile_projection_to", lang, date=_day(interval.date, year, lang)),
                _interval(
                    interval.central,
                    interval.lower_80,
                    interval.upper_80,
                    indicator,
                    lang,
                    interval.is_observed,
                ),
            )
        )
    if not intervals and projection.central is not None:
        facts.append(
            (
                t("tile_projection_to", lang, date=_day(projection.judgement_date, year, lang)),
                _interval(
                    projection.central,
                    projection.lower_80,
                    projection.upper_80,
                    indicator,
                    lang,
                    False,
                ),
            )
        )
    facts += _pace_facts(tile, lang)
    return [*((label, value, "") for label, value in facts), _trend_fact(tile, lang)]


def _interval(
    central: float | None,
    low: float | None,
    high: float | None,
    indicator: Indicator,
    lang: str,
    is_observed: bool,
) -> str:
    if central is None:
        return t("tile_no_projection", lang)
    if is_observed or low is None or high is None:
        return _value(central, indicator, lang)
    return t(
        "tile_projection_value",
        lang,
        value=_value(central, indicator, lang),
        low=_value(low, indicator, lang),
        high=_value(high, indicator, lang),
    )


def chart_key(tile: Tile, indicator: Indicator, lang: str) -> str:
    """What the tile chart's lines are, in one line; last year's line is named as before
    the merger when it is (2024 beside 2025)."""
    target = (
        "tile_chart_key_milestones"
        if indicator.milestones(tile.year) and tile.latest_kind == "year_to_date"
        else "tile_chart_key_target"
    )
    previous: str = str(tile.year - 1)
    if tile.year - 1 < MERGED_FROM_YEAR <= tile.year:
        previous = t("tile_chart_previous_merger", lang, year=tile.year - 1)
    key = "tile_chart_key_closed" if is_closed(tile) else "tile_chart_key"
    return t(key, lang, year=tile.year, previous=previous, target=t(target, lang))


@st.cache_data(
    max_entries=64,
    show_spinner=False,
    hash_funcs={pd.DataFrame: cached.frame_key, Tile: lambda _tile: None},
)
def tile_chart(
    series: pd.DataFrame,
    indicator_code: str,
    tile: Tile,
    lang: str,
    published: pd.DataFrame,
    tile_key: tuple[int, dt.date],
) -> str:
    """The tile's chart as inline SVG (:func:`charts.tile_svg.figure_svg` of
    :func:`charts.tile.make_tile_figure`), kept across runs: building the plotly figure was
    a fifth of a warm Overview run. ``tile`` is left out of the key: it is the one
    :func:`data_access.cached.headline_tile` computes from ``series`` (keyed on its source),
    the indicator and ``tile_key`` (year, today), which are in the key."""
    indicator = get_indicator(indicator_code)
    return figure_svg(make_tile_figure(series, indicator, tile, lang, published), lang)


def render_tile(
    tile: Tile,
    indicator: Indicator,
    lang: str,
    *,
    series: pd.DataFrame,
    freshness: FreshnessCheck | None,
    is_demo: bool,
    published: pd.DataFrame,
    is_filtered: bool,
    source: _ui.FigureSource | None = None,
    chart: str | None = None,
) -> None:
    """One headline tile, in a bordered card keyed ``tile-<code>`` for tests and CSS.

    Read top down in five seconds: the name and status, the big number with its gap to what
    applies now, the small chart; then a compact grid (target, projection, pace, trend),
    the "Vì sao?" line, and the as-of date; then the info drawer (``source`` names the
    figure, so the drawer can list the load batches behind it).

    Two elements (issue 12: the browser builds and draws each as it arrives; a tile was
    seven in three containers): everything a reader reads is one HTML block
    (:func:`app_pages._tile_html.tile_html`, the chart inline in it), and the drawer, a
    widget, is the other.
    """
    from app_pages._tile_html import tile_html

    if chart is None:
        chart = figure_svg(make_tile_figure(series, indicator, tile, lang, published), lang)
    block = tile_html(
        tile,
        indicator,
        lang,
        chart=chart,
        freshness=freshness,
        is_demo=is_demo,
        is_filtered=is_filtered,
    )
    with st.container(border=True, key=f"tile-{indicator.code}"):
        _ui.html_block(block, key=f"tile-block-{indicator.code}")
        _ui.indicator_info(indicator, lang, published, tile.projection, source)


def glance_order(tiles: list[Tile], narrow_first: bool = True) -> list[Tile]:
    """Not-on-track first (off track, at risk, not assessable, on track), then as given."""
    rank = {
        Status.OFF_TRACK: 0,
        Status.AT_RISK: 1,
        Status.NOT_ASSESSABLE: 2,
        Status.ON_TRACK: 3,
    }
    if not narrow_first:
        return tiles
    return sorted(tiles, key=lambda tile: rank[tile.status])


def badge_markdown(tile: Tile, lang: str, *, short: bool = False) -> str:
    """The status (a closed year: met or missed) as a Markdown badge: colour, icon, word."""
    result = tile.year_result
    if is_closed(tile) and result is not None and result.is_met is not None:
        status = Status.ON_TRACK if result.is_met else Status.OFF_TRACK
        key = (
            ("result_met_short" if result.is_met else "result_missed_short")
            if short
            else ("review_met" if result.is_met else "review_missed")
        )
        word = t(key, lang, year=result.year)
    else:
        status = tile.status
        word = t(f"status_{status.value}", lang)
    style = STATUS_STYLES[status]
    return f":{style.badge_color}-badge[{style.icon} {word}]"


def glance_markdown(tiles: list[Tile], indicators: tuple[Indicator, ...], lang: str) -> str:
    """The glance row's text: one paragraph per indicator, not-on-track first — its short
    name, its big number against its target, its status (a closed year: met or missed)."""
    by_code = {indicator.code: indicator for indicator in indicators}
    items = []
    for tile in glance_order(tiles):
        indicator = by_code[tile.indicator_code]
        target = (
            f"{_comparator(tile.target_in_force.target.comparator)} "
            f"{_target_value(tile.target_in_force.target.value, indicator, lang)}"
            if tile.target_in_force is not None
            else "—"
        )
        value = t(
            "glance_value", lang, value=_value(tile.headline.value, indicator, lang), target=target
        )
        name = t(f"glance_name_{indicator.code}", lang)
        items.append(f"**{name}**  \n{value}  \n" + badge_markdown(tile, lang, short=True))
    return "\n\n".join(items)


def render_glance(
    tiles: dict[str, Tile | None], indicators: tuple[Indicator, ...], lang: str
) -> None:
    """The four statuses in one glance row, not-on-track first: four side by side on a
    wide screen, 2 × 2 on a phone (CSS lays out the paragraphs).

    Drawn at every width and hidden at none: the server cannot know the width, and the
    tiles wrap at a tablet's width and at 1366 px with the menu open, so this row is what
    keeps every status on the first screen. It costs one Markdown element in one keyed
    container (it was a row holding four boxes, each with its own text: nine elements).
    """
    shown = [tile for tile in tiles.values() if tile is not None]
    if not shown:
        return
    with st.container(key="glance"):
        st.markdown(glance_markdown(shown, indicators, lang))


def as_of_text(tile: Tile, indicator: Indicator, lang: str) -> str:
    """``Số liệu tính đến ngày 31/10/2026`` (for quarterly estimates, the quarter too)."""
    as_of = month_end(tile.as_of_month.date())
    text = t("as_of", lang, date=fmt_date(as_of, lang))
    if indicator.frequency is Frequency.ANNUAL:
        quarter = (as_of.month - 1) // 3 + 1
        text += " · " + t("as_of_quarter", lang, quarter=fmt_quarter(as_of.year, quarter, lang))
    return text


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs={pd.DataFrame: cached.frame_key})
def review_card(
    series: pd.DataFrame, indicator_code: str, year: int, lang: str, published: pd.DataFrame
) -> str | None:
    """The year-in-review card of ``indicator_code`` for ``year`` as one HTML block
    (:func:`app_pages._tile_html.review_html` of :func:`data_access.cached.year_review`),
    or None when the series has no result for that year. Cached on the series' and the
    published rows' source keys, the year and the language: computed by the warm-up for the
    default view, read by every visit after (issue 12: the four cards were a tenth of a warm
    Overview run)."""
    from app_pages._tile_html import review_html

    result = cached.year_review(series, indicator_code, year)
    if result is None:
        return None
    return review_html(result, get_indicator(indicator_code), lang, published)


def render_review_card(card: str, indicator: Indicator) -> None:
    """One indicator's year result (:func:`review_card`): met or missed, by how much, with
    the published figures; one HTML block (:func:`app_pages._ui.html_block`) in a bordered
    card keyed ``review-<code>`` (it was a Markdown element with HTML in it, two elements
    before that, and one a line before those)."""
    with st.container(border=True, key=f"review-{indicator.code}"):
        _ui.html_block(card, key=f"review-block-{indicator.code}")


def render_top(
    shown: list[Tile],
    tiles: dict[str, Tile | None],
    indicators: tuple[Indicator, ...],
    filters: _ui.Filters,
    *,
    is_demo: bool,
) -> None:
    """The first screen above the tiles: one line of year, scope and as-of date, one line
    of demo notice, the headline, and the glance row with every status."""
    lang = filters.lang
    if shown:
        latest_as_of = max(month_end(tile.as_of_month.date()) for tile in shown)
        st.caption(
            t(
                "overview_scope_line",
                lang,
                year=filters.year,
                scope=_ui.scope_text(filters.unit_filter, lang),
                date=fmt_date(latest_as_of, lang),
            )
        )
    if is_demo:
        st.caption(":material/science: " + t("overview_demo_line", lang))
    if not shown:
        return
    by_code = {indicator.code: indicator for indicator in indicators}
    with st.container(key="headline"):
        st.markdown(f"**{headline_summary(shown, by_code, lang)}**")
    render_glance(tiles, indicators, lang)


# --- a declared source that fails its contracts (issue 14) ------------------------------------


def render_source_failure(indicator: Indicator, report: SourceReport, lang: str, key: str) -> None:
    """In place of a tile (or a review card): the indicator's name and why it cannot be
    assessed. The message carries text from the mapping or the source, so it is escaped."""
    with st.container(border=True, key=key):
        st.markdown(f"**{indicator.short(lang)}**")
        st.warning(escape_markdown(failure_text(report, lang)), icon=":material/report:")
        st.caption(t("tile_source_failed_where", lang))
