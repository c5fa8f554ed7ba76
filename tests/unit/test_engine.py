"""The warehouse URL and the health check (data_access/engine.py), on SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access.engine import (
    WarehouseState,
    default_url,
    describe_url,
    inspect_warehouse,
    make_engine,
    url_problem,
)
from data_access.migrate import upgrade


def test_a_usable_url_has_no_problem(tmp_path: Path) -> None:
    existing = tmp_path / "there.sqlite"
    existing.write_bytes(b"")
    assert url_problem(f"sqlite:///{existing}") is None
    assert url_problem("sqlite:///:memory:") is None
    assert url_problem("sqlite://") is None
    assert url_problem("postgresql+psycopg://user@127.0.0.1:1/db") is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "Could not parse SQLAlchemy URL from given URL string"),
        ("nosuchdb://user@host/db", "Can't load plugin: sqlalchemy.dialects:nosuchdb"),
    ],
)
def test_a_url_that_is_not_usable_says_why_in_one_line(url: str, says: str) -> None:
    state, detail = url_problem(url)  # type: ignore[misc]
    assert state is WarehouseState.INVALID_URL
    assert detail.startswith(says) and "\n" not in detail and len(detail) <= 300


def test_a_missing_sqlite_file_is_named_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "absent" / "warehouse.sqlite"
    assert url_problem(f"sqlite:///{path}") == (WarehouseState.MISSING_FILE, str(path))
    assert inspect_warehouse(f"sqlite:///{path}") == (WarehouseState.MISSING_FILE, str(path))
    assert not path.exists() and not path.parent.exists()


def test_the_states_of_a_warehouse_from_empty_file_to_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    first = make_engine(url)
    with first.connect():  # creates the file, no tables
        pass
    first.dispose()
    assert inspect_warehouse(url) == (WarehouseState.NOT_MIGRATED, "observations")
    upgrade(url)
    assert inspect_warehouse(url) == (WarehouseState.EMPTY, "")
    engine = make_engine(url)
    try:
        assert inspect_warehouse(url, engine) == (WarehouseState.EMPTY, "")
        # A given engine is the caller's: it still works after the check.
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        engine.dispose()


def test_an_unreachable_server_is_said_in_one_line() -> None:
    state, detail = inspect_warehouse("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert state is WarehouseState.UNREACHABLE
    assert "127.0.0.1" in detail and "\n" not in detail and len(detail) <= 300


def test_urls_are_shown_without_passwords() -> None:
    assert describe_url("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"
    assert describe_url("not a url") == "(not a database URL)"
    assert default_url().startswith("sqlite:///") and default_url().endswith("var/warehouse.sqlite")
