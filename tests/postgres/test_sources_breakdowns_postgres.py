"""Declared breakdowns on PostgreSQL (issue 14): the city-style warehouse (schema ``dw``)
with its dossiers by procedure and GRDP by sector, read through the mapping as a role that
may only SELECT. The procedures (per scope and year), each procedure's series and the
sectors per year equal the project's own queries on the demo; the check command passes as
that role, breakdowns included; and the Online services page's procedures table and the
Digital economy page's sectors show the project's figures.

The SQLite twin is ``tests/contract/test_sources_breakdowns.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import time_machine
from sqlalchemy import create_engine, text

from data_access import sources
from tests.app.pages import open_page
from tests.app.reading import GOLDEN_MOMENT
from tests.app.test_city_sources_breakdowns_app import _sectors_table, _table
from tests.conftest import PostgresDatabases, city_moment
from tests.contract.test_sources_breakdowns import PASSING, blocks, compare_breakdowns
from tests.sources_city import (
    build_city_warehouse,
    drop_role,
    grant_select_only,
    own_warehouse_without,
    write_city_mapping,
)

pytestmark = pytest.mark.postgres

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def city_pg(
    postgres_databases: PostgresDatabases,
    postgres_admin_url: str,
    demo_warehouse_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Path, Path]]:
    """(SELECT-only reader URL, mapping file with GRDP and the breakdowns, its folder) of a
    city-style PostgreSQL warehouse; the database and the role are dropped afterwards."""
    url = postgres_databases.create("srcbreak_city")
    crosswalk = build_city_warehouse(demo_warehouse_url, url, schema="dw")
    role, reader_url = grant_select_only(url, "dw")
    folder = tmp_path_factory.mktemp("city-pg-breakdowns")
    mapping = write_city_mapping(folder, url, crosswalk, schema="dw", grdp=True, breakdowns=True)
    try:
        yield reader_url, mapping, folder
    finally:
        postgres_databases.drop(url)
        drop_role(postgres_admin_url, role)


def test_the_breakdowns_give_the_project_figures_as_the_select_only_role(
    city_pg, demo_warehouse_url
):
    reader_url, mapping, _ = city_pg
    compare_breakdowns(demo_warehouse_url, reader_url, mapping)


def test_the_check_passes_with_the_breakdowns_as_the_select_only_role(
    city_pg, demo_warehouse_url, monkeypatch, capsys
):
    reader_url, mapping, _ = city_pg
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", reader_url)
    with time_machine.travel(city_moment(TODAY), tick=False):
        code = sources.main(["check", "--mapping", str(mapping), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0, out
    found = blocks(out)
    for name, lines in PASSING.items():
        assert found[name] == lines
    assert out.splitlines()[-1] == "All 8 sources pass every contract."


def test_the_pages_show_the_breakdowns_as_the_select_only_role(
    city_pg, demo_warehouse_url, monkeypatch
):
    reader_url, mapping, folder = city_pg
    declared = [s.indicator for s in sources.load_mapping(mapping).sources]
    own_url = own_warehouse_without(demo_warehouse_url, folder, declared)
    engine = create_engine(own_url)
    try:
        with engine.begin() as conn:  # a city's own schema has no procedure or sector list
            conn.execute(text("DELETE FROM breakdowns"))
    finally:
        engine.dispose()
    with time_machine.travel(GOLDEN_MOMENT, tick=False):
        opened = ("procedures-table-online",)  # the grid is built once opened
        expected_online = open_page(
            monkeypatch, demo_warehouse_url, "online", opened=opened, year="2026"
        )
        expected_economy = open_page(monkeypatch, demo_warehouse_url, "economy", year="2026")
        monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
        monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", reader_url)
        online = open_page(monkeypatch, own_url, "online", opened=opened, year="2026")
        economy = open_page(monkeypatch, own_url, "economy", year="2026")
    table = _table(online, "procedures-online-")
    assert len(table) == 17
    pd.testing.assert_frame_equal(table, _table(expected_online, "procedures-online-"))
    sectors = _sectors_table(economy, "vi")
    assert len(sectors) == 14
    pd.testing.assert_frame_equal(sectors, _sectors_table(expected_economy, "vi"))
    assert not online.error and not economy.error
