"""An indicator page's figure as inline SVG (charts/figure_svg.py): texts escaped, ticks
where the axis puts them, bars and bands where their values put them, colours and dashes
of the figure, and figures it cannot draw faithfully refused whole.

The expected positions are worked out by hand from the layout rules in the module: the
plot starts ``TOP`` = 10 px down; a figure of height 222 without a legend or an x title
keeps 222 − 16 (top margin) − 22 (x ticks) = 184 px of plot, so its bottom edge is at
194 px; the inner SVG is 1000 units wide.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from charts.disbursement import plan_month_ticks
from charts.figure_svg import BoxStats, box_stats, figure_svg, unsupported


def _parsed(html: str) -> ET.Element:
    # The block is XML too: a parse fails on any unescaped "<" or "&" from the data.
    return ET.fromstring(html)


def _small(figure: go.Figure) -> go.Figure:
    return figure.update_layout(height=222, showlegend=False)


MONTHS = [pd.Timestamp(2026, m, 1) for m in (1, 2, 3)]


def _months_axis(figure: go.Figure, texts: list[str]) -> go.Figure:
    return figure.update_xaxes(range=[MONTHS[0], MONTHS[-1]], tickvals=MONTHS, ticktext=texts)


def test_every_text_from_the_figure_is_escaped_and_on_one_line() -> None:
    bad = '<img src=x onerror="alert(1)">'
    figure = go.Figure(
        go.Scatter(
            x=MONTHS,
            y=[1.0, 2.0, 3.0],
            name="</svg><script>alert(1)</script>",
            mode="lines+markers+text",
            text=["a & b", "<b>bold</b>", "x\u202eevil"],
            textposition="top center",
            customdata=["5 < 6 & 7", "line\n\nbreak", bad],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    figure.add_trace(go.Scatter(x=MONTHS, y=[2.0, 2.0, 2.0], name="second"))
    figure.add_annotation(
        text="<i>note</i> & <u>more</u>", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False
    )
    _months_axis(figure, ["<i>T1</i>", "T2", "T3"])
    figure.update_yaxes(title={"text": "<script>y</script>"})
    figure.update_xaxes(title={"text": "Tháng & năm"})
    html = figure_svg(figure, "en")
    assert "\n" not in html  # one raw HTML block for Markdown
    for raw in ("<img", "<script", "<b>", "<i>", "<u>", "\u202e"):
        assert raw not in html
    root = _parsed(html)
    titles = [element.text for element in root.iter("title")]
    # As plotly shows hover text: its tags taken out (the image is no text), spaces joined.
    assert titles == ["5 < 6 & 7", "line break"]
    texts = "".join(root.itertext())
    assert "a & b" in texts and "bold" in texts and "xevil" in texts
    assert "note & more" in texts and "T1" in texts and "Tháng & năm" in texts
    # The legend's key: plotly's markup taken out as in the hover text, the words kept.
    assert "alert(1)" in texts
    assert root.get("aria-hidden") == "true"  # described once, by the text under it


def test_value_ticks_in_the_readers_format_and_at_their_height() -> None:
    figure = go.Figure(go.Scatter(x=MONTHS, y=[10.0, 50.0, 90.0], mode="lines"))
    _months_axis(_small(figure), ["T1", "T2", "T3"])
    figure.update_yaxes(range=[0, 100], ticksuffix="%")
    root = _parsed(figure_svg(figure, "vi"))
    (axis,) = [svg for svg in root.iter("svg") if svg.get("class") == "fig-svg-y"]
    ticks = {text.text: float(text.get("y")) for text in axis.iter("text")}
    # About seven ticks over 0–100: 100 ÷ 6 = 16.7, rounded up to 20 a step (six ticks); 0
    # at the bottom (194 px), 100 at the top
    # (10 px), 20 every 36.8 px; each label 12 × 0.35 = 4.2 px below its line.
    assert list(ticks) == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert ticks["0%"] == pytest.approx(194 + 4.2)
    assert ticks["60%"] == pytest.approx(194 - 0.6 * 184 + 4.2)
    assert ticks["100%"] == pytest.approx(10 + 4.2)
    # Month ticks: the given texts at their share of the range (Feb 1 is 31 of 59 days).
    x_ticks = {t.text: t.get("x") for t in root.iter("text") if t.text in {"T1", "T2", "T3"}}
    assert x_ticks == {"T1": "0%", "T2": f"{31 / 59 * 100:.2f}%", "T3": "100%"}


def test_thousands_in_the_readers_format() -> None:
    figure = go.Figure(go.Scatter(x=[2020, 2021], y=[0.0, 12000.0], mode="lines"))
    _small(figure).update_yaxes(range=[0, 12000], tickformat=",.0f")
    figure.update_xaxes(dtick=1, tickformat="d")
    vi = [t.text for t in _parsed(figure_svg(figure, "vi")).iter("text")]
    en = [t.text for t in _parsed(figure_svg(figure, "en")).iter("text")]
    # About seven ticks: 12,000 ÷ 6 = 2,000 a step, a round one already.
    assert vi[:7] == ["0", "2.000", "4.000", "6.000", "8.000", "10.000", "12.000"]
    assert en[:7] == ["0", "2,000", "4,000", "6,000", "8,000", "10,000", "12,000"]
    assert "2020" in vi and "2021" in vi


def test_stacked_horizontal_bars_golden() -> None:
    """Two stacked series over two rows, first row at the top (reversed axis), x 0–5: the
    rows are 40 px each from 10 px down, the name at +13 px, the bar from +18 px, 18 px
    high; each segment at its share of 1000 units; the text outside the stack's end."""
    figure = go.Figure()
    figure.add_trace(
        go.Bar(y=["P", "Q"], x=[2.0, 3.0], orientation="h", name="A", marker={"color": "#1f4e79"})
    )
    figure.add_trace(
        go.Bar(
            y=["P", "Q"],
            x=[1.0, 1.0],
            orientation="h",
            name="B",
            marker={"color": "#E69F00"},
            text=["3", "4"],
            textposition="outside",
        )
    )
    figure.update_layout(barmode="stack", showlegend=False)
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(range=[0, 5])
    html = figure_svg(figure, "en")
    assert '<rect x="0" y="28" width="400" height="18" fill="#1f4e79">' in html  # P, A
    assert '<rect x="400" y="28" width="200" height="18" fill="#E69F00">' in html  # P, B
    assert '<rect x="0" y="68" width="600" height="18" fill="#1f4e79">' in html  # Q, A
    assert '<rect x="600" y="68" width="200" height="18" fill="#E69F00">' in html  # Q, B
    assert '<text x="60%" y="41" dx="4"' in html and '<text x="80%" y="81" dx="4"' in html
    assert '<tspan x="0" dy="0">P</tspan>' in html
    assert re.search(r'<text y="23"[^>]*><tspan x="0" dy="0">P</tspan>', html)
    assert re.search(r'<text y="63"[^>]*><tspan x="0" dy="0">Q</tspan>', html)


