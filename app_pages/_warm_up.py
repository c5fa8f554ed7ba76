"""What the warm-up computes: the pages' default views, so that a visitor only reads them.

First (:func:`default_views`) the Overview's tiles and charts (also read by the Meeting and
Briefing pages), the Scenarios page's baseline and the data-governance measures, each for
a city-wide reader; once that version is published, so that visitors are served first
(:func:`page_views`), the indicator pages' default views: Online services, Satisfaction,
Disbursement, Digital economy, Meeting, and the city standings every unit's scorecard
shares. Each page step gives way to visitors first (:func:`give_way`).

:func:`data_access.cached.start_warm_up` runs both in a background thread at start-up,
whenever the warehouse's data version changes and right after a load or undo; the figures
land in the same caches the pages read, through the same functions the pages call. The day
is today in the city, from the one clock (:func:`metrics.clock.city_today`), as the pages
take it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd
from streamlit import delta_generator, string_util

from data_access import cached
from data_access.queries import UnitFilter
from i18n import DEFAULT_LANGUAGE, LANGUAGES
from metrics import overview
from metrics.clock import city_today, last_complete_month
from metrics.projection import DEFAULT_SEED
from metrics.registry import Grain, Indicator, headline_indicators
from metrics.tiles import Tile

if TYPE_CHECKING:
    from app_pages._ui import Filters

LOGGER = logging.getLogger(__name__)

PAGE_MODULES = (
    # The frame's, app.py's own (the menu).
    "app_pages._menu",
    # The Overview's (its tiles are one HTML block each, their charts inline SVG).
    "app_pages._page",
    "app_pages._rankings",
    "app_pages._summary",
    "app_pages._tables",
    "app_pages._tiles",
    "app_pages._tile_html",
    "charts.tile",
    "charts.tile_svg",
    # The indicator pages' (their figures inline SVG, small tables plain HTML).
    "app_pages._sections",
    "app_pages._drill",
    "app_pages._satisfaction",
    "app_pages._disbursement",
    "app_pages._economy",
    "app_pages._meeting",
    "app_pages._scorecard",
    "app_pages._html_table",
    "charts.figure_svg",
    # The unit page's scorecard chart (and the panels it is drawn in).
    "charts.scorecard",
    "plotly.subplots",
    # The Scenarios, governance and Data pages'.
    "app_pages._scenarios",
    "app_pages._governance",
    "app_pages._data",
    # The Briefing page's form (its PDF maker, fpdf2 with PIL and fontTools, is imported
    # only when a PDF is asked for: 25 MiB a process otherwise, and 0.26-0.30 s of a first
    # Briefing visit at tier S, against 14 ms warm, when the page imported it).
    "briefing.collect",
)
"""Modules the pages' first runs import, imported by the first warm-up so that the first
visitor does not pay for them (the lever catalogue is read when ``app_pages._scenarios`` is
imported: 0.13 s of a first Scenarios visit at tier S). ``bench/profile.py`` on a first
visit after the warm-up shows what is still imported then; tests/unit/test_warm_up_imports.py
checks that no page script's own imports import anything more."""


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
        # A widget's or button's material icon is checked against Streamlit's list of their
        # names, a module imported at its first check (2.7 ms to load, every first visit).
        ("icon names", lambda: string_util.is_material_icon(":material/menu:")),
        # The first element a process draws asks once whether it runs in a REPL
        # (inspect.stack() over the whole stack); it is a no-op after the first call.
        ("first-element check", getattr(delta_generator, "_maybe_print_use_warning", bool)),
        ("table styling", lambda: pd.DataFrame({"a": [1.0]}).style.format("{:.1f}").to_html()),
        # Plotly builds each trace type's classes and validators on its first use (the
        # indicator pages' lines, bars and boxes, and their small panels), and the first
        # figure drawn as SVG compiles what charts.figure_svg needs.
        ("figure kinds", _figure_kinds),
        ("page scripts", compile_scripts),
    ]
    for name, step in steps:
        try:
            step()
        except Exception:  # the page itself says what is wrong, when visited
            LOGGER.exception("warm-up: the first use of the %s failed", name)
    _first_use_done.set()


def _runtime_script_cache() -> Any:
    """The server's cache of compiled scripts (Streamlit's Runtime keeps one for its
    lifetime and gives it to every session), or None outside a server (AppTest, a test).
    Streamlit 1.67's private ``Runtime._script_cache``; None when it has no such thing."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    return getattr(runtime.get_instance(), "_script_cache", None)


server_script_cache: Callable[[], Any] = _runtime_script_cache
"""Where :func:`compile_scripts` puts the bytecode: the Runtime's cache. ``bench/script.py``
points it at the cache its AppTest runs share, which stands for the server's."""


