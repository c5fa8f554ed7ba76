"""The figures' SQL (``data_access.queries``), stated for the survivors of the sixth mutation
sample of ``queries`` (seed 20261205, README): a year without a capital plan gives an empty
table of revisions with its columns and their types (``plan_revisions`` 131 and 138); a
ranking lists each peer group best first, ties by unit id (``unit_ranking`` 132).

Each test reads (and may write a few rows into) a private copy of the small SQLite warehouse
(the ``warehouse`` fixture) and states the expected result, worked out by hand in a comment.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from data_access import queries
from tests.unit.october_shares import OCTOBER, SHARE, load_october_shares


def test_a_year_without_a_plan_has_no_revision_but_keeps_its_columns_and_types(
    warehouse: Engine,
) -> None:
    # The copied warehouse holds units and the registry, no capital plan: no row, and the
    # page's columns all there, typed as for a year with plans (dates, whole numbers of
    # investors, plans in billion VND as floats).
    with warehouse.connect() as conn:
        found = queries.plan_revisions(conn, 2026)
    assert found.empty
    assert found.columns.tolist() == [
        "effective_date",
        "n_investors",
        "plan_billion_vnd",
        "source_document",
    ]
    assert pd.api.types.is_datetime64_dtype(found["effective_date"])
    assert (str(found["n_investors"].dtype), str(found["plan_billion_vnd"].dtype)) == (
        "int64",
        "float64",
    )


# --- unit_ranking 132: the rows in rank order --------------------------------------------


def test_a_ranking_lists_each_peer_group_best_first_ties_by_unit_id(warehouse: Engine) -> None:
    # October 2026's online share of four Bình Dương wards, of 100 dossiers each: 25747 30 %,
    # 25750 70 %, 25760 50 %, 25768 70 %. Higher is better: 25750 and 25768 share rank 1
    # (listed by unit id), 25760 is 3rd (two units ahead of it), 25747 4th. By unit id
    # alone the rows would read 25747, 25750, 25760, 25768.
    numerators = {"25747": 30.0, "25750": 70.0, "25760": 50.0, "25768": 70.0}
    load_october_shares(warehouse, numerators)
    with warehouse.connect() as conn:
        found = queries.unit_ranking(conn, SHARE, 2026, OCTOBER)
    assert [(r.unit_id, int(r.peer_rank)) for r in found.itertuples()] == [
        ("25750", 1),
        ("25768", 1),
        ("25760", 3),
        ("25747", 4),
    ]
