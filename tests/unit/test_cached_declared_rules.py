"""The gateway's rules (``data_access.cached``) that the third sample of the sampled mutation
reading (seed 20261202, README) left unstated, and the contracts of the functions around
them: what each declared-source read passes on (its source, URL, dimension, filter and the
project's unit list), what it gives when its source cannot be read and nothing is kept (an
empty frame of its columns, read now, not stale), which key a read is kept under (a unit
list kept by one read is the last good copy of another during an outage), the warehouse URL
in secrets and the warm-up's result and log.

No warehouse and no source: every read below the gateway is stood in for, and each expected
value is written by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError

from data_access import cached
from data_access.cached import Fetched, OutOfScopeError, WarehouseUnavailableError, WarmUp
from data_access.queries import UnitFilter
from data_access.sources import SOURCE_URL_PREFIX

SHARE = "online_dossier_share"
SOURCE_URL = "postgresql+psycopg://reader@source.example/city"
NOW = dt.datetime(2026, 11, 30, 1, 0)
READ_AT = dt.datetime(2026, 11, 29, 23, 0)
EARLIER = dt.datetime(2026, 11, 29, 22, 0)
UNITS = pd.DataFrame(
    {"unit_id": ["25747", "25750"], "unit_code": ["P.A", "P.B"], "unit_type": ["ward", "ward"]}
)
SUMS = pd.DataFrame({"sums": [1]})
PARTS = pd.DataFrame({"parts": [2]})
MARK = pd.DataFrame({"marker": [3]})
MINE = UnitFilter(unit_ids=("25747",))


def _source(**fields: Any) -> Any:
    return SimpleNamespace(**{"indicator": SHARE, "city_grain": False, "is_cumulative": False,
                              "connection": "city_dw", **fields})  # fmt: skip


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """A warehouse URL of the test's own; the clock, the project's unit list (25747 and
    25750) and the data version stood in for; 25747's scope resolved to itself."""
    url = f"sqlite:///{request.node.name}.sqlite"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(cached, "utc_now", lambda: NOW)
    monkeypatch.setattr(cached, "unit_list", lambda scope: Fetched(UNITS, READ_AT, False))
    monkeypatch.setattr(cached, "data_version", lambda: None)

    def scope_ids(asked: str, scope: str | None) -> tuple[str, ...] | None:
        assert asked == url, "the scope read on another warehouse"
        return None if scope is None else (scope,)

    monkeypatch.setattr(cached, "_scope_ids", scope_ids)
    return url


def _recorded(calls: list[tuple[Any, ...]], result: Any) -> Callable[..., Any]:
    def record(*args: Any, **kwargs: Any) -> Any:
        calls.append((*args, *sorted(kwargs.items())))
        return result

    return record


def _unreadable(key: tuple[Any, ...], read: Callable[[], Any], *args: Any) -> Fetched:
    raise WarehouseUnavailableError(SOURCE_URL, OSError("connection refused"))


def _reading_fetch(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """``_fetch`` stood in for: it runs the read and marks its result stale; the keys asked
    for are recorded in the list returned."""
    keys: list[tuple[Any, ...]] = []

    def fetch(key: tuple[Any, ...], read: Callable[[], Any]) -> Fetched:
        keys.append(key)
        frame, at = read()
        return Fetched(frame, at, True)

    monkeypatch.setattr(cached, "_fetch", fetch)
    return keys


def _breakdown_reads(monkeypatch: pytest.MonkeyPatch, sums: str) -> list[tuple[Any, ...]]:
    """``_declared_breakdown_fetch`` stood in for: the ``sums`` read gives SUMS read at
    READ_AT, the parts PARTS read at EARLIER, both fresh; the calls are recorded in the list
    returned."""
    reads: list[tuple[Any, ...]] = []
    found_for = {sums: Fetched(SUMS, READ_AT, False), "parts": Fetched(PARTS, EARLIER, False)}

    def fetch(*args: Any) -> Fetched:
        reads.append(args)
        return found_for[args[2]]

    monkeypatch.setattr(cached, "_declared_breakdown_fetch", fetch)
    return reads


def _declared(monkeypatch: pytest.MonkeyPatch, source: Any, breakdown: Any) -> None:
    monkeypatch.setattr(
        cached, "declared_breakdown", lambda code, dimension: (source, SOURCE_URL, breakdown)
    )


# --- the breakdown by year ------------------------------------------------------------------


def test_a_declared_breakdown_by_year_reads_its_year_sums_and_parts_from_the_source(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _breakdown_reads(monkeypatch, "year_sums")
    shaped: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "as_breakdown_by_year", _recorded(shaped, MARK))
    source = _source()
    found = cached._declared_breakdown_by_year(source, SOURCE_URL, "sector")
    # The year sums (no further argument: every year) and the parts, both of the source at
    # its URL, by the dimension asked for; shaped with the project's unit list.
    assert reads == [
        (source, SOURCE_URL, "year_sums", "sector"),
        (source, SOURCE_URL, "parts", "sector"),
    ]
    assert shaped == [(SUMS, PARTS, source, UNITS)]
    # Read when the year sums were, fresh as both reads were.
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, READ_AT, False)


def test_a_declared_breakdown_by_year_is_stale_if_either_read_is(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached.sources, "as_breakdown_by_year", lambda *args: MARK)
    for sums_stale, parts_stale in ((True, False), (False, True), (False, False)):
        found_for = {
            "year_sums": Fetched(SUMS, READ_AT, sums_stale),
            "parts": Fetched(PARTS, EARLIER, parts_stale),
        }
        monkeypatch.setattr(
            cached, "_declared_breakdown_fetch", lambda s, u, what, d, f=found_for: f[what]
        )
        found = cached._declared_breakdown_by_year(_source(), SOURCE_URL, "sector")
        assert found.is_stale is (sums_stale or parts_stale)


