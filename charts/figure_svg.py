"""An indicator page's plotly figure as inline SVG, drawn on the server (issue 12: a page
whose figures are all drawn this way never loads plotly's 4.6 MB of JavaScript).

:mod:`charts.tile_svg` does this for the Overview tile's small chart; this module does it
for the figures of the indicator pages (``charts/*.py``, shown by
``app_pages._ui.show_figure``). The plotly figure stays the one description of what a
chart shows; :func:`unsupported` says why a figure cannot be drawn faithfully here (a box
plot, subplots, a marker symbol or text position not known here …), and such a figure is
left to plotly whole — never half drawn.

What is drawn: scatter traces (lines with their colours, widths and dashes, gaps kept;
markers: circle, diamond, square and their open forms, with sizes, colours and
opacity per point; text beside a point at plotly's positions; bands filled to themselves
or to the trace before), bars (vertical or horizontal, stacked or overlaid, a base, text
outside the bar), horizontal and vertical lines across the plot (``add_hline`` /
``add_vline``) and annotations without arrows, axis ticks (given values and texts, or
round numbers in the reader's format with the axis's suffix), gridlines, axis titles and a
legend that wraps. Hover text (the trace's ``hovertemplate`` filled as
:func:`charts.common.describe_figure` fills it) is an SVG ``<title>`` on the point or bar;
the browser shows it as a tooltip.

Every text from the figure is escaped (:func:`charts.tile_svg._text`: one line, no
invisible characters). The chart is ``aria-hidden``: its one description for a screen
reader is the text written under it (``app_pages._ui.show_figure``).

Layout: lines, bands, bars and the straight lines across the plot are in an inner SVG
stretched to the plot's width (``preserveAspectRatio="none"``, strokes that do not scale);
points, labels and ticks are placed by percentage of the width, so circles stay round and
text keeps its size at every width. Value ticks sit in an SVG of their own beside the
plot. A horizontal bar chart writes each name above its bar, across the plot's width, so a
long name stays whole on a phone.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape, unescape
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.common import FONT_FAMILY, _point_text
from charts.tile_svg import _decimals, _nice_ticks, _num
from charts.tile_svg import _text as _one_line_escaped
from i18n import fmt_number
from i18n.escape import WORD_JOINER

WIDE = 1000.0
"""The inner SVG's width in its own units (stretched to the plot)."""
DASHES = {"dot": "2 3", "dash": "6 4", "dashdot": "6 3 2 3", "longdash": "10 4"}
TICK_COLOR = "#5f6b7a"
GRID_COLOR = "#e6e9ee"
TICK_SIZE = 12
X_TICKS_ROOM = 22
"""Pixels under the plot for the x ticks."""
TOP = 10
"""Pixels above the plot's top edge (a marker or label at the top is not cut)."""
ROW = 40
"""Pixels per row of a horizontal bar chart: the name above (one line), the bar under it."""
NAME_LINE = 14
"""Pixels per further line of a long name."""
NAME_WIDTH = 44
"""Characters per line of a horizontal bar's name: a phone's plot is about 340 px wide."""
SYMBOLS = {
    "circle",
    "circle-open",
    "diamond",
    "diamond-open",
    "square",
    "square-open",
    "line-ns",
    "line-ew",
}
TEXT_POSITIONS = {
    "top center",
    "top left",
    "top right",
    "middle right",
    "middle left",
    "middle center",
    "bottom center",
    "bottom left",
    "bottom right",
}
_TAGS = re.compile(r"<[^>]+>")


def _text(value: object) -> str:
    """A text for the SVG: one line, no invisible characters, escaped
    (:func:`charts.tile_svg._text`), and an address in it never one a reader's tools would
    follow: a word joiner before ``://``, after ``www`` and ``@`` (as
    :func:`i18n.escape.escape_markdown` does).

    >>> _text("<b>x</b> https://evil.example www.evil.example a@b").replace(WORD_JOINER, "|")
    '&lt;b&gt;x&lt;/b&gt; https|://evil.example www|.evil.example a@|b'
    """
    escaped = _one_line_escaped(value)
    escaped = escaped.replace("://", WORD_JOINER + "://").replace("@", "@" + WORD_JOINER)
    return re.sub(r"(?i)\bwww\.", lambda m: m.group(0)[:3] + WORD_JOINER + ".", escaped)


def _words(text: object) -> str:
    """A plotly text as the reader sees it: ``<br>`` a space, other tags dropped, entities
    read (plotly shows ``&amp;`` as ``&``); not escaped."""
    words = re.sub(r"<br\s*/?>", " ", str(text or ""), flags=re.IGNORECASE)
    return unescape(" ".join(_TAGS.sub("", words).split()))


def _plain(text: object) -> str:
    """A plotly text without its markup, escaped for the SVG (:func:`_words`)."""
    return _text(_words(text))


def _seq(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, np.ndarray | pd.Series | pd.Index | list | tuple):
        return list(value)
    return [value]


def _per_point(value: Any, i: int, default: Any = None) -> Any:
    """A marker's property for point ``i``: the list's item, or the one value."""
    if isinstance(value, np.ndarray | list | tuple):
        return value[i] if i < len(value) else default
    return default if value is None else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _kind(values: Sequence[Any]) -> str:
    """``date``, ``number`` or ``category``: what an axis's values are."""
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if isinstance(value, str):
            try:
                pd.Timestamp(value)
            except ValueError:
                return "category"
            return "date"
        if _is_number(value):
            return "number"
        if isinstance(value, dt.date | pd.Timestamp | np.datetime64):
            return "date"
        return "category"
    return "number"


def _as_float(value: Any, kind: str) -> float:
    if value is None:
        return math.nan
    if kind == "date":
        try:
            return float(pd.Timestamp(value).value)
        except (ValueError, TypeError):
            return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _axis_values(figure: go.Figure, letter: str) -> list[Any]:
    values: list[Any] = []
    for trace in figure.data:
        values += _seq(getattr(trace, letter))
    return values


def unsupported(figure: go.Figure) -> str | None:
    """Why ``figure`` cannot be drawn faithfully here, or None when it can."""
    return _checked(figure)[0]


def _checked(figure: go.Figure) -> tuple[str | None, list[_Panel] | None]:
    """Why ``figure`` cannot be drawn faithfully (or None), and its small panels when it is
    a figure of subplots that can be: worked out once for :func:`figure_svg`, which draws
    the panels it checked (issue 12: each panel was built again to draw it, and the whole
    check was run twice, a third of the Unit page's warm run at tier L)."""
    if not _has_subplots(figure):
        return _one_pair_unsupported(figure), None
    panels = _panels(figure)
    if isinstance(panels, str):
        return panels, None
    for panel in panels:
        why = _checked(panel.figure)[0]
        if why is not None:
            return f"a panel with {why}", None
    return None, panels


