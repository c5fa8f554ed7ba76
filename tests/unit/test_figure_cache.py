"""Prepared figures are kept per process: a warm run with unchanged data draws the figure it
built before; a new data version, other data or another language builds it again."""

from unittest import mock

import pandas as pd
import plotly.graph_objects as go
import pytest

from app_pages import _ui

V1 = (1, 1, 1, "a")
V2 = (2, 2, 2, "b")


@pytest.fixture
def drawn(monkeypatch):
    _ui._prepared_figure.clear()
    shown: list[_ui.PreparedFigure] = []
    monkeypatch.setattr(_ui, "_draw_figure", lambda prepared, key: shown.append(prepared))
    monkeypatch.setattr(_ui, "current_language", lambda: "vi")
    monkeypatch.setattr(_ui.cached, "data_version", lambda: V1)
    yield shown
    _ui._prepared_figure.clear()


def _build() -> mock.Mock:
    figure = go.Figure(go.Bar(x=["A", "B"], y=[1.0, 2.0], name="n")).update_layout(title="T")
    return mock.Mock(return_value=figure, spec=lambda: None)


def test_unchanged_inputs_are_not_built_again(drawn):
    build = _build()
    frame = pd.DataFrame({"value": [1.0, 2.0]})
    _ui.show_cached_figure(build, key="k", inputs=(frame, "x"))
    _ui.show_cached_figure(build, key="k", inputs=(frame.copy(), "x"))
    assert build.call_count == 1
    assert drawn[0] is drawn[1]
    assert drawn[0].title == "T"
    assert drawn[0].figure.layout.title.text is None


def test_a_new_data_version_other_data_or_language_build_again(drawn, monkeypatch):
    build = _build()
    frame = pd.DataFrame({"value": [1.0, 2.0]})
    _ui.show_cached_figure(build, key="k", inputs=(frame,))
    monkeypatch.setattr(_ui.cached, "data_version", lambda: V2)
    _ui.show_cached_figure(build, key="k", inputs=(frame,))
    assert build.call_count == 2
    _ui.show_cached_figure(build, key="k", inputs=(frame.assign(value=[1.0, 3.0]),))
    assert build.call_count == 3
    monkeypatch.setattr(_ui, "current_language", lambda: "en")
    _ui.show_cached_figure(build, key="k", inputs=(frame,))
    assert build.call_count == 4
    _ui.show_cached_figure(build, key="other", inputs=(frame,))
    assert build.call_count == 5