def test_the_breakdown_by_year_of_a_declared_breakdown_is_read_through_it(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, breakdown = _source(), SimpleNamespace(dimension="sector")
    _declared(monkeypatch, source, breakdown)
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_breakdown_by_year", _recorded(calls, MARK))
    monkeypatch.setattr(cached, "page_query", lambda *a, **k: pytest.fail("own warehouse read"))
    found = cached.breakdown_by_year(SHARE, "sector", MINE, NOW, scope="25747")
    assert found is MARK
    assert calls == [(source, SOURCE_URL, "sector")]


def test_the_breakdown_by_year_of_a_source_without_that_breakdown_is_empty_and_fresh(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _declared(monkeypatch, _source(), None)
    found = cached.breakdown_by_year(SHARE, "sector", UnitFilter(), scope=None)
    assert found.frame.empty
    # The columns of the own warehouse's breakdown by year, in its order.
    assert list(found.frame.columns) == [
        "period_year", "breakdown_key", "code", "name_vi", "name_en", "sort_order",
        "attributes_json", "amount", "n_periods", "year_total", "share_pct", "is_demo",
    ]  # fmt: skip
    assert found.fetched_at == NOW
    assert found.is_stale is False


def test_a_declared_breakdown_by_year_refuses_another_units_filter(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _declared(monkeypatch, _source(), None)
    with pytest.raises(OutOfScopeError) as raised:
        cached.breakdown_by_year(SHARE, "sector", UnitFilter(unit_ids=("25750",)), scope="25747")
    assert (raised.value.scope, raised.value.asked) == ("25747", "25750")


# --- the breakdown standing --------------------------------------------------------------------


def test_the_breakdown_standing_of_the_own_warehouse_is_its_page_query(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, dimension: None)
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "page_query", _recorded(calls, MARK))
    through = dt.date(2026, 10, 1)
    found = cached.breakdown_standing(SHARE, 2026, through, "sector", MINE, NOW, scope="25747")
    assert found is MARK
    assert calls == [
        ("breakdown_standing", SHARE, 2026, through, "sector", MINE, NOW, ("scope", "25747"))
    ]


def test_the_breakdown_standing_of_a_source_without_that_breakdown_is_empty_and_fresh(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _declared(monkeypatch, _source(), None)
    found = cached.breakdown_standing(
        SHARE, 2026, dt.date(2026, 10, 1), "sector", UnitFilter(), scope=None
    )
    assert found.frame.empty
    assert list(found.frame.columns) == list(cached.sources.BREAKDOWN_COLUMNS)
    assert (found.fetched_at, found.is_stale) == (NOW, False)
    assert found.is_stale is False
    with pytest.raises(OutOfScopeError):
        cached.breakdown_standing(
            SHARE, 2026, dt.date(2026, 10, 1), "sector", UnitFilter(unit_ids=("25750",)),
            scope="25747",
        )  # fmt: skip


def test_a_declared_breakdown_standing_reads_the_units_sums_to_the_month_and_the_parts(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _breakdown_reads(monkeypatch, "unit_sums")
    shaped: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "as_breakdown_standing", _recorded(shaped, MARK))
    source, through = _source(), dt.date(2026, 10, 1)
    found = cached._declared_breakdown_standing(source, SOURCE_URL, "sector", 2026, through, MINE)
    assert reads == [
        (source, SOURCE_URL, "unit_sums", "sector", 2026, through),
        (source, SOURCE_URL, "parts", "sector"),
    ]
    assert shaped == [(SUMS, PARTS, source, UNITS, MINE)]
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, READ_AT, False)


# --- one read of a declared breakdown --------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "columns"),
    [
        ("parts", ["breakdown_key", "dimension", "code", "name_vi", "name_en", "sort_order",
                   "attributes_json", "is_demo"]),
        ("unit_sums", ["unit_code", "code", "numerator", "denominator", "n_rows"]),
        ("year_sums", ["unit_code", "period_year", "code", "amount", "n_periods"]),
        ("month_sums", ["unit_code", "period_month", "numerator", "denominator", "n_rows"]),
    ],
)  # fmt: skip
def test_a_declared_breakdown_read_that_cannot_be_read_is_empty_of_its_columns_and_fresh(
    gateway: str, monkeypatch: pytest.MonkeyPatch, what: str, columns: list[str]
) -> None:
    monkeypatch.setattr(cached, "_fetch", _unreadable)
    found = cached._declared_breakdown_fetch(_source(), SOURCE_URL, what, "sector")
    assert found.frame.empty
    assert list(found.frame.columns) == columns
    assert found.fetched_at == NOW
    assert found.is_stale is False


def test_a_declared_breakdown_read_is_the_sources_read_with_its_arguments(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_breakdown_read", _recorded(calls, (MARK, READ_AT)))
    keys = _reading_fetch(monkeypatch)
    source, through = _source(), dt.date(2026, 10, 1)
    found = cached._declared_breakdown_fetch(
        source, SOURCE_URL, "unit_sums", "sector", 2026, through
    )
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, READ_AT, True)
    assert calls == [(source, SOURCE_URL, "unit_sums", "sector", (2026, through))]
    assert keys == [("declared_breakdown", SOURCE_URL, SHARE, repr(source), "unit_sums", "sector",
                     (2026, through))]  # fmt: skip


# --- a part's series -----------------------------------------------------------------------


def test_a_part_of_a_source_without_that_breakdown_is_shaped_with_the_unit_list(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shaped: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "as_filtered_series", _recorded(shaped, MARK))
    source = _source()
    found = cached._declared_part_series(source, SOURCE_URL, None, "procedure:P1", MINE)
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, NOW, False)
    ((empty, given_source, units, unit_filter),) = shaped
    assert empty.empty
    assert list(empty.columns) == ["unit_code", "period_month", "numerator", "denominator",
                                   "n_rows"]  # fmt: skip
    assert (given_source, units, unit_filter) == (source, UNITS, MINE)


def test_a_scope_series_of_a_part_is_read_through_the_declared_breakdown_for_its_filter(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, breakdown = _source(), SimpleNamespace(dimension="procedure")
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(
        cached,
        "declared_breakdown",
        lambda code, dimension: asked.append((code, dimension)) or (source, SOURCE_URL, breakdown),
    )
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_part_series", _recorded(calls, MARK))
    found = cached.scope_series(SHARE, MINE, None, "procedure:P1", scope="25747")
    assert found is MARK
    # The dimension is the key's part before its first colon (a code may hold one).
    cached.scope_series(SHARE, MINE, None, "procedure:QT:01", scope="25747")
    assert asked == [(SHARE, "procedure"), (SHARE, "procedure")]
    assert calls == [
        (source, SOURCE_URL, breakdown, "procedure:P1", MINE),
        (source, SOURCE_URL, breakdown, "procedure:QT:01", MINE),
    ]


# --- the cumulative scope ------------------------------------------------------------------


@pytest.mark.parametrize("by_group", [False, True])
def test_a_cumulative_scope_takes_its_codes_from_the_filter_and_the_unit_list(
    gateway: str, monkeypatch: pytest.MonkeyPatch, by_group: bool
) -> None:
    grouped: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached.sources, "cumulative_code_groups", _recorded(grouped, {"g": ("P.A",)})
    )
    monkeypatch.setattr(cached.sources, "as_cumulative_scope_series", lambda sums: MARK)
    monkeypatch.setattr(cached.sources, "as_cumulative_series_by_group", lambda sums: MARK)
    monkeypatch.setattr(cached, "_fetch", lambda key, read: Fetched(SUMS, READ_AT, False))
    source = _source(is_cumulative=True)
    wards = UnitFilter(unit_types=("ward",))
    cached._declared_cumulative_groups(source, SOURCE_URL, wards, None, by_group=by_group)
    assert grouped == [(source, UNITS, wards, ("by_group", by_group))]


def test_a_cumulative_scope_by_group_loses_single_unit_groups_for_a_scoped_reader(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    groups = pd.DataFrame({"group_key": ["a", "b"], "n_units": [1, 2]})
    monkeypatch.setattr(cached.sources, "cumulative_code_groups", lambda *a, **k: {})
    monkeypatch.setattr(cached.sources, "as_cumulative_series_by_group", lambda sums: groups)
    monkeypatch.setattr(cached, "_fetch", lambda key, read: Fetched(SUMS, READ_AT, True))
    found = cached._declared_cumulative_groups(
        _source(), SOURCE_URL, UnitFilter(), ("25747",), by_group=True
    )
    # Group "a" holds one unit: its detail, dropped for a scoped reader; "b" (2 units) stays.
    assert found.frame["group_key"].tolist() == ["b"]
    assert (found.fetched_at, found.is_stale) == (READ_AT, True)
    found = cached._declared_cumulative_groups(
        _source(), SOURCE_URL, UnitFilter(), None, by_group=True
    )
    assert found.frame["group_key"].tolist() == ["a", "b"]


def test_a_cumulative_scope_that_cannot_be_read_is_shaped_from_empty_sums(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached.sources, "cumulative_code_groups", lambda *a, **k: {})
    shaped: list[pd.DataFrame] = []
    monkeypatch.setattr(
        cached.sources, "as_cumulative_scope_series", lambda sums: shaped.append(sums) or MARK
    )
    monkeypatch.setattr(cached, "_fetch", _unreadable)
    found = cached._declared_cumulative_groups(
        _source(), SOURCE_URL, UnitFilter(), None, by_group=False
    )
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, NOW, False)
    assert shaped[0].empty
    assert list(shaped[0].columns) == list(cached.sources.CUMULATIVE_GROUP_SUMS)


# --- the unit list: one key, shared by the scope's reads --------------------------------------


