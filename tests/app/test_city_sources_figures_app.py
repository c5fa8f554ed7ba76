"""Meeting mode and the briefing read through a deployment's mapping (issue 14), figure by
figure against the project's own schema.

The city-style warehouse of ``tests/sources_city.py`` is declared for seven indicators; the
project's own warehouse is a copy of the demo with those indicators' observations deleted,
so a figure can only have come through the mapping. Expected: the same thing made on the
demo warehouse itself (the project's own schema and queries), with its demo notices left
out (the city's rows are not demo data).

- Meeting mode: every slide of the agenda (the items not on track, the headlines, the units
  holding the city back), its metrics, words and chart traces; for the whole city and for
  a former province (Bình Dương: disbursement summed over its investors, wards and
  communes in the city's database, carried forward).
- The briefing: the PDF as :func:`briefing.pdf.render_pdf` makes it from
  :func:`briefing.collect.collect` with the app's cached reads (as the Briefing page does),
  every text written into it (headings, paragraphs, notes, tables) and every chart's traces
  (the charts' PNG export is replaced by a blank image: no browser here).

The map's points are compared in ``tests/app/test_disbursement_city_sources_app.py``.
Clock pinned to the golden moment (2026-11-28 in the city). The PostgreSQL twin through the
SELECT-only role is in ``tests/postgres/test_sources_postgres.py``.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from briefing import pdf
from briefing.__main__ import main as briefing_main
from briefing.collect import PAGES, Source, collect
from data_access import cached, sources
from data_access.queries import UnitFilter
from tests.app.pages import figure_traces
from tests.app.reading import GOLDEN_DAY, GOLDEN_MOMENT
from tests.app.test_meeting_app import button, open_meeting, position
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
    folder = tmp_path_factory.mktemp("city-figures")
    city_url = f"sqlite:///{folder / 'city.sqlite'}"
    crosswalk = build_city_warehouse(demo_warehouse_url, city_url)
    mapping = write_city_mapping(folder, city_url, crosswalk)
    declared = [s.indicator for s in sources.load_mapping(mapping).sources]
    assert len(declared) == 7
    return own_warehouse_without(demo_warehouse_url, folder, declared), mapping, city_url


def declare(monkeypatch, mapping: Path | None, city_url: str) -> None:
    if mapping is None:
        monkeypatch.delenv(sources.SOURCES_FILE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)


DEMO_WORDS = ("demo", "minh họa", "Demo")


def rounded(value: Any) -> Any:
    """Numbers rounded to 9 digits (sums taken in another order differ in the last bits),
    plotly's typed arrays decoded; lists and mappings followed."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        value = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def without_demo(lines: list[str]) -> list[str]:
    return [line for line in lines if not any(word in line for word in DEMO_WORDS)]


# --- meeting mode -----------------------------------------------------------------------------


def slide(app: AppTest) -> dict[str, Any]:
    """What one slide shows: its words, metrics and chart traces."""
    words = [m.value for m in app.markdown] + [c.value for c in app.caption]
    return {
        # Without the page's style and its refresh clock (the time it read the data).
        "words": without_demo(
            [w for w in words if not w.startswith(("<style", ":material/update:"))]
        ),
        "metrics": [(m.label, m.value, m.delta) for m in app.metric],
        "traces": rounded(figure_traces(app)),
    }


def all_slides(app: AppTest) -> list[dict[str, Any]]:
    first = position(app)
    slides = [slide(app)]
    for _ in range(20):
        button(app, "meeting-next").click().run()
        assert not app.exception, [e.value for e in app.exception]
        if position(app) == first:
            return slides
        slides.append(slide(app))
    raise AssertionError("the agenda did not come round")


@pytest.mark.parametrize(
    ("lang", "params"),
    [("vi", {}), ("en", {}), ("en", {"province": "binh_duong"})],
    ids=["vi", "en", "en-former-province"],
)
def test_every_meeting_slide_shows_the_same_figures_through_the_mapping(
    monkeypatch, time_machine, deployment, demo_warehouse_url, lang, params
):
    own_url, mapping, city_url = deployment
    time_machine.move_to(GOLDEN_MOMENT)
    query = {"year": "2026", "lang": lang, "interval": "600", **params}
    declare(monkeypatch, None, city_url)
    expected = all_slides(open_meeting(monkeypatch, demo_warehouse_url, **query))
    declare(monkeypatch, mapping, city_url)
    app = open_meeting(monkeypatch, own_url, **query)
    assert not app.error, [e.value for e in app.error]
    got = all_slides(app)
    assert len(got) >= 4  # the items not on track, the headlines and the units
    assert sum(len(s["metrics"]) for s in got) >= 4
    assert any(s["traces"] for s in got)
    for number, (seen, wanted) in enumerate(zip(got, expected, strict=True), start=1):
        assert seen["metrics"] == wanted["metrics"], number
        assert seen["words"] == wanted["words"], number
        assert seen["traces"] == wanted["traces"], number
    assert len(got) == len(expected)