def test_not_reversed_rows_run_upwards_as_plotly_draws_them() -> None:
    figure = go.Figure(go.Bar(y=["P", "Q"], x=[1.0, 2.0], orientation="h"))
    figure.update_xaxes(range=[0, 2])
    html = figure_svg(figure, "en")
    assert re.search(r'<text y="23"[^>]*><tspan x="0" dy="0">Q</tspan>', html)
    assert re.search(r'<text y="63"[^>]*><tspan x="0" dy="0">P</tspan>', html)


def test_vertical_bars_golden() -> None:
    """Years 2020 and 2021 (one apart, so each bar 0.8 wide by the default gap of 0.2),
    values 1 and 2 on 0–4: x runs 2019.5–2021.5, y 194 px down to 10 px."""
    figure = go.Figure(go.Bar(x=[2020, 2021], y=[1.0, 2.0], marker={"color": "#009E73"}))
    _small(figure).update_yaxes(range=[0, 4])
    html = figure_svg(figure, "en")
    # 2020 ± 0.4 → 0.05–0.45 of the range; value 1 → 194 − 46 = 148 px.
    assert '<rect x="50" y="148" width="400" height="46" fill="#009E73">' in html
    # 2021 ± 0.4 → 0.55–0.95; value 2 → 194 − 92 = 102 px.
    assert '<rect x="550" y="102" width="400" height="92" fill="#009E73">' in html


