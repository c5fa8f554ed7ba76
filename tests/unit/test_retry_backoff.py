"""Tries at a warehouse that stopped answering back off: 5, 10, 20, 40, then every 60 s;
one try per process when due, and a try that succeeds ends the outage."""

from __future__ import annotations

import dataclasses
import shutil
import time

import pytest

from data_access import cached
from tests.conftest import _free_port


def test_the_delays_double_from_five_seconds_up_to_a_minute():
    assert [cached.retry_delay(n) for n in range(9)] == [0, 5, 10, 20, 40, 60, 60, 60, 60]
    assert cached.retry_delay(10_000) == 60


def _due(url: str) -> None:
    """Make the next try due now (as if its delay had passed)."""
    known = cached._outages[url]
    cached._outages[url] = dataclasses.replace(known, next_try_at=time.monotonic())


@pytest.fixture
def nobody_answers(monkeypatch):
    """A PostgreSQL URL on a port where nothing listens (connection refused at once)."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/nothing"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    yield url
    cached._forget_outages()


def test_failed_tries_put_the_next_one_further_off(nobody_answers):
    url = nobody_answers
    assert cached.outage() is None
    assert cached.try_warehouse_again(), "no outage known: nothing to wait for"

    cached._mark_down(url)
    first = cached.outage()
    assert first is not None and first.failures == 1
    assert first.next_try_at - time.monotonic() == pytest.approx(5, abs=1)

    # Not due yet: no try, nothing changes.
    assert not cached.try_warehouse_again()
    assert cached.outage() == first

    # Other reads failing meanwhile do not count as tries.
    cached._mark_down(url)
    assert cached.outage() == first

    for failures, delay in ((2, 10), (3, 20), (4, 40), (5, 60), (6, 60)):
        _due(url)
        assert not cached.try_warehouse_again()
        known = cached.outage()
        assert known is not None
        assert known.failures == failures
        assert known.since == first.since, "since when the outage started, not the last try"
        assert known.next_try_at - time.monotonic() == pytest.approx(delay, abs=1)


def test_a_try_that_succeeds_ends_the_outage(monkeypatch, tmp_path):
    from data_access.migrate import upgrade

    path = tmp_path / "warehouse.sqlite"
    url = f"sqlite:///{path}"
    upgrade(url)  # an empty warehouse has a data version too
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    hidden = tmp_path / "hidden.sqlite"
    try:
        cached._mark_down(url)
        _due(url)
        shutil.move(path, hidden)  # the file gone: the try fails
        path.mkdir()  # a directory where the file was: SQLite cannot open it
        assert not cached.try_warehouse_again()
        assert cached.outage() is not None and cached.outage().failures == 2
        path.rmdir()
        shutil.move(hidden, path)
        assert not cached.try_warehouse_again(), "back, but the next try is not due yet"
        _due(url)
        assert cached.try_warehouse_again()
        assert cached.outage() is None
    finally:
        cached._forget_outages()
        cached.engine_for.clear()


def test_one_query_failing_on_its_own_is_no_outage(monkeypatch, tmp_path):
    """A query that fails while the warehouse answers (a missing table, a statement timeout)
    keeps its last result, but puts no page under the outage banner."""
    from sqlalchemy.exc import OperationalError

    from data_access.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    upgrade(url)
    monkeypatch.setenv("DASHBOARD_DB_URL", url)

    def failing():
        raise OperationalError("SELECT * FROM gone", {}, Exception("no such table: gone"))

    try:
        with pytest.raises(cached.WarehouseUnavailableError):
            cached._fetch(("one query", url), failing)
        assert cached.outage() is None
        tmp_path.joinpath("warehouse.sqlite").unlink()
        tmp_path.joinpath("warehouse.sqlite").mkdir()  # now nothing can be read from it
        cached.engine_for.clear()
        with pytest.raises(cached.WarehouseUnavailableError):
            cached._fetch(("one query", url), failing)
        assert cached.outage() is not None
    finally:
        cached._forget_outages()
        cached.engine_for.clear()
