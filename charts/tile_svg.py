"""The Overview tile's small chart as inline SVG, drawn on the server from the same figure.

:func:`charts.tile.make_tile_figure` stays the one description of what a tile chart shows
(last year, target or milestone path, 80 % band and central projection, this year,
published figures); this module draws that figure's traces as SVG in one Markdown
element, so the Overview's first screen needs neither plotly's JavaScript bundle nor a
plotly chart per tile (issue 12: the Overview drawn within 1.5× an empty page).

What plotly gave the tile and this keeps: the lines with their colours and dashes, the
band, markers, the published figures as labelled diamonds, quarter ticks, three value
ticks with their gridlines, and hover text (an SVG ``<title>`` per point, shown by the
browser as a tooltip). The whole chart is one image for a screen reader, named by
:func:`charts.common.describe_figure`. Every text from the figure is escaped.

Layout: the lines and the band are in an inner SVG stretched to the tile's width
(``preserveAspectRatio="none"``, strokes that do not scale); points, labels and ticks are
placed by percentage of the width, so circles stay round and text keeps its size at every
width.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from charts.common import FONT_FAMILY, clean_figure, describe_figure
from i18n import fmt_number
from i18n.escape import strip_invisible

HEIGHT = 118
"""Pixels, as the plotly tile chart (:data:`charts.tile.TILE_CHART_HEIGHT`)."""
_TOP, _BOTTOM = 6.0, 100.0
"""The plot's top and bottom edges in pixels; the quarter ticks sit under it."""
_Y_AXIS_WIDTH = 36
_WIDE = 1000.0
"""The inner SVG's width in its own units (stretched to the tile)."""
_DASHES = {"dot": "2 3", "dash": "6 4", "dashdot": "6 3 2 3", "longdash": "10 4"}
_TICK_COLOR = "#5f6b7a"
_GRID_COLOR = "#eef0f3"


