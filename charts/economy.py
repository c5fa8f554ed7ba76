"""Digital-economy figures: one basis's annual shares (each basis its own figure, never one
line), GRDP by sector group, and the path to the targets."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.common import axis_unit, base_layout, empty_figure, hover, value_text
from i18n import fmt_number, fmt_percent, t
from metrics.digital import MERGED_FROM_YEAR
from metrics.palette import (
    PUBLISHED_COLOR,
    SECTOR_GROUP_COLORS,
    SERIES_COLOR,
    TARGET_LINE_COLOR,
)
from metrics.registry import Indicator


def _merger_line(
    figure: go.Figure, lang: str, years: pd.Series, *, note_at_bottom: bool = False
) -> None:
    """A dotted line between 2024 and 2025: the territory changed there. Its note is at the
    plot's top, or at its bottom where the top holds the latest years' markers and targets
    (a share's plot starts at 0 %, far below the shares; GRDP's bars start there)."""
    if years.min() < MERGED_FROM_YEAR <= years.max():
        figure.add_vline(
            x=MERGED_FROM_YEAR - 0.5,
            line={"color": "#8C8C8C", "width": 1, "dash": "dot"},
            annotation={
                "text": t("economy_merger", lang),
                "yanchor": "bottom" if note_at_bottom else "top",
                "y": 0 if note_at_bottom else 1,
                "yref": "paper",
                "xanchor": "left",
                "font": {"size": 11, "color": "#555555"},
            },
        )


def _target_label_positions(target_years: pd.Series, point_years: pd.Series) -> list[str]:
    """Where each target's label goes: beside its square on a side whose next year holds no
    point of the chart (the years ahead hold only targets), so it runs into empty space
    rather than into this year's or last year's markers and their labels, whatever the
    chart's width; the right side first, the left side for the chart's last year (the plot
    ends there); below and to the right where both sides hold points (a past year's target:
    its own year's markers and their labels sit on and above the square, the line comes in
    from the left).

    >>> _target_label_positions(pd.Series([2022, 2025, 2026, 2030]), pd.Series(range(2020, 2027)))
    ['bottom right', 'bottom right', 'middle right', 'middle left']
    """
    taken = {int(year) for year in point_years}
    last = max([*taken, *(int(year) for year in target_years)])
    positions = []
    for year in (int(each) for each in target_years):
        if year + 1 not in taken and year < last:
            positions.append("middle right")
        elif year - 1 not in taken:
            positions.append("middle left")
        else:
            positions.append("bottom right")
    return positions


PUBLISHED_LABEL_GAP = 2.0
"""Points (percentage points) within which the labels of two published figures a year
apart run into each other at a phone's width (about 24 px a year at 390 px)."""


def _published_label_positions(years: pd.Series, values: pd.Series) -> list[str]:
    """Where each published figure's label goes: above its marker, unless the figure of
    the year before is within ``PUBLISHED_LABEL_GAP`` points and its label is above: then
    below and to the right, so the two never share a line ("21,5%" and "22,0%" ran into
    each other at 390 px).

    >>> _published_label_positions(pd.Series([2022, 2023, 2024, 2025]),
    ...                            pd.Series([18.86, 21.5, 22.0, 25.0]))
    ['top center', 'top center', 'bottom right', 'top center']
    >>> _published_label_positions(pd.Series([2020, 2021, 2022, 2023]),
    ...                            pd.Series([12.62, 13.84, 13.51, 14.65]))
    ['top center', 'bottom right', 'top center', 'bottom right']
    """
    order = sorted(range(len(years)), key=lambda i: int(years.iloc[i]))
    positions = ["top center"] * len(years)
    previous: int | None = None
    for i in order:
        if (
            previous is not None
            and int(years.iloc[i]) - int(years.iloc[previous]) == 1
            and abs(float(values.iloc[i]) - float(values.iloc[previous])) < PUBLISHED_LABEL_GAP
            and positions[previous] == "top center"
        ):
            positions[i] = "bottom right"
        previous = i
    return positions


