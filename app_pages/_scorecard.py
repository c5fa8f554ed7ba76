"""The unit scorecard's pieces: choosing a unit, its indicators against target and peers,
its trends, and its submissions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import streamlit as st

from app_pages import _html_table, _page, _ui
from app_pages._auth import reader_scope
from data_access import cached
from data_access.queries import UnitFilter
from i18n import escape_markdown, fmt_date, fmt_days, fmt_month, fmt_value, t
from metrics.attention import expected_to_date
from metrics.clock import city_today, month_end
from metrics.freshness import latest_complete_period
from metrics.palette import STATUS_STYLES
from metrics.reference import FORMER_PROVINCES, LEAF_UNIT_TYPES
from metrics.registry import Indicator, TimeRollup, get_indicator
from metrics.scorecard import peer_position, submission_grid
from metrics.status import Status
from metrics.trends import trend_frame, year_on_year

SCORECARD_CODES: tuple[str, ...] = (
    "online_dossier_share",
    "satisfaction_rate",
    "on_time_rate",
    "e_result_rate",
    "public_investment_disbursement",
)
"""The unit-level rates a scorecard shows (each where the unit reports it)."""
INDICATOR_PAGES: dict[str, str] = {
    "online_dossier_share": "app_pages/online.py",
    "satisfaction_rate": "app_pages/satisfaction.py",
    "public_investment_disbursement": "app_pages/disbursement.py",
}


def _label(row: pd.Series, lang: str) -> str:
    name = row["name_vi"] if lang == "vi" else row["name_en"]
    kind = t(f"unit_type_{row['unit_type']}", lang)
    province = FORMER_PROVINCES.get(str(row["former_province"]))
    where = f" · {province[0 if lang == 'vi' else 1]}" if province else ""
    return f"{name} — {kind}{where}"


def _picked() -> None:
    _ui.set_focus(st.session_state.get("unit_picker"))


def unit_picker(lang: str) -> str | None:
    """Choose the unit (type to search) in a popover whose button names the unit shown, or
    asks to choose one (a primary button) when none is; the choice is the page's ``?unit=``.

    Issue 12: a select box on the first screen cost the page its script bundles (about half
    an empty page's time); in a popover it costs nothing until opened
    (:func:`app_pages._ui.choice_behind_button`)."""
    units = cached.unit_list(scope=reader_scope()).frame
    units = (
        units[units["unit_type"].isin(LEAF_UNIT_TYPES)]
        .assign(order=lambda f: f["unit_type"].map({u: i for i, u in enumerate(LEAF_UNIT_TYPES)}))
        .sort_values(["order", "name_vi"])
    )
    labels = {str(r["unit_id"]): _label(r, lang) for _, r in units.iterrows()}
    current = _ui.focus_unit()
    shown = current if current in labels else None
    st.session_state["unit_picker"] = shown
    # Without a unit the page asks for one: the button stands out (primary). The name
    # comes from the warehouse: escaped, as the button's label reads Markdown.
    style: Literal["primary", "secondary"] = "primary" if shown is None else "secondary"
    button = (
        t("unit_picker_choose", lang)
        if shown is None
        else t("unit_picker_button", lang, unit=_page.unit_label(_page.unit_row(shown), lang))
    )
    _ui.choice_behind_button(
        t("unit_picker_label", lang),
        list(labels),
        format_func=labels.__getitem__,
        index=None,
        placeholder=t("unit_picker_placeholder", lang),
        key="unit_picker",
        on_change=_picked,
        button=button,
        button_type=style,
        icon=":material/search:",
    )
    return shown


@dataclass(frozen=True, slots=True)
class Line:
    """One indicator of the unit's scorecard."""

    indicator: Indicator
    through: dt.date
    row: pd.Series
    """The unit's row of the ranking table (value, benchmark, status, rank, quartiles)."""
    series: pd.DataFrame


def failing() -> list[Indicator]:
    """The scorecard's indicators whose declared source fails a contract (issue 14): not
    assessed, so left out of :func:`lines` and said in their place (:func:`say_failing`)."""
    reports = cached.failing_sources(city_today())
    return [get_indicator(code) for code in SCORECARD_CODES if code in reports]


def say_failing(indicators: list[Indicator], lang: str) -> None:
    """Each failing indicator's name and why it is not assessed, as on the Overview."""
    for indicator in indicators:
        _page.source_failure_in(indicator, lang, f"not-assessable-unit-{indicator.code}")


@dataclass(frozen=True, slots=True)
class CityStanding:
    """One indicator's ranking of every unit to the city's latest complete month: what
    every unit's scorecard shares."""

    indicator: Indicator
    month: dt.date
    ranking: pd.DataFrame


def city_standings(filters: _ui.Filters, *, scope: cached.Scope) -> list[CityStanding]:
    """The scorecard's indicators for the year, each ranked to the city's latest complete
    month, for a reader limited to ``scope`` (those whose declared source fails a contract
    are left out: :func:`failing`). The warm-up reads them (``app_pages._warm_up``)."""
    out = []
    left_out = {indicator.code for indicator in failing()}
    for code in SCORECARD_CODES:
        if code in left_out:
            continue
        indicator = get_indicator(code)
        city = cached.scope_series(code, UnitFilter(), filters.as_of, scope=scope).frame
        if city.empty:
            continue
        through = latest_complete_period(city, filters.year, filters.today)
        if through is None:
            continue
        month = through.date()
        ranking = cached.unit_ranking(
            code, filters.year, month, UnitFilter(), filters.as_of, scope=scope
        ).frame
        out.append(CityStanding(indicator, month, ranking))
    return out


def every_units_series() -> list[str]:
    """Read every unit's series of each scorecard indicator that :func:`lines` reads from
    them (:func:`data_access.cached.every_unit_series`), for the warm-up: a first visit
    of any unit's scorecard then reads no series. Returns the indicators read."""
    read = [code for code in SCORECARD_CODES if cached.reads_every_unit(code)]
    for code in read:
        cached.every_unit_series(code)
    return read


def standing_tables(
    filters: _ui.Filters, *, scope: cached.Scope
) -> list[tuple[CityStanding, pd.DataFrame]]:
    """Each of :func:`city_standings` with its ranking table against the benchmark of the
    year (:func:`data_access.cached.ranking_table`): every unit's place, status and peer
    quartiles, the same for every unit's scorecard. The warm-up computes them."""
    out = []
    for standing in city_standings(filters, scope=scope):
        indicator, month = standing.indicator, standing.month
        in_force = indicator.year_end_target(filters.year)
        benchmark = (
            expected_to_date(indicator, filters.year, month_end(month))
            if indicator.time_rollup is TimeRollup.CUMULATIVE
            else (in_force.target.value if in_force else None)
        )
        out.append((standing, cached.ranking_table(standing.ranking, indicator.code, benchmark)))
    return out


def lines(unit_id: str, filters: _ui.Filters) -> list[Line]:
    """The unit's indicators for the year, each read to the city's latest complete month
    (those whose declared source fails a contract are left out: :func:`failing`)."""
    out = []
    for standing, table in standing_tables(filters, scope=reader_scope()):
        indicator, month = standing.indicator, standing.month
        mine = table[table["unit_id"].astype(str) == unit_id]
        if mine.empty:
            continue
        row = mine.iloc[0]
        series = cached.unit_series(
            indicator.code, unit_id, filters.as_of, scope=reader_scope()
        ).frame
        out.append(Line(indicator, month, row, series))
    return out


def _rounded(value: Any, decimals: int = 1) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), decimals)


