"""Declared sources on PostgreSQL (issue 14): the city-style warehouse (schema ``dw``, built
from the demo data in another shape) read through a mapping as a role that may only SELECT.

The check command passes as that role, the city figures equal the project's own queries on
the demo, and nothing can be written: not by the role (no grant), and not through the
sources' engine even as a superuser (its sessions are read-only).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import time_machine
from psycopg import sql
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from data_access import queries, sources
from tests.conftest import PostgresDatabases, city_moment
from tests.sources_city import build_city_warehouse, write_city_mapping

pytestmark = pytest.mark.postgres

TODAY = dt.date(2026, 11, 20)


def _autocommit(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@pytest.fixture(scope="module")
def city_pg(
    postgres_databases: PostgresDatabases,
    postgres_admin_url: str,
    demo_warehouse_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, str, Path]]:
    """(owner URL, SELECT-only reader URL, mapping file) of a city-style PostgreSQL warehouse.

    The database and the role are dropped afterwards."""
    url = postgres_databases.create("dash_sources")
    crosswalk = build_city_warehouse(demo_warehouse_url, url, schema="dw")
    # Names and password from random hex: identifiers are quoted by the dialect, and the
    # password (a literal in CREATE ROLE, which takes no bound parameters) is hex only.
    role = f"dash_reader_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    database = make_url(url).database
    assert database is not None
    engine = _autocommit(url)
    try:
        with engine.connect() as conn:
            # DDL takes no bound parameters: psycopg composes the names as identifiers and
            # the password as a literal, so no SQL text is built by string formatting.
            cursor = conn.connection.driver_connection.cursor()
            who = sql.Identifier(role)
            for statement in (
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(who, sql.Literal(password)),
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), who),
                sql.SQL("GRANT USAGE ON SCHEMA dw TO {}").format(who),
                sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA dw TO {}").format(who),
            ):
                cursor.execute(statement)
    finally:
        engine.dispose()
    reader_url = (
        make_url(url).set(username=role, password=password).render_as_string(hide_password=False)
    )
    folder = tmp_path_factory.mktemp("city-pg")
    mapping = write_city_mapping(folder, url, crosswalk, schema="dw")
    try:
        yield url, reader_url, mapping
    finally:
        postgres_databases.drop(url)
        admin = _autocommit(postgres_admin_url)
        try:
            with admin.connect() as conn:
                quoted = conn.dialect.identifier_preparer.quote(role)
                conn.execute(text("DROP ROLE IF EXISTS " + quoted))
        finally:
            admin.dispose()


def test_the_reader_role_cannot_write(city_pg):
    _, reader_url, _ = city_pg
    engine = create_engine(reader_url, poolclass=NullPool)
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("DELETE FROM dw.kinh_te_so_quy"))
        with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("CREATE TABLE dw.x (a int)"))
    finally:
        engine.dispose()


def test_the_sources_engine_is_read_only_even_for_the_owner(city_pg):
    owner_url, _, _ = city_pg
    engine = sources.read_only_engine(owner_url)
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="read-only transaction"):
            conn.execute(text("DELETE FROM dw.kinh_te_so_quy"))
    finally:
        engine.dispose()


def test_the_check_passes_as_the_select_only_role(city_pg, demo_warehouse_url, monkeypatch, capsys):
    _, reader_url, mapping = city_pg
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", reader_url)
    with time_machine.travel(city_moment(TODAY), tick=False):
        code = sources.main(["check", "--mapping", str(mapping), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1] == "All 6 sources pass every contract."
    assert "  PASS units_known: all 183 unit codes resolve to known units" in out


def test_the_city_figures_through_the_role_equal_the_project_queries(city_pg, demo_warehouse_url):
    _, reader_url, mapping_file = city_pg
    mapping = sources.load_mapping(mapping_file)
    demo = create_engine(demo_warehouse_url)
    city = sources.read_only_engine(reader_url)
    try:
        with demo.connect() as demo_conn, city.connect() as city_conn:
            for source in mapping.sources:
                expected = queries.scope_series(demo_conn, source.indicator)
                got = sources.city_series(city_conn, source)
                assert list(got["period_month"]) == list(expected["period_month"]), source
                np.testing.assert_allclose(got["value"], expected["value"], rtol=1e-12)
                np.testing.assert_allclose(got["numerator"], expected["numerator"], rtol=1e-12)
    finally:
        demo.dispose()
        city.dispose()


def test_an_unreachable_postgres_source_fails_and_the_others_pass(
    city_pg, demo_warehouse_url, monkeypatch, capsys, tmp_path
):
    _, reader_url, mapping_file = city_pg
    text_ = mapping_file.read_text(encoding="utf-8").replace(
        "connection: city_dw\n    freshness_days: 112",
        "connection: archive\n    freshness_days: 112",
    )
    (tmp_path / "m.yaml").write_text(text_, encoding="utf-8")
    (tmp_path / "ma_don_vi.csv").write_bytes((mapping_file.parent / "ma_don_vi.csv").read_bytes())
    nowhere = make_url(reader_url).set(port=1).render_as_string(hide_password=False)
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", reader_url)
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "ARCHIVE", nowhere)
    with time_machine.travel(city_moment(TODAY), tick=False):
        code = sources.main(["check", "--mapping", str(tmp_path / "m.yaml"), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "  FAIL reachable: the source cannot be reached through connection archive: " in out
    assert out.count("  FAIL ") == 1
    assert out.splitlines()[-1] == "1 sources fail their contracts: digital_economy_share_grdp"