def make_basis_figure(
    annual: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    *,
    title: str,
    published: pd.DataFrame,
    targets: pd.DataFrame | None = None,
) -> go.Figure:
    """One basis's annual share: complete years joined, a year still running as an open
    marker (its quarters so far), published figures of this basis as diamonds, targets as
    squares.

    ``annual``: ``year``, ``value``, ``is_complete``, ``quarters``; ``published`` and
    ``targets``: ``year``, ``value``, ``text``, ``label``.
    """
    if annual.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    figure = go.Figure()
    complete = annual[annual["is_complete"].astype(bool)]
    running = annual[~annual["is_complete"].astype(bool)]
    figure.add_trace(
        go.Scatter(
            x=complete["year"],
            y=complete["value"],
            mode="lines+markers",
            line={"color": SERIES_COLOR, "width": 3},
            marker={"size": 8},
            name=t("economy_year_value", lang),
            customdata=list(
                zip(
                    complete["year"].astype(str),
                    value_text(complete["value"], indicator, lang),
                    strict=True,
                )
            ),
            hovertemplate=hover(["%{customdata[0]}: %{customdata[1]}"]),
        )
    )
    if not running.empty:
        figure.add_trace(
            go.Scatter(
                x=running["year"],
                y=running["value"],
                mode="markers",
                marker={
                    "size": 11,
                    "symbol": "circle-open",
                    "line": {"width": 2.5, "color": SERIES_COLOR},
                },
                name=t("economy_year_to_date", lang),
                customdata=list(
                    zip(
                        running["year"].astype(str),
                        value_text(running["value"], indicator, lang),
                        running["quarters"].astype(str),
                        strict=True,
                    )
                ),
                hovertemplate=hover(
                    ["%{customdata[0]}: %{customdata[1]}", t("economy_quarters_hover", lang)]
                ),
            )
        )
    if not published.empty:
        figure.add_trace(
            go.Scatter(
                x=published["year"],
                y=published["value"],
                mode="markers+text",
                marker={"symbol": "diamond", "size": 11, "color": PUBLISHED_COLOR},
                text=published["text"],
                textposition=_published_label_positions(published["year"], published["value"]),
                textfont={"size": 11},
                name=t("published_figure", lang),
                customdata=[[label] for label in published["label"]],
                hovertemplate=hover(["%{text}", "%{customdata[0]}"]),
            )
        )
    if targets is not None and not targets.empty:
        figure.add_trace(
            go.Scatter(
                x=targets["year"],
                y=targets["value"],
                mode="markers+text",
                marker={
                    "symbol": "square-open",
                    "size": 11,
                    "line": {"width": 2, "color": TARGET_LINE_COLOR},
                },
                text=targets["text"],
                textposition=_target_label_positions(
                    targets["year"], pd.concat([annual["year"], published["year"]])
                ),
                textfont={"size": 11, "color": TARGET_LINE_COLOR},
                name=t("economy_targets", lang),
                customdata=[[label] for label in targets["label"]],
                hovertemplate=hover(["%{text}", "%{customdata[0]}"]),
            )
        )
    _merger_line(figure, lang, annual["year"], note_at_bottom=True)
    figure.update_xaxes(dtick=1, tickformat="d")
    figure.update_yaxes(rangemode="tozero", ticksuffix="%")
    return base_layout(
        figure,
        lang,
        title=title,
        y_title=axis_unit(indicator, lang),
        x_title=t("economy_year_axis", lang),
        height=380,
    )