def _one_pair_unsupported(figure: go.Figure) -> str | None:
    """:func:`unsupported` for a figure of one pair of axes."""
    layout = figure.layout
    for axis in (layout.xaxis, layout.yaxis):
        if axis.type not in (None, "-", "linear", "date", "category"):
            return f"a {axis.type} axis"
        if axis.autorange not in (None, True, "reversed"):
            return f"autorange {axis.autorange}"
    bars = sum(trace.type == "bar" for trace in figure.data)
    if layout.barmode not in (None, "stack", "overlay", "relative") and bars > 1:
        return f"bars in {layout.barmode} mode"
    x_kind = _kind(_axis_values(figure, "x"))
    y_kind = _kind(_axis_values(figure, "y"))
    if x_kind == "category":
        return "categories on the x axis"
    if x_kind == "date" and not layout.xaxis.tickvals:
        return "a date axis without tick values"
    if layout.xaxis.autorange == "reversed":
        return "a reversed x axis"
    for trace in figure.data:
        if trace.type not in ("scatter", "bar", "box"):
            return f"a {trace.type} trace"
        if (trace.xaxis or "x") != "x" or (trace.yaxis or "y") != "y":
            return "a trace on other axes"
        if trace.type == "box":
            why = _box_unsupported(trace, y_kind)
            if why is not None:
                return why
            continue
        if trace.type == "bar":
            horizontal = trace.orientation == "h"
            if horizontal != (y_kind == "category"):
                return "bars whose names are not on the category axis"
            if trace.text is not None and trace.textposition not in ("outside", "auto", None):
                return f"bar text {trace.textposition}"
            if trace.text is not None and trace.textposition is None:
                return "bar text placed by plotly"
            if trace.text is not None and trace.textposition == "auto" and not horizontal:
                return "bar text auto on upright bars"
            continue
        if y_kind == "category" and (
            "lines" in (trace.mode or "lines") or "text" in (trace.mode or "")
        ):
            return "lines or text on a category axis"
        if trace.fill not in (None, "none", "toself", "tonexty"):
            return f"fill {trace.fill}"
        if y_kind == "category" and trace.fill not in (None, "none"):
            return "a band on a category axis"
        for symbol in _seq(trace.marker.symbol):
            if symbol not in SYMBOLS:
                return f"marker {symbol}"
        for position in _seq(trace.textposition):
            if position not in TEXT_POSITIONS:
                return f"text position {position}"
        if trace.line.shape not in (None, "linear"):
            return f"line shape {trace.line.shape}"
    for shape in layout.shapes:
        if shape.type != "line":
            return f"a {shape.type} shape"
        if not (_is_hline(shape) or _is_vline(shape)):
            return "a slanted line"
        if y_kind == "category" and _is_hline(shape):
            return "a line across the rows of a bar chart"
    for note in layout.annotations:
        if note.showarrow is not False:
            return "an annotation with an arrow"
        if note.textangle not in (None, 0):
            return "a turned annotation"
    return None


def _box_unsupported(trace: Any, y_kind: str) -> str | None:
    """Why a box trace cannot be drawn here: only rows of a horizontal chart, its statistics
    computed from its values as plotly computes them (:func:`box_stats`), no points, mean
    or notch, and no hover text of its own."""
    if trace.orientation != "h" or y_kind != "category":
        return "an upright box"
    if trace.boxpoints is not False:
        return "box points"
    if trace.boxmean or trace.notched or trace.sizemode == "sd":
        return "a box mean, notch or sd"
    if trace.quartilemethod not in (None, "linear"):
        return f"quartiles by the {trace.quartilemethod} method"
    if any(getattr(trace, k) is not None for k in ("q1", "median", "q3", "lowerfence")):
        return "box statistics given"
    if trace.hoverinfo != "skip":
        return "box hover text"
    if _kind(_seq(trace.x)) != "number":
        return "a box of non-numbers"
    return None


def _plotly_quantile(values: Sequence[float], share: float) -> float:
    """Plotly's quantile of sorted ``values`` (its ``interp``: the position ``share × n −
    0.5``, held at the ends, linear between).

    >>> _plotly_quantile([1.0, 2.0, 3.0, 4.0], 0.25), _plotly_quantile([1.0, 2.0, 3.0], 0.5)
    (1.5, 2.0)
    """
    at = share * len(values) - 0.5
    if at < 0:
        return values[0]
    if at > len(values) - 1:
        return values[-1]
    low, high = math.floor(at), math.ceil(at)
    part = at - low
    return part * values[high] + (1 - part) * values[low]


@dataclass(frozen=True, slots=True)
class BoxStats:
    """A box as plotly draws it with ``boxpoints=False``: the quartiles (its ``linear``
    method) and whiskers to the smallest and largest value."""

    low: float
    q1: float
    median: float
    q3: float
    high: float


def box_stats(values: Sequence[Any]) -> BoxStats | None:
    """The box of ``values`` (None when none is a number).

    >>> box_stats([4, 1, 3, 2])
    BoxStats(low=1.0, q1=1.5, median=2.5, q3=3.5, high=4.0)
    """
    finite = sorted(float(v) for v in values if _is_number(v) and math.isfinite(float(v)))
    if not finite:
        return None
    return BoxStats(
        finite[0],
        _plotly_quantile(finite, 0.25),
        _plotly_quantile(finite, 0.5),
        _plotly_quantile(finite, 0.75),
        finite[-1],
    )


def _domain(axis: Any) -> tuple[float, float]:
    domain = axis.domain if axis.domain is not None else (0.0, 1.0)
    return float(domain[0]), float(domain[1])


@dataclass(frozen=True, slots=True)
class _Panel:
    """One pair of axes of a grid of small panels, as a figure of its own."""

    figure: go.Figure
    title: str | None
    column: int
    row: int


def _panels(figure: go.Figure) -> list[_Panel] | str:
    """The small panels of a figure of subplots (``make_subplots``), each a figure of one
    pair of axes with its traces, its title (the annotation just above it) and its place in
    the grid; or why they cannot be drawn faithfully (not a grid, a trace across panels,
    another note or a shape)."""
    layout = figure.layout
    keys = layout.to_plotly_json()
    suffixes = sorted(
        (key[5:] for key in keys if key.startswith("xaxis")), key=lambda k: int(k or 1)
    )
    if sorted(key[5:] for key in keys if key.startswith("yaxis")) != sorted(suffixes):
        return "subplots whose axes are not in pairs"
    if layout.shapes:
        return "a shape on subplots"
    pairs = {}
    for suffix in suffixes:
        x_axis, y_axis = layout[f"xaxis{suffix}"], layout[f"yaxis{suffix}"]
        if (x_axis.anchor or "y") != f"y{suffix}" or (y_axis.anchor or "x") != f"x{suffix}":
            return "subplots with shared or overlaid axes"
        if x_axis.matches or y_axis.matches or x_axis.overlaying or y_axis.overlaying:
            return "subplots with shared or overlaid axes"
        pairs[suffix] = (_domain(x_axis), _domain(y_axis))
    columns = sorted({x for x, _ in pairs.values()})
    rows = sorted({y for _, y in pairs.values()}, reverse=True)
    if len(columns) * len(rows) < len(pairs):
        return "subplots not in a grid"
    titles: dict[str, str] = {}
    for note in layout.annotations:
        if note.xref != "paper" or note.yref != "paper" or note.showarrow is not False:
            return "a note on subplots"
        place = next(
            (
                suffix
                for suffix, ((x0, x1), (_, y1)) in pairs.items()
                if x0 - 1e-6 <= float(note.x) <= x1 + 1e-6 and abs(float(note.y) - y1) < 0.02
            ),
            None,
        )
        if place is None or place in titles:
            return "a note on subplots"
        titles[place] = note.text
    margin = layout.margin
    area = float(layout.height or 450) - float(margin.t or 0) - float(margin.b or 0)
    panels = []
    for suffix, (x_domain, y_domain) in pairs.items():
        traces = [
            trace
            for trace in figure.data
            if (trace.xaxis or "x") == f"x{suffix}" and (trace.yaxis or "y") == f"y{suffix}"
        ]
        x_axis = layout[f"xaxis{suffix}"].to_plotly_json()
        y_axis = layout[f"yaxis{suffix}"].to_plotly_json()
        for axis in (x_axis, y_axis):
            for key in ("domain", "anchor"):
                axis.pop(key, None)
        x_title = bool(x_axis.get("title", {}).get("text"))
        plot = max(80.0, (y_domain[1] - y_domain[0]) * area)
        panel = go.Figure(
            [go.Figure(trace).data[0].update(xaxis="x", yaxis="y") for trace in traces],
            layout={
                "xaxis": x_axis,
                "yaxis": y_axis,
                "height": plot + X_TICKS_ROOM + (20 if x_title else 0),
                "margin": {"t": 0, "b": 0},
                "showlegend": False,
                "font": layout.font,
                "separators": layout.separators,
                "barmode": layout.barmode,
            },
        )
        panels.append(
            _Panel(panel, titles.get(suffix), columns.index(x_domain), rows.index(y_domain))
        )
    if sum(len(p.figure.data) for p in panels) != len(figure.data):
        return "a trace across subplots"
    return sorted(panels, key=lambda p: (p.row, p.column))


