"""The Unit page read through a deployment's mapping (issue 14): the city-style warehouse of
``tests/sources_city.py`` gives the same scorecard and the same trend lines as the project's
own schema. The trend lines (and the year-on-year change in the scorecard) are the unit's
own series, read through the source: the sums per city code and month in the city's
database for the codes the crosswalk turns into the unit.

The project's own warehouse here is a copy of the demo with the declared indicators'
observations deleted, so a line or figure can only have come through the mapping. The
submissions section is still read from the project's own load records and is not compared.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_access import sources
from tests.app.pages import open_page
from tests.app.reading import GOLDEN_MOMENT, html_tables
from tests.sources_city import build_city_warehouse, own_warehouse_without, write_city_mapping


@pytest.fixture(autouse=True)
def _figures_by_plotly(monkeypatch):
    """This module reads each chart's data from the plotly figure sent to the browser: the
    pages draw it with plotly (the SVG drawn from the same figure: tests/unit/test_figure_svg.py
    and tests/app/test_svg_figures_app.py)."""
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")


@pytest.fixture(scope="module")
def deployment(demo_warehouse_url, tmp_path_factory) -> tuple[str, Path, str]:
    """(own warehouse URL without the declared indicators' rows, mapping file, city URL)."""
    folder = tmp_path_factory.mktemp("city-unit")
    city_url = f"sqlite:///{folder / 'city.sqlite'}"
    crosswalk = build_city_warehouse(demo_warehouse_url, city_url)
    mapping = write_city_mapping(folder, city_url, crosswalk)
    declared = [s.indicator for s in sources.load_mapping(mapping).sources]
    own_url = own_warehouse_without(demo_warehouse_url, folder, declared)
    return own_url, mapping, city_url


def _lines(app) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    """The trend figure's lines: name, x, and y rounded to 9 digits (sums taken in another
    order may differ in the last bits)."""
    (chart,) = [c for c in app.get("plotly_chart") if c.proto.id.endswith("-unit-trends")]
    figure = json.loads(chart.proto.spec)

    def numbers(values: object) -> object:
        if isinstance(values, dict) and "bdata" in values:
            decoded = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
            return [None if np.isnan(v) else round(float(v), 9) for v in decoded]
        return values

    return [
        (trace.get("name"), numbers(trace.get("x")), numbers(trace.get("y")))
        for trace in figure["data"]
    ]


@pytest.mark.parametrize(("unit", "lang"), [("26737", "vi"), ("26566", "en")])
def test_the_city_shape_shows_the_same_unit_page(
    monkeypatch, time_machine, deployment, demo_warehouse_url, unit, lang
):
    own_url, mapping, city_url = deployment
    time_machine.move_to(GOLDEN_MOMENT)
    monkeypatch.delenv(sources.SOURCES_FILE_VARIABLE, raising=False)
    expected = open_page(monkeypatch, demo_warehouse_url, "unit", year="2026", unit=unit, lang=lang)
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)
    app = open_page(monkeypatch, own_url, "unit", year="2026", unit=unit, lang=lang)
    assert not app.error, [e.value for e in app.error]

    scorecard = next(iter(html_tables(app).values()))
    wanted = next(iter(html_tables(expected).values()))
    assert len(wanted) == 5  # online, satisfaction, on-time, e-results, disbursement
    pd.testing.assert_frame_equal(
        scorecard.reset_index(drop=True), wanted.reset_index(drop=True), check_exact=False
    )
    lines = _lines(app)
    assert lines == _lines(expected)
    # The monthly rates: this year's lines and last year's (at least one per rate).
    assert len(lines) >= 4
    assert all(any(v is not None for v in y) for _, _, y in lines if isinstance(y, list))