def year_on_year_change(item: Line, year: int) -> float | None:
    """The unit's year to date against the same months last year (percentage points)."""
    if item.indicator.time_rollup is TimeRollup.CUMULATIVE:
        return None
    change = year_on_year(trend_frame(item.series, year, item.through))
    return change.ytd_change_pp if change is not None else None


def scorecard_frame(items: list[Line], year: int, lang: str) -> pd.DataFrame:
    """The scorecard as a table (numbers stay numbers, the unit in each header)."""
    records = []
    for item in items:
        row = item.row
        position = peer_position(row["value"], row["peer_p25"], row["peer_p75"])
        records.append(
            {
                t("col_indicator", lang): item.indicator.short(lang),
                t("col_value_pct", lang): _rounded(row["value"]),
                t("col_status", lang): t(f"status_{row['unit_status']}", lang),
                t("col_target_or_milestone_pct", lang): _rounded(row["benchmark"]),
                t("col_gap_pp", lang): _rounded(float(row["value"]) - float(row["benchmark"]))
                if pd.notna(row["value"]) and pd.notna(row["benchmark"])
                else None,
                t("col_through", lang): fmt_month(item.through, lang),
                t("col_rank", lang): row["peer_rank"],
                t("col_peer_count", lang): row["peer_count"],
                t("col_peer_p25_pct", lang): _rounded(row["peer_p25"]),
                t("col_peer_median_pct", lang): _rounded(row["peer_median"]),
                t("col_peer_p75_pct", lang): _rounded(row["peer_p75"]),
                t("col_peer_position", lang): t(f"peer_position_{position}", lang),
                t("col_yoy_pp", lang): _rounded(year_on_year_change(item, year)),
            }
        )
    frame = pd.DataFrame(records)
    for column in frame.columns:
        if column.endswith(("(%)", "(pp)", "(điểm phần trăm)")):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in (t("col_rank", lang), t("col_peer_count", lang)):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def glance_markdown(items: list[Line], year: int, lang: str) -> str:
    """The scorecard at a glance: one paragraph per indicator, in the table's order — its
    name, its value against its target (or, for disbursement, the milestone to date) and
    its status in colour, icon and word."""
    paragraphs = []
    for item in items:
        indicator, row = item.indicator, item.row
        value = fmt_value(_rounded(row["value"]), indicator.unit, lang, indicator.decimals)
        benchmark = _rounded(row["benchmark"])
        if benchmark is None:
            line = f"**{value}**"
        elif indicator.time_rollup is TimeRollup.CUMULATIVE:
            milestone = fmt_value(benchmark, indicator.unit, lang, indicator.decimals)
            line = t("unit_glance_milestone", lang, value=value, benchmark=milestone)
        else:
            in_force = indicator.year_end_target(year)
            comparator = in_force.target.comparator if in_force else ">="
            target = (
                comparator.replace(">=", "≥").replace("<=", "≤")
                + " "
                + fmt_value(
                    benchmark,
                    indicator.unit,
                    lang,
                    0 if benchmark.is_integer() else indicator.decimals,
                )
            )
            line = t("unit_glance_target", lang, value=value, benchmark=target)
        style = STATUS_STYLES[Status(row["unit_status"])]
        word = t(f"status_{row['unit_status']}", lang)
        badge = f":{style.badge_color}-badge[{style.icon} {word}]"
        paragraphs.append(f"**{escape_markdown(indicator.short(lang))}**  \n{line}  \n{badge}")
    return "\n\n".join(paragraphs)


