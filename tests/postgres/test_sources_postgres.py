"""Declared sources on PostgreSQL (issue 14): the city-style warehouse (schema ``dw``, built
from the demo data in another shape) read through a mapping as a role that may only SELECT.

The check command passes as that role, the city figures equal the project's own queries on
the demo, and nothing can be written: not by the role (no grant), and not through the
sources' engine even as a superuser (its sessions are read-only).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import time_machine
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from data_access import queries, sources
from tests.app.pages import open_page
from tests.app.reading import GOLDEN_MOMENT, find_block, read_view, run_overview
from tests.app.test_city_sources_figures_app import all_slides, briefing_made
from tests.app.test_disbursement_city_sources_app import _figure, _map_points, _traces
from tests.app.test_meeting_app import open_meeting
from tests.app.test_overview_city_sources_app import _without_demo_notes
from tests.conftest import PostgresDatabases, city_moment
from tests.contract.test_sources_city_shape import CUMULATIVE_FILTERS, FILTERS, same_frame
from tests.sources_city import (
    CITY_TABLES,
    PUBLIC_DEFAULTS_REVOKED,
    READER_GRANTS,
    build_city_warehouse,
    drop_role,
    grant_select_only,
    own_warehouse_without,
    write_city_mapping,
)

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
    role, reader_url = grant_select_only(url, "dw")
    folder = tmp_path_factory.mktemp("city-pg")
    mapping = write_city_mapping(folder, url, crosswalk, schema="dw")
    try:
        yield url, reader_url, mapping
    finally:
        postgres_databases.drop(url)
        drop_role(postgres_admin_url, role)


WRITES = (
    "INSERT INTO dw.kinh_te_so_quy VALUES ('HCM-TP', DATE '2026-12-31', 1, 2)",
    "UPDATE dw.chi_so_hanh_chinh_thang SET dung_han = 0",
    "DELETE FROM dw.kinh_te_so_quy",
    "TRUNCATE dw.ho_so_chi_tiet",
    "CREATE TABLE dw.x (a int)",
    "CREATE TABLE public.x (a int)",
    "CREATE TEMPORARY TABLE x (a int)",
    "CREATE SCHEMA x",
)
"""A write of every kind a session could attempt: rows, tables, a temporary table (a
privilege every role has by default, revoked in the fixture's database) and a schema."""


@pytest.mark.parametrize("statement", WRITES)
def test_the_reader_role_cannot_write(city_pg, statement):
    """The fixture is honest: its role really has SELECT only (not read-only sessions here,
    a plain engine), so every write is refused by PostgreSQL's grants."""
    _, reader_url, _ = city_pg
    engine = create_engine(reader_url, poolclass=NullPool)
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text(statement))
    finally:
        engine.dispose()


