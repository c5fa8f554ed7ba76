"""Reads of the loaded data are kept for as long as the data version holds (issue 12).

They were kept ``TTL_SECONDS`` (5 minutes): the first visitor after that re-sent every
statement of the page (at tier M on PostgreSQL, seconds), until the warm-up's next pass
re-read them. A read keyed on a data version now never expires by time; one made without
a version (it could not be read) still does. Streamlit's cache clock (``TTLCACHE_TIMER``,
read when a cache is made) and the wall clock are moved by hand here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from streamlit.runtime.caching import cache_utils

from data_access import cached
from data_access.queries import UnitFilter
from tests.ingest.warehouse import copy_sqlite

ONLINE = "online_dossier_share"
OCTOBER = dt.date(2026, 10, 1)
START = dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)


class _Clock:
    """Streamlit's cache clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(demo_warehouse_url, tmp_path, monkeypatch, time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(START, tick=False)
    monkeypatch.setenv("DASHBOARD_DB_URL", copy_sqlite(demo_warehouse_url, str(tmp_path / "w.db")))
    monkeypatch.setenv("DASHBOARD_WARM_UP", "0")
    timer = _Clock()
    monkeypatch.setattr(cache_utils, "TTLCACHE_TIMER", timer)
    cached.forget_reads()  # the caches are made again, on the clock above
    cached._forget_versions()
    yield timer
    cached.forget_reads()
    cached._forget_versions()


@pytest.fixture
def data_reads():  # type: ignore[no-untyped-def]
    """The statements sent that read loaded figures (not the data version's, which reads
    ``load_batches`` alone and is asked for on every call)."""
    sent: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if "observations" in statement:
            sent.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield sent
    event.remove(Engine, "before_cursor_execute", record)


def _read_the_page() -> None:
    """What an indicator page reads: the city's series, the units' standing and ranking,
    and the latest year with data."""
    cached.scope_series(ONLINE, UnitFilter(), scope=None)
    cached.unit_standing(ONLINE, 2026, OCTOBER, UnitFilter(), scope=None)
    cached.unit_ranking(ONLINE, 2026, OCTOBER, UnitFilter(), scope=None)
    cached.latest_data_year(OCTOBER)


def test_a_read_at_a_data_version_is_not_sent_again_after_the_time_limit(
    clock, data_reads, time_machine
):
    _read_the_page()
    first = len(data_reads)
    assert first >= 4  # one statement at least per read
    _read_the_page()
    assert len(data_reads) == first  # kept, as before

    # An hour later on both clocks, the data unchanged: nothing is read again.
    clock.now += 12 * cached.TTL_SECONDS
    time_machine.shift(dt.timedelta(hours=1))
    cached._forget_versions()  # the version is read again, and is the same
    _read_the_page()
    assert len(data_reads) == first, data_reads[first:]


def test_a_read_without_a_data_version_is_sent_again_after_the_time_limit(
    clock, data_reads, time_machine, monkeypatch
):
    monkeypatch.setattr(cached, "data_version", lambda: None)
    cached.scope_series(ONLINE, UnitFilter(), scope=None)
    first = len(data_reads)
    assert first >= 1
    cached.scope_series(ONLINE, UnitFilter(), scope=None)
    assert len(data_reads) == first

    clock.now += cached.TTL_SECONDS + 1
    time_machine.shift(dt.timedelta(seconds=cached.TTL_SECONDS + 1))
    cached.scope_series(ONLINE, UnitFilter(), scope=None)
    assert len(data_reads) == 2 * first


def test_a_new_data_version_is_read_at_once():
    # By hand: the key is the version itself, so a new version is a new key.
    assert cached.read_key((10, 20, 0, "")) == (10, 20, 0, "")
    assert cached.read_key((10, 21, 0, "")) != cached.read_key((10, 20, 0, ""))


def test_the_warm_up_keeps_the_gate_checked_so_no_visitor_waits_for_the_check(clock, monkeypatch):
    """The gate's check of the warehouse (kept ``GATE_CHECK_SECONDS``) is made by the
    warm-up at the start and the end of each pass: a visitor during a long pass, and one
    just before the next pass, find it kept. It was kept 30 s, the pause between passes,
    and checked only by the pages: after a pass of 20-30 s (tier L), the first visitors
    checked it themselves."""
    checks: list[float] = []
    real = cached.inspect_warehouse

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        checks.append(clock.now)
        return real(*args, **kwargs)

    monkeypatch.setattr(cached, "inspect_warehouse", counted)
    pass_seconds = cached.GATE_CHECK_SECONDS - 5
    seen_in_pass: list[int] = []

    def compute() -> None:
        clock.now += pass_seconds  # a long pass: the check made at its start still holds
        seen_in_pass.append(len(checks))
        assert cached.warehouse_state()[0] is cached.WarehouseState.READY
        seen_in_pass.append(len(checks))

    def then() -> None:
        clock.now += pass_seconds  # the other pages' part: longer than the time kept

    assert cached.warm_up(compute, then) is not None
    assert seen_in_pass == [1, 1], "the pass checked at its start; the visitor did not"
    assert len(checks) == 2, "and again at its end"
    clock.now += cached.VERSION_CHECK_SECONDS  # the pause until the next pass
    assert cached.warehouse_state()[0] is cached.WarehouseState.READY
    assert len(checks) == 2, "a visitor just before the next pass finds the check kept"
    clock.now += cached.GATE_CHECK_SECONDS  # no warm-up running: the pages check it
    cached.warehouse_state()
    assert len(checks) == 3
