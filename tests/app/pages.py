"""Opening a page of the app in AppTest, and this suite's own SQL for the numbers pages show.

The SQL here is written independently of ``data_access.queries`` (plain text, its own
grouping), so a page's ranking, medians, shares and curves are checked against the
warehouse itself.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from data_access.engine import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
SITUATIONS: dict[str, dict[str, str]] = {
    "current-year": {"year": "2026"},
    "closed-year": {"year": "2025"},
    "former-province": {"year": "2026", "province": "binh_duong"},
    "unit": {"year": "2026", "unit": "26737"},
    "past-day": {"as_of": "2026-10-10"},
}
"""The situations every page is opened in (the issue's "Done when")."""


def open_page(
    monkeypatch, url: str, page: str | None, *, opened: tuple[str, ...] = (), **params: str
) -> AppTest:
    """Run the app with ``params`` in the address, then switch to ``app_pages/<page>.py``
    (AppTest needs one run before it can switch to a page with its own address).

    ``opened``: keys of expanders open from the page's first run (the ranking's table,
    ``ranking-table-<page>``, and the map, ``map-open-<page>``, are built only once opened)."""
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    app = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    for key in opened:
        app.session_state[key] = True
    if page is not None:
        app.switch_page(f"app_pages/{page}.py")
        app.run()
        assert not app.exception, [e.value for e in app.exception]
    return app


DATA_TABS_KEY = "data-tabs"
"""The Data page's tabs (``app_pages._data.TABS_KEY``): the open tab's label."""
DATA_LISTS = (
    "data-template-columns-observations",
    "data-template-columns-capital_plans",
    "data-template-columns-targets",
    "data-codes-indicators",
    "data-codes-units",
)
"""The expanders of the Data page's templates tab, each built only once opened."""


def each_data_tab(app: AppTest) -> Iterator[str]:
    """Open each of the Data page's tabs in turn, as a click on it does (only the open tab
    is built, issue 12), with the templates' tables opened too; yields each tab's label once
    the page is drawn with it open. The last tab stays open."""
    for key in DATA_LISTS:
        app.session_state[key] = True
    for label in [tab.label for tab in app.tabs]:
        app.session_state[DATA_TABS_KEY] = label
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        yield label


def planted_copy(url: str, path: Path, sql: str, **params: object) -> str:
    """A private copy at ``path`` of the SQLite warehouse at ``url``, changed by one
    statement (a hostile name planted, say); its URL."""
    shutil.copy(str(make_url(url).database), path)
    copy = f"sqlite:///{path}"
    engine = create_engine(copy)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()
    return copy


def frame(url: str, sql: str, **params: object) -> pd.DataFrame:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return pd.read_sql_query(text(sql), conn, params=params)
    finally:
        engine.dispose()


def unit_rates(
    url: str, indicator: str, year: int, through: dt.date, unit_type: str | None = None
) -> pd.DataFrame:
    """Each unit's year to date (Σ numerator ÷ Σ denominator of its totals), by this
    suite's own SQL. Columns: unit_id, unit_type, numerator, denominator, value."""
    rows = frame(
        url,
        "SELECT o.unit_id, u.unit_type, SUM(o.numerator) AS numerator, "
        "SUM(o.denominator) AS denominator FROM observations o "
        "JOIN units u ON u.unit_id = o.unit_id "
        "WHERE o.indicator_id = :indicator AND o.breakdown_key = '' "
        "AND o.superseded_at IS NULL AND o.period_year = :year AND o.period_month <= :through "
        "AND o.numerator IS NOT NULL AND o.denominator IS NOT NULL "
        + ("AND u.unit_type = :unit_type " if unit_type else "")
        + "GROUP BY o.unit_id, u.unit_type",
        indicator=indicator,
        year=year,
        through=through,
        unit_type=unit_type,
    )
    return rows.assign(value=100.0 * rows["numerator"] / rows["denominator"])


def ranks_and_quartiles(values: pd.Series) -> tuple[pd.Series, float, float, float]:
    """Competition ranks (1 = highest), and the quartiles (linear interpolation) and median
    computed with Python's own statistics."""
    ranks = values.rank(method="min", ascending=False).astype(int)
    ordered = sorted(values)
    p25, p75 = np.percentile(ordered, [25, 75])
    return ranks, float(p25), float(statistics.median(ordered)), float(p75)


def figure_traces(app: AppTest) -> list[dict]:
    """Every plotly trace on the page (arrays decoded: plotly sends numbers as typed
    arrays, ``{"dtype": "f8", "bdata": …}``)."""
    import base64
    import json

    def decode(value):
        if isinstance(value, dict) and "bdata" in value:
            raw = base64.b64decode(value["bdata"])
            return np.frombuffer(raw, dtype=np.dtype(value["dtype"])).tolist()
        return value

    traces = []
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec.get("data", []):
            traces.append({k: decode(v) for k, v in trace.items()})
    return traces


def svg_charts(app: AppTest) -> list[str]:
    """The charts drawn as inline SVG on the server (``charts.figure_svg``): their
    Markdown."""
    return [str(m.value) for m in app.markdown if str(m.value).startswith('<div class="fig-svg"')]
