"""The unit ranking's direction (``data_access.queries.unit_ranking``), stated for a survivor
of the fifth mutation sample of ``queries`` (seed 20261204, README): ``unit_ranking`` 111,
every ranking best-first in descending order whatever the indicator's direction.

No indicator of today's registry is lower-is-better, but the registry's ``Indicator`` declares
``direction`` as ``"higher"`` or ``"lower"`` (``metrics.registry.Direction``), and the ranking
reads it through ``get_indicator``. The test registers a lower-is-better copy of the online
share (same code, same rows) in the registry for its duration, writes three wards' figures
into a private copy of the small SQLite warehouse (the ``warehouse`` fixture) and states the
ranks, worked out by hand in a comment.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine

from data_access import queries
from metrics import registry
from tests.unit.october_shares import OCTOBER, SHARE, load_october_shares

A, B, C = "25747", "25750", "25760"  # three Bình Dương wards of the reference file


def _ranks(warehouse: Engine) -> list[tuple[str, int, float]]:
    with warehouse.connect() as conn:
        found = queries.unit_ranking(conn, SHARE, 2026, OCTOBER)
    return [(r.unit_id, int(r.peer_rank), r.value) for r in found.itertuples()]


def test_a_lower_is_better_indicator_ranks_its_lowest_value_first(
    warehouse: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ward A 30 %, B 70 %, C 50 % (of 100 dossiers each), one peer group (wards).
    load_october_shares(warehouse, {A: 30.0, B: 70.0, C: 50.0})
    # As registered (higher is better): B (70) first, then C (50), then A (30).
    assert _ranks(warehouse) == [(B, 1, 70.0), (C, 2, 50.0), (A, 3, 30.0)]
    lower = dataclasses.replace(registry.get_indicator(SHARE), direction="lower")
    monkeypatch.setitem(registry._BY_CODE, SHARE, lower)
    # Lower is better: A (30) first, then C (50), then B (70); rows in rank order.
    assert _ranks(warehouse) == [(A, 1, 30.0), (C, 2, 50.0), (B, 3, 70.0)]