def test_bands_lines_dashes_and_colours_of_the_figure() -> None:
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=MONTHS[:2] + MONTHS[:2][::-1],
            y=[1.0, 2.0, 0.0, 0.0],
            fill="toself",
            fillcolor="rgba(1, 2, 3, 0.2)",
            mode="lines",
            line={"width": 0},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=MONTHS,
            y=[0.0, 1.0, 2.0],
            mode="lines",
            line={"color": "#123456", "width": 1.5, "dash": "dot"},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=MONTHS,
            y=[1.0, 2.0, 4.0],
            mode="lines",
            line={"color": "#654321"},
            fill="tonexty",
            fillcolor="#abcdef",
        )
    )
    _months_axis(_small(figure), ["T1", "T2", "T3"]).update_yaxes(range=[0, 4])
    html = figure_svg(figure, "en")
    share = 31 / 59 * 1000  # Feb 1
    # toself: its own four points, closed; 1 → 148 px, 2 → 102 px, 0 → 194 px.
    assert (
        f'<path d="M0,148 L{share:.2f},102 L{share:.2f},194 L0,194Z" '
        'fill="rgba(1, 2, 3, 0.2)"/>' in html
    )
    # tonexty: the trace before, then this one backwards.
    assert (
        f'<path d="M0,194 L{share:.2f},148 L1000,102 L1000,10 L{share:.2f},102 L0,148Z" '
        'fill="#abcdef"/>'
    ) in html
    assert 'stroke="#123456" stroke-width="1.5" stroke-dasharray="2 3"' in html
    assert 'stroke="#654321" stroke-width="2" stroke-linejoin' in html  # solid: no dashes
    assert html.count("<path") == 4  # a band, two lines, the filled third line's band


def test_a_gap_in_a_line_stays_a_gap() -> None:
    figure = go.Figure(
        go.Scatter(x=[2020, 2021, 2022, 2023, 2024], y=[1.0, 2.0, None, 3.0, 4.0], mode="lines")
    )
    _small(figure).update_yaxes(range=[0, 4])
    (line,) = [p for p in _parsed(figure_svg(figure, "en")).iter("path")]
    assert line.get("d").count("M") == 2


def test_target_lines_and_their_notes() -> None:
    figure = go.Figure(go.Scatter(x=MONTHS, y=[1.0, 2.0, 3.0], mode="lines"))
    _months_axis(_small(figure), ["T1", "T2", "T3"]).update_yaxes(range=[0, 4])
    figure.add_hline(
        y=2.0,
        line={"color": "#d55e00", "width": 1.5, "dash": "dash"},
        annotation={"text": "Target ≥ 2", "x": 0, "xanchor": "left", "yanchor": "bottom"},
    )
    figure.add_vline(x=MONTHS[1], line={"color": "#8C8C8C", "width": 1, "dash": "dot"})
    html = figure_svg(figure, "en")
    assert (
        '<line x1="0" x2="1000" y1="102" y2="102" stroke="#d55e00" stroke-width="1.5" '
        'stroke-dasharray="6 4"' in html
    )
    share = 31 / 59 * 1000
    assert f'<line x1="{share:.2f}" x2="{share:.2f}" y1="10" y2="194" stroke="#8C8C8C"' in html
    note = next(t for t in _parsed(html).iter("text") if t.text == "Target ≥ 2")
    assert note.get("text-anchor") == "start" and note.get("y") == "102"


