"""What the warm-up computes: the pages' default views, so that a visitor only reads them.

The Overview's tiles and charts (also read by the Meeting and Briefing pages), the
Scenarios page's baseline and the data-governance measures, each for a city-wide reader.

:func:`data_access.cached.start_warm_up` runs :func:`default_views` in a background thread
at start-up, whenever the warehouse's data version changes and right after a load or undo;
the figures land in the same caches the pages read. The day is today in the city, from the
one clock (:func:`metrics.clock.city_today`), as the pages take it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from streamlit import delta_generator, string_util

from data_access import cached
from data_access.queries import UnitFilter
from i18n import LANGUAGES
from metrics import overview
from metrics.clock import city_today, last_complete_month
from metrics.projection import DEFAULT_SEED
from metrics.registry import Grain, Indicator, headline_indicators
from metrics.tiles import Tile

LOGGER = logging.getLogger(__name__)

PAGE_MODULES = (
    "plotly.graph_objects",
    "charts.tile",
    "app_pages._page",
    "app_pages._rankings",
    "app_pages._summary",
    "app_pages._tables",
    "app_pages._tiles",
    "app_pages._scenarios",
    "app_pages._governance",
)
"""Modules the Overview's first run would import (about 0.4 s with Plotly at tier S), and
the Scenarios and governance pages' own (the lever catalogue is read when
``app_pages._scenarios`` is imported: 0.13 s of a first Scenarios visit at tier S), imported
by the first warm-up so that the first visitor does not pay for them either."""


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


_first_use_done = threading.Event()


def _first_use() -> None:
    """Once per process: what the first page run would otherwise pay as one-time work, not
    figures (a cProfile of the first Overview after a warm-up, tier S: 6.1 s against 2.5 s
    warm, of which Streamlit's emoji pattern 2.1 s, the first Plotly figures 1.2 s, the
    "running under streamlit run?" check's ``inspect.stack`` 0.4 s, pandas' Styler and its
    templates 0.5 s). The first Plotly figures are the tile charts :func:`_tile_charts`
    makes. Each step is best effort: a failure is logged, never raised."""
    if _first_use_done.is_set():
        return
    steps: list[tuple[str, Callable[[], object]]] = [
        # The language switch's options pass Streamlit's emoji check, whose first call
        # imports streamlit.emojis and compiles its pattern of every emoji.
        ("emoji pattern", lambda: string_util.extract_leading_emoji("Tiếng Việt")),
        # The first element a process draws asks once whether it runs in a REPL
        # (inspect.stack() over the whole stack); it is a no-op after the first call.
        ("first-element check", getattr(delta_generator, "_maybe_print_use_warning", bool)),
        ("table styling", lambda: pd.DataFrame({"a": [1.0]}).style.format("{:.1f}").to_html()),
    ]
    for name, step in steps:
        try:
            step()
        except Exception:  # the page itself says what is wrong, when visited
            LOGGER.exception("warm-up: the first use of the %s failed", name)
    _first_use_done.set()


def default_views() -> Warmed:
    """Read and compute, through the caches the pages use, what the Overview shows by
    default to a city-wide reader (whole city, no unit scope, the default year, no "as
    of" day, today in the city): the four tiles with their backtests, the year in review
    and the attention standings. The Meeting and Briefing pages read the same tiles. Then
    the Scenarios page's baseline (:func:`_scenario_baseline`) and the data-governance
    measures (:func:`_governance`) of the same day and year."""
    _import_page_modules()
    cached.warehouse_state()  # the gate every page passes (kept 30 s, as is this check)
    today = city_today()
    latest = cached.latest_data_year(last_complete_month(today))
    year = overview.default_year(today, latest)
    review = overview.review_year(today, latest)
    cached.first_load_at()
    published = cached.published().frame
    city = UnitFilter()
    done: list[str] = []
    drawn: list[tuple[pd.DataFrame, Indicator, Tile]] = []
    for indicator in headline_indicators():
        series = cached.scope_series(indicator.code, city, scope=None).frame
        tile = cached.headline_tile(series, indicator.code, year, today)
        if tile is not None:
            drawn.append((series, indicator, tile))
        if year != review:
            cached.year_review(series, indicator.code, review)
        if indicator.grain is not Grain.CITY and tile is not None and tile.target_value is not None:
            cached.unit_standing(indicator.code, year, tile.as_of_month.date(), city, scope=None)
        done.append(indicator.code)
    # The declared sources' contracts: checked here at start-up and again whenever the kept
    # check has expired (every SOURCE_HEALTH_TTL_SECONDS), so no page waits for them.
    cached.source_health(today)
    _tile_charts(drawn, published, (year, today))
    _first_use()
    _scenario_baseline(year)
    _governance(today)
    return Warmed(today, year, review, tuple(done))


def _best_effort(what: str, step: Callable[[], object]) -> None:
    """Run ``step``; a failure other than an unreachable warehouse (which ends the pass, as
    for the tiles) is logged, never raised: the page computes it, and says what is wrong."""
    try:
        step()
    except cached.WarehouseUnavailableError:
        raise
    except Exception:
        LOGGER.exception("warm-up: the %s failed", what)


def _scenario_baseline(year: int) -> None:
    """The Scenarios page's baseline as a first visit asks for it (the default year, the
    default seed, :data:`app_pages._scenarios.N_PATHS` paths; each series' backtest), in
    the cache the page reads (:func:`data_access.cached.scenario_baseline`, keyed on its
    inputs' source keys and so on the data version): 0.55 s of a first Scenarios visit
    at tier S otherwise."""
    from app_pages import _scenarios

    def build() -> None:
        series, units, sectors = cached.scenario_inputs(year)
        cached.scenario_baseline(series, units, sectors, year, _scenarios.N_PATHS, DEFAULT_SEED)

    _best_effort("scenario baseline", build)


def _governance(today: dt.date) -> None:
    """The data-governance page's reads for a city-wide reader: its measures (keyed on the
    day and the data version; 2.5 s of a first visit at tier S otherwise), the catalogue
    and the unit list."""
    _best_effort("governance measures", lambda: cached.governance(today, scope=None))
    _best_effort("governance catalogue", cached.governance_catalogue)
    _best_effort("unit list", lambda: cached.unit_list(scope=None))


def _tile_charts(
    tiles: list[tuple[pd.DataFrame, Indicator, Tile]],
    published: pd.DataFrame,
    tile_key: tuple[int, dt.date],
) -> None:
    """The default view's tile charts in both languages, in the cache the Overview reads
    (:func:`app_pages._tiles.tile_chart`, with the arguments the page passes: the city's
    series, its published figures, the year and the day), so that the first visitor
    builds no figure. Best effort: a failure is logged, and the page draws the chart."""
    from app_pages import _tiles  # Plotly: imported by the thread, not app.py

    for series, indicator, tile in tiles:
        mine = overview.published_for_year(published, indicator, None)
        for lang in LANGUAGES:
            try:
                _tiles.tile_chart(series, indicator.code, tile, lang, mine, tile_key)
            except Exception:  # the page itself says what is wrong, when visited
                LOGGER.exception("warm-up: the %s chart (%s) failed", indicator.code, lang)


def warm_up() -> cached.WarmUp[Warmed] | None:
    """One warm-up of the default views, now, in this thread (see
    :func:`data_access.cached.warm_up`)."""
    return cached.warm_up(default_views)


def start() -> bool:
    """Start the background warm-up of the default views, once per process (``app.py``
    with each session; ``serve.py`` when the server starts)."""
    return cached.start_warm_up(default_views)
