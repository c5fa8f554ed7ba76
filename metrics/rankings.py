"""Rankings of units within their peer groups, with a status against the benchmark and a
flag on figures that rest on few cases — what the indicator pages' tables and maps show.

The status bands and the small-denominator rule are the attention list's
(:mod:`metrics.attention`), so a unit has the same status on every page.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from metrics.attention import rank_attention
from metrics.reference import LEAF_UNIT_TYPES
from metrics.registry import Indicator

PEER_GROUPS: tuple[str, ...] = LEAF_UNIT_TYPES
"""Peer groups, in the order pages show them: wards, communes, the special zone,
departments, project boards."""


def ranking_table(
    ranking: pd.DataFrame,
    indicator: Indicator,
    benchmark: float | None,
) -> pd.DataFrame:
    """Each unit's place in its peer group, its status against ``benchmark`` and its flags.

    Parameters
    ----------
    ranking
        :func:`data_access.queries.unit_ranking`.
    indicator
        Direction and small-denominator rule.
    benchmark
        The target (or, for disbursement, the milestone path to date); None when the year
        has none — every status is then "not assessable".

    Returns
    -------
    DataFrame
        The ranking's columns plus ``benchmark``, ``gap_pp`` (points short, 0 at or past
        it), ``unit_status``, ``is_small_denominator`` and ``share_of_total`` (the unit's
        denominator in % of all units'), ordered by peer group then rank.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> frame = pd.DataFrame({"unit_id": ["a", "b"], "name_vi": ["A", "B"],
    ...     "unit_type": ["ward", "ward"], "denominator": [100.0, 10.0],
    ...     "value": [60.0, 40.0], "peer_rank": [1, 2]})
    >>> table = ranking_table(frame, get_indicator("online_dossier_share"), 50.0)
    >>> table[["unit_id", "unit_status", "is_small_denominator"]].values.tolist()
    [['a', 'on_track', False], ['b', 'off_track', True]]
    """
    if ranking.empty:
        return ranking.assign(
            benchmark=pd.Series(dtype="float64"),
            gap_pp=pd.Series(dtype="float64"),
            unit_status=pd.Series(dtype=object),
            is_small_denominator=pd.Series(dtype=bool),
            share_of_total=pd.Series(dtype="float64"),
        )
    if benchmark is None or not math.isfinite(benchmark):
        ranked = rank_attention(ranking.assign(value=np.nan), indicator, 0.0).assign(
            value=lambda f: f["unit_id"].map(ranking.set_index("unit_id")["value"]),
            benchmark=np.nan,
        )
    else:
        ranked = rank_attention(ranking, indicator, benchmark)
    total = float(ranking["denominator"].sum())
    ranked = ranked.assign(
        share_of_total=100.0 * ranked["denominator"] / total if total > 0 else np.nan
    ).drop(columns=["weight", "impact_pp", "previous_status", "is_newly_red", "rank"])
    order = {group: i for i, group in enumerate(PEER_GROUPS)}
    return (
        ranked.assign(_group=ranked["unit_type"].map(order).fillna(len(order)))
        .sort_values(["_group", "peer_rank", "name_vi"], na_position="last", kind="stable")
        .drop(columns="_group")
        .reset_index(drop=True)
    )


def radius_metres(volume: pd.Series, smallest: float = 500.0, largest: float = 2500.0) -> pd.Series:
    """A point's radius on the map: its area grows with the volume (square root), between
    ``smallest`` and ``largest`` metres.

    Examples
    --------
    >>> radius_metres(pd.Series([0.0, 25.0, 100.0])).round().tolist()
    [500.0, 1500.0, 2500.0]
    """
    values = volume.astype("float64").fillna(0.0).clip(lower=0.0)
    top = float(values.max()) if len(values) else 0.0
    if top <= 0:
        return pd.Series(smallest, index=volume.index)
    return pd.Series(smallest + (largest - smallest) * np.sqrt(values / top), index=volume.index)