def test_markers_keep_their_symbol_size_and_colour() -> None:
    figure = go.Figure(
        go.Scatter(
            x=[2020, 2021, 2022],
            y=[1.0, 2.0, 3.0],
            mode="markers",
            marker={
                "symbol": ["circle", "diamond", "square-open"],
                "size": [6, 10, 12],
                "color": ["#111111", "#222222", "#333333"],
            },
        )
    )
    _small(figure).update_yaxes(range=[0, 4])
    root = _parsed(figure_svg(figure, "en"))
    (circle,) = list(root.iter("circle"))
    assert circle.get("r") == "3" and circle.get("fill") == "#111111"
    diamond = next(p for p in root.iter("path") if p.get("fill") == "#222222")
    assert diamond.get("d") == "M0,-5.5 L5.5,0 L0,5.5 L-5.5,0Z"
    square = next(r for r in root.iter("rect") if r.get("stroke") == "#333333")
    assert square.get("fill") == "none" and square.get("width") == "12"


def test_the_legend_names_each_group_once_by_its_title() -> None:
    figure = go.Figure()
    for year in (2020, 2021):
        figure.add_trace(
            go.Scatter(
                x=[1, 2],
                y=[1, 2],
                name=str(year),
                legendgroup="earlier",
                legendgrouptitle={"text": "Earlier years"},
            )
        )
    figure.add_trace(go.Scatter(x=[1, 2], y=[2, 3], name="2026"))
    figure.add_trace(go.Scatter(x=[1, 2], y=[2, 3], name="hidden", showlegend=False))
    root = _parsed(figure_svg(figure, "en"))
    (legend,) = [d for d in root.iter("div") if d.get("class") == "fig-svg-legend"]
    assert ["".join(key.itertext()) for key in legend] == ["Earlier years", "2026"]


@pytest.mark.parametrize(
    ("figure", "reason"),
    [
        (go.Figure(go.Box(x=[1, 2, 3])), "an upright box"),
        (
            go.Figure(go.Box(x=[1, 2], y=["a", "a"], orientation="h", boxpoints="all")),
            "box points",
        ),
        (
            go.Figure(
                go.Box(x=[1, 2], y=["a", "a"], orientation="h", boxpoints=False, boxmean=True)
            ),
            "a box mean, notch or sd",
        ),
        (
            make_subplots(rows=1, cols=2).add_shape(type="rect", x0=0, x1=1, y0=0, y1=1),
            "a shape on subplots",
        ),
        (make_subplots(rows=1, cols=2, shared_yaxes=True), "subplots with shared or overlaid axes"),
        (
            make_subplots(rows=1, cols=2).add_trace(go.Box(x=[1, 2]), row=1, col=2),
            "a panel with an upright box",
        ),
        (go.Figure(go.Scatter(x=[1], y=[1], marker={"symbol": "star"})), "marker star"),
        (
            go.Figure(go.Bar(y=["a"], x=[1], orientation="h", text=["1"], textposition="inside")),
            "bar text inside",
        ),
        (
            go.Figure(go.Bar(x=[1], y=[1], text=["1"], textposition="auto")),
            "bar text auto on upright bars",
        ),
        (
            go.Figure(go.Scatter(x=[1, 2], y=["a", "b"], mode="lines")),
            "lines or text on a category axis",
        ),
        (go.Figure(go.Scatter(x=[1, 2], y=[1, 2], fill="tozeroy")), "fill tozeroy"),
        (go.Figure(go.Scatter(x=MONTHS, y=[1, 2, 3])), "a date axis without tick values"),
        (go.Figure(go.Scatter(x=["a", "b"], y=[1, 2])), "categories on the x axis"),
        (
            go.Figure(go.Scatter(x=[1], y=[1])).add_annotation(text="a", x=1, y=1),
            "an annotation with an arrow",
        ),
    ],
    ids=[
        "upright-box",
        "box-points",
        "box-mean",
        "subplots-shape",
        "subplots-shared",
        "panel-box",
        "symbol",
        "bar-text",
        "bar-text-auto-upright",
        "category-line",
        "fill",
        "date-ticks",
        "x-names",
        "arrow",
    ],
)
def test_what_it_cannot_draw_faithfully_is_refused_whole(figure: go.Figure, reason: str) -> None:
    assert unsupported(figure) == reason
    with pytest.raises(ValueError, match="not drawn as SVG"):
        figure_svg(figure, "vi")


