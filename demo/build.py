"""Build the demo warehouse: migrations, units, registry, published figures, demo batches.

``build_demo_warehouse(url)`` is what ``python -m demo`` and the test fixtures call. The
schema is brought up to date first; then everything else lands in one transaction, so a
failed build leaves the warehouse as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, inspect, select, text

from data_access import audit
from data_access.audit import Actor, actor_name
from data_access.engine import describe_url, make_engine
from data_access.migrate import upgrade
from data_access.schema import (
    breakdowns,
    capital_plans,
    indicators,
    load_batches,
    observations,
    units,
)
from data_access.writes import (
    LOAD_STATEMENT_TIMEOUT,
    OBSERVATION_COLUMNS,
    TOTAL_BREAKDOWN,
    batch_csv,
    insert_units,
    load_capital_plan_batch,
    load_observation_batch,
    lock_writes,
    reference_unit_rows,
    refresh_statistics,
    replace_published_figures,
    sync_registry,
    upsert_breakdowns,
)
from demo.calibration import FIRST_MONTH
from demo.dimensions import breakdown_rows
from demo.generator import SIZES, SOURCE_NAME, SUBMITTED_BY, DemoData, generate_demo
from demo.tiers import TierBulk, tier_bulk
from metrics.clock import city_today, last_complete_month, to_warehouse_time, utc_now
from metrics.reference import COMMUNE_LEVEL_TYPES

BUILD_ACTION = "build_demo_warehouse"
"""The audit-log action of a build; its ``occurred_at`` is the build time."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did."""

    url: str
    """The warehouse, with any password hidden."""
    last_month: dt.date
    seed: int
    size: str
    units_inserted: int
    batches_loaded: int
    observations_current: int
    observations_superseded: int
    built_at: dt.datetime
    """Naive UTC; no batch is loaded after it."""
    elapsed_seconds: float

    def summary(self) -> str:
        """One line for the command line."""
        return (
            f"demo warehouse built at {self.url}: {self.observations_current:,} observations "
            f"(+{self.observations_superseded} superseded) in {self.batches_loaded} batches, "
            f"January 2020 to {self.last_month:%B %Y}, seed {self.seed}, size {self.size}, "
            f"in {self.elapsed_seconds:.1f} s"
        )


def default_last_month(now: dt.datetime | None = None) -> dt.date:
    """The last complete month in Asia/Ho_Chi_Minh (first day), at ``now`` (naive UTC;
    default: the clock)."""
    return last_complete_month(city_today(now))


