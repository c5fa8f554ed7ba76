"""Cached wrappers around the queries: the only place in data_access that imports Streamlit.

Caches are per process and bounded (``max_entries``). Query results are keyed on the
query, its parameters and the warehouse's **data version** (:func:`data_version`, which
changes on every load and undo), and never expire by time (:func:`read_key`); what no load
changes (the unit list, the published figures, the governance measures, declared sources)
is re-read after ``TTL_SECONDS``. Computed figures
(tiles, backtests, year reviews, the scenario baseline) are keyed on the function, its
parameters and the data version of the frames they are given, and never expire by time:
the same data give the same figures. A background thread (:func:`start_warm_up`) computes
the default views' figures (``app_pages._warm_up``) at start-up and whenever the data
version changes, so that a visitor only reads them.

If the warehouse cannot be reached, the last good result of the same query is returned
marked stale, with the time it was fetched, so pages keep showing figures under a banner;
the next call tries the warehouse again, so the app recovers by itself.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import hashlib
import logging
import os
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data_access import governance as governance_queries
from data_access import queries, sources, stored_reports, submissions
from data_access.engine import (
    URL_ENVIRONMENT_VARIABLE,
    WarehouseState,
    database_url,
    describe_url,
    inspect_warehouse,
    make_engine,
    url_problem,
)
from data_access.queries import UnitFilter
from metrics import governance as governance_metrics
from metrics import overview
from metrics.backtest import BacktestReport, backtest
from metrics.clock import to_warehouse_time, utc_now
from metrics.geo import BoundaryFileError, parse_boundaries
from metrics.rankings import ranking_table as rank_table
from metrics.registry import HEADLINE_CODES, Grain, get_indicator
from metrics.review import YearResult, year_result
from metrics.tiles import Tile
from scenarios.baseline import Baseline
from scenarios.build import baseline_from_inputs

TTL_SECONDS = 300
MAX_ENTRIES = 128
_LAST_GOOD_LIMIT = 256

LOGGER = logging.getLogger(__name__)
T = TypeVar("T")

DataVersion = tuple[int, int, int, str]
"""What :func:`data_access.queries.data_version` returns: it changes on every load and undo."""


class WarehouseUnavailableError(RuntimeError):
    """The warehouse did not answer and no earlier result is at hand."""

    def __init__(self, url: str, cause: BaseException) -> None:
        super().__init__(f"warehouse at {describe_url(url)} did not answer: {cause}")
        self.url = url
        self.cause = cause


@dataclass(frozen=True, slots=True)
class Fetched:
    """A query's result and when it was read from the warehouse."""

    frame: pd.DataFrame
    fetched_at: dt.datetime
    is_stale: bool


_last_good: OrderedDict[tuple[Any, ...], tuple[pd.DataFrame, dt.datetime]] = OrderedDict()
_last_good_lock = threading.Lock()
_read_at: dict[tuple[Any, ...], DataVersion] = {}
"""For a read kept in ``_last_good`` through a ``reuse`` site of :func:`_fetch`: the data
version it was read at. A later call of the same read at the same version takes the kept
frame, without going through ``st.cache_data`` (issue 12: hashing the arguments and
unpickling the frame cost a warm run 0.3-1.3 ms a read). Guarded by ``_last_good_lock``;
emptied by :func:`forget_reads` and whenever ``_last_good`` lets the read go."""

_VALUES_LIMIT = 64
_values: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_values_lock = threading.Lock()


def _kept_value(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, a small value read from the warehouse that is a pure function of
    ``key`` (its ``st.cache_data`` function's arguments, the read key of the data version
    among them, no time limit), kept in the process and handed out again without
    ``st.cache_data``'s argument hashing and unpickling.

    The frame of every page asks for a few (the first load's time, the latest year with
    data) more than once a run: 0.1-0.2 ms each through ``st.cache_data`` (issue 12). An
    exception is not kept. At most ``_VALUES_LIMIT`` values, the least recently used let
    go first; emptied by :func:`forget_reads`."""
    with _values_lock:
        if key in _values:
            _values.move_to_end(key)
            return cast(T, _values[key])
    value = compute()
    with _values_lock:
        _values[key] = value
        while len(_values) > _VALUES_LIMIT:
            _values.popitem(last=False)
    return value


# --- unit scope (issue 13, item 2) ----------------------------------------------------------

Scope = str | None
"""The unit a reader is limited to, as the identity provider names it (``unit_id`` or the
five-digit ``unit_code``), or None for the whole city. Every per-unit read below takes it
as an explicit keyword argument, and it is part of every cache key, so a cached result
never crosses scopes."""


class OutOfScopeError(LookupError):
    """A read names units outside the reader's scope (another unit, or a group of units);
    the page says "not in your scope" and shows nothing of them."""

    def __init__(self, scope: str, asked: str) -> None:
        super().__init__(f"{asked} is outside the scope of unit {scope}")
        self.scope = scope
        self.asked = asked


ScopeIds = tuple[str, ...] | None
"""A scope resolved to ``unit_id`` values (None: the whole city; empty: a unit the
warehouse does not hold, which sees no unit's rows)."""


def _scope_ids(url: str, scope: Scope) -> ScopeIds:
    """``scope`` as the ``unit_id`` it names (by ``unit_id`` or ``unit_code``)."""
    if scope is None:
        return None
    frame = _fetch(("unit_list", url), lambda: _unit_list(url)).frame
    if frame.empty:
        return ()
    codes = frame["unit_code"].astype("string") if "unit_code" in frame else None
    hit = frame["unit_id"].astype("string") == scope
    if codes is not None:
        hit = hit | (codes == scope).fillna(False)
    return tuple(sorted(str(v) for v in frame.loc[hit.fillna(False), "unit_id"]))


def scope_units(scope: Scope) -> ScopeIds:
    """``scope`` resolved to the ``unit_id`` it names on the configured warehouse (None: the
    whole city; empty: a unit the warehouse does not hold), for the Data page's reads and
    writes (:mod:`data_access.submissions`, :mod:`ingest.service`), which take unit ids."""
    return _scope_ids(warehouse_url(), scope)


def _check_filter(scope: Scope, ids: ScopeIds, unit_filter: UnitFilter) -> None:
    """A scoped reader may ask for the whole city (an aggregate) or its own unit; a filter
    naming any other unit, or a group of units (a former province, a unit type), is refused."""
    if ids is None or scope is None or unit_filter.is_whole_city:
        return
    if unit_filter.former_provinces or unit_filter.unit_types:
        asked = ", ".join((*unit_filter.former_provinces, *unit_filter.unit_types))
        raise OutOfScopeError(scope, asked)
    outside = [u for u in unit_filter.unit_ids if u not in ids]
    if outside:
        raise OutOfScopeError(scope, ", ".join(outside))


def _only_scope(frame: pd.DataFrame, ids: ScopeIds) -> pd.DataFrame:
    """The rows of ``frame`` of the scope's unit (by ``unit_id``); all rows without a scope."""
    if ids is None:
        return frame
    return frame.loc[frame["unit_id"].astype("string").isin(ids).fillna(False)].reset_index(
        drop=True
    )


def _without_single_unit_groups(frame: pd.DataFrame, ids: ScopeIds) -> pd.DataFrame:
    """Group rows for a scoped reader: a group of one unit is that unit's detail, so it goes."""
    if ids is None:
        return frame
    return frame.loc[frame["n_units"] > 1].reset_index(drop=True)


def warehouse_url() -> str:
    """The warehouse URL: ``DASHBOARD_DB_URL``, else ``[warehouse] url`` in secrets, else the
    embedded demo warehouse.

    The environment variable is read first and, when set, secrets are not read at all: it
    wins anyway, and a page run asks for the URL some thirty times (each secrets lookup
    costs about half a millisecond when there is no secrets file, issue 12)."""
    from_environment = os.environ.get(URL_ENVIRONMENT_VARIABLE)
    if from_environment:
        return from_environment
    secrets_url: str | None = None
    try:
        section = st.secrets.get("warehouse")
        if section is not None:
            secrets_url = section.get("url")
    except (FileNotFoundError, KeyError, AttributeError, st.errors.StreamlitSecretNotFoundError):
        secrets_url = None
    return database_url(secrets_url)


def _dispose(engine: Engine) -> None:
    engine.dispose()


# on_release: an engine pushed out of the cache closes its pool instead of leaking it.
@st.cache_resource(max_entries=4, show_spinner=False, on_release=_dispose)
def engine_for(url: str) -> Engine:
    """One engine (and its connection pool) per URL and process."""
    return make_engine(url)


SOURCE_ATTR = "dashboard_source"
"""The key a frame read through :func:`_fetch` carries in ``frame.attrs``: a digest of the
query, its parameters and the data version it was read at. The computed-figure caches key
on it (:func:`_frame_key`) instead of hashing the frame's content."""
_SOURCE_SALT = os.urandom(16)


def _source_digest(key: tuple[Any, ...], version: DataVersion) -> str:
    """An opaque digest of (query key, data version), salted per process.

    Never the key itself: ``frame.attrs`` travels with the frame, and with frames derived
    from it, into the Arrow bytes Streamlit sends to the browser, and the key holds the
    warehouse URL (with any password). The salt keeps the digest from being checked
    against guessed URLs; the key needs to be stable only within the process.
    """
    text = repr((*key, version)).encode("utf-8")
    return hashlib.blake2b(text, key=_SOURCE_SALT, digest_size=20).hexdigest()


def _fetch(
    key: tuple[Any, ...],
    load: Callable[[], tuple[pd.DataFrame, dt.datetime]],
    version: DataVersion | None = None,
    *,
    reuse: bool = False,
    reuse_within: float | None = None,
) -> Fetched:
    """``load()`` (a cached read of the warehouse), remembered under ``key`` as the last
    good result for an outage, and tagged with its source key when read at ``version``.

    ``reuse``: the read is a pure function of ``key`` and the data version (its
    ``st.cache_data`` function has no time limit and takes ``read_key(version)``), so the
    frame remembered for ``key`` at this very version is that function's result: it is
    handed out again without calling ``load``. Frames are shared, never changed (a copy
    per caller; pandas copies on write).

    ``reuse_within``: the same, for a read its ``st.cache_data`` function keeps that many
    seconds (``ttl``; the published figures, which a load does not change): the frame
    remembered at this version is handed out again while it is younger than that, by the
    time it was read (``fetched_at``), so never after the cached function would have
    read the warehouse again (issue 12: unpickling the published figures cost every page
    that shows them about 2 ms a run)."""
    url = key[1]
    if (reuse or reuse_within is not None) and version is not None:
        with _last_good_lock:
            kept = _last_good.get(key) if _read_at.get(key) == version else None
            if kept is not None:
                _last_good.move_to_end(key)
        if kept is not None and reuse_within is not None:
            age = (utc_now() - kept[1]).total_seconds()
            kept = kept if 0 <= age < reuse_within else None
        if kept is not None:
            return _tagged(kept[0], kept[1], key, version)
    try:
        frame, fetched_at = load()
    except SQLAlchemyError as error:
        _notice_failure(url)
        with _last_good_lock:
            remembered = _last_good.get(key)
        if remembered is None:
            raise WarehouseUnavailableError(url, error) from error
        # A copy per caller: the remembered frame is shared by every session. It may be
        # older than the current data version, so it carries no source key: figures
        # computed from it are keyed on its content.
        stale = remembered[0].copy()
        stale.attrs.pop(SOURCE_ATTR, None)
        return Fetched(stale, remembered[1], is_stale=True)
    with _last_good_lock:
        _last_good[key] = (frame, fetched_at)
        _last_good.move_to_end(key)
        if (reuse or reuse_within is not None) and version is not None:
            _read_at[key] = version
        else:
            _read_at.pop(key, None)
        while len(_last_good) > _LAST_GOOD_LIMIT:
            _read_at.pop(_last_good.popitem(last=False)[0], None)
    return _tagged(frame, fetched_at, key, version)


def _tagged(
    frame: pd.DataFrame, fetched_at: dt.datetime, key: tuple[Any, ...], version: DataVersion | None
) -> Fetched:
    """A caller's own copy of a read ``frame``, tagged with its source key when read at
    ``version``: the tag is this caller's, not the remembered frame's."""
    frame = frame.copy(deep=False)
    if version is not None:
        frame.attrs[SOURCE_ATTR] = _source_digest(key, version)
    return Fetched(frame, fetched_at, is_stale=False)


def forget_reads() -> None:
    """Empty the caches of warehouse reads (``st.cache_data``, every unit's series, the
    reads :func:`_fetch` hands out again and the values of :func:`_kept_value`), so that
    the next view reads the warehouse anew. The results kept for an outage stay. Call
    this, not ``st.cache_data.clear()`` alone."""
    st.cache_data.clear()
    _every_unit_series.clear()
    with _last_good_lock:
        _read_at.clear()
    with _values_lock:
        _values.clear()


def _frame_key(frame: pd.DataFrame) -> object:
    """What a computed-figure cache keys a frame on: its source key (query, parameters,
    data version; see :data:`SOURCE_ATTR`) with its shape and columns, so a frame cut or
    extended after reading is not taken for the one read; its content when it has none
    (a frame built by hand, or a stale one read during an outage)."""
    source = frame.attrs.get(SOURCE_ATTR)
    if source is not None:
        return ("source", source, len(frame), tuple(map(str, frame.columns)))
    try:
        content = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    except TypeError:  # unhashable cells (lists, dicts): their pickle
        content = pickle.dumps(frame)
    return ("content", content, tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes)))