# --- Issue 12, second pass: boxes, points on rows, ticks, small panels, labels -------------


def _row_chart(*traces: go.BaseTraceType) -> go.Figure:
    """One row "A" on an x axis of 0–5: the row starts 10 px down, its name at +13 px, its
    box or bar from 28 px to 46 px (middle 37 px); a value v is at v / 5 of the width."""
    figure = go.Figure(list(traces)).update_layout(showlegend=False)
    return figure.update_xaxes(range=[0, 5])


def test_plotlys_quartiles_by_hand() -> None:
    # Plotly's "linear" quartile of n sorted values sits at position p·n − 0.5: for 1…5, the
    # first quartile at 0.75 (1.75), the median at 2 (3), the third at 3.25 (4.25).
    assert box_stats([5, 1, 4, 2, 3]) == BoxStats(1.0, 1.75, 3.0, 4.25, 5.0)
    assert box_stats([float("nan"), None]) is None


def test_a_box_row_golden() -> None:
    """Values 1–4: quartiles 1.5 and 3.5 (positions 0.5 and 2.5), median 2.5, whiskers to 1
    and 4 (no points shown: plotly's whiskers then reach the smallest and largest value),
    caps half the box's 18 px: 32.5–41.5 px."""
    figure = _row_chart(
        go.Box(
            x=[4, 1, 3, 2],
            y=["A"] * 4,
            orientation="h",
            boxpoints=False,
            fillcolor="rgba(154, 165, 177, 0.18)",
            line={"color": "#9aa5b1"},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=[2.5],
            y=["A"],
            mode="markers",
            marker={"size": 8, "color": "#0072B2"},
            customdata=[["Ward 5 < 6 & co"]],
            hovertemplate="%{customdata[0]}<extra></extra>",
        ),
        go.Scatter(
            x=[3.0],
            y=["A"],
            mode="markers",
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#1b1f24"}},
        ),
    )
    html = figure_svg(figure, "en")
    assert (
        '<rect x="300" y="28" width="400" height="18" fill="rgba(154, 165, 177, 0.18)" '
        'stroke="#9aa5b1"'
    ) in html
    assert 'd="M500,28V46M200,37H300M700,37H800M200,32.5V41.5M800,32.5V41.5"' in html
    root = _parsed(html)
    (dot,) = [c for c in root.iter("circle") if c.get("fill") == "#0072B2"]
    assert (dot.get("cx"), dot.get("cy"), dot.get("r")) == ("50%", "37", "4")
    assert dot.find("title").text == "Ward 5 < 6 & co"  # escaped in the markup, read back
    tick = next(p for p in root.iter("path") if p.get("d") == "M0,-11V11")
    assert tick.get("stroke") == "#1b1f24" and tick.get("stroke-width") == "3"
    holder = next(s for s in root.iter("svg") if tick in list(s))
    assert (holder.get("x"), holder.get("y")) == ("60%", "37")


def test_bars_with_a_base_do_not_reach_from_zero_and_auto_text_goes_inside_when_it_must() -> None:
    """A tornado: bars from 60 to 80 and to 40 on 30–90. Each text is 11 characters, about
    11 × 12 × 0.55 + 8 = 80.6 px; on a phone's 300 px plot each bar is 100 px long and has
    50 px outside it, so both texts go inside, at the bar's far end: white on the dark bar,
    dark on the light one."""
    figure = go.Figure(
        [
            go.Bar(
                y=["L"],
                x=[20.0],
                base=60.0,
                orientation="h",
                marker={"color": "#1F4E79"},
                text=["+50%: 80.0%"],
                textposition="auto",
            ),
            go.Bar(
                y=["L"],
                x=[-20.0],
                base=60.0,
                orientation="h",
                marker={"color": "#56B4E9"},
                text=["-50%: 40.0%"],
                textposition="auto",
            ),
        ]
    ).update_layout(barmode="overlay", showlegend=False)
    figure.update_xaxes(range=[30, 90])
    root = _parsed(figure_svg(figure, "en"))
    rects = [r for r in root.iter("rect") if r.get("fill") in ("#1F4E79", "#56B4E9")]
    # 60–80 → 500–833.33 units; 40–60 → 166.67–500.
    assert [(r.get("x"), r.get("width")) for r in rects] == [
        ("500", "333.33"),
        ("166.67", "333.33"),
    ]
    high = next(t for t in root.iter("text") if t.text == "+50%: 80.0%")
    low = next(t for t in root.iter("text") if t.text == "-50%: 40.0%")
    assert (high.get("x"), high.get("text-anchor"), high.get("fill")) == (
        "83.33%",
        "end",
        "#ffffff",
    )
    assert (low.get("x"), low.get("text-anchor"), low.get("fill")) == ("16.67%", "start", "#1b1f24")