def _text(value: object) -> str:
    """A text for the SVG: on one line (a blank line would end the raw HTML block and let
    Markdown read the rest), without control, format or bidirectional characters, and
    escaped for an element or an attribute.

    >>> _text("ok\\n\\n[x](https://evil.example) \\u202e<b>")
    'ok  [x](https://evil.example) &lt;b&gt;'
    """
    one_line = " ".join(str(value).splitlines())
    return escape(strip_invisible(one_line, keep=""), quote=True)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _finite(values: Any) -> list[float]:
    out = []
    for value in values if values is not None else ():
        if value is None:
            continue
        number = float(value)
        if math.isfinite(number):
            out.append(number)
    return out


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About ``count`` round values covering ``low``–``high`` (as plotly's ``nticks``)."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _decimals(ticks: list[float]) -> int:
    return 0 if all(float(tick).is_integer() for tick in ticks) else 1


def figure_svg(figure: go.Figure, lang: str) -> str:
    """The tile figure as one HTML block (a ``div`` holding the SVG), on one line, every
    text escaped; put inside a tile's HTML block (``app_pages._tile_html``, drawn by
    ``app_pages._ui.html_block``)."""
    figure = clean_figure(figure)
    description = describe_figure(figure, lang)
    layout = figure.layout
    x_range = [pd.Timestamp(v) for v in layout.xaxis.range]
    x0, x1 = x_range[0].value, x_range[1].value

    def x_share(value: Any) -> float:
        return (pd.Timestamp(value).value - x0) / (x1 - x0)

    traces = list(figure.data)
    values = [v for trace in traces for v in _finite(trace.y)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.08 or max(abs(high) * 0.05, 1.0)
    low, high = low - pad, high + pad
    ticks = [tick for tick in _nice_ticks(low, high) if low <= tick <= high]

    def y_px(value: float) -> float:
        return _BOTTOM - (value - low) / (high - low) * (_BOTTOM - _TOP)

    suffix = layout.yaxis.ticksuffix or ""
    decimals = _decimals(ticks)
    lines: list[str] = []  # inner, stretched SVG: band and lines
    marks: list[str] = []  # outer SVG: points, labels (percent of the width)
    previous_points: list[tuple[float, float]] = []
    for trace in traces:
        xs = list(trace.x) if trace.x is not None else []
        ys = list(trace.y) if trace.y is not None else []
        points = [
            (x_share(x), float(y))
            for x, y in zip(xs, ys, strict=False)
            if y is not None and math.isfinite(float(y))
        ]
        mode = trace.mode or "lines"
        line = trace.line
        if trace.fill == "tonexty" and previous_points and points:
            outline = previous_points + list(reversed(points))
            d = "M" + " L".join(f"{_num(x * _WIDE)},{_num(y_px(y))}" for x, y in outline) + "Z"
            lines.append(
                f'<path d="{d}" fill="{escape(trace.fillcolor or "none")}" stroke="none"/>'
            )
        width = line.width if line.width is not None else 2
        if "lines" in mode and width > 0 and len(points) > 1:
            d = "M" + " L".join(f"{_num(x * _WIDE)},{_num(y_px(y))}" for x, y in points)
            dash = _DASHES.get(line.dash or "solid")
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            lines.append(
                f'<path d="{d}" fill="none" stroke="{escape(line.color or "#444")}" '
                f'stroke-width="{_num(width)}"{dash_attr} stroke-linejoin="round" '
                'vector-effect="non-scaling-stroke"/>'
            )
        hover = list(trace.customdata) if trace.customdata is not None else []
        skip = trace.hoverinfo == "skip"
        labels = list(trace.text) if isinstance(trace.text, list | tuple) else []
        sizes = trace.marker.size
        for i, (x, y) in enumerate(points):
            title = "" if skip or i >= len(hover) else str(hover[i] or "")
            tip = f"<title>{_text(title)}</title>" if title else ""
            cx, cy = f"{_num(x * 100)}%", _num(y_px(y))
            size = sizes[i] if isinstance(sizes, list | tuple) else sizes
            color = escape(trace.marker.color or (line.color or "#444"))
            if "markers" in mode and trace.marker.symbol == "diamond":
                r = (size or 7) / 2 + 0.5
                marks.append(
                    f'<svg x="{cx}" y="{cy}" overflow="visible"><path d="M0,{_num(-r)} '
                    f'L{_num(r)},0 L0,{_num(r)} L{_num(-r)},0Z" fill="{color}">{tip}</path></svg>'
                )
            elif "markers" in mode and (size or 0) > 0:
                marks.append(
                    f'<circle cx="{cx}" cy="{cy}" r="{_num((size or 6) / 2)}" '
                    f'fill="{color}">{tip}</circle>'
                )
            elif tip:  # a line's point: an invisible target for its hover text
                marks.append(f'<circle cx="{cx}" cy="{cy}" r="5" fill="transparent">{tip}</circle>')
            if "text" in mode and i < len(labels):
                font = trace.textfont
                marks.append(
                    f'<text x="{cx}" y="{cy}" dx="-6" dy="3.5" text-anchor="end" '
                    f'font-size="{_num(font.size or 10)}" fill="{escape(font.color or "#000")}">'
                    f"{_text(labels[i])}</text>"
                )
        previous_points = points
    grid = "".join(
        f'<line x1="0" x2="100%" y1="{_num(y_px(tick))}" y2="{_num(y_px(tick))}" '
        f'stroke="{_GRID_COLOR}" stroke-width="1"/>'
        for tick in ticks
    )
    y_labels = "".join(
        f'<text x="{_Y_AXIS_WIDTH - 4}" y="{_num(y_px(tick) + 3.5)}" text-anchor="end">'
        f"{_text(fmt_number(tick, lang, decimals) + suffix)}</text>"
        for tick in ticks
    )
    x_axis = layout.xaxis
    x_labels = "".join(
        f'<text x="{_num(x_share(value) * 100)}%" y="{HEIGHT - 4}" text-anchor="middle">'
        f"{_text(text)}</text>"
        for value, text in zip(x_axis.tickvals or (), x_axis.ticktext or (), strict=False)
    )
    font = escape(FONT_FAMILY, quote=True)
    return (
        f'<div class="tile-chart" role="img" aria-label="{_text(description)}">'
        f'<svg class="tile-chart-y" width="{_Y_AXIS_WIDTH}" height="{HEIGHT}" '
        f'font-family="{font}" font-size="10" fill="{_TICK_COLOR}" aria-hidden="true">'
        f"{y_labels}</svg>"
        f'<svg class="tile-chart-plot" width="100%" height="{HEIGHT}" font-family="{font}" '
        f'overflow="visible" aria-hidden="true">{grid}'
        f'<svg width="100%" height="{HEIGHT}" viewBox="0 0 {_num(_WIDE)} {HEIGHT}" '
        f'preserveAspectRatio="none">{"".join(lines)}</svg>'
        f"{''.join(marks)}"
        f'<g font-size="10" fill="{_TICK_COLOR}">{x_labels}</g></svg></div>'
    )
