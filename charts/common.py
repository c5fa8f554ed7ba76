"""What every figure shares: the reader's number format, axis titles with their unit, the
target line, month ticks and hover text in the reader's language, no zoom or toolbar."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from i18n import fmt_month, fmt_number, fmt_value, t, t_count
from i18n.escape import strip_invisible
from metrics.palette import BAND_COLORS, SERIES_COLOR, TARGET_LINE_COLOR
from metrics.registry import Indicator

FONT_FAMILY = '"Source Sans", sans-serif'
"""Streamlit's own bundled font, so figures read like the page (nothing is downloaded)."""


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for ``lang``: ``,.`` in Vietnamese
    (``1.234,5``), ``.,`` in English (``1,234.5``)."""
    return ",." if lang == "vi" else ".,"


TITLE_ROOM = 40
"""Pixels the figure's title takes at the top (the page writes the title above the chart
instead and takes these off the top margin: ``app_pages._ui.show_figure``)."""


def base_layout(
    figure: go.Figure,
    lang: str,
    *,
    title: str,
    y_title: str,
    x_title: str | None = None,
    height: int = 380,
    legend_below: bool = True,
) -> go.Figure:
    """Title, axis titles, the reader's separators, a quiet theme; nothing to zoom or drag."""
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        separators=separators(lang),
        font={"family": FONT_FAMILY, "size": 13, "color": "#1b1f24"},
        height=height,
        margin={"l": 10, "r": 10, "t": TITLE_ROOM + 16, "b": 10},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        hovermode="closest",
        dragmode=False,
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 13}},
        # The legend sits at the foot of the figure, under the axis title: plotly makes
        # room for it however many lines it wraps to on a narrow screen.
        legend=(
            {
                "orientation": "h",
                "yref": "container",
                "yanchor": "bottom",
                "y": 0,
                "x": 0,
                "xanchor": "left",
                "font": {"size": 12},
            }
            if legend_below
            else {}
        ),
    )
    figure.update_yaxes(
        title={"text": y_title},
        gridcolor="#e6e9ee",
        zeroline=False,
        fixedrange=True,
        automargin=True,
    )
    figure.update_xaxes(
        title={"text": x_title} if x_title else None,
        showgrid=False,
        fixedrange=True,
        automargin=True,
    )
    return figure


def unit_title(indicator: Indicator, lang: str) -> str:
    """An axis title naming the indicator and its unit: ``Tỷ lệ hồ sơ trực tuyến (%)``."""
    return f"{indicator.short(lang)} ({t(f'unit_name_{indicator.unit}', lang)})"


def axis_unit(indicator: Indicator, lang: str) -> str:
    """The value axis's title where the chart's own title names the indicator: its unit
    alone (``%``, ``Tỷ đồng``), so a phone's short axis never cuts a long indicator name.

    >>> from metrics.registry import get_indicator
    >>> axis_unit(get_indicator("online_dossier_share"), "vi")
    '%'
    """
    unit = t(f"unit_name_{indicator.unit}", lang)
    return unit[:1].upper() + unit[1:]


def value_text(values: Iterable[Any], indicator: Indicator, lang: str) -> list[str]:
    """Each value in the reader's format with its unit (``87,1%``, ``1.234 tỷ đồng``)."""
    return [
        fmt_value(None if pd.isna(v) else float(v), indicator.unit, lang, indicator.decimals)
        for v in values
    ]


def month_text(months: Iterable[Any], lang: str) -> list[str]:
    """``tháng 10/2026`` / ``Oct 2026`` for each month."""
    return [fmt_month(pd.Timestamp(m).date(), lang) for m in months]


def short_month(month: dt.date, lang: str) -> str:
    """A tick label: ``10/2026`` in Vietnamese, ``Oct 2026`` in English."""
    if lang == "vi":
        return f"{month.month}/{month.year}"
    return fmt_month(month, lang)


def month_ticks(months: Iterable[Any], lang: str, every: int = 3) -> dict[str, Any]:
    """Tick values and labels for a monthly date axis, every ``every`` months (Vietnamese
    month names are not Plotly's, so the labels are written here)."""
    stamps = sorted({pd.Timestamp(m) for m in months})
    if not stamps:
        return {}
    first = stamps[0]
    chosen = [m for m in stamps if (m.year * 12 + m.month - first.month) % every == 0]
    return {
        "tickvals": chosen,
        "ticktext": [short_month(m.date(), lang) for m in chosen],
    }


