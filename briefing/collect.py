"""What a briefing shows, gathered the way the Overview gathers it.

The Overview reads each headline indicator's series at the filters' scope and "as of" moment,
builds its tile (:func:`metrics.overview.headline_tile`), ranks the units against each tile
(:func:`metrics.overview.rank_for_tile`) and keeps the top of the combined list
(:func:`metrics.overview.combine_attention`). :func:`collect` does the same through a
:class:`Source`: the app passes the Overview's own cached functions
(:mod:`data_access.cached`), so the briefing's tiles are the very objects on screen; the
command line passes :func:`warehouse_source`, which runs the same queries and the same tile
builder on a connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from data_access import queries
from data_access.queries import UnitFilter
from data_access.sources import SourceReport
from metrics.backtest import backtest
from metrics.clock import last_complete_month, month_end
from metrics.links import as_of_moment
from metrics.overview import combine_attention, headline_tile, rank_for_tile
from metrics.registry import Grain, get_indicator, headline_indicators
from metrics.tiles import Tile

ATTENTION_TOP = 10
"""As many items as the Overview's attention list."""

PAGES: tuple[str, ...] = ("online", "satisfaction", "disbursement", "economy")
"""The indicator pages a briefing can hold, in the app's order (the Overview always comes)."""
PAGE_INDICATORS: dict[str, str] = {
    "online": "online_dossier_share",
    "satisfaction": "satisfaction_rate",
    "disbursement": "public_investment_disbursement",
    "economy": "digital_economy_share_grdp",
}
"""Each page's headline indicator."""


def no_failing_sources() -> dict[str, SourceReport]:
    """No declared source fails: the command line reads the project's own warehouse."""
    return {}


@dataclass(frozen=True, slots=True)
class Source:
    """Where the figures come from: four functions with the Overview's cached signatures,
    and the declared sources that fail a contract (issue 14; indicator code → report)."""

    scope_series: Callable[[str, UnitFilter, dt.datetime | None], pd.DataFrame]
    headline_tile: Callable[[pd.DataFrame, str, int, dt.date], Tile | None]
    unit_standing: Callable[[str, int, dt.date, UnitFilter, dt.datetime | None], pd.DataFrame]
    published: Callable[[], pd.DataFrame]
    failing: Callable[[], dict[str, SourceReport]] = no_failing_sources


@dataclass(frozen=True, slots=True)
class BriefingData:
    """Everything a briefing shows, in no language yet."""

    year: int
    today: dt.date
    """The day the briefing is about: the "as of" day, or today in the city."""
    as_of_day: dt.date | None
    unit_filter: UnitFilter
    tiles: dict[str, Tile | None]
    """Per headline indicator (registry order); None when the year has no data."""
    series: dict[str, pd.DataFrame]
    published: pd.DataFrame
    rankings: dict[str, pd.DataFrame]
    """Per indicator with units and a target: :func:`metrics.overview.rank_for_tile`."""
    attention: pd.DataFrame
    """The Overview's attention list (top :data:`ATTENTION_TOP`)."""
    is_demo: bool
    failing: dict[str, SourceReport] = field(default_factory=dict)
    """Per headline indicator whose declared source fails a contract: its report. Such an
    indicator is not assessed: no tile, no series read, no units in the rankings; the
    briefing says why in its place (:func:`data_access.sources.failure_text`)."""

    @property
    def shown(self) -> list[Tile]:
        """The tiles that could be built, in the registry's order."""
        return [tile for tile in self.tiles.values() if tile is not None]

    @property
    def data_to(self) -> dt.date | None:
        """The last day of the latest data month among the tiles."""
        shown = self.shown
        return max(month_end(tile.as_of_month.date()) for tile in shown) if shown else None

    @property
    def date_for_name(self) -> dt.date:
        """The date a file name carries: the "as of" day when one is chosen, else the day
        the data run to (else today)."""
        return self.as_of_day or self.data_to or self.today


