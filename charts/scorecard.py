"""The unit scorecard's figures: the unit against its peers' quartiles and its targets, and
its months this year beside last year's."""

from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts.common import (
    FONT_FAMILY,
    TITLE_ROOM,
    base_layout,
    empty_figure,
    hover,
    month_text,
    separators,
)
from i18n import fmt_percent, t
from metrics.palette import PREVIOUS_YEAR_COLOR, SERIES_COLOR, STATUS_STYLES, TARGET_LINE_COLOR
from metrics.status import Status

AXIS_LABEL_WIDTH = 18
"""Characters per line an indicator's name is aimed at on the peers chart's axis: under a
third of a phone's width (390 px), so the plot keeps the rest."""


def wrap_label(label: str, width: int) -> str:
    """``label`` broken at word boundaries into as few lines as lines of ``width``
    characters need, the lines made about equal (no lone last word); plotly breaks lines
    only at ``<br>``, and the words themselves are escaped. A word longer than ``width``
    stays whole.

    >>> wrap_label("Mức độ hài lòng của người dân, doanh nghiệp", 18)
    'Mức độ hài lòng<br>của người dân,<br>doanh nghiệp'
    >>> wrap_label("Tỷ lệ hồ sơ trực tuyến", 18)
    'Tỷ lệ hồ sơ<br>trực tuyến'
    >>> wrap_label("Public investment disbursement rate", 18)
    'Public investment<br>disbursement rate'
    >>> wrap_label("Online share", 16)
    'Online share'
    >>> wrap_label("R&D <spend>", 16)
    'R&amp;D &lt;spend&gt;'
    """
    lines = textwrap.wrap(label, width, break_long_words=False) or [""]
    for narrower in range(max(1, -(-len(label) // len(lines))), width):
        balanced = textwrap.wrap(label, narrower, break_long_words=False)
        if len(balanced) <= len(lines):
            lines = balanced
            break
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def make_peers_figure(rows: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """Each indicator (rows): the peer group's middle half (p25–p75, grey), its median
    (black tick), the benchmark (open diamond) and the unit (a dot in its status colour).

    ``rows``: ``label``, ``value``, ``peer_p25``, ``peer_median``, ``peer_p75``,
    ``benchmark``, ``unit_status`` — all rates in percent.
    """
    rows = rows.dropna(subset=["value"])
    if rows.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    labels = [wrap_label(label, AXIS_LABEL_WIDTH) for label in rows["label"]]
    rows = rows.assign(label=labels)
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=labels,
            x=(rows["peer_p75"] - rows["peer_p25"]).tolist(),
            base=rows["peer_p25"].tolist(),
            orientation="h",
            marker={"color": "#dfe4ea"},
            name=t("chart_peer_middle", lang),
            customdata=list(
                zip(
                    [fmt_percent(v, lang) for v in rows["peer_p25"]],
                    [fmt_percent(v, lang) for v in rows["peer_p75"]],
                    strict=True,
                )
            ),
            hovertemplate=hover(
                [t("chart_peer_middle", lang) + ": %{customdata[0]} – %{customdata[1]}"]
            ),
            width=0.5,
        )
    )
    figure.add_trace(
        go.Scatter(
            y=labels,
            x=rows["peer_median"],
            mode="markers",
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#1b1f24"}},
            name=t("chart_peer_median", lang),
            customdata=[[fmt_percent(v, lang)] for v in rows["peer_median"]],
            hovertemplate=hover([t("chart_peer_median", lang) + ": %{customdata[0]}"]),
        )
    )
    benchmarks = rows.dropna(subset=["benchmark"])
    if not benchmarks.empty:
        figure.add_trace(
            go.Scatter(
                y=benchmarks["label"],
                x=benchmarks["benchmark"],
                mode="markers",
                marker={
                    "symbol": "diamond-open",
                    "size": 13,
                    "line": {"width": 2, "color": TARGET_LINE_COLOR},
                },
                name=t("chart_benchmark", lang),
                customdata=[[fmt_percent(v, lang)] for v in benchmarks["benchmark"]],
                hovertemplate=hover([t("chart_benchmark", lang) + ": %{customdata[0]}"]),
            )
        )
    colours = [STATUS_STYLES[Status(s)].hex_color for s in rows["unit_status"]]
    figure.add_trace(
        go.Scatter(
            y=labels,
            x=rows["value"],
            mode="markers",
            marker={"size": 15, "color": colours, "line": {"width": 1.5, "color": "#ffffff"}},
            name=t("chart_this_unit", lang),
            customdata=[
                [fmt_percent(v, lang), t(f"status_{s}", lang)]
                for v, s in zip(rows["value"], rows["unit_status"], strict=True)
            ],
            hovertemplate=hover(
                [t("chart_this_unit", lang) + ": %{customdata[0]}", "%{customdata[1]}"]
            ),
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure = base_layout(
        figure,
        lang,
        title=title,
        y_title="",
        x_title=t("chart_percent_axis", lang),
        height=130 + 60 * len(rows),
    )
    # Names of up to three short lines, and few upright ticks: the plot keeps most of a
    # phone's width, and a desktop's is not crowded either.
    figure.update_yaxes(automargin=True, tickfont={"size": 12})
    figure.update_xaxes(ticksuffix="%", nticks=5, tickangle=0, automargin=True)
    return figure


PANEL_TITLE_WIDTH = 24
"""Characters per line of a small panel's title: two panels side by side on a phone
(390 px) leave about 170 px each, and a longer line is cut at the panel's edge."""


def panel_title(label: str) -> str:
    """A panel's title broken into lines of at most ``PANEL_TITLE_WIDTH`` characters
    (plotly breaks lines only at ``<br>``; the words themselves are escaped).

    >>> panel_title("Citizen and business satisfaction")
    'Citizen and business<br>satisfaction'
    >>> panel_title("Resolved on time")
    'Resolved on time'
    """
    return wrap_label(label, PANEL_TITLE_WIDTH)


PANEL_TITLES_ROOM = 44
"""Pixels above the top panels for their titles of two lines."""
TRENDS_PANEL_HEIGHT = 230
TRENDS_FOOT = 90
"""Pixels under the bottom panels: the month ticks, the axis's name and the legend."""


def make_unit_trends_figure(
    trends: dict[str, pd.DataFrame], lang: str, *, title: str, year: int
) -> go.Figure:
    """One small panel per indicator: this year's months and the same months last year.

    ``trends``: label → ``metrics.trends.trend_frame`` (``period_month``, ``value``,
    ``previous_value``), all in percent.
    """
    shown = {label: frame for label, frame in trends.items() if not frame.empty}
    if not shown:
        return empty_figure(lang, title, t("chart_no_data", lang))
    columns = 2 if len(shown) > 1 else 1
    rows = (len(shown) + columns - 1) // columns
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[panel_title(label) for label in shown],
        vertical_spacing=0.16,
        horizontal_spacing=0.12,
    )
    for index, frame in enumerate(shown.values()):
        row, col = index // columns + 1, index % columns + 1
        months = [m.month for m in frame["period_month"]]
        names = month_text(frame["period_month"], lang)
        figure.add_trace(
            go.Scatter(
                x=months,
                y=frame["previous_value"],
                mode="lines",
                line={"color": PREVIOUS_YEAR_COLOR, "dash": "dot", "width": 1.5},
                name=t("chart_previous_year", lang),
                legendgroup="previous",
                showlegend=index == 0,
                customdata=[[fmt_percent(v, lang)] for v in frame["previous_value"]],
                hovertemplate=hover([t("chart_previous_year", lang) + ": %{customdata[0]}"]),
            ),
            row=row,
            col=col,
        )
        figure.add_trace(
            go.Scatter(
                x=months,
                y=frame["value"],
                mode="lines+markers",
                line={"color": SERIES_COLOR, "width": 2},
                marker={"size": 5},
                name=str(year),
                legendgroup="this",
                showlegend=index == 0,
                customdata=list(
                    zip(names, [fmt_percent(v, lang) for v in frame["value"]], strict=True)
                ),
                hovertemplate=hover(["%{customdata[0]}: %{customdata[1]}"]),
            ),
            row=row,
            col=col,
        )
    figure.update_xaxes(
        tickvals=list(range(1, 13)), fixedrange=True, showgrid=False, automargin=True
    )
    # The month axis is named under the bottom panels; plotly makes room for it there.
    for index in range(len(shown)):
        if index + columns >= len(shown):
            figure.update_xaxes(
                title={"text": t("chart_month_number_axis", lang), "font": {"size": 12}},
                row=index // columns + 1,
                col=index % columns + 1,
            )
    figure.update_yaxes(ticksuffix="%", fixedrange=True, gridcolor="#e6e9ee", automargin=True)
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        separators=separators(lang),
        font={"family": FONT_FAMILY, "size": 12},
        height=TITLE_ROOM + PANEL_TITLES_ROOM + TRENDS_PANEL_HEIGHT * rows + TRENDS_FOOT,
        margin={"l": 10, "r": 10, "t": TITLE_ROOM + PANEL_TITLES_ROOM, "b": 10},
        plot_bgcolor="#ffffff",
        dragmode=False,
        # At the foot, under the month axis's name, as on the other charts (plotly makes
        # room for it there): above the panels it sat on the second panel's title.
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "x": 0,
            "xanchor": "left",
        },
    )
    figure.update_annotations(font={"size": 13})
    return figure