frame_key = _frame_key
"""What a cache outside this module keys a frame on (see :func:`_frame_key`)."""


# --- the data version ---------------------------------------------------------------------

VERSION_CHECK_SECONDS = 30
"""How often the warm-up thread (and, without it, the pages) read the data version."""
_PUBLISHED_FOR_SECONDS = 3 * VERSION_CHECK_SECONDS
"""A version the warm-up published is trusted this long without being confirmed (the
thread confirms it on every check); after that the pages read it themselves."""

_RETRY_VERSION_AFTER_SECONDS = 10
"""After the version query failed, the pages use the last version read for this long
before trying again (each try can wait for a connection timeout)."""

ALIVE_CHECK_SECONDS = 3
"""A page run reads the data version itself (one small query), to learn whether the
warehouse still answers, at most this often per process. The version the caches are keyed
on is still the one read every ``VERSION_CHECK_SECONDS``; without this check a page served
from the caches would not notice an outage for up to that long."""
_alive_checked_at: dict[str, float] = {}

_published_versions: dict[str, tuple[DataVersion, float]] = {}
_read_versions: dict[str, DataVersion] = {}
_version_failed_at: dict[str, float] = {}
_versions_lock = threading.Lock()
_warming: contextvars.ContextVar[DataVersion | None] = contextvars.ContextVar(
    "dashboard_warming", default=None
)


def _read_version(url: str) -> DataVersion:
    """The warehouse's data version, read now (raises SQLAlchemyError when unreachable)."""
    with engine_for(url).connect() as conn:
        version = queries.data_version(conn)
    with _versions_lock:
        _read_versions[url] = version
    _mark_up(url)
    return version


@st.cache_data(ttl=VERSION_CHECK_SECONDS, max_entries=4, show_spinner=False)
def _polled_version(url: str) -> DataVersion:
    return _read_version(url)


def data_version() -> DataVersion | None:
    """The data version the caches of the configured warehouse are keyed on.

    While the warm-up runs (:func:`start_warm_up`), the version it last published: a page
    sends no query for it, and switches to a new version only once the warm-up has computed
    its figures. Otherwise the version read at most every ``VERSION_CHECK_SECONDS``. When
    the warehouse does not answer, the last version read (None if none was). Either way,
    whether the warehouse still answers is checked at most every ``ALIVE_CHECK_SECONDS``
    (:func:`_check_alive`), so an outage is noticed within seconds.
    """
    warming = _warming.get()
    if warming is not None:
        return warming
    url = warehouse_url()
    problem = url_problem(url)
    if problem is None:
        _check_alive(url)
    with _versions_lock:
        published = _published_versions.get(url)
    if published is not None and time.monotonic() - published[1] < _PUBLISHED_FOR_SECONDS:
        return published[0]
    if problem is not None:
        return None
    with _versions_lock:
        failed_at = _version_failed_at.get(url)
        if failed_at is not None and time.monotonic() - failed_at < _RETRY_VERSION_AFTER_SECONDS:
            return _read_versions.get(url)
    try:
        return _polled_version(url)
    except SQLAlchemyError:
        _mark_down(url)
        with _versions_lock:
            _version_failed_at[url] = time.monotonic()
            return _read_versions.get(url)


def _check_alive(url: str) -> None:
    """Whether ``url`` still answers, read at most every ``ALIVE_CHECK_SECONDS`` per process
    (one session at a time asks; the others go on meanwhile): an outage starts when it does
    not. Not during a known outage: :func:`try_warehouse_again` tries then, backing off."""
    now = time.monotonic()
    with _outages_lock:
        if url in _outages:
            return
    with _versions_lock:
        checked_at = _alive_checked_at.get(url)
        if checked_at is not None and now - checked_at < ALIVE_CHECK_SECONDS:
            return
        _alive_checked_at[url] = now
    try:
        _read_version(url)
    except SQLAlchemyError:
        _mark_down(url)


def _publish(url: str, version: DataVersion) -> None:
    with _versions_lock:
        _published_versions[url] = (version, time.monotonic())


def _forget_versions() -> None:
    """Forget every version read or published (for tests)."""
    with _versions_lock:
        _published_versions.clear()
        _read_versions.clear()
        _version_failed_at.clear()
        _alive_checked_at.clear()


ReadKey = DataVersion | tuple[str, int]
"""What a read of the warehouse is cached on besides its query and parameters
(:func:`read_key`)."""