def collect(
    source: Source,
    year: int,
    unit_filter: UnitFilter,
    today: dt.date,
    as_of_day: dt.date | None = None,
) -> BriefingData:
    """The tiles, rankings and attention list of ``year`` at ``unit_filter``, as the
    Overview builds them (``today`` decides which months have ended; with ``as_of_day`` the
    figures are read as they stood at the end of that day)."""
    as_of = as_of_moment(as_of_day) if as_of_day is not None else None
    tiles: dict[str, Tile | None] = {}
    series: dict[str, pd.DataFrame] = {}
    failing = {
        code: report
        for code, report in source.failing().items()
        if code in {indicator.code for indicator in headline_indicators()}
    }
    for indicator in headline_indicators():
        if indicator.code in failing:
            tiles[indicator.code] = None
            continue
        frame = source.scope_series(indicator.code, unit_filter, as_of)
        series[indicator.code] = frame
        tiles[indicator.code] = source.headline_tile(frame, indicator.code, year, today)
    rankings: dict[str, pd.DataFrame] = {}
    for indicator in headline_indicators():
        tile = tiles[indicator.code]
        if indicator.grain is Grain.CITY or tile is None or tile.target_value is None:
            continue
        standing = source.unit_standing(
            indicator.code, year, tile.as_of_month.date(), unit_filter, as_of
        )
        rankings[indicator.code] = rank_for_tile(standing, indicator, tile)
    is_demo = any(bool(frame["is_demo"].any()) for frame in series.values() if not frame.empty)
    return BriefingData(
        year=year,
        today=today,
        as_of_day=as_of_day,
        unit_filter=unit_filter,
        tiles=tiles,
        series=series,
        published=source.published(),
        rankings=rankings,
        attention=combine_attention(rankings, ATTENTION_TOP),
        is_demo=is_demo,
        failing=failing,
    )


def warehouse_source(engine: Engine) -> Source:
    """The Overview's queries and tile builder on ``engine``, without Streamlit's cache
    (for the command line): the same functions the cached ones wrap."""

    def scope_series(code: str, unit_filter: UnitFilter, as_of: dt.datetime | None) -> pd.DataFrame:
        with engine.connect() as conn:
            return queries.scope_series(conn, code, unit_filter, as_of)

    def tile(series: pd.DataFrame, code: str, year: int, today: dt.date) -> Tile | None:
        indicator = get_indicator(code)
        return headline_tile(
            series, indicator, year, today, backtest_report=backtest(series, indicator)
        )

    def unit_standing(
        code: str,
        year: int,
        through: dt.date,
        unit_filter: UnitFilter,
        as_of: dt.datetime | None,
    ) -> pd.DataFrame:
        with engine.connect() as conn:
            return queries.unit_standing(conn, code, year, through, unit_filter, as_of)

    def published() -> pd.DataFrame:
        with engine.connect() as conn:
            return queries.published(conn)

    return Source(scope_series, tile, unit_standing, published)


def configured_source(engine: Engine, url: str, today: dt.date) -> Source:
    """The command line's source: :func:`warehouse_source` on ``engine``; but when ``url`` is
    the configured warehouse and a deployment's mapping declares indicators (issue 14), the
    app's own reads (:mod:`data_access.cached`, as the Briefing page passes them), so that a
    declared indicator is read through its source, and one failing a contract is not
    assessed, as on screen."""
    from data_access import cached  # Streamlit's cache, in bare mode: only for a mapping

    if not cached.declared_indicators() or url != cached.warehouse_url():
        return warehouse_source(engine)
    own = warehouse_source(engine)

    def scope_series(code: str, unit_filter: UnitFilter, as_of: dt.datetime | None) -> pd.DataFrame:
        return cached.scope_series(code, unit_filter, as_of, scope=None).frame

    def unit_standing(
        code: str,
        year: int,
        through: dt.date,
        unit_filter: UnitFilter,
        as_of: dt.datetime | None,
    ) -> pd.DataFrame:
        return cached.unit_standing(code, year, through, unit_filter, as_of, scope=None).frame

    return Source(
        scope_series,
        own.headline_tile,
        unit_standing,
        own.published,
        lambda: cached.failing_sources(today),
    )


def default_year_for(engine: Engine, today: dt.date, as_of_day: dt.date | None) -> int:
    """The year the Overview would open on for ``today`` (:func:`metrics.overview.default_year`)."""
    from metrics.overview import default_year

    as_of = as_of_moment(as_of_day) if as_of_day is not None else None
    with engine.connect() as conn:
        latest = queries.latest_data_year(
            conn,
            [indicator.code for indicator in headline_indicators()],
            last_complete_month(today),
            as_of,
        )
    return default_year(today, latest)
