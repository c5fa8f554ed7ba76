"""The warehouse on a real PostgreSQL: migrations, the demo build, and the same numbers as SQLite.

Both warehouses are built by the same seeded demo generator with the same last month, so
counts and sums must agree exactly (sums to floating-point precision). Query-level
comparisons of ``data_access`` functions on both backends belong here too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, inspect, select

from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.schema import metadata, observations, published_figures, units
from tests.conftest import DEMO_LAST_MONTH, PostgresDatabases

pytestmark = pytest.mark.postgres


def fetch_all(url: str, statement) -> list[tuple]:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(statement)]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def postgres_demo_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """The demo warehouse built on a fresh PostgreSQL database, once for this module."""
    from demo.build import build_demo_warehouse

    url = postgres_databases.create("dash_demo")
    build_demo_warehouse(url, last_month=DEMO_LAST_MONTH)
    yield url
    postgres_databases.drop(url)


def test_migrations_create_every_table(postgres_url: str) -> None:
    upgrade(postgres_url)

    engine = make_engine(postgres_url)
    try:
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_vietnamese_text_round_trips(postgres_url: str) -> None:
    upgrade(postgres_url)
    name = "Phường Bến Thành – Đặc khu Côn Đảo"
    engine = make_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                units.insert().values(
                    unit_id="test-unit",
                    name_vi=name,
                    name_en="Ben Thanh ward",
                    unit_type="ward",
                    slug="test-unit",
                )
            )
        with engine.connect() as conn:
            stored = conn.execute(select(units.c.name_vi)).scalar_one()
    finally:
        engine.dispose()

    assert stored == name


def test_demo_build_fills_the_warehouse(postgres_demo_url: str) -> None:
    [(unit_count,)] = fetch_all(postgres_demo_url, select(func.count()).select_from(units))
    [(observation_count,)] = fetch_all(
        postgres_demo_url, select(func.count()).select_from(observations)
    )

    assert unit_count > 0
    assert observation_count > 0


def test_unit_counts_by_type_equal_sqlite(postgres_demo_url: str, demo_warehouse_url: str) -> None:
    statement = (
        select(units.c.unit_type, func.count())
        .group_by(units.c.unit_type)
        .order_by(units.c.unit_type)
    )

    assert fetch_all(postgres_demo_url, statement) == fetch_all(demo_warehouse_url, statement)


def test_current_observations_per_indicator_equal_sqlite(
    postgres_demo_url: str, demo_warehouse_url: str
) -> None:
    # One row per indicator: how many current (not superseded) observations it has.
    statement = (
        select(observations.c.indicator_id, func.count())
        .where(observations.c.superseded_at.is_(None))
        .group_by(observations.c.indicator_id)
        .order_by(observations.c.indicator_id)
    )

    on_postgres = fetch_all(postgres_demo_url, statement)
    assert on_postgres, "the demo warehouse has no current observations"
    assert on_postgres == fetch_all(demo_warehouse_url, statement)


def test_current_sums_per_indicator_equal_sqlite(
    postgres_demo_url: str, demo_warehouse_url: str
) -> None:
    # One row per indicator: sums of the current values, numerators and denominators.
    statement = (
        select(
            observations.c.indicator_id,
            func.sum(observations.c.value),
            func.sum(observations.c.numerator),
            func.sum(observations.c.denominator),
        )
        .where(observations.c.superseded_at.is_(None))
        .group_by(observations.c.indicator_id)
        .order_by(observations.c.indicator_id)
    )

    on_postgres = fetch_all(postgres_demo_url, statement)
    on_sqlite = fetch_all(demo_warehouse_url, statement)
    assert [row[0] for row in on_postgres] == [row[0] for row in on_sqlite]
    for pg_row, sqlite_row in zip(on_postgres, on_sqlite, strict=True):
        indicator_id = pg_row[0]
        for pg_sum, sqlite_sum in zip(pg_row[1:], sqlite_row[1:], strict=True):
            # A sum over no values is NULL on both; otherwise only the last bits may differ,
            # since the engines add in different orders.
            if sqlite_sum is None:
                assert pg_sum is None, indicator_id
            else:
                assert pg_sum == pytest.approx(sqlite_sum, rel=1e-9), indicator_id


def test_published_figures_equal_sqlite(postgres_demo_url: str, demo_warehouse_url: str) -> None:
    statement = (
        select(
            published_figures.c.indicator_code,
            func.count(),
            func.min(published_figures.c.period_start),
            func.max(published_figures.c.period_end),
        )
        .group_by(published_figures.c.indicator_code)
        .order_by(published_figures.c.indicator_code)
    )

    assert fetch_all(postgres_demo_url, statement) == fetch_all(demo_warehouse_url, statement)


# --- Every page on PostgreSQL shows what it shows on SQLite -----------------------------------

PAGES_ON_BOTH = {
    "overview": {"year": "2026"},
    "online": {"year": "2026"},
    "satisfaction": {"year": "2025"},
    "disbursement": {"year": "2026"},
    "economy": {"year": "2026"},
    "unit": {"year": "2026", "unit": "26737"},
}


def _page_text(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Every number and word the page shows, tables included (freshness lines aside: the two
    warehouses were loaded at different moments)."""
    from tests.app.reading import html_tables, read_block

    shown = [line for line in read_block(app._tree) if "Cập nhật" not in line]
    for table in app.dataframe:
        shown.append(table.value.to_csv(index=False))
    for plain in html_tables(app).values():  # the plain HTML tables (app_pages/_html_table.py)
        shown.append(plain.to_csv(index=False))
    return shown


@pytest.mark.parametrize("page", list(PAGES_ON_BOTH))
def test_every_page_shows_the_same_figures_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, postgres_demo_url: str, demo_warehouse_url: str, page: str
) -> None:
    from tests.app.pages import open_page

    params = PAGES_ON_BOTH[page]
    on_sqlite = _page_text(open_page(monkeypatch, demo_warehouse_url, page, **params))
    on_postgres = _page_text(open_page(monkeypatch, postgres_demo_url, page, **params))

    assert len(on_sqlite) > 10  # the page drew its figures, not an empty state
    assert on_postgres == on_sqlite
