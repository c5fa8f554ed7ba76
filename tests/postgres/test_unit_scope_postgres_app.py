"""Pages as a ward-scoped user on the demo warehouse built on PostgreSQL (issue 13: "role and
scope tests cover every page and action, on SQLite and PostgreSQL").

The same pages and the same reading as ``tests/app/test_unit_scope_app.py`` (SQLite), on a
demo built on a PostgreSQL database of its own: the scope is applied in SQL, and the two
engines' SQL differs (placeholders, casts, ``DISTINCT ON``), so each is checked. Every
ward's and commune's name comes from independent SQL on that database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from demo.build import build_demo_warehouse
from tests.app.reading import html_tables
from tests.app.test_unit_scope_app import (
    CITY_STEWARD,
    OWN,
    SCOPED_PAGES,
    STEWARD,
    VIEWER,
    _names,
    _open,
    _others_shown,
    _shown,
    data_page_shown,
)
from tests.conftest import DEMO_LAST_MONTH, PostgresDatabases

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def demo_on_postgres(postgres_databases: PostgresDatabases) -> Iterator[str]:
    url = postgres_databases.create("dash_scope")
    build_demo_warehouse(url, last_month=DEMO_LAST_MONTH)
    yield url
    postgres_databases.drop(url)


@pytest.mark.parametrize(("page", "params"), SCOPED_PAGES)
def test_a_ward_scoped_user_sees_no_other_units_detail_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, demo_on_postgres: str, page: str, params: dict[str, str]
) -> None:
    names = _names(demo_on_postgres)
    app = _open(monkeypatch, demo_on_postgres, VIEWER, page, **params)
    shown = _shown(app)
    assert _others_shown(shown, names) == []
    assert names[OWN][0] in shown, page


def test_a_city_wide_viewer_is_shown_other_units_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, demo_on_postgres: str
) -> None:
    """The same reading finds other units for a city-wide account: it can see a leak."""
    names = _names(demo_on_postgres)
    app = _open(monkeypatch, demo_on_postgres, CITY_STEWARD, "online", year="2026", lang="vi")
    assert len(_others_shown(_shown(app), names)) > 10


def test_a_ward_scoped_steward_sees_only_their_unit_on_the_data_page_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, demo_on_postgres: str
) -> None:
    names = _names(demo_on_postgres)
    app = _open(monkeypatch, demo_on_postgres, STEWARD, "data", lang="vi")
    shown = data_page_shown(app)  # every tab, the demo's batches listed too
    assert _others_shown(shown, names) == []
    assert names[OWN][0] in shown


def test_a_link_to_another_unit_says_not_in_your_scope_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, demo_on_postgres: str
) -> None:
    names = _names(demo_on_postgres)
    app = _open(monkeypatch, demo_on_postgres, VIEWER, "unit", unit="26740", lang="en")
    assert _others_shown(_shown(app), names) == []
    assert not app.dataframe and not html_tables(app) and not app.get("plotly_chart")
