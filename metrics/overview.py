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
    "section",
    "indicator_code",
    "unit_id",
    "name_vi",
    "name_en",
    "unit_type",
    "value",
    "benchmark",
    "gap_pp",
    "shortfall",
    "impact_pp",
    "unit_status",
    "is_newly_red",
    "is_small_denominator",
    "is_reported",
    "through_month",
)
"""The attention list's columns (:func:`combine_attention`)."""

SECTION_NOT_REPORTED = "not_reported"
"""Units that have not reported the month shown: first, whatever their figures."""
SECTION_BEHIND = "behind"
"""Units short of their benchmark, largest shortfall first."""
SECTION_LOWEST = "lowest_in_group"
"""Where no unit is short: the lowest unit of each peer group (ward, commune, …)."""
PEER_GROUP_ORDER: tuple[str, ...] = (
    "ward",
    "commune",
    "special_zone",
    "department",
    "investor",
)
"""Peer groups in the order the list names them (others after, by name)."""


ATTENTION_PER_INDICATOR = 5
"""How many units the Overview's attention list shows per indicator, in each section."""


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


def combine_attention(
    rankings: dict[str, pd.DataFrame],
    top: int = 5,
    *,
    lower_is_better: frozenset[str] = frozenset(),
    max_not_reported: int | None = None,
) -> pd.DataFrame:
    """The units that need attention, per indicator, non-reporters first.

    Parameters
    ----------
    rankings
        Per indicator code, in the order the list shows them, the output of
        :func:`metrics.attention.rank_attention`.
    top
        How many units each indicator shows at most, in each section.
    lower_is_better
        Codes of indicators whose lowest value is the best (their "lowest" unit in a peer
        group is the one with the highest value).
    max_not_reported
        At most this many units not reported in all (a slide has little room); None for
        ``top`` per indicator.

    Returns
    -------
    DataFrame
        ``ATTENTION_COLUMNS``. First the units that have not reported the month shown
        (``section == "not_reported"``; at most ``top`` per indicator, those whose last
        figure holds the scope back most first, then the largest denominators); then, per
        indicator, the ``top`` reporting units short of their benchmark with the largest
        impact on the scope's figure (``"behind"``) — or, where every unit is at or beyond
        it, the lowest unit of each peer group (``"lowest_in_group"``, in
        :data:`PEER_GROUP_ORDER`, at most ``top``).

    Notes
    -----
    Each indicator has its own quota: ranking all indicators on one scale let the
    indicator with the largest gaps (disbursement) fill the whole list, and satisfaction
    laggards never showed. A unit that has not reported comes first: its figure is last
    month's, and a department head chases the report before anything else.

    Examples
    --------
    >>> a = pd.DataFrame({"unit_id": ["1", "2"], "name_vi": ["A", "B"],
    ...     "name_en": ["A", "B"], "unit_type": ["ward", "ward"], "value": [40.0, 45.0],
    ...     "benchmark": [50.0, 50.0], "gap_pp": [10.0, 5.0], "shortfall": [10.0, 5.0],
    ...     "impact_pp": [0.5, 0.2], "unit_status": ["off_track", "at_risk"],
    ...     "is_newly_red": [False, False], "is_small_denominator": [False, False],
    ...     "is_reported": [True, False], "denominator": [100.0, 100.0]})
    >>> combine_attention({"x": a})[["section", "unit_id"]].values.tolist()
    [['not_reported', '2'], ['behind', '1']]
    """
    parts: list[pd.DataFrame] = []
    sections: list[pd.DataFrame] = []
    for code, frame in rankings.items():
        if frame.empty:
            continue
        frame = frame.assign(indicator_code=code)
        if "is_reported" not in frame.columns:
            frame = frame.assign(is_reported=True)
        if "through_month" not in frame.columns:
            frame = frame.assign(through_month=None)
        reported = frame["is_reported"].astype("boolean").fillna(False).astype(bool)
        missing = frame[~reported]
        if not missing.empty:
            order = missing.assign(_size=missing.get("denominator", 0.0)).sort_values(
                ["impact_pp", "_size", "name_vi", "unit_id"],
                ascending=[False, False, True, True],
                kind="stable",
            )
            parts.append(order.head(top).drop(columns="_size").assign(section=SECTION_NOT_REPORTED))
        present = frame[reported]
        behind = present[present["gap_pp"].fillna(0) > 0]
        if not behind.empty:
            chosen = behind.sort_values(
                ["impact_pp", "name_vi", "unit_id"], ascending=[False, True, True], kind="stable"
            ).head(top)
            sections.append(chosen.assign(section=SECTION_BEHIND))
            continue
        sections.append(_lowest_in_each_group(present, code in lower_is_better).head(top))
    if parts:
        # Those whose last figure is short of the benchmark first, across indicators.
        every = pd.concat(parts, ignore_index=True).sort_values(
            "impact_pp", ascending=False, kind="stable"
        )
        parts = [every if max_not_reported is None else every.head(max_not_reported)]
    frames = [f for f in parts + sections if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(ATTENTION_COLUMNS))
    combined = pd.concat(frames, ignore_index=True)
    return combined.loc[:, list(ATTENTION_COLUMNS)].reset_index(drop=True)


def _lowest_in_each_group(present: pd.DataFrame, lower_is_better: bool) -> pd.DataFrame:
    """The worst unit of each peer group, when no unit of the scope is short."""
    usable = present[present["value"].notna() & (present["unit_status"] != "not_assessable")]
    if usable.empty:
        return usable.assign(section=SECTION_LOWEST)
    groups = sorted(
        usable["unit_type"].astype(str).unique(),
        key=lambda g: (PEER_GROUP_ORDER.index(g) if g in PEER_GROUP_ORDER else 99, g),
    )
    rows = []
    for group in groups:
        members = usable[usable["unit_type"].astype(str) == group]
        members = members.sort_values(
            ["value", "name_vi", "unit_id"], ascending=[not lower_is_better, True, True]
        )
        rows.append(members.head(1))
    lowest: pd.DataFrame = pd.concat(rows).assign(section=SECTION_LOWEST)
    return lowest


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
    earlier, so "newly off track" is not just the path stepping up). A closed year's
    units have met or missed, never "at risk".

    Parameters
    ----------
    standing
        :func:`data_access.queries.unit_standing` for the tile's year and data month.
    indicator, tile
        The indicator and its tile (``tile.target_value`` must be set).

    Returns
    -------
    DataFrame
        :func:`metrics.attention.rank_attention`'s output, plus ``through_month`` (the
        tile's data month).
    """
    if tile.target_value is None:
        raise ValueError(f"{indicator.code} has no target for {tile.year}: nothing to rank against")
    through = tile.as_of_month.date()
    ranked = rank_attention(
        standing,
        indicator,
        tile.target_value,
        expected_to_date(indicator, tile.year, month_end(through)),
        expected_previous_to_date=expected_to_date(
            indicator, tile.year, through - dt.timedelta(days=1)
        ),
        is_closed=tile.year_result is not None and tile.projection.method == "complete",
    )
    return ranked.assign(through_month=through)