def add_target_line(
    figure: go.Figure, value: float | None, label: str, *, dash: str = "dash"
) -> go.Figure:
    """A horizontal target line, labelled at its right end."""
    if value is None:
        return figure
    figure.add_hline(
        y=value,
        line={"color": TARGET_LINE_COLOR, "width": 1.5, "dash": dash},
        annotation={
            "text": label,
            "xanchor": "left",
            "x": 0,
            "yanchor": "bottom",
            "font": {"size": 12, "color": TARGET_LINE_COLOR},
            "bgcolor": "rgba(255,255,255,0.8)",
        },
    )
    return figure


def add_projection_fan(
    figure: go.Figure,
    x: pd.Series,
    x_text: Sequence[str],
    band: pd.DataFrame,
    indicator: Indicator,
    lang: str,
) -> None:
    """The projection's 95 % and 80 % bands and its dotted central line over ``x``.

    ``band`` holds ``lower_95``, ``lower_80``, ``central``, ``upper_80``, ``upper_95``, one
    row per point of ``x``; ``x_text`` is each point as the hover names it.
    """
    for level in ("95", "80"):
        figure.add_trace(
            go.Scatter(
                x=list(x) + list(x)[::-1],
                y=list(band[f"upper_{level}"]) + list(band[f"lower_{level}"])[::-1],
                fill="toself",
                fillcolor=BAND_COLORS[level],
                mode="lines",
                line={"width": 0},
                name=t(f"chart_band_{level}", lang),
                hoverinfo="skip",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=band["central"],
            mode="lines",
            line={"color": SERIES_COLOR, "width": 2, "dash": "dot"},
            name=t("chart_projection", lang),
            customdata=list(
                zip(
                    x_text,
                    value_text(band["central"], indicator, lang),
                    value_text(band["lower_80"], indicator, lang),
                    value_text(band["upper_80"], indicator, lang),
                    strict=True,
                )
            ),
            hovertemplate=hover(
                [
                    f"{t('chart_projection', lang)} — %{{customdata[0]}}",
                    "%{customdata[1]} (%{customdata[2]} – %{customdata[3]})",
                ]
            ),
        )
    )


def hover(template_lines: Sequence[str]) -> str:
    """A hover template from lines (``%{customdata[0]}`` placeholders), no trace box."""
    return "<br>".join(template_lines) + "<extra></extra>"


def empty_figure(lang: str, title: str, message: str) -> go.Figure:
    """A figure that says there is nothing to draw (never a blank chart)."""
    figure = go.Figure()
    figure.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return base_layout(figure, lang, title=title, y_title="", height=200)


_PLACEHOLDER = re.compile(r"%\{(?P<field>[a-z]+)(?:\[(?P<index>\d+)\])?(?::[^}]*)?\}")
_TAGS = re.compile(r"<[^>]+>")


def _point_text(trace: Any, point: int, lang: str) -> str | None:
    """One point of ``trace`` as its hover text says it (placeholders filled, no tags)."""
    template = trace.hovertemplate
    if trace.hoverinfo == "skip" or not template:
        return None
    template = re.sub(r"<extra>.*?</extra>", "", template)

    def fill(match: re.Match[str]) -> str:
        field, index = match["field"], match["index"]
        values = getattr(trace, field, None) if field in {"customdata", "x", "y", "text"} else None
        if values is None or point >= len(values):
            return ""
        value = values[point]
        if index is not None:
            try:
                value = value[int(index)]
            except (TypeError, IndexError, KeyError):
                return ""
        if isinstance(value, float):
            return fmt_number(value, lang, 1)
        return str(value)

    text = _PLACEHOLDER.sub(fill, template).replace("<br>", "; ")
    return " ".join(_TAGS.sub("", text).split()) or None


def clean_figure(figure: go.Figure) -> go.Figure:
    """``figure`` with every text in it (axis and tick labels, trace names, hover text,
    custom data, annotations, titles) cleaned of control, format and bidirectional
    characters (:func:`i18n.escape.strip_invisible`): unit, scenario and file names come
    from outside, and a right-to-left override in one would turn a label around. The
    figure itself when it holds none (the usual case); otherwise a new one.

    >>> fig = go.Figure(go.Bar(x=["Phường\u202e A", "B"], y=[1, 2], name="x\u200by"))
    >>> cleaned = clean_figure(fig)
    >>> list(cleaned.data[0].x), cleaned.data[0].name, fig.data[0].name
    (['Phường A', 'B'], 'xy', 'x\u200by')
    >>> clean_figure(cleaned) is cleaned
    True
    """
    spec = figure.to_plotly_json()
    cleaned, changed = _clean_texts(spec)
    if not changed:
        return figure
    return go.Figure(cleaned)


