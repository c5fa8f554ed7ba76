"""What the warm-up computes: the pages' default views, so that a visitor only reads them.

:func:`data_access.cached.start_warm_up` runs :func:`default_views` in a background thread
at start-up, whenever the warehouse's data version changes and right after a load or undo;
the figures land in the same caches the pages read. The day is today in the city, from the
one clock (:func:`metrics.clock.city_today`), as the pages take it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from dataclasses import dataclass

from data_access import cached
from data_access.queries import UnitFilter
from metrics import overview
from metrics.clock import city_today, last_complete_month
from metrics.registry import Grain, headline_indicators

LOGGER = logging.getLogger(__name__)

PAGE_MODULES = (
    "plotly.graph_objects",
    "charts.tile",
    "app_pages._page",
    "app_pages._rankings",
    "app_pages._summary",
    "app_pages._tables",
    "app_pages._tiles",
)
"""Modules the Overview's first run would import (about 0.4 s with Plotly at tier S),
imported by the first warm-up so that the first visitor does not pay for them either."""


@dataclass(frozen=True, slots=True)
class Warmed:
    """The default view that was computed: its day, its year and review year, its tiles."""

    today: dt.date
    year: int
    review_year: int
    tiles: tuple[str, ...]


def _import_page_modules() -> None:
    for name in PAGE_MODULES:
        try:
            importlib.import_module(name)  # after the first time, a look-up in sys.modules
        except Exception:  # a page that cannot be imported says so itself when visited
            LOGGER.exception("warm-up: importing %s failed", name)


def default_views() -> Warmed:
    """Read and compute, through the caches the pages use, what the Overview shows by
    default to a city-wide reader (whole city, no unit scope, the default year, no "as
    of" day, today in the city): the four tiles with their backtests, the year in review
    and the attention standings. The Meeting and Briefing pages read the same tiles."""
    _import_page_modules()
    cached.warehouse_state()  # the gate every page passes (kept 30 s, as is this check)
    today = city_today()
    latest = cached.latest_data_year(last_complete_month(today))
    year = overview.default_year(today, latest)
    review = overview.review_year(today, latest)
    cached.first_load_at()
    cached.published()
    city = UnitFilter()
    done: list[str] = []
    for indicator in headline_indicators():
        series = cached.scope_series(indicator.code, city, scope=None).frame
        tile = cached.headline_tile(series, indicator.code, year, today)
        if year != review:
            cached.year_review(series, indicator.code, review)
        if indicator.grain is not Grain.CITY and tile is not None and tile.target_value is not None:
            cached.unit_standing(indicator.code, year, tile.as_of_month.date(), city, scope=None)
        done.append(indicator.code)
    # The declared sources' contracts: checked here at start-up and again whenever the kept
    # check has expired (every SOURCE_HEALTH_TTL_SECONDS), so no page waits for them.
    cached.source_health(today)
    return Warmed(today, year, review, tuple(done))


def warm_up() -> cached.WarmUp[Warmed] | None:
    """One warm-up of the default views, now, in this thread (see
    :func:`data_access.cached.warm_up`)."""
    return cached.warm_up(default_views)


def start(*, when_served: bool = False) -> bool:
    """Start the background warm-up of the default views, once per process; with
    ``when_served``, from the serving entry point (``serve.py``) before the server runs:
    the thread then waits for the server's runtime (see
    :func:`data_access.cached.start_warm_up`)."""
    return cached.start_warm_up(default_views, when_served=when_served)