def _is_hline(shape: Any) -> bool:
    return (shape.xref or "x") in ("x domain", "paper") and shape.y0 == shape.y1


def _is_vline(shape: Any) -> bool:
    return (shape.yref or "y") in ("y domain", "paper") and shape.x0 == shape.x1


@dataclass(frozen=True, slots=True)
class _Axis:
    """A value axis: its range and where a value falls (0 to 1 from its start)."""

    low: float
    high: float
    reversed: bool = False

    def share(self, value: float) -> float:
        part = (value - self.low) / (self.high - self.low) if self.high != self.low else 0.5
        return 1 - part if self.reversed else part


def _range(axis: Any, values: list[float], kind: str, *, zero: bool) -> tuple[float, float]:
    if axis.range is not None and len(axis.range) == 2 and None not in axis.range:
        low, high = (_as_float(v, kind) for v in axis.range)
        return low, high
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    low, high = min(finite), max(finite)
    if zero or axis.rangemode == "tozero":
        low, high = min(low, 0.0), max(high, 0.0)
        pad = (high - low) * 0.05 or 1.0
        return (low if low == 0 else low - pad), (high if high == 0 else high + pad)
    pad = (high - low) * 0.06 or max(abs(high) * 0.05, 1.0)
    return low - pad, high + pad


def _tick_label(value: float, axis: Any, lang: str, decimals: int) -> str:
    fmt = axis.tickformat or ""
    if fmt in ("d", ",d", ".0f", ",.0f"):
        decimals = 0
    text = fmt_number(value, lang, decimals) if fmt != "d" else str(round(value))
    return f"{axis.tickprefix or ''}{text}{axis.ticksuffix or ''}"


def _number_ticks(
    axis: Any, low: float, high: float, lang: str, count: int
) -> list[tuple[float, str]]:
    """The ticks of a numeric axis: its given values and texts, every ``dtick``, or round
    numbers."""
    if axis.tickvals is not None and len(axis.tickvals):
        values = [float(v) for v in axis.tickvals]
        texts = list(axis.ticktext) if axis.ticktext is not None else []
        decimals = _decimals(values)
        return [
            (v, _plain(texts[i]) if i < len(texts) else _text(_tick_label(v, axis, lang, decimals)))
            for i, v in enumerate(values)
            if min(low, high) <= v <= max(low, high)
        ]
    if axis.dtick is not None and _is_number(axis.dtick) and float(axis.dtick) > 0:
        step = float(axis.dtick)
        first = math.ceil(min(low, high) / step - 1e-9) * step
        values = []
        value = first
        while value <= max(low, high) + 1e-9 and len(values) < 200:
            values.append(round(value, 10))
            value += step
    else:
        nticks = axis.nticks + 1 if axis.nticks else count
        values = [
            v
            for v in _nice_ticks(min(low, high), max(low, high), nticks)
            if min(low, high) <= v <= max(low, high)
        ]
    decimals = _decimals(values)
    return [(v, _text(_tick_label(v, axis, lang, decimals))) for v in values]


def _hover(trace: Any, i: int, lang: str) -> str:
    text = _point_text(trace, i, lang)
    return f"<title>{_text(text)}</title>" if text else ""


def _marker(
    symbol: str,
    x: str,
    y: float,
    size: float,
    color: str,
    line: str,
    width: float,
    opacity: float | None,
    tip: str,
) -> str:
    """One marker at ``x`` (a percentage) and ``y`` (pixels)."""
    r = size / 2
    hollow = symbol.endswith("-open")
    paint = (
        f'fill="none" stroke="{color}" stroke-width="{_num(width or 1.5)}"'
        if hollow
        else f'fill="{color}"' + (f' stroke="{line}" stroke-width="{_num(width)}"' if width else "")
    )
    alpha = f' opacity="{_num(opacity)}"' if opacity is not None and opacity < 1 else ""
    if symbol.startswith("line"):
        # A tick (line-ns upright, line-ew across), drawn by the marker's line alone.
        d = f"M0,{_num(-r)}V{_num(r)}" if symbol == "line-ns" else f"M{_num(-r)},0H{_num(r)}"
        return (
            f'<svg x="{x}" y="{_num(y)}" overflow="visible"><path d="{d}" stroke="{line}" '
            f'stroke-width="{_num(width or 1)}"{alpha}>{tip}</path></svg>'
        )
    if symbol.startswith("circle"):
        return f'<circle cx="{x}" cy="{_num(y)}" r="{_num(r)}" {paint}{alpha}>{tip}</circle>'
    if symbol.startswith("square"):
        return (
            f'<svg x="{x}" y="{_num(y)}" overflow="visible"><rect x="{_num(-r)}" y="{_num(-r)}" '
            f'width="{_num(size)}" height="{_num(size)}" {paint}{alpha}>{tip}</rect></svg>'
        )
    r += 0.5  # a diamond as plotly draws it: a little larger than its circle
    return (
        f'<svg x="{x}" y="{_num(y)}" overflow="visible"><path d="M0,{_num(-r)} L{_num(r)},0 '
        f'L0,{_num(r)} L{_num(-r)},0Z" {paint}{alpha}>{tip}</path></svg>'
    )


_ANCHORS = {"left": "end", "right": "start", "center": "middle"}


def _label_dy(vertical: str, gap: float, size: float, lift: int) -> float:
    """A point's text's baseline below the point: above it, below it or beside it, and
    ``lift`` lines further away above or below."""
    if vertical == "top":
        return -gap - 1 - lift * size
    if vertical == "bottom":
        return gap + size * 0.8 + lift * size
    return size * 0.35


def _point_label(
    position: str,
    x: str,
    y: float,
    size: float,
    marker: float,
    text: str,
    color: str,
    lift: int = 0,
) -> str:
    vertical, horizontal = position.split()
    gap = marker / 2 + 3
    dy = _label_dy(vertical, gap, size, lift)
    dx = {"left": -gap, "right": gap, "center": 0}[horizontal] if vertical == "middle" else 0
    if vertical != "middle" and horizontal != "center":
        dx = -2 if horizontal == "left" else 2
    return (
        f'<text x="{x}" y="{_num(y)}" dx="{_num(dx)}" dy="{_num(dy)}" '
        f'text-anchor="{_ANCHORS[horizontal]}" font-size="{_num(size)}" fill="{color}" '
        'stroke="#ffffff" stroke-width="3" paint-order="stroke">'
        f"{text}</text>"
    )


@dataclass(frozen=True, slots=True)
class _Label:
    """A point's text: where plotly would put it, the point, its size and colour."""

    position: str
    share: float
    y: float
    size: float
    marker: float
    words: str
    color: str


