"""The small chart on each Overview tile: this year against last year, the target, the
projection band to the judgement date and the published figures.

What is drawn is what the tile's big number is: a monthly rate's months (the latest month
is the big number), disbursement's year to date (the big number) against the milestone
path, an annual indicator's quarters. Last year is drawn dotted on this year's calendar
(its hover says its own month). The band is the 80 % projection interval of the same
quantity: for monthly and quarterly rates the 10th–90th percentile of each future
period's simulated rate, for disbursement the year-to-date fan, to the judgement date
(31 January where the target is judged then). Published figures are labelled points.

The figure is static: no toolbar, no zoom; hover text is in the reader's format
(``tháng 10/2026: 87,1%``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.common import FONT_FAMILY, separators
from i18n import fmt_date, fmt_month, fmt_value, t
from metrics.clock import month_end
from metrics.palette import (
    BAND_COLORS,
    PREVIOUS_YEAR_COLOR,
    PUBLISHED_COLOR,
    SERIES_COLOR,
    TARGET_LINE_COLOR,
)
from metrics.periods import SeriesShape, check_series, in_year_rows, series_shape
from metrics.registry import Indicator
from metrics.tiles import Tile

TILE_CHART_HEIGHT = 118
"""Pixels: enough for two years' lines and a band, small enough for four statuses on a
tablet's first screen."""
BAND_QUANTILES = (0.10, 0.90)
"""The 80 % interval, as on the tile."""


def _x(month: pd.Timestamp, shape: SeriesShape) -> pd.Timestamp:
    """Where a period is drawn: a year-to-date value at its month's last day (so it meets
    the milestones, due on quarter ends); a month's or quarter's rate at its month."""
    if shape is SeriesShape.CUMULATIVE:
        return pd.Timestamp(month_end(month.date()))
    return month


def _text(value: float, indicator: Indicator, lang: str) -> str:
    return fmt_value(value, indicator.unit, lang, indicator.decimals)


def _point_hover(month: pd.Timestamp, value: float, indicator: Indicator, lang: str) -> str:
    return f"{fmt_month(month.date(), lang)}: {_text(value, indicator, lang)}"


def _rows(checked: pd.DataFrame, year: int, shape: SeriesShape) -> pd.DataFrame:
    rows = in_year_rows(checked, year)
    if shape is SeriesShape.CUMULATIVE:
        extension = checked.loc[
            (checked["period_year"] == year)
            & (checked["period_month"] == pd.Timestamp(year + 1, 1, 1))
        ]
        rows = pd.concat([rows, extension])
    finite: pd.DataFrame = rows.loc[np.isfinite(rows["value"].to_numpy(dtype="float64"))]
    return finite


def _line(
    rows: pd.DataFrame,
    shape: SeriesShape,
    indicator: Indicator,
    lang: str,
    *,
    name: str,
    shift_years: int,
    color: str,
    dash: str,
    width: float,
) -> go.Scatter:
    months = [pd.Timestamp(m) for m in rows["period_month"]]
    values = rows["value"].to_numpy(dtype="float64").tolist()
    return go.Scatter(
        x=[_x(m, shape) + pd.DateOffset(years=shift_years) for m in months],
        y=values,
        mode="lines+markers" if len(values) <= 4 else "lines",
        name=name,
        line={"color": color, "dash": dash, "width": width},
        marker={"size": 5, "color": color},
        customdata=[
            _point_hover(m, v, indicator, lang) for m, v in zip(months, values, strict=True)
        ],
        hovertemplate="%{customdata}<extra></extra>",
        showlegend=False,
    )


