"""The warehouse URL's precedence, each dialect's connection settings and the health
check's states and details (``data_access.engine``), each stated with its expected value."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from data_access import engine as engine_module
from data_access.engine import WarehouseState, database_url, inspect_warehouse, make_engine


def test_the_url_comes_from_the_environment_then_the_secrets_then_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:///env.sqlite")
    assert database_url(None) == "sqlite:///env.sqlite"
    assert database_url("sqlite:///secrets.sqlite") == "sqlite:///env.sqlite"
    monkeypatch.delenv("DASHBOARD_DB_URL")
    assert database_url("sqlite:///secrets.sqlite") == "sqlite:///secrets.sqlite"
    assert database_url(None) == engine_module.default_url()


def _connect_params(url: str) -> dict[str, object]:
    """The keyword arguments the engine hands the driver on its first connection."""
    made = make_engine(url)
    seen: dict[str, object] = {}

    @event.listens_for(made, "do_connect")
    def _capture(dialect, record, cargs, cparams):  # type: ignore[no-untyped-def]
        seen.update(cparams)

    try:
        with made.connect():
            pass
    except OperationalError:
        pass  # nothing listens on the PostgreSQL port: the parameters were seen anyway
    finally:
        made.dispose()
    return seen


def test_sqlite_waits_30_seconds_for_a_lock_and_makes_the_files_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "w.sqlite"
    params = _connect_params(f"sqlite:///{path}")
    assert params.get("timeout") == 30
    assert path.exists()


def test_postgresql_gets_a_statement_limit_a_connect_timeout_and_pre_ping() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    params = _connect_params(url)
    # 30,000 ms for a statement; 5 s to connect.
    assert params.get("options") == "-c statement_timeout=30000"
    assert params.get("connect_timeout") == 5
    made = make_engine(url)
    try:
        assert made.pool._pre_ping is True
    finally:
        made.dispose()


def _warehouse(tmp_path: Path, rows: list[str | None]) -> str:
    path = tmp_path / "w.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE observations (value REAL, superseded_at TEXT)")
        conn.executemany(
            "INSERT INTO observations VALUES (1.0, ?)", [(superseded,) for superseded in rows]
        )
    return f"sqlite:///{path}"


def test_a_warehouse_with_a_current_row_is_ready(tmp_path: Path) -> None:
    assert inspect_warehouse(_warehouse(tmp_path, [None])) == (WarehouseState.READY, "")


def test_a_warehouse_with_only_superseded_rows_is_empty(tmp_path: Path) -> None:
    url = _warehouse(tmp_path, ["2026-11-01"])
    assert inspect_warehouse(url) == (WarehouseState.EMPTY, "")


def test_a_bad_urls_detail_is_cut_at_300_characters() -> None:
    # An unknown dialect of 400 letters: the message names it, and is cut.
    state, detail = engine_module.url_problem("x" * 400 + "://u@h/db")
    assert state is WarehouseState.INVALID_URL
    assert len(detail) == 300


def test_an_in_memory_sqlite_url_makes_no_folder() -> None:
    made = make_engine("sqlite://")  # no file name: nothing to make, and no error
    try:
        with made.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        made.dispose()
