"""Targets set by decision and loaded into the warehouse, merged with the registry's.

The registry (:mod:`metrics.registry`) holds the targets that were published; a city
decision can set others (2026 targets for the online share or satisfaction, which no
published source gives) or replace one. Those are loaded from files with their document
number and kept, versioned, in the warehouse. This module is the one rule for combining
the two: pure, no I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Hashable, Mapping

import pandas as pd

from metrics.registry import Comparator, Indicator, Target

LOADED_TARGET_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "target_year",
    "due_date",
    "comparator",
    "target_value",
    "is_year_end",
    "source_document",
    "source_url",
    "label_vi",
    "label_en",
    "batch_id",
)
"""The columns :func:`with_loaded_targets` reads (``data_access.queries.loaded_targets``)."""


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _target(row: Mapping[Hashable, object]) -> Target:
    due = row["due_date"]
    due_date = due.date() if isinstance(due, dt.datetime) else due
    assert isinstance(due_date, dt.date)
    comparator: Comparator = ">=" if row["comparator"] == ">=" else "<="
    document = _text(row["source_document"])
    return Target(
        year=int(str(row["target_year"])),
        value=float(str(row["target_value"])),
        comparator=comparator,
        due_date=due_date,
        source_vi=document,
        source_en=document,
        source_url=_text(row["source_url"]),
        is_year_end=bool(row["is_year_end"]),
        label_vi=_text(row["label_vi"]),
        label_en=_text(row["label_en"]) or _text(row["label_vi"]),
        batch_id=int(str(row["batch_id"])),
    )


def with_loaded_targets(indicator: Indicator, loaded: pd.DataFrame) -> Indicator:
    """``indicator`` with the warehouse's loaded targets merged into its own.

    Parameters
    ----------
    indicator
        The registry entry.
    loaded
        The current loaded targets (:data:`LOADED_TARGET_COLUMNS`), of any indicators;
        only ``indicator``'s rows are used.

    Returns
    -------
    Indicator
        A copy whose ``targets`` are the registry's, except that a loaded target for the
        same year and due date replaces the registry's, plus every other loaded target;
        ordered by due date. The input is returned unchanged when nothing was loaded
        for it.

    Notes
    -----
    A loaded target names its document (``source_vi``/``source_en``) and its batch
    (``batch_id``). Everything that reads targets (status, pace, projection probability,
    milestones, year results, the info drawer) then follows the loaded target.

    Examples
    --------
    >>> from metrics.registry import get_indicator
    >>> online = get_indicator("online_dossier_share")
    >>> loaded = pd.DataFrame([{"indicator_id": "online_dossier_share", "target_year": 2026,
    ...     "due_date": dt.date(2026, 12, 31), "comparator": ">=", "target_value": 60.0,
    ...     "is_year_end": True, "source_document": "Quyết định 1/QĐ-UBND",
    ...     "source_url": None, "label_vi": None, "label_en": None, "batch_id": 7}])
    >>> merged = with_loaded_targets(online, loaded)
    >>> [(t.year, t.value, t.batch_id) for t in merged.targets]
    [(2025, 50.0, None), (2026, 60.0, 7)]
    >>> merged.year_end_target(2026).target.source_vi
    'Quyết định 1/QĐ-UBND'
    """
    mine = loaded[loaded["indicator_id"] == indicator.code]
    if mine.empty:
        return indicator
    added = [_target(row) for row in mine.to_dict("records")]
    taken = {(t.year, t.due_date) for t in added}
    kept = [t for t in indicator.targets if (t.year, t.due_date) not in taken]
    merged = sorted([*kept, *added], key=lambda t: (t.due_date, t.year))
    return dataclasses.replace(indicator, targets=tuple(merged))