def validate_options(last_month: dt.date, seed: int, size: str, now: dt.datetime) -> None:
    """Raise ``ValueError`` saying how to fix a bad option."""
    if size not in SIZES:
        raise ValueError(f"size {size!r} is not implemented; use one of: {', '.join(SIZES)}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    if last_month.day != 1:
        raise ValueError(f"last_month must be the first day of a month; got {last_month}")
    latest = default_last_month(now)
    if not FIRST_MONTH <= last_month <= latest:
        raise ValueError(
            f"last month {last_month:%Y-%m} is outside {FIRST_MONTH:%Y-%m}..{latest:%Y-%m}; "
            "the demo covers complete months from January 2020"
        )


def count_observations(url: str) -> int:
    """Observations (every version) in the warehouse at ``url``; 0 without the table."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(observations.name):
                return 0
            return int(conn.execute(select(func.count()).select_from(observations)).scalar_one())
    finally:
        engine.dispose()


def build_demo_warehouse(
    url: str,
    *,
    last_month: dt.date | None = None,
    seed: int = 20251,
    size: str = "S",
    replace: bool = False,
    bulk_path: Literal["copy", "loader"] = "copy",
) -> BuildReport:
    """Build the demo warehouse at ``url``.

    Parameters
    ----------
    url
        A SQLAlchemy URL (SQLite or PostgreSQL).
    last_month
        First day of the last month generated; default the last complete month in
        Asia/Ho_Chi_Minh.
    seed
        Seed of the generator; the same seed gives the same observations.
    size
        ``"S"``: the demo. Larger tiers belong to the benchmark.
    replace
        Remove the demo batches, their observations and the demo's own units from a
        warehouse that holds only demo data, and build afresh. Without it a warehouse with
        observations is refused; with it, a warehouse holding any batch that is not demo
        data is refused too, and nothing in it is changed.

    Returns
    -------
    BuildReport

    Raises
    ------
    ValueError
        For a bad option, a warehouse that already has observations and no ``replace``,
        or a warehouse with data that is not demo data.
    """
    started = time.perf_counter()
    built_at = utc_now()
    last_month = last_month or default_last_month(built_at)
    validate_options(last_month, seed, size, built_at)
    reference = reference_unit_rows()
    demo = generate_demo(reference, last_month=last_month, seed=seed, size=size, now=built_at)
    bulk = _tier_bulk(demo, reference, size, last_month=last_month, seed=seed, now=built_at)

    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            existing = conn.execute(select(func.count()).select_from(observations)).scalar_one()
            if existing and not replace:
                raise ValueError(
                    f"the warehouse at {describe_url(url)} already has {existing:,} observations; "
                    "pass replace=True (python -m demo --replace) to rebuild it, or "
                    "--if-missing to keep it"
                )
            if replace:
                _refuse_real_data(conn, url)
                _remove_demo(conn, built_at)
            present = set(conn.execute(select(units.c.unit_id)).scalars())
            new_units = pd.concat([reference, demo.units], ignore_index=True)
            inserted = insert_units(conn, new_units[~new_units["unit_id"].isin(present)])
            sync_registry(conn)
            replace_published_figures(conn)
            upsert_breakdowns(conn, breakdown_rows())
            for batch in demo.batches:
                load = (
                    load_capital_plan_batch
                    if batch.kind == "capital_plans"
                    else load_observation_batch
                )
                load(
                    conn,
                    batch.frame,
                    submission_key=batch.submission_key,
                    source_name=SOURCE_NAME,
                    submitted_by=SUBMITTED_BY,
                    is_demo=True,
                    note=batch.note,
                    loaded_at=batch.loaded_at,
                )
            if bulk.batches:
                conn.execute(
                    insert(indicators),
                    [{str(k): v for k, v in r.items()} for r in bulk.indicators.to_dict("records")],
                )
                upsert_breakdowns(conn, bulk.breakdowns)
            copied = bulk_path == "copy" and conn.dialect.name == "postgresql"
            load_bulk = append_bulk_batch if copied else load_observation_batch
            with observation_checks_deferred(conn, bool(copied and bulk.batches)):
                for key, loaded_at, frame in bulk.batches:
                    load_bulk(
                        conn,
                        frame,
                        submission_key=key,
                        source_name=SOURCE_NAME,
                        submitted_by=SUBMITTED_BY,
                        is_demo=True,
                        note=f"load-test bulk of tier {size}",
                        loaded_at=loaded_at,
                    )
            refresh_statistics(conn)
            current, superseded = conn.execute(
                select(
                    func.count().filter(observations.c.superseded_at.is_(None)),
                    func.count().filter(observations.c.superseded_at.is_not(None)),
                )
            ).one()
            audit.record(
                conn,
                actor=SUBMITTED_BY,
                action=BUILD_ACTION,
                object_type="warehouse",
                object_id=None,
                detail={
                    "last_month": last_month.isoformat(),
                    "seed": seed,
                    "size": size,
                    "batches": len(demo.batches) + len(bulk.batches),
                    "observations": current,
                },
                occurred_at=built_at,
            )
    finally:
        engine.dispose()
    return BuildReport(
        url=describe_url(url),
        last_month=last_month,
        seed=seed,
        size=size,
        units_inserted=inserted,
        batches_loaded=len(demo.batches) + len(bulk.batches),
        observations_current=int(current),
        observations_superseded=int(superseded),
        built_at=built_at,
        elapsed_seconds=time.perf_counter() - started,
    )


BULK_MAINTENANCE_WORK_MEM = "512MB"
"""``maintenance_work_mem`` while the bulk's indexes are built again (the server's default,
64 MB, sorts a tier L index of 28 million rows on disk in many passes)."""


@contextmanager
def observation_checks_deferred(conn: Connection, defer: bool = True) -> Iterator[None]:
    """Inside: ``observations`` without its secondary indexes and foreign keys (PostgreSQL,
    within the build's transaction); on leaving, each is created again from its own
    definition as the catalogue gave it (``pg_get_indexdef``, ``pg_get_constraintdef``).

    For the synthetic bulk of a benchmark tier only, COPYed by :func:`append_bulk_batch`.
    Row by row, every bulk row went into four B-tree indexes several times the size of
    the server's buffers and through four foreign-key triggers: at tier L (28 million
    rows) about 60 µs of server CPU a row. Sorting each index once after the bulk and
    checking each foreign key in one join costs a fraction of that. Nothing is checked
    less: a bulk row that clashes with a current row fails the current-row unique index
    when it is built again (``UniqueViolation`` on ``ux_observations_current``), a row
    naming an unknown unit, indicator or batch fails its foreign key, and either rolls
    the whole build back, DDL included. The primary key stays (its index grows at its
    end). Other sessions wait for the build's transaction anyway (``lock_writes``; the
    dropped indexes take the table's exclusive lock until the commit). With ``defer``
    false, or on another engine, nothing changes.
    """
    if not defer or conn.dialect.name != "postgresql":
        yield
        return
    table = conn.dialect.identifier_preparer.format_table(observations)
    foreign_keys = conn.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f' ORDER BY conname"
        ),
        {"t": table},
    ).all()
    indexes = conn.execute(
        text(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = CAST(:t AS regclass) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
            "ORDER BY c.relname"
        ),
        {"t": table},
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for name, _ in foreign_keys:
        conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}"))
    for name, _ in indexes:
        conn.execute(text(f"DROP INDEX {quote(name)}"))
    yield
    # Each statement reads every row of the table: no page's 30-second limit, nor the
    # loader's half hour, applies to a build's index (for this transaction only).
    conn.execute(
        text(
            "SELECT set_config('maintenance_work_mem', :m, true), "
            "set_config('statement_timeout', '0', true)"
        ),
        {"m": BULK_MAINTENANCE_WORK_MEM},
    )
    for _, definition in indexes:
        conn.execute(text(definition))
    for name, definition in foreign_keys:
        conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"))


def append_bulk_batch(
    conn: Connection,
    frame: pd.DataFrame,
    *,
    submission_key: str,
    source_name: str,
    submitted_by: Actor,
    is_demo: bool,
    note: str | None,
    loaded_at: dt.datetime,
) -> None:
    """Load one batch of a benchmark tier's synthetic bulk on PostgreSQL: what
    ``load_observation_batch`` leaves for a batch that replaces nothing, written directly.

    The same ``load_batches`` row (checksum of the same CSV text, ``rows_replaced`` 0),
    the same rows with the batch's id and time, and the same audit entry. The rows are
    COPYed straight into ``observations``, without the loader's staging table and its scan
    of every current row for ones to supersede. That is sound only for rows whose keys no
    current row holds: the bulk's own indicators and procedures, created by the same build.
    Should one clash after all, the current-row unique index (``ux_observations_current``)
    refuses the COPY and the whole build rolls back; nothing is superseded silently. Only
    for :func:`build_demo_warehouse`'s bulk: a real submission goes through the loader.
    """
    from psycopg import sql

    if "breakdown_key" not in frame.columns:
        frame = frame.assign(breakdown_key=TOTAL_BREAKDOWN)
    frame = frame.assign(
        period_month=pd.to_datetime(frame["period_month"]).dt.date,
        breakdown_key=frame["breakdown_key"].fillna(TOTAL_BREAKDOWN),
    )
    lock_writes(conn)
    conn.execute(
        text("SELECT set_config('statement_timeout', :limit, true)"),
        {"limit": LOAD_STATEMENT_TIMEOUT},
    )
    at = to_warehouse_time(loaded_at)
    rows = frame[list(OBSERVATION_COLUMNS)]
    text_rows = batch_csv(rows)
    checksum = hashlib.sha256(text_rows, usedforsecurity=False).hexdigest()
    batch_id = conn.execute(
        insert(load_batches)
        .values(
            submission_key=submission_key,
            batch_kind="observations",
            source_name=source_name,
            submitted_by=actor_name(submitted_by),
            loaded_at=at,
            row_count=len(rows),
            rows_replaced=0,
            status="loaded",
            checksum_sha256=checksum,
            is_demo=is_demo,
            note=note,
            check_id=None,
        )
        .returning(load_batches.c.batch_id)
    ).scalar_one()
    # The time as PostgreSQL's own text (microseconds kept), read into the column's type.
    with_batch = rows.assign(batch_id=int(batch_id), loaded_at=at.isoformat(sep=" "))
    copy_statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, HEADER true)").format(
        sql.Identifier(observations.name),
        sql.SQL(", ").join(map(sql.Identifier, with_batch.columns)),
    )
    raw = conn.connection.driver_connection
    assert raw is not None
    data = batch_csv(with_batch)
    with raw.cursor() as cursor, cursor.copy(copy_statement) as copy:
        step = 8 << 20
        for start in range(0, len(data), step):
            copy.write(data[start : start + step])
    audit.record(
        conn,
        actor=submitted_by,
        action="load_batch",
        object_type="load_batch",
        object_id=str(batch_id),
        detail={
            "submission_key": submission_key,
            "kind": "observations",
            "source_name": source_name,
            "rows": len(rows),
            "replaced": 0,
            "checksum_sha256": checksum,
            "check_id": None,
        },
        occurred_at=at,
    )


def _tier_bulk(
    demo: DemoData,
    reference: pd.DataFrame,
    size: str,
    *,
    last_month: dt.date,
    seed: int,
    now: dt.datetime,
) -> TierBulk:
    """The synthetic bulk a benchmark tier adds to the demo (nothing for S)."""
    if size == "S":
        return tier_bulk(size, reference, reference, last_month=last_month, seed=seed, now=now)
    communes = (
        reference[reference["unit_type"].isin(COMMUNE_LEVEL_TYPES)]
        .sort_values("unit_id")
        .reset_index(drop=True)
    )
    current = demo.current_observations()
    online = current[
        (current["indicator_id"] == "online_dossier_share")
        & (current["breakdown_key"] == "")
        & current["unit_id"].isin(communes["unit_id"])
    ]
    return tier_bulk(size, communes, online, last_month=last_month, seed=seed, now=now)


def _refuse_real_data(conn: Connection, url: str) -> None:
    """Raise ``ValueError`` when the warehouse holds any batch that is not demo data.

    The demo is never built over real submissions: its batches would supersede them.
    """
    real = conn.execute(
        select(func.count(), func.min(load_batches.c.submission_key)).where(
            load_batches.c.is_demo.is_(False)
        )
    ).one()
    if real[0]:
        raise ValueError(
            f"the warehouse at {describe_url(url)} holds {real[0]:,} batch(es) that are not "
            f"demo data (e.g. {real[1]!r}); --replace rebuilds only a warehouse of demo data, "
            "so nothing was changed. Build the demo into another warehouse "
            "(--url sqlite:///var/demo.sqlite)"
        )


def _remove_demo(conn: Connection, at: dt.datetime) -> None:
    """Remove the demo batches, their observations, and the demo's own units and breakdowns
    that no other observation refers to. Batches that are not demo data, their rows, the
    reference units and the audit log stay."""
    demo_batches = select(load_batches.c.batch_id).where(load_batches.c.is_demo.is_(True))
    conn.execute(delete(capital_plans).where(capital_plans.c.batch_id.in_(demo_batches)))
    removed = conn.execute(
        delete(observations).where(observations.c.batch_id.in_(demo_batches))
    ).rowcount
    batches = conn.execute(delete(load_batches).where(load_batches.c.is_demo.is_(True))).rowcount
    conn.execute(
        delete(units).where(
            units.c.is_demo.is_(True),
            units.c.unit_id.not_in(select(observations.c.unit_id).distinct()),
        )
    )
    conn.execute(
        delete(breakdowns).where(
            breakdowns.c.is_demo.is_(True),
            breakdowns.c.breakdown_key.not_in(select(observations.c.breakdown_key).distinct()),
        )
    )
    audit.record(
        conn,
        actor=SUBMITTED_BY,
        action="remove_demo_data",
        object_type="warehouse",
        object_id=None,
        detail={"observations": removed, "batches": batches},
        occurred_at=at,
    )
