"""The disbursement page's own sections: the headline figures, the plan's changes, the
S-curve, the former provinces, and the investors with the most capital left."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _html_table, _page, _rankings, _sections, _tiles, _ui
from app_pages._auth import reader_scope
from charts.comparison import make_groups_figure
from charts.disbursement import make_investors_figure, make_scurve_figure
from data_access import cached
from data_access.queries import UnitFilter
from i18n import (
    basis_text,
    escape_markdown,
    fmt_date,
    fmt_month,
    fmt_number,
    fmt_value,
    t,
    t_count,
)
from metrics.clock import month_end
from metrics.comparisons import national_figures
from metrics.disbursement import investor_table, milestone_path, plan_changes, s_curves
from metrics.rankings import PEER_GROUPS
from metrics.reference import FORMER_PROVINCES
from metrics.registry import get_indicator

DISBURSEMENT = get_indicator("public_investment_disbursement")
TOP_INVESTORS = 15
PLAN_REVISION_COLUMNS = ("effective_date", "n_investors", "plan_billion_vnd", "source_document")
"""The columns of ``queries.plan_revisions``."""


def _billion(value: float | None, lang: str) -> str:
    return fmt_value(value, "billion_vnd", lang, 0)


def headline(view: _sections.View) -> None:
    """Year to date against the milestone path, the money, last year, the projection."""
    lang, indicator, tile = view.filters.lang, view.indicator, view.tile
    if tile is None or tile.ytd_through is None:
        _ui.empty_state(lang, t("empty_indicator_year", lang, year=view.filters.year))
        return
    rows = view.series[view.series["period_year"] == view.filters.year]
    last = rows[rows["period_month"] == tile.ytd_through].iloc[-1]
    previous = view.series[
        (view.series["period_year"] == view.filters.year - 1)
        & (view.series["period_month"] == tile.ytd_through - pd.DateOffset(years=1))
    ]
    # Four figures in a row, two or one by the width they have (as the Overview's tiles):
    # four columns cut the money and the gap short on a tablet.
    row = st.container(
        horizontal=True, key="figures", gap="medium", vertical_alignment="distribute"
    )
    with row:
        st.metric(
            t("tile_result_ytd", lang, date=fmt_date(month_end(tile.ytd_through.date()), lang)),
            fmt_value(tile.ytd_value, indicator.unit, lang, indicator.decimals),
            **_ui.delta_args(tile.gap_to_expected, lang),
            delta_description=t("vs_milestone_path", lang),
            border=True,
        )
    with row:
        st.metric(
            t("col_disbursed_bvnd", lang),
            # A bare number: the label names the unit (tỷ đồng), which a tablet cut short.
            fmt_number(float(last["numerator"]), lang, 0),
            delta=t("of_plan", lang, plan=fmt_number(float(last["denominator"]), lang, 0)),
            delta_arrow="off",
            delta_color="off",
            border=True,
        )
    with row:
        remaining = max(float(last["denominator"]) - float(last["numerator"]), 0.0)
        st.metric(t("col_remaining_bvnd", lang), fmt_number(remaining, lang, 0), border=True)
    with row:
        before = float(previous["value"].iloc[-1]) if not previous.empty else None
        st.metric(
            t("same_month_last_year", lang),
            fmt_value(before, indicator.unit, lang, indicator.decimals),
            **_ui.delta_args(
                tile.ytd_value - before
                if before is not None and tile.ytd_value is not None
                else None,
                lang,
            ),
            delta_description=t("this_year_minus_last", lang),
            border=True,
        )
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if _tiles.is_closed(tile) and tile.year_result is not None:
            _tiles.result_badge(tile.year_result, lang)
            if tile.year_result.value_with_extension is not None:
                st.markdown(
                    t(
                        "review_extension",
                        lang,
                        value=fmt_value(
                            tile.year_result.value_with_extension, indicator.unit, lang, 1
                        ),
                        date=fmt_date(dt.date(view.filters.year + 1, 1, 31), lang),
                    )
                )
        else:
            _tiles.status_badge(tile.status, lang)
            st.markdown(
                f"{t('scurve_projection_label', lang)}: "
                f"**{_tiles.projection_text(tile, indicator, lang)}** · "
                f"{t('tile_probability_label', lang)}: **{_tiles.probability_inline(tile, lang)}**"
            )
    _sections.tile_facts(view, tile)


def plan_revisions(view: _sections.View, *, scope: cached.Scope) -> pd.DataFrame:
    """The plan's revisions in the view's year and scope, for a reader limited to
    ``scope`` (the project's own schema; a declared source gives none)."""
    filters = view.filters
    return cached.plan_revisions(filters.year, view.scope, filters.as_of, scope=scope).frame


def province_series(view: _sections.View, *, scope: cached.Scope) -> pd.DataFrame:
    """The three former provinces' curves (all their investors), for a reader limited to
    ``scope``."""
    chosen = UnitFilter(former_provinces=view.filters.unit_filter.former_provinces)
    return cached.series_by_group(
        view.indicator.code, chosen, view.filters.as_of, scope=scope
    ).frame


def default_reads(filters: _ui.Filters, *, scope: cached.Scope) -> _sections.View:
    """What the Disbursement page reads, whatever the language, for ``filters`` with no
    unit chosen, for a reader limited to ``scope``: the warm-up's step for that page
    (``app_pages._warm_up``), through the functions the page calls."""
    view = _sections.read_view(filters, DISBURSEMENT, scope=scope)
    if cached.declared_source(DISBURSEMENT.code) is None:
        plan_revisions(view, scope=scope)
    province_series(view, scope=scope)
    _sections.ranking(view, scope=scope)
    return view


def changes(view: _sections.View) -> pd.DataFrame:
    """Say wherever the plan changed during the year (and return the changes)."""
    lang, filters = view.filters.lang, view.filters
    if cached.declared_source(view.indicator.code) is not None:
        # A declared source gives each month's plan in force, not the plan's revisions: the
        # page says so rather than show the project's own schema's notes (``capital_plans``).
        st.caption(t("plan_changes_not_declared", lang))
        revisions = pd.DataFrame(columns=list(PLAN_REVISION_COLUMNS))
    else:
        revisions = plan_revisions(view, scope=reader_scope())
    found = plan_changes(revisions)
    for change in found.to_dict("records"):
        st.info(
            t(
                "plan_changed",
                lang,
                date=fmt_date(pd.Timestamp(change["effective_date"]).date(), lang),
                before=_billion(change["before"], lang),
                after=_billion(change["after"], lang),
                n=change["n_investors"],
                document=escape_markdown(str(change["source_document"])),
            ),
            icon=":material/edit_calendar:",
        )
    plans = view.published.dropna(subset=["plan_billion_vnd"])
    plans = plans[plans["period_start"].dt.year == filters.year]
    if plans["plan_billion_vnd"].nunique() > 1:
        st.caption(
            t(
                "plan_published_bases",
                lang,
                plans=", ".join(
                    _billion(p, lang) for p in sorted(plans["plan_billion_vnd"].unique())
                ),
            )
        )
    return found


def _points(frame: pd.DataFrame, view: _sections.View) -> pd.DataFrame:
    """Published figures of the year as S-curve points: the day they stand for, the value
    and its label (basis, territory, the plan it is a share of)."""
    lang, indicator = view.filters.lang, view.indicator
    records = []
    for row in frame.to_dict("records"):
        # A figure of the plan year: it starts in the year (a year end with the extension
        # month ends on 31 January of the next one).
        if pd.Timestamp(row["period_start"]).year != view.filters.year:
            continue
        end = pd.Timestamp(row["period_end"]).date()
        plan = row.get("plan_billion_vnd")
        territory = str(row.get("territory", ""))
        where = {
            "pre_merger": t("territory_pre_merger", lang),
            "national": t("scurve_national", lang),
        }.get(territory, "")
        label = basis_text(str(row["basis"]), lang)
        if where:
            label += f" — {where}"
        if plan is not None and pd.notna(plan):
            label += " — " + t("of_plan", lang, plan=_billion(float(plan), lang))
        decimals = 2 if round(float(row["value"]), 1) != round(float(row["value"]), 2) else 1
        records.append(
            {
                "day": end,
                "value": float(row["value"]),
                "text": fmt_value(float(row["value"]), indicator.unit, lang, decimals),
                "label": label,
            }
        )
    return pd.DataFrame(records, columns=["day", "value", "text", "label"])


def scurve(view: _sections.View, found: pd.DataFrame) -> pd.DataFrame:
    """The year's S-curve against the milestones, earlier years, published figures and the
    national average; returns the curves drawn (for the download)."""
    lang, indicator, year = view.filters.lang, view.indicator, view.filters.year
    curves = s_curves(view.series, year)
    milestones = pd.DataFrame(
        [
            {
                "day": m.due_date,
                "value": m.value,
                "label": (m.label_vi if lang == "vi" else m.label_en)
                + " "
                + _sections.target_text(m.value, m.comparator, indicator, lang),
            }
            for m in indicator.milestones(year)
        ],
        columns=["day", "value", "label"],
    )
    tile = view.tile
    fan = tile.projection.fan if tile is not None and not _tiles.is_closed(tile) else None
    city_level = view.scope.is_whole_city
    national = _points(national_figures(_page.published_now(view.filters), indicator), view)
    figure = make_scurve_figure(
        curves,
        indicator,
        year,
        lang,
        title=t("scurve_title", lang, scope=view.words, year=year),
        milestones=milestones,
        path=milestone_path(indicator, year),
        fan=fan,
        published=_points(view.published, view) if city_level else None,
        national=national if city_level else None,
        changes=pd.DataFrame(
            {
                "day": [pd.Timestamp(d).date() for d in found["effective_date"]],
                "text": [t("plan_changed_short", lang) for _ in range(len(found))],
            }
        ),
    )
    _ui.show_figure(figure, key="scurve")
    note = t("scurve_help", lang)
    if national.empty and city_level:
        note += " " + t("scurve_no_national", lang, year=year)
    st.caption(note)
    return curves


def provinces(view: _sections.View) -> None:
    """The three former provinces' curves this plan year (all their investors), with the
    milestone path."""
    lang, filters = view.filters.lang, view.filters
    series = province_series(view, scope=reader_scope())
    rows = series[series["period_year"] == filters.year]
    names = {k: v[0 if lang == "vi" else 1] for k, v in FORMER_PROVINCES.items()}
    figure = make_groups_figure(
        rows,
        view.indicator,
        lang,
        title=t("scurve_provinces_title", lang, year=filters.year),
        names=names,
        since=dt.date(filters.year, 1, 1),
    )
    _ui.show_figure(figure, key="scurve-provinces")
    st.caption(t("scurve_provinces_help", lang))


def investors(view: _sections.View) -> None:
    """Investors by remaining capital: the largest holders, then every investor with its
    plan, disbursed, remaining, rate, status and the pace it needs; a row opens the unit."""
    lang, filters, indicator = view.filters.lang, view.filters, view.indicator
    tile = view.tile
    if view.through is None or tile is None:
        return
    table = _sections.unit_table(view)
    if table is None or table.empty:
        _ui.empty_state(lang, t("empty_filter_matches_nothing", lang))
        return
    target = tile.target_value or 95.0
    money = investor_table(table, filters.year, view.through, target)
    groups = ["all", *(g for g in PEER_GROUPS if g in set(money["unit_type"]))]
    group = st.segmented_control(
        t("peer_group_label", lang),
        groups,
        default="all",
        format_func=lambda g: (
            t("peer_group_all", lang) if g == "all" else t(f"peer_group_{g}", lang)
        ),
        key="investor-group",
        required=True,
    )
    shown = money if group in (None, "all") else money[money["unit_type"] == group]
    shown = shown.reset_index(drop=True)
    name = "name_vi" if lang == "vi" else "name_en"
    top = shown.head(TOP_INVESTORS).assign(name=lambda f: f[name])
    _ui.show_figure(
        make_investors_figure(
            top, lang, title=t("investors_title", lang, count=len(top), scope=view.words)
        ),
        key="investors",
    )
    months_left = int(shown["months_left"].iloc[0]) if not shown.empty else 0
    text = t(
        "investors_help",
        lang,
        total=_billion(float(shown["remaining_billion_vnd"].sum()), lang),
        count=len(shown),
        top=_billion(float(top["remaining_billion_vnd"].sum()), lang),
    )
    if months_left:
        text += " " + t(
            "investors_pace_help",
            lang,
            months=t_count("count_months", lang, months_left),
            target=fmt_number(target, lang, 0),
        )
    missing = int((~shown["is_reported"]).sum())
    if missing:
        text += " " + t(
            "investors_missing", lang, count=missing, month=fmt_month(view.through, lang)
        )
    st.caption(text + " " + t("investors_list_help", lang))
    frame = pd.DataFrame(
        {
            t("col_unit", lang): shown[name],
            t("col_unit_type", lang): [t(f"unit_type_{u}", lang) for u in shown["unit_type"]],
            t("col_plan_bvnd", lang): shown["denominator"].round(0),
            t("col_disbursed_bvnd", lang): shown["numerator"].round(0),
            t("col_remaining_bvnd", lang): shown["remaining_billion_vnd"].round(0),
            t("col_value_pct", lang): shown["value"].round(1),
            t("col_path_pct", lang): shown["benchmark"].round(1),
            t("col_status", lang): [t(f"status_{s}", lang) for s in shown["unit_status"]],
            t("col_pace_bvnd", lang): shown["pace_billion_vnd_per_month"].round(0),
            t("col_rank", lang): shown["peer_rank"],
            t("col_reported", lang): [t("yes" if r else "no", lang) for r in shown["is_reported"]],
        }
    )
    # A light list first (one HTML table of the figures a leader reads: who holds the most
    # capital, its rate, its status and the pace it needs; no data grid) and a picker for
    # the choice a row click made. The grid with every column, its sorting and row choice
    # is built and mounted only once its expander is opened (issue 12).
    listed = [
        t(words, lang)
        for words in (
            "col_unit",
            "col_remaining_bvnd",
            "col_value_pct",
            "col_status",
            "col_pace_bvnd",
        )
    ]
    # The names are long ("Ban Quản lý dự án đầu tư xây dựng các công trình giao thông"):
    # a wider first column keeps them to two or three lines on a phone, the remaining
    # capital and the rate still in view beside them.
    _html_table.show_table(
        frame[listed],
        lang,
        caption=t("investors_list_caption", lang),
        max_height=420,
        first_width=10,
    )
    _rankings.scorecard_picker(shown, lang, key=f"investors-{group}")
    event = _ui.grid_when_opened(
        _rankings._styled(frame, lang),
        lang,
        opened_key="investors-table",
        grid_key=f"investors-{group}",
        caption=t("investors_grid_help", lang),
        height=min(36 + 35 * len(frame), 460),
        column_config={t("col_unit", lang): st.column_config.TextColumn(pinned=True)},
    )
    _page.download(
        frame,
        filters,
        stem="giai-ngan-chu-dau-tu",
        scope=view.words,
        key="investors",
        lines=_sections.about_lines(view, "page_disbursement"),
    )
    rows = _ui.selected_rows(event)
    if rows:
        _ui.open_scorecard(str(shown.loc[rows[0], "unit_id"]))
    _rankings.unit_map(
        table,
        indicator,
        lang,
        key="disbursement",
        volume_unit="billion_vnd",
        volume_words=t("volume_plan", lang),
        context=_sections.view_inputs(view),
    )
