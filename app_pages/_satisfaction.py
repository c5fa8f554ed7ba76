"""The satisfaction page's own sections: the spread across units, the Decision 766 groups
as published, and on-time processing against satisfaction across units."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _page, _sections, _ui
from charts.satisfaction import (
    make_distribution_figure,
    make_index766_figure,
    make_relation_figure,
)
from data_access import cached
from i18n import fmt_date, fmt_number, fmt_percent, safe_link, t
from metrics.rankings import PEER_GROUPS
from metrics.registry import SERVICE_INDEX_766_GROUPS, get_indicator
from metrics.relation import Relation, fit_relation

ON_TIME = get_indicator("on_time_rate")
SATISFACTION = get_indicator("satisfaction_rate")
COMPANIONS = (ON_TIME.code,)
"""The Satisfaction page's indicator and the rate shown beside it."""


def distribution(view: _sections.View, table: pd.DataFrame) -> None:
    """Every unit against 90 %, by peer group."""
    lang = view.filters.lang
    _ui.show_spec(distribution_figure(view, table))
    valued = table.dropna(subset=["value"])
    below = int((valued["unit_status"].isin(["at_risk", "off_track"])).sum())
    st.caption(t("distribution_help", lang, below=below, count=len(valued)))


def distribution_figure(view: _sections.View, table: pd.DataFrame) -> _ui.FigureSpec:
    """The figure of :func:`distribution` (in the view's language), not drawn."""
    lang = view.filters.lang
    name = "name_vi" if lang == "vi" else "name_en"
    groups = {g: t(f"peer_group_{g}", lang) for g in PEER_GROUPS if g in set(table["unit_type"])}
    return _ui.FigureSpec(
        lambda: make_distribution_figure(
            table.assign(name=table[name]),
            view.indicator,
            lang,
            title=t("distribution_title", lang, indicator=view.indicator.short(lang)),
            groups=groups,
            target=_sections.benchmark(view),
            target_label=_sections.target_label(view),
        ),
        "distribution",
        (*_sections.view_inputs(view), table),
    )


def index766(filters: _ui.Filters) -> None:
    """The six groups of Decision 766 with the city's published weekly figure."""
    lang = filters.lang
    found = index766_figure(filters)
    if found is None:
        _ui.empty_state(lang, t("index766_none", lang))
        return
    spec, week = found
    _ui.show_spec(spec)
    total = week["value"].get("service_index_766_total")
    url = safe_link(str(week["source_url"].iloc[0]))
    st.caption(
        t(
            "index766_help",
            lang,
            total=fmt_number(float(total), lang, 2) if total is not None else "—",
        )
        + " "
        + (f"[{t('source', lang)}]({url})" if url else t("source_missing", lang))
    )


def index766_figure(filters: _ui.Filters) -> tuple[_ui.FigureSpec, pd.DataFrame] | None:
    """The figure of :func:`index766` (in the filters' language, not drawn) and the latest
    week's published rows by indicator; None when none is published."""
    lang = filters.lang
    published = _page.published_now(filters)
    rows = published[published["indicator_code"].str.startswith("service_index_766")]
    if rows.empty:
        return None
    latest_end = rows["period_end"].max()
    week = rows[rows["period_end"] == latest_end].set_index("indicator_code")
    records = []
    for code, name_vi, name_en, points, series in SERVICE_INDEX_766_GROUPS:
        if code == "online_payment":
            continue  # published jointly with online service, as one 22-point group
        label = name_vi if lang == "vi" else name_en
        maximum = points
        if code == "online_service":
            label = t("index766_online_joined", lang)
            maximum = 22.0
        value = float(week.loc[series, "value"]) if series in week.index else float("nan")
        note = get_indicator(series).text("note", lang)
        records.append({"label": label, "points": value, "max_points": maximum, "note": note})
    frame = pd.DataFrame(records)
    start = rows.loc[rows["period_end"] == latest_end, "period_start"].iloc[0]
    title = t(
        "index766_title",
        lang,
        start=fmt_date(start.date(), lang),
        end=fmt_date(latest_end.date(), lang),
    )
    spec = _ui.FigureSpec(
        lambda: make_index766_figure(frame, lang, title=title), "index766", (frame, title)
    )
    return spec, week