CHECK_WIDTHS = (260.0, 340.0, 480.0, 640.0, 860.0)
"""Plot widths in pixels at which a point's text is kept clear of the lines (a phone's
plot, a tablet's column, a desktop's column and a full desktop)."""
LABEL_PLACES = (
    "top center",
    "bottom center",
    "top left",
    "bottom left",
    "top right",
    "bottom right",
    "middle left",
    "middle right",
)
LIFTS = (0, 1, 2)
"""Lines of text a label above or below its point may be moved further away from it, where
it crosses a line next to the point."""


def _text_width(words: str, size: float) -> float:
    """An estimate of a one-line text's width in pixels: 0.55 of the font size a
    character (the dashboard's sans-serif font; digits and most letters are narrower)."""
    return len(words) * size * 0.55


def _label_box(
    label: _Label, position: str, width: float, lift: int = 0
) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom, in pixels) of ``label`` at ``position`` on a plot
    ``width`` pixels wide, ``lift`` lines further from its point, as :func:`_point_label`
    places it."""
    vertical, horizontal = position.split()
    gap = label.marker / 2 + 3
    size = label.size
    dy = _label_dy(vertical, gap, size, lift)
    dx = {"left": -gap, "right": gap, "center": 0.0}[horizontal] if vertical == "middle" else 0
    if vertical != "middle" and horizontal != "center":
        dx = -2 if horizontal == "left" else 2
    x = label.share * width + dx
    wide = _text_width(label.words, size)
    left = {"left": x - wide, "right": x, "center": x - wide / 2}[horizontal]
    baseline = label.y + dy
    return left, baseline - size * 0.8, left + wide, baseline + size * 0.2


def _crosses(
    box: tuple[float, float, float, float], a: tuple[float, float], b: tuple[float, float]
) -> bool:
    """Whether the segment from ``a`` to ``b`` passes through ``box`` (Liang–Barsky)."""
    left, top, right, bottom = box
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            low = max(low, r)
        else:
            high = min(high, r)
        if low > high:
            return False
    return True


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    labels: Sequence[_Label], lines: Sequence[Sequence[tuple[float, float]]], height: float
) -> list[tuple[str, int]]:
    """Where each point's text goes (a position, and lines moved away from the point): the
    first of its own position, :data:`LABEL_PLACES` and those moved by :data:`LIFTS` where,
    at every width of :data:`CHECK_WIDTHS`, it crosses no line, no text placed before it and
    no edge of the plot; where none is clear at every width, the one clear at most widths
    (plotly would leave the text on the line)."""
    placed: list[list[tuple[float, float, float, float]]] = []
    chosen = []
    for label in labels:
        places = [label.position, *(p for p in LABEL_PLACES if p != label.position)]
        candidates = [
            (p, lift) for lift in LIFTS for p in places if lift == 0 or not p.startswith("middle")
        ]
        best: tuple[int, int] | None = None
        for order, (position, lift) in enumerate(candidates):
            boxes = [_label_box(label, position, width, lift) for width in CHECK_WIDTHS]
            clashes = 0
            for k, (box, width) in enumerate(zip(boxes, CHECK_WIDTHS, strict=True)):
                if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
                    clashes += 1
                    continue
                if any(_overlaps(box, other[k]) for other in placed):
                    clashes += 1
                    continue
                if any(
                    _crosses(box, (x0 * width, y0), (x1 * width, y1))
                    for line in lines
                    for (x0, y0), (x1, y1) in pairwise(line)
                ):
                    clashes += 1
            if best is None or clashes < best[0]:
                best = (clashes, order)
            if clashes == 0:
                break
        position, lift = candidates[best[1] if best else 0]
        placed.append([_label_box(label, position, width, lift) for width in CHECK_WIDTHS])
        chosen.append((position, lift))
    return chosen


def _bar_text(
    base: float,
    end: float,
    y: float,
    words: str,
    size: float,
    color: str,
    *,
    inside_allowed: bool,
    row: tuple[float, float] = (0.0, 1.0),
) -> str:
    """A horizontal bar's text at its far end (away from its base): outside the bar, or,
    for plotly's ``auto``, inside it where the text does not fit outside on a phone's plot
    but does inside (in white or dark ink, whichever reads on the bar's colour). A bar of no
    length has its text past the row's other bars (``row``: how far they reach), on the
    side with more room, never over them."""
    if end == base:
        towards_right = 1 - row[1] >= row[0]
        end = row[1] if towards_right else row[0]
        base = end
    else:
        towards_right = end > base
    wide = _text_width(words, size) + 8
    room_out = ((1 - end) if towards_right else end) * PHONE_PLOT
    room_in = abs(end - base) * PHONE_PLOT
    inside = inside_allowed and room_out < wide <= room_in
    if inside:
        anchor, dx = ("end", -4) if towards_right else ("start", 4)
        ink = "#ffffff" if _is_dark(color) else "#1b1f24"
    else:
        anchor, dx = ("start", 4) if towards_right else ("end", -4)
        ink = "#1b1f24"
    return (
        f'<text x="{_num(end * 100)}%" y="{_num(y)}" dx="{dx}" text-anchor="{anchor}" '
        f'font-size="{_num(size)}" fill="{ink}">{_text(words)}</text>'
    )


def _row_reach(
    bar_spans: dict[int, list[tuple[float, float, float]]],
) -> dict[float, tuple[float, float]]:
    """How far each row's bars reach (lowest and highest value), by row."""
    reach: dict[float, tuple[float, float]] = {}
    for spans in bar_spans.values():
        for at, start, end in spans:
            if math.isfinite(start) and math.isfinite(end):
                low, high = reach.get(at, (min(start, end), max(start, end)))
                reach[at] = (min(low, start, end), max(high, start, end))
    return reach


def _room_for_bar_texts(
    traces: Sequence[Any],
    bar_spans: dict[int, list[tuple[float, float, float]]],
    low: float,
    high: float,
    size: float,
) -> tuple[float, float]:
    """The value axis of a horizontal bar chart widened, where its range is plotly's own,
    so that every text outside its bar's far end fits inside a phone's plot (a tornado's
    text ran past the plot's left edge and was cut). A bar of no length has its text past
    its row's other bars (:func:`_bar_text`): the room is made on the side it goes to."""
    reach = _row_reach(bar_spans)
    for _ in range(4):
        span = high - low
        if span <= 0:
            return low, high
        new_low, new_high = low, high
        for index, spans in bar_spans.items():
            trace = traces[index]
            texts = _seq(trace.text)
            for i, (at, start, end) in enumerate(spans):
                if i >= len(texts) or texts[i] in (None, "") or not math.isfinite(end):
                    continue
                need = (_text_width(_words(texts[i]), size) + 8) / PHONE_PLOT
                length = abs(end - start) / span
                if end == start and at in reach:
                    # Past the row's other bars, on the side with more room (as drawn).
                    row_low, row_high = reach[at]
                    if need >= 0.9:
                        continue
                    if high - row_high >= row_low - low:
                        new_high = max(new_high, (row_high - need * low) / (1 - need))
                    else:
                        new_low = min(new_low, (row_low - need * high) / (1 - need))
                    continue
                if (trace.textposition == "auto" and need <= length) or need >= 0.9:
                    continue  # inside its bar, or too long for any room
                if end >= start:
                    new_high = max(new_high, low + (end - low) / (1 - need))
                else:
                    new_low = min(new_low, (end - need * high) / (1 - need))
        if (new_low, new_high) == (low, high):
            break
        low, high = new_low, new_high
    return low, high


def _is_dark(color: str) -> bool:
    """Whether white reads better than dark ink on ``color`` (``#rrggbb``; anything else
    is taken as light).

    >>> _is_dark("#1F4E79"), _is_dark("#56B4E9"), _is_dark("rgba(0,0,0,0.1)")
    (True, False, False)
    """
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        return False
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 140


def _box(trace: Any, row_span: Any, axis: _Axis, inner: list[str]) -> str:
    """A horizontal box trace drawn into ``inner`` (one box per row: quartiles, median,
    whiskers to the smallest and largest value with their caps, as plotly draws a box
    with ``boxpoints=False``); returns its legend swatch."""
    line = escape(trace.line.color or trace.marker.color or "#444444")
    fill = escape(trace.fillcolor or "none")
    width = trace.line.width if trace.line.width is not None else 2
    rows: dict[str, list[Any]] = {}
    for value, name in zip(_seq(trace.x), _seq(trace.y), strict=False):
        rows.setdefault(str(name), []).append(value)
    for name, values in rows.items():
        stats = box_stats(values)
        if stats is None:
            continue
        y0, y1 = row_span(name)
        mid = (y0 + y1) / 2
        cap = (y1 - y0) * (trace.whiskerwidth if trace.whiskerwidth is not None else 0.5) / 2
        q1, med, q3 = (axis.share(v) * WIDE for v in (stats.q1, stats.median, stats.q3))
        low, high = axis.share(stats.low) * WIDE, axis.share(stats.high) * WIDE
        stroke = f'stroke="{line}" stroke-width="{_num(width)}" vector-effect="non-scaling-stroke"'
        inner.append(
            f'<rect x="{_num(min(q1, q3))}" y="{_num(y0)}" width="{_num(abs(q3 - q1))}" '
            f'height="{_num(y1 - y0)}" fill="{fill}" {stroke}/>'
            f'<path d="M{_num(med)},{_num(y0)}V{_num(y1)}M{_num(low)},{_num(mid)}H{_num(q1)}'
            f"M{_num(q3)},{_num(mid)}H{_num(high)}M{_num(low)},{_num(mid - cap)}V{_num(mid + cap)}"
            f'M{_num(high)},{_num(mid - cap)}V{_num(mid + cap)}" fill="none" {stroke}/>'
        )
    return f'<rect x="1" y="3" width="18" height="10" fill="{fill}" stroke="{line}"/>'


PHONE_PLOT = 300
"""Pixels of a plot on a phone (390 px less the page's padding and the value ticks)."""


def _edge_anchor(share: float, text: str = "", size: float = TICK_SIZE) -> str:
    """An x tick's label near the plot's edge runs inwards, not past it ("2030" was cut to
    "203" and "10/2026" to "10/202" at a phone's width): where half the label would not fit
    between its tick and the edge of a phone's plot.

    >>> _edge_anchor(0.0), _edge_anchor(0.5, "10/2026"), _edge_anchor(0.96, "10/2026")
    ('start', 'middle', 'end')
    """
    half = len(unescape(text)) * size * 0.55 / 2
    if share * PHONE_PLOT < max(half, 0.03 * PHONE_PLOT):
        return "start"
    if (1 - share) * PHONE_PLOT < max(half, 0.03 * PHONE_PLOT):
        return "end"
    return "middle"


TICK_WIDTHS = (120, 160, 200, 240, 300, 360, 440, 520, 620, 740, 880, 1040)
"""Plot widths in pixels at which the x ticks are thinned (:func:`tick_min_widths`); the
page's style hides a tick of class ``fig-svg-w<N>`` where the plot is narrower than N
(``app_pages._ui``)."""
TICK_GAP = 6
"""Pixels kept between two x ticks' labels."""
NEVER = 10**6
"""A tick's width from which it is shown, when it is never shown."""


def _tick_spans(
    ticks: Sequence[tuple[float, str]], size: float, width: float
) -> list[tuple[float, float]]:
    spans = []
    for share, text in ticks:
        wide = _text_width(unescape(text), size)
        at = share * width
        anchor = _edge_anchor(share, text, size)
        start = {"start": at, "end": at - wide}.get(anchor, at - wide / 2)
        spans.append((start, start + wide))
    return spans


def tick_min_widths(ticks: Sequence[tuple[float, str]], size: float) -> list[int]:
    """For each x tick, the narrowest plot width of :data:`TICK_WIDTHS` from which its label
    is shown (0: at every width; above the widest: never, for it would run into a label kept
    before it), so that no two labels shown ever run into each other.

    From the widest width down, each width keeps the first and the last label and, from the
    left, every label kept at the width above that clears the one kept before it and the
    last by :data:`TICK_GAP` pixels; a label is :func:`_text_width` wide, placed as
    :func:`_edge_anchor` places it. Narrower, only fewer labels are kept.

    >>> tick_min_widths([(0.0, "2020"), (0.5, "2021"), (1.0, "2022")], 12)
    [0, 0, 0]
    >>> months = [(m / 12, f"T{m + 1}") for m in range(12)] + [(1.0, "T1 (gia hạn)")]
    >>> tick_min_widths(months, 12)
    [0, 360, 160, 240, 160, 240, 200, 240, 300, 440, 620, 1000000, 0]
    """
    count = len(ticks)
    shown = [0] * count
    kept = list(range(count))
    for width in reversed(TICK_WIDTHS):
        spans = _tick_spans(ticks, size, width)
        now = [kept[0]] if kept else []
        for i in kept[1:-1]:
            clear_before = spans[i][0] >= spans[now[-1]][1] + TICK_GAP
            if clear_before and spans[i][1] + TICK_GAP <= spans[kept[-1]][0]:
                now.append(i)
        if len(kept) > 1:
            now.append(kept[-1])
        for i in set(kept) - set(now):
            shown[i] = (
                TICK_WIDTHS[TICK_WIDTHS.index(width) + 1] if width != TICK_WIDTHS[-1] else NEVER
            )
        kept = now
    return shown


def _draw(figure: go.Figure, lang: str) -> tuple[list[str], list[str], list[str]]:
    """A figure of one pair of axes: its parts (the y axis's title, the plot, the x axis's
    title), the keys of its legend (none where it shows none), and every key it would
    show with its legend on (a small panel's, for the grid's one legend)."""
    layout = figure.layout
    traces = [t for t in figure.data if t.visible not in (False, "legendonly")]
    x_kind = _kind(_axis_values(figure, "x"))
    y_kind = _kind(_axis_values(figure, "y"))
    horizontal = y_kind == "category"
    stacked = layout.barmode in ("stack", "relative")
    font_size = float(layout.font.size or 13)
    tick_size = float(layout.yaxis.tickfont.size or layout.xaxis.tickfont.size or TICK_SIZE)
    x_visible = layout.xaxis.visible is not False
    y_visible = layout.yaxis.visible is not False

    # Categories (the rows of a horizontal bar chart), in order of first appearance.
    categories: list[str] = []
    if horizontal:
        for trace in traces:
            for name in _seq(trace.y):
                if str(name) not in categories:
                    categories.append(str(name))
    height = float(layout.height or 380)
    names = {name: textwrap.wrap(_words(name), NAME_WIDTH) or [""] for name in categories}
    cat_reversed = layout.yaxis.autorange == "reversed"
    row_top: dict[str, float] = {}
    for name in categories if cat_reversed else categories[::-1]:
        row_top[name] = TOP + sum(ROW + NAME_LINE * (len(names[n]) - 1) for n in row_top)
    if horizontal:
        plot_height: float = sum(ROW + NAME_LINE * (len(ls) - 1) for ls in names.values()) or ROW
    else:
        # As plotly leaves it: the figure's height less its margins, the x ticks, the x
        # axis's title and a legend's line or two.
        margin = layout.margin
        room = float(margin.t if margin.t is not None else 16) + (margin.b or 0) + X_TICKS_ROOM
        room += 20 if layout.xaxis.title and layout.xaxis.title.text else 0
        room += 44 if layout.showlegend is not False and len(traces) > 1 else 0
        plot_height = max(120.0, height - room)
    bottom = TOP + plot_height

    # Bars: where each one starts and ends, stacked or not.
    bar_spans: dict[int, list[tuple[float, float, float]]] = {}  # trace → (at, start, end)
    stack: dict[float, list[float]] = {}
    numeric_x = [
        _as_float(v, x_kind)
        for t in traces
        if t.type == "bar" and not horizontal
        for v in _seq(t.x)
    ]
    spacing = min(np.diff(sorted(set(numeric_x))), default=1.0) if len(set(numeric_x)) > 1 else 1.0
    for index, trace in enumerate(traces):
        if trace.type != "bar":
            continue
        places = _seq(trace.y if horizontal else trace.x)
        lengths = _seq(trace.x if horizontal else trace.y)
        bases = _seq(trace.base) if isinstance(trace.base, list | tuple | np.ndarray) else []
        spans = []
        for i, (place, length) in enumerate(zip(places, lengths, strict=False)):
            at = float(categories.index(str(place))) if horizontal else _as_float(place, x_kind)
            value = _as_float(length, "number")
            if not math.isfinite(value):
                spans.append((at, math.nan, math.nan))
                continue
            if bases:
                start = float(bases[i])
            elif trace.base is not None and _is_number(trace.base):
                start = float(trace.base)
            elif stacked:
                ends = stack.setdefault(at, [0.0, 0.0])
                start = ends[0] if value >= 0 else ends[1]
                ends[0 if value >= 0 else 1] = start + value
            else:
                start = 0.0
            spans.append((at, start, start + value))
        bar_spans[index] = spans

    # The value axis (y, or x for horizontal bars) and the other axis.
    value_axis = layout.xaxis if horizontal else layout.yaxis
    values: list[float] = []
    for index, trace in enumerate(traces):
        if index in bar_spans:
            values += [v for _, s, e in bar_spans[index] for v in (s, e)]
        else:
            values += [_as_float(v, "number") for v in _seq(trace.x if horizontal else trace.y)]
    for shape in layout.shapes:
        if horizontal and _is_vline(shape):
            values.append(_as_float(shape.x0, "number"))
        elif not horizontal and _is_hline(shape):
            values.append(_as_float(shape.y0, "number"))
    for trace in traces:
        if trace.type == "box":
            values += [_as_float(v, "number") for v in _seq(trace.x)]
    # Plotly's bars reach from zero unless they have a base of their own.
    from_zero = any(t.type == "bar" and t.base is None for t in traces)
    low, high = _range(value_axis, values, "number", zero=from_zero)
    if horizontal and value_axis.range is None:
        low, high = _room_for_bar_texts(traces, bar_spans, low, high, tick_size)
    v_axis = _Axis(low, high, reversed=value_axis.autorange == "reversed" and not horizontal)
    if horizontal:
        x_axis = v_axis
    else:
        x_values = [_as_float(v, x_kind) for v in _axis_values(figure, "x")]
        for shape in layout.shapes:
            if _is_vline(shape):
                x_values.append(_as_float(shape.x0, x_kind))
        x_low, x_high = _range(layout.xaxis, x_values, x_kind, zero=False)
        if layout.xaxis.range is None and bar_spans:
            finite = [v for v in numeric_x if math.isfinite(v)]
            x_low, x_high = min(finite) - spacing / 2, max(finite) + spacing / 2
            lines_x = [v for v in x_values if math.isfinite(v)]
            x_low, x_high = min([x_low, *lines_x]), max([x_high, *lines_x])
        elif layout.xaxis.range is None:
            finite = [v for v in x_values if math.isfinite(v)]
            if finite:
                span = (max(finite) - min(finite)) or 1.0
                x_low, x_high = min(finite) - span * 0.02, max(finite) + span * 0.02
        x_axis = _Axis(x_low, x_high)

    def x_pct(raw: Any) -> float:
        return x_axis.share(_as_float(raw, "number" if horizontal else x_kind))

    def y_px(raw: float) -> float:
        return bottom - v_axis.share(raw) * plot_height

    def row_span(name: str) -> tuple[float, float]:
        """A row's bar (or box): under its name, 18 px high."""
        y0 = row_top[name] + 18 + NAME_LINE * (len(names[name]) - 1)
        return y0, y0 + ROW - 22

    def point_y(raw: Any) -> float:
        """A point's height in pixels: its row's middle on a chart of rows."""
        if horizontal:
            if raw is None or str(raw) not in row_top:
                return math.nan
            y0, y1 = row_span(str(raw))
            return (y0 + y1) / 2
        value = _as_float(raw, "number")
        return y_px(value) if math.isfinite(value) else math.nan

    # How far a row's bars reach (shares of the width), for a bar of no length's text.
    row_reach = {
        at: (min(v_axis.share(low), v_axis.share(high)), max(v_axis.share(low), v_axis.share(high)))
        for at, (low, high) in _row_reach(bar_spans).items()
    }

    inner: list[str] = []  # stretched: bands, lines, bars, lines across
    marks: list[str] = []  # unstretched: markers, labels, hover targets
    segments: list[list[tuple[float, float]]] = []  # lines drawn: (x share, y px)
    labels: list[_Label] = []  # points' texts, placed once every line is drawn
    previous: list[tuple[float, float]] = []
    legend: list[str] = []
    ranks: list[float] = []
    groups_seen: set[str] = set()
    for index, trace in enumerate(traces):
        color = trace.marker.color if isinstance(trace.marker.color, str) else None
        if trace.type == "bar":
            paint = escape(color or "#1f77b4")
            width_share = trace.width if _is_number(trace.width) else 1 - (layout.bargap or 0.2)
            tips = [_hover(trace, i, lang) for i in range(len(bar_spans[index]))]
            texts = _seq(trace.text)
            for i, (at, start, end) in enumerate(bar_spans[index]):
                if not math.isfinite(start):
                    continue
                a, b = sorted((v_axis.share(start), v_axis.share(end)))
                if horizontal:
                    name = categories[int(at)]
                    y0, y1 = row_span(name)
                    inner.append(
                        f'<rect x="{_num(a * WIDE)}" y="{_num(y0)}" width="{_num((b - a) * WIDE)}" '
                        f'height="{_num(y1 - y0)}" fill="{paint}">{tips[i]}</rect>'
                    )
                    if i < len(texts) and texts[i] not in (None, ""):
                        marks.append(
                            _bar_text(
                                v_axis.share(start),
                                v_axis.share(end),
                                (y0 + y1) / 2 + 4,
                                _words(texts[i]),
                                tick_size,
                                color or "#1f77b4",
                                inside_allowed=trace.textposition == "auto",
                                row=row_reach.get(at, (0.0, 1.0)),
                            )
                        )
                else:
                    half = spacing * width_share / 2
                    left, right = x_axis.share(at - half), x_axis.share(at + half)
                    top_px, low_px = sorted((y_px(start), y_px(end)))
                    inner.append(
                        f'<rect x="{_num(left * WIDE)}" y="{_num(top_px)}" '
                        f'width="{_num((right - left) * WIDE)}" height="{_num(low_px - top_px)}" '
                        f'fill="{paint}">{tips[i]}</rect>'
                    )
                    if i < len(texts) and texts[i] not in (None, ""):
                        marks.append(
                            f'<text x="{_num(x_axis.share(at) * 100)}%" y="{_num(top_px - 4)}" '
                            f'text-anchor="middle" font-size="{_num(tick_size)}" '
                            f'fill="#1b1f24">{_plain(texts[i])}</text>'
                        )
            swatch = f'<rect x="1" y="3" width="18" height="10" fill="{paint}"/>'
        elif trace.type == "box":
            swatch = _box(trace, row_span, v_axis, inner)
        else:
            xs, ys = _seq(trace.x), _seq(trace.y)
            points = [(x_pct(x), point_y(y)) for x, y in zip(xs, ys, strict=False)]
            drawn = [(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y)]
            mode = trace.mode or ("lines+markers" if len(points) < 20 else "lines")
            line = trace.line
            line_color = escape(line.color or color or "#444444")
            if trace.fill in ("toself", "tonexty") and drawn:
                outline = drawn if trace.fill == "toself" else previous + drawn[::-1]
                d = "M" + " L".join(f"{_num(x * WIDE)},{_num(y)}" for x, y in outline) + "Z"
                inner.append(f'<path d="{d}" fill="{escape(trace.fillcolor or "none")}"/>')
            width = line.width if line.width is not None else 2
            dash = DASHES.get(line.dash or "solid")
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            if "lines" in mode and width > 0:
                runs: list[list[tuple[float, float]]] = [[]]
                for x, y in points:
                    if math.isfinite(x) and math.isfinite(y):
                        runs[-1].append((x, y))
                    elif runs[-1]:
                        runs.append([])
                d = "".join(
                    "M" + " L".join(f"{_num(x * WIDE)},{_num(y)}" for x, y in run)
                    for run in runs
                    if len(run) > 1
                )
                segments += [list(run) for run in runs if len(run) > 1]
                if d:
                    inner.append(
                        f'<path d="{d}" fill="none" stroke="{line_color}" '
                        f'stroke-width="{_num(width)}"{dash_attr} stroke-linejoin="round" '
                        'vector-effect="non-scaling-stroke"/>'
                    )
            marker = trace.marker
            texts = _seq(trace.text)
            text_font = trace.textfont
            for i, (x, y) in enumerate(points):
                if not (math.isfinite(x) and math.isfinite(y)):
                    continue
                tip = _hover(trace, i, lang)
                cx, cy = f"{_num(x * 100)}%", y
                size = float(_per_point(marker.size, i, 6) or 0)
                if "markers" in mode and size > 0:
                    symbol = str(_per_point(marker.symbol, i, "circle"))
                    fill = escape(str(_per_point(marker.color, i, None) or line.color or "#444444"))
                    edge = escape(str(marker.line.color or fill))
                    edge_width = float(_per_point(marker.line.width, i, 0) or 0)
                    if symbol.endswith("-open") and marker.line.color is None:
                        edge = fill
                    marks.append(
                        _marker(
                            symbol,
                            cx,
                            cy,
                            size,
                            edge if symbol.endswith("-open") else fill,
                            edge,
                            edge_width,
                            marker.opacity,
                            tip,
                        )
                    )
                elif tip:  # a line's point: an invisible target for its hover text
                    marks.append(
                        f'<circle cx="{cx}" cy="{_num(cy)}" r="6" fill="transparent">{tip}</circle>'
                    )
                if "text" in mode and i < len(texts) and str(texts[i] or ""):
                    position = str(_per_point(trace.textposition, i, "middle center"))
                    size_text = float(text_font.size or font_size)
                    labels.append(
                        _Label(
                            position,
                            x,
                            cy,
                            size_text,
                            size if "markers" in mode else 0,
                            _words(texts[i]),
                            escape(text_font.color or "#1b1f24"),
                        )
                    )
            previous = drawn
            if trace.fill in ("toself", "tonexty"):
                swatch = (
                    f'<rect x="1" y="3" width="18" height="10" '
                    f'fill="{escape(trace.fillcolor or "#ccc")}"/>'
                )
            elif "lines" in mode and width > 0:
                swatch = (
                    f'<line x1="1" x2="19" y1="8" y2="8" stroke="{line_color}" '
                    f'stroke-width="{_num(min(width, 3.5))}"{dash_attr}/>'
                )
            else:
                symbol = str(_per_point(trace.marker.symbol, 0, "circle"))
                first = _per_point(trace.marker.color, 0, None)
                fill = escape(str(first or line.color or "#444444"))
                swatch = _marker(
                    symbol,
                    "10",
                    8,
                    min(float(_per_point(marker.size, 0, 6) or 6), 14),
                    fill,
                    escape(str(marker.line.color or fill)) if symbol.startswith("line") else fill,
                    float(_per_point(marker.line.width, 0, 0) or 0),
                    None,
                    "",
                )
        shown = trace.showlegend is not False and trace.name
        # A group with a title (earlier years) is one key named by its title; in a group
        # without one, each trace shown in the legend is a key of its own, as in plotly.
        group = (trace.legendgroup or "") if trace.legendgrouptitle.text else ""
        if shown and not (group and group in groups_seen):
            groups_seen.add(group)
            key_name = trace.legendgrouptitle.text or trace.name
            ranks.append(float(trace.legendrank if trace.legendrank is not None else 1000))
            legend.append(
                f'<span class="fig-svg-key"><svg width="20" height="16" aria-hidden="true">'
                f"{swatch}</svg>{_plain(key_name)}</span>"
            )
    # Keys in plotly's order: by legend rank, then as the traces come.
    legend = [key for _, _, key in sorted(zip(ranks, range(len(legend)), legend, strict=True))]

    # Lines across the plot, and notes.
    for shape in layout.shapes:
        stroke = escape(shape.line.color or "#444444")
        width = shape.line.width if shape.line.width is not None else 1.5
        dash = DASHES.get(shape.line.dash or "solid")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if _is_hline(shape):
            if horizontal:
                continue
            level = y_px(_as_float(shape.y0, "number"))
            coords = f'x1="0" x2="{_num(WIDE)}" y1="{_num(level)}" y2="{_num(level)}"'
        else:
            share = x_pct(shape.x0)
            coords = (
                f'x1="{_num(share * WIDE)}" x2="{_num(share * WIDE)}" '
                f'y1="{_num(TOP)}" y2="{_num(bottom)}"'
            )
        inner.append(
            f'<line {coords} stroke="{stroke}" stroke-width="{_num(width)}"{dash_attr} '
            'vector-effect="non-scaling-stroke"/>'
        )
    for note in layout.annotations:
        xref, yref = note.xref or "x", note.yref or "y"
        if xref in ("paper", "x domain"):
            x_share = float(note.x if note.x is not None else 0.5)
        else:
            x_share = x_pct(note.x)
        if yref in ("paper", "y domain"):
            y = bottom - float(note.y if note.y is not None else 0.5) * plot_height
        else:
            y = y_px(_as_float(note.y, "number"))
        size = float(note.font.size or font_size)
        anchor = {"left": "start", "right": "end"}.get(note.xanchor or "", "middle")
        room = (1 - x_share) * PHONE_PLOT
        wide = len(_words(note.text)) * size * 0.55
        if anchor == "start" and wide > room and xref not in ("paper", "x domain"):
            # A note by a line, too long for the room right of it on a phone: on its left.
            anchor = "end"
        dy = {"bottom": -4, "top": size + 2}.get(note.yanchor or "", size * 0.35)
        fill = escape(note.font.color or "#1b1f24")
        # A white edge round the letters, as plotly's note background: readable over a
        # bar or a line.
        halo = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'
        dx = 4 if anchor == "start" else -4 if anchor == "end" else 0
        marks.append(
            f'<text x="{_num(x_share * 100)}%" y="{_num(y)}" dx="{dx}" dy="{_num(dy)}" '
            f'text-anchor="{anchor}" font-size="{_num(size)}" fill="{fill}"{halo}>'
            f"{_plain(note.text)}</text>"
        )

    # Ticks and gridlines.
    total = bottom + (X_TICKS_ROOM if (x_visible or horizontal) else 4)
    y_ticks: list[tuple[float, str]] = []
    x_ticks: list[tuple[float, str]] = []
    if horizontal:
        if x_visible:
            x_ticks = [
                (x_axis.share(v), text)
                for v, text in _number_ticks(layout.xaxis, low, high, lang, 6)
            ]
        for name in categories:
            marks.append(
                f'<text y="{_num(row_top[name] + 13)}" font-size="{_num(tick_size)}" '
                'fill="#1b1f24" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                + "".join(
                    f'<tspan x="0" dy="{0 if k == 0 else NAME_LINE}">{_text(line)}</tspan>'
                    for k, line in enumerate(names[name])
                )
                + "</text>"
            )
    else:
        if y_visible:
            y_ticks = [
                (y_px(v), text) for v, text in _number_ticks(layout.yaxis, low, high, lang, 7)
            ]
        if x_visible:
            if x_kind == "date":
                given = list(layout.xaxis.tickvals or ())
                texts = list(layout.xaxis.ticktext or ())
                x_ticks = [
                    (x_pct(v), _plain(texts[i]) if i < len(texts) else "")
                    for i, v in enumerate(given)
                ]
            else:
                x_ticks = [
                    (x_axis.share(v), text)
                    for v, text in _number_ticks(layout.xaxis, x_axis.low, x_axis.high, lang, 6)
                ]
            x_ticks = [(s, text) for s, text in x_ticks if -1e-9 <= s <= 1 + 1e-9]
    grid = "".join(
        f'<line x1="0" x2="100%" y1="{_num(y)}" y2="{_num(y)}" stroke="{GRID_COLOR}"/>'
        for y, _ in y_ticks
    ) + "".join(
        f'<line x1="{_num(s * 100)}%" x2="{_num(s * 100)}%" y1="{TOP}" y2="{_num(bottom)}" '
        f'stroke="{GRID_COLOR}"/>'
        for s, _ in x_ticks
        if horizontal
    )
    from_width = tick_min_widths(x_ticks, tick_size)

    x_labels = "".join(
        f'<text x="{_num(s * 100)}%" y="{_num(bottom + 16)}" '
        f'text-anchor="{_edge_anchor(s, text, tick_size)}"'
        + (f' class="fig-svg-w{from_width[i]}"' if from_width[i] else "")
        + f">{text}</text>"
        for i, (s, text) in enumerate(x_ticks)
        if from_width[i] <= TICK_WIDTHS[-1]
    )
    for label, (position, lift) in zip(labels, place_labels(labels, segments, total), strict=True):
        marks.append(
            _point_label(
                position,
                f"{_num(label.share * 100)}%",
                label.y,
                label.size,
                label.marker,
                _text(label.words),
                label.color,
                lift,
            )
        )
    axis_line = (
        f'<line x1="0" x2="100%" y1="{_num(bottom)}" y2="{_num(bottom)}" stroke="#c9ced6"/>'
        if bar_spans and not horizontal
        else ""
    )
    longest = max((len(text) for _, text in y_ticks), default=0)
    y_width = int(longest * tick_size * 0.55 + 8) if y_ticks else 0
    y_axis = (
        f'<svg class="fig-svg-y" width="{y_width}" height="{_num(total)}" '
        f'font-size="{_num(tick_size)}" fill="{TICK_COLOR}">'
        + "".join(
            f'<text x="{y_width - 4}" y="{_num(y + tick_size * 0.35)}" text-anchor="end">'
            f"{text}</text>"
            for y, text in y_ticks
        )
        + "</svg>"
        if y_ticks
        else ""
    )
    y_title = _plain(layout.yaxis.title.text) if layout.yaxis.title else ""
    x_title = _plain(layout.xaxis.title.text) if layout.xaxis.title else ""
    legend_shown = layout.showlegend is not False and (layout.showlegend is True or len(legend) > 1)
    parts = []
    if y_title:
        parts.append(f'<div class="fig-svg-ytitle">{y_title}</div>')
    # A note above the plot's top edge (a target line's, as plotly puts it) gets room.
    above = max(
        (
            float(note.font.size or font_size) + 4 - TOP
            for note in layout.annotations
            if (note.yref or "y") in ("paper", "y domain")
            and float(note.y if note.y is not None else 0.5) >= 1
            and note.yanchor == "bottom"
        ),
        default=0.0,
    )
    headroom = f' style="padding-top:{_num(above)}px"' if above > 0 else ""
    # The plot in a box of its own: the page's style thins the x ticks by its width.
    parts.append(
        f'<div class="fig-svg-body"{headroom}>{y_axis}<div class="fig-svg-box">'
        f'<svg class="fig-svg-plot" width="100%" height="{_num(total)}" overflow="visible">'
        f"{grid}{axis_line}"
        f'<svg width="100%" height="{_num(total)}" viewBox="0 0 {_num(WIDE)} {_num(total)}" '
        f'preserveAspectRatio="none">{"".join(inner)}</svg>'
        f"{''.join(marks)}"
        f'<g font-size="{_num(tick_size)}" fill="{TICK_COLOR}">{x_labels}</g></svg></div></div>'
    )
    if x_title:
        parts.append(f'<div class="fig-svg-xtitle">{x_title}</div>')
    return parts, legend if legend_shown else [], legend


