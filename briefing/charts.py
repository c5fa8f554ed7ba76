"""The briefing's charts: the Overview's tile charts, restyled for paper and exported to PNG
on this server (plotly's static export through kaleido and the system's Chromium).

Kaleido ≥ 1 drives a Chrome it does not ship: it is pointed at Debian's ``/usr/bin/chromium``
(``BROWSER_PATH`` overrides it), with plotly.js from the installed plotly package and MathJax
switched off, so nothing is fetched from the internet. All the charts of one briefing are drawn
in one browser session. Any failure is raised as :class:`ChartExportError` with a one-line
reason, for the page or the command line to say in words.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from charts.common import FONT_FAMILY, clean_figure, unit_title
from charts.tile import make_tile_figure
from metrics.registry import Indicator
from metrics.tiles import Tile

DEFAULT_BROWSER = "/usr/bin/chromium"
EXPORT_TIMEOUT_S = 120.0
"""Seconds for one chart; the whole export gets this times the number of charts."""


class ChartExportError(RuntimeError):
    """The charts could not be drawn to PNG; the message says why, in one line."""


def browser_path() -> str:
    """The Chrome kaleido drives: ``BROWSER_PATH`` when set, else Debian's Chromium."""
    return os.environ.get("BROWSER_PATH", "").strip() or DEFAULT_BROWSER


def print_figure(
    series: pd.DataFrame,
    indicator: Indicator,
    tile: Tile,
    lang: str,
    published: pd.DataFrame | None,
    *,
    title: str,
    width: int,
    height: int,
    axis_title: bool = True,
) -> go.Figure:
    """The tile's chart (:func:`charts.tile.make_tile_figure`) with a title, the unit on the
    axis (``axis_title``) and type large enough to read on paper, ``width`` × ``height`` CSS
    pixels."""
    figure = make_tile_figure(series, indicator, tile, lang, published)
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}},
        font={"family": FONT_FAMILY, "size": 14, "color": "#1b1f24"},
        width=width,
        height=height,
        margin={"l": 8, "r": 16, "t": 48, "b": 8},
    )
    figure.update_xaxes(tickfont={"size": 13, "color": "#3d4651"})
    figure.update_yaxes(
        tickfont={"size": 13, "color": "#3d4651"},
        nticks=6,
        title={"text": unit_title(indicator, lang) if axis_title else "", "font": {"size": 13}},
    )
    return figure


async def _export(figures: Sequence[go.Figure], width: int, scale: float) -> list[bytes]:
    import kaleido

    pictures: list[bytes] = []
    async with kaleido.Kaleido(
        n=1, timeout=EXPORT_TIMEOUT_S, mathjax=False, path=browser_path()
    ) as engine:
        for figure in figures:
            size = {
                "width": int(figure.layout.width or width),
                "height": int(figure.layout.height or 400),
            }
            picture = await engine.calc_fig(figure, opts={"format": "png", "scale": scale, **size})
            pictures.append(bytes(picture))
    return pictures


def export_png(
    figures: Sequence[go.Figure], *, width: int = 900, scale: float = 2.0
) -> list[bytes]:
    """Each figure as PNG bytes (its own width, else ``width``, and height in CSS pixels,
    ``scale``× for print), drawn in one browser session.

    Raises
    ------
    ChartExportError
        No browser at :func:`browser_path`, or the export failed or timed out.
    """
    if not figures:
        return []
    # Labels from outside (unit names) without control or bidirectional characters.
    figures = [clean_figure(figure) for figure in figures]
    path = browser_path()
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        raise ChartExportError(f"no browser at {path}")
    # A thread of its own: the caller may already run an event loop (Streamlit, a test).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(asyncio.run, _export(list(figures), width, scale))
        try:
            return future.result(timeout=EXPORT_TIMEOUT_S * (len(figures) + 1))
        except concurrent.futures.TimeoutError as error:
            raise ChartExportError("the chart export timed out") from error
        except Exception as error:
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise ChartExportError(f"{type(error).__name__}: {first_line[:200]}") from error