def test_small_panels_are_a_grid_with_their_titles_and_one_legend() -> None:
    figure = make_subplots(rows=2, cols=2, subplot_titles=["A & <b>B</b>", "C", "D", "E"])
    for index in range(4):
        row, col = index // 2 + 1, index % 2 + 1
        figure.add_trace(
            go.Scatter(
                x=[1, 2, 3],
                y=[1.0, 2.0, 3.0],
                mode="lines",
                name="R&D <b>last</b> year",
                legendgroup="p",
                showlegend=index == 0,
                line={"dash": "dot"},
            ),
            row=row,
            col=col,
        )
        figure.add_trace(
            go.Scatter(
                x=[1, 2, 3],
                y=[2.0, 3.0, 4.0],
                mode="lines+markers",
                name="2026",
                legendgroup="t",
                showlegend=index == 0,
            ),
            row=row,
            col=col,
        )
    figure.update_xaxes(tickvals=list(range(1, 13)))
    figure.update_layout(height=600, margin={"t": 40, "b": 10})
    root = _parsed(figure_svg(figure, "en"))
    cells = [d for d in root.iter("div") if d.get("class") == "fig-svg-cell"]
    assert [c.get("style") for c in cells] == [
        "grid-column:1;grid-row:1",
        "grid-column:2;grid-row:1",
        "grid-column:1;grid-row:2",
        "grid-column:2;grid-row:2",
    ]
    titles = ["".join(d.itertext()) for d in root.iter("div") if d.get("class") == "fig-svg-ptitle"]
    assert titles == ["A & B", "C", "D", "E"]
    (legend,) = [d for d in root.iter("div") if d.get("class") == "fig-svg-legend"]
    assert ["".join(key.itertext()) for key in legend] == ["R&D last year", "2026"]
    assert len([p for p in root.iter("path") if p.get("stroke-dasharray") == "2 3"]) == 4


def _visible_spans(html: str, width: float) -> list[tuple[float, float, str]]:
    """The x ticks' labels shown on a plot ``width`` px wide, as the page's style shows
    them (``fig-svg-w<N>`` hidden below N px), each as wide as 0.55 × 12 px a character."""
    spans = []
    for text in _parsed(html).iter("text"):
        style = text.get("class") or ""
        if not (text.get("x") or "").endswith("%") or text.get("y") != "210":
            continue
        if style.startswith("fig-svg-w") and width < int(style[len("fig-svg-w") :]):
            continue
        at = float(text.get("x").rstrip("%")) / 100 * width
        wide = len(text.text) * 12 * 0.55
        start = {"start": at, "end": at - wide}.get(text.get("text-anchor"), at - wide / 2)
        spans.append((start, start + wide, text.text))
    return sorted(spans)


