"""Ingest at scale: a large observation file checked and loaded, against the bulk-load floor.

The file is in the submission layout (``python -m ingest template observations``): rates of
the commune-level units by month (January 2020 to the warehouse's last month), as unit totals
and split by the warehouse's procedures, every key once. ``python -m ingest check`` and
``python -m ingest load`` are timed as a user runs them (a process each, wall clock, the
limits raised to fit the file). Two floors, each the database's own bulk load of the same
rows in one transaction: ``COPY … FROM STDIN (FORMAT csv)`` on PostgreSQL (on SQLite, which
has no COPY, the csv module's rows through ``executemany``)

- into a bare table with the file's columns (no key, no index): the bare floor;
- into the warehouse's own ``observations`` table, with its foreign keys and indexes, the
  rows in its shape (ids, month, value, batch), on a scratch copy of the warehouse, the
  transaction rolled back: the like-for-like floor, the one the promise is judged by, since
  a load must keep every key and index. The rows the file replaces are marked superseded
  first, untimed, so the current-row unique index lets them in: the floor is the insert
  alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data_access.writes import batch_csv
from metrics.clock import add_months

HEADER = (
    "indicator_code",
    "unit_code",
    "period",
    "plan_year",
    "breakdown",
    "numerator",
    "denominator",
    "value",
)
RATES = ("online_dossier_share", "satisfaction_rate", "on_time_rate", "e_result_rate")
FLOOR_TABLE = "bench_bulk_floor"
STAGE_TABLE = "bench_floor_rows"
OBSERVATION_COLUMNS = (
    "indicator_id",
    "unit_id",
    "period_year",
    "period_month",
    "breakdown_key",
    "value",
    "numerator",
    "denominator",
    "batch_id",
    "loaded_at",
)
KEY = ("indicator_id", "unit_id", "period_year", "period_month", "breakdown_key")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def write_observation_file(path: Path, url: str, rows: int, last_month: dt.date) -> int:
    """Write ``rows`` observation rows (at most every key there is) to ``path``; returns
    how many were written."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            units = sorted(
                str(u)
                for u in conn.execute(
                    text(
                        "SELECT unit_id FROM units WHERE unit_type IN "
                        "('ward', 'commune', 'special_zone')"
                    )
                ).scalars()
            )
            keys = sorted(
                str(k)
                for k in conn.execute(
                    text("SELECT breakdown_key FROM breakdowns WHERE dimension = 'procedure'")
                ).scalars()
            )
    finally:
        engine.dispose()
    # Months from January 2020, or earlier when the keys of those months are fewer than
    # ``rows`` (a 1M-row file needs 1 Jan 2019 on the demo's units and procedures).
    per_month = len(RATES) * (len(keys) + 1) * len(units)
    needed = -(-rows // per_month) if per_month else 0
    month = min(dt.date(2020, 1, 1), add_months(last_month, 1 - needed))
    months = []
    while month <= last_month:
        months.append(f"{month:%Y-%m}")
        month = add_months(month, 1)
    # Every (indicator, breakdown, unit, month) in that order, cut at ``rows``.
    shape = (len(RATES), len(keys) + 1, len(units), len(months))
    total = min(rows, int(np.prod(shape)))
    index = np.unravel_index(np.arange(total), shape)
    rng = np.random.default_rng(12)
    denominator = rng.integers(50, 5000, total)
    numerator = (denominator * rng.uniform(0.3, 1.0, total)).astype(np.int64)
    frame = pd.DataFrame(
        {
            "indicator_code": np.array(RATES)[index[0]],
            "unit_code": np.array(units)[index[2]],
            "period": np.array(months)[index[3]],
            "plan_year": "",
            "breakdown": np.array(["", *keys])[index[1]],
            "numerator": numerator,
            "denominator": denominator,
            "value": "",
        }
    )
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return total


def _cli(command: str, url: str, path: Path, rows: int) -> tuple[float, int, str]:
    mb = int(path.stat().st_size / (1024 * 1024)) + 10
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ingest",
            command,
            str(path),
            "--max-mb",
            str(mb),
            "--max-rows",
            str(rows + 10),
            "--by",
            "benchmark",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DASHBOARD_DB_URL": url},
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - start
    return took, done.returncode, (done.stdout + done.stderr).strip()[-400:]


def _floor_postgres(url: str, path: Path) -> float:
    import psycopg
    from psycopg import sql

    table = sql.Identifier(FLOOR_TABLE)
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        conn.execute(
            sql.SQL(
                "CREATE TABLE {} (indicator_code text, unit_code text, period text, "
                "plan_year integer, breakdown text, numerator double precision, "
                "denominator double precision, value double precision)"
            ).format(table)
        )
        conn.commit()
        start = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy(
                sql.SQL("COPY {} FROM STDIN (FORMAT csv, HEADER true)").format(table)
            ) as copy,
            path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        took = time.perf_counter() - start
        conn.execute(sql.SQL("DROP TABLE {}").format(table))
        conn.commit()
    return took


def observation_rows(path: Path, batch_id: int) -> pd.DataFrame:
    """The file's rows as ``observations`` rows (untimed preparation of the same-table
    floor): the ids as given, the month's first day, the rate ``100 × numerator ÷
    denominator`` where the file leaves the value empty, ``batch_id`` an existing batch."""
    frame = pd.read_csv(path, dtype={"breakdown": str, "unit_code": str})
    month = pd.to_datetime(frame["period"] + "-01")
    numerator = frame["numerator"].astype(float)
    denominator = frame["denominator"].astype(float)
    value = frame["value"].astype(float).fillna(100.0 * numerator / denominator)
    return pd.DataFrame(
        {
            "indicator_id": frame["indicator_code"].astype(str),
            "unit_id": frame["unit_code"],
            "period_year": month.dt.year,
            "period_month": month.dt.strftime("%Y-%m-%d"),
            "breakdown_key": frame["breakdown"].fillna(""),
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "batch_id": batch_id,
            "loaded_at": "2026-11-29 00:00:00",
        }
    )


def _floor_postgres_same_table(url: str, path: Path) -> float:
    """COPY of the file's rows, in ``observations``' shape, into ``observations`` itself
    (foreign keys, indexes), in one transaction that is rolled back; returns the COPY's
    time. Rows of the warehouse with a key of the file are marked superseded first, in the
    same transaction and untimed."""
    import psycopg
    from psycopg import sql

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    columns = sql.SQL(", ").join(map(sql.Identifier, OBSERVATION_COLUMNS))
    with psycopg.connect(plain) as conn:
        conn.execute("SET LOCAL statement_timeout = 0")
        batch_id = conn.execute("SELECT max(batch_id) FROM load_batches").fetchone()
        assert batch_id and batch_id[0] is not None, "the warehouse has no batch"
        rows = observation_rows(path, int(batch_id[0]))
        # The loader's own CSV writer: text quoted, so a unit's total ('') is not NULL.
        body = batch_csv(rows)
        conn.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {} ON COMMIT DROP AS "
                "SELECT {} FROM observations WITH NO DATA"
            ).format(sql.Identifier(STAGE_TABLE), columns)
        )
        with (
            conn.cursor() as cursor,
            cursor.copy(
                sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, HEADER true)").format(
                    sql.Identifier(STAGE_TABLE), columns
                )
            ) as copy,
        ):
            copy.write(body)
        conn.execute(
            sql.SQL(
                "UPDATE observations o SET superseded_at = now() FROM {} s "
                "WHERE o.superseded_at IS NULL AND {}"
            ).format(
                sql.Identifier(STAGE_TABLE),
                sql.SQL(" AND ").join(
                    sql.SQL("o.{0} = s.{0}").format(sql.Identifier(k)) for k in KEY
                ),
            )
        )
        start = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy(
                sql.SQL("COPY observations ({}) FROM STDIN (FORMAT csv, HEADER true)").format(
                    columns
                )
            ) as copy,
        ):
            step = 1 << 20
            for begin in range(0, len(body), step):
                copy.write(body[begin : begin + step])
        took = time.perf_counter() - start
        conn.rollback()
    return took


