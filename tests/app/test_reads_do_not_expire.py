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