def test_the_unit_list_read_is_the_last_good_copy_of_a_scope_during_an_outage(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{request.node.name}.sqlite"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(cached, "_last_good", OrderedDict())
    monkeypatch.setattr(cached, "_notice_failure", lambda asked: None)
    monkeypatch.setattr(
        cached, "_unit_list", lambda asked: (UNITS, READ_AT) if asked == url else None
    )
    # Read once, with no scope: every unit.
    found = cached.unit_list(scope=None)
    assert found.frame["unit_id"].tolist() == ["25747", "25750"]
    assert (found.fetched_at, found.is_stale) == (READ_AT, False)

    def refused(asked: str) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(cached, "_unit_list", refused)
    # The warehouse is down: the scope "P.B" still resolves, from that one read.
    assert cached._scope_ids(url, "P.B") == ("25750",)
    found = cached.unit_list(scope="P.A")
    assert found.frame["unit_id"].tolist() == ["25747"]
    assert (found.fetched_at, found.is_stale) == (READ_AT, True)


# --- the warehouse URL --------------------------------------------------------------------------


def test_the_warehouse_url_in_the_secrets_is_used_without_the_environments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DASHBOARD_DB_URL", raising=False)
    secret = "postgresql+psycopg://dashboard@warehouse.example/city"
    monkeypatch.setattr(cached.st, "secrets", {"warehouse": {"url": secret}})
    assert cached.warehouse_url() == secret
    # The environment's comes first.
    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:////srv/warehouse.sqlite")
    assert cached.warehouse_url() == "sqlite:////srv/warehouse.sqlite"


def test_without_a_url_in_the_secrets_the_warehouse_is_the_embedded_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DASHBOARD_DB_URL", raising=False)
    monkeypatch.setattr(cached.st, "secrets", {"map": {"boundary_geojson": "x"}})
    embedded = cached.warehouse_url()
    monkeypatch.setattr(cached.st, "secrets", {"warehouse": {"user": "x"}})
    assert cached.warehouse_url() == embedded
    assert embedded.startswith("sqlite:///")


# --- the warm-up --------------------------------------------------------------------------------


@pytest.fixture
def warm(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """A server URL of the test's own whose data version is (4, 2, 0, "") at moment 500."""
    url = f"postgresql+psycopg://nobody@127.0.0.1:1/{request.node.name}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(
        cached, "_read_version", lambda asked: (4, 2, 0, "") if asked == url else (0, 0, 0, "")
    )
    monkeypatch.setattr(cached, "_published_versions", {})
    monkeypatch.setattr(cached, "time", SimpleNamespace(monotonic=lambda: 500.0))
    return url


def test_a_warm_up_computes_for_the_version_read_and_then_publishes_it(
    warm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []

    def compute() -> str:
        seen.append(cached.data_version())
        return "figures"

    # While warming up, the pages ask the warehouse nothing for the version.
    monkeypatch.setattr(cached, "_check_alive", lambda asked: pytest.fail("checked"))
    monkeypatch.setattr(cached, "_polled_version", lambda asked: pytest.fail("polled"))
    done = cached.warm_up(compute)
    assert done == WarmUp((4, 2, 0, ""), "figures")
    # During the computation the pages' version is the one being warmed up.
    assert seen == [(4, 2, 0, "")]
    assert cached._published_versions == {warm: ((4, 2, 0, ""), 500.0)}


def test_what_can_wait_runs_after_the_version_is_published_and_its_failure_is_logged(
    warm: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[Any] = []

    def then() -> None:
        # Visitors are served the new version already; the pages' version stays pinned.
        seen.append((dict(cached._published_versions), cached.data_version()))
        raise RuntimeError("a bug in a page step")

    monkeypatch.setattr(cached, "_check_alive", lambda asked: pytest.fail("checked"))
    with caplog.at_level(logging.ERROR, logger=cached.LOGGER.name):
        done = cached.warm_up(lambda: "figures", then)
    assert done == WarmUp((4, 2, 0, ""), "figures")
    assert seen == [({warm: ((4, 2, 0, ""), 500.0)}, (4, 2, 0, ""))]
    assert caplog.messages == ["warm-up of the other pages failed"]
    assert cached._warming.get() is None


def test_what_can_wait_is_not_run_when_the_figures_cannot_be_read(
    warm: str, caplog: pytest.LogCaptureFixture
) -> None:
    def compute() -> None:
        raise WarehouseUnavailableError(warm, OSError("connection refused"))

    with caplog.at_level(logging.WARNING, logger=cached.LOGGER.name):
        assert cached.warm_up(compute, lambda: pytest.fail("then ran")) is None
    assert cached._published_versions == {}


def test_a_warm_up_whose_figures_cannot_be_read_is_logged_and_publishes_nothing(
    warm: str, caplog: pytest.LogCaptureFixture
) -> None:
    def compute() -> str:
        raise WarehouseUnavailableError(warm, OSError("connection refused"))

    with caplog.at_level(logging.WARNING, logger=cached.LOGGER.name):
        assert cached.warm_up(compute) is None
    assert caplog.messages == [f"warm-up: warehouse at {warm} did not answer: connection refused"]
    assert cached._published_versions == {}
    assert cached._warming.get() is None


# --- the contracts of the reads: each function's rules, not one mutant's --------------------

CITY_TIME = dt.timezone(dt.timedelta(hours=7))
# 08:00 in the city is 01:00 UTC: the warehouse's naive UTC.
AS_OF = dt.datetime(2026, 11, 30, 8, 0, tzinfo=CITY_TIME)
AS_OF_UTC = dt.datetime(2026, 11, 30, 1, 0)
VERSION = (7, 3, 0, "")
THROUGH = dt.date(2026, 10, 1)
WARDS = UnitFilter(unit_types=("ward",))


@pytest.fixture
def own(gateway: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The gateway's URL, read from the project's own warehouse (no declared source) at data
    version VERSION, with an empty last-good memory."""
    monkeypatch.setattr(cached, "data_version", lambda: VERSION)
    monkeypatch.setattr(cached, "declared_source", lambda code: None)
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, dimension: None)
    monkeypatch.setattr(cached, "_last_good", OrderedDict())
    return gateway


def _tagged(found: Fetched, key: tuple[Any, ...]) -> bool:
    """Whether ``found`` carries the source digest of ``key`` at VERSION."""
    return bool(found.frame.attrs[cached.SOURCE_ATTR] == cached._source_digest(key, VERSION))


def test_a_scope_series_of_the_own_warehouse_is_read_at_the_moment_in_utc(
    own: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_scope_series", _recorded(calls, (SUMS.copy(), READ_AT)))
    found = cached.scope_series(SHARE, MINE, AS_OF, "procedure:P1", scope="25747")
    assert calls == [(own, SHARE, MINE, AS_OF_UTC, "procedure:P1", ("25747",), VERSION)]
    assert (found.frame["sums"].tolist(), found.fetched_at, found.is_stale) == ([1], READ_AT, False)
    assert _tagged(found, ("scope_series", own, SHARE, MINE, AS_OF_UTC, "procedure:P1", ("25747",)))
    # Another unit, or a group, is refused before any read.
    with pytest.raises(OutOfScopeError):
        cached.scope_series(SHARE, UnitFilter(unit_ids=("25750",)), scope="25747")
    with pytest.raises(OutOfScopeError):
        cached.scope_series(SHARE, WARDS, scope="25747")
    assert len(calls) == 1


def test_a_declared_scope_series_is_read_through_its_source_by_the_filters_shape(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow, carried = _source(), _source(is_cumulative=True)
    declared = {"flow": (flow, SOURCE_URL), "carried": (carried, SOURCE_URL)}
    monkeypatch.setattr(cached, "declared_source", declared.get)
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, dimension: None)
    monkeypatch.setattr(cached, "_scope_series", lambda *a: pytest.fail("own warehouse read"))
    calls: list[tuple[Any, ...]] = []
    for name in ("_declared_city_series", "_declared_filtered_series",
                 "_declared_cumulative_groups", "unit_series"):  # fmt: skip
        monkeypatch.setattr(cached, name, _recorded(calls, name))
    # The whole city: the city series, of either kind.
    assert cached.scope_series("flow", UnitFilter(), scope=None) == "_declared_city_series"
    assert cached.scope_series("carried", UnitFilter(), scope=None) == "_declared_city_series"
    assert calls == [(flow, SOURCE_URL), (carried, SOURCE_URL)]
    calls.clear()
    # A flow's filtered scope: its filtered series, whatever the filter.
    assert cached.scope_series("flow", WARDS, scope=None) == "_declared_filtered_series"
    assert calls == [(flow, SOURCE_URL, WARDS)]
    calls.clear()
    # A cumulative source's one unit: that unit's series (carried forward in SQL), in scope.
    assert cached.scope_series("carried", MINE, scope="25747") == "unit_series"
    assert calls == [("carried", "25747", ("scope", "25747"))]
    calls.clear()
    # Its unit type, or a unit with a unit type, or two units: the groups' sums.
    both = UnitFilter(unit_ids=("25747",), unit_types=("ward",))
    two = UnitFilter(unit_ids=("25747", "25750"))
    for unit_filter in (WARDS, both, two):
        assert cached.scope_series("carried", unit_filter, scope=None) == (
            "_declared_cumulative_groups"
        )
    assert calls == [
        (carried, SOURCE_URL, unit_filter, None, ("by_group", False))
        for unit_filter in (WARDS, both, two)
    ]


def test_a_part_without_a_declared_breakdown_is_the_own_warehouses_part(
    own: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An indicator read from the project's own warehouse has no declared breakdown: its
    # part is a scope series of the own warehouse, even where a source is declared for
    # its totals (a breakdown key never reads the declared totals).
    monkeypatch.setattr(cached, "declared_source", lambda code: (_source(), SOURCE_URL))
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_scope_series", _recorded(calls, (SUMS.copy(), READ_AT)))
    cached.scope_series(SHARE, UnitFilter(), None, "procedure:P1", scope=None)
    assert calls == [(own, SHARE, UnitFilter(), None, "procedure:P1", None, VERSION)]


def test_a_unit_standing_of_the_own_warehouse_passes_everything_on(
    own: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_unit_standing", _recorded(calls, (SUMS.copy(), READ_AT)))
    found = cached.unit_standing(SHARE, 2026, THROUGH, MINE, AS_OF, scope="25747")
    assert calls == [(own, SHARE, 2026, THROUGH, MINE, AS_OF_UTC, ("25747",), VERSION)]
    assert (found.fetched_at, found.is_stale) == (READ_AT, False)
    assert _tagged(found, ("unit_standing", own, SHARE, 2026, THROUGH, MINE, AS_OF_UTC, ("25747",)))
    with pytest.raises(OutOfScopeError):
        cached.unit_standing(SHARE, 2026, THROUGH, WARDS, scope="25747")


def test_a_declared_unit_standing_and_group_reads_go_through_the_source(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()
    monkeypatch.setattr(cached, "declared_source", lambda code: (source, SOURCE_URL))
    monkeypatch.setattr(cached, "page_query", lambda *a, **k: pytest.fail("own warehouse read"))
    calls: list[tuple[Any, ...]] = []
    for name in ("_declared_units", "_declared_group_standing", "_declared_series_by_group",
                 "_declared_cumulative_groups"):  # fmt: skip
        monkeypatch.setattr(cached, name, _recorded(calls, name))
    assert cached.unit_standing(SHARE, 2026, THROUGH, MINE, AS_OF, scope="25747") == (
        "_declared_units"
    )
    assert cached.group_standing(SHARE, 2026, THROUGH, MINE, AS_OF, scope="25747") == (
        "_declared_group_standing"
    )
    assert cached.series_by_group(SHARE, MINE, AS_OF, scope="25747") == (
        "_declared_series_by_group"
    )
    assert calls == [
        (source, SOURCE_URL, 2026, THROUGH, MINE, ("25747",), ("ranked", False)),
        (source, SOURCE_URL, 2026, THROUGH, MINE, ("25747",)),
        (source, SOURCE_URL, MINE, ("25747",)),
    ]
    calls.clear()
    carried = _source(is_cumulative=True)
    monkeypatch.setattr(cached, "declared_source", lambda code: (carried, SOURCE_URL))
    assert cached.series_by_group(SHARE, MINE, scope="25747") == "_declared_cumulative_groups"
    assert calls == [(carried, SOURCE_URL, MINE, ("25747",), ("by_group", True))]
    # Every one of them checks the filter against the scope first.
    for read in (
        lambda: cached.unit_ranking(SHARE, 2026, THROUGH, WARDS, scope="25747"),
        lambda: cached.group_standing(SHARE, 2026, THROUGH, WARDS, scope="25747"),
        lambda: cached.series_by_group(SHARE, WARDS, scope="25747"),
    ):
        with pytest.raises(OutOfScopeError):
            read()


def test_the_own_warehouses_page_reads_are_its_page_queries_with_their_arguments(
    own: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "page_query", _recorded(calls, MARK))
    assert cached.unit_ranking(SHARE, 2026, THROUGH, MINE, AS_OF, scope="25747") is MARK
    assert cached.group_standing(SHARE, 2026, THROUGH, MINE, AS_OF, scope="25747") is MARK
    assert cached.series_by_group(SHARE, MINE, AS_OF, scope="25747") is MARK
    assert cached.plan_revisions(2026, MINE, AS_OF, scope="25747") is MARK
    assert cached.unit_submissions("25747", AS_OF, scope="25747") is MARK
    assert cached.unit_submissions("25747", None, (SHARE,), 2026, scope="25747") is MARK
    scoped = ("scope", "25747")
    assert calls == [
        ("unit_ranking", SHARE, 2026, THROUGH, MINE, AS_OF, scoped),
        ("group_standing", SHARE, 2026, THROUGH, MINE, AS_OF, scoped),
        ("series_by_group", SHARE, MINE, AS_OF, scoped),
        ("plan_revisions", 2026, MINE, AS_OF, scoped),
        ("unit_submissions", "25747", AS_OF, None, None, scoped),
        ("unit_submissions", "25747", None, (SHARE,), 2026, scoped),
    ]
    # Another unit's submissions are refused.
    with pytest.raises(OutOfScopeError) as raised:
        cached.unit_submissions("25750", scope="25747")
    assert raised.value.asked == "25750"


def test_a_page_query_reads_its_moment_in_utc_checks_its_filters_and_keeps_its_version(
    own: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_page_query", _recorded(calls, (SUMS.copy(), READ_AT)))
    found = cached.page_query("unit_ranking", SHARE, 2026, MINE, AS_OF, scope="25747")
    args = (SHARE, 2026, MINE, AS_OF_UTC)
    assert calls == [(own, "unit_ranking", args, ("25747",), VERSION)]
    assert (found.fetched_at, found.is_stale) == (READ_AT, False)
    assert _tagged(found, ("unit_ranking", own, *args, ("25747",)))
    # Each filter among the arguments is checked, not only the first.
    with pytest.raises(OutOfScopeError):
        cached.page_query("q", MINE, UnitFilter(unit_ids=("25750",)), scope="25747")
    assert len(calls) == 1


def test_a_lineage_passes_everything_on_and_is_kept_under_its_own_key(
    own: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_lineage", _recorded(calls, (SUMS.copy(), READ_AT)))
    found = cached.lineage(SHARE, THROUGH, MINE, AS_OF, scope="25747", plan_year=2025)
    assert calls == [(own, SHARE, THROUGH, MINE, AS_OF_UTC, ("25747",), VERSION, 2025)]
    assert (found.fetched_at, found.is_stale) == (READ_AT, False)
    assert _tagged(found, ("lineage", own, SHARE, THROUGH, MINE, AS_OF_UTC, ("25747",), 2025))
    with pytest.raises(OutOfScopeError):
        cached.lineage(SHARE, THROUGH, WARDS, scope="25747")


def test_a_unit_series_reads_the_own_warehouse_on_a_past_day_or_without_a_source(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "scope_series", _recorded(calls, MARK))
    monkeypatch.setattr(cached, "declared_source", lambda code: (_source(), SOURCE_URL))
    assert cached.unit_series(SHARE, "25747", AS_OF, scope="25747") is MARK
    monkeypatch.setattr(cached, "declared_source", lambda code: None)
    assert cached.unit_series(SHARE, "25750", AS_OF, scope=None) is MARK
    assert calls == [
        (SHARE, MINE, AS_OF, ("scope", "25747")),
        (SHARE, UnitFilter(unit_ids=("25750",)), AS_OF, ("scope", None)),
    ]
    # The current series without a source: the unit's rows of every unit's, numbered
    # from 0, without the unit's column (issue 12).
    every = pd.DataFrame({"unit_id": ["25747", "25750", "25750"], "value": [1.0, 2.0, 3.0]})
    read: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "every_unit_series", _recorded(read, Fetched(every, READ_AT, is_stale=False))
    )
    mine = cached.unit_series(SHARE, "25750", scope=None)
    assert read == [(SHARE,)] and len(calls) == 2
    assert mine.frame.to_dict("list") == {"value": [2.0, 3.0]}
    assert list(mine.frame.index) == [0, 1] and mine.fetched_at == READ_AT


def test_a_unit_series_of_a_city_level_source_is_the_citys_and_in_scope_only(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source(city_grain=True)
    monkeypatch.setattr(cached, "declared_source", lambda code: (source, SOURCE_URL))
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_city_series", _recorded(calls, MARK))
    assert cached.unit_series(SHARE, "25747", scope="25747") is MARK
    assert calls == [(source, SOURCE_URL)]
    with pytest.raises(OutOfScopeError):
        cached.unit_series(SHARE, "25750", scope="25747")


def test_a_declared_units_read_is_the_sources_sums_shaped_ranked_and_scoped(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()  # online_dossier_share: higher is better
    reads: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_unit_sums", _recorded(reads, (SUMS, READ_AT)))
    keys = _reading_fetch(monkeypatch)
    standing = pd.DataFrame({"unit_id": ["25747", "25750"], "value": [80.0, 90.0]})
    shaped: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "as_unit_standing", _recorded(shaped, standing))
    ranked: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "rank_standing", _recorded(ranked, standing))
    found = cached._declared_units(source, SOURCE_URL, 2026, THROUGH, MINE, ("25747",),
                                   ranked=True)  # fmt: skip
    assert keys == [("declared_units", SOURCE_URL, SHARE, repr(source), 2026, THROUGH)]
    assert reads == [(source, SOURCE_URL, 2026, THROUGH)]
    assert shaped == [(SUMS, source, UNITS, MINE)]
    assert ranked == [(standing, True)]
    # The scoped reader's own row only, at the read's time and staleness.
    assert found.frame["unit_id"].tolist() == ["25747"]
    assert (found.fetched_at, found.is_stale) == (READ_AT, True)
    # Unranked: no ranking; no scope: every row.
    found = cached._declared_units(source, SOURCE_URL, 2026, THROUGH, MINE, None, ranked=False)
    assert len(ranked) == 1
    assert found.frame["unit_id"].tolist() == ["25747", "25750"]


def test_a_declared_ranking_of_a_lower_is_better_indicator_ranks_the_lowest_first(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An indicator whose direction is "lower" (stood in: the registry is not this rule's).
    source = _source(indicator="days_late")
    monkeypatch.setattr(cached, "_fetch", lambda key, read: Fetched(SUMS, READ_AT, False))
    monkeypatch.setattr(cached.sources, "as_unit_standing", lambda *args: UNITS)
    ranked: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "rank_standing", _recorded(ranked, UNITS))
    monkeypatch.setattr(
        cached,
        "get_indicator",
        lambda code: SimpleNamespace(direction="lower" if code == "days_late" else "higher"),
    )
    cached._declared_units(source, SOURCE_URL, 2026, THROUGH, UnitFilter(), None, ranked=True)
    assert ranked == [(UNITS, False)]


def test_a_declared_units_read_that_cannot_be_read_lists_no_unit(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached, "_fetch", _unreadable)
    shaped: list[pd.DataFrame] = []
    monkeypatch.setattr(
        cached.sources, "as_unit_standing", lambda sums, *args: shaped.append(sums) or UNITS
    )
    found = cached._declared_units(_source(), SOURCE_URL, 2026, THROUGH, UnitFilter(), None,
                                   ranked=False)  # fmt: skip
    assert (found.fetched_at, found.is_stale) == (NOW, False)
    assert shaped[0].empty
    assert list(shaped[0].columns) == ["unit_code", "numerator", "denominator",
                                       "numerator_previous", "denominator_previous",
                                       "is_reported"]  # fmt: skip


def test_the_parts_listed_for_an_indicator(gateway: str, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = pd.DataFrame(
        {"dimension": ["procedure", "sector", "procedure"], "code": ["a", "b", "c"]}
    )
    monkeypatch.setattr(cached, "breakdown_list", lambda: Fetched(listed, READ_AT, True))
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, dimension: None)
    # The own list's parts of the dimension, renumbered.
    found = cached.breakdown_parts(SHARE, "procedure")
    assert found.frame["code"].tolist() == ["a", "c"]
    assert found.frame.index.tolist() == [0, 1]
    assert list(found.frame.columns) == ["dimension", "code"]  # no column of the old index
    assert (found.fetched_at, found.is_stale) == (READ_AT, True)
    # A declared source without that breakdown: none, with the list's columns, fresh.
    source = _source()
    _declared(monkeypatch, source, None)
    found = cached.breakdown_parts(SHARE, "procedure")
    assert found.frame.empty
    assert list(found.frame.columns) == list(cached.sources.PART_LIST_COLUMNS)
    assert (found.fetched_at, found.is_stale) == (NOW, False)
    assert found.is_stale is False
    # A declared breakdown: its parts, read from the source.
    _declared(monkeypatch, source, SimpleNamespace(dimension="procedure"))
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_breakdown_fetch", _recorded(calls, MARK))
    assert cached.breakdown_parts(SHARE, "procedure") is MARK
    assert calls == [(source, SOURCE_URL, "parts", "procedure")]


def test_a_breakdown_is_missing_only_for_a_declared_source_that_declares_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, dimension: None)
    assert cached.breakdown_missing(SHARE, "sector") is False
    _declared(monkeypatch, _source(), None)
    assert cached.breakdown_missing(SHARE, "sector") is True
    _declared(monkeypatch, _source(), SimpleNamespace(dimension="sector"))
    assert cached.breakdown_missing(SHARE, "sector") is False


def test_a_filtered_and_a_groups_series_of_a_declared_source_are_shaped_from_its_sums(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()
    asked: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "_declared_month_sums", _recorded(asked, Fetched(SUMS, READ_AT, True))
    )
    shaped: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "as_filtered_series", _recorded(shaped, MARK))
    groups = pd.DataFrame({"group_key": ["a", "b"], "n_units": [1, 3]})
    monkeypatch.setattr(cached.sources, "as_series_by_group", _recorded(shaped, groups))
    found = cached._declared_filtered_series(source, SOURCE_URL, WARDS)
    assert (found.frame is MARK, found.fetched_at, found.is_stale) == (True, READ_AT, True)
    found = cached._declared_series_by_group(source, SOURCE_URL, WARDS, ("25747",))
    assert found.frame["group_key"].tolist() == ["b"]  # a group of one unit goes
    assert (found.fetched_at, found.is_stale) == (READ_AT, True)
    assert asked == [(source, SOURCE_URL), (source, SOURCE_URL)]
    assert shaped == [(SUMS, source, UNITS, WARDS), (SUMS, source, UNITS, WARDS)]


def test_a_declared_groups_standing_sums_every_units_standing(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_units", _recorded(calls, Fetched(UNITS, READ_AT, True)))
    groups = pd.DataFrame({"group_key": ["a", "b"], "n_units": [2, 1]})
    summed: list[pd.DataFrame] = []
    monkeypatch.setattr(
        cached.sources, "as_group_standing", lambda frame: summed.append(frame) or groups
    )
    found = cached._declared_group_standing(source, SOURCE_URL, 2026, THROUGH, WARDS, ("25747",))
    # Every unit of the filter (no scope) is summed; the scoped reader loses group "b".
    assert calls == [(source, SOURCE_URL, 2026, THROUGH, WARDS, None, ("ranked", False))]
    assert summed[0] is UNITS
    assert found.frame["group_key"].tolist() == ["a"]
    assert (found.fetched_at, found.is_stale) == (READ_AT, True)


def test_a_declared_sources_month_sums_are_kept_or_empty_and_fresh(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()
    reads: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_unit_month_sums", _recorded(reads, (SUMS, READ_AT)))
    keys = _reading_fetch(monkeypatch)
    found = cached._declared_month_sums(source, SOURCE_URL)
    assert (found.frame is SUMS, found.fetched_at, found.is_stale) == (True, READ_AT, True)
    assert keys == [("declared_month_sums", SOURCE_URL, SHARE, repr(source))]
    assert reads == [(source, SOURCE_URL)]
    monkeypatch.setattr(cached, "_fetch", _unreadable)
    found = cached._declared_month_sums(source, SOURCE_URL)
    assert found.frame.empty
    assert list(found.frame.columns) == ["unit_code", "period_month", "numerator",
                                         "denominator", "n_rows"]  # fmt: skip
    assert (found.fetched_at, found.is_stale) == (NOW, False)
    assert found.is_stale is False


def test_a_declared_city_series_is_kept_under_its_own_key(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()
    reads: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_declared_series", _recorded(reads, (SUMS, READ_AT)))
    keys = _reading_fetch(monkeypatch)
    found = cached._declared_city_series(source, SOURCE_URL)
    assert (found.frame is SUMS, found.fetched_at, found.is_stale) == (True, READ_AT, True)
    assert keys == [("declared_series", SOURCE_URL, SHARE, repr(source))]
    assert reads == [(source, SOURCE_URL)]


# --- which indicators a deployment's mapping declares ------------------------------------------


@pytest.fixture
def mapping_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    """A deployment's mapping file (not the project's default), its parse stood in for."""
    path = tmp_path / "sources.yaml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setattr(cached.sources, "mapping_path", lambda: path)
    monkeypatch.setattr(cached.sources, "is_default_mapping", lambda p: p != path)
    monkeypatch.setattr(cached, "_default_sources", lambda: ())
    monkeypatch.setattr(
        cached, "_source_connections", lambda: (("DASHBOARD_SOURCE_URL_CITY_DW", SOURCE_URL),)
    )
    return path


def test_a_declared_source_is_the_mappings_for_the_indicator_with_its_connections_url(
    mapping_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    share, on_time = _source(), _source(indicator="on_time_rate")
    parsed: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached,
        "_deployment_mapping",
        _recorded(parsed, SimpleNamespace(sources=[on_time, share])),
    )
    named: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "connection_url", _recorded(named, SOURCE_URL))
    assert cached.declared_source(SHARE) == (share, SOURCE_URL)
    # The file parsed by its path and modification time (an edited file is parsed afresh).
    assert parsed == [(str(mapping_file), mapping_file.stat().st_mtime)]
    assert named == [("city_dw", {"DASHBOARD_SOURCE_URL_CITY_DW": SOURCE_URL})]
    # Not declared; a connection without a URL; declared as by default: none.
    assert cached.declared_source("e_result_rate") is None
    monkeypatch.setattr(cached.sources, "connection_url", lambda name, environ: None)
    assert cached.declared_source(SHARE) is None
    monkeypatch.setattr(cached.sources, "connection_url", lambda name, environ: SOURCE_URL)
    monkeypatch.setattr(cached, "_default_sources", lambda: (share,))
    assert cached.declared_source(SHARE) is None
    assert cached.declared_source("on_time_rate") == (on_time, SOURCE_URL)


def test_no_source_is_declared_by_the_default_a_missing_or_a_malformed_mapping(
    mapping_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached.sources, "connection_url", lambda name, environ: SOURCE_URL)
    monkeypatch.setattr(cached, "_deployment_mapping", lambda p, modified: None)
    assert cached.declared_source(SHARE) is None
    assert cached.declared_indicators() == ()
    monkeypatch.setattr(
        cached, "_deployment_mapping", lambda p, modified: SimpleNamespace(sources=[_source()])
    )
    assert cached.declared_source(SHARE) is not None
    assert cached.declared_indicators() == (SHARE,)
    mapping_file.unlink()
    assert cached.declared_source(SHARE) is None
    assert cached.declared_indicators() == ()
    mapping_file.write_text("", encoding="utf-8")
    monkeypatch.setattr(cached.sources, "is_default_mapping", lambda p: True)
    assert cached.declared_source(SHARE) is None
    assert cached.declared_indicators() == ()


def test_the_project_defaults_are_its_own_mappings_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    default = cached.sources.DEFAULT_MAPPING_PATH
    parsed: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "_deployment_mapping", _recorded(parsed, SimpleNamespace(sources=(MARK,)))
    )
    assert cached._default_sources() == (MARK,)
    assert parsed == [(str(default), default.stat().st_mtime)]
    monkeypatch.setattr(cached, "_deployment_mapping", lambda p, modified: None)
    assert cached._default_sources() == ()


def test_the_named_connections_are_the_environments_and_the_own_warehouse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in [k for k in os.environ if k.startswith("DASHBOARD_SOURCE_URL_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:////srv/own.sqlite")
    monkeypatch.setenv("DASHBOARD_SOURCE_URL_CITY_DW", SOURCE_URL)
    monkeypatch.setenv(SOURCE_URL_PREFIX + "BLANK", "  ")
    assert cached._source_connections() == (
        ("DASHBOARD_SOURCE_URL_CITY_DW", SOURCE_URL),
        (SOURCE_URL_PREFIX + "WAREHOUSE", "sqlite:////srv/own.sqlite"),
    )
    # A URL set for the own warehouse's name is kept.
    monkeypatch.setenv(SOURCE_URL_PREFIX + "WAREHOUSE", "postgresql+psycopg://x@h/own")
    assert cached._source_connections()[1] == (
        SOURCE_URL_PREFIX + "WAREHOUSE",
        "postgresql+psycopg://x@h/own",
    )


def test_the_sources_problems_are_said_only_for_a_deployments_mapping(
    mapping_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.date(2026, 11, 30)
    health = SimpleNamespace(
        mapping_problem={"vi": "tệp sai", "en": "bad file"}, units_problem=None, failing={"a": 1}
    )
    asked: list[dt.date] = []
    monkeypatch.setattr(cached, "source_health", lambda day: asked.append(day) or health)
    assert cached.source_check_problem(today, "en") == "bad file"
    assert cached.source_check_problem(today, "vi") == "tệp sai"
    assert cached.failing_sources(today) == {"a": 1}
    health.mapping_problem = {}
    health.units_problem = "no unit list"
    assert cached.source_check_problem(today, "en") == "no unit list"
    health.units_problem = None
    assert cached.source_check_problem(today, "en") is None
    assert asked == [today] * 5  # five checks so far, each of the day asked
    monkeypatch.setattr(cached.sources, "is_default_mapping", lambda p: True)
    assert cached.source_check_problem(today, "en") is None
    assert cached.failing_sources(today) == {}
    assert len(asked) == 5  # the default mapping's: not checked at all


def test_a_warm_up_of_a_url_that_is_no_url_is_skipped_and_says_why(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Any
) -> None:
    monkeypatch.setattr(cached, "_read_version", lambda asked: pytest.fail("read"))
    monkeypatch.setenv("DASHBOARD_DB_URL", "not a url")
    with caplog.at_level(logging.INFO, logger=cached.LOGGER.name):
        assert cached.warm_up(lambda: pytest.fail("computed")) is None
    (message,) = caplog.messages
    assert message.startswith("warm-up skipped: ")
    assert len(message) > len("warm-up skipped: ")
    # An SQLite file that does not exist: skipped, naming the file.
    missing = tmp_path / "none.sqlite"
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{missing}")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=cached.LOGGER.name):
        assert cached.warm_up(lambda: pytest.fail("computed")) is None
    assert caplog.messages == [f"warm-up skipped: {missing}"]


def test_a_warm_up_whose_version_cannot_be_read_starts_an_outage(
    warm: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    error = OperationalError("SELECT 1", {}, Exception("connection refused"))

    def refused(asked: str) -> None:
        raise error

    monkeypatch.setattr(cached, "_read_version", refused)
    monkeypatch.setattr(cached, "_outages", {})
    monkeypatch.setattr(cached, "utc_now", lambda: NOW)
    with caplog.at_level(logging.WARNING, logger=cached.LOGGER.name):
        assert cached.warm_up(lambda: pytest.fail("computed")) is None
    # The URL (no password in it) and the error, as the error itself reads.
    assert caplog.messages == [f"warm-up: the warehouse at {warm} did not answer: {error}"]
    # Down since now, one failure, the next try 5 s on (moment 500 + 5).
    assert cached._outages == {warm: cached.Outage(NOW, 1, 505.0)}
    assert cached._published_versions == {}


def test_a_warm_up_of_the_version_published_confirms_it_and_logs_no_new_computation(
    warm: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Published at moment 400 for the version read again now (4, 2, 0, ""): confirmed at 500.
    cached._published_versions[warm] = ((4, 2, 0, ""), 400.0)
    during: list[Any] = []
    with caplog.at_level(logging.INFO, logger=cached.LOGGER.name):
        assert cached.warm_up(lambda: during.append(dict(cached._published_versions)) or 1) == (
            WarmUp((4, 2, 0, ""), 1)
        )
    # Confirmed before the computation, so the pages keep trusting it meanwhile.
    assert during == [{warm: ((4, 2, 0, ""), 500.0)}]
    assert cached._published_versions == {warm: ((4, 2, 0, ""), 500.0)}
    assert caplog.messages == []


def test_a_warm_up_of_a_new_version_logs_its_computation_and_publishes_it(
    warm: str, caplog: pytest.LogCaptureFixture
) -> None:
    cached._published_versions[warm] = ((3, 1, 0, ""), 400.0)
    with caplog.at_level(logging.INFO, logger=cached.LOGGER.name):
        assert cached.warm_up(lambda: 1) == WarmUp((4, 2, 0, ""), 1)
    # The clock stands still at 500: computed in 0.0 s.
    assert caplog.messages == [f"warm-up: data version (4, 2, 0, '') of {warm} computed in 0.0 s"]
    # Published once computed, at moment 500.
    assert cached._published_versions == {warm: ((4, 2, 0, ""), 500.0)}


def test_the_warm_up_thread_starts_once_as_a_named_daemon_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cached, "_warm_up_thread", None)
    monkeypatch.setenv(cached.WARM_UP_VARIABLE, " 0 ")
    assert cached.start_warm_up(lambda: None) is False
    assert cached._warm_up_thread is None
    monkeypatch.setenv(cached.WARM_UP_VARIABLE, "1")
    release = threading.Event()
    monkeypatch.setattr(cached, "_warm_up_forever", lambda compute, then: release.wait(10))
    try:
        assert cached.start_warm_up(lambda: None) is True
        thread = cached._warm_up_thread
        assert thread is not None
        assert (thread.name, thread.daemon) == ("dashboard-warm-up", True)
        # Running: not started again.
        assert cached.start_warm_up(lambda: None) is False
        assert cached._warm_up_thread is thread
    finally:
        release.set()
        if cached._warm_up_thread is not None:
            cached._warm_up_thread.join(10)


def test_a_failed_warm_up_pass_is_logged_and_the_thread_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    passes: list[int] = []

    def warm_up(compute: Any, then: Any) -> None:
        passes.append(1)
        if len(passes) == 1:
            raise RuntimeError("a bug")
        cached._stop.set()

    monkeypatch.setattr(cached, "warm_up", warm_up)
    waits: list[float] = []
    monkeypatch.setattr(cached, "_wake_up", SimpleNamespace(clear=lambda: None, wait=waits.append))
    try:
        with caplog.at_level(logging.ERROR, logger=cached.LOGGER.name):
            cached._warm_up_forever(lambda: None)
    finally:
        cached._stop.clear()
    assert len(passes) == 2
    assert caplog.messages == ["warm-up failed"]
    # Between passes it waits for a load or the next check, 30 s.
    assert waits == [30, 30]


def test_a_breakdown_failure_is_the_failing_report_of_that_indicator_and_dimension(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = dt.date(2026, 11, 30)
    other = SimpleNamespace(indicator="on_time_rate", dimension="sector", passed=False)
    wrong_dimension = SimpleNamespace(indicator=SHARE, dimension="procedure", passed=False)
    passing = SimpleNamespace(indicator=SHARE, dimension="sector", passed=True)
    reports = [other, wrong_dimension, passing]
    monkeypatch.setattr(cached, "source_health", lambda day: SimpleNamespace(breakdowns=reports))
    _declared(monkeypatch, _source(), SimpleNamespace(dimension="sector"))
    assert cached.breakdown_failure(SHARE, "sector", today) is None
    failing = SimpleNamespace(indicator=SHARE, dimension="sector", passed=False)
    reports[2] = failing
    assert cached.breakdown_failure(SHARE, "sector", today) is failing
    # No declared breakdown, or the own warehouse's: nothing checked, no failure.
    _declared(monkeypatch, _source(), None)
    assert cached.breakdown_failure(SHARE, "sector", today) is None
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, dimension: None)
    assert cached.breakdown_failure(SHARE, "sector", today) is None


def test_the_boundaries_of_no_file_a_missing_file_and_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(cached, "boundary_file", lambda: None)
    assert cached.boundaries() == cached.Boundaries({}, None, None)
    missing = str(tmp_path / "none.geojson")
    monkeypatch.setattr(cached, "boundary_file", lambda: missing)
    assert cached.boundaries() == cached.Boundaries(
        {}, missing, f"{missing}: No such file or directory"
    )
    present = tmp_path / "wards.geojson"
    present.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(cached, "boundary_file", lambda: str(present))
    read: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_read_boundaries", _recorded(read, MARK))
    assert cached.boundaries() is MARK
    assert read == [(str(present), present.stat().st_mtime)]


def test_the_governance_reads_pass_the_scope_and_the_version_on(
    own: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.date(2026, 11, 30)
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_governance", _recorded(calls, MARK))
    assert cached.governance(today, scope="25747") is MARK
    assert calls == [(own, today, ("25747",), VERSION)]
    catalogue: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_governance_catalogue", _recorded(catalogue, (SUMS, READ_AT)))
    found = cached.governance_catalogue()
    assert (found.frame is not None, found.fetched_at, found.is_stale) == (True, READ_AT, False)
    assert catalogue == [(own,)]


def test_the_published_figures_are_read_at_the_version_and_kept_under_their_key(
    own: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "_published", _recorded(calls, (SUMS.copy(), READ_AT)))
    found = cached.published(SHARE)
    assert calls == [(own, SHARE, VERSION)]
    assert (found.fetched_at, found.is_stale) == (READ_AT, False)
    assert _tagged(found, ("published", own, SHARE))


def test_the_scenarios_inputs_are_the_citys_series_units_and_sectors(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    online = pd.DataFrame(
        {
            "period_year": [2025, 2026, 2026],
            "period_month": pd.to_datetime(["2025-12-01", "2026-08-01", "2026-09-01"]),
        }
    )
    series_calls: list[tuple[Any, ...]] = []

    def scope_series(code: str, *args: Any, **kwargs: Any) -> Fetched:
        series_calls.append((code, *args, *sorted(kwargs.items())))
        return Fetched(online if code == "online_dossier_share" else MARK, READ_AT, False)

    monkeypatch.setattr(cached, "scope_series", scope_series)
    standing: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "unit_standing", _recorded(standing, Fetched(UNITS, READ_AT, False))
    )
    by_year: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "breakdown_by_year", _recorded(by_year, Fetched(PARTS, READ_AT, False))
    )
    series, units, sectors = cached.scenario_inputs(2026)
    codes = [
        "online_dossier_share",
        "satisfaction_rate",
        "public_investment_disbursement",
        "digital_economy_share_grdp",
    ]
    assert list(series) == codes
    assert series_calls == [(code, UnitFilter(), ("scope", None)) for code in codes]
    # The online share's latest month of 2026 is September: every unit's standing to it.
    assert standing == [
        ("online_dossier_share", 2026, dt.date(2026, 9, 1), UnitFilter(), ("scope", None))
    ]
    assert units is UNITS
    assert by_year == [("grdp_current_prices", "sector", UnitFilter(), ("scope", None))]
    assert sectors is PARTS
    # A year without the online share: no unit, with the baseline's columns.
    standing.clear()
    units = cached.scenario_inputs(2027)[1]
    assert standing == []
    assert units.empty
    assert list(units.columns) == ["unit_id", "name_vi", "name_en", "numerator", "denominator"]


def test_each_breakdown_read_asks_for_its_indicators_breakdown_by_its_dimension(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(
        cached,
        "declared_breakdown",
        lambda code, dimension: asked.append((code, dimension)) or (_source(), SOURCE_URL, None),
    )
    cached.breakdown_standing(SHARE, 2026, THROUGH, "sector", UnitFilter(), scope=None)
    cached.breakdown_by_year(SHARE, "sector", UnitFilter(), scope=None)
    cached.breakdown_parts(SHARE, "sector")
    cached.breakdown_missing(SHARE, "sector")
    cached.breakdown_failure(SHARE, "sector", dt.date(2026, 11, 30))
    assert asked == [(SHARE, "sector")] * 5


def test_a_parts_code_is_all_of_its_key_after_the_first_colon(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "_declared_breakdown_fetch", _recorded(reads, Fetched(SUMS, READ_AT, False))
    )
    monkeypatch.setattr(cached.sources, "as_filtered_series", lambda *args: MARK)
    source = _source()
    breakdown = SimpleNamespace(dimension="procedure")
    cached._declared_part_series(source, SOURCE_URL, breakdown, "procedure:QT:01", MINE)
    assert reads == [(source, SOURCE_URL, "month_sums", "procedure", "QT:01")]


def test_each_read_asks_for_its_indicators_declared_source(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    source = _source()
    monkeypatch.setattr(
        cached, "declared_source", lambda code: asked.append(code) or (source, SOURCE_URL)
    )
    for name in ("_declared_city_series", "_declared_units", "_declared_group_standing",
                 "_declared_series_by_group"):  # fmt: skip
        monkeypatch.setattr(cached, name, lambda *args, **kwargs: MARK)
    monkeypatch.setattr(cached, "declared_breakdown", lambda code, dimension: None)
    cached.scope_series(SHARE, UnitFilter(), scope=None)
    cached.unit_standing(SHARE, 2026, THROUGH, UnitFilter(), scope=None)
    cached.unit_ranking(SHARE, 2026, THROUGH, UnitFilter(), scope=None)
    cached.group_standing(SHARE, 2026, THROUGH, UnitFilter(), scope=None)
    cached.series_by_group(SHARE, UnitFilter(), scope=None)
    monkeypatch.setattr(cached.sources, "source_codes", lambda s, unit: [])
    monkeypatch.setattr(cached, "_fetch", lambda key, read: Fetched(SUMS, READ_AT, False))
    monkeypatch.setattr(cached.sources, "as_unit_series", lambda frame, s: MARK)
    cached.unit_series(SHARE, "25747", scope=None)
    assert asked == [SHARE] * 6


def test_a_units_series_is_read_for_the_codes_the_crosswalk_gives_that_unit(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source()
    monkeypatch.setattr(cached, "declared_source", lambda code: (source, SOURCE_URL))
    crosswalk: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "source_codes", _recorded(crosswalk, ["P.A", "X.9"]))
    keys: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "_fetch", lambda key, read: keys.append(key) or Fetched(SUMS, READ_AT, False)
    )
    shaped: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached.sources, "as_unit_series", _recorded(shaped, MARK))
    cached.unit_series(SHARE, "25747", scope="25747")
    assert crosswalk == [(source, "25747")]
    assert keys == [("declared_unit_series", SOURCE_URL, SHARE, repr(source), ("P.A", "X.9"))]
    # Shaped as the source's series, the sums read or, unreadable, none.
    monkeypatch.setattr(cached, "_fetch", _unreadable)
    cached.unit_series(SHARE, "25747", scope="25747")
    assert [(frame is SUMS, given) for frame, given in shaped] == [(True, source), (False, source)]


@pytest.mark.parametrize("by_group", [False, True])
def test_a_cumulative_scopes_sums_are_kept_under_their_key_and_shaped(
    gateway: str, monkeypatch: pytest.MonkeyPatch, by_group: bool
) -> None:
    groups = {"g2": ("P.B",), "g1": ("P.A",)}
    monkeypatch.setattr(cached.sources, "cumulative_code_groups", lambda *a, **k: groups)
    keys: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cached, "_fetch", lambda key, read: keys.append(key) or Fetched(SUMS, READ_AT, False)
    )
    shaped: list[pd.DataFrame] = []
    grouped = pd.DataFrame({"group_key": ["g1"], "n_units": [2]})
    monkeypatch.setattr(
        cached.sources, "as_cumulative_scope_series", lambda sums: shaped.append(sums) or MARK
    )
    monkeypatch.setattr(
        cached.sources, "as_cumulative_series_by_group", lambda sums: shaped.append(sums) or grouped
    )
    source = _source(is_cumulative=True)
    found = cached._declared_cumulative_groups(
        source, SOURCE_URL, UnitFilter(), None, by_group=by_group
    )
    # The groups sorted by their key, each with its codes.
    key = (("g1", ("P.A",)), ("g2", ("P.B",)))
    assert keys == [("declared_cumulative_groups", SOURCE_URL, SHARE, repr(source), key)]
    assert len(shaped) == 1
    assert shaped[0] is SUMS
    assert found.frame is (grouped if by_group else MARK)


def test_the_breakdown_by_year_of_the_own_warehouse_keeps_the_readers_scope(
    own: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cached, "page_query", _recorded(calls, MARK))
    assert cached.breakdown_by_year(SHARE, "sector", MINE, AS_OF, scope="25747") is MARK
    assert calls == [("breakdown_by_year", SHARE, "sector", MINE, AS_OF, ("scope", "25747"))]


def test_a_published_version_is_trusted_for_less_than_90_seconds_and_a_failure_for_less_than_10(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:1/{request.node.name}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    checked: list[str] = []
    monkeypatch.setattr(cached, "_check_alive", checked.append)
    monkeypatch.setattr(cached, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    monkeypatch.setattr(cached, "_published_versions", {url: ((1, 1, 0, ""), 910.0)})
    monkeypatch.setattr(cached, "_read_versions", {url: (3, 3, 0, "")})
    monkeypatch.setattr(cached, "_version_failed_at", {url: 990.0})
    monkeypatch.setattr(cached, "_polled_version", lambda asked: (2, 2, 0, ""))
    # Published exactly 90 s ago (1000 − 910) and failed exactly 10 s ago (1000 − 990):
    # neither holds any more, the version is polled.
    assert cached.data_version() == (2, 2, 0, "")
    # Whether the warehouse answers is checked on its own URL.
    assert checked == [url]