def test_the_reader_role_has_exactly_the_readme_grants(city_pg):
    """Its privileges, as PostgreSQL reports them: SELECT on the eight city tables and no
    other table privilege, USAGE and not CREATE on the schema, CONNECT and not CREATE or
    TEMPORARY on the database."""
    owner_url, reader_url, _ = city_pg
    role = make_url(reader_url).username
    database = make_url(owner_url).database
    engine = create_engine(owner_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            grants = conn.execute(
                text(
                    "SELECT table_schema, table_name, privilege_type "
                    "FROM information_schema.role_table_grants WHERE grantee = :role "
                    "ORDER BY table_name"
                ),
                {"role": role},
            ).all()
            checks = conn.execute(
                text(
                    "SELECT has_schema_privilege(:role, 'dw', 'USAGE'), "
                    "has_schema_privilege(:role, 'dw', 'CREATE'), "
                    "has_schema_privilege(:role, 'public', 'USAGE'), "
                    "has_database_privilege(:role, :db, 'CONNECT'), "
                    "has_database_privilege(:role, :db, 'CREATE'), "
                    "has_database_privilege(:role, :db, 'TEMPORARY')"
                ),
                {"role": role, "db": database},
            ).one()
    finally:
        engine.dispose()
    assert [tuple(row) for row in grants] == [
        ("dw", "chi_so_hanh_chinh_thang", "SELECT"),
        ("dw", "danh_muc_tthc", "SELECT"),
        ("dw", "giai_ngan_nguon_von", "SELECT"),
        ("dw", "grdp_nganh_quy", "SELECT"),
        ("dw", "ho_so_chi_tiet", "SELECT"),
        ("dw", "ho_so_tthc", "SELECT"),
        ("dw", "ke_hoach_von", "SELECT"),
        ("dw", "kinh_te_so_quy", "SELECT"),
    ]
    assert tuple(checks) == (True, False, False, True, False, False)


def test_the_readme_gives_the_grants_the_tests_use():
    """The README's statements are the fixture's (:data:`READER_GRANTS`), for the role
    ``dashboard_reader`` on the city's database ``dw``, schema ``dw``."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    tables = ", ".join(f"dw.{name}" for name in CITY_TABLES)
    names = {"role": "dashboard_reader", "database": "dw", "schema": "dw", "tables": tables}
    lines = [
        template.format(password="'…'", **names)
        for template in (*READER_GRANTS, *PUBLIC_DEFAULTS_REVOKED)
    ]
    for line in lines:
        assert "\n" + line + "\n" in readme, line


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
    assert out.splitlines()[-1] == "All 7 sources pass every contract."
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
                if source.is_cumulative:  # disbursement: plan years, investors carried
                    got = sources.cumulative_series(city_conn, source)
                    for name in ("period_year", "n_units", "n_expected"):
                        assert list(got[name]) == list(expected[name]), (source, name)
                    np.testing.assert_allclose(
                        got["denominator"], expected["denominator"], rtol=1e-12
                    )
                else:
                    got = sources.city_series(city_conn, source)
                assert list(got["period_month"]) == list(expected["period_month"]), source
                np.testing.assert_allclose(got["value"], expected["value"], rtol=1e-12)
                np.testing.assert_allclose(got["numerator"], expected["numerator"], rtol=1e-12)
    finally:
        demo.dispose()
        city.dispose()


def test_filtered_scopes_and_groups_through_the_role_equal_the_project_queries(
    city_pg, demo_warehouse_url
):
    """A filtered scope's series, the groups' monthly series and the groups' standing, from
    the sums per city code and month the SELECT-only role reads (``date_trunc`` in
    PostgreSQL), equal the project's own queries on the demo (the SQLite twin is
    ``tests/contract/test_sources_city_shape.py``)."""
    _, reader_url, mapping_file = city_pg
    mapping = sources.load_mapping(mapping_file)
    demo = create_engine(demo_warehouse_url)
    city = sources.read_only_engine(reader_url)
    compared = 0
    try:
        with demo.connect() as demo_conn, city.connect() as city_conn:
            units = queries.unit_list(demo_conn)
            for source in mapping.sources:
                if source.is_cumulative:
                    continue  # disbursement: its filtered scopes are read from the own schema
                code = source.indicator
                sums = sources.unit_month_sums(city_conn, source)
                for unit_filter in FILTERS:
                    label = f"{code} {unit_filter}"
                    got = sources.as_filtered_series(sums, source, units, unit_filter)
                    same_frame(got, queries.scope_series(demo_conn, code, unit_filter), label)
                    compared += len(got)
                    same_frame(
                        sources.as_series_by_group(sums, source, units, unit_filter),
                        queries.series_by_group(demo_conn, code, unit_filter),
                        "groups " + label,
                    )
                    year, through = 2026, dt.date(2026, 10, 1)
                    standing = sources.as_unit_standing(
                        sources.unit_sums(city_conn, source, year, through),
                        source,
                        units,
                        unit_filter,
                    )
                    same_frame(
                        sources.as_group_standing(standing),
                        queries.group_standing(demo_conn, code, year, through, unit_filter),
                        "standing " + label,
                    )
    finally:
        demo.dispose()
        city.dispose()
    assert compared > 1000


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


# --- the app on a SELECT-only source, its own schema elsewhere --------------------------------

GOLDEN = yaml.safe_load(
    (Path(__file__).parents[1] / "golden" / "overview_demo.yaml").read_text(encoding="utf-8")
)["views"]
DECLARED_HEADLINES = (
    "online_dossier_share",
    "satisfaction_rate",
    "public_investment_disbursement",
    "digital_economy_share_grdp",
)
PAGES_READING_SOURCES: tuple[tuple[str, dict[str, str]], ...] = (
    ("online", {"year": "2026"}),
    ("satisfaction", {"year": "2026"}),
    ("economy", {"year": "2026"}),
    ("disbursement", {"year": "2026"}),
    ("briefing", {"year": "2026"}),
    ("meeting", {"year": "2026"}),
    ("unit", {"year": "2026", "unit": "26737"}),
    ("data", {}),
    ("governance", {}),
)
"""Every page that reads an indicator's whole-city series or the sources' health."""


def _city_state(owner_url: str) -> dict[str, object]:
    """What the city's database holds and what was ever written to it, read as its owner:
    per table its row count and a digest of its rows, the rows inserted, updated and deleted
    since the statistics began (counted even when rolled back), and its relations."""
    engine = create_engine(owner_url, poolclass=NullPool)
    state: dict[str, object] = {}
    try:
        with engine.connect() as conn:
            quote = conn.dialect.identifier_preparer.quote
            for name in CITY_TABLES:
                state[name] = tuple(
                    conn.execute(
                        text(
                            "SELECT COUNT(*), md5(COALESCE(string_agg(t::text, '|' "
                            "ORDER BY t::text), '')) FROM dw." + quote(name) + " AS t"
                        )
                    ).one()
                )
            state["writes"] = [
                tuple(row)
                for row in conn.execute(
                    text(
                        "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del "
                        "FROM pg_stat_user_tables ORDER BY relname"
                    )
                )
            ]
            state["relations"] = [
                tuple(row)
                for row in conn.execute(
                    text(
                        "SELECT n.nspname, c.relname FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                        "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2"
                    )
                )
            ]
    finally:
        engine.dispose()
    return state


def _settled_city_state(owner_url: str) -> dict[str, object]:
    """:func:`_city_state` once two reads a second apart agree (a backend that has just
    closed may still be flushing its statistics)."""
    state = _city_state(owner_url)
    for _ in range(10):
        time.sleep(1)
        again = _city_state(owner_url)
        if again == state:
            return state
        state = again
    raise AssertionError("the city database's statistics did not settle")


@pytest.fixture
def select_only_deployment(city_pg, demo_warehouse_url, tmp_path, monkeypatch):
    """The app's own schema in another database (a private SQLite copy of the demo, where
    it writes, without the declared indicators' rows) via DASHBOARD_DB_URL; the mapping's
    connection ``city_dw`` logs in as the SELECT-only role. Returns (owner URL, own URL)."""
    owner_url, reader_url, mapping = city_pg
    declared = [s.indicator for s in sources.load_mapping(mapping).sources]
    assert set(DECLARED_HEADLINES) <= set(declared)
    own_url = own_warehouse_without(demo_warehouse_url, tmp_path, declared)
    monkeypatch.setenv("DASHBOARD_DB_URL", own_url)
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", reader_url)
    return owner_url, own_url


def test_the_app_works_on_a_select_only_source_and_writes_nothing_there(
    select_only_deployment, monkeypatch, time_machine, capsys
):
    owner_url, own_url = select_only_deployment
    before = _settled_city_state(owner_url)
    time_machine.move_to(GOLDEN_MOMENT)

    # The check command, as the reader, against the app's own unit list.
    code = sources.main(["check", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1] == "All 7 sources pass every contract."

    # The Overview's declared tiles: the golden figures, read through the reader role (the
    # own schema has none of their rows).
    golden = GOLDEN["2026 en"]
    app = run_overview(monkeypatch, own_url, **golden["query"])
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    seen = read_view(app, tuple(golden["tiles"]))
    for code_ in DECLARED_HEADLINES:
        assert any(line.startswith("metric:") for line in seen["tiles"][code_]), code_
        assert _without_demo_notes(seen["tiles"][code_]) == _without_demo_notes(
            golden["tiles"][code_]
        ), code_
    # The attention list: units ranked through the reader role too (PostgreSQL's sums).
    assert seen["attention"] == golden["attention"]
    # Every other page that reads a declared source: rendered, nothing refused or broken.
    for page, params in PAGES_READING_SOURCES:
        app = open_page(monkeypatch, own_url, page, lang="en", **params)
        assert not app.error, (page, [e.value for e in app.error])
        assert find_block(app, "not-assessable-online_dossier_share") is None, page

    # Every source still passes as the reader (a refused SELECT would fail `reachable` or
    # `columns`), and the city's database is as it was: no row, table or statistic moved.
    health = sources.check_health()
    assert [r.indicator for r in health.reports if not r.passed] == []
    assert len(health.reports) == 7
    assert _settled_city_state(owner_url) == before


# --- disbursement's scopes, the map, meeting mode and the briefing through the role -------------


def test_disbursement_scopes_and_groups_through_the_role_equal_the_project_queries(
    city_pg, demo_warehouse_url
):
    """Disbursement (cumulative) through the SELECT-only role: a filtered scope's series,
    the groups' monthly series (the former provinces' curves) and the groups' standing,
    with the carry-forward summed in PostgreSQL, equal the project's own queries on the
    demo (the SQLite twin is in ``tests/contract/test_sources_city_shape.py``)."""
    _, reader_url, mapping_file = city_pg
    (source,) = (s for s in sources.load_mapping(mapping_file).sources if s.is_cumulative)
    code = source.indicator
    demo = create_engine(demo_warehouse_url)
    city = sources.read_only_engine(reader_url)
    compared = 0
    try:
        with demo.connect() as demo_conn, city.connect() as city_conn:
            units = queries.unit_list(demo_conn)
            for unit_filter in [queries.UnitFilter(), *CUMULATIVE_FILTERS]:
                label = f"{code} {unit_filter}"
                scope = sources.cumulative_code_groups(source, units, unit_filter, by_group=False)
                got = sources.as_cumulative_scope_series(
                    sources.cumulative_group_sums(city_conn, source, scope)
                )
                same_frame(got, queries.scope_series(demo_conn, code, unit_filter), label)
                compared += len(got)
                groups = sources.cumulative_code_groups(source, units, unit_filter, by_group=True)
                same_frame(
                    sources.as_cumulative_series_by_group(
                        sources.cumulative_group_sums(city_conn, source, groups)
                    ),
                    queries.series_by_group(demo_conn, code, unit_filter),
                    "groups " + label,
                )
                year, through = 2026, dt.date(2026, 10, 1)
                standing = sources.as_unit_standing(
                    sources.cumulative_unit_sums(city_conn, source, year, through),
                    source,
                    units,
                    unit_filter,
                )
                same_frame(
                    sources.as_group_standing(standing),
                    queries.group_standing(demo_conn, code, year, through, unit_filter),
                    "standing " + label,
                )
    finally:
        demo.dispose()
        city.dispose()
    assert compared > 100


def test_the_disbursement_page_map_meeting_and_briefing_through_the_role(
    select_only_deployment, demo_warehouse_url, monkeypatch, time_machine
):
    """Through the SELECT-only role: the Disbursement page in a former province (metrics,
    investors, the map's points, the S-curve) and the whole city (the former provinces'
    curves), every meeting slide, and the briefing's texts and charts equal the same made
    on the demo warehouse itself (the SQLite twins: ``tests/app/test_disbursement_city_
    sources_app.py`` and ``tests/app/test_city_sources_figures_app.py``)."""
    _, own_url = select_only_deployment
    mapping = Path(os.environ[sources.SOURCES_FILE_VARIABLE])
    reader_url = os.environ[sources.SOURCE_URL_PREFIX + "CITY_DW"]
    time_machine.move_to(GOLDEN_MOMENT)
    # The charts' data are read from the plotly figure sent (as the SQLite twin does); the
    # same figures drawn as SVG: tests/unit/test_figure_svg.py, tests/app/test_svg_figures_app.py.
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")

    def on_demo() -> None:
        monkeypatch.delenv(sources.SOURCES_FILE_VARIABLE, raising=False)
        monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)

    def through_role() -> None:
        monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
        monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", reader_url)
        monkeypatch.setenv("DASHBOARD_DB_URL", own_url)

    opened = ("map-open-disbursement",)  # the map is built once its expander is opened
    for params in ({"province": "binh_duong"}, {}):
        on_demo()
        expected = open_page(
            monkeypatch, demo_warehouse_url, "disbursement", opened=opened, year="2026", **params
        )
        through_role()
        app = open_page(monkeypatch, own_url, "disbursement", opened=opened, year="2026", **params)
        assert not app.error, [e.value for e in app.error]
        assert [(m.label, m.value) for m in app.metric] == [
            (m.label, m.value) for m in expected.metric
        ]
        assert _map_points(app) == _map_points(expected)
        keys = ("scurve", "investors") if params else ("scurve-provinces",)
        for key in keys:
            assert _traces(_figure(app, key)) == _traces(_figure(expected, key)), key

    query = {"year": "2026", "lang": "en", "interval": "600", "province": "binh_duong"}
    on_demo()
    expected_slides = all_slides(open_meeting(monkeypatch, demo_warehouse_url, **query))
    through_role()
    slides = all_slides(open_meeting(monkeypatch, own_url, **query))
    assert len(slides) >= 4
    assert slides == expected_slides

    for unit_filter in (queries.UnitFilter(), queries.UnitFilter(former_provinces=("binh_duong",))):
        on_demo()
        expected_briefing = briefing_made(monkeypatch, unit_filter, "vi")
        through_role()
        got = briefing_made(monkeypatch, unit_filter, "vi")
        assert got["shown"] == 4 and len(got["charts"]) == 8
        assert got == expected_briefing