def read_key(version: DataVersion | None) -> ReadKey:
    """The key of a read of the warehouse's loaded data at ``version``.

    The data version changes on every load and undo, and nothing else changes the rows
    these reads return, so a read keyed on it never expires by time (issue 12: with a
    time limit, the first visitor after it re-sent every statement of the page, and the
    warm-up re-read them all within ``VERSION_CHECK_SECONDS``). Old versions' reads leave
    the bounded caches as new ones come in. Without a version (it could not be read),
    the current ``TTL_SECONDS`` window of the clock: such a read is sent again after at
    most that long, as every read was before."""
    if version is not None:
        return version
    return ("unversioned", int(utc_now().timestamp() // TTL_SECONDS))


def _utc(as_of: dt.datetime | None) -> dt.datetime | None:
    """``as_of`` as the warehouse stores times (naive UTC), so a cache key means one moment."""
    return None if as_of is None else to_warehouse_time(as_of)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def _scope_series(
    url: str,
    indicator_code: str,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
    breakdown_key: str,
    ids: ScopeIds,
    version: ReadKey,
) -> tuple[pd.DataFrame, dt.datetime]:
    # ``ids`` is part of the cache key: the filter was checked against it before the call.
    with engine_for(url).connect() as conn:
        frame = queries.scope_series(conn, indicator_code, unit_filter, as_of, breakdown_key)
        return frame, utc_now()


def scope_series(
    indicator_code: str,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None = None,
    breakdown_key: str = "",
    *,
    scope: Scope,
) -> Fetched:
    """Cached :func:`data_access.queries.scope_series` on the configured warehouse (the
    figures as they stood at ``as_of``; the current ones without it).

    The whole city's current series of an indicator that a deployment's mapping declares
    (:func:`declared_source`) is read through that source instead: summed in its database
    (:func:`data_access.sources.city_series`); a filtered scope's (a former province, a unit
    type, one unit) from its sums per source unit code and month
    (:func:`_declared_filtered_series`). A declared source keeps no load history: on a past
    day (``as_of``) its current figures are read (the page says so,
    :func:`declared_indicators`). A breakdown (a procedure) of a declared indicator is
    read through the source's declared breakdown (:func:`_declared_part_series`; empty
    when it declares none).

    A scoped reader gets the whole city's series and its own unit's; any other filter
    raises :class:`OutOfScopeError`."""
    url, moment, version = warehouse_url(), _utc(as_of), data_version()
    ids = _scope_ids(url, scope)
    _check_filter(scope, ids, unit_filter)
    if breakdown_key != "":
        part = declared_breakdown(indicator_code, breakdown_key.partition(":")[0])
        if part is not None:
            return _declared_part_series(*part, breakdown_key, unit_filter)
    if breakdown_key == "":
        declared = declared_source(indicator_code)
        if declared is not None:
            if unit_filter.is_whole_city:
                return _declared_city_series(*declared)
            if not declared[0].is_cumulative:
                return _declared_filtered_series(*declared, unit_filter)
            one_unit = len(unit_filter.unit_ids) == 1
            if one_unit and not (unit_filter.former_provinces or unit_filter.unit_types):
                # A cumulative source's carry-forward is done in SQL per unit code
                # (:func:`unit_series`).
                return unit_series(indicator_code, unit_filter.unit_ids[0], scope=scope)
            # Its other filtered scopes (a former province, a unit type): the carried
            # figures summed in SQL over the scope's codes (:func:`_declared_cumulative_groups`).
            return _declared_cumulative_groups(*declared, unit_filter, None, by_group=False)
    return _fetch(
        ("scope_series", url, indicator_code, unit_filter, moment, breakdown_key, ids),
        lambda: _scope_series(
            url, indicator_code, unit_filter, moment, breakdown_key, ids, read_key(version)
        ),
        version,
        reuse=True,
    )


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def _unit_standing(
    url: str,
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
    ids: ScopeIds,
    version: ReadKey,
) -> tuple[pd.DataFrame, dt.datetime]:
    with engine_for(url).connect() as conn:
        frame = queries.unit_standing(conn, indicator_code, year, through_month, unit_filter, as_of)
        return _only_scope(frame, ids), utc_now()


def unit_standing(
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None = None,
    *,
    scope: Scope,
) -> Fetched:
    """Cached :func:`data_access.queries.unit_standing` on the configured warehouse; a
    scoped reader gets its own unit's row only. A declared indicator's is read through its
    source, current also on a past day (a source keeps no load history)."""
    url, moment, version = warehouse_url(), _utc(as_of), data_version()
    ids = _scope_ids(url, scope)
    _check_filter(scope, ids, unit_filter)
    declared = declared_source(indicator_code)
    if declared is not None:
        return _declared_units(*declared, year, through_month, unit_filter, ids, ranked=False)
    return _fetch(
        ("unit_standing", url, indicator_code, year, through_month, unit_filter, moment, ids),
        lambda: _unit_standing(
            url, indicator_code, year, through_month, unit_filter, moment, ids, read_key(version)
        ),
        version,
        reuse=True,
    )


PAGE_QUERIES: dict[str, Callable[..., pd.DataFrame]] = {
    "unit_ranking": queries.unit_ranking,
    "group_standing": queries.group_standing,
    "series_by_group": queries.series_by_group,
    "breakdown_standing": queries.breakdown_standing,
    "breakdown_by_year": queries.breakdown_by_year,
    "unit_submissions": queries.unit_submissions,
    "plan_revisions": queries.plan_revisions,
}
"""The indicator pages' queries, run through one bounded cache (:func:`page_query`)."""
PAGE_MAX_ENTRIES = 256


PER_UNIT_ROWS = frozenset({"unit_ranking"})
"""Page queries with one row per unit: a scoped reader keeps its own unit's row."""
GROUP_ROWS = frozenset({"group_standing", "series_by_group"})
"""Page queries with one row per group of units: a scoped reader loses single-unit groups."""


@st.cache_data(max_entries=PAGE_MAX_ENTRIES, show_spinner=False)
def _page_query(
    url: str, name: str, args: tuple[Any, ...], ids: ScopeIds, version: ReadKey
) -> tuple[pd.DataFrame, dt.datetime]:
    with engine_for(url).connect() as conn:
        frame = PAGE_QUERIES[name](conn, *args)
    if name in PER_UNIT_ROWS:
        frame = _only_scope(frame, ids)
    elif name in GROUP_ROWS:
        frame = _without_single_unit_groups(frame, ids)
    return frame, utc_now()


def page_query(name: str, *args: Any, scope: Scope) -> Fetched:
    """Cached ``data_access.queries.<name>(conn, *args)`` on the configured warehouse,
    limited to ``scope``.

    The arguments are the query's own, in its order; a moment among them (``as_of``) is
    passed as naive UTC so one moment is one cache entry. A :class:`UnitFilter` among
    them is checked against the scope (:class:`OutOfScopeError`), and the scope is part
    of the cache key.
    """
    url, version = warehouse_url(), data_version()
    ids = _scope_ids(url, scope)
    for arg in args:
        if isinstance(arg, UnitFilter):
            _check_filter(scope, ids, arg)
    plain = tuple(_utc(a) if isinstance(a, dt.datetime) else a for a in args)
    return _fetch(
        (name, url, *plain, ids),
        lambda: _page_query(url, name, plain, ids, read_key(version)),
        version,
        reuse=True,
    )


def unit_ranking(
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None = None,
    *,
    scope: Scope,
) -> Fetched:
    """Cached :func:`data_access.queries.unit_ranking`, limited to ``scope``.

    The ranking of an indicator that a deployment's mapping declares is read through that
    source instead (:func:`_declared_units`), its current figures also on a past day (a
    source keeps no load history)."""
    declared = declared_source(indicator_code)
    if declared is not None:
        ids = _scope_ids(warehouse_url(), scope)
        _check_filter(scope, ids, unit_filter)
        return _declared_units(*declared, year, through_month, unit_filter, ids, ranked=True)
    return page_query(
        "unit_ranking", indicator_code, year, through_month, unit_filter, as_of, scope=scope
    )


def group_standing(
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None = None,
    *,
    scope: Scope,
) -> Fetched:
    """Cached :func:`data_access.queries.group_standing`, limited to ``scope``; a declared
    indicator's through its source (:func:`_declared_group_standing`)."""
    declared = declared_source(indicator_code)
    if declared is not None:
        # A cumulative source's too: its units' standing carries a missing report forward
        # (:func:`data_access.sources.cumulative_unit_sums`).
        ids = _scope_ids(warehouse_url(), scope)
        _check_filter(scope, ids, unit_filter)
        return _declared_group_standing(*declared, year, through_month, unit_filter, ids)
    return page_query(
        "group_standing", indicator_code, year, through_month, unit_filter, as_of, scope=scope
    )


def series_by_group(
    indicator_code: str, unit_filter: UnitFilter, as_of: dt.datetime | None = None, *, scope: Scope
) -> Fetched:
    """Cached :func:`data_access.queries.series_by_group`, limited to ``scope``; a declared
    indicator's through its source (:func:`_declared_series_by_group`)."""
    declared = declared_source(indicator_code)
    if declared is not None:
        ids = _scope_ids(warehouse_url(), scope)
        _check_filter(scope, ids, unit_filter)
        if declared[0].is_cumulative:
            return _declared_cumulative_groups(*declared, unit_filter, ids, by_group=True)
        return _declared_series_by_group(*declared, unit_filter, ids)
    return page_query("series_by_group", indicator_code, unit_filter, as_of, scope=scope)


def breakdown_standing(
    indicator_code: str,
    year: int,
    through_month: dt.date,
    dimension: str,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None = None,
    *,
    scope: Scope,
) -> Fetched:
    """Cached :func:`data_access.queries.breakdown_standing` (summed over the filter's
    units: a scoped reader may ask for the whole city or its own unit); a declared
    indicator's through its declared breakdown (:func:`_declared_breakdown_standing`),
    empty when it declares none (the page says so: :func:`breakdown_missing`)."""
    declared = declared_breakdown(indicator_code, dimension)
    if declared is not None:
        _check_filter(scope, _scope_ids(warehouse_url(), scope), unit_filter)
        source, url, breakdown = declared
        if breakdown is None:
            return Fetched(pd.DataFrame(columns=sources.BREAKDOWN_COLUMNS), utc_now(), False)
        return _declared_breakdown_standing(
            source, url, dimension, year, through_month, unit_filter
        )
    return page_query(
        "breakdown_standing",
        indicator_code,
        year,
        through_month,
        dimension,
        unit_filter,
        as_of,
        scope=scope,
    )


def breakdown_by_year(
    indicator_code: str,
    dimension: str,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None = None,
    *,
    scope: Scope,
) -> Fetched:
    """Cached :func:`data_access.queries.breakdown_by_year` (whole city or own unit); a
    declared indicator's through its declared breakdown (:func:`_declared_breakdown_by_year`),
    empty when it declares none (the page says so: :func:`breakdown_missing`)."""
    declared = declared_breakdown(indicator_code, dimension)
    if declared is not None:
        _check_filter(scope, _scope_ids(warehouse_url(), scope), unit_filter)
        source, url, breakdown = declared
        if breakdown is None:
            return Fetched(pd.DataFrame(columns=sources.BREAKDOWN_YEAR_COLUMNS), utc_now(), False)
        return _declared_breakdown_by_year(source, url, dimension)
    return page_query(
        "breakdown_by_year", indicator_code, dimension, unit_filter, as_of, scope=scope
    )


def unit_submissions(
    unit_id: str,
    as_of: dt.datetime | None = None,
    indicator_ids: tuple[str, ...] | None = None,
    year: int | None = None,
    *,
    scope: Scope,
) -> Fetched:
    """Cached :func:`data_access.queries.unit_submissions` (of ``indicator_ids`` in
    ``year`` when given: what a scorecard shows, not the unit's whole history, which the
    cache would keep per unit visited); another unit's raises :class:`OutOfScopeError`
    for a scoped reader."""
    _check_filter(scope, _scope_ids(warehouse_url(), scope), UnitFilter(unit_ids=(unit_id,)))
    return page_query("unit_submissions", unit_id, as_of, indicator_ids, year, scope=scope)


def plan_revisions(
    year: int, unit_filter: UnitFilter, as_of: dt.datetime | None = None, *, scope: Scope
) -> Fetched:
    """Cached :func:`data_access.queries.plan_revisions` (whole city or own unit)."""
    return page_query("plan_revisions", year, unit_filter, as_of, scope=scope)


@st.cache_data(ttl=TTL_SECONDS, max_entries=4, show_spinner=False)
def _unit_list(url: str) -> tuple[pd.DataFrame, dt.datetime]:
    with engine_for(url).connect() as conn:
        return queries.unit_list(conn), utc_now()


def unit_list(*, scope: Scope) -> Fetched:
    """Cached :func:`data_access.queries.unit_list`: every unit, with its point and any
    boundary; a scoped reader's own unit only (sign-in, which has no scope yet, passes
    None to check a claimed unit code)."""
    url = warehouse_url()
    fetched = _fetch(("unit_list", url), lambda: _unit_list(url))
    ids = _scope_ids(url, scope)
    if ids is None:
        return fetched
    return Fetched(_only_scope(fetched.frame, ids), fetched.fetched_at, fetched.is_stale)


@st.cache_data(ttl=TTL_SECONDS, max_entries=4, show_spinner=False)
def _breakdown_list(url: str) -> tuple[pd.DataFrame, dt.datetime]:
    with engine_for(url).connect() as conn:
        return queries.breakdown_list(conn), utc_now()


def breakdown_list() -> Fetched:
    """Cached :func:`data_access.queries.breakdown_list`: every procedure and sector."""
    url = warehouse_url()
    return _fetch(("breakdown_list", url), lambda: _breakdown_list(url))


@st.cache_data(max_entries=4, show_spinner=False)
def _first_load_at(url: str, version: ReadKey) -> dt.datetime | None:
    with engine_for(url).connect() as conn:
        return queries.first_load_at(conn)


def first_load_at() -> dt.datetime | None:
    """Cached :func:`data_access.queries.first_load_at`; None when the warehouse is empty
    or does not answer."""
    try:
        url, key = warehouse_url(), read_key(data_version())
        return _kept_value(("first_load_at", url, key), lambda: _first_load_at(url, key))
    except SQLAlchemyError:
        return None


@st.cache_data(ttl=TTL_SECONDS, max_entries=16, show_spinner=False)
def _published(
    url: str, indicator_code: str | None, version: DataVersion | None
) -> tuple[pd.DataFrame, dt.datetime]:
    with engine_for(url).connect() as conn:
        return queries.published(conn, indicator_code), utc_now()


def published(indicator_code: str | None = None) -> Fetched:
    """Cached :func:`data_access.queries.published` on the configured warehouse."""
    url, version = warehouse_url(), data_version()
    return _fetch(
        ("published", url, indicator_code),
        lambda: _published(url, indicator_code, version),
        version,
        reuse_within=TTL_SECONDS,
    )


GATE_CHECK_SECONDS = VERSION_CHECK_SECONDS + 15
"""How long the gate's check of the warehouse (:func:`warehouse_state`) is kept. The
warm-up checks it again at the start and the end of each pass (:func:`warm_up`), and pauses
``VERSION_CHECK_SECONDS`` between passes, so with the warm-up thread running a visitor's run
finds it kept, never checks it itself (issue 12: kept 30 s, as long as the pause, it
expired during each pass, and a visitor's run paid the check, 4-5 ms at tier S)."""


@st.cache_data(ttl=GATE_CHECK_SECONDS, max_entries=4, show_spinner=False)
def _warehouse_state(url: str) -> tuple[WarehouseState, str]:
    problem = url_problem(url)  # before engine_for, which would cache a broken engine
    if problem is not None:
        return problem
    state, detail = inspect_warehouse(url, engine_for(url))
    if state is WarehouseState.UNREACHABLE:
        _mark_down(url)
    return state, detail


def warehouse_state() -> tuple[WarehouseState, str, str]:
    """The configured warehouse's state, a detail, and its URL with the password hidden.

    Checked at most every ``GATE_CHECK_SECONDS`` (by the warm-up, when it runs: see
    :func:`check_warehouse_again`), so an outage is noticed and a recovery picked up
    without a restart.
    """
    url = warehouse_url()
    state, detail = _warehouse_state(url)
    return state, detail, describe_url(url)


def check_warehouse_again() -> None:
    """Check the configured warehouse's state now and keep the result
    (:func:`warehouse_state`): the warm-up does it at the start and the end of each pass."""
    url = warehouse_url()
    _warehouse_state.clear(url)
    _warehouse_state(url)


@st.cache_data(max_entries=16, show_spinner=False)
def _latest_data_year(
    url: str, through_month: dt.date, as_of: dt.datetime | None, version: ReadKey
) -> int | None:
    with engine_for(url).connect() as conn:
        return queries.latest_data_year(conn, HEADLINE_CODES, through_month, as_of)


def latest_data_year(through_month: dt.date, as_of: dt.datetime | None = None) -> int | None:
    """Cached :func:`data_access.queries.latest_data_year` of the headline indicators on the
    configured warehouse; None when it holds none or does not answer."""
    try:
        url, moment, key = warehouse_url(), _utc(as_of), read_key(data_version())
        return _kept_value(
            ("latest_data_year", url, through_month, moment, key),
            lambda: _latest_data_year(url, through_month, moment, key),
        )
    except SQLAlchemyError:
        return None


# --- outages: since when, and when to try again (issue 13, item 4) ------------------------

RETRY_FIRST_SECONDS = 5
"""The first try after the warehouse stopped answering comes this long after it did."""
RETRY_MAX_SECONDS = 60
"""Tries never come further apart than this."""


def retry_delay(failures: int) -> float:
    """Seconds to wait before the next try at the warehouse after ``failures`` failed in a
    row: 5, 10, 20, 40, then 60 at most (none before the first failure)."""
    if failures < 1:
        return 0.0
    return float(min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** min(failures - 1, 16)))


@dataclass(frozen=True, slots=True)
class Outage:
    """The configured warehouse stopped answering: since when (UTC), how many tries at it
    failed since, and when (``time.monotonic``) the next one is due."""

    since: dt.datetime
    failures: int
    next_try_at: float


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def _mark_down(url: str, tried: bool = False) -> None:
    """A read of ``url`` failed: an outage starts (if none was known). A failed try of
    :func:`try_warehouse_again` (``tried``) counts, and puts the next one further off."""
    now = time.monotonic()
    with _outages_lock:
        known = _outages.get(url)
        if known is None:
            _outages[url] = Outage(utc_now(), 1, now + retry_delay(1))
        elif tried:
            failures = known.failures + 1
            _outages[url] = Outage(known.since, failures, now + retry_delay(failures))


def _notice_failure(url: str) -> None:
    """A query on ``url`` failed: an outage when the warehouse does not answer at all (its
    data version cannot be read either), not when one query failed on its own (a missing
    table, a statement timeout), which must not put every page under the banner."""
    with _outages_lock:
        if url in _outages:
            return
    if url_problem(url) is not None:
        return
    try:
        _read_version(url)
    except SQLAlchemyError:
        _mark_down(url)


def _mark_up(url: str) -> None:
    """A read of ``url`` succeeded: the outage (if any) is over, and the state kept during
    it is forgotten, so every page reads the warehouse again on its next run."""
    with _outages_lock:
        ended = _outages.pop(url, None)
    if ended is None:
        return
    LOGGER.info("the warehouse at %s answers again (down since %s)", describe_url(url), ended.since)
    _warehouse_state.clear()
    _polled_version.clear()
    with _versions_lock:
        _version_failed_at.pop(url, None)


def outage() -> Outage | None:
    """The configured warehouse's outage, while one is known (a read failed and no read
    succeeded since); None when it answers."""
    url = warehouse_url()
    with _outages_lock:
        return _outages.get(url)


def try_warehouse_again() -> bool:
    """During an outage, read the warehouse again if a try is due (:func:`retry_delay` after
    the last one; one try per process, whatever the number of sessions waiting). True when
    no outage is known any more: the caller reruns its page."""
    url = warehouse_url()
    now = time.monotonic()
    with _outages_lock:
        known = _outages.get(url)
        if known is None:
            return True
        if now < known.next_try_at:
            return False
        # Claim this try: sessions asking meanwhile wait for the next one.
        _outages[url] = dataclasses.replace(
            known, next_try_at=now + retry_delay(known.failures + 1)
        )
    try:
        _read_version(url)  # ends the outage (_mark_up)
    except SQLAlchemyError as error:
        LOGGER.info("the warehouse at %s still does not answer: %s", describe_url(url), error)
        _mark_down(url, tried=True)
        return False
    return True


def _forget_outages() -> None:
    """Forget every outage (for tests)."""
    with _outages_lock:
        _outages.clear()


BACKTEST_MAX_ENTRIES = 32
"""Backtest reports kept per process: one per indicator and filter (scope) in use."""


_FRAMES_BY_SOURCE: dict[str | type[Any], Callable[[Any], Any]] = {pd.DataFrame: _frame_key}
"""``hash_funcs`` of the computed-figure caches: a frame is keyed on its source key."""


STORED_REPORTS_VARIABLE = "DASHBOARD_STORED_REPORTS"
"""Set to ``0`` to keep backtests in this process only, not in the warehouse's
``stored_reports`` table (the test suite does; its own tests turn it on)."""


def _stores_reports() -> bool:
    return os.environ.get(STORED_REPORTS_VARIABLE, "1").strip() != "0"


@st.cache_data(max_entries=BACKTEST_MAX_ENTRIES, show_spinner=False, hash_funcs=_FRAMES_BY_SOURCE)
def backtest_report(series: pd.DataFrame, indicator_code: str) -> BacktestReport:
    """:func:`metrics.backtest.backtest` of ``series``, cached on the series' source key
    (query, parameters, data version; :func:`_frame_key`), with no time limit.

    A new load makes a new data version and so a new report, and any number of page views
    of the same data share one (about a second per series to compute, tens of seconds
    under load). Across restarts the report is kept in the app's own warehouse
    (:mod:`data_access.stored_reports`, keyed on the indicator, the series' content, the
    data version and the code): a restart reads it instead of refitting. A frame without a
    source key (built by hand, or stale during an outage) is neither read nor kept there.
    """
    indicator = get_indicator(indicator_code)
    version = data_version() if SOURCE_ATTR in series.attrs and _stores_reports() else None
    if version is None:
        return backtest(series, indicator)
    # The app's own database only: declared sources are read-only (engine_for is the
    # warehouse's read-write engine; sources.read_only_engine is never written through).
    engine = engine_for(warehouse_url())
    stored = stored_reports.read(engine, indicator_code, series, version)
    if stored is not None:
        return stored
    report = backtest(series, indicator)
    stored_reports.write(
        engine, indicator_code, series, version, report, to_warehouse_time(utc_now())
    )
    return report


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False, hash_funcs=_FRAMES_BY_SOURCE)
def headline_tile(
    series: pd.DataFrame, indicator_code: str, year: int, today: dt.date
) -> Tile | None:
    """:func:`metrics.overview.headline_tile`, cached on the series' source key (query,
    parameters, data version) and on ``today``, the day that decides which months have
    ended; no time limit. The projection reads the series' backtest from
    :func:`backtest_report`."""
    return overview.headline_tile(
        series,
        get_indicator(indicator_code),
        year,
        today,
        backtest_report=backtest_report(series, indicator_code),
    )


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False, hash_funcs=_FRAMES_BY_SOURCE)
def ranking_table(
    ranking: pd.DataFrame, indicator_code: str, benchmark: float | None
) -> pd.DataFrame:
    """:func:`metrics.rankings.ranking_table`, cached on the ranking's source key (query,
    parameters, data version), the indicator and the benchmark: every unit's scorecard
    takes its own row of the same five tables, which the warm-up computes (issue 12:
    computed on every visit they were a sixth of the Unit page's warm run)."""
    return rank_table(ranking, get_indicator(indicator_code), benchmark)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False, hash_funcs=_FRAMES_BY_SOURCE)
