"""Cached wrappers around the queries: the only place in data_access that imports Streamlit.

Caches are per process and bounded (``ttl`` and ``max_entries``). If the warehouse cannot
be reached, the last good result of the same query is returned marked stale, with the
time it was fetched, so pages keep showing figures under a banner; the next call tries
the warehouse again, so the app recovers by itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data_access import governance as governance_queries
from data_access import queries, submissions
from data_access.engine import (
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
from metrics.registry import HEADLINE_CODES, get_indicator
from metrics.review import YearResult, year_result
from metrics.tiles import Tile
from scenarios.baseline import Baseline
from scenarios.build import baseline_from_inputs

TTL_SECONDS = 300
MAX_ENTRIES = 128
_LAST_GOOD_LIMIT = 256


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
    embedded demo warehouse."""
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


def _fetch(key: tuple[Any, ...], load: Callable[[], tuple[pd.DataFrame, dt.datetime]]) -> Fetched:
    url = key[1]
    try:
        frame, fetched_at = load()
    except SQLAlchemyError as error:
        with _last_good_lock:
            remembered = _last_good.get(key)
        if remembered is None:
            raise WarehouseUnavailableError(url, error) from error
        # A copy per caller: the remembered frame is shared by every session.
        return Fetched(remembered[0].copy(), remembered[1], is_stale=True)
    with _last_good_lock:
        _last_good[key] = (frame, fetched_at)
        _last_good.move_to_end(key)
        while len(_last_good) > _LAST_GOOD_LIMIT:
            _last_good.popitem(last=False)
    return Fetched(frame, fetched_at, is_stale=False)