def make_grdp_figure(
    sectors: pd.DataFrame,
    lang: str,
    *,
    title: str,
    groups: dict[str, str],
    published: pd.DataFrame,
    year_labels: dict[int, str] | None = None,
) -> go.Figure:
    """GRDP at current prices each year, stacked by sector group (trillion VND), with the
    published annual GRDP as diamonds.

    ``sectors``: ``year``, ``group``, ``amount`` (billion VND), ``is_complete``;
    ``published``: ``year``, ``value`` (billion VND), ``label``; ``year_labels``: a
    year's tick when it needs saying more (a year still running: its quarters so far).
    """
    if sectors.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    figure = go.Figure()
    totals = sectors.groupby("year")["amount"].sum()
    for group, label in groups.items():
        rows = sectors[sectors["group"] == group].sort_values("year")
        if rows.empty:
            continue
        shares = 100 * rows["amount"].to_numpy() / totals.loc[rows["year"]].to_numpy()
        figure.add_trace(
            go.Bar(
                x=rows["year"],
                y=rows["amount"] / 1000,
                name=label,
                marker={"color": SECTOR_GROUP_COLORS[group]},
                customdata=list(
                    zip(
                        rows["year"].astype(str),
                        [fmt_number(v, lang, 0) for v in rows["amount"]],
                        [fmt_percent(v, lang) for v in shares],
                        strict=True,
                    )
                ),
                hovertemplate=hover(
                    [f"{label} — %{{customdata[0]}}", t("economy_sector_hover", lang)]
                ),
            )
        )
    if not published.empty:
        figure.add_trace(
            go.Scatter(
                x=published["year"],
                y=published["value"] / 1000,
                mode="markers",
                marker={"symbol": "diamond", "size": 10, "color": PUBLISHED_COLOR},
                name=t("published_figure", lang),
                customdata=list(
                    zip(
                        [fmt_number(v, lang, 0) for v in published["value"]],
                        published["label"],
                        strict=True,
                    )
                ),
                hovertemplate=hover(
                    ["%{customdata[0]} " + t("unit_name_billion_vnd", lang), "%{customdata[1]}"]
                ),
            )
        )
    _merger_line(figure, lang, sectors["year"])
    figure.update_layout(barmode="stack")
    years = sorted(set(sectors["year"].astype(int)))
    labels = year_labels or {}
    figure.update_xaxes(tickvals=years, ticktext=[labels.get(y, str(y)) for y in years])
    figure.update_yaxes(tickformat=",.0f")
    return base_layout(
        figure,
        lang,
        title=title,
        y_title=t("economy_grdp_axis", lang),
        x_title=t("economy_year_axis", lang),
        height=420,
    )


def make_path_figure(
    annual: pd.DataFrame,
    indicator: Indicator,
    lang: str,
    *,
    title: str,
    path: pd.DataFrame,
    base_year: int,
    base_value: float,
) -> go.Figure:
    """The share so far (complete years) and a straight path from the latest complete year
    to each later target (``path``: ``year``, ``target``)."""
    if annual.empty:
        return empty_figure(lang, title, t("chart_no_data", lang))
    complete = annual[annual["is_complete"].astype(bool)]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=complete["year"],
            y=complete["value"],
            mode="lines+markers",
            line={"color": SERIES_COLOR, "width": 3},
            name=t("economy_year_value", lang),
            customdata=list(
                zip(
                    complete["year"].astype(str),
                    value_text(complete["value"], indicator, lang),
                    strict=True,
                )
            ),
            hovertemplate=hover(["%{customdata[0]}: %{customdata[1]}"]),
        )
    )
    for row in path.to_dict("records"):
        figure.add_trace(
            go.Scatter(
                x=[base_year, int(row["year"])],
                y=[base_value, float(row["target"])],
                mode="lines+markers+text",
                line={"color": TARGET_LINE_COLOR, "width": 1.5, "dash": "dash"},
                marker={"symbol": ["circle", "square-open"], "size": [1, 12]},
                text=["", f"{int(row['year'])}: ≥ {fmt_percent(float(row['target']), lang, 0)}"],
                textposition="top left",
                name=t("economy_path_to", lang, year=int(row["year"])),
                hoverinfo="skip",
            )
        )
    figure.update_xaxes(dtick=1, tickformat="d")
    # Room above the highest target for its label, which the plot's edge cut at 390 px.
    targets = path["target"].tolist() if "target" in path else []
    highest = max([base_value, *complete["value"].tolist(), *targets])
    figure.update_yaxes(range=[0, highest * 1.18], ticksuffix="%")
    return base_layout(
        figure,
        lang,
        title=title,
        y_title=axis_unit(indicator, lang),
        x_title=t("economy_year_axis", lang),
        height=380,
    )