def compile_scripts() -> int:
    """Compile ``app.py`` and every page's script into the server's script cache
    (:func:`server_script_cache`), as the first visit of each would: a first visit then
    runs the page's bytecode at once (compiling was 0.3-2.3 ms of a page's first run,
    a tenth of the Briefing's, issue 12). Returns how many scripts are in it."""
    from app_pages._navigation import NAVIGATION
    from data_access.engine import PROJECT_ROOT

    cache = server_script_cache()
    if cache is None:
        return 0
    scripts = [PROJECT_ROOT / "app.py"] + [
        PROJECT_ROOT / path for _, entries in NAVIGATION for path, *_ in entries
    ]
    for script in scripts:
        cache.get_bytecode(str(script))
    LOGGER.info("warm-up: %d scripts compiled into the server's script cache", len(scripts))
    return len(scripts)


def _figure_kinds() -> None:
    """One small figure of each kind the pages draw, prepared as they are (cleaned,
    described, drawn as SVG), in each language; nothing is kept."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from app_pages import _ui

    panels = make_subplots(rows=1, cols=2, subplot_titles=("a", "b"))
    panels.add_trace(go.Scatter(x=[1, 2], y=[1.0, 2.0], mode="lines+markers", name="a"), 1, 1)
    panels.add_trace(go.Bar(x=[1, 2], y=[1.0, 2.0], text=["1", "2"], name="b"), 1, 2)
    figures = [
        panels,
        go.Figure(go.Box(x=[1.0, 2.0, 3.0], name="c", orientation="h")).update_layout(title="t"),
    ]
    for figure in figures:
        for lang in LANGUAGES:
            _ui.prepare_figure(figure, lang)


def default_views() -> Warmed:
    """Read and compute, through the caches the pages use, what the Overview shows by
    default to a city-wide reader (whole city, no unit scope, the default year, no "as
    of" day, today in the city): the four tiles with their backtests, the year in review
    and the attention standings. The Meeting and Briefing pages read the same tiles. Then
    the Scenarios page's baseline (:func:`_scenario_baseline`) and the data-governance
    measures (:func:`_governance`) of the same day and year."""
    _import_page_modules()
    cached.warehouse_state()  # the gate every page passes (checked by the pass, kept)
    today = city_today()
    latest = cached.latest_data_year(last_complete_month(today))
    year = overview.default_year(today, latest)
    review = overview.review_year(today, latest)
    cached.first_load_at()
    published = cached.published().frame
    city = UnitFilter()
    done: list[str] = []
    drawn: list[tuple[pd.DataFrame, Indicator, Tile]] = []
    standings: dict[str, pd.DataFrame] = {}
    series_by_code: dict[str, pd.DataFrame] = {}
    series_by_review: dict[str, pd.DataFrame] = {}
    for indicator in headline_indicators():
        series = cached.scope_series(indicator.code, city, scope=None).frame
        series_by_review[indicator.code] = series
        tile = cached.headline_tile(series, indicator.code, year, today)
        if tile is not None:
            drawn.append((series, indicator, tile))
        if year != review:
            cached.year_review(series, indicator.code, review)
        if indicator.grain is not Grain.CITY and tile is not None and tile.target_value is not None:
            standings[indicator.code] = cached.unit_standing(
                indicator.code, year, tile.as_of_month.date(), city, scope=None
            ).frame
            series_by_code[indicator.code] = series
        done.append(indicator.code)
    # The attention list, as the page asks for it (the same standings, in the same order).
    attention = cached.attention_list(
        standings, series_by_code, year, today, overview.ATTENTION_PER_INDICATOR
    )
    # The declared sources' contracts: checked here at start-up and again whenever the kept
    # check has expired (every SOURCE_HEALTH_TTL_SECONDS), so no page waits for them.
    cached.source_health(today)
    _tile_charts(drawn, published, (year, today))
    if year != review:
        _review_cards(series_by_review, published, review)
    _best_effort(
        "Overview's words",
        lambda: _overview_words(drawn, series_by_review, standings, attention, (year, today)),
    )
    _first_use()
    _scenario_baseline(year)
    _governance(today)
    settle("default views")
    return Warmed(today, year, review, tuple(done))


_settled: dict[tuple[str, str], cached.DataVersion | None] = {}
_settled_lock = threading.Lock()


def settle(part: str) -> bool:
    """Once per part of the warm-up and data version (what :func:`data_access.cached.
    data_version` gives the pass): one full garbage collection, then every object still
    alive frozen out of the collector's reach (:func:`gc.freeze`), so that no visitor's run
    pays the collection of what the warm-up made.

    Python's collector runs a full collection once the objects that survived since the
    last one reach a quarter of all it tracks. A warm-up that computed a new version (at
    start-up, after a load) leaves hundreds of thousands of new long-lived objects
    (modules, figures, frames, plotly's validators), so the full collection came in the
    first visits after it: 0.33 s of CPU over 290,000 objects at tier S, found in a first
    Disbursement visit on PostgreSQL (docs/benchmarks.md, section 12). Done here, in the
    warm-up's own pass, it is paid before the version is used (the default views) or
    while no visitor runs (the other pages', after :func:`give_way`); frozen, those
    objects are not scanned by the full collections visitors' runs still trigger.

    What was frozen before is unfrozen first, so the cycles of an older version's figures
    are collected with the new version, not kept: what stays frozen is at most one pass's
    objects. Returns whether it collected (not again for a part and version it did)."""
    key = (part, cached.warehouse_url())
    version = cached.data_version()
    with _settled_lock:
        if key in _settled and _settled[key] == version:
            return False
        _settled[key] = version
    started = time.perf_counter()
    collect()
    LOGGER.debug(
        "warm-up: %s: garbage collected in %.2f s, %d objects frozen",
        part,
        time.perf_counter() - started,
        gc.get_freeze_count(),
    )
    return True


def collect() -> None:
    """One full garbage collection of everything (the frozen objects too), then every
    object still alive frozen (:func:`settle`)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _best_effort(what: str, step: Callable[[], object]) -> bool:
    """Run ``step``; a failure other than an unreachable warehouse (which ends the pass, as
    for the tiles) is logged, never raised: the page computes it, and says what is wrong.
    Returns whether it ran through."""
    try:
        step()
    except cached.WarehouseUnavailableError:
        raise
    except Exception:
        LOGGER.exception("warm-up: the %s failed", what)
        return False
    return True


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
        mine = cached.published_rows(published, indicator.code, None)
        for lang in LANGUAGES:
            try:
                _tiles.tile_chart(series, indicator.code, tile, lang, mine, tile_key)
            except Exception:  # the page itself says what is wrong, when visited
                LOGGER.exception("warm-up: the %s chart (%s) failed", indicator.code, lang)


def _review_cards(
    series_by_code: dict[str, pd.DataFrame], published: pd.DataFrame, review_year: int
) -> None:
    """The default view's year-in-review cards in both languages, in the cache the Overview
    reads (:func:`app_pages._tiles.review_card`, with the arguments the page passes for the
    whole city). Best effort: a failure is logged, and the page builds the card."""
    from app_pages import _tiles

    for code, series in series_by_code.items():
        mine = cached.published_rows(published, code, review_year)
        for lang in LANGUAGES:
            try:
                _tiles.review_card(series, code, review_year, lang, mine)
            except Exception:  # the page itself says what is wrong, when visited
                LOGGER.exception("warm-up: the %s review card (%s) failed", code, lang)


def _overview_words(
    drawn: list[tuple[pd.DataFrame, Indicator, Tile]],
    series_by_code: dict[str, pd.DataFrame],
    standings: dict[str, pd.DataFrame],
    attention: pd.DataFrame,
    tile_key: tuple[int, dt.date],
) -> None:
    """The default view's tiles table, attention sections, attention download and written
    summary in both languages, as the Overview asks for them
    (:func:`app_pages._tables.overview_tiles_table` and
    :func:`app_pages._tables.overview_attention_words`, keyed on the same inputs)."""
    from app_pages import _tables

    year, today = tile_key
    shown = [tile for _series, _indicator, tile in drawn]
    through = {
        tile.indicator_code: tile.as_of_month.date()
        for _series, _indicator, tile in drawn
        if tile.indicator_code in standings
    }
    for lang in LANGUAGES:
        inputs = _tables.overview_inputs(lang, year, today, (), series_by_code.values())
        _tables.overview_tiles_table(shown, lang, inputs)
        _tables.overview_attention_words(
            attention, shown, lang, through, inputs, standings.values()
        )


# --- the other pages, once the Overview's version is published ---------------------------------

SCRIPT_THREAD_NAME = "ScriptRunner.scriptThread"
"""The name Streamlit gives the thread that runs a session's script (and its fragments):
one per run, ended when the run ends (``streamlit.runtime.scriptrunner.ScriptRunner``;
AppTest's runner too)."""
QUIET_SECONDS = 1.0
"""Before a page step, the warm-up waits until no script has run for this long..."""
LONGEST_WAIT_SECONDS = 30.0
"""... but no longer than this (a meeting-mode screen reruns its slide every few seconds)."""
_POLL_SECONDS = 0.05


def script_running() -> bool:
    """Whether any session's script (or fragment) is running now in this process: one of
    Streamlit's script threads is alive. Never blocks, never raises."""
    me = threading.current_thread()
    try:
        return any(
            thread.name == SCRIPT_THREAD_NAME and thread is not me and thread.is_alive()
            for thread in threading.enumerate()
        )
    except Exception:  # a look at the threads must never stop the warm-up
        LOGGER.exception("warm-up: the script threads could not be listed")
        return False


def give_way(
    quiet: float = QUIET_SECONDS,
    longest: float = LONGEST_WAIT_SECONDS,
    running: Callable[[], bool] = script_running,
) -> float:
    """Wait while visitors' scripts run: return at once when none runs, else once none has
    run for ``quiet`` seconds, or after ``longest`` seconds whatever happens (or when the
    warm-up is stopped or woken by a load). Returns the seconds waited. Only the warm-up
    thread waits; a visitor's run never waits for it."""
    started = last_seen = time.monotonic()
    if not running():
        return 0.0
    while not cached.warm_up_interrupted():
        now = time.monotonic()
        if running():
            last_seen = now
        elif now - last_seen >= quiet:
            break
        if now - started >= longest:
            LOGGER.info("warm-up: visitors kept running for %.0f s; going on", longest)
            break
        time.sleep(_POLL_SECONDS)
    return time.monotonic() - started


def page_steps(filters: Filters) -> list[tuple[str, Callable[[], object]]]:
    """Each indicator page's default reads for ``filters`` (the whole city, the default
    year, no "as of" day), in the order a leader opens them, through the functions the
    pages call (``default_reads`` of each page's module), for a city-wide reader; then the
    figures those pages keep per language (``default_figures``), Vietnamese first."""
    from app_pages import _disbursement, _drill, _economy, _meeting, _satisfaction, _scorecard

    steps: list[tuple[str, Callable[[], object]]] = [
        ("Online services page", partial(_drill.default_reads, filters, scope=None)),
        ("Satisfaction page", partial(_satisfaction.default_reads, filters, scope=None)),
        ("Disbursement page", partial(_disbursement.default_reads, filters, scope=None)),
        ("Digital economy page", partial(_economy.default_reads, filters, scope=None)),
        ("Meeting page", partial(_meeting.read, filters, scope=None)),
        (
            "unit scorecards' city standings",
            partial(_scorecard.standing_tables, filters, scope=None),
        ),
        ("every unit's scorecard series", _scorecard.every_units_series),
    ]
    for lang in LANGUAGES:
        shown = dataclasses.replace(filters, lang=lang)
        steps += [
            (
                f"Online services figures ({lang})",
                partial(_drill.default_figures, shown, scope=None),
            ),
            (
                f"Satisfaction figures ({lang})",
                partial(_satisfaction.default_figures, shown, scope=None),
            ),
            (
                f"Digital economy figures ({lang})",
                partial(_economy.default_figures, shown, scope=None),
            ),
            (f"Meeting figures ({lang})", partial(_meeting.default_figures, shown, scope=None)),
        ]
    return steps


def page_views() -> list[str]:
    """After :func:`default_views`, once its version is published: each page step of
    :func:`page_steps`, after giving way to visitors (:func:`give_way`). A step that fails
    is logged and the next one goes on; an unreachable warehouse ends the pass. Returns the
    steps done. What is read holds no language (series, tiles, trend months, rankings,
    standings, the attention list, whose key holds none either); the figures do, and are
    prepared in each language."""
    from app_pages._ui import Filters

    today = city_today()
    latest = cached.latest_data_year(last_complete_month(today))
    filters = Filters(DEFAULT_LANGUAGE, overview.default_year(today, latest), UnitFilter())
    done: list[str] = []
    started, waited = time.monotonic(), 0.0
    steps = page_steps(filters)
    for what, step in steps:
        waited += give_way()
        if cached.warm_up_interrupted():
            break
        if _best_effort(what, step):
            done.append(what)
    if not cached.warm_up_interrupted():
        waited += give_way()
        settle("page views")
    LOGGER.debug(
        "warm-up: %d of %d page steps in %.1f s (%.1f s of it giving way to visitors)",
        len(done),
        len(steps),
        time.monotonic() - started,
        waited,
    )
    return done


def warm_up() -> cached.WarmUp[Warmed] | None:
    """One warm-up of the default views, now, in this thread, then of the other pages'
    (see :func:`data_access.cached.warm_up`)."""
    return cached.warm_up(default_views, page_views)


def start() -> bool:
    """Start the background warm-up of the default views, once per process (``app.py``
    with each session; ``serve.py`` when the server starts)."""
    return cached.start_warm_up(default_views, page_views)