def _band(
    tile: Tile, shape: SeriesShape, indicator: Indicator, lang: str, last: tuple[Any, float]
) -> list[go.Scatter]:
    """The 80 % band and the central line, from the last observed point to the end."""
    projection = tile.projection
    fan = projection.fan
    if fan.empty or projection.method in ("complete", "none"):
        return []
    months = [pd.Timestamp(m) for m in fan["period_month"]]
    if shape is SeriesShape.CUMULATIVE:
        low = fan["lower_80"].to_numpy(dtype="float64")
        high = fan["upper_80"].to_numpy(dtype="float64")
        central = fan["central"].to_numpy(dtype="float64")
    else:
        values = projection.period_values
        if values.size == 0 or values.shape[0] != len(months):
            return []
        low, high = np.quantile(values, BAND_QUANTILES, axis=1)
        central = np.median(values, axis=1)
    keep = [i for i, m in enumerate(months) if m.date() <= projection.judgement_date]
    if not keep:
        return []
    months = [months[i] for i in keep]
    low, high, central = low[keep], high[keep], central[keep]
    x = [last[0], *(_x(m, shape) for m in months)]
    hover = [""] + [
        t(
            "tile_chart_projection_hover",
            lang,
            month=fmt_month(m.date(), lang),
            value=_text(c, indicator, lang),
            low=_text(lo, indicator, lang),
            high=_text(hi, indicator, lang),
        )
        for m, c, lo, hi in zip(months, central, low, high, strict=True)
    ]
    return [
        go.Scatter(
            x=x,
            y=[last[1], *high.tolist()],
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        ),
        go.Scatter(
            x=x,
            y=[last[1], *low.tolist()],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=BAND_COLORS["80"],
            hoverinfo="skip",
            showlegend=False,
        ),
        go.Scatter(
            x=x,
            y=[last[1], *central.tolist()],
            mode="lines",
            name=t("tile_chart_projection", lang),
            line={"color": SERIES_COLOR, "dash": "dot", "width": 1.5},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        ),
    ]


def _targets(tile: Tile, indicator: Indicator, shape: SeriesShape, lang: str) -> list[go.Scatter]:
    """A cumulative indicator's milestone path (straight lines between the milestones, as
    the tile's milestone to date), else the year's target as a line across the year."""
    year = tile.year
    if shape is SeriesShape.CUMULATIVE:
        milestones = indicator.milestones(year)
        if milestones:
            points = [(pd.Timestamp(year, 1, 1), 0.0)] + [
                (pd.Timestamp(m.due_date), float(m.value)) for m in milestones
            ]
            hover = [""] + [
                t(
                    "tile_chart_milestone_hover",
                    lang,
                    date=fmt_date(m.due_date, lang),
                    value=_text(m.value, indicator, lang),
                )
                for m in milestones
            ]
            return [
                go.Scatter(
                    x=[p[0] for p in points],
                    y=[p[1] for p in points],
                    mode="lines+markers",
                    name=t("tile_chart_milestones", lang),
                    line={"color": TARGET_LINE_COLOR, "dash": "dash", "width": 1.2},
                    marker={"size": [0] + [5] * len(milestones), "color": TARGET_LINE_COLOR},
                    customdata=hover,
                    hovertemplate="%{customdata}<extra></extra>",
                    showlegend=False,
                )
            ]
    if tile.target_value is None:
        return []
    ends = [pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)]
    label = t(
        "tile_chart_target_hover",
        lang,
        year=year,
        value=_text(tile.target_value, indicator, lang),
    )
    return [
        go.Scatter(
            x=ends,
            y=[tile.target_value] * 2,
            mode="lines",
            name=t("tile_chart_target", lang),
            line={"color": TARGET_LINE_COLOR, "dash": "dash", "width": 1.2},
            customdata=[label, label],
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        )
    ]


def _published(
    published: pd.DataFrame | None, tile: Tile, indicator: Indicator, lang: str
) -> list[go.Scatter]:
    """Published figures of this year and last, at their period's end (last year's on this
    year's calendar, like its line), labelled with their value."""
    if published is None or published.empty:
        return []
    starts = published["period_start"].dt.year
    rows = published.loc[starts.isin([tile.year, tile.year - 1])]
    rows = rows.loc[rows["period_end"] <= pd.Timestamp(month_end(tile.as_of_month.date()))]
    if rows.empty:
        return []
    x, y, labels, hover = [], [], [], []
    for row in rows.itertuples():
        end = pd.Timestamp(row.period_end)
        # Drawn on the plan year it belongs to (a 31 January figure closes the year before).
        shift = tile.year - pd.Timestamp(row.period_start).year
        x.append(end + pd.DateOffset(years=shift))
        y.append(float(row.value))
        labels.append(_text(float(row.value), indicator, lang))
        hover.append(
            t(
                "tile_chart_published_hover",
                lang,
                start=fmt_date(pd.Timestamp(row.period_start).date(), lang),
                end=fmt_date(end.date(), lang),
                value=_text(float(row.value), indicator, lang),
            )
        )
    return [
        go.Scatter(
            x=x,
            y=y,
            mode="markers+text",
            name=t("published_figure", lang),
            marker={"symbol": "diamond", "size": 7, "color": PUBLISHED_COLOR},
            text=labels,
            textposition="middle left",
            textfont={"size": 10, "color": PUBLISHED_COLOR},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            showlegend=False,
        )
    ]


