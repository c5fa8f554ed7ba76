"""Reads of every page find their way on PostgreSQL (issue 12).

At tier M the "as of" filter's lower bound (``queries.first_load_at``: the minimum of
``observations.loaded_at``) was a sequential scan of the whole table, 0.4-1.2 s, and the
latest year with headline data (``queries.latest_data_year``: a maximum over some 2 million
current rows, the online share split by procedure) took 0.5-1.1 s. Here, on a small
warehouse, as each statement is sent (and as a prepared statement's generic plan),
sequential scans disabled so that the plan depends on the indexes there are, not on how
small the table is:

- the first load reads ``load_batches`` and reaches ``observations`` only through an index
  (without an index led by ``loaded_at`` the old minimum can only be a sequential scan);
- the latest year probes the current-row index per indicator and unit (the old maximum
  reads the indicators' rows through it by indicator alone).

Both answer as the statements they replaced, compared along a warehouse's history in
``tests/contract/test_first_load_and_latest_year.py``.

And the planner knows how many procedures there are once the statistics are refreshed
after a load (``writes.refresh_statistics`` analyses ``breakdowns``): a table never
analysed is taken for one row, and at tier M the Online page's procedure table was planned
as a loop over every procedure and unit (5.9 s).

The warehouse, built once for the module: the reference units; the online share of 20 of
them, January to December 2026, as unit totals and split by 20 procedures; the
satisfaction and on-time rates of 150 units, totals only; December re-sent, and the
resubmission undone (its rows withdrawn, the first version's brought back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, func, select

from data_access import queries, writes
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.schema import breakdowns, observations, units
from demo.dimensions import PROCEDURE, breakdown_rows
from metrics.registry import HEADLINE_CODES
from tests.conftest import PostgresDatabases
from tests.postgres.plans import generic_plan, plan_nodes, sent

pytestmark = pytest.mark.postgres

SHARE = "online_dossier_share"
OTHERS = ("satisfaction_rate", "on_time_rate")
LOADED = dt.datetime(2027, 1, 5, 3, 0)
RESENT, UNDONE = dt.datetime(2027, 1, 20, 3, 0), dt.datetime(2027, 1, 21, 3, 0)
MONTHS = [dt.date(2026, month, 1) for month in range(1, 13)]
SHARE_UNITS, OTHER_UNITS, PROCEDURES = 20, 150, 20
CURRENT_INDEX = "ux_observations_current"


def _row(indicator: str, unit: str, month: dt.date, breakdown: str) -> dict[str, object]:
    return {
        "indicator_id": indicator,
        "unit_id": unit,
        "period_year": month.year,
        "period_month": month,
        "breakdown_key": breakdown,
        "value": 80.0,
        "numerator": 80.0,
        "denominator": 100.0,
    }


@pytest.fixture(scope="module")
def warehouse(postgres_databases: PostgresDatabases) -> Iterator[Engine]:
    url = postgres_databases.create("dash_page_reads")
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            writes.insert_units(conn, writes.reference_unit_rows())
            writes.sync_registry(conn)
            every_breakdown = breakdown_rows()
            procedures = every_breakdown[every_breakdown["dimension"] == PROCEDURE]
            procedures = procedures.head(PROCEDURES)
            writes.upsert_breakdowns(conn, procedures)
            chosen = select(units.c.unit_id).where(units.c.unit_type.in_(("ward", "commune")))
            leaves = sorted(conn.execute(chosen).scalars())
            rows = pd.DataFrame(
                [
                    _row(SHARE, unit, month, breakdown)
                    for unit in leaves[:SHARE_UNITS]
                    for month in MONTHS
                    for breakdown in ["", *procedures["breakdown_key"]]
                ]
                + [
                    _row(indicator, unit, month, "")
                    for indicator in OTHERS
                    for unit in leaves[:OTHER_UNITS]
                    for month in MONTHS
                ]
            )
            for at in (LOADED, RESENT):
                loaded = writes.load_observation_batch(
                    conn,
                    rows if at == LOADED else rows[rows["period_month"] == MONTHS[-1]],
                    submission_key="rows" if at == LOADED else "december",
                    source_name="rows.csv",
                    submitted_by="t",
                    loaded_at=at,
                )
            writes.undo_batch(conn, loaded.batch_id, undone_by="t", at=UNDONE)
            writes.refresh_statistics(conn)
        yield engine
    finally:
        engine.dispose()
        postgres_databases.drop(url)


def _plans(conn: Connection, statement: str, parameters: Any) -> dict[str, Any]:
    """The statement's plan as sent, and its generic plan, sequential scans disabled."""
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plans = {
        "as sent": conn.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) " + statement, parameters
        ).scalar_one(),
        "generic": generic_plan(conn, statement, dict(parameters or {})),
    }
    conn.rollback()
    return plans


def _observation_scans(plan: Any) -> list[dict[str, Any]]:
    return [
        node
        for node in plan_nodes(plan[0]["Plan"])
        if node.get("Relation Name") == "observations"
        or node.get("Index Name", "").startswith(("ix_observations", "ux_observations"))
    ]


def test_the_first_load_reads_the_batches(warehouse: Engine) -> None:
    with warehouse.connect() as conn:
        first, statements = sent(conn, queries.first_load_at)
        # The first batch's time; the rows brought back by the undo were loaded later.
        assert first == LOADED
        assert first == conn.execute(select(func.min(observations.c.loaded_at))).scalar_one()
        ((statement, parameters),) = statements
        plans = _plans(conn, statement, parameters)
    for mode, plan in plans.items():
        scans = _observation_scans(plan)
        assert scans, (mode, plan)  # a batch counts only with rows in the table
        assert all("Index Name" in node for node in scans), (mode, scans)
        assert not any(node["Node Type"] == "Seq Scan" for node in scans), (mode, scans)


def test_the_latest_year_is_probed_per_indicator_and_unit(warehouse: Engine) -> None:
    through = MONTHS[-1]
    with warehouse.connect() as conn:
        year, statements = sent(
            conn, lambda c: queries.latest_data_year(c, HEADLINE_CODES, through)
        )
        assert year == 2026
        ((statement, parameters),) = statements
        plans = _plans(conn, statement, parameters)
    for mode, plan in plans.items():
        scans = _observation_scans(plan)
        assert scans, (mode, plan)
        for node in scans:
            assert node.get("Index Name") == CURRENT_INDEX, (mode, node)
            condition = node.get("Index Cond", "")
            assert "unit_id" in condition and "indicator_id" in condition, (mode, node)


def test_the_planner_knows_how_many_procedures_there_are(warehouse: Engine) -> None:
    with warehouse.connect() as conn:
        actual = conn.execute(
            select(func.count()).select_from(breakdowns).where(breakdowns.c.dimension == PROCEDURE)
        ).scalar_one()
        plan = conn.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) SELECT * FROM breakdowns WHERE dimension = %(dimension)s",
            {"dimension": PROCEDURE},
        ).scalar_one()
    estimated = plan[0]["Plan"]["Plan Rows"]
    assert actual > 10  # the demo's procedures (17)
    assert actual / 2 <= estimated <= actual * 2, (estimated, actual)
