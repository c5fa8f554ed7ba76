"""The Unit page's reads find their way on PostgreSQL (migration ``0008_unit_reads``).

At tier L the unit's submissions (``queries.unit_submissions``: every version of one
unit's totals) were read by a sequential scan of 16 M rows, and at tier M the city's
series of the online share (its procedure rows are most of the table) by another
(issue 12). Here, on a small warehouse:

- the submissions' statement, as the page sends it, is planned through
  ``ix_observations_unit_totals``, also as a generic plan (what PostgreSQL may keep for a
  statement prepared after a few runs, planned for any value of its parameters: the
  partial index serves it only because the statement says ``breakdown_key = ''`` in its
  text). Sequential scans are disabled, so that the plan depends on the indexes there
  are, not on how small the table is: without the index the planner takes another index,
  or the disabled sequential scan;
- the planner's estimate of one indicator's unit totals is near their number, though the
  indicator's rows are mostly split by procedure and most unit totals are of other
  indicators (``st_observations_indicator_breakdown``; without it the estimate is the two
  columns' frequencies multiplied: 9 times too many here).

The warehouse, built once for the module: the reference units; the online share of 20 of
them, January to December 2026, as unit totals and split by 20 procedures; the
satisfaction and on-time rates of 150 units, totals only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, select

from data_access import queries, writes
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.schema import units
from demo.dimensions import PROCEDURE, breakdown_rows
from tests.conftest import PostgresDatabases
from tests.contract.test_every_unit_series import _comparable
from tests.postgres.plans import generic_plan, plan_nodes, sent

pytestmark = pytest.mark.postgres

SHARE = "online_dossier_share"
OTHERS = ("satisfaction_rate", "on_time_rate")
LOADED = dt.datetime(2027, 1, 5, 3, 0)
MONTHS = [dt.date(2026, month, 1) for month in range(1, 13)]
SHARE_UNITS, OTHER_UNITS, PROCEDURES = 20, 150, 20
UNIT_INDEX = "ix_observations_unit_totals"


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


def _leaves(conn: Connection) -> list[str]:
    """The wards and communes, in id order."""
    chosen = select(units.c.unit_id).where(units.c.unit_type.in_(("ward", "commune")))
    return sorted(conn.execute(chosen).scalars())


@pytest.fixture(scope="module")
def warehouse(postgres_databases: PostgresDatabases) -> Iterator[Engine]:
    url = postgres_databases.create("dash_unit_reads")
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
            leaves = _leaves(conn)
            rows = [
                _row(SHARE, unit, month, breakdown)
                for unit in leaves[:SHARE_UNITS]
                for month in MONTHS
                for breakdown in ["", *procedures["breakdown_key"]]
            ] + [
                _row(indicator, unit, month, "")
                for indicator in OTHERS
                for unit in leaves[:OTHER_UNITS]
                for month in MONTHS
            ]
            writes.load_observation_batch(
                conn, pd.DataFrame(rows), submission_key="rows", source_name="rows.csv",
                submitted_by="t", loaded_at=LOADED,
            )  # fmt: skip
            writes.refresh_statistics(conn)
        yield engine
    finally:
        engine.dispose()
        postgres_databases.drop(url)


def test_the_units_submissions_are_read_through_the_unit_index(warehouse: Engine) -> None:
    with warehouse.connect() as conn:
        unit = _leaves(conn)[0]  # the online share's and the other rates' unit
        # As the scorecard asks: its indicators, in the year it shows.
        found, statements = sent(
            conn, lambda c: queries.unit_submissions(c, unit, None, (SHARE, *OTHERS), 2026)
        )
        assert len(found) == len(MONTHS) * (1 + len(OTHERS))  # the statement reads the unit
        ((statement, parameters),) = statements
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plans = {
            "as sent": conn.exec_driver_sql(
                "EXPLAIN (FORMAT JSON) " + statement, parameters
            ).scalar_one(),
            "generic": generic_plan(conn, statement, parameters),
        }
        conn.rollback()
    for mode, plan in plans.items():
        scans = [
            node
            for node in plan_nodes(plan[0]["Plan"])
            if node.get("Relation Name") == "observations" or "Index Name" in node
        ]
        by_unit = [
            node
            for node in scans
            if node.get("Index Name") == UNIT_INDEX and "unit_id" in node.get("Index Cond", "")
        ]
        assert by_unit, (mode, scans)
        assert not any(node["Node Type"] == "Seq Scan" for node in scans), (mode, scans)


def test_the_planner_knows_how_few_of_an_indicators_rows_are_unit_totals(
    warehouse: Engine,
) -> None:
    with warehouse.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) SELECT * FROM observations "
            "WHERE indicator_id = %(indicator)s AND breakdown_key = ''",
            {"indicator": SHARE},
        ).scalar_one()
    estimated, actual = plan[0]["Plan"]["Plan Rows"], SHARE_UNITS * len(MONTHS)
    assert actual / 2 <= estimated <= actual * 2, (estimated, actual)


@pytest.mark.parametrize("indicator", [SHARE, *OTHERS])
def test_every_units_series_is_each_units_own_on_postgresql(
    warehouse: Engine, indicator: str
) -> None:
    """``queries.every_unit_series`` (one statement for every unit, issue 12) gives each
    unit the rows ``queries.scope_series`` gives it alone, here where the share is split
    by procedure (its procedure rows must not count) and most units report only the rates."""
    with warehouse.connect() as conn:
        every = queries.every_unit_series(conn, indicator)
        leaves = _leaves(conn)
        expected_units = SHARE_UNITS if indicator == SHARE else OTHER_UNITS
        assert every["unit_id"].nunique() == expected_units
        for unit in [*leaves[:3], leaves[SHARE_UNITS], leaves[-1]]:
            own = queries.scope_series(conn, indicator, queries.UnitFilter(unit_ids=(unit,)))
            mine = every[every["unit_id"] == unit].drop(columns="unit_id")
            pd.testing.assert_frame_equal(
                _comparable(mine.reset_index(drop=True)), _comparable(own), obj=unit
            )
            assert len(own) == (len(MONTHS) if unit in set(every["unit_id"]) else 0)
