"""The satisfaction page's figures: units' spread against 90 %, the Decision 766 groups as
published, and on-time processing against satisfaction across units."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.common import add_target_line, base_layout, empty_figure, hover, unit_title
from i18n import fmt_number, fmt_percent, t
from metrics.palette import BAND_COLORS, SERIES_COLOR, STATUS_STYLES
from metrics.registry import Indicator
from metrics.relation import Relation
from metrics.status import Status


def make_distribution_figure(
    table: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    *,
    title: str,
    groups: dict[str, str],
    target: float | None,
    target_label: str,
) -> go.Figure:
    """Every unit's year to date as a dot in its peer group's row (colour: its status), the
    group's box (quartiles and median) behind, and the target line.

    ``table``: ``unit_type``, ``value``, ``unit_status``, ``name`` (a unit's name in the
    reader's language, for the hover); ``groups``: unit type → row label, in order.
    """
    rows = table.dropna(subset=["value"])
    rows = rows[rows["unit_type"].isin(list(groups))]
    if rows.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    figure = go.Figure()
    for unit_type, label in groups.items():
        group = rows[rows["unit_type"] == unit_type]
        if group.empty:
            continue
        figure.add_trace(
            go.Box(
                x=group["value"],
                y=[label] * len(group),
                orientation="h",
                name=label,
                marker={"color": "#9aa5b1"},
                fillcolor="rgba(154, 165, 177, 0.18)",
                line={"color": "#9aa5b1"},
                boxpoints=False,
                showlegend=False,
                hoverinfo="skip",
            )
        )
    for status in (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NOT_ASSESSABLE):
        dots = rows[rows["unit_status"] == status.value]
        if dots.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=dots["value"],
                y=[groups[u] for u in dots["unit_type"]],
                mode="markers",
                marker={
                    "color": STATUS_STYLES[status].hex_color,
                    "size": 8,
                    "opacity": 0.8,
                    "line": {"width": 0.5, "color": "#ffffff"},
                },
                name=t(f"status_{status.value}", lang),
                customdata=list(
                    zip(dots["name"], [fmt_percent(v, lang) for v in dots["value"]], strict=True)
                ),
                hovertemplate=hover(["%{customdata[0]}", "%{customdata[1]}"]),
            )
        )
    if target is not None:
        figure.add_vline(
            x=target,
            line={"color": "#444444", "width": 1.5, "dash": "dash"},
            annotation={"text": target_label, "yanchor": "bottom", "font": {"size": 12}},
        )
    figure.update_xaxes(ticksuffix="%")
    figure.update_yaxes(autorange="reversed")  # the groups top to bottom, as listed
    return base_layout(
        figure,
        lang,
        title=title,
        y_title="",
        x_title=unit_title(indicator, lang),
        height=140 + 70 * len(groups),
    )


def make_index766_figure(groups: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """The service index's groups as published: each group's points (dark) out of its
    maximum (the bar's full length).

    ``groups``: ``label``, ``points`` (published; NaN when not published on its own),
    ``max_points``, ``note``.
    """
    if groups.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    labels = groups["label"].tolist()
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=labels,
            x=groups["max_points"],
            orientation="h",
            marker={"color": "#e6e9ee"},
            name=t("index766_max", lang),
            customdata=[[fmt_number(v, lang, 0)] for v in groups["max_points"]],
            hovertemplate=hover([t("index766_max", lang) + ": %{customdata[0]}"]),
        )
    )
    figure.add_trace(
        go.Bar(
            y=labels,
            x=groups["points"],
            orientation="h",
            marker={"color": SERIES_COLOR},
            name=t("index766_scored", lang),
            text=[
                f"{fmt_number(p, lang, 2)} / {fmt_number(m, lang, 0)}"
                for p, m in zip(groups["points"], groups["max_points"], strict=True)
            ],
            textposition="outside",
            customdata=[[n] for n in groups["note"]],
            hovertemplate=hover(["%{text}", "%{customdata[0]}"]),
        )
    )
    figure.update_layout(barmode="overlay", bargap=0.35)
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(range=[0, float(groups["max_points"].max()) * 1.35])
    return base_layout(
        figure,
        lang,
        title=title,
        y_title="",
        x_title=t("index766_axis", lang),
        height=150 + 48 * len(groups),
    )


def make_relation_figure(
    points: pd.DataFrame,
    relation: Relation | None,
    lang: str,
    *,
    title: str,
    x_indicator: Indicator,
    y_indicator: Indicator,
    target: float | None = None,
    target_label: str = "",
) -> go.Figure:
    """Units as dots (area: dossiers rated), the fitted line and its 95 % confidence band,
    and ``y``'s target.

    ``points``: ``x``, ``y``, ``weight``, ``name``, ``unit_status``.
    """
    usable = points.dropna(subset=["x", "y"])
    if usable.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    figure = go.Figure()
    if relation is not None:
        band = relation.band
        figure.add_trace(
            go.Scatter(
                x=list(band["x"]) + list(band["x"])[::-1],
                y=list(band["upper"]) + list(band["lower"])[::-1],
                fill="toself",
                fillcolor=BAND_COLORS["80"],
                mode="lines",
                line={"width": 0},
                name=t("relation_band", lang),
                hoverinfo="skip",
            )
        )
        figure.add_trace(
            go.Scatter(
                x=band["x"],
                y=band["mean"],
                mode="lines",
                line={"color": SERIES_COLOR, "width": 2.5},
                name=t("relation_line", lang),
                hoverinfo="skip",
            )
        )
    size = (usable["weight"].clip(lower=1) / usable["weight"].max()) ** 0.5 * 22 + 4
    figure.add_trace(
        go.Scatter(
            x=usable["x"],
            y=usable["y"],
            mode="markers",
            marker={
                "size": size,
                "color": [STATUS_STYLES[Status(s)].hex_color for s in usable["unit_status"]],
                "opacity": 0.65,
                "line": {"width": 0.5, "color": "#ffffff"},
            },
            name=t("relation_units", lang),
            customdata=list(
                zip(
                    usable["name"],
                    [fmt_percent(v, lang) for v in usable["x"]],
                    [fmt_percent(v, lang) for v in usable["y"]],
                    [fmt_number(v, lang, 0) for v in usable["weight"]],
                    strict=True,
                )
            ),
            hovertemplate=hover(
                [
                    "%{customdata[0]}",
                    f"{x_indicator.short(lang)}: %{{customdata[1]}}",
                    f"{y_indicator.short(lang)}: %{{customdata[2]}}",
                    t("relation_weight_hover", lang) + ": %{customdata[3]}",
                ]
            ),
        )
    )
    add_target_line(figure, target, target_label)
    figure.update_xaxes(ticksuffix="%")
    figure.update_yaxes(ticksuffix="%")
    return base_layout(
        figure,
        lang,
        title=title,
        y_title=unit_title(y_indicator, lang),
        x_title=unit_title(x_indicator, lang),
        height=460,
    )
