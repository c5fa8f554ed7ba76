"""Disbursement figures: the year's cumulative S-curve against the milestones, earlier
years, published figures and the national average; and the investors' capital."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from charts.common import (
    add_projection_fan,
    axis_unit,
    base_layout,
    empty_figure,
    hover,
    value_text,
)
from i18n import fmt_date, fmt_number, fmt_percent, t
from metrics.disbursement import aligned_day
from metrics.palette import (
    EARLIER_YEARS_COLOR,
    NATIONAL_COLOR,
    PREVIOUS_YEAR_COLOR,
    PUBLISHED_COLOR,
    SERIES_COLOR,
    TARGET_LINE_COLOR,
)
from metrics.registry import Indicator


def plan_month_ticks(year: int, lang: str) -> dict[str, object]:
    """Ticks at each month end of plan year ``year``: ``T1`` … ``T12``, ``T1 (gia hạn)``."""
    days = [aligned_day(year, i) for i in range(1, 14)]
    if lang == "vi":
        text = [f"T{d.month}" for d in days[:12]] + [t("scurve_extension_tick", lang)]
    else:
        text = [d.strftime("%b") for d in days[:12]] + [t("scurve_extension_tick", lang)]
    return {"tickvals": days, "ticktext": text}


def milestone_label_positions(count: int) -> list[str]:
    """Where each milestone's label sits: above its marker, centred, and the last one (the
    year-end target, near the plot's right edge) above and to its left.

    >>> milestone_label_positions(3)
    ['top center', 'top center', 'top left']
    >>> milestone_label_positions(0)
    []
    """
    return ["top center"] * (count - 1) + ["top left"] if count else []


def make_scurve_figure(
    curves: pd.DataFrame,
    indicator: Indicator,
    year: int,
    lang: str,
    *,
    title: str,
    milestones: pd.DataFrame,
    path: pd.DataFrame,
    fan: pd.DataFrame | None = None,
    published: pd.DataFrame | None = None,
    national: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
) -> go.Figure:
    """The plan year's cumulative disbursement, month end by month end, to 31 January.

    Parameters
    ----------
    curves
        :func:`metrics.disbursement.s_curves` against ``year``: this year bold, every
        earlier year thin (last year darker), each labelled with its year.
    milestones
        ``day``, ``value``, ``label``: the quarterly milestones and the year-end target
        (markers), and ``path`` (``day``, ``value``): the milestone path between them.
    fan
        The projection's bands by month (``period_month`` and ``lower_95`` …
        ``upper_95``, ``central``), drawn at month ends.
    published, national
        ``day``, ``value``, ``text``, ``label``: the city's published figures (black
        diamonds) and national averages (open circles) of this year.
    changes
        ``day``, ``text``: changes to the plan during the year (a dotted line each).
    """
    if curves.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    figure = go.Figure()
    for plan_year in sorted(set(curves["plan_year"].astype(int))):
        curve = curves[curves["plan_year"] == plan_year]
        if plan_year == year:
            continue
        last = plan_year == year - 1
        figure.add_trace(
            go.Scatter(
                x=curve["day"],
                y=curve["value"],
                mode="lines",
                name=str(plan_year),
                line={
                    "color": PREVIOUS_YEAR_COLOR if last else EARLIER_YEARS_COLOR,
                    "width": 1.8 if last else 1.2,
                },
                legendgroup="earlier" if not last else str(plan_year),
                legendgrouptitle={"text": t("scurve_earlier_years", lang)} if not last else None,
                customdata=list(
                    zip(
                        [fmt_date(d, lang) for d in curve["actual_day"]],
                        value_text(curve["value"], indicator, lang),
                        strict=True,
                    )
                ),
                hovertemplate=hover(["%{customdata[0]}: %{customdata[1]}"]),
            )
        )
    figure.add_trace(
        go.Scatter(
            x=path["day"],
            y=path["value"],
            mode="lines",
            line={"color": TARGET_LINE_COLOR, "width": 1.5, "dash": "dash"},
            name=t("scurve_path", lang),
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=milestones["day"],
            y=milestones["value"],
            mode="markers+text",
            marker={"symbol": "square", "size": 10, "color": TARGET_LINE_COLOR},
            text=milestones["label"],
            # Above each marker, centred; the last (the year-end target, near the right
            # edge) to its left. Not clipped at the plot's edge: on a phone the first and
            # the last label were cut off ("Quý I ≥ 7,5%", "Cả năm ≥ 95%").
            textposition=milestone_label_positions(len(milestones)),
            cliponaxis=False,
            textfont={"size": 11, "color": TARGET_LINE_COLOR},
            name=t("scurve_milestones", lang),
            customdata=[[fmt_date(d, lang)] for d in milestones["day"]],
            hovertemplate=hover(["%{text}", "%{customdata[0]}"]),
        )
    )
    if fan is not None and not fan.empty:
        this_year = curves[curves["plan_year"] == year]
        start = this_year.iloc[-1] if not this_year.empty else None
        days = [
            dt.date(pd.Timestamp(m).year, pd.Timestamp(m).month, 1) for m in fan["period_month"]
        ]
        fan_days = [aligned_day(year, (d.year - year) * 12 + d.month) for d in days]
        band = pd.DataFrame({"day": fan_days}).join(
            fan[["lower_95", "lower_80", "central", "upper_80", "upper_95"]].reset_index(drop=True)
        )
        if start is not None:
            first = pd.DataFrame(
                {"day": [start["day"]]}
                | {
                    c: [start["value"]]
                    for c in ("lower_95", "lower_80", "central", "upper_80", "upper_95")
                }
            )
            band = pd.concat([first, band], ignore_index=True)
        add_projection_fan(
            figure,
            band["day"],
            [fmt_date(d, lang) for d in band["day"]],
            band,
            indicator,
            lang,
        )
    this_year = curves[curves["plan_year"] == year]
    figure.add_trace(
        go.Scatter(
            x=this_year["day"],
            y=this_year["value"],
            mode="lines+markers",
            line={"color": SERIES_COLOR, "width": 3.5},
            marker={"size": 7},
            name=str(year),
            customdata=list(
                zip(
                    [fmt_date(d, lang) for d in this_year["actual_day"]],
                    value_text(this_year["value"], indicator, lang),
                    [fmt_number(v, lang, 0) for v in this_year["numerator"]],
                    [fmt_number(v, lang, 0) for v in this_year["denominator"]],
                    strict=True,
                )
            ),
            hovertemplate=hover(
                [
                    "%{customdata[0]}: %{customdata[1]}",
                    t("scurve_hover_amounts", lang),
                ]
            ),
        )
    )
    for frame, symbol, colour, key in (
        (published, "diamond", PUBLISHED_COLOR, "published_figure"),
        (national, "circle-open", NATIONAL_COLOR, "scurve_national"),
    ):
        if frame is None or frame.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=frame["day"],
                y=frame["value"],
                mode="markers+text",
                marker={
                    "symbol": symbol,
                    "size": 12,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
                text=frame["text"],
                textposition="middle right",
                textfont={"size": 11},
                name=t(key, lang),
                customdata=list(
                    zip([fmt_date(d, lang) for d in frame["day"]], frame["label"], strict=True)
                ),
                hovertemplate=hover(["%{text} — %{customdata[0]}", "%{customdata[1]}"]),
            )
        )
    for change in changes.to_dict("records") if changes is not None else []:
        figure.add_vline(
            x=pd.Timestamp(change["day"]),
            line={"color": "#8C8C8C", "width": 1, "dash": "dot"},
            annotation={
                "text": change["text"],
                "yanchor": "top",
                "y": 0.98,
                "yref": "paper",
                "xanchor": "left",
                "font": {"size": 11, "color": "#555555"},
                "bgcolor": "rgba(255,255,255,0.85)",
            },
        )
    figure.update_xaxes(
        **plan_month_ticks(year, lang),
        range=[dt.date(year, 1, 1), dt.date(year + 1, 2, 10)],
    )
    # Room above the highest point for the year-end target's label.
    top = max([100.0, *milestones["value"].dropna().tolist(), *curves["value"].dropna().tolist()])
    figure.update_yaxes(range=[0, top * 1.12])
    return base_layout(
        figure,
        lang,
        title=title,
        y_title=axis_unit(indicator, lang),
        x_title=t("scurve_axis", lang),
        height=500,
    )


def make_investors_figure(table: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """The investors holding the most undisbursed capital: disbursed and remaining, stacked
    (billion VND), largest remaining at the top.

    ``table``: ``name``, ``numerator`` (disbursed), ``remaining_billion_vnd``, ``value`` (%).
    """
    if table.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    full = table["name"].astype(str).tolist()
    # A board's full name runs to 80 characters: the axis shows the start, the hover all.
    names = [n if len(n) <= 46 else n[:45].rstrip() + "…" for n in full]
    if len(set(names)) < len(names):
        names = full
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=names,
            x=table["numerator"],
            orientation="h",
            name=t("col_disbursed_bvnd", lang),
            marker={"color": SERIES_COLOR},
            customdata=[
                [fmt_number(v, lang, 0), fmt_percent(p, lang)]
                for v, p in zip(table["numerator"], table["value"], strict=True)
            ],
            hovertemplate=hover(
                ["%{y}", t("col_disbursed_bvnd", lang) + ": %{customdata[0]} (%{customdata[1]})"]
            ),
        )
    )
    figure.add_trace(
        go.Bar(
            y=names,
            x=table["remaining_billion_vnd"],
            orientation="h",
            name=t("col_remaining_bvnd", lang),
            marker={"color": "#E69F00"},
            text=[fmt_number(v, lang, 0) for v in table["remaining_billion_vnd"]],
            textposition="outside",
            customdata=[
                [fmt_number(v, lang, 0), n]
                for v, n in zip(table["remaining_billion_vnd"], full, strict=True)
            ],
            hovertemplate=hover(
                ["%{customdata[1]}", t("col_remaining_bvnd", lang) + ": %{customdata[0]}"]
            ),
        )
    )
    figure.update_layout(barmode="stack")
    figure.update_yaxes(autorange="reversed", automargin=True)
    # Room right of the longest bar for its label ("11.287" was cut to "11" at 820 px).
    longest = float((table["numerator"] + table["remaining_billion_vnd"]).max())
    figure.update_xaxes(tickformat=",.0f", range=[0, longest * 1.15])  # 5.000, not "5k"
    return base_layout(
        figure,
        lang,
        title=title,
        y_title="",
        x_title=t("investors_axis", lang),
        height=140 + 34 * len(names),
    )
