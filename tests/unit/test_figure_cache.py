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


def test_built_once_shares_one_build_per_inputs(drawn, monkeypatch):
    _ui._built.clear()
    build = mock.Mock(side_effect=lambda: object(), spec=lambda: None)
    first = _ui.built_once(build, name="map", inputs=("vi", "x"))
    assert _ui.built_once(build, name="map", inputs=("vi", "x")) is first
    monkeypatch.setattr(_ui.cached, "data_version", lambda: V2)
    assert _ui.built_once(build, name="map", inputs=("vi", "x")) is not first
    assert build.call_count == 2
    _ui._built.clear()


def _read(source: str) -> pd.DataFrame:
    """A frame as :func:`data_access.cached._fetch` tags it, at data version ``source``."""
    frame = pd.DataFrame({"period_year": [2025, 2026], "value": [1.0, 2.0], "is_demo": True})
    frame.attrs[_ui.cached.SOURCE_ATTR] = source
    return frame


@pytest.mark.parametrize(
    ("module", "function", "pure"),
    [("_sections", "_trend_frame", "trend_frame"), ("_economy", "_annual", "annual_values")],
)
def test_pure_figures_are_kept_per_source_key(monkeypatch, module, function, pure):
    import importlib

    page = importlib.import_module(f"app_pages.{module}")
    cached_function = getattr(page, function)
    cached_function.clear()
    counted = mock.Mock(return_value=pd.DataFrame({"x": [1]}))
    monkeypatch.setattr(page, pure, counted)
    args = (2026, None) if function == "_trend_frame" else (2026,)
    cached_function(_read("version-1"), *args)
    cached_function(_read("version-1"), *args)
    assert counted.call_count == 1
    cached_function(_read("version-2"), *args)
    assert counted.call_count == 2
    cached_function.clear()


def test_the_meeting_attention_list_is_kept_per_inputs(monkeypatch):
    from app_pages import _meeting

    _meeting._attention.clear()
    counted = mock.Mock(return_value=pd.DataFrame({"unit_id": ["u1"]}))
    monkeypatch.setattr(_meeting, "combine_attention", counted)
    _meeting._attention("inputs at version 1", [])
    _meeting._attention("inputs at version 1", [])
    assert counted.call_count == 1
    _meeting._attention("inputs at version 2", [])
    assert counted.call_count == 2
    _meeting._attention.clear()
