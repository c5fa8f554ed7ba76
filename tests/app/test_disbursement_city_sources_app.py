"""The Disbursement page read through a deployment's mapping (issue 14): the city-style
warehouse of ``tests/sources_city.py`` keeps disbursement its own way (year-to-date amounts
split by funding source per investor and report date, summed in SQL; the plan in force
looked up in SQL from the plan's revisions; its own investor codes) and the page shows the
same figures as on the project's own schema.

The project's own warehouse here is a copy of the demo with the declared indicators'
observations deleted, so a figure on the page can only have come through the mapping (its
capital plans stay, but the page no longer reads them: a declared source gives each month's
plan in force, not the plan's revisions, and the page says so in place of the plan's
changes). Compared with the page on the demo warehouse itself: the headline metrics, the
S-curve's points, the former provinces' curves, the investor table (each investor's plan,
disbursed, remaining, rate, status, pace, rank and whether it reported; 191 rows; in 2026
three did not report October, one of them September either, and are carried: the demo has
no row for them, counted by SQL when this test was written), its caption, and the bar chart
of the investors with the most capital left; for the whole city and for a former province
(Bình Dương: its investors, wards and communes, summed in the city's database with the
carry-forward). And the map's points (each unit's status, value, plan and tooltip).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_access import sources
from i18n import t
from tests.app.pages import open_page
from tests.app.reading import GOLDEN_MOMENT
from tests.sources_city import build_city_warehouse, own_warehouse_without, write_city_mapping


@pytest.fixture(autouse=True)
def _figures_by_plotly(monkeypatch):
    """This module reads each chart's data from the plotly figure sent to the browser: the
    pages draw it with plotly (the SVG drawn from the same figure: tests/unit/test_figure_svg.py
    and tests/app/test_svg_figures_app.py)."""
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")


DISBURSEMENT = "public_investment_disbursement"


@pytest.fixture(scope="module")
def deployment(demo_warehouse_url, tmp_path_factory) -> tuple[str, Path, str]:
    """(own warehouse URL without the declared indicators' rows, mapping file, city URL)."""
    folder = tmp_path_factory.mktemp("city-disbursement")
    city_url = f"sqlite:///{folder / 'city.sqlite'}"
    crosswalk = build_city_warehouse(demo_warehouse_url, city_url)
    mapping = write_city_mapping(folder, city_url, crosswalk)
    declared = [s.indicator for s in sources.load_mapping(mapping).sources]
    assert DISBURSEMENT in declared
    own_url = own_warehouse_without(demo_warehouse_url, folder, declared)
    return own_url, mapping, city_url


def _figure(app, key: str) -> dict:  # type: ignore[no-untyped-def]
    (chart,) = [c for c in app.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return json.loads(chart.proto.spec)


def _numbers(values: object) -> object:
    """Plotly's typed arrays (``{"dtype": "f8", "bdata": …}``) as numbers; others as given."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return values


def _traces(figure: dict) -> list[tuple[object, ...]]:
    """Each trace's name and points (the figure's data, without its styling); sums taken in
    another order may differ in the last bits, so numbers are rounded to 9 digits."""

    def rounded(values: object) -> object:
        values = _numbers(values)
        if isinstance(values, list) and all(isinstance(v, float) for v in values):
            return [round(v, 9) for v in values]
        return values

    return [
        (
            trace.get("name"),
            rounded(trace.get("x")),
            rounded(trace.get("y")),
            trace.get("customdata"),
        )
        for trace in figure["data"]
    ]


def _map_points(app) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """The map's points (one per unit: its code, place, status, radius and tooltip texts)."""
    (deck,) = app.get("deck_gl_json_chart")
    spec = json.loads(deck.proto.json)
    (layer,) = [layer for layer in spec["layers"] if layer["id"] == "units"]
    return sorted(layer["data"], key=lambda point: str(point["unit_id"]))


def _without_demo_notes(lines: list[str]) -> list[str]:
    return [line for line in lines if "demo data" not in line.lower() and "minh họa" not in line]


@pytest.mark.parametrize(
    ("year", "lang", "province"),
    [("2026", "vi", None), ("2025", "en", None), ("2026", "en", "binh_duong")],
)
def test_the_city_shape_shows_the_same_disbursement_page(
    monkeypatch, time_machine, deployment, demo_warehouse_url, year, lang, province
):
    own_url, mapping, city_url = deployment
    time_machine.move_to(GOLDEN_MOMENT)
    monkeypatch.delenv(sources.SOURCES_FILE_VARIABLE, raising=False)
    params = {"year": year, "lang": lang, **({"province": province} if province else {})}
    # The map and the investors' grid are built once their expanders are opened.
    opened = ("map-open-disbursement", "investors-table")
    expected = open_page(monkeypatch, demo_warehouse_url, "disbursement", opened=opened, **params)
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)
    app = open_page(monkeypatch, own_url, "disbursement", opened=opened, **params)
    assert not app.error, [e.value for e in app.error]

    def metrics(page):  # type: ignore[no-untyped-def]
        return [(m.label, m.value, m.proto.delta) for m in page.metric]

    assert len(metrics(expected)) >= 4
    assert metrics(app) == metrics(expected)

    table = next(d for d in app.dataframe if d.key == "investors-all").value
    wanted = next(d for d in expected.dataframe if d.key == "investors-all").value
    assert len(wanted) == (191 if province is None else 37)
    if year == "2026" and province is None:  # 26566, 26647 and 27232 did not report October
        assert (table[t("col_reported", lang)] == t("no", lang)).sum() == 3
    pd.testing.assert_frame_equal(
        table.reset_index(drop=True), wanted.reset_index(drop=True), check_exact=False
    )
    # The plan's changes are not declared: the page says so, and shows none of the own
    # schema's notes.
    not_declared = t("plan_changes_not_declared", lang)
    captions = _without_demo_notes([c.value for c in app.caption])
    assert captions.count(not_declared) == 1
    captions.remove(not_declared)
    assert captions == _without_demo_notes([c.value for c in expected.caption])
    changed = t("plan_changed", lang, date="", before="", after="", n="", document="")[:30]
    assert not any(i.value.startswith(changed) for i in app.info)

    # The map: each ward's, commune's and the special zone's point, status, value, plan
    # (its radius) and tooltip, as the browser gets them.
    points = _map_points(app)
    assert len(points) == (168 if province is None else 36)
    assert points == _map_points(expected)

    keys = ("scurve", "investors", *(("scurve-provinces",) if province is None else ()))
    for key in keys:
        got = _traces(_figure(app, key))
        assert got == _traces(_figure(expected, key)), key
        assert any(points for _, _, points, _ in got), key
