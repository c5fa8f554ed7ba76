"""Comparisons: the three former provinces side by side, month by month, across the merger."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from charts.common import (
    add_target_line,
    axis_unit,
    base_layout,
    empty_figure,
    hover,
    month_text,
    month_ticks,
    value_text,
)
from i18n import t
from metrics.palette import GROUP_COLORS
from metrics.reference import MERGER_DATE
from metrics.registry import Indicator

MERGER_DAY = MERGER_DATE


def make_groups_figure(
    series: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    *,
    title: str,
    names: dict[str, str],
    target: float | None = None,
    target_label: str = "",
    since: dt.date | None = None,
) -> go.Figure:
    """One line per group (``series_by_group``: ``period_month``, ``group_key``,
    ``value``), each former province's own history before the merger, with the merger
    marked.

    Parameters
    ----------
    series
        Monthly values per group.
    names
        Group key → the name to show (only these groups are drawn, in this order).
    target, target_label
        The target line, if any.
    since
        The first month shown.
    """
    rows = series[series["group_key"].isin(list(names))]
    if since is not None:
        rows = rows[rows["period_month"] >= pd.Timestamp(since)]
    if rows.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    figure = go.Figure()
    for key, name in names.items():
        group = rows[rows["group_key"] == key].sort_values("period_month")
        if group.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=group["period_month"],
                y=group["value"],
                name=name,
                mode="lines",
                line={"color": GROUP_COLORS.get(key, "#444444"), "width": 2},
                customdata=list(
                    zip(
                        month_text(group["period_month"], lang),
                        value_text(group["value"], indicator, lang),
                        strict=True,
                    )
                ),
                hovertemplate=hover([f"{name} — %{{customdata[0]}}", "%{customdata[1]}"]),
            )
        )
    months = rows["period_month"]
    if months.min() < pd.Timestamp(MERGER_DAY) <= months.max():
        figure.add_vline(
            x=pd.Timestamp(MERGER_DAY),
            line={"color": "#8C8C8C", "width": 1, "dash": "dot"},
            annotation={
                "text": t("chart_merger", lang),
                "yanchor": "bottom",
                "y": 0.02,
                "yref": "paper",
                "font": {"size": 11, "color": "#555555"},
            },
        )
    add_target_line(figure, target, target_label)
    figure.update_xaxes(**month_ticks(months, lang, every=6 if months.nunique() > 24 else 3))
    return base_layout(
        figure,
        lang,
        title=title,
        y_title=axis_unit(indicator, lang),
        x_title=t("chart_month_axis", lang),
        height=340,
    )