def _open(figure: go.Figure) -> str:
    font = escape(FONT_FAMILY, quote=True)
    return f'<div class="fig-svg" aria-hidden="true" style="font-family:{font}">'


def _legend(keys: list[str]) -> str:
    return f'<div class="fig-svg-legend">{"".join(keys)}</div>' if keys else ""


class NotDrawableError(ValueError):
    """A figure :func:`unsupported` refuses (plotly draws it instead)."""


def figure_svg(figure: go.Figure, lang: str) -> str:
    """``figure`` as one HTML block on one line, every text escaped; for
    ``st.markdown(..., unsafe_allow_html=True)``. Raises :class:`NotDrawableError` for a
    figure :func:`unsupported` refuses. A figure of small panels (subplots) is a grid of
    them, two or more a row as in the figure, with one legend under them."""
    why, panels = _checked(figure)
    if why is not None:
        raise NotDrawableError(f"figure not drawn as SVG: {why}")
    if panels is not None:
        columns = max(p.column for p in panels) + 1
        cells = []
        keys: list[str] = []
        seen: set[str] = set()
        for panel in panels:
            parts, _, panel_keys = _draw(panel.figure, lang)
            title = (
                f'<div class="fig-svg-ptitle">{_plain(panel.title)}</div>' if panel.title else ""
            )
            cells.append(
                f'<div class="fig-svg-cell" style="grid-column:{panel.column + 1};'
                f'grid-row:{panel.row + 1}">{title}{"".join(parts)}</div>'
            )
            for key in panel_keys:
                if key not in seen:
                    seen.add(key)
                    keys.append(key)
        legend = keys if figure.layout.showlegend is not False else []
        return (
            _open(figure)
            + f'<div class="fig-svg-grid" style="grid-template-columns:repeat({columns},'
            f'minmax(0,1fr))">{"".join(cells)}</div>{_legend(legend)}</div>'
        )
    parts, keys, _ = _draw(figure, lang)
    return _open(figure) + "".join(parts) + _legend(keys) + "</div>"


def _has_subplots(figure: go.Figure) -> bool:
    return any(
        key.startswith(("xaxis", "yaxis")) and key not in ("xaxis", "yaxis")
        for key in figure.layout.to_plotly_json()
    )
