"""The tile chart as inline SVG (charts/tile_svg.py): it draws what the plotly figure holds
(every point's hover text, the band, the published labels, the ticks) and escapes every
text it is given."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import plotly.graph_objects as go
import pytest

from charts.tile import make_tile_figure
from charts.tile_svg import figure_svg
from tests.unit.test_tiles_like_for_like import DISBURSEMENT, disbursement_2026, disbursement_tile

SVG = ""  # parsed as plain XML: no namespace


def _parsed(html: str) -> ET.Element:
    # The block is XML too: a parse fails on any unescaped "<" or "&" from the data.
    return ET.fromstring(html)


@pytest.fixture(scope="module")
def drawn() -> tuple[go.Figure, str]:
    figure = make_tile_figure(disbursement_2026(), DISBURSEMENT, disbursement_tile(), "vi")
    return figure, figure_svg(figure, "vi")


def test_every_hover_text_of_the_figure_is_a_tooltip(drawn: tuple[go.Figure, str]) -> None:
    figure, html = drawn
    root = _parsed(html)
    titles = [element.text for element in root.iter(f"{SVG}title")]
    expected = [
        text
        for trace in figure.data
        if trace.hoverinfo != "skip" and trace.customdata is not None
        for text in trace.customdata
        if text
    ]
    assert titles == expected
    assert "tháng 10/2026: 51,0%" in titles


def test_the_band_ticks_and_one_line_block(drawn: tuple[go.Figure, str]) -> None:
    _figure, html = drawn
    assert "\n" not in html  # one raw HTML block for Markdown
    root = _parsed(html)
    assert root.get("role") == "img" and root.get("aria-label")
    fills = [p.get("fill") for p in root.iter(f"{SVG}path") if p.get("stroke") == "none"]
    assert fills == ["rgba(31, 78, 121, 0.20)"]  # the 80 % band
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert {"T1", "T4", "T7", "T10"} <= set(texts)
    assert any(text and text.endswith("%") for text in texts)


def test_text_from_the_figure_is_escaped() -> None:
    figure = go.Figure(
        go.Scatter(
            x=[pd.Timestamp(2026, 3, 1), pd.Timestamp(2026, 6, 1)],
            y=[1.0, 2.0],
            mode="markers+text",
            text=["<b>x</b>", "a & b"],
            customdata=['<img src=x onerror="alert(1)">', "</svg><script>"],
            hovertemplate="%{customdata}",
            marker={"symbol": "diamond", "size": 7},
        )
    )
    figure.update_xaxes(
        range=[pd.Timestamp(2026, 1, 1), pd.Timestamp(2026, 12, 31)],
        tickvals=[pd.Timestamp(2026, 1, 1)],
        ticktext=["<i>T1</i>"],
    )
    html = figure_svg(figure, "en")
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    root = _parsed(html)
    assert [element.text for element in root.iter(f"{SVG}title")] == [
        '<img src=x onerror="alert(1)">',
        "</svg><script>",
    ]
    assert "<b>x</b>" in [element.text for element in root.iter(f"{SVG}text")]


def test_a_text_stays_on_one_line_without_invisible_characters() -> None:
    # A blank line in any text would end the raw HTML block st.markdown is given, and
    # Markdown would make a live link of what follows (review L1); U+202E would turn the
    # label around.
    figure = go.Figure(
        go.Scatter(
            x=[pd.Timestamp(2026, 3, 1)],
            y=[1.0],
            mode="markers+text",
            text=["ok\n\n[x](https://evil.example) *y*"],
            customdata=["tip\r\n\r\n[z](https://evil.example)\u202e"],
            hovertemplate="%{customdata}",
            marker={"symbol": "diamond", "size": 7},
        )
    )
    figure.update_xaxes(range=[pd.Timestamp(2026, 1, 1), pd.Timestamp(2026, 12, 31)])
    html = figure_svg(figure, "en")
    assert "\n" not in html and "\r" not in html and "\u202e" not in html
    root = _parsed(html)
    assert [element.text for element in root.iter(f"{SVG}title")] == [
        "tip  [z](https://evil.example)"
    ]
    assert "ok  [x](https://evil.example) *y*" in [t.text for t in root.iter(f"{SVG}text")]