def _floor_sqlite_same_table(url: str, path: Path) -> float:
    """As :func:`_floor_postgres_same_table` on SQLite: ``executemany`` of the rows into
    ``observations`` (foreign keys on), rolled back."""
    import sqlite3

    database = make_url(url).database
    assert database
    conn = sqlite3.connect(database)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        batch_id = conn.execute("SELECT max(batch_id) FROM load_batches").fetchone()[0]
        rows = observation_rows(path, int(batch_id))
        records = list(rows.astype(object).itertuples(index=False, name=None))
        conn.execute("BEGIN")
        conn.executemany(
            "UPDATE observations SET superseded_at = '2026-11-29 00:00:00' "
            "WHERE superseded_at IS NULL AND indicator_id = ? AND unit_id = ? "
            "AND period_year = ? AND period_month = ? AND breakdown_key = ?",
            [r[:5] for r in records],
        )
        start = time.perf_counter()
        conn.executemany(
            f"INSERT INTO observations ({', '.join(OBSERVATION_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(OBSERVATION_COLUMNS))})",
            records,
        )
        took = time.perf_counter() - start
        conn.rollback()
    finally:
        conn.close()
    return took


def _floor_sqlite(url: str, path: Path) -> float:
    import sqlite3

    database = make_url(url).database
    assert database
    conn = sqlite3.connect(database)
    try:
        # sqlite3 has no identifier quoting: the statements name the fixed table literally.
        conn.execute("DROP TABLE IF EXISTS bench_bulk_floor")
        conn.execute(
            "CREATE TABLE bench_bulk_floor (indicator_code TEXT, unit_code TEXT, period TEXT, "
            "plan_year INTEGER, breakdown TEXT, numerator REAL, denominator REAL, value REAL)"
        )
        conn.commit()
        start = time.perf_counter()
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            conn.executemany("INSERT INTO bench_bulk_floor VALUES (?, ?, ?, ?, ?, ?, ?, ?)", reader)
        conn.commit()
        took = time.perf_counter() - start
        conn.execute("DROP TABLE bench_bulk_floor")
        conn.commit()
    finally:
        conn.close()
    return took


