"""Fixtures of the unit tests that read and write a warehouse (the data-access rules).

``warehouse``: a small SQLite warehouse (migrated once per test module, with the reference
units and the registry), copied for each test so the test may write; an engine on the copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access import writes
from data_access.engine import make_engine
from data_access.migrate import upgrade


@pytest.fixture(scope="module")
def warehouse_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("warehouse") / "template.sqlite"
    url = f"sqlite:///{path}"
    upgrade(url)
    made = make_engine(url)
    try:
        with made.begin() as conn:
            writes.insert_units(conn, writes.reference_unit_rows())
            writes.sync_registry(conn)
    finally:
        made.dispose()
    return path


@pytest.fixture
def warehouse(warehouse_template: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "w.sqlite"
    with sqlite3.connect(warehouse_template) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    made = make_engine(f"sqlite:///{path}")
    yield made
    made.dispose()
