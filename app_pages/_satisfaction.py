"""The satisfaction page's own sections: the spread across units, the Decision 766 groups
as published, and on-time processing against satisfaction across units."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _page, _sections, _ui
from app_pages._auth import reader_scope
from charts.satisfaction import (
    make_distribution_figure,
    make_index766_figure,
    make_relation_figure,
)
from data_access import cached
from i18n import fmt_date, fmt_number, fmt_percent, safe_link, t
from metrics.rankings import PEER_GROUPS
from metrics.registry import SERVICE_INDEX_766_GROUPS, get_indicator
from metrics.relation import fit_relation

ON_TIME = get_indicator("on_time_rate")


def distribution(view: _sections.View, table: pd.DataFrame) -> None:
    """Every unit against 90 %, by peer group."""
    lang = view.filters.lang
    name = "name_vi" if lang == "vi" else "name_en"
    groups = {g: t(f"peer_group_{g}", lang) for g in PEER_GROUPS if g in set(table["unit_type"])}
    _ui.show_cached_figure(
        lambda: make_distribution_figure(
            table.assign(name=table[name]),
            view.indicator,
            lang,
            title=t("distribution_title", lang, indicator=view.indicator.short(lang)),
            groups=groups,
            target=_sections.benchmark(view),
            target_label=_sections.target_label(view),
        ),
        key="distribution",
        inputs=(*_sections.view_inputs(view), table),
    )
    valued = table.dropna(subset=["value"])
    below = int((valued["unit_status"].isin(["at_risk", "off_track"])).sum())
    st.caption(t("distribution_help", lang, below=below, count=len(valued)))


def index766(filters: _ui.Filters) -> None:
    """The six groups of Decision 766 with the city's published weekly figure."""
    lang = filters.lang
    published = _page.published_now(filters)
    rows = published[published["indicator_code"].str.startswith("service_index_766")]
    if rows.empty:
        _ui.empty_state(lang, t("index766_none", lang))
        return
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
    _ui.show_cached_figure(
        lambda: make_index766_figure(frame, lang, title=title),
        key="index766",
        inputs=(frame, title),
    )
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


def relation(view: _sections.View, table: pd.DataFrame) -> None:
    """On-time processing against satisfaction across units, fitted, with an honest note."""
    lang, filters = view.filters.lang, view.filters
    if view.through is None:
        return
    on_time = cached.unit_standing(
        ON_TIME.code,
        filters.year,
        view.through,
        filters.unit_filter,
        filters.as_of,
        scope=reader_scope(),
    ).frame
    name = "name_vi" if lang == "vi" else "name_en"
    points = table.merge(
        on_time[["unit_id", "value"]].rename(columns={"value": "x"}), on="unit_id", how="inner"
    ).assign(y=lambda f: f["value"], weight=lambda f: f["denominator"], name=lambda f: f[name])
    fitted = fit_relation(points)
    _ui.show_cached_figure(
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
        key="relation",
        inputs=(*_sections.view_inputs(view), table, on_time),
    )
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