def _clean_texts(value: Any) -> tuple[Any, bool]:
    """``value`` with its strings cleaned, and whether any changed."""
    if isinstance(value, str):
        text = strip_invisible(value)
        return text, text != value
    if isinstance(value, dict):
        pairs = {key: _clean_texts(item) for key, item in value.items()}
        if any(changed for _, changed in pairs.values()):
            return {key: item for key, (item, _) in pairs.items()}, True
        return value, False
    if isinstance(value, list | tuple):
        items = [_clean_texts(item) for item in value]
        if any(changed for _, changed in items):
            return type(value)(item for item, _ in items), True
        return value, False
    if isinstance(value, np.ndarray) and value.dtype.kind in "OU":
        flat = [_clean_texts(item) for item in value.ravel().tolist()]
        if any(changed for _, changed in flat):
            out = np.empty(value.shape, dtype=object)
            out.ravel()[:] = [item for item, _ in flat]
            return out, True
        return value, False
    return value, False


def _number(value: Any) -> float:
    """``value`` as a float, NaN where it is none or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def describe_figure(figure: go.Figure, lang: str) -> str:
    """The figure in words, for readers who cannot see it: its title, then each named line
    or set of bars with the point its reader would look at — a line's last point, a bar
    chart's highest and lowest — as its hover text says it.

    >>> figure = go.Figure(go.Scatter(x=["T9", "T10"], y=[50.2, 51.0], name="2026",
    ...     customdata=["tháng 9/2026: 50,2%", "tháng 10/2026: 51,0%"],
    ...     hovertemplate="%{customdata}<extra></extra>"))
    >>> figure.add_trace(go.Scatter(x=["T9"], y=[40.0], name="dải", hoverinfo="skip"))
    Figure(...)
    >>> describe_figure(figure.update_layout(title="Lũy kế"), "vi")
    'Biểu đồ: Lũy kế. 2026 (2 điểm): tháng 10/2026: 51,0%.'
    >>> bars = go.Figure(go.Bar(x=["A", "B", "C"], y=[3.0, 9.5, 1.24], name="Units",
    ...     hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    >>> describe_figure(bars, "en")
    'Chart. Units (3 bars): highest B: 9.5%; lowest C: 1.2%.'
    >>> sideways = go.Figure(go.Bar(y=["Ban A", "Ban B"], x=[70.0, 91.5], orientation="h",
    ...     name="Giải ngân", hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
    >>> describe_figure(sideways, "vi")
    'Biểu đồ. Giải ngân (2 cột): cao nhất Ban B: 91,5%; thấp nhất Ban A: 70,0%.'
    >>> one = go.Figure(go.Scatter(x=["Jan"], y=[48.0], name="2027",
    ...     hovertemplate="Jan 2027: %{y:.1f}%<extra></extra>"))
    >>> describe_figure(one, "en"), describe_figure(one, "vi")
    ('Chart. 2027 (1 point): Jan 2027: 48.0%.', 'Biểu đồ. 2027 (1 điểm): Jan 2027: 48,0%.')
    """
    title = figure.layout.title.text if figure.layout.title else None
    parts = [t("chart_alt_title", lang, title=title) if title else t("chart_alt", lang)]
    for trace in figure.data:
        if trace.visible in (False, "legendonly") or trace.y is None or len(trace.y) == 0:
            continue
        name = trace.name or ""
        count = len(trace.y)
        if trace.type == "bar":
            # A horizontal bar chart holds its values on x and its names on y.
            values = [_number(v) for v in (trace.x if trace.orientation == "h" else trace.y)]
            order = sorted((i for i, v in enumerate(values) if v == v), key=lambda i: values[i])
            if not order:
                continue
            high, low = _point_text(trace, order[-1], lang), _point_text(trace, order[0], lang)
            if high is None or low is None:
                continue
            said = t(
                "chart_alt_bars",
                lang,
                name=name,
                bars=t_count("count_bars", lang, count),
                high=high,
                low=low,
            )
        else:
            last = _point_text(trace, count - 1, lang)
            if last is None:
                continue
            said = t(
                "chart_alt_line",
                lang,
                name=name,
                points=t_count("count_points", lang, count),
                last=last,
            )
        parts.append(said.strip())
    return " ".join(part if part.endswith(".") else part + "." for part in parts)
