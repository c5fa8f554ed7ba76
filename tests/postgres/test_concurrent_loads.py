"""Two processes load overlapping files at the same moment on PostgreSQL: the warehouse ends
in the state of one of the two serial orders, never a mix, never a doubled figure.

The test holds the loader's advisory lock (``data_access.writes.WRITE_LOCK_KEY``) itself
while both ``python -m ingest load`` processes start, waits until both are queued on it,
then lets go: the two transactions are then truly simultaneous, and the lock alone decides
their order (README, "Concurrency").
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from data_access.engine import PROJECT_ROOT
from data_access.writes import WRITE_LOCK_KEY
from tests.ingest.warehouse import WARD_A, WARD_B, current, small_warehouse

pytestmark = pytest.mark.postgres

WARD_C = "25760"
HEADER = "indicator_code,unit_code,period,numerator,denominator\n"
# Both files hold ward B's September: whichever loads second gives its current figure.
FIRST = HEADER + (
    f"online_dossier_share,{WARD_A},2026-09,10,100\nonline_dossier_share,{WARD_B},2026-09,20,100\n"
)
SECOND = HEADER + (
    f"online_dossier_share,{WARD_B},2026-09,30,100\nonline_dossier_share,{WARD_C},2026-09,40,100\n"
)
CURRENT_SEPTEMBER = (
    "SELECT unit_id, numerator FROM observations WHERE indicator_id = 'online_dossier_share' "
    "AND period_month = '2026-09-01' AND superseded_at IS NULL ORDER BY unit_id"
)


def _waiting_on_the_lock(admin: object, database: str) -> int:
    with admin.connect() as conn:  # type: ignore[attr-defined]
        return int(
            conn.execute(
                text(
                    "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = :name"
                ),
                {"name": database},
            ).scalar_one()
        )


@pytest.mark.parametrize("attempt", range(3))
def test_overlapping_loads_end_in_one_serial_order(postgres_url, tmp_path: Path, attempt):
    small_warehouse(postgres_url)
    files = {"first.csv": FIRST, "second.csv": SECOND}
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    env = os.environ | {"DASHBOARD_DB_URL": postgres_url, "PYTHONPATH": str(PROJECT_ROOT)}
    database = postgres_url.rsplit("/", 1)[1]
    holder = create_engine(postgres_url, poolclass=NullPool)
    try:
        with holder.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": WRITE_LOCK_KEY})
            conn.commit()
            processes = [
                subprocess.Popen(
                    [sys.executable, "-m", "ingest", "load", str(tmp_path / name), "--by", name],
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
                for name in files
            ]
            deadline = time.monotonic() + 120
            while _waiting_on_the_lock(holder, database) < 2:
                assert time.monotonic() < deadline, "the two loads never met at the lock"
                assert all(p.poll() is None for p in processes), [
                    p.communicate() for p in processes
                ]
                time.sleep(0.2)
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": WRITE_LOCK_KEY})
            conn.commit()
        outcomes = [p.communicate(timeout=120) for p in processes]
    finally:
        holder.dispose()
    assert [p.returncode for p in processes] == [0, 0], outcomes

    order = [
        name
        for (name,) in current(
            postgres_url,
            "SELECT source_name FROM load_batches WHERE batch_id > 1 ORDER BY batch_id",
        )
    ]
    assert sorted(order) == ["first.csv", "second.csv"]
    # The serial orders' end states, written by hand: the later file gives ward B's figure.
    expected = {
        ("first.csv", "second.csv"): [(WARD_A, 10.0), (WARD_B, 30.0), (WARD_C, 40.0)],
        ("second.csv", "first.csv"): [(WARD_A, 10.0), (WARD_B, 20.0), (WARD_C, 40.0)],
    }[tuple(order)]  # type: ignore[index]
    assert current(postgres_url, CURRENT_SEPTEMBER) == expected
    # Ward B's September: two versions, the earlier one closed by the later batch.
    versions = current(
        postgres_url,
        "SELECT b.source_name, o.superseded_at IS NULL FROM observations o "
        "JOIN load_batches b ON b.batch_id = o.batch_id WHERE o.unit_id = :unit "
        "AND o.period_month = '2026-09-01' ORDER BY o.observation_id",
        unit=WARD_B,
    )
    assert versions == [(order[0], False), (order[1], True)]
    # What each batch says it replaced agrees with that order.
    replaced = current(
        postgres_url,
        "SELECT source_name, rows_replaced FROM load_batches WHERE batch_id > 1 ORDER BY batch_id",
    )
    assert replaced == [(order[0], 0), (order[1], 1)]