def year_review(series: pd.DataFrame, indicator_code: str, year: int) -> YearResult | None:
    """:func:`metrics.review.year_result`, cached on the series' source key; no time
    limit."""
    return year_result(series, get_indicator(indicator_code), year)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False, hash_funcs=_FRAMES_BY_SOURCE)
def published_rows(published: pd.DataFrame, indicator_code: str, year: int | None) -> pd.DataFrame:
    """:func:`metrics.overview.published_for_year` of the published-figures table (as
    :func:`published` reads it), cached on its source key, the indicator and the year: the
    Overview asks for eight of them on every visit, and filtering the table took a quarter
    of a warm visit's script time (issue 12). The rows carry a source key of their own
    (the table's, the indicator and the year), so a cache keyed on them never takes one
    indicator's rows for another's."""
    rows = overview.published_for_year(published, get_indicator(indicator_code), year)
    source = published.attrs.get(SOURCE_ATTR)
    if source is not None:
        rows.attrs[SOURCE_ATTR] = hashlib.blake2b(
            repr((source, indicator_code, year)).encode("utf-8"), digest_size=20
        ).hexdigest()
    return rows


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False, hash_funcs=_FRAMES_BY_SOURCE)
def attention_list(
    standings: dict[str, pd.DataFrame],
    series: dict[str, pd.DataFrame],
    year: int,
    today: dt.date,
    per_indicator: int,
) -> pd.DataFrame:
    """The Overview's attention list (:func:`metrics.overview.combine_attention` of each
    indicator's :func:`metrics.overview.rank_for_tile`, in the order of ``standings``),
    cached on the standings' and series' source keys (query, parameters, data version),
    ``year`` and ``today``: computed by the warm-up for the default view, and once per
    view after that, never by every visit (issue 12: about a third of the Overview's
    script time was this). Each tile is :func:`headline_tile` of ``series`` (a cache hit)."""
    rankings = {}
    for code, standing in standings.items():
        tile = headline_tile(series[code], code, year, today)
        if tile is None:
            raise ValueError(f"no tile for {code} in {year}: nothing to rank against")
        rankings[code] = overview.rank_for_tile(standing, get_indicator(code), tile)
    return overview.combine_attention(
        rankings,
        per_indicator,
        lower_is_better=frozenset(c for c in standings if get_indicator(c).direction == "lower"),
    )