def _utc(as_of: dt.datetime | None) -> dt.datetime | None:
    """``as_of`` as the warehouse stores times (naive UTC), so a cache key means one moment."""
    return None if as_of is None else to_warehouse_time(as_of)


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _scope_series(
    url: str,
    indicator_code: str,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
    breakdown_key: str,
    ids: ScopeIds,
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

    A scoped reader gets the whole city's series and its own unit's; any other filter
    raises :class:`OutOfScopeError`."""
    url, moment = warehouse_url(), _utc(as_of)
    ids = _scope_ids(url, scope)
    _check_filter(scope, ids, unit_filter)
    return _fetch(
        ("scope_series", url, indicator_code, unit_filter, moment, breakdown_key, ids),
        lambda: _scope_series(url, indicator_code, unit_filter, moment, breakdown_key, ids),
    )


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _unit_standing(
    url: str,
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
    ids: ScopeIds,
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
    scoped reader gets its own unit's row only."""
    url, moment = warehouse_url(), _utc(as_of)
    ids = _scope_ids(url, scope)
    _check_filter(scope, ids, unit_filter)
    return _fetch(
        ("unit_standing", url, indicator_code, year, through_month, unit_filter, moment, ids),
        lambda: _unit_standing(url, indicator_code, year, through_month, unit_filter, moment, ids),
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


@st.cache_data(ttl=TTL_SECONDS, max_entries=PAGE_MAX_ENTRIES, show_spinner=False)
def _page_query(
    url: str, name: str, args: tuple[Any, ...], ids: ScopeIds
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
    url = warehouse_url()
    ids = _scope_ids(url, scope)
    for arg in args:
        if isinstance(arg, UnitFilter):
            _check_filter(scope, ids, arg)
    plain = tuple(_utc(a) if isinstance(a, dt.datetime) else a for a in args)
    return _fetch((name, url, *plain, ids), lambda: _page_query(url, name, plain, ids))


def unit_ranking(
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None = None,
    *,
    scope: Scope,
) -> Fetched:
    """Cached :func:`data_access.queries.unit_ranking`, limited to ``scope``."""
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
    """Cached :func:`data_access.queries.group_standing`, limited to ``scope``."""
    return page_query(
        "group_standing", indicator_code, year, through_month, unit_filter, as_of, scope=scope
    )


def series_by_group(
    indicator_code: str, unit_filter: UnitFilter, as_of: dt.datetime | None = None, *, scope: Scope
) -> Fetched:
    """Cached :func:`data_access.queries.series_by_group`, limited to ``scope``."""
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
    units: a scoped reader may ask for the whole city or its own unit)."""
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
    """Cached :func:`data_access.queries.breakdown_by_year` (whole city or own unit)."""
    return page_query(
        "breakdown_by_year", indicator_code, dimension, unit_filter, as_of, scope=scope
    )


def unit_submissions(unit_id: str, as_of: dt.datetime | None = None, *, scope: Scope) -> Fetched:
    """Cached :func:`data_access.queries.unit_submissions`; another unit's raises
    :class:`OutOfScopeError` for a scoped reader."""
    _check_filter(scope, _scope_ids(warehouse_url(), scope), UnitFilter(unit_ids=(unit_id,)))
    return page_query("unit_submissions", unit_id, as_of, scope=scope)


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


@st.cache_data(ttl=TTL_SECONDS, max_entries=4, show_spinner=False)
def _first_load_at(url: str) -> dt.datetime | None:
    with engine_for(url).connect() as conn:
        return queries.first_load_at(conn)


def first_load_at() -> dt.datetime | None:
    """Cached :func:`data_access.queries.first_load_at`; None when the warehouse is empty
    or does not answer."""
    try:
        return _first_load_at(warehouse_url())
    except SQLAlchemyError:
        return None


@st.cache_data(ttl=TTL_SECONDS, max_entries=16, show_spinner=False)
def _published(url: str, indicator_code: str | None) -> tuple[pd.DataFrame, dt.datetime]:
    with engine_for(url).connect() as conn:
        return queries.published(conn, indicator_code), utc_now()


def published(indicator_code: str | None = None) -> Fetched:
    """Cached :func:`data_access.queries.published` on the configured warehouse."""
    url = warehouse_url()
    return _fetch(("published", url, indicator_code), lambda: _published(url, indicator_code))


@st.cache_data(ttl=30, max_entries=4, show_spinner=False)
def _warehouse_state(url: str) -> tuple[WarehouseState, str]:
    problem = url_problem(url)  # before engine_for, which would cache a broken engine
    if problem is not None:
        return problem
    return inspect_warehouse(url, engine_for(url))


def warehouse_state() -> tuple[WarehouseState, str, str]:
    """The configured warehouse's state, a detail, and its URL with the password hidden.

    Checked at most every 30 seconds, so an outage is noticed and a recovery picked up
    without a restart.
    """
    url = warehouse_url()
    state, detail = _warehouse_state(url)
    return state, detail, describe_url(url)


@st.cache_data(ttl=TTL_SECONDS, max_entries=16, show_spinner=False)
def _latest_data_year(url: str, through_month: dt.date, as_of: dt.datetime | None) -> int | None:
    with engine_for(url).connect() as conn:
        return queries.latest_data_year(conn, HEADLINE_CODES, through_month, as_of)


def latest_data_year(through_month: dt.date, as_of: dt.datetime | None = None) -> int | None:
    """Cached :func:`data_access.queries.latest_data_year` of the headline indicators on the
    configured warehouse; None when it holds none or does not answer."""
    try:
        return _latest_data_year(warehouse_url(), through_month, _utc(as_of))
    except SQLAlchemyError:
        return None


BACKTEST_MAX_ENTRIES = 32
"""Backtest reports kept per process: one per indicator and filter (scope) in use."""


@st.cache_data(ttl=TTL_SECONDS, max_entries=BACKTEST_MAX_ENTRIES, show_spinner=False)
def backtest_report(series: pd.DataFrame, indicator_code: str) -> BacktestReport:
    """:func:`metrics.backtest.backtest` of ``series``, cached on its content.

    The series' content is its data version: a new load makes a new report, and any number
    of page views of the same data share one (about a second per series to compute).
    """
    return backtest(series, get_indicator(indicator_code))


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def headline_tile(
    series: pd.DataFrame, indicator_code: str, year: int, today: dt.date
) -> Tile | None:
    """:func:`metrics.overview.headline_tile`, cached on the series' content and on
    ``today``, the day that decides which months have ended. The projection reads the
    series' backtest from :func:`backtest_report`."""
    return overview.headline_tile(
        series,
        get_indicator(indicator_code),
        year,
        today,
        backtest_report=backtest_report(series, indicator_code),
    )


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def year_review(series: pd.DataFrame, indicator_code: str, year: int) -> YearResult | None:
    """:func:`metrics.review.year_result`, cached on the series' content."""
    return year_result(series, get_indicator(indicator_code), year)


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
    unit's dossiers, so the baseline needs every unit. The scenario workspace shows those
    units (the lever's unit choice), so it is not yet fit for a unit-scoped user (issue 13,
    item 2: unit-scoped sign-in is refused until it is)."""
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


@st.cache_data(ttl=TTL_SECONDS, max_entries=8, show_spinner=False)
def scenario_baseline(
    series: dict[str, pd.DataFrame],
    units: pd.DataFrame,
    sectors: pd.DataFrame,
    year: int,
    n_paths: int,
    seed: int,
) -> Baseline:
    """:func:`scenarios.build.baseline_from_inputs`, cached on the inputs' content (new
    data make a new baseline), with each series' backtest from :func:`backtest_report`."""
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
    """Forget every cached figure after a load or an undo: the next view reads them afresh
    (the results kept for an outage stay, they are only used when the warehouse is down)."""
    st.cache_data.clear()


@st.cache_data(ttl=TTL_SECONDS, max_entries=8, show_spinner=False)
def _governance(url: str, today: dt.date, ids: ScopeIds) -> governance_metrics.GovernanceReport:
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
        return _governance(url, today, _scope_ids(url, scope))
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


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _lineage(
    url: str,
    indicator_code: str,
    month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
    ids: ScopeIds,
) -> tuple[pd.DataFrame, dt.datetime]:
    # ``ids`` is part of the cache key: the filter was checked against it before the call.
    with engine_for(url).connect() as conn:
        frame = submissions.lineage(conn, indicator_code, month, unit_filter, as_of)
        return frame, utc_now()


def lineage(
    indicator_code: str,
    month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None = None,
    *,
    scope: Scope,
) -> Fetched:
    """Cached :func:`data_access.submissions.lineage`: the load batches behind one figure
    (the whole city's or the scoped reader's own unit's; another raises
    :class:`OutOfScopeError`)."""
    url, moment = warehouse_url(), _utc(as_of)
    ids = _scope_ids(url, scope)
    _check_filter(scope, ids, unit_filter)
    return _fetch(
        ("lineage", url, indicator_code, month, unit_filter, moment, ids),
        lambda: _lineage(url, indicator_code, month, unit_filter, moment, ids),
    )