def tick_labels(year: int, lang: str) -> dict[str, list[Any]]:
    """Quarter starts of ``year``: ``T1 T4 T7 T10`` / ``Jan Apr Jul Oct``."""
    months = [pd.Timestamp(year, m, 1) for m in (1, 4, 7, 10)]
    text = [
        f"T{m.month}" if lang == "vi" else m.strftime("%b")  # English month names only
        for m in months
    ]
    return {"tickvals": months, "ticktext": text}


def make_tile_figure(
    series: pd.DataFrame,
    indicator: Indicator,
    tile: Tile,
    lang: str,
    published: pd.DataFrame | None = None,
) -> go.Figure:
    """The tile's small chart (see the module docstring).

    Parameters
    ----------
    series : DataFrame
        The indicator's series at the tile's scope (:mod:`metrics.periods`); rows after the
        tile's month are ignored.
    indicator : Indicator
    tile : Tile
        The tile drawn (its year, month, projection and target).
    lang : str
    published : DataFrame, optional
        The indicator's published figures (``metrics.overview.published_for_year``).

    Returns
    -------
    go.Figure
        Traces in drawing order: last year, the target or milestone path, the band and
        central projection (when the year is still open), this year, published figures.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> from metrics.tiles import build_tile
    >>> months = pd.date_range("2025-01-01", "2025-06-01", freq="MS")
    >>> frame = pd.DataFrame({"period_year": 2025, "period_month": months,
    ...     "numerator": [60.0, 61, 62, 63, 64, 65], "denominator": 100.0})
    >>> online = get_indicator("online_dossier_share")
    >>> tile = build_tile(frame, online, 2025, as_of_month="2025-06-01", n_paths=200,
    ...                   seed=1, compare_previous=False)
    >>> figure = make_tile_figure(frame, online, tile, "vi")
    >>> figure.data[-1].customdata[-1]
    'tháng 6/2025: 65,0%'
    """
    shape = series_shape(indicator)
    checked = check_series(series)
    visible = checked.loc[checked["period_month"] <= tile.as_of_month]
    year = tile.year
    figure = go.Figure()
    previous = _rows(visible, year - 1, shape)
    if not previous.empty:
        figure.add_trace(
            _line(
                previous,
                shape,
                indicator,
                lang,
                name=str(year - 1),
                shift_years=1,
                color=PREVIOUS_YEAR_COLOR,
                dash="dot",
                width=1.5,
            )
        )
    for trace in _targets(tile, indicator, shape, lang):
        figure.add_trace(trace)
    current = _rows(visible, year, shape)
    if not current.empty:
        last_month = pd.Timestamp(current["period_month"].iloc[-1])
        last = (_x(last_month, shape), float(current["value"].iloc[-1]))
        for trace in _band(tile, shape, indicator, lang, last):
            figure.add_trace(trace)
        figure.add_trace(
            _line(
                current,
                shape,
                indicator,
                lang,
                name=str(year),
                shift_years=0,
                color=SERIES_COLOR,
                dash="solid",
                width=2.5,
            )
        )
    for trace in _published(published, tile, indicator, lang):
        figure.add_trace(trace)
    end = dt.date(year + 1, 1, 31) if shape is SeriesShape.CUMULATIVE else dt.date(year, 12, 31)
    figure.update_layout(
        separators=separators(lang),
        font={"family": FONT_FAMILY, "size": 11, "color": "#1b1f24"},
        height=TILE_CHART_HEIGHT,
        margin={"l": 0, "r": 4, "t": 4, "b": 0},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        hovermode="closest",
        dragmode=False,
        showlegend=False,
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 12}},
    )
    figure.update_xaxes(
        range=[
            pd.Timestamp(year, 1, 1) - pd.Timedelta(days=8),
            pd.Timestamp(end) + pd.Timedelta(days=10),
        ],
        showgrid=False,
        fixedrange=True,
        ticks="",
        tickfont={"size": 10, "color": "#5f6b7a"},
        **tick_labels(year, lang),
    )
    figure.update_yaxes(
        gridcolor="#eef0f3",
        zeroline=False,
        fixedrange=True,
        nticks=3,
        ticksuffix="%" if indicator.unit == "percent" else "",
        tickfont={"size": 10, "color": "#5f6b7a"},
        automargin=True,
    )
    return figure