def has_last_good() -> bool:
    """Whether this process holds earlier results from the configured warehouse."""
    url = warehouse_url()
    with _last_good_lock:
        return any(key[1] == url for key in _last_good)


BOUNDARY_ENVIRONMENT_VARIABLE = "DASHBOARD_BOUNDARY_GEOJSON"


@dataclass(frozen=True, slots=True)
class Boundaries:
    """Unit polygons from the configured boundary file, and why none, if it is unusable."""

    polygons: dict[str, dict[str, Any]]
    path: str | None
    problem: str | None


def boundary_file() -> str | None:
    """The configured boundary file: ``DASHBOARD_BOUNDARY_GEOJSON``, else ``[map]
    boundary_geojson`` in secrets; None when there is none."""
    path = os.environ.get(BOUNDARY_ENVIRONMENT_VARIABLE)
    if path:
        return path
    try:
        section = st.secrets.get("map")
        if section is not None and section.get("boundary_geojson"):
            return str(section.get("boundary_geojson"))
    except (FileNotFoundError, KeyError, AttributeError, st.errors.StreamlitSecretNotFoundError):
        return None
    return None


@st.cache_data(ttl=TTL_SECONDS, max_entries=4, show_spinner=False)
def _read_boundaries(path: str, modified: float) -> Boundaries:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        return Boundaries({}, path, f"{path}: {error.strerror or error}")
    try:
        return Boundaries(parse_boundaries(text, path), path, None)
    except BoundaryFileError as error:
        return Boundaries({}, path, str(error))


def boundaries() -> Boundaries:
    """Cached polygons of the configured boundary file (re-read when the file changes)."""
    path = boundary_file()
    if path is None:
        return Boundaries({}, None, None)
    try:
        modified = Path(path).stat().st_mtime
    except OSError as error:
        return Boundaries({}, path, f"{path}: {error.strerror or error}")
    return _read_boundaries(path, modified)


# --- the scenario workspace ------------------------------------------------------------------


def scenario_inputs(year: int) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """The scenario baseline's inputs from the configured warehouse (each query cached):
    the headline indicators' city series, the online share by unit so far in ``year``,
    and GRDP by sector.

    Not limited to a unit scope: the online lever's effect on the city is weighted by every
    unit's dossiers, so the baseline needs every unit, and its results are the city's. What
    the workspace shows of single units (the lever's unit choice) comes from
    :func:`scenario_units`, which is scoped; saved scenarios are scoped in
    :mod:`data_access.saved_scenarios`."""
    from scenarios.baseline import GRDP, ONLINE, SIMULATED_CODES

    city = None  # the whole city, on purpose (see above)
    series = {code: scope_series(code, UnitFilter(), scope=city).frame for code in SIMULATED_CODES}
    online = series[ONLINE]
    in_year = online.loc[online["period_year"] == year, "period_month"]
    if in_year.empty:
        units = pd.DataFrame(columns=["unit_id", "name_vi", "name_en", "numerator", "denominator"])
    else:
        through = pd.Timestamp(in_year.max()).date()
        units = unit_standing(ONLINE, year, through, UnitFilter(), scope=city).frame
    sectors = breakdown_by_year(GRDP, "sector", UnitFilter(), scope=city).frame
    return series, units, sectors


def scenario_units(year: int, *, scope: Scope) -> pd.DataFrame:
    """The units the scenario workspace offers in a lever's unit choice: the baseline's
    units of ``year`` (:func:`scenario_inputs`), limited to ``scope`` (a unit-scoped user
    is offered their own unit only; the city result still weighs every unit)."""
    units = scenario_inputs(year)[1]
    return _only_scope(units, _scope_ids(warehouse_url(), scope))


def units_outside_scope(unit_ids: Collection[str], *, scope: Scope) -> list[str]:
    """Of ``unit_ids`` (a lever file's or a form's unit choice), those outside ``scope``,
    sorted (none without a scope)."""
    ids = _scope_ids(warehouse_url(), scope)
    if ids is None:
        return []
    return sorted(str(u) for u in unit_ids if str(u) not in ids)


@st.cache_data(max_entries=8, show_spinner=False, hash_funcs=_FRAMES_BY_SOURCE)
def scenario_baseline(
    series: dict[str, pd.DataFrame],
    units: pd.DataFrame,
    sectors: pd.DataFrame,
    year: int,
    n_paths: int,
    seed: int,
) -> Baseline:
    """:func:`scenarios.build.baseline_from_inputs`, cached on the inputs' source keys (new
    data make a new baseline; no time limit), with each series' backtest from
    :func:`backtest_report`."""
    reports = {
        code: backtest_report(frame, code) for code, frame in series.items() if not frame.empty
    }
    return baseline_from_inputs(
        year, series, units, sectors, n_paths=n_paths, seed=seed, reports=reports
    )


def warehouse_engine() -> Engine:
    """The configured warehouse's engine, for the pages' few writes (saved scenarios; the
    Data page's loads and undos)."""
    return engine_for(warehouse_url())


# --- the Data and governance pages ----------------------------------------------------------


def data_changed() -> None:
    """After a load or an undo: forget every cached figure, take the warehouse's new data
    version at once (so the next view reads the new figures) and wake the warm-up to
    compute the default views for it (:func:`start_warm_up`). The results kept for an
    outage stay; they are only used when the warehouse is down."""
    forget_reads()
    url = warehouse_url()
    try:
        version = _read_version(url)
    except SQLAlchemyError:
        version = None
    with _versions_lock:
        if version is not None and url in _published_versions:
            _published_versions[url] = (version, time.monotonic())
    _wake_up.set()


@st.cache_data(ttl=TTL_SECONDS, max_entries=8, show_spinner=False)
def _governance(
    url: str, today: dt.date, ids: ScopeIds, version: DataVersion | None
) -> governance_metrics.GovernanceReport:
    with engine_for(url).connect() as conn:
        found = governance_metrics.report(governance_queries.read_inputs(conn, today))
    if ids is None:
        return found
    return dataclasses.replace(found, per_unit=_only_scope(found.per_unit, ids))


def governance(today: dt.date, *, scope: Scope) -> governance_metrics.GovernanceReport:
    """The data-governance measures of the configured warehouse at ``today`` (see
    :mod:`metrics.governance`), cached; the catalogue comes with it
    (:func:`governance_catalogue`). A scoped reader gets its own unit's rows of the
    per-unit measures; the datasets' and groups' scores stay the city's."""
    url = warehouse_url()
    try:
        return _governance(url, today, _scope_ids(url, scope), data_version())
    except SQLAlchemyError as error:
        raise WarehouseUnavailableError(url, error) from error


@st.cache_data(ttl=TTL_SECONDS, max_entries=4, show_spinner=False)
def _governance_catalogue(url: str) -> tuple[pd.DataFrame, dt.datetime]:
    with engine_for(url).connect() as conn:
        return governance_queries.catalogue(conn), utc_now()


def governance_catalogue() -> Fetched:
    """Cached :func:`data_access.governance.catalogue`."""
    url = warehouse_url()
    return _fetch(("governance_catalogue", url), lambda: _governance_catalogue(url))


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def _lineage(
    url: str,
    indicator_code: str,
    month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
    ids: ScopeIds,
    version: ReadKey,
    plan_year: int | None = None,
) -> tuple[pd.DataFrame, dt.datetime]:
    # ``ids`` is part of the cache key: the filter was checked against it before the call;
    # other units' batches keep no file name nor sender for a scoped reader.
    with engine_for(url).connect() as conn:
        frame = submissions.lineage(
            conn, indicator_code, month, unit_filter, as_of, ids, plan_year=plan_year
        )
        return frame, utc_now()


