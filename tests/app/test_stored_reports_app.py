"""A restart reads the backtests instead of refitting them (issue 12: "the first visit after
a restart within 1.2× of a warm one"; ``data_access.stored_reports``, migration 0007_perf).

A restart is simulated by forgetting every in-process cache and version (what a new
process starts with); the warehouse keeps what the first warm-up stored. Computations are
counted as in ``tests/app/test_warm_up_app.py``. Each test works on its own copy of the
demo warehouse, with the store turned on (the suite turns it off elsewhere).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app_pages import _warm_up
from data_access import cached, sources
from data_access.engine import make_engine
from data_access.queries import UnitFilter
from metrics.registry import HEADLINE_CODES
from tests.app.reading import GOLDEN_MOMENT, tile_metrics
from tests.app.test_warm_up_app import Counts, _overview
from tests.contract.test_stored_reports import assert_same_report
from tests.ingest.warehouse import copy_sqlite
from tests.sources_city import build_city_warehouse, own_warehouse_without, write_city_mapping


@pytest.fixture
def url(demo_warehouse_url, tmp_path, monkeypatch) -> str:
    copy = copy_sqlite(demo_warehouse_url, str(tmp_path / "stored.sqlite"))
    monkeypatch.setenv("DASHBOARD_DB_URL", copy)
    monkeypatch.setenv(cached.STORED_REPORTS_VARIABLE, "1")
    _restart()
    yield copy
    _restart()


def _restart() -> None:
    """What a new server process starts with: no cached figure, no version read."""
    cached.forget_reads()
    cached._forget_versions()


def _reports() -> dict[str, object]:
    """The headline indicators' backtests as the pages get them (city, whole series)."""
    return {
        code: cached.backtest_report(
            cached.scope_series(code, UnitFilter(), scope=None).frame, code
        )
        for code in HEADLINE_CODES
    }


def _rows(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("stored_reports"):
                return []
            found = conn.execute(
                text("SELECT indicator_code, data_version FROM stored_reports ORDER BY 1")
            )
            return [(row[0], row[1]) for row in found]
    finally:
        engine.dispose()


def test_after_a_restart_the_warm_up_refits_nothing_and_the_first_visit_computes_nothing(
    url, monkeypatch, time_machine, caplog
):
    time_machine.move_to(GOLDEN_MOMENT)
    counts = Counts(monkeypatch)
    first = _warm_up.warm_up()
    assert first is not None
    assert counts.backtests == 4
    fresh = _reports()  # the ones just computed (read from this process's cache)
    assert [code for code, _ in _rows(url)] == sorted(HEADLINE_CODES)

    _restart()
    counts.reset()
    again = _warm_up.warm_up()
    assert again is not None and again.version == first.version
    # Before stored_reports a restart refitted all four (4 backtests here).
    assert counts.backtests == 0, "a restart reads the stored backtests"
    assert counts.tiles == 4, "the tiles themselves are cheap and computed again"
    for code, report in _reports().items():
        assert_same_report(report, fresh[code])  # type: ignore[arg-type]
    counts.reset()
    app = _overview()
    assert len(tile_metrics(app)) >= 4
    assert counts.total == 0, (counts.tiles, counts.backtests, counts.reviews)

    # A row that cannot be read is computed again, and breaks nothing.
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE stored_reports SET payload = :p WHERE indicator_code = :c"),
                {"p": b"\x80\x05garbage", "c": "satisfaction_rate"},
            )
    finally:
        engine.dispose()
    _restart()
    counts.reset()
    with caplog.at_level(logging.WARNING, logger="data_access.stored_reports"):
        assert _warm_up.warm_up() is not None
    assert counts.backtests == 1
    # Garbage carries no signature of this server's key: refused before unpickling.
    assert "satisfaction_rate is not signed with this server's key" in caplog.text
    assert len(tile_metrics(_overview())) >= 4


@pytest.fixture(scope="module")
def deployment(demo_warehouse_url, tmp_path_factory) -> tuple[str, Path, str]:
    """(own warehouse URL without the declared indicators' rows, mapping file, city URL),
    as in ``tests/app/test_overview_city_sources_app.py``."""
    folder = tmp_path_factory.mktemp("stored-city")
    city_url = f"sqlite:///{folder / 'city.sqlite'}"
    crosswalk = build_city_warehouse(demo_warehouse_url, city_url)
    mapping = write_city_mapping(folder, city_url, crosswalk)
    declared = [s.indicator for s in sources.load_mapping(mapping).sources]
    own_url = own_warehouse_without(demo_warehouse_url, folder, declared)
    return own_url, mapping, city_url


def _file_digest(url: str) -> str:
    return hashlib.sha256(Path(url.removeprefix("sqlite:///")).read_bytes()).hexdigest()


def test_nothing_is_stored_in_a_declared_source(deployment, monkeypatch, time_machine):
    """Declared sources are read-only (issue 14): their series are never written anywhere,
    and the city's database is not touched (same bytes, no table of the app's)."""
    own_url, mapping, city_url = deployment
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)
    monkeypatch.setenv("DASHBOARD_DB_URL", own_url)
    monkeypatch.setenv(cached.STORED_REPORTS_VARIABLE, "1")
    time_machine.move_to(GOLDEN_MOMENT)
    _restart()
    before = _file_digest(city_url)
    counts = Counts(monkeypatch)
    try:
        assert _warm_up.warm_up() is not None
    finally:
        _restart()
    assert counts.backtests == 4, "the four declared headlines were computed"
    assert _file_digest(city_url) == before
    assert _rows(city_url) == []
    assert _rows(own_url) == [], "a declared series is kept in the process only"
