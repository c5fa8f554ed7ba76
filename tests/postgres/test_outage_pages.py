"""Every dashboard page read before the PostgreSQL server stopped keeps its figures, under
one banner saying since when, rather than an error, when the page runs again in the same
session (AppTest). The test's own server is stopped (``pg_ctl stop -m fast``), not a proxy.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from app_pages._navigation import NAVIGATION
from data_access import cached
from demo.build import build_demo_warehouse
from tests.app.pages import open_page, svg_charts
from tests.app.reading import html_tables, tile_metrics
from tests.conftest import DEMO_LAST_MONTH
from tests.postgres.own_server import OwnServer, own_postgres_server

# The dashboards: the pages that show indicators' figures (the analysis and data pages
# read and write otherwise; the browser test covers a refused write). The briefing shows
# none until a PDF is asked for.
DASHBOARDS = [
    (path.removeprefix("app_pages/").removesuffix(".py"), url)
    for section, entries in NAVIGATION
    if section == "nav_section_dashboards"
    for path, _title, _icon, url in entries
    if url != "briefing"
]
PARAMETERS = {"unit": {"unit": "26737"}, "meeting": {"interval": "600"}}


@pytest.fixture(scope="module")
def server_and_url() -> Iterator[tuple[OwnServer, str]]:
    with own_postgres_server() as server:
        url = server.create_database("dashboard")
        build_demo_warehouse(url, last_month=DEMO_LAST_MONTH)
        yield server, url


def _forget() -> None:
    """As if the kept results had expired (the remembered last good ones stay)."""
    cached.forget_reads()
    cached._forget_versions()


@pytest.fixture
def running(server_and_url: tuple[OwnServer, str]) -> Iterator[tuple[OwnServer, str]]:
    server, url = server_and_url
    _forget()
    cached._forget_outages()
    yield server, url
    if not server.is_running():
        server.start()
    _forget()
    cached._forget_outages()


def _figures(app: AppTest) -> dict[str, object]:
    """What a page shows of its figures: the tiles' values, the charts' and tables' count."""
    return {
        # The Overview's tiles are HTML blocks (tile_metrics), the other pages' st.metric.
        "metrics": [m.value for m in app.metric] + [m.value for m in tile_metrics(app)],
        "charts": len(app.get("plotly_chart")) + len(svg_charts(app)),
        "tables": len(app.dataframe) + len(app.table) + len(html_tables(app)),
    }


@pytest.mark.parametrize(("page", "url_path"), DASHBOARDS, ids=[u for _p, u in DASHBOARDS])
def test_a_page_read_before_the_outage_keeps_its_figures(monkeypatch, running, page, url_path):
    server, url = running
    params = {"year": "2026", "lang": "en", **PARAMETERS.get(url_path, {})}
    app = open_page(monkeypatch, url, page if page != "overview" else None, **params)
    before = _figures(app)
    assert before["metrics"] or before["charts"] or before["tables"], before
    assert not app.error, [e.value for e in app.error]
    assert not [w for w in app.warning if "cannot be reached" in w.value]

    server.stop("fast")
    _forget()
    app.run()  # the same session runs again: a rerun, not a reload
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    banners = [w.value for w in app.warning if "cannot be reached" in w.value]
    assert len(banners) == 1, banners
    assert "since" in banners[0]
    assert _figures(app) == before