def show_glance(items: list[Line], year: int, lang: str) -> None:
    """Each indicator's value and status in boxes that wrap (CSS: ``_ui``), above the table:
    on a phone the table shows only its pinned indicator and the value beside it before it
    is scrolled, so the status — what a leader opens the page for — is said here, at every
    width (the server cannot know the width), in one Markdown element."""
    if items:
        with st.container(key="unit-glance"):
            st.markdown(glance_markdown(items, year, lang))


def show_table(frame: pd.DataFrame, year: int, lang: str) -> None:
    """The scorecard table, numbers formatted for the reader: a plain HTML table, not a
    data grid (issue 12: one row per indicator, read, not sorted).

    The value and its status come straight after the indicator, whose column stays in view:
    on a phone (390 px) the value is what shows beside it before the table is scrolled, and
    the indicator stays in view while it is. A missing number reads "—", not "None"."""
    _html_table.show_table(frame, lang, caption=t("unit_indicators_title", lang, year=year))


def submissions(unit_id: str, items: list[Line], filters: _ui.Filters) -> pd.DataFrame:
    """Each expected month of each indicator: on time, late by how many days, or missing."""
    lang = filters.lang
    shown = tuple(sorted({item.indicator.code for item in items}))
    fetched = cached.unit_submissions(
        unit_id, filters.as_of, shown, filters.year, scope=reader_scope()
    ).frame
    grid = (
        pd.concat(
            [
                submission_grid(fetched, [item.indicator], filters.year, item.through)
                for item in items
            ],
            ignore_index=True,
        )
        if items
        else pd.DataFrame()
    )
    if grid.empty:
        _ui.empty_state(lang, t("submissions_empty", lang, year=filters.year))
        return grid
    missing = grid[grid["state"] == "missing"]
    late = grid[grid["state"] == "late"]
    st.markdown(
        t(
            "submissions_summary",
            lang,
            expected=len(grid),
            late=len(late),
            missing=len(missing),
        )
    )
    words = {
        "on_time": t("submission_on_time", lang),
        "missing": t("submission_missing", lang),
    }
    cell = [
        words.get(state) or t("submission_late", lang, days=fmt_days(days, lang))
        for state, days in zip(grid["state"], grid["days_late"], strict=True)
    ]
    wide = grid.assign(
        cell=cell,
        indicator=[get_indicator(c).short(lang) for c in grid["indicator_code"]],
        month=[
            f"{m.month}/{m.year}" if lang == "vi" else fmt_month(m.date(), lang)
            for m in grid["period_month"]
        ],
    ).pivot(index="indicator", columns="month", values="cell")
    order = list(
        dict.fromkeys(
            f"{m.month}/{m.year}" if lang == "vi" else fmt_month(m.date(), lang)
            for m in sorted(grid["period_month"])
        )
    )
    wide = (
        wide.reindex(columns=order)
        .reset_index()
        .rename(columns={"indicator": t("col_indicator", lang)})
    )
    # A plain HTML table (issue 12); the indicator stays in view while the months are
    # scrolled (a phone shows two).
    _html_table.show_table(wide, lang, caption=t("submissions_title", lang, year=filters.year))
    detail = pd.DataFrame(
        {
            t("col_indicator", lang): [
                get_indicator(c).short(lang) for c in grid["indicator_code"]
            ],
            t("col_month", lang): [fmt_month(m.date(), lang) for m in grid["period_month"]],
            t("col_submission", lang): cell,
            t("col_days_late", lang): grid["days_late"],
            t("col_first_loaded", lang): [
                "" if pd.isna(v) else f"{v:%H:%M} {fmt_date(v.date(), lang)}"
                for v in grid["first_loaded_at"]
            ],
        }
    )
    return detail


def links(unit: dict[str, object], items: list[Line], lang: str) -> None:
    """The same unit on each indicator page (the unit stays chosen)."""
    name = escape_markdown(_page.unit_name(unit, lang))
    with st.container(horizontal=True, gap="small"):
        for item in items:
            page = INDICATOR_PAGES.get(item.indicator.code)
            if page:
                st.page_link(
                    page,
                    label=t("unit_on_page", lang, indicator=item.indicator.short(lang), unit=name),
                    icon=":material/arrow_forward:",
                )
