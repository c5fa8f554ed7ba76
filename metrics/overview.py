"""The Overview's choices: which year and month to show, its tiles, and the attention list."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics.attention import expected_to_date, rank_attention
from metrics.backtest import BacktestReport
from metrics.clock import last_complete_month, month_end
from metrics.freshness import latest_complete_period
from metrics.registry import Indicator
from metrics.tiles import Tile, build_tile

COMPARISON_TERRITORIES: tuple[str, ...] = ("national",)
"""Published territories that are not the city: shown for comparison, never in its series."""

ATTENTION_COLUMNS: tuple[str, ...] = (
    "indicator_code",
    "unit_id",
    "name_vi",
    "name_en",
    "unit_type",
    "value",
    "benchmark",
    "gap_pp",
    "impact_pp",
    "unit_status",
    "is_newly_red",
    "is_small_denominator",
)


def default_year(today: dt.date, latest_data_year: int | None) -> int:
    """The year the Overview opens on: the latest year with data, never one with nothing.

    Parameters
    ----------
    today
        Today's date in the city (:func:`metrics.clock.city_today`).
    latest_data_year
        The latest ``period_year`` with data in a month that has ended by ``today``
        (:func:`data_access.queries.latest_data_year`); None when unknown or empty.

    Returns
    -------
    int
        The year of the last complete month (in January, last year is still being
        closed), or the latest year with data when that is earlier: a warehouse whose data
        stop before this year opens on its last year, not on an empty page.

    Examples
    --------
    >>> default_year(dt.date(2026, 11, 28), 2026), default_year(dt.date(2027, 1, 15), 2026)
    (2026, 2026)
    >>> default_year(dt.date(2027, 11, 28), 2026), default_year(dt.date(2027, 11, 28), None)
    (2026, 2027)
    """
    calendar_year = last_complete_month(today).year
    if latest_data_year is None:
        return calendar_year
    return min(calendar_year, latest_data_year)


def review_year(today: dt.date, latest_data_year: int | None) -> int:
    """The year of the "in review" strip: the last closed year, not after the data.

    Examples
    --------
    >>> review_year(dt.date(2026, 11, 28), 2026), review_year(dt.date(2027, 1, 1), 2026)
    (2025, 2026)
    >>> review_year(dt.date(2028, 3, 1), 2026), review_year(dt.date(2026, 11, 28), None)
    (2026, 2025)
    """
    last_closed = today.year - 1
    if latest_data_year is None:
        return last_closed
    return min(last_closed, latest_data_year)


def headline_tile(
    series: pd.DataFrame,
    indicator: Indicator,
    year: int,
    today: dt.date,
    *,
    backtest_report: BacktestReport | None = None,
) -> Tile | None:
    """The tile of ``indicator`` for ``year``, read as of its latest complete period.

    A month that has not ended by ``today``, or that few units have reported yet, is not
    a headline (:func:`metrics.freshness.latest_complete_period`). None when ``year`` has
    no such period. The projection's seed is fixed, so the same data and day always give
    the same tile. ``backtest_report`` (:func:`metrics.backtest.backtest` of ``series``)
    spares the projection its own backtest.
    """
    as_of = latest_complete_period(series, year, today)
    if as_of is None:
        return None
    return build_tile(series, indicator, year, as_of_month=as_of, backtest_report=backtest_report)


def combine_attention(rankings: dict[str, pd.DataFrame], top: int = 15) -> pd.DataFrame:
    """The ``top`` items holding the city back, across indicators.

    Parameters
    ----------
    rankings
        Per indicator code, the output of :func:`metrics.attention.rank_attention`.
    top
        How many rows to keep.

    Returns
    -------
    DataFrame
        ``ATTENTION_COLUMNS``; the ``top`` units short of their benchmark (``gap_pp > 0``)
        with the largest impact (points of the scope's figure), shown newly red first,
        then by impact.

    Notes
    -----
    Impacts of different indicators are all in percentage points of their own scope
    figure, so they rank on one scale: "how much would the city's figure rise if this
    unit reached the target". The ``top`` are chosen by impact first and only then put
    newly red first: when a milestone steps up, dozens of tiny units turn red at once, and
    they must not push the few units that really hold the city back off the list.

    Examples
    --------
    >>> a = pd.DataFrame({"unit_id": ["1"], "name_vi": ["A"], "name_en": ["A"],
    ...     "unit_type": ["ward"], "value": [40.0], "benchmark": [50.0], "gap_pp": [10.0],
    ...     "impact_pp": [0.5], "unit_status": ["off_track"], "is_newly_red": [False],
    ...     "is_small_denominator": [False]})
    >>> combine_attention({"x": a, "y": a.assign(impact_pp=0.2, is_newly_red=True)})[
    ...     ["indicator_code", "impact_pp"]].values.tolist()
    [['y', 0.2], ['x', 0.5]]
    """
    frames = [
        frame.assign(indicator_code=code) for code, frame in rankings.items() if not frame.empty
    ]
    if not frames:
        return pd.DataFrame(columns=list(ATTENTION_COLUMNS))
    combined = pd.concat(frames, ignore_index=True)
    behind = combined[combined["gap_pp"].fillna(0) > 0]
    largest = behind.sort_values(
        ["impact_pp", "name_vi"], ascending=[False, True], kind="stable"
    ).head(top)
    ordered = largest.sort_values(
        ["is_newly_red", "impact_pp", "name_vi"], ascending=[False, False, True], kind="stable"
    )
    return ordered.loc[:, list(ATTENTION_COLUMNS)].reset_index(drop=True)


def published_for_year(
    published: pd.DataFrame, indicator: Indicator, year: int | None
) -> pd.DataFrame:
    """The published figures (not targets) that belong to ``indicator``'s own series.

    Parameters
    ----------
    published
        The published-figures table (``data_access.queries.published``).
    indicator
        Its ``published_code`` and ``published_basis_prefix`` pick the rows: the two
        digital-economy bases are never mixed.
    year
        Only figures whose period starts in ``year``; None for all.

    Returns
    -------
    DataFrame
        The matching rows, by period end.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> table = pd.DataFrame({"indicator_code": ["digital_economy_share_grdp"] * 2,
    ...     "kind": ["actual", "actual"], "basis": ["ICT ministry method",
    ...     "statistics office method"], "period_start": pd.to_datetime(["2023-01-01"] * 2),
    ...     "period_end": pd.to_datetime(["2023-12-31"] * 2), "value": [21.5, 14.65]})
    >>> ict = published_for_year(table, get_indicator("digital_economy_share_grdp"), 2023)
    >>> ict["value"].tolist()
    [21.5]
    """
    code = indicator.published_code or indicator.code
    rows = published[(published["indicator_code"] == code) & (published["kind"] != "target")]
    if "territory" in rows.columns:
        # A national average published beside the city's figure is a comparison, never the
        # city's own figure.
        rows = rows[~rows["territory"].isin(COMPARISON_TERRITORIES)]
    if indicator.published_basis_prefix:
        rows = rows[rows["basis"].str.startswith(indicator.published_basis_prefix)]
    if year is not None:
        rows = rows[rows["period_start"].dt.year == year]
    return rows.sort_values("period_end")


def rank_for_tile(standing: pd.DataFrame, indicator: Indicator, tile: Tile) -> pd.DataFrame:
    """Rank the units of one indicator against what its tile measures them by.

    Rates are measured against the year-end target; disbursement against the quarterly
    milestone path to the tile's data month (and last month against the path a month
    earlier, so "newly red" is not just the path stepping up).

    Parameters
    ----------
    standing
        :func:`data_access.queries.unit_standing` for the tile's year and data month.
    indicator, tile
        The indicator and its tile (``tile.target_value`` must be set).

    Returns
    -------
    DataFrame
        :func:`metrics.attention.rank_attention`'s output.
    """
    if tile.target_value is None:
        raise ValueError(f"{indicator.code} has no target for {tile.year}: nothing to rank against")
    through = tile.as_of_month.date()
    return rank_attention(
        standing,
        indicator,
        tile.target_value,
        expected_to_date(indicator, tile.year, month_end(through)),
        expected_previous_to_date=expected_to_date(
            indicator, tile.year, through - dt.timedelta(days=1)
        ),
    )
