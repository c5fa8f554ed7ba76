"""The gateway's plumbing (``data_access.cached``) that the sampled mutation reading (README)
found untested: what a declared source's read passes on (its cache key, the source's URL, the
time it was read and whether it is stale), what it gives when the source cannot be read,
which call each page read makes, the warm-up thread, the data version after a load and the
outage checks. No warehouse and no source: every read below the gateway is stood in for,
and each expected value is written by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError

from data_access import cached
from data_access.cached import Fetched, WarehouseUnavailableError
from data_access.queries import UnitFilter
from tests.unit.test_cached_declared_rules import _reading_fetch

SHARE = "online_dossier_share"
SOURCE_URL = "postgresql+psycopg://reader@source.example/city"
NOW = dt.datetime(2026, 11, 30, 1, 0)
READ_AT = dt.datetime(2026, 11, 29, 23, 0)
UNITS = pd.DataFrame({"unit_id": ["25747"], "unit_code": ["P.A"], "unit_type": ["ward"]})
MARK = pd.DataFrame({"marker": [1]})


def _source(**fields: Any) -> SimpleNamespace:
    return SimpleNamespace(**{"indicator": SHARE, "city_grain": False, "is_cumulative": False,
                              **fields})  # fmt: skip


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """A warehouse URL of the test's own; the clock, the unit list and the data version
    stood in for."""
    url = f"sqlite:///{request.node.name}.sqlite"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(cached, "utc_now", lambda: NOW)
    monkeypatch.setattr(cached, "unit_list", lambda scope: Fetched(UNITS, READ_AT, False))
    monkeypatch.setattr(cached, "data_version", lambda: None)
    return url


def _unreadable(key: tuple[Any, ...], read: Callable[[], Any], *args: Any) -> Fetched:
    raise WarehouseUnavailableError(SOURCE_URL, OSError("connection refused"))


def _recorded(calls: list[tuple[Any, ...]], result: Any) -> Callable[..., Any]:
    def record(*args: Any, **kwargs: Any) -> Any:
        calls.append((*args, *sorted(kwargs.items())))
        return result

    return record


# --- a declared source that cannot be read: an empty, fresh result --------------------------


def test_a_declared_city_series_that_cannot_be_read_is_empty_and_not_stale(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached, "_fetch", _unreadable)
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "as_scope_series", _recorded(calls, MARK))
    found = cached._declared_city_series(_source(), SOURCE_URL)  # type: ignore[arg-type]
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, NOW, False)
    (empty,) = calls[0]
    assert empty.empty
    assert list(empty.columns) == ["period_month", "numerator", "denominator", "value", "n_rows"]


def test_a_declared_units_read_keeps_its_time_and_staleness_or_is_empty_and_fresh(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached.sources, "as_unit_standing", lambda *args: MARK)

    def read() -> Any:
        return cached._declared_units(
            _source(),
            SOURCE_URL,
            2026,
            dt.date(2026, 10, 1),
            UnitFilter(),
            None,
            ranked=False,  # type: ignore[arg-type]
        )

    monkeypatch.setattr(cached, "_fetch", lambda key, read: Fetched(MARK, READ_AT, True))
    found = read()
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, READ_AT, True)
    monkeypatch.setattr(cached, "_fetch", _unreadable)
    found = read()
    assert (found.fetched_at, found.is_stale) == (NOW, False)


def test_a_declared_cumulative_scope_passes_its_frame_and_read_on(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached.sources, "cumulative_code_groups", lambda *a, **k: {"g": ("c",)})
    monkeypatch.setattr(cached.sources, "as_cumulative_scope_series", lambda sums: MARK)

    def read() -> Any:
        return cached._declared_cumulative_groups(
            _source(),
            SOURCE_URL,
            UnitFilter(),
            None,
            by_group=False,  # type: ignore[arg-type]
        )

    monkeypatch.setattr(cached, "_fetch", lambda key, read: Fetched(UNITS, READ_AT, True))
    found = read()
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, READ_AT, True)
    monkeypatch.setattr(cached, "_fetch", _unreadable)
    found = read()
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, NOW, False)


def test_a_declared_groups_series_keeps_its_staleness(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached, "_declared_month_sums", lambda s, u: Fetched(UNITS, READ_AT, True))
    monkeypatch.setattr(cached.sources, "as_series_by_group", lambda *args: MARK)
    found = cached._declared_series_by_group(_source(), SOURCE_URL, UnitFilter(), None)  # type: ignore[arg-type]
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, READ_AT, True)


def test_a_part_of_a_source_without_that_breakdown_is_its_empty_series(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached.sources, "as_filtered_series", lambda *args: MARK)
    found = cached._declared_part_series(
        _source(),
        SOURCE_URL,
        None,
        "procedure:P1",
        UnitFilter(),  # type: ignore[arg-type]
    )
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, NOW, False)


def test_a_declared_breakdown_read_is_kept_under_its_own_key(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys: list[tuple[Any, ...]] = []

    def fetch(key: tuple[Any, ...], read: Callable[[], Any]) -> Fetched:
        keys.append(key)
        return Fetched(MARK, READ_AT, False)

    monkeypatch.setattr(cached, "_fetch", fetch)
    source = _source()
    found = cached._declared_breakdown_fetch(source, SOURCE_URL, "parts", "sector", 2026)  # type: ignore[arg-type]
    assert found.frame is MARK
    assert keys == [("declared_breakdown", SOURCE_URL, SHARE, repr(source), "parts", "sector",
                     (2026,))]  # fmt: skip


def test_a_declared_breakdown_standing_is_read_when_its_sums_were_and_stale_if_a_part_is(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = READ_AT - dt.timedelta(hours=1)
    reads = {"unit_sums": Fetched(UNITS, READ_AT, False), "parts": Fetched(UNITS, earlier, True)}
    monkeypatch.setattr(cached, "_declared_breakdown_fetch", lambda s, u, what, *a: reads[what])
    monkeypatch.setattr(cached.sources, "as_breakdown_standing", lambda *args: MARK)
    found = cached._declared_breakdown_standing(
        _source(),
        SOURCE_URL,
        "sector",
        2026,
        dt.date(2026, 10, 1),
        UnitFilter(),  # type: ignore[arg-type]
    )
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, READ_AT, True)


# --- which read each page call makes -----------------------------------------------------------


def test_a_declared_breakdown_is_the_source_its_url_and_the_declared_breakdown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = _source()
    monkeypatch.setattr(cached, "declared_source", lambda code: (source, SOURCE_URL))
    monkeypatch.setattr(cached.sources, "declared_breakdown", lambda s, dimension: dimension)
    assert cached.declared_breakdown(SHARE, "sector") == (source, SOURCE_URL, "sector")


def test_a_breakdown_failure_is_looked_up_for_its_indicator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(
        cached,
        "declared_breakdown",
        lambda code, dimension: asked.append((code, dimension)) or (_source(), SOURCE_URL, "b"),
    )
    failing = SimpleNamespace(indicator=SHARE, dimension="sector", passed=False)
    monkeypatch.setattr(
        cached, "source_health", lambda today: SimpleNamespace(breakdowns=[failing])
    )
    assert cached.breakdown_failure(SHARE, "sector", dt.date(2026, 11, 30)) is failing
    assert asked == [(SHARE, "sector")]


def test_a_breakdown_standing_of_a_declared_source(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, d: (source, SOURCE_URL, None))
    through = dt.date(2026, 10, 1)
    found = cached.breakdown_standing(SHARE, 2026, through, "sector", UnitFilter(), scope=None)
    # Declared, but no breakdown of that dimension: empty with the breakdown's columns.
    assert found.frame.empty
    assert list(found.frame.columns) == list(cached.sources.BREAKDOWN_COLUMNS)
    assert (found.fetched_at, found.is_stale) == (NOW, False)
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, d: (source, SOURCE_URL, "b"))
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_breakdown_standing", _recorded(calls, MARK))
    assert cached.breakdown_standing(SHARE, 2026, through, "sector", UnitFilter(),
                                     scope=None) is MARK  # fmt: skip
    assert calls == [(source, SOURCE_URL, "sector", 2026, through, UnitFilter())]


def test_a_breakdown_by_year_of_the_own_warehouse_is_a_page_query(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, d: None)
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "page_query", _recorded(calls, MARK))
    assert cached.breakdown_by_year(SHARE, "sector", UnitFilter(), None, scope=None) is MARK
    assert calls == [("breakdown_by_year", SHARE, "sector", UnitFilter(), None, ("scope", None))]


def test_a_declared_ranking_keeps_the_readers_scope(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()
    monkeypatch.setattr(cached, "declared_source", lambda code: (source, SOURCE_URL))
    monkeypatch.setattr(
        cached, "_scope_ids", lambda url, scope: None if scope is None else ("25747",)
    )
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_units", _recorded(calls, MARK))
    through = dt.date(2026, 10, 1)
    mine = UnitFilter(unit_ids=("25747",))
    assert cached.unit_ranking(SHARE, 2026, through, mine, scope="25747") is MARK
    assert calls == [(source, SOURCE_URL, 2026, through, mine, ("25747",), ("ranked", True))]
    calls.clear()
    assert cached.unit_standing(SHARE, 2026, through, mine, scope="25747") is MARK
    assert calls == [(source, SOURCE_URL, 2026, through, mine, ("25747",), ("ranked", False))]


def test_a_declared_cumulative_scope_of_a_unit_type_sums_its_groups(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source(is_cumulative=True)
    monkeypatch.setattr(cached, "declared_source", lambda code: (source, SOURCE_URL))
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_cumulative_groups", _recorded(calls, MARK))
    wards = UnitFilter(unit_types=("ward",))
    assert cached.scope_series(SHARE, wards, scope=None) is MARK
    assert calls == [(source, SOURCE_URL, wards, None, ("by_group", False))]


def test_a_units_series_through_a_declared_source(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()
    monkeypatch.setattr(cached, "declared_source", lambda code: (source, SOURCE_URL))
    monkeypatch.setattr(cached.sources, "source_codes", lambda s, unit: ["P.A"])
    read_with: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "_declared_unit_code_sums", lambda *args: read_with.append(args) or (UNITS, READ_AT)
    )
    keys = _reading_fetch(monkeypatch)
    shaped: list[list[str]] = []
    monkeypatch.setattr(
        cached.sources, "as_unit_series", lambda f, s: shaped.append(list(f.columns)) or MARK
    )
    found = cached.unit_series(SHARE, "25747", scope=None)
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, READ_AT, True)
    assert keys == [("declared_unit_series", SOURCE_URL, SHARE, repr(source), ("P.A",))]
    assert read_with == [(source, SOURCE_URL, ("P.A",))]
    # Unreadable: an empty frame of the unit series' columns, fresh.
    monkeypatch.setattr(cached, "_fetch", _unreadable)
    found = cached.unit_series(SHARE, "25747", scope=None)
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, NOW, False)
    assert shaped[-1] == [*cached.sources.UNIT_MONTH_COLUMNS, "n_rows", "n_expected"]


# --- the governance report, the boundary file ------------------------------------------------


def test_a_governance_report_the_warehouse_refuses_names_the_warehouse(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(cached, "_governance", refused)
    with pytest.raises(WarehouseUnavailableError) as raised:
        cached.governance(dt.date(2026, 11, 30), scope=None)
    assert raised.value.url == gateway


def test_the_boundary_file_named_in_the_environment_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(cached.BOUNDARY_ENVIRONMENT_VARIABLE, "/srv/maps/wards.geojson")
    assert cached.boundary_file() == "/srv/maps/wards.geojson"


def test_the_declared_indicators_of_a_deployments_mapping(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setattr(cached.sources, "mapping_path", lambda: path)
    monkeypatch.setattr(cached.sources, "is_default_mapping", lambda p: False)
    mapping = SimpleNamespace(sources=[_source(), SimpleNamespace(indicator="on_time_rate")])
    monkeypatch.setattr(cached, "_deployment_mapping", lambda p, modified: mapping)
    monkeypatch.setattr(
        cached, "declared_source", lambda code: (None, SOURCE_URL) if code == SHARE else None
    )
    assert cached.declared_indicators() == (SHARE,)


# --- the warm-up thread, the data version, the outage checks ---------------------------------


def test_the_warm_up_thread_runs_with_what_to_compute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cached.WARM_UP_VARIABLE, raising=False)
    monkeypatch.setattr(cached, "_warm_up_thread", None)
    ran: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_warm_up_forever", lambda *args: ran.append(args))

    def compute() -> None:
        return None

    def then() -> None:
        return None

    assert cached.start_warm_up(compute, then) is True
    thread = cached._warm_up_thread
    assert thread is not None
    thread.join(10)
    assert ran == [(compute, then)]
    # Without what to do after publishing, the thread is given None for it.
    monkeypatch.setattr(cached, "_warm_up_thread", None)
    assert cached.start_warm_up(compute) is True
    thread = cached._warm_up_thread
    assert thread is not None
    thread.join(10)
    assert ran == [(compute, then), (compute, None)]


def test_stopping_the_warm_up_wakes_and_joins_its_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    joined: list[float] = []
    woken: list[bool] = []
    thread = SimpleNamespace(join=lambda timeout: joined.append(timeout) or woken.append(
        cached._stop.is_set()))  # fmt: skip
    monkeypatch.setattr(cached, "_warm_up_thread", thread)
    cached.stop_warm_up(5.0)
    assert joined == [5.0] and woken == [True]
    assert cached._warm_up_thread is None and not cached._stop.is_set()


def test_after_a_load_the_published_version_is_the_new_one(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{request.node.name}.sqlite"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    old, new = (1, 1, 0, ""), (2, 2, 0, "")
    monkeypatch.setitem(cached._published_versions, url, (old, 0.0))
    monkeypatch.setattr(cached, "_read_version", lambda asked: new if asked == url else old)
    cached.data_changed()
    assert cached._published_versions[url][0] == new


def test_a_version_that_cannot_be_read_marks_this_warehouse_down(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    # A server URL: nothing is wrong with it before a connection (an SQLite file that does
    # not exist would be).
    url = f"postgresql+psycopg://nobody@127.0.0.1:1/{request.node.name}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(cached, "_check_alive", lambda asked: None)

    def refused(asked: str) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(cached, "_polled_version", refused)
    monkeypatch.setattr(cached, "_outages", {})
    assert cached.data_version() is None
    assert list(cached._outages) == [url]


def test_a_url_that_is_no_url_is_not_checked_for_an_outage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DASHBOARD_DB_URL", "not a url")
    checked: list[str] = []
    monkeypatch.setattr(cached, "_check_alive", checked.append)
    assert cached.data_version() is None
    assert checked == []


def test_the_warehouse_is_asked_whether_it_answers_at_most_every_few_seconds(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{request.node.name}.sqlite"
    reads: list[str] = []
    monkeypatch.setattr(cached, "_read_version", lambda asked: reads.append(asked))
    monkeypatch.setattr(cached, "_alive_checked_at", {})
    cached._check_alive(url)
    cached._check_alive(url)  # within ALIVE_CHECK_SECONDS: not asked again
    assert reads == [url]


def test_a_warm_up_the_warehouse_refuses_is_logged(
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:1/{request.node.name}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)

    def refused(asked: str) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(cached, "_read_version", refused)
    with caplog.at_level(logging.WARNING, logger=cached.LOGGER.name):
        assert cached.warm_up(lambda: None) is None
    assert caplog.messages[0].startswith(f"warm-up: the warehouse at {url} did not answer: ")


# --- found by the check sample (seed 20261201) of the sampled mutation reading --------------


def test_a_declared_cumulative_scope_is_read_for_its_own_codes(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached.sources, "cumulative_code_groups", lambda *a, **k: {"g": ("c",)})
    monkeypatch.setattr(cached.sources, "as_cumulative_scope_series", lambda sums: sums)
    monkeypatch.setattr(cached, "_fetch", lambda key, read: Fetched(read(), READ_AT, False))
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_cumulative_sums", _recorded(calls, MARK))
    source = _source()
    found = cached._declared_cumulative_groups(
        source,
        SOURCE_URL,
        UnitFilter(),
        None,
        by_group=False,  # type: ignore[arg-type]
    )
    assert found.frame is MARK
    # The group "g" of the one code "c", as the cache key holds it.
    assert calls == [(source, SOURCE_URL, (("g", ("c",)),))]


def test_a_part_series_reads_the_parts_month_sums_from_the_source(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "_declared_breakdown_fetch", _recorded(reads, Fetched(MARK, READ_AT, True))
    )
    shaped: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "as_filtered_series", _recorded(shaped, UNITS))
    source, breakdown = _source(), SimpleNamespace(dimension="procedure")
    found = cached._declared_part_series(
        source,
        SOURCE_URL,
        breakdown,
        "procedure:P1",
        UnitFilter(),  # type: ignore[arg-type]
    )
    assert (found.frame is UNITS, found.fetched_at, found.is_stale) == (True, READ_AT, True)
    assert reads == [(source, SOURCE_URL, "month_sums", "procedure", "P1")]
    assert shaped == [(MARK, source, UNITS, UnitFilter())]


def test_the_boundary_file_named_in_the_secrets_map_section_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(cached.BOUNDARY_ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setattr(
        cached.st, "secrets", {"map": {"boundary_geojson": "/srv/maps/wards.geojson"}}
    )
    assert cached.boundary_file() == "/srv/maps/wards.geojson"
    monkeypatch.setattr(cached.st, "secrets", {"map": {"other": "x"}})
    assert cached.boundary_file() is None


def test_a_breakdown_by_year_of_the_own_warehouse_is_read_as_of_the_moment_asked(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, d: None)
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "page_query", _recorded(calls, MARK))
    cached.breakdown_by_year(SHARE, "sector", UnitFilter(), NOW, scope=None)
    assert calls == [("breakdown_by_year", SHARE, "sector", UnitFilter(), NOW, ("scope", None))]


def test_a_version_published_less_than_90_seconds_ago_is_the_one_used(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:1/{request.node.name}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(cached, "_check_alive", lambda asked: None)
    monkeypatch.setattr(cached, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    published, polled = (1, 1, 0, ""), (2, 2, 0, "")
    monkeypatch.setattr(cached, "_polled_version", lambda asked: polled)
    # Published at 950: 1000 − 950 = 50 s ago, within 3 × 30 = 90 s.
    monkeypatch.setitem(cached._published_versions, url, (published, 950.0))
    assert cached.data_version() == published
    # Published at 900: 100 s ago, too old; the version is polled.
    monkeypatch.setitem(cached._published_versions, url, (published, 900.0))
    assert cached.data_version() == polled


def test_within_seconds_of_a_failed_read_the_last_version_read_is_used(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:1/{request.node.name}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(cached, "_check_alive", lambda asked: None)
    monkeypatch.setattr(cached, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    last = (3, 3, 0, "")
    monkeypatch.setitem(cached._read_versions, url, last)
    # Failed 5 s ago, within the 10 s before the version is asked again.
    monkeypatch.setitem(cached._version_failed_at, url, 995.0)
    monkeypatch.setattr(cached, "_polled_version", lambda asked: pytest.fail("asked again"))
    assert cached.data_version() == last


def test_the_sources_health_is_checked_with_the_named_connections(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setattr(cached.sources, "mapping_path", lambda: path)
    connections = (("DASHBOARD_SOURCE_URL_CITY_DW", SOURCE_URL),)
    monkeypatch.setattr(cached, "_source_connections", lambda: connections)
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_source_health", _recorded(calls, MARK))
    today = dt.date(2026, 11, 30)
    assert cached.source_health(today) is MARK
    assert calls == [(str(path), path.stat().st_mtime, connections, today)]


def test_a_version_that_cannot_be_read_now_is_the_last_one_read(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:1/{request.node.name}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(cached, "_check_alive", lambda asked: None)
    monkeypatch.setattr(cached, "_outages", {})
    monkeypatch.setattr(cached, "_version_failed_at", {})
    last = (3, 3, 0, "")
    monkeypatch.setitem(cached._read_versions, url, last)

    def refused(asked: str) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(cached, "_polled_version", refused)
    assert cached.data_version() == last
    assert list(cached._version_failed_at) == [url]