def test_the_s_curves_month_ticks_never_run_into_each_other() -> None:
    """The disbursement S-curve's 13 ticks, T1 … T12 and "T1 (gia hạn)" a month later: at
    a tablet's plot (about 680 px at 820 px wide) "T12" and the extension's tick overlapped.
    At every width the labels shown keep apart; at 680 px "T12" gives way (the extension,
    the last, stays), and a wide desktop shows every month but T12."""
    ticks = plan_month_ticks(2026, "vi")
    days = ticks["tickvals"]
    figure = go.Figure(go.Scatter(x=days, y=list(range(13)), mode="lines"))
    _small(figure).update_xaxes(range=[days[0], days[-1]], **ticks)
    html = figure_svg(figure, "vi")
    for width in range(120, 1700, 10):
        spans = _visible_spans(html, width)
        for (_, end, a), (start, _, b) in itertools.pairwise(spans):
            assert start >= end, (width, a, b)
    shown = [text for _, _, text in _visible_spans(html, 680)]
    assert "T12" not in shown and shown[-1] == "T1 (gia hạn)" and "T1" in shown
    assert len(_visible_spans(html, 1600)) == 12


def test_a_points_text_is_kept_off_the_lines() -> None:
    """A published figure's text "middle left" of its point, on a line that rises into the
    point from the left (Meeting mode): plotly leaves the text on the line; here it moves
    where, at a phone's and a tablet's widths (260–860 px), no line runs through it."""
    figure = go.Figure(
        [
            go.Scatter(x=[0, 1, 2, 3, 4], y=[0.0, 1.0, 2.0, 3.0, 4.0], mode="lines"),
            go.Scatter(
                x=[2],
                y=[2.0],
                mode="markers+text",
                text=["45.2%"],
                textposition="middle left",
                textfont={"size": 14},
            ),
        ]
    )
    _small(figure).update_xaxes(range=[0, 4]).update_yaxes(range=[0, 4])
    root = _parsed(figure_svg(figure, "en"))
    label = next(t for t in root.iter("text") if t.text == "45.2%")
    # The line in pixels: x = share × width, y from 194 px (0) to 10 px (4).
    for width in (260, 340, 480, 640, 860):
        at = float(label.get("x").rstrip("%")) / 100 * width + float(label.get("dx"))
        baseline = float(label.get("y")) + float(label.get("dy"))
        wide = len("45.2%") * 14 * 0.55
        left = {"start": at, "end": at - wide}.get(label.get("text-anchor"), at - wide / 2)
        top, bottom = baseline - 14 * 0.8, baseline + 14 * 0.2
        for step in range(1001):
            share = step / 1000
            x, y = share * width, 194 - share * 184
            assert not (left <= x <= left + wide and top <= y <= bottom), (width, x, y)


def test_a_bar_of_no_length_has_its_text_beside_the_rows_bars_not_over_them() -> None:
    """A tornado's lever that moves nothing at its lower bound: that bar is 60 to 60; the
    other reaches 80 on 30–90 (0.5–0.833 of the width). Left of the row there is 0.5 of the
    width, right 0.167: the text goes left of 60, ending there."""
    figure = go.Figure(
        [
            go.Bar(y=["L"], x=[20.0], base=60.0, orientation="h", marker={"color": "#1F4E79"}),
            go.Bar(
                y=["L"],
                x=[0.0],
                base=60.0,
                orientation="h",
                marker={"color": "#56B4E9"},
                text=["0: 60.0%"],
                textposition="auto",
            ),
        ]
    ).update_layout(barmode="overlay", showlegend=False)
    figure.update_xaxes(range=[30, 90])
    text = next(t for t in _parsed(figure_svg(figure, "en")).iter("text") if t.text == "0: 60.0%")
    assert (text.get("x"), text.get("text-anchor"), text.get("dx")) == ("50%", "end", "-4")


def test_each_key_of_a_group_without_a_title_in_plotlys_order() -> None:
    """A fan chart's run: its band and its median share a legend group (one click hides
    both in plotly) but are two keys, the median first by its legend rank."""
    figure = go.Figure(
        [
            go.Scatter(
                x=[1, 2],
                y=[1.0, 2.0],
                name="Base — band",
                legendgroup="b",
                legendrank=2,
                fill="toself",
                mode="lines",
            ),
            go.Scatter(
                x=[1, 2],
                y=[1.5, 1.5],
                name="Base — median",
                legendgroup="b",
                legendrank=1,
                mode="lines",
            ),
        ]
    )
    root = _parsed(figure_svg(figure, "en"))
    (legend,) = [d for d in root.iter("div") if d.get("class") == "fig-svg-legend"]
    assert ["".join(key.itertext()) for key in legend] == ["Base — median", "Base — band"]