def lineage(
    indicator_code: str,
    month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None = None,
    *,
    scope: Scope,
    plan_year: int | None = None,
) -> Fetched:
    """Cached :func:`data_access.submissions.lineage`: the load batches behind one figure
    (the whole city's or the scoped reader's own unit's; another raises
    :class:`OutOfScopeError`). For a scoped reader, a batch holding any other unit's rows
    is listed without its file name and sender (None)."""
    url, moment, version = warehouse_url(), _utc(as_of), data_version()
    ids = _scope_ids(url, scope)
    _check_filter(scope, ids, unit_filter)
    return _fetch(
        ("lineage", url, indicator_code, month, unit_filter, moment, ids, plan_year),
        lambda: _lineage(
            url, indicator_code, month, unit_filter, moment, ids, read_key(version), plan_year
        ),
        version,
        reuse=True,
    )


# --- the warm-up: figures computed when the data change, not when a visitor comes -----------

WARM_UP_VARIABLE = "DASHBOARD_WARM_UP"
"""Set to ``0`` to turn the background warm-up off (the test suite does; its own tests call
:func:`warm_up` directly)."""

_wake_up = threading.Event()
_stop = threading.Event()
_warm_up_thread: threading.Thread | None = None
_warm_up_lock = threading.Lock()
_in_warm_up_thread = threading.local()


@dataclass(frozen=True, slots=True)
class WarmUp(Generic[T]):
    """One warm-up: the data version it computed for, and what its ``compute`` returned."""

    version: DataVersion
    computed: T


def warm_up(compute: Callable[[], T], then: Callable[[], object] | None = None) -> WarmUp[T] | None:
    """Run ``compute`` (which reads and computes figures through the caches of this module)
    for the configured warehouse's current data version, then let the pages use that
    version (:func:`data_version`), then run ``then`` for the same version: what can wait
    until visitors are served the new figures (the other pages' default views). What to
    compute is the pages' business (``app_pages._warm_up``); this module only keys, times
    and publishes.

    Returns the version and what ``compute`` returned, or None when the warehouse cannot be
    read (logged, never raised: the pages keep their last figures and say why themselves).
    A failure of ``then`` is logged and changes neither: the version is published already.
    """
    url = warehouse_url()
    problem = url_problem(url)
    if problem is not None:
        LOGGER.info("warm-up skipped: %s", problem[1])
        return None
    try:
        version = _read_version(url)
    except SQLAlchemyError as error:
        LOGGER.warning("warm-up: the warehouse at %s did not answer: %s", describe_url(url), error)
        _mark_down(url)  # noticed within VERSION_CHECK_SECONDS, even with no page open
        return None
    with _versions_lock:
        published = _published_versions.get(url)
        if published is not None and published[0] == version:
            _published_versions[url] = (version, time.monotonic())  # confirmed
    check_warehouse_again()  # the gate every page passes, kept for visitors
    started = time.monotonic()
    token = _warming.set(version)
    try:
        computed = compute()
    except WarehouseUnavailableError as error:
        LOGGER.warning("warm-up: %s", error)
        return None
    finally:
        _warming.reset(token)
    if published is None or published[0] != version:
        LOGGER.info(
            "warm-up: data version %s of %s computed in %.1f s",
            version,
            describe_url(url),
            time.monotonic() - started,
        )
    _publish(url, version)
    if then is not None:
        _then(then, version)
    check_warehouse_again()  # kept again from here to the next pass
    return WarmUp(version, computed)


def _then(then: Callable[[], object], version: DataVersion) -> None:
    """``then()`` with the pages' version pinned to ``version`` (a load meanwhile is taken
    up by the next pass); a failure is logged, never raised."""
    token = _warming.set(version)
    try:
        then()
    except WarehouseUnavailableError as error:
        LOGGER.warning("warm-up of the other pages: %s", error)
    except Exception:  # the pages compute it themselves, when visited
        LOGGER.exception("warm-up of the other pages failed")
    finally:
        _warming.reset(token)


def _warm_up_forever(
    compute: Callable[[], object], then: Callable[[], object] | None = None
) -> None:
    _in_warm_up_thread.yes = True
    try:
        while not _stop.is_set():
            _wake_up.clear()
            try:
                warm_up(compute, then)
            except Exception:  # a bug in one pass must not end the thread: log it, go on
                LOGGER.exception("warm-up failed")
            _wake_up.wait(VERSION_CHECK_SECONDS)
    finally:
        _in_warm_up_thread.yes = False


def start_warm_up(compute: Callable[[], object], then: Callable[[], object] | None = None) -> bool:
    """Start the warm-up thread, once per process: at once, then every
    ``VERSION_CHECK_SECONDS`` and right after a load or undo (:func:`data_changed`), it runs
    :func:`warm_up` of ``compute`` (the default views), and after it ``then`` (what can wait
    until the version is published), for the current data version. A
    daemon thread; it never blocks a page. Returns whether this call started it (False when
    it runs already, or ``DASHBOARD_WARM_UP=0``). Called by ``app.py`` with each session and,
    once Streamlit's runtime exists, by the serving entry point (``serve.py``), so that it
    starts with the server."""
    global _warm_up_thread
    if os.environ.get(WARM_UP_VARIABLE, "1").strip() == "0":
        return False
    with _warm_up_lock:
        if _warm_up_thread is not None and _warm_up_thread.is_alive():
            return False
        _warm_up_thread = threading.Thread(
            target=_warm_up_forever,
            args=(compute, then),
            name="dashboard-warm-up",
            daemon=True,
        )
        _warm_up_thread.start()
    return True


def warm_up_interrupted() -> bool:
    """In the warm-up thread: whether it is asked to stop, or woken by a load (its pass is
    then for an older version: the next one computes the new). Elsewhere (a warm-up run
    directly, as the benchmark and the tests do) always False."""
    if not getattr(_in_warm_up_thread, "yes", False):
        return False
    return _stop.is_set() or _wake_up.is_set()


def stop_warm_up(timeout: float = 60.0) -> None:
    """Stop the warm-up thread, if one runs, and wait for it (for tests)."""
    global _warm_up_thread
    with _warm_up_lock:
        thread = _warm_up_thread
        _warm_up_thread = None
    if thread is None:
        return
    _stop.set()
    _wake_up.set()
    thread.join(timeout)
    _stop.clear()


# --- declared sources: their health (issue 14) ------------------------------------------------

SOURCE_HEALTH_TTL_SECONDS = 15 * 60
"""How long one check of the declared sources is kept: the checks run again on the first
view after that (the schedule), at a process's first view (start-up), and on demand."""


@st.cache_data(ttl=SOURCE_HEALTH_TTL_SECONDS, max_entries=4, show_spinner=False)
def _source_health(
    path: str,
    modified: float,
    connections: tuple[tuple[str, str], ...],
    today: dt.date,
) -> sources.SourceHealth:
    """Keyed on the mapping file and its modification time (an edited file is checked
    afresh), on the connections' URLs and on the day (freshness and future months)."""
    return sources.check_health(Path(path), dict(connections), today)


def _source_connections() -> tuple[tuple[str, str], ...]:
    """The named connections' URLs: ``DASHBOARD_SOURCE_URL_*``, and the app's own warehouse
    as ``warehouse`` unless a URL is set for it."""
    named = {
        key: value
        for key, value in os.environ.items()
        if key.startswith(sources.SOURCE_URL_PREFIX) and value.strip()
    }
    named.setdefault(sources.SOURCE_URL_PREFIX + sources.HOME_CONNECTION.upper(), warehouse_url())
    return tuple(sorted(named.items()))


def source_health(today: dt.date) -> sources.SourceHealth:
    """The health of every declared source of the configured mapping on ``today`` (the day
    in the city, which decides future months and freshness), checked at most every
    :data:`SOURCE_HEALTH_TTL_SECONDS` (never raises: a failing source is in its report)."""
    path = sources.mapping_path()
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = -1.0  # a missing file: load_mapping says so in its report
    return _source_health(str(path), modified, _source_connections(), today)


def check_sources_again() -> None:
    """Forget the kept check of the declared sources: the next view runs it afresh."""
    _source_health.clear()


def failing_sources(today: dt.date) -> dict[str, sources.SourceReport]:
    """Indicator code → report of each declared source failing a contract, for the pages.

    Empty for the project's own default mapping: the pages read that warehouse through their
    own queries, so no check runs on their way (nothing slows down).
    """
    if sources.is_default_mapping(sources.mapping_path()):
        return {}
    return source_health(today).failing


def source_check_problem(today: dt.date, lang: str) -> str | None:
    """Why the deployment's declared sources could not be checked at all (a malformed
    mapping file, or the project's own unit list unread), in ``lang``; None when they were,
    or when the mapping is the project's own default."""
    if sources.is_default_mapping(sources.mapping_path()):
        return None
    health = source_health(today)
    if health.mapping_problem:
        return health.mapping_problem[lang]
    if health.units_problem is not None:
        return health.units_problem
    return None


@st.cache_data(ttl=TTL_SECONDS, max_entries=4, show_spinner=False)
def _deployment_mapping(path: str, modified: float) -> sources.SourceMapping | None:
    """The deployment's mapping file, parsed (None when malformed: its health says why)."""
    try:
        return sources.load_mapping(Path(path))
    except sources.MappingError:
        return None


def _default_sources() -> tuple[sources.Source, ...]:
    """The project's own default declarations."""
    path = sources.DEFAULT_MAPPING_PATH
    mapping = _deployment_mapping(str(path), path.stat().st_mtime)
    return () if mapping is None else mapping.sources