def on_time_standing(view: _sections.View, *, scope: cached.Scope) -> pd.DataFrame:
    """Every unit's on-time rate in the filters' scope to the month the view is read to
    (its ``through`` must be set), for a reader limited to ``scope``."""
    if view.through is None:
        raise ValueError("the view has no complete month to read to")
    filters = view.filters
    return cached.unit_standing(
        ON_TIME.code, filters.year, view.through, filters.unit_filter, filters.as_of, scope=scope
    ).frame


def default_reads(filters: _ui.Filters, *, scope: cached.Scope) -> _sections.View:
    """What the Satisfaction page reads and computes, whatever the language, for
    ``filters`` with no unit chosen, for a reader limited to ``scope``: the warm-up's step
    for that page (``app_pages._warm_up``), through the functions the page calls."""
    view = _sections.read_view(filters, SATISFACTION, scope=scope)
    _sections.view_reads(view, COMPANIONS, scope=scope)
    if view.through is not None:
        on_time_standing(view, scope=scope)
    return view


def default_figures(filters: _ui.Filters, *, scope: cached.Scope) -> int:
    """The Satisfaction page's figures for ``filters`` with no unit chosen, in the filters'
    language, prepared as the page shows them (``_ui.prepare_spec``) for a reader limited to
    ``scope``: the warm-up's step for that page's figures. Returns how many."""
    view = _sections.read_view(filters, SATISFACTION, scope=scope)
    if view.series.empty or view.tile is None:
        return 0
    specs = [_sections.trend_figure(view, "satisfaction")]
    found = index766_figure(filters)
    if found is not None:
        specs.append(found[0])
    specs.append(_sections.provinces_figure(view, "satisfaction"))
    table = _sections.unit_table_for(view)
    if table is not None and not table.empty:
        specs += [distribution_figure(view, table), relation_figure(view, table)[0]]
    for spec in specs:
        _ui.prepare_spec(spec, filters.lang)
    return len(specs)


def relation(view: _sections.View, table: pd.DataFrame) -> None:
    """On-time processing against satisfaction across units, fitted, with an honest note."""
    lang, filters = view.filters.lang, view.filters
    if view.through is None:
        return
    spec, points, fitted = relation_figure(view, table)
    _ui.show_spec(spec)
    if fitted is None:
        st.caption(t("relation_too_few", lang))
        return
    st.markdown(
        t(
            "relation_note",
            lang,
            slope=fmt_number(fitted.slope, lang, 2),
            low=fmt_number(fitted.slope_low, lang, 2),
            high=fmt_number(fitted.slope_high, lang, 2),
            r2=fmt_number(fitted.r_squared, lang, 2),
            n=fitted.n_units,
            x_low=fmt_percent(fitted.x_low, lang),
            x_high=fmt_percent(fitted.x_high, lang),
        )
    )
    st.caption(t("relation_caveat", lang))
    _page.download(
        points[["name", "unit_type", "x", "y", "weight"]].rename(
            columns={
                "name": t("col_unit", lang),
                "unit_type": t("col_unit_type", lang),
                "x": ON_TIME.short(lang) + " (%)",
                "y": view.indicator.short(lang) + " (%)",
                "weight": t("col_dossiers_rated", lang),
            }
        ),
        filters,
        stem="hai-long-dung-han",
        scope=view.words,
        key="relation",
        lines=_sections.about_lines(view, "page_satisfaction"),
    )


def relation_figure(
    view: _sections.View, table: pd.DataFrame
) -> tuple[_ui.FigureSpec, pd.DataFrame, Relation | None]:
    """The figure of :func:`relation` (in the view's language, not drawn), its points and
    the fitted relation (None with too few units). The view's ``through`` must be set."""
    lang, filters = view.filters.lang, view.filters
    on_time = on_time_standing(view, scope=view.reader)
    name = "name_vi" if lang == "vi" else "name_en"
    points = table.merge(
        on_time[["unit_id", "value"]].rename(columns={"value": "x"}), on="unit_id", how="inner"
    ).assign(y=lambda f: f["value"], weight=lambda f: f["denominator"], name=lambda f: f[name])
    fitted = fit_relation(points)
    spec = _ui.FigureSpec(
        lambda: make_relation_figure(
            points,
            fitted,
            lang,
            title=t("relation_title", lang, year=filters.year),
            x_indicator=ON_TIME,
            y_indicator=view.indicator,
            target=_sections.benchmark(view),
            target_label=_sections.target_label(view),
        ),
        "relation",
        (*_sections.view_inputs(view), table, on_time),
    )
    return spec, points, fitted
