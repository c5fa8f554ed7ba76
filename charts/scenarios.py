"""The scenario workspace's figures: the fan chart of the baseline and scenarios against
the target, and the tornado chart of which levers move the outcome most."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from charts.common import add_target_line, base_layout, hover, month_ticks, short_month
from i18n import fmt_value, t

SCENARIO_COLORS: tuple[str, ...] = ("#1F4E79", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
"""The baseline first (the series colour), then one Okabe–Ito hue per scenario."""
_BAND_OPACITY = {"95": 0.10, "80": 0.18, "50": 0.30}


def _rgba(hex_color: str, opacity: float) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {opacity})"


def make_fan_figure(
    series: Sequence[tuple[str, pd.DataFrame]],
    lang: str,
    *,
    title: str,
    y_title: str,
    target: float | None,
    target_label: str,
    unit: str = "percent",
    anchor: tuple[pd.Timestamp, float] | None = None,
) -> go.Figure:
    """Bands (95 / 80 / 50 %) and median of each run, by period, with the target line.

    Parameters
    ----------
    series
        (label, bands) per run, the baseline first; bands as
        :meth:`scenarios.engine.IndicatorResult.bands`.
    anchor
        The last observed month and value: every fan opens from it.

    Examples
    --------
    >>> bands = pd.DataFrame({"period_month": pd.to_datetime(["2026-11-01", "2026-12-01"]),
    ...     "is_extension": [False, False], "lower_95": [40.0, 39.0], "lower_80": [42.0, 41.0],
    ...     "lower_50": [44.0, 44.0], "central": [45.0, 46.0], "upper_50": [46.0, 48.0],
    ...     "upper_80": [48.0, 51.0], "upper_95": [50.0, 53.0]})
    >>> figure = make_fan_figure([("Cơ sở", bands)], "vi", title="T", y_title="%",
    ...     target=50.0, target_label="Chỉ tiêu 50%")
    >>> sorted((trace.legendrank, trace.name) for trace in figure.data if trace.showlegend)
    [(1, 'Cơ sở — trung vị'), (2, 'Cơ sở — khoảng 95%')]
    """
    figure = go.Figure()
    months: list[pd.Timestamp] = []
    for index, (label, bands) in enumerate(series):
        color = SCENARIO_COLORS[index % len(SCENARIO_COLORS)]
        frame = bands.copy()
        if anchor is not None:
            start: dict[str, object] = {c: anchor[1] for c in frame.columns}
            start |= {"period_month": anchor[0], "is_extension": False}
            frame = pd.concat([pd.DataFrame([start]), frame], ignore_index=True)
        x = list(frame["period_month"])
        months.extend(x)
        for level in ("95", "80", "50"):
            upper, lower = frame[f"upper_{level}"], frame[f"lower_{level}"]
            figure.add_trace(
                go.Scatter(
                    x=x + x[::-1],
                    y=list(upper) + list(lower)[::-1],
                    mode="lines",
                    fill="toself",
                    fillcolor=_rgba(color, _BAND_OPACITY[level]),
                    line={"width": 0},
                    hoverinfo="skip",
                    name=f"{label} — {t('scenario_band', lang, level=level)}",
                    legendgroup=label,
                    legendrank=2 * index + 2,
                    showlegend=level == "95",
                )
            )
        texts = [
            [
                short_month(pd.Timestamp(m).date(), lang),
                fmt_value(c, unit, lang, 1),
                fmt_value(lo, unit, lang, 1),
                fmt_value(hi, unit, lang, 1),
            ]
            for m, c, lo, hi in zip(
                x, frame["central"], frame["lower_80"], frame["upper_80"], strict=True
            )
        ]
        figure.add_trace(
            go.Scatter(
                x=x,
                y=frame["central"],
                mode="lines+markers",
                line={"color": color, "width": 2.5, "dash": "solid" if index == 0 else "dot"},
                marker={"size": 7, "color": color},
                name=f"{label} — {t('scenario_median', lang)}",
                legendgroup=label,
                legendrank=2 * index + 1,
                showlegend=True,
                customdata=texts,
                hovertemplate=hover(
                    [
                        f"<b>{label}</b>",
                        "%{customdata[0]}",
                        t("scenario_median", lang) + ": %{customdata[1]}",
                        t("scenario_band", lang, level="80")
                        + ": %{customdata[2]} – %{customdata[3]}",
                    ]
                ),
            )
        )
    low = min(float(b["lower_95"].min()) for _, b in series) if series else 0.0
    high = max(float(b["upper_95"].max()) for _, b in series) if series else 100.0
    if anchor is not None:
        low, high = min(low, anchor[1]), max(high, anchor[1])
    margin = max(2.0, high - low)
    base_layout(figure, lang, title=title, y_title=y_title, height=420)
    if target is not None and low - 2 * margin <= target <= high + 2 * margin:
        add_target_line(figure, target, target_label)
    elif target is not None:
        # A target far from every path would squeeze the fans into a line: say where it is.
        below = target < low
        figure.update_yaxes(range=[low - margin / 2, high + margin / 2])
        figure.add_annotation(
            text=("↓ " if below else "↑ ")
            + t(
                "scenario_target_off_chart",
                lang,
                value=fmt_value(target, unit, lang, 0 if float(target).is_integer() else 1),
                side=t("scenario_side_below" if below else "scenario_side_above", lang),
            ),
            xref="paper",
            yref="paper",
            x=0,
            y=0 if below else 1,
            xanchor="left",
            yanchor="bottom" if below else "top",
            showarrow=False,
            font={"size": 12, "color": "#444444"},
            bgcolor="rgba(255,255,255,0.8)",
        )
    figure.update_xaxes(**month_ticks(months, lang, every=1))
    return figure


def make_tornado_figure(
    centre: float,
    bars: pd.DataFrame,
    lang: str,
    *,
    title: str,
    x_title: str,
    unit: str = "percent",
) -> go.Figure:
    """Each lever's outcome at its lower and upper bound, as bars from the scenario's own
    outcome, the largest swing on top.

    ``bars``: ``label``, ``low_label``, ``high_label``, ``outcome_at_low``,
    ``outcome_at_high`` (one row per lever, largest swing first).

    Examples
    --------
    >>> bars = pd.DataFrame({"label": ["Kế hoạch vốn"], "low_label": ["−50%"],
    ...     "high_label": ["+50%"], "outcome_at_low": [100.0], "outcome_at_high": [60.0]})
    >>> figure = make_tornado_figure(80.0, bars, "vi", title="T", x_title="%")
    >>> [list(trace.x) for trace in figure.data]
    [[20.0], [-20.0]]
    """
    figure = go.Figure()
    order = bars.iloc[::-1]
    for side, name_key in (("low", "scenario_at_lower_bound"), ("high", "scenario_at_upper_bound")):
        outcome = order[f"outcome_at_{side}"].astype(float)
        figure.add_trace(
            go.Bar(
                y=order["label"],
                x=(outcome - centre).tolist(),
                base=centre,
                orientation="h",
                name=t(name_key, lang),
                marker={"color": "#56B4E9" if side == "low" else "#1F4E79"},
                text=[
                    f"{bound}: {fmt_value(v, unit, lang, 1)}"
                    for bound, v in zip(order[f"{side}_label"], outcome, strict=True)
                ],
                textposition="auto",
                hovertemplate="%{y}<br>%{text}<extra></extra>",
            )
        )
    figure.add_vline(x=centre, line={"color": "#444444", "width": 1.5})
    base_layout(
        figure,
        lang,
        title=title,
        y_title="",
        x_title=x_title,
        height=max(220, 90 + 60 * len(bars)),
    )
    figure.update_layout(barmode="overlay")
    return figure
