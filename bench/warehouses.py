"""The benchmark's warehouses: one per tier and engine, built by ``demo.build``.

SQLite files live in ``var/bench/`` (``<tier>.sqlite``); PostgreSQL databases are
``bench_<tier>`` on the server of ``--postgres`` (default ``127.0.0.1:5432``, user
``postgres``), created by the benchmark and only ever dropped by it. The ingest benchmark
gets its own copy of tier S (``ingest.sqlite`` / ``bench_ingest``), since it loads into it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from demo.build import build_demo_warehouse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASE_PREFIX = "bench_"
"""The names of the harness's PostgreSQL databases begin with this (``--db-prefix``); it
drops and replaces only databases so named."""


def database_prefix(value: str) -> str:
    """``--db-prefix``, checked: letters, digits and underscores ending in ``bench_``
    (``bench_``, ``ingest3_bench_``), so that no prefix ("", "te") can make the harness
    drop a database it did not build ("test", a city's warehouse).

    >>> database_prefix("ingest3_bench_")
    'ingest3_bench_'
    >>> database_prefix("te")
    Traceback (most recent call last):
    ...
    ValueError: --db-prefix must be letters, digits and underscores ending in bench_, not 'te'
    """
    if not re.fullmatch(r"[a-z0-9_]*bench_", value):
        raise ValueError(
            f"--db-prefix must be letters, digits and underscores ending in bench_, not {value!r}"
        )
    return value


def sqlite_url(folder: Path, name: str) -> str:
    return f"sqlite:///{folder / f'{name}.sqlite'}"


def postgres_url(server: str, name: str) -> str:
    return f"{server}/{DATABASE_PREFIX}{name.lower()}"


def postgres_available(server: str) -> str | None:
    """Why PostgreSQL cannot be used, or None."""
    engine = create_engine(f"{server}/postgres", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as error:
        return str(error).splitlines()[0]
    finally:
        engine.dispose()


def _admin(admin_url: str, *statements: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def fresh(url: str) -> None:
    """Remove the benchmark's own warehouse at ``url`` (a file in var/bench or a
    ``bench_`` database), so it can be built afresh: on PostgreSQL an empty database of
    that name is there afterwards."""
    drop(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        admin = parsed.set(database="postgres").render_as_string(hide_password=False)
        _admin(admin, f'CREATE DATABASE "{parsed.database}"')


def drop(url: str) -> None:
    """Remove the benchmark's scratch warehouse at ``url`` (a file, or a database named
    with :data:`DATABASE_PREFIX`), if it is there."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(f"{parsed.database}{extra}").unlink(missing_ok=True)
        return
    name = str(parsed.database)
    if not name.startswith(DATABASE_PREFIX):
        raise ValueError(f"refusing to drop {name!r}: not a benchmark database")
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def describe(url: str) -> dict[str, object]:
    """What the warehouse at ``url`` holds: observations, dossier rows, indicators."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT count(*) FROM observations")).scalar_one()
            dossier_rows = conn.execute(
                text("SELECT count(*) FROM observations WHERE breakdown_key LIKE 'procedure:%'")
            ).scalar_one()
            indicators = conn.execute(text("SELECT count(*) FROM indicators")).scalar_one()
    finally:
        engine.dispose()
    return {
        "observations": int(rows),
        "dossier_rows": int(dossier_rows),
        "indicators": int(indicators),
    }


def build(url: str, tier: str, last_month: dt.date) -> dict[str, object]:
    """Build tier ``tier`` afresh at ``url``; what was built and how long it took."""
    fresh(url)
    start = time.perf_counter()
    report = build_demo_warehouse(url, last_month=last_month, size=tier)
    took = time.perf_counter() - start
    return {"build_s": took, "batches": report.batches_loaded, **describe(url)}


def copy_warehouse(source: str, target: str) -> None:
    """A copy of the benchmark warehouse ``source`` at ``target`` (same engine)."""
    parsed, wanted = make_url(source), make_url(target)
    if parsed.get_backend_name() == "sqlite":
        fresh(target)
        engine = create_engine(source)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()
        shutil.copyfile(str(parsed.database), str(wanted.database))
        return
    name = str(wanted.database)
    if not name.startswith(DATABASE_PREFIX):
        raise ValueError(f"refusing to replace {name!r}: not a benchmark database")
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    _admin(
        admin,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"',
    )