def declared_source(indicator_code: str) -> tuple[sources.Source, str] | None:
    """The source a deployment's mapping declares for ``indicator_code`` and its URL; None
    for the project's own default mapping or an indicator declared as in it (the pages'
    own queries read that warehouse, with its demo and loading marks), for an indicator it
    does not declare, or a connection without a URL."""
    path = sources.mapping_path()
    if sources.is_default_mapping(path):
        return None
    try:
        modified = path.stat().st_mtime
    except OSError:
        return None
    mapping = _deployment_mapping(str(path), modified)
    if mapping is None:
        return None
    source = next((s for s in mapping.sources if s.indicator == indicator_code), None)
    if source is None or source in _default_sources():
        return None  # not declared, or declared as by default: the pages' own queries
    url = sources.connection_url(source.connection, dict(_source_connections()))
    return None if url is None else (source, url)


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _declared_series(source: sources.Source, url: str) -> tuple[pd.DataFrame, dt.datetime]:
    engine = sources.read_only_engine(url)
    try:
        with engine.connect() as conn:
            if source.is_cumulative:
                return sources.cumulative_series(conn, source), utc_now()
            return sources.as_scope_series(sources.city_series(conn, source)), utc_now()
    finally:
        engine.dispose()


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _declared_unit_sums(
    source: sources.Source, url: str, year: int, through_month: dt.date
) -> tuple[pd.DataFrame, dt.datetime]:
    engine = sources.read_only_engine(url)
    try:
        with engine.connect() as conn:
            read = sources.cumulative_unit_sums if source.is_cumulative else sources.unit_sums
            return read(conn, source, year, through_month), utc_now()
    finally:
        engine.dispose()


def _declared_units(
    source: sources.Source,
    url: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    ids: ScopeIds,
    *,
    ranked: bool,
) -> Fetched:
    """Each unit's standing (and with ``ranked`` its rank and peers) through a declared
    source, in the shape of the project's own ``queries.unit_standing`` /
    ``queries.unit_ranking``: the sums per source unit code and month range in the source's
    database (:func:`data_access.sources.unit_sums`), the crosswalk and the project's unit
    list applied here, then the peers ranked; a scoped reader keeps its own unit's row.

    A source that cannot be read and has nothing kept breaks no page: no unit is listed
    (its health says why), as with :func:`_declared_city_series`."""
    units = unit_list(scope=None).frame
    try:
        fetched = _fetch(
            ("declared_units", url, source.indicator, repr(source), year, through_month),
            lambda: _declared_unit_sums(source, url, year, through_month),
        )
        sums = fetched.frame
    except (WarehouseUnavailableError, ValueError, TypeError):
        empty = pd.DataFrame(columns=["unit_code", *sources.AMOUNTS, "is_reported"])
        fetched = Fetched(empty, utc_now(), is_stale=False)
        sums = empty
    standing = sources.as_unit_standing(sums, source, units, unit_filter)
    if ranked:
        higher = get_indicator(source.indicator).direction == "higher"
        standing = sources.rank_standing(standing, higher)
    return Fetched(_only_scope(standing, ids), fetched.fetched_at, fetched.is_stale)


def _declared_city_series(source: sources.Source, url: str) -> Fetched:
    """The whole city's series of a declared source, kept like every other query (the last
    good one is shown, marked stale, while the source does not answer).

    A declared source that cannot be read and has nothing kept breaks no page: its series
    is empty (the page's own "no data" state), and the data-governance page and the
    Overview say why (:func:`source_health`)."""
    try:
        return _fetch(
            ("declared_series", url, source.indicator, repr(source)),
            lambda: _declared_series(source, url),
        )
    except (WarehouseUnavailableError, ValueError, TypeError):
        empty = pd.DataFrame(
            columns=["period_month", "numerator", "denominator", "value", "n_rows"]
        )
        return Fetched(sources.as_scope_series(empty), utc_now(), is_stale=False)


# --- declared sources: filtered scopes, groups and past days (issue 14) ---------------------


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _declared_unit_month_sums(source: sources.Source, url: str) -> tuple[pd.DataFrame, dt.datetime]:
    engine = sources.read_only_engine(url)
    try:
        with engine.connect() as conn:
            return sources.unit_month_sums(conn, source), utc_now()
    finally:
        engine.dispose()


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _declared_unit_code_sums(
    source: sources.Source, url: str, codes: tuple[str, ...]
) -> tuple[pd.DataFrame, dt.datetime]:
    engine = sources.read_only_engine(url)
    try:
        with engine.connect() as conn:
            return sources.unit_code_month_sums(conn, source, codes), utc_now()
    finally:
        engine.dispose()


def _declared_month_sums(source: sources.Source, url: str) -> Fetched:
    """Each source unit code's sums per month (:func:`data_access.sources.unit_month_sums`),
    kept like every other query. The sums are the source's whole (a few hundred codes ×
    the months kept): a scope, a filter and the groups are applied to them afterwards,
    per reader, never cached across scopes. A source that cannot be read and has nothing
    kept gives no sums (its health says why), as with :func:`_declared_city_series`."""
    try:
        return _fetch(
            ("declared_month_sums", url, source.indicator, repr(source)),
            lambda: _declared_unit_month_sums(source, url),
        )
    except (WarehouseUnavailableError, ValueError, TypeError):
        empty = pd.DataFrame(columns=sources.MONTH_SUMS)
        return Fetched(empty, utc_now(), is_stale=False)


def _declared_filtered_series(source: sources.Source, url: str, unit_filter: UnitFilter) -> Fetched:
    """A filtered scope's series (a former province, a unit type, one unit) through a
    declared source, in the shape of ``queries.scope_series``: the sums per source unit
    code and month from the source's database, then the crosswalk, the project's unit list
    and the filter here (:func:`data_access.sources.as_filtered_series`). The caller has
    checked the filter against the reader's scope (a scoped reader may ask only for its
    own unit)."""
    fetched = _declared_month_sums(source, url)
    units = unit_list(scope=None).frame
    frame = sources.as_filtered_series(fetched.frame, source, units, unit_filter)
    return Fetched(frame, fetched.fetched_at, fetched.is_stale)


def _declared_series_by_group(
    source: sources.Source, url: str, unit_filter: UnitFilter, ids: ScopeIds
) -> Fetched:
    """The drill-down groups' monthly series (the former provinces' comparison) through a
    declared source, in the shape of ``queries.series_by_group``; a scoped reader loses
    single-unit groups, as with the project's own query."""
    fetched = _declared_month_sums(source, url)
    units = unit_list(scope=None).frame
    frame = sources.as_series_by_group(fetched.frame, source, units, unit_filter)
    return Fetched(_without_single_unit_groups(frame, ids), fetched.fetched_at, fetched.is_stale)


def _declared_group_standing(
    source: sources.Source,
    url: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    ids: ScopeIds,
) -> Fetched:
    """The drill-down groups' standing (the breakdown by area and type) through a declared
    source, in the shape of ``queries.group_standing``: the units' standing
    (:func:`_declared_units`, every unit of the filter) summed per group here; a scoped
    reader loses single-unit groups, as with the project's own query."""
    standing = _declared_units(source, url, year, through_month, unit_filter, None, ranked=False)
    frame = sources.as_group_standing(standing.frame)
    return Fetched(_without_single_unit_groups(frame, ids), standing.fetched_at, standing.is_stale)


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _declared_cumulative_sums(
    source: sources.Source, url: str, code_groups: tuple[tuple[str, str], ...]
) -> tuple[pd.DataFrame, dt.datetime]:
    engine = sources.read_only_engine(url)
    try:
        with engine.connect() as conn:
            return sources.cumulative_group_sums(conn, source, dict(code_groups)), utc_now()
    finally:
        engine.dispose()


def _declared_cumulative_groups(
    source: sources.Source,
    url: str,
    unit_filter: UnitFilter,
    ids: ScopeIds,
    *,
    by_group: bool,
) -> Fetched:
    """A cumulative source's filtered scope (a former province, a unit type) in the shape of
    ``queries.scope_series``, or with ``by_group`` its drill-down groups' monthly series (the
    former provinces' comparison curves) in the shape of ``queries.series_by_group``: the
    carried figures (a missing report keeps the investor's last figure and plan) summed in
    the source's database over the scope's source codes, per group
    (:func:`data_access.sources.cumulative_group_sums`). The codes and groups come from the
    crosswalk and the project's unit list, and are part of the cache key. A scoped reader
    loses single-unit groups, as with the project's own query; a source that cannot be read
    and has nothing kept gives an empty series (its health says why)."""
    units = unit_list(scope=None).frame
    groups = sources.cumulative_code_groups(source, units, unit_filter, by_group=by_group)
    key = tuple(sorted(groups.items()))
    try:
        fetched = _fetch(
            ("declared_cumulative_groups", url, source.indicator, repr(source), key),
            lambda: _declared_cumulative_sums(source, url, key),
        )
        sums = fetched.frame
    except (WarehouseUnavailableError, ValueError, TypeError):
        sums = pd.DataFrame(columns=sources.CUMULATIVE_GROUP_SUMS)
        fetched = Fetched(sums, utc_now(), is_stale=False)
    if by_group:
        frame = sources.as_cumulative_series_by_group(sums)
        frame = _without_single_unit_groups(frame, ids)
    else:
        frame = sources.as_cumulative_scope_series(sums)
    return Fetched(frame, fetched.fetched_at, fetched.is_stale)


def declared_indicators() -> tuple[str, ...]:
    """The indicators a deployment's mapping declares (read through their sources, which
    keep no load history: on a past day the pages show their current figures and say so);
    none with the project's own default mapping."""
    path = sources.mapping_path()
    if sources.is_default_mapping(path):
        return ()
    try:
        modified = path.stat().st_mtime
    except OSError:
        return ()
    mapping = _deployment_mapping(str(path), modified)
    if mapping is None:
        return ()
    return tuple(
        source.indicator
        for source in mapping.sources
        if declared_source(source.indicator) is not None
    )


EVERY_UNIT_MAX_ENTRIES = 16
"""Indicators × data versions of every unit's series kept (:func:`every_unit_series`)."""


@st.cache_resource(max_entries=EVERY_UNIT_MAX_ENTRIES, show_spinner=False)
def _every_unit_series(
    url: str, indicator_code: str, version: ReadKey
) -> tuple[pd.DataFrame, dt.datetime]:
    # A resource, not pickled data: each Unit page run takes five units' rows out of it,
    # and unpickling every unit's rows for that would cost more than the slice. Nothing
    # changes the frame: :func:`unit_series` takes copies of its rows.
    with engine_for(url).connect() as conn:
        return queries.every_unit_series(conn, indicator_code), utc_now()


def reads_every_unit(indicator_code: str) -> bool:
    """Whether :func:`unit_series` reads a unit's current series of ``indicator_code`` from
    :func:`every_unit_series`: an indicator of the units (not the city's alone) read from
    the project's own warehouse (not through a declared source)."""
    return (
        get_indicator(indicator_code).grain is not Grain.CITY
        and declared_source(indicator_code) is None
    )