def measure(
    url: str,
    path: Path,
    rows: int,
    rounds: int,
    scratch: Callable[[], str] | None = None,
) -> dict[str, object]:
    """Check (``rounds`` times, interleaved with both floors), then load once.

    ``scratch`` gives a fresh copy of the warehouse for each same-table floor (so the
    load's warehouse never holds the floor's rolled-back rows); without it the floor runs
    on ``url`` itself, rolled back."""
    postgres = make_url(url).get_backend_name() == "postgresql"
    floor_of = _floor_postgres if postgres else _floor_sqlite
    same_table_of = _floor_postgres_same_table if postgres else _floor_sqlite_same_table
    checks: list[float] = []
    floors: list[float] = []
    same_table: list[float] = []
    outcome: dict[str, object] = {}
    for _ in range(rounds):
        took, code, said = _cli("check", url, path, rows)
        if code != 0:
            raise RuntimeError(f"ingest check refused the benchmark file: {said}")
        checks.append(took)
        floors.append(floor_of(url, path))
        same_table.append(same_table_of(scratch() if scratch else url, path))
    took, code, said = _cli("load", url, path, rows)
    if code != 0:
        raise RuntimeError(f"ingest load refused the benchmark file: {said}")
    outcome["load_output_tail"] = said[-200:]
    floor = statistics.median(floors)
    same = statistics.median(same_table)
    return {
        "rows": rows,
        "file_mib": path.stat().st_size / (1024 * 1024),
        "floor_kind": "COPY (FORMAT csv)" if postgres else "csv + executemany",
        "check_s": checks,
        "check_median_s": statistics.median(checks),
        "load_s": took,
        "floor_s": floors,
        "floor_median_s": floor,
        "load_ratio_to_floor": took / floor,
        "same_table_floor_kind": (
            "COPY into observations" if postgres else "executemany into observations"
        ),
        "same_table_floor_s": same_table,
        "same_table_floor_median_s": same,
        "load_ratio_to_same_table_floor": took / same,
        **outcome,
    }