def test_a_text_outside_its_bar_fits_in_a_phones_plot() -> None:
    """A lever whose lower bound moves the outcome left, from 60 to 59.8, with the axis
    plotly would choose (no range given): its text, 16 characters (16 × 12 × 0.55 = 105.6
    px), goes outside the short bar, leftwards; the axis is widened so that it ends inside
    a phone's 300 px plot instead of running past the plot's left edge."""
    words = "Lower bound: 59%"
    figure = go.Figure(
        [
            go.Bar(y=["L"], x=[1.0], base=60.0, orientation="h"),
            go.Bar(
                y=["L"], x=[-0.2], base=60.0, orientation="h", text=[words], textposition="auto"
            ),
        ]
    ).update_layout(barmode="overlay", showlegend=False)
    text = next(t for t in _parsed(figure_svg(figure, "en")).iter("text") if t.text == words)
    assert text.get("text-anchor") == "end" and text.get("dx") == "-4"
    assert float(text.get("x").rstrip("%")) / 100 * 300 - 4 >= len(words) * 12 * 0.55


def test_a_bar_of_no_length_has_room_for_its_text_in_a_phones_plot() -> None:
    """A scenario's tornado (seen at 390 px): the lever's upper bound moves the outcome from
    88.6 to 89.9, its lower bound not at all (a bar of no length at 88.6), with the axis
    plotly would choose. The no-length bar's text, 10 characters (10 × 12 × 0.55 = 66 px),
    goes past the row's other bar on the side with more room; the axis is widened on that
    side so that it ends inside a phone's 300 px plot (it ran past the plot's right edge
    and was cut)."""
    words = "0,0: 88,6%"
    figure = go.Figure(
        [
            go.Bar(
                y=["L"], x=[1.3], base=88.6, orientation="h", text=["5,0: 89,9%"],
                textposition="auto",
            ),
            go.Bar(y=["L"], x=[0.0], base=88.6, orientation="h", text=[words], textposition="auto"),
        ]
    ).update_layout(barmode="overlay", showlegend=False)  # fmt: skip
    text = next(t for t in _parsed(figure_svg(figure, "en")).iter("text") if t.text == words)
    at = float(text.get("x").rstrip("%")) / 100 * 300
    wide = len(words) * 12 * 0.55
    if text.get("text-anchor") == "start":
        assert at + 4 + wide <= 300, (text.get("x"), text.get("text-anchor"))
    else:
        assert text.get("text-anchor") == "end" and at - 4 - wide >= 0, text.get("x")


def test_a_figure_is_checked_once_and_each_panel_drawn_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 12: drawing the Unit page's figure of five panels built its panels twice (to
    check them, then to draw them), drew each panel twice (once more for its legend's
    keys), and the page checked the figure once more before asking for it: a third of the
    page's warm run at tier L. Now one check and one drawing each, the same SVG."""
    from app_pages import _ui
    from charts import figure_svg as module

    figure = make_subplots(rows=1, cols=2, subplot_titles=["A", "B"])
    for col in (1, 2):
        figure.add_trace(go.Scatter(x=[1, 2], y=[1.0, 2.0], name="2026"), row=1, col=col)
    figure.update_xaxes(tickvals=[1, 2])
    counts = {"_panels": 0, "_draw": 0}
    for name in counts:
        real = getattr(module, name)

        def counted(*args: object, _real=real, _name=name) -> object:  # type: ignore[no-untyped-def]
            counts[_name] += 1
            return _real(*args)

        monkeypatch.setattr(module, name, counted)
    prepared = _ui.prepare_figure(figure, "en")
    assert prepared.svg is not None and prepared.svg.count("fig-svg-cell") == 2
    assert counts == {"_panels": 1, "_draw": 2}