def every_unit_series(indicator_code: str) -> Fetched:
    """Every unit's own current series of ``indicator_code`` at once
    (:func:`data_access.queries.every_unit_series`, one statement; not for a city-grain
    indicator), for the whole city's reader: the warm-up reads it for the scorecard's
    indicators, so that a first visit of any unit's scorecard reads no series of its own
    (issue 12: at tier L a unit's five series were the most of a first visit's extra
    time). A page reads one unit's rows of it through :func:`unit_series`."""
    url, version = warehouse_url(), data_version()
    return _fetch(
        ("every_unit_series", url, indicator_code),
        lambda: _every_unit_series(url, indicator_code, read_key(version)),
        version,
        reuse=True,
    )


def unit_series(
    indicator_code: str, unit_id: str, as_of: dt.datetime | None = None, *, scope: Scope
) -> Fetched:
    """One unit's series of an indicator (:func:`scope_series` for that unit alone).

    The current series of an indicator that a deployment's mapping declares is read through
    that source: the sums per source unit code and month in the source's database, for the
    codes the crosswalk turns into ``unit_id`` (:func:`data_access.sources.unit_code_month_sums`),
    then summed per month here; a city-level indicator's is the city's. The current series
    of any other indicator of the units is the unit's rows of :func:`every_unit_series`. A
    past day is read from the project's own warehouse. A source that cannot be read and has
    nothing kept gives an empty series (its health says why). Another unit than a scoped
    reader's own raises :class:`OutOfScopeError`."""
    unit_filter = UnitFilter(unit_ids=(unit_id,))
    if as_of is None:
        declared = declared_source(indicator_code)
        if declared is None and get_indicator(indicator_code).grain is not Grain.CITY:
            # What :func:`reads_every_unit` says, with the source asked for once.
            _check_filter(scope, _scope_ids(warehouse_url(), scope), unit_filter)
            return _one_units_rows(every_unit_series(indicator_code), unit_id)
        if declared is not None:
            source, url = declared
            _check_filter(scope, _scope_ids(warehouse_url(), scope), unit_filter)
            if source.city_grain:
                return _declared_city_series(source, url)
            codes = tuple(sources.source_codes(source, unit_id))
            try:
                fetched = _fetch(
                    ("declared_unit_series", url, source.indicator, repr(source), codes),
                    lambda: _declared_unit_code_sums(source, url, codes),
                )
            except (WarehouseUnavailableError, ValueError, TypeError):
                empty = pd.DataFrame(columns=[*sources.UNIT_MONTH_COLUMNS, "n_rows", "n_expected"])
                return Fetched(sources.as_unit_series(empty, source), utc_now(), is_stale=False)
            series = sources.as_unit_series(fetched.frame, source)
            return Fetched(series, fetched.fetched_at, fetched.is_stale)
    return scope_series(indicator_code, unit_filter, as_of, scope=scope)


def _one_units_rows(every: Fetched, unit_id: str) -> Fetched:
    """``unit_id``'s rows of :func:`every_unit_series`, as :func:`scope_series` gives them
    for that unit alone (its columns, numbered from 0), tagged with a source key of their
    own (the whole frame's digest with the unit) unless read during an outage."""
    frame = every.frame
    mine = frame.loc[frame["unit_id"].to_numpy() == unit_id].drop(columns="unit_id")
    mine = mine.reset_index(drop=True)
    whole = frame.attrs.get(SOURCE_ATTR)
    mine.attrs.pop(SOURCE_ATTR, None)
    if whole is not None and not every.is_stale:
        mine.attrs[SOURCE_ATTR] = hashlib.blake2b(
            f"{whole}|{unit_id}".encode(), key=_SOURCE_SALT, digest_size=20
        ).hexdigest()
    return Fetched(mine, every.fetched_at, every.is_stale)


# --- declared sources: breakdowns below the unit totals (issue 14) ---------------------------


def declared_breakdown(
    indicator_code: str, dimension: str
) -> tuple[sources.Source, str, sources.Breakdown | None] | None:
    """How ``indicator_code``'s breakdown by ``dimension`` (procedures, sectors) is read:
    None when the indicator is read from the project's own warehouse (its own breakdown
    rows); else its declared source, the source's URL and the declared breakdown, or None
    in its place when the source declares none (the page says so:
    :func:`breakdown_missing`)."""
    declared = declared_source(indicator_code)
    if declared is None:
        return None
    source, url = declared
    return source, url, sources.declared_breakdown(source, dimension)


def breakdown_missing(indicator_code: str, dimension: str) -> bool:
    """Whether ``indicator_code`` is read through a declared source that declares no
    breakdown by ``dimension``: the page says so instead of showing an empty table."""
    declared = declared_breakdown(indicator_code, dimension)
    return declared is not None and declared[2] is None


def breakdown_failure(
    indicator_code: str, dimension: str, today: dt.date
) -> sources.BreakdownReport | None:
    """The report of ``indicator_code``'s declared breakdown by ``dimension`` when it fails
    a contract (the page shows its message in place of the breakdown), else None."""
    declared = declared_breakdown(indicator_code, dimension)
    if declared is None or declared[2] is None:
        return None
    for report in source_health(today).breakdowns:
        if report.indicator == indicator_code and report.dimension == dimension:
            return None if report.passed else report
    return None


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _declared_breakdown_read(
    source: sources.Source, url: str, what: str, dimension: str, args: tuple[Any, ...]
) -> tuple[pd.DataFrame, dt.datetime]:
    """One read of a declared breakdown in its source's database: ``what`` names the
    function of :mod:`data_access.sources` (``breakdown_parts``, ``breakdown_unit_sums``,
    ``breakdown_year_sums``, ``breakdown_month_sums``)."""
    read: dict[str, Callable[..., pd.DataFrame]] = {
        "parts": sources.breakdown_parts,
        "unit_sums": sources.breakdown_unit_sums,
        "year_sums": sources.breakdown_year_sums,
        "month_sums": sources.breakdown_month_sums,
    }
    engine = sources.read_only_engine(url)
    try:
        with engine.connect() as conn:
            return read[what](conn, source, dimension, *args), utc_now()
    finally:
        engine.dispose()


_EMPTY_BREAKDOWN_READS = {
    "parts": sources.PART_LIST_COLUMNS,
    "unit_sums": sources.PART_SUMS,
    "year_sums": sources.PART_YEAR_SUMS,
    "month_sums": sources.MONTH_SUMS,
}


def _declared_breakdown_fetch(
    source: sources.Source, url: str, what: str, dimension: str, *args: Any
) -> Fetched:
    """:func:`_declared_breakdown_read` kept like every other query (the last good one,
    marked stale, while the source does not answer); a breakdown that cannot be read and
    has nothing kept reads as empty (its health says why), breaking no page."""
    try:
        return _fetch(
            ("declared_breakdown", url, source.indicator, repr(source), what, dimension, args),
            lambda: _declared_breakdown_read(source, url, what, dimension, args),
        )
    except (WarehouseUnavailableError, ValueError, TypeError):
        empty = pd.DataFrame(columns=_EMPTY_BREAKDOWN_READS[what])
        return Fetched(empty, utc_now(), is_stale=False)


def breakdown_parts(indicator_code: str, dimension: str) -> Fetched:
    """The parts of ``dimension`` (procedures, sectors) the pages list for
    ``indicator_code``, in the shape of the project's ``breakdowns`` table: a declared
    breakdown's keys and labels (:func:`data_access.sources.breakdown_parts`); none for a
    declared source without that breakdown; else the project's own list."""
    declared = declared_breakdown(indicator_code, dimension)
    if declared is None:
        fetched = breakdown_list()
        rows = fetched.frame[fetched.frame["dimension"] == dimension].reset_index(drop=True)
        return Fetched(rows, fetched.fetched_at, fetched.is_stale)
    source, url, breakdown = declared
    if breakdown is None:
        return Fetched(pd.DataFrame(columns=sources.PART_LIST_COLUMNS), utc_now(), False)
    return _declared_breakdown_fetch(source, url, "parts", dimension)


def _declared_breakdown_standing(
    source: sources.Source,
    url: str,
    dimension: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
) -> Fetched:
    """The parts' standing summed over the filter's units through a declared breakdown, in
    the shape of ``queries.breakdown_standing``: per source unit code and part summed in the
    source's database, the crosswalk, the project's unit list and the filter applied here
    (:func:`data_access.sources.as_breakdown_standing`)."""
    sums = _declared_breakdown_fetch(source, url, "unit_sums", dimension, year, through_month)
    parts = _declared_breakdown_fetch(source, url, "parts", dimension)
    units = unit_list(scope=None).frame
    frame = sources.as_breakdown_standing(sums.frame, parts.frame, source, units, unit_filter)
    return Fetched(frame, sums.fetched_at, sums.is_stale or parts.is_stale)


def _declared_breakdown_by_year(source: sources.Source, url: str, dimension: str) -> Fetched:
    """An amount's parts per year through a declared breakdown, in the shape of
    ``queries.breakdown_by_year`` (:func:`data_access.sources.as_breakdown_by_year`)."""
    sums = _declared_breakdown_fetch(source, url, "year_sums", dimension)
    parts = _declared_breakdown_fetch(source, url, "parts", dimension)
    units = unit_list(scope=None).frame
    frame = sources.as_breakdown_by_year(sums.frame, parts.frame, source, units)
    return Fetched(frame, sums.fetched_at, sums.is_stale or parts.is_stale)


def _declared_part_series(
    source: sources.Source,
    url: str,
    breakdown: sources.Breakdown | None,
    breakdown_key: str,
    unit_filter: UnitFilter,
) -> Fetched:
    """One part's series (``procedure:<code>``) over the filter's units through a declared
    breakdown, in the shape of ``queries.scope_series``; empty when the source declares no
    breakdown of that dimension (the page says so)."""
    dimension, _, code = breakdown_key.partition(":")
    if breakdown is None:
        empty = pd.DataFrame(columns=sources.MONTH_SUMS)
        frame = sources.as_filtered_series(empty, source, unit_list(scope=None).frame, unit_filter)
        return Fetched(frame, utc_now(), is_stale=False)
    sums = _declared_breakdown_fetch(source, url, "month_sums", dimension, code)
    units = unit_list(scope=None).frame
    frame = sources.as_filtered_series(sums.frame, source, units, unit_filter)
    return Fetched(frame, sums.fetched_at, sums.is_stale)
