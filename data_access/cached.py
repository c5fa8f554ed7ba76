"""Cached wrappers around the queries: the only place in data_access that imports Streamlit.

Caches are per process and bounded (``ttl`` and ``max_entries``). If the warehouse cannot
be reached, the last good result of the same query is returned marked stale, with the
time it was fetched, so pages keep showing figures under a banner; the next call tries
the warehouse again, so the app recovers by itself.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data_access import queries
from data_access.engine import (
    WarehouseState,
    database_url,
    describe_url,
    inspect_warehouse,
    make_engine,
    url_problem,
)
from data_access.queries import UnitFilter
from metrics import overview
from metrics.clock import utc_now
from metrics.registry import HEADLINE_CODES, get_indicator
from metrics.review import YearResult, year_result
from metrics.tiles import Tile

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


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _scope_series(
    url: str, indicator_code: str, unit_filter: UnitFilter
) -> tuple[pd.DataFrame, dt.datetime]:
    with engine_for(url).connect() as conn:
        return queries.scope_series(conn, indicator_code, unit_filter), utc_now()


def scope_series(indicator_code: str, unit_filter: UnitFilter) -> Fetched:
    """Cached :func:`data_access.queries.scope_series` on the configured warehouse."""
    url = warehouse_url()
    return _fetch(
        ("scope_series", url, indicator_code, unit_filter),
        lambda: _scope_series(url, indicator_code, unit_filter),
    )


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def _unit_standing(
    url: str, indicator_code: str, year: int, through_month: dt.date, unit_filter: UnitFilter
) -> tuple[pd.DataFrame, dt.datetime]:
    with engine_for(url).connect() as conn:
        frame = queries.unit_standing(conn, indicator_code, year, through_month, unit_filter)
        return frame, utc_now()


def unit_standing(
    indicator_code: str, year: int, through_month: dt.date, unit_filter: UnitFilter
) -> Fetched:
    """Cached :func:`data_access.queries.unit_standing` on the configured warehouse."""
    url = warehouse_url()
    return _fetch(
        ("unit_standing", url, indicator_code, year, through_month, unit_filter),
        lambda: _unit_standing(url, indicator_code, year, through_month, unit_filter),
    )


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
def _latest_data_year(url: str, through_month: dt.date) -> int | None:
    with engine_for(url).connect() as conn:
        return queries.latest_data_year(conn, HEADLINE_CODES, through_month)


def latest_data_year(through_month: dt.date) -> int | None:
    """Cached :func:`data_access.queries.latest_data_year` of the headline indicators on the
    configured warehouse; None when it holds none or does not answer."""
    try:
        return _latest_data_year(warehouse_url(), through_month)
    except SQLAlchemyError:
        return None


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def headline_tile(
    series: pd.DataFrame, indicator_code: str, year: int, today: dt.date
) -> Tile | None:
    """:func:`metrics.overview.headline_tile`, cached on the series' content and on
    ``today``, the day that decides which months have ended."""
    return overview.headline_tile(series, get_indicator(indicator_code), year, today)


@st.cache_data(ttl=TTL_SECONDS, max_entries=MAX_ENTRIES, show_spinner=False)
def year_review(series: pd.DataFrame, indicator_code: str, year: int) -> YearResult | None:
    """:func:`metrics.review.year_result`, cached on the series' content."""
    return year_result(series, get_indicator(indicator_code), year)


def has_last_good() -> bool:
    """Whether this process holds earlier results from the configured warehouse."""
    url = warehouse_url()
    with _last_good_lock:
        return any(key[1] == url for key in _last_good)
