"""A large load on PostgreSQL is not cut off by the pages' 30-second statement timeout: its
transaction gets ``data_access.writes.LOAD_STATEMENT_TIMEOUT``, and only that transaction."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import text

from data_access.engine import STATEMENT_TIMEOUT_MS, make_engine
from data_access.writes import STAGE_THRESHOLD, load_observation_batch
from tests.ingest.warehouse import small_warehouse

pytestmark = pytest.mark.postgres


def _timeout(conn) -> str:  # type: ignore[no-untyped-def]
    return str(conn.execute(text("SELECT current_setting('statement_timeout')")).scalar_one())


def test_a_staged_load_lifts_the_statement_timeout_for_its_transaction_only(postgres_url):
    small_warehouse(postgres_url)
    months = [dt.date(2000 + i // 12, i % 12 + 1, 1) for i in range(STAGE_THRESHOLD + 1)]
    rows = pd.DataFrame(
        {
            "indicator_id": "dossiers_received",
            "unit_id": "25747",
            "period_year": [m.year for m in months],
            "period_month": months,
            "value": 1.0,
            "numerator": None,
            "denominator": None,
        }
    )
    engine = make_engine(postgres_url)
    try:
        with engine.begin() as conn:
            assert _timeout(conn) == f"{STATEMENT_TIMEOUT_MS // 1000}s"
            load_observation_batch(
                conn, rows, submission_key="big", source_name="big.csv", submitted_by="test"
            )
            assert _timeout(conn) == "30min"
        with engine.connect() as conn:
            assert _timeout(conn) == "30s"
            loaded = conn.execute(
                text(
                    "SELECT COUNT(*) FROM observations WHERE indicator_id = 'dossiers_received' "
                    "AND unit_id = '25747' AND superseded_at IS NULL"
                )
            ).scalar_one()
            assert loaded >= STAGE_THRESHOLD + 1
    finally:
        engine.dispose()
