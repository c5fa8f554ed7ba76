"""A monthly rate's year against its target: the months, the year to date with its
projected band to December, the same months last year, and published figures."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.common import (
    add_projection_fan,
    add_target_line,
    axis_unit,
    base_layout,
    empty_figure,
    hover,
    month_text,
    month_ticks,
    value_text,
)
from i18n import fmt_date, t
from metrics.palette import (
    GROUP_COLORS,
    PREVIOUS_YEAR_COLOR,
    PUBLISHED_COLOR,
    SERIES_COLOR,
)
from metrics.registry import Indicator


def make_trend_figure(
    trend: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    *,
    title: str,
    target: float | None,
    target_label: str,
    fan: pd.DataFrame | None = None,
    published: pd.DataFrame | None = None,
    published_label: str = "",
) -> go.Figure:
    """The months of a year (``metrics.trends.trend_frame``) against the year's target.

    Parameters
    ----------
    trend
        ``period_month``, ``value``, ``ytd``, ``previous_value``.
    indicator
        Gives the unit and the number format.
    lang
        ``vi`` or ``en``.
    title
        The chart's title (it names the scope and the year).
    target, target_label
        The year's target (drawn as a dashed line) and its label; None for no target.
    fan
        The projection's year-to-date bands for the months left (``period_month``,
        ``lower_95``, ``lower_80``, ``central``, ``upper_80``, ``upper_95``).
    published
        Published figures of the year (``start``, ``end``, ``value``, ``label``): drawn as
        black diamonds on a line over the days they cover.
    published_label
        The legend entry of the published figures.

    Returns
    -------
    plotly.graph_objects.Figure
        The target is judged on the year's value, so the year to date (bold) and its band
        are what meet it; the months (thin) show the path.
    """
    if trend.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    figure = go.Figure()
    months = trend["period_month"]
    words = {
        "month": t("chart_month_value", lang),
        "ytd": t("chart_ytd", lang),
        "previous": t("chart_previous_year", lang),
    }
    if trend["previous_value"].notna().any():
        figure.add_trace(
            go.Scatter(
                x=months,
                y=trend["previous_value"],
                name=words["previous"],
                mode="lines",
                line={"color": PREVIOUS_YEAR_COLOR, "width": 1.5, "dash": "dot"},
                customdata=list(
                    zip(
                        month_text(months - pd.DateOffset(years=1), lang),
                        value_text(trend["previous_value"], indicator, lang),
                        strict=True,
                    )
                ),
                hovertemplate=hover(
                    [f"{words['previous']} — %{{customdata[0]}}", "%{customdata[1]}"]
                ),
            )
        )
    if fan is not None and not fan.empty:
        last = trend.iloc[-1]
        joined = pd.concat(
            [
                pd.DataFrame(
                    {
                        "period_month": [last["period_month"]],
                        **{
                            name: [last["ytd"]]
                            for name in ("lower_95", "lower_80", "central", "upper_80", "upper_95")
                        },
                    }
                ),
                fan[["period_month", "lower_95", "lower_80", "central", "upper_80", "upper_95"]],
            ],
            ignore_index=True,
        )
        add_projection_fan(
            figure,
            joined["period_month"],
            month_text(joined["period_month"], lang),
            joined,
            indicator,
            lang,
        )
    figure.add_trace(
        go.Scatter(
            x=months,
            y=trend["value"],
            name=words["month"],
            mode="lines+markers",
            line={"color": GROUP_COLORS["investor"], "width": 1.5},
            marker={"size": 6},
            customdata=list(
                zip(
                    month_text(months, lang),
                    value_text(trend["value"], indicator, lang),
                    strict=True,
                )
            ),
            hovertemplate=hover([f"{words['month']} — %{{customdata[0]}}", "%{customdata[1]}"]),
        )
    )
    figure.add_trace(
        go.Scatter(
            x=months,
            y=trend["ytd"],
            name=words["ytd"],
            mode="lines+markers",
            line={"color": SERIES_COLOR, "width": 3},
            marker={"size": 7},
            customdata=list(
                zip(
                    month_text(months, lang), value_text(trend["ytd"], indicator, lang), strict=True
                )
            ),
            hovertemplate=hover([f"{words['ytd']} — %{{customdata[0]}}", "%{customdata[1]}"]),
        )
    )
    if published is not None and not published.empty:
        _add_published(figure, published, indicator, lang, published_label)
    add_target_line(figure, target, target_label)
    all_months = pd.concat(
        [months] + ([fan["period_month"]] if fan is not None and not fan.empty else [])
    )
    figure.update_xaxes(
        **month_ticks(all_months, lang, every=1 if len(all_months) <= 12 else 2),
        range=[all_months.min() - pd.Timedelta(days=16), all_months.max() + pd.Timedelta(days=16)],
    )
    base_layout(
        figure,
        lang,
        title=title,
        y_title=axis_unit(indicator, lang),
        x_title=t("chart_month_axis", lang),
    )
    return figure


def _add_published(
    figure: go.Figure, published: pd.DataFrame, indicator: Indicator, lang: str, label: str
) -> None:
    """Published figures: a diamond at the middle of the days covered, a thin line across
    them, and the value written beside it."""
    first = True
    for row in published.to_dict("records"):
        start, end = pd.Timestamp(row["start"]), pd.Timestamp(row["end"])
        middle = start + (end - start) / 2
        value = float(row["value"])
        text = str(row.get("text") or value_text([value], indicator, lang)[0])
        period = (
            fmt_date(end.date(), lang)
            if start == end
            else f"{fmt_date(start.date(), lang)} – {fmt_date(end.date(), lang)}"
        )
        note = str(row.get("label") or "")
        figure.add_trace(
            go.Scatter(
                x=[start, end],
                y=[value, value],
                mode="lines",
                line={"color": PUBLISHED_COLOR, "width": 1},
                showlegend=False,
                hoverinfo="skip",
            )
        )
        figure.add_trace(
            go.Scatter(
                x=[middle],
                y=[value],
                mode="markers+text",
                marker={"symbol": "diamond", "size": 11, "color": PUBLISHED_COLOR},
                text=[text],
                textposition="top center",
                name=label,
                showlegend=first,
                legendgroup="published",
                customdata=[[text, period, note]],
                hovertemplate=hover(
                    [f"{label}: %{{customdata[0]}}", "%{customdata[1]}", "%{customdata[2]}"]
                ),
            )
        )
        first = False