# --- the briefing -----------------------------------------------------------------------------


def _blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(out, format="PNG")
    return out.getvalue()


def recorded(monkeypatch) -> tuple[list[str], list[Any]]:  # type: ignore[no-untyped-def]
    """Every text the briefing's PDF is given (headings, paragraphs, notes, boxes, table
    rows) and every chart's traces, from now on (the PNG export replaced by a blank image)."""
    written: list[str] = []
    charts: list[Any] = []

    def export(figures):  # type: ignore[no-untyped-def]
        charts.extend(rounded(json.loads(figure.to_json())["data"]) for figure in figures)
        return [_blank_png() for _ in figures]

    def recording(name: str):  # type: ignore[no-untyped-def]
        original = getattr(pdf._Document, name)

        def record(self, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            if name == "grid":
                written.extend(" | ".join(row) for row in text)
            else:
                written.append(text)
            return original(self, text, *args, **kwargs)

        return record

    monkeypatch.setattr(pdf, "export_png", export)
    for name in ("heading", "paragraph", "note", "boxed", "grid"):
        monkeypatch.setattr(pdf._Document, name, recording(name))
    return written, charts


def briefing_made(monkeypatch, unit_filter: UnitFilter, lang: str) -> dict[str, Any]:
    """The briefing as the Briefing page makes it (the app's cached reads), with every text
    written into the PDF and every chart's traces."""
    written, charts = recorded(monkeypatch)
    source = Source(
        lambda code, scope, as_of: cached.scope_series(code, scope, as_of, scope=None).frame,
        cached.headline_tile,
        lambda code, year, through, scope, as_of: (
            cached.unit_standing(code, year, through, scope, as_of, scope=None).frame
        ),
        lambda: cached.published().frame,
        lambda: cached.failing_sources(GOLDEN_DAY),
    )
    data = collect(source, 2026, unit_filter, GOLDEN_DAY)
    made = pdf.render_pdf(data, list(PAGES), lang, made_on=GOLDEN_DAY)
    assert made.startswith(b"%PDF")
    return {
        "name": pdf.file_name(data, lang),
        "texts": without_demo(written),
        "charts": charts,
        "shown": len(data.shown),
    }


@pytest.mark.parametrize(
    ("lang", "unit_filter"),
    [
        ("vi", UnitFilter()),
        ("en", UnitFilter()),
        ("en", UnitFilter(former_provinces=("binh_duong",))),
    ],
    ids=["vi", "en", "en-former-province"],
)
def test_the_briefing_shows_the_same_figures_and_text_through_the_mapping(
    monkeypatch, time_machine, deployment, demo_warehouse_url, lang, unit_filter
):
    own_url, mapping, city_url = deployment
    time_machine.move_to(GOLDEN_MOMENT)
    declare(monkeypatch, None, city_url)
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    expected = briefing_made(monkeypatch, unit_filter, lang)
    declare(monkeypatch, mapping, city_url)
    monkeypatch.setenv("DASHBOARD_DB_URL", own_url)
    assert cached.declared_indicators()  # the mapping is in force
    got = briefing_made(monkeypatch, unit_filter, lang)
    assert got["shown"] == 4
    assert len(got["charts"]) == 8  # the Overview's four, and each page's
    assert got["name"] == expected["name"]
    assert got["texts"] == expected["texts"]
    assert got["charts"] == expected["charts"]


def test_the_command_line_briefing_reads_the_declared_sources(
    monkeypatch, time_machine, deployment, demo_warehouse_url, tmp_path, capsys
):
    """``python -m briefing`` with a deployment's mapping: the same texts and charts as on
    the demo warehouse itself (it read the project's own warehouse only, where a city's
    figures are not: with the declared indicators' rows gone it said
    "Chưa đủ dữ liệu để đánh giá" for every headline)."""
    own_url, mapping, city_url = deployment
    time_machine.move_to(GOLDEN_MOMENT)
    made = {}
    for name, url, declared in (("demo", demo_warehouse_url, None), ("city", own_url, mapping)):
        declare(monkeypatch, declared, city_url)
        monkeypatch.setenv("DASHBOARD_DB_URL", url)
        written, charts = recorded(monkeypatch)
        output = tmp_path / f"{name}.pdf"
        code = briefing_main(["--lang", "en", "--year", "2026", "-o", str(output)])
        assert code == 0, capsys.readouterr().err
        assert output.read_bytes().startswith(b"%PDF")
        made[name] = (without_demo(written), charts)
    texts, charts = made["city"]
    assert len(charts) == 8
    assert texts == made["demo"][0]
    assert charts == made["demo"][1]
