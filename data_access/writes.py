"""Writes to the warehouse: reference data, the registry, and observation batches.

Every write runs inside the caller's transaction (``with engine.begin() as conn``), so a
batch either lands whole or not at all. Observations are never updated in place: a new
version supersedes the old one (``superseded_at``), so any past state can be rebuilt.
A row of ``observations`` is written with its batch's ``loaded_at`` (a load) or with the
``undone_at`` of the batch whose undo brings it back; ``queries.first_load_at`` reads the
earliest of them from ``load_batches`` on that account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    Index,
    MetaData,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from data_access import audit
from data_access.audit import Actor, actor_name
from data_access.engine import PROJECT_ROOT
from data_access.schema import (
    breakdowns,
    capital_plans,
    indicators,
    load_batches,
    observations,
    published_figures,
    targets,
    units,
)
from metrics.clock import to_warehouse_time, utc_now
from metrics.reference import FORMER_PROVINCES
from metrics.registry import INDICATORS

REFERENCE_DIR = PROJECT_ROOT / "reference_data"
UNITS_FILE = REFERENCE_DIR / "hcmc_units_2025.csv"
PUBLISHED_FILE = REFERENCE_DIR / "hcmc_published_indicators.csv"
CITY_UNIT_ID = "city"

TOTAL_BREAKDOWN = ""
"""The ``breakdown_key`` of a unit's total (rows that are not a part of a breakdown)."""
OBSERVATION_KEY = ("indicator_id", "unit_id", "period_year", "period_month", "breakdown_key")
OBSERVATION_COLUMNS = (*OBSERVATION_KEY, "value", "numerator", "denominator")
"""The columns of a batch frame (``load_observation_batch``)."""
CAPITAL_PLAN_KEY = ("unit_id", "plan_year", "effective_date")
CAPITAL_PLAN_COLUMNS = (*CAPITAL_PLAN_KEY, "plan_billion_vnd", "source_document")
"""The columns of a capital-plan batch frame (``load_capital_plan_batch``)."""
TARGET_KEY = ("indicator_id", "unit_id", "target_year", "due_date")
TARGET_COLUMNS = (
    *TARGET_KEY,
    "comparator",
    "target_value",
    "is_year_end",
    "source_document",
    "source_url",
    "label_vi",
    "label_en",
)
"""The columns of a target batch frame (``load_target_batch``)."""

WRITE_LOCK_KEY = 7_310_001
"""PostgreSQL advisory lock taken (for the transaction) by every batch load and undo.

Loads and undos run one at a time: two loads whose rows overlap would otherwise both see
the same current row, and the second would fail on the one-current-row index (or, with
different keys, each supersede what the other had not yet written). With the lock, any
overlap of two transactions ends as one of the serial orders: the second waits at
``pg_advisory_xact_lock`` until the first commits or rolls back, then reads its result
(READ COMMITTED reads afresh at each statement). SQLite serialises writers itself (one
writer at a time; ``busy_timeout`` 30 s)."""
STAGE_THRESHOLD = 5_000
LOAD_STATEMENT_TIMEOUT = "30min"
"""PostgreSQL's statement timeout inside a large load's transaction. The warehouse's
connections cap every statement at ``data_access.engine.STATEMENT_TIMEOUT_MS`` (30 s, for
pages); moving a million staged rows into ``observations`` can take longer than that on a
busy server, and a load cancelled there is lost whole. Set for the transaction only."""
"""Batches of more rows go through a temporary staging table (COPY on PostgreSQL) and are
superseded and inserted set-wise; smaller ones row by row (the demo's 830 batches)."""


def read_reference_units(path: Path = UNITS_FILE) -> pd.DataFrame:
    """The 168 commune-level units of the reference file, as ``units`` rows."""
    raw = pd.read_csv(path, dtype={"code": str})
    vietnamese_type = {"ward": "Phường", "commune": "Xã", "special_zone": "Đặc khu"}
    english_type = {"ward": "Ward", "commune": "Commune", "special_zone": "Special Zone"}
    pairs = list(zip(raw["unit_type"], raw["name_vi"], strict=True))
    return pd.DataFrame(
        {
            "unit_id": raw["code"],
            "unit_code": raw["code"],
            "name_vi": [f"{vietnamese_type[t]} {n}" for t, n in pairs],
            "name_en": [f"{n} {english_type[t]}" for t, n in pairs],
            "unit_type": raw["unit_type"],
            "parent_unit_id": raw["former_province"],
            "former_province": raw["former_province"],
            "slug": raw["slug"],
            "latitude": raw["lat"],
            "longitude": raw["lon"],
            "coord_source": raw["coord_source"],
            "is_demo": False,
        }
    )


def reference_unit_rows() -> pd.DataFrame:
    """The city, the three former provinces and the 168 units, ready for ``units``."""
    top = [
        {
            "unit_id": CITY_UNIT_ID,
            "unit_code": "79",
            "name_vi": "Thành phố Hồ Chí Minh",
            "name_en": "Ho Chi Minh City",
            "unit_type": "city",
            "parent_unit_id": None,
            "former_province": None,
            "slug": "tp-ho-chi-minh",
            "is_demo": False,
        }
    ] + [
        {
            "unit_id": code,
            "unit_code": None,
            "name_vi": name_vi,
            "name_en": name_en,
            "unit_type": "former_province",
            "parent_unit_id": CITY_UNIT_ID,
            "former_province": code,
            "slug": "former-" + code.replace("_", "-"),
            "is_demo": False,
        }
        for code, (name_vi, name_en) in FORMER_PROVINCES.items()
    ]
    return pd.concat([pd.DataFrame(top), read_reference_units()], ignore_index=True)


def insert_units(conn: Connection, frame: pd.DataFrame) -> int:
    """Insert unit rows (parents before children). Returns the number inserted."""
    records = _records(frame)
    if records:
        conn.execute(insert(units), records)
    return len(records)


BREAKDOWN_COLUMNS = (
    "breakdown_key",
    "dimension",
    "code",
    "name_vi",
    "name_en",
    "sort_order",
    "attributes_json",
    "is_demo",
)


def upsert_breakdowns(conn: Connection, frame: pd.DataFrame) -> int:
    """Insert the breakdowns (procedures, sectors) that are new and update the others.

    ``frame`` has :data:`BREAKDOWN_COLUMNS`; ``breakdown_key`` is ``<dimension>:<code>``.
    Returns the number of rows written.
    """
    records = _records(frame[list(BREAKDOWN_COLUMNS)])
    existing = set(conn.execute(select(breakdowns.c.breakdown_key)).scalars())
    new = [r for r in records if r["breakdown_key"] not in existing]
    if new:
        conn.execute(insert(breakdowns), new)
    for record in (r for r in records if r["breakdown_key"] in existing):
        key = record["breakdown_key"]
        values = {k: v for k, v in record.items() if k != "breakdown_key"}
        conn.execute(update(breakdowns).where(breakdowns.c.breakdown_key == key).values(values))
    return len(records)


def sync_registry(conn: Connection) -> None:
    """Make the ``indicators`` table and the registry's city ``targets`` match the registry.

    Targets loaded from files (``batch_id`` set) are the warehouse's own: they are never
    touched here, and take precedence over the registry's on read
    (:func:`data_access.queries.loaded_targets`).
    """
    conn.execute(delete(targets).where(targets.c.batch_id.is_(None)))
    conn.execute(
        delete(indicators).where(indicators.c.indicator_id.not_in([i.code for i in INDICATORS]))
    )
    existing = set(conn.execute(select(indicators.c.indicator_id)).scalars())
    for indicator in INDICATORS:
        row = {
            "name_vi": indicator.name_vi,
            "name_en": indicator.name_en,
            "unit": indicator.unit,
            "direction": indicator.direction,
            "frequency": str(indicator.frequency),
            "time_rollup": str(indicator.time_rollup) if indicator.time_rollup else None,
            "is_rate": indicator.is_rate,
            "is_headline": indicator.is_headline,
        }
        if indicator.code in existing:
            conn.execute(
                update(indicators).where(indicators.c.indicator_id == indicator.code).values(**row)
            )
        else:
            conn.execute(insert(indicators).values(indicator_id=indicator.code, **row))
    target_rows = [
        {
            "indicator_id": indicator.code,
            "unit_id": CITY_UNIT_ID,
            "target_year": target.year,
            "due_date": target.due_date,
            "comparator": target.comparator,
            "target_value": target.value,
            "is_year_end": target.is_year_end,
            "source_document": target.source_vi,
            "source_url": target.source_url,
            "label_vi": target.label_vi or None,
            "label_en": target.label_en or None,
        }
        for indicator in INDICATORS
        for target in indicator.targets
    ]
    if target_rows:
        conn.execute(insert(targets), target_rows)


def read_published_figures(path: Path = PUBLISHED_FILE) -> pd.DataFrame:
    """The published reference file, typed, with the warehouse's column names."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "indicator_code": raw["indicator"],
            "period_kind": raw["period_kind"],
            "period_start": pd.to_datetime(raw["period_start"]).dt.date,
            "period_end": pd.to_datetime(raw["period_end"]).dt.date,
            "value": pd.to_numeric(raw["value"]),
            "qualifier": raw["qualifier"],
            "unit": raw["unit"],
            "territory": raw["territory"],
            "basis": raw["basis"],
            "kind": raw["kind"],
            "plan_billion_vnd": pd.to_numeric(raw["plan_billion_vnd"].replace("", None)),
            "source_url": raw["source_url"],
            "published_on": raw["published_on"],
            "note": raw["note"].replace("", None),
        }
    )


def replace_published_figures(conn: Connection, frame: pd.DataFrame | None = None) -> int:
    """Replace the ``published_figures`` table with the reference file's rows."""
    frame = read_published_figures() if frame is None else frame
    conn.execute(delete(published_figures))
    records = _records(frame)
    conn.execute(insert(published_figures), records)
    return len(records)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch load did."""

    batch_id: int
    rows_loaded: int
    rows_replaced: int
    loaded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class _Versioned:
    """A versioned table: its key (one current row per key) and the columns a batch sets."""

    table: Table
    key: tuple[str, ...]
    columns: tuple[str, ...]
    kind: str
    prefilter: tuple[str, str]
    """Two key columns to count possible clashes by before the row-by-row supersede."""
    owned: tuple[str, ...] = ()
    """Columns that must not be null for a row to be versioned by batches (the registry's
    targets have no batch and are left alone)."""

    def owned_condition(self) -> list[ColumnElement[bool]]:
        return [self.table.c[name].is_not(None) for name in self.owned]


_OBSERVATIONS = _Versioned(
    observations,
    OBSERVATION_KEY,
    OBSERVATION_COLUMNS,
    "observations",
    ("indicator_id", "period_month"),
)
_CAPITAL_PLANS = _Versioned(
    capital_plans, CAPITAL_PLAN_KEY, CAPITAL_PLAN_COLUMNS, "capital_plans", ("unit_id", "plan_year")
)
_TARGETS = _Versioned(
    targets,
    TARGET_KEY,
    TARGET_COLUMNS,
    "targets",
    ("indicator_id", "target_year"),
    owned=("batch_id",),
)
VERSIONED_BY_KIND = {v.kind: v for v in (_OBSERVATIONS, _CAPITAL_PLANS, _TARGETS)}
"""The versioned tables by ``load_batches.batch_kind``."""


def load_observation_batch(
    conn: Connection,
    frame: pd.DataFrame,
    *,
    submission_key: str,
    source_name: str,
    submitted_by: Actor,
    is_demo: bool = False,
    note: str | None = None,
    loaded_at: dt.datetime | None = None,
    check_id: int | None = None,
) -> BatchResult:
    """Load one submission of observations as a new batch, replacing its earlier version.

    Parameters
    ----------
    conn
        A connection inside a transaction; the load lands whole or not at all.
    frame
        One row per indicator × unit × period (× breakdown): ``indicator_id``,
        ``unit_id``, ``period_year``, ``period_month`` (a date, first of the month),
        ``value``, ``numerator``, ``denominator`` and optionally ``breakdown_key`` (''
        or missing for the unit's total). Validated by the caller.
    submission_key
        What the batch submits (e.g. ``"online_dossier_share|26734|2026-10"``). Rows of
        an earlier batch with the same key, and any current row with the same
        observation key, are superseded: a re-sent submission replaces, never doubles.
    loaded_at
        When the batch is loaded (default: now). A zoned time is converted to UTC, which
        the warehouse stores without a zone; a naive one is taken as UTC already.

    Returns
    -------
    BatchResult

    Notes
    -----
    Earlier versions stay in the table with ``superseded_at`` set, so a page can show
    the figures as they stood at any past time.
    """
    if "breakdown_key" not in frame.columns:
        frame = frame.assign(breakdown_key=TOTAL_BREAKDOWN)
    frame = frame.assign(
        period_month=pd.to_datetime(frame["period_month"]).dt.date,
        breakdown_key=frame["breakdown_key"].fillna(TOTAL_BREAKDOWN),
    )
    return _load_versioned(
        conn,
        _OBSERVATIONS,
        frame,
        submission_key=submission_key,
        source_name=source_name,
        submitted_by=submitted_by,
        is_demo=is_demo,
        note=note,
        loaded_at=loaded_at,
        check_id=check_id,
    )


def load_capital_plan_batch(
    conn: Connection,
    frame: pd.DataFrame,
    *,
    submission_key: str,
    source_name: str,
    submitted_by: Actor,
    is_demo: bool = False,
    note: str | None = None,
    loaded_at: dt.datetime | None = None,
    check_id: int | None = None,
) -> BatchResult:
    """Load investors' capital plans (approved plans and their revisions) as a new batch.

    Parameters
    ----------
    conn
        A connection inside a transaction.
    frame
        One row per investor × plan year × effective date: ``unit_id``, ``plan_year``,
        ``effective_date`` (the day the plan or revision takes effect),
        ``plan_billion_vnd`` and ``source_document`` (the decision that sets it).
        Validated by the caller.
    submission_key
        As for :func:`load_observation_batch`: a re-sent submission replaces its earlier
        version, and a current plan row with the same key is superseded.

    Returns
    -------
    BatchResult

    Notes
    -----
    The plan in force for a month-end figure is, per investor, the row with the latest
    ``effective_date`` on or before that month's last day (see
    ``data_access.queries.scope_series``).
    """
    frame = frame.assign(effective_date=pd.to_datetime(frame["effective_date"]).dt.date)
    return _load_versioned(
        conn,
        _CAPITAL_PLANS,
        frame,
        submission_key=submission_key,
        source_name=source_name,
        submitted_by=submitted_by,
        is_demo=is_demo,
        note=note,
        loaded_at=loaded_at,
        check_id=check_id,
    )


def load_target_batch(
    conn: Connection,
    frame: pd.DataFrame,
    *,
    submission_key: str,
    source_name: str,
    submitted_by: Actor,
    note: str | None = None,
    loaded_at: dt.datetime | None = None,
    check_id: int | None = None,
) -> BatchResult:
    """Load targets set by decision (for the city) as a new batch.

    Parameters
    ----------
    conn
        A connection inside a transaction.
    frame
        One row per indicator × year × due date: :data:`TARGET_COLUMNS` (``unit_id`` is
        the city; ``source_document`` the decision or document that sets the target).
        Validated by the caller.
    submission_key
        As for :func:`load_observation_batch`.

    Returns
    -------
    BatchResult

    Notes
    -----
    Loaded targets are versioned like observations and never touched by
    :func:`sync_registry`; on read, a loaded target replaces the registry's target of the
    same indicator, year and due date (:func:`metrics.loaded_targets.with_loaded_targets`).
    """
    frame = frame.assign(due_date=pd.to_datetime(frame["due_date"]).dt.date)
    return _load_versioned(
        conn,
        _TARGETS,
        frame,
        submission_key=submission_key,
        source_name=source_name,
        submitted_by=submitted_by,
        is_demo=False,
        note=note,
        loaded_at=loaded_at,
        check_id=check_id,
    )


def lock_writes(conn: Connection) -> None:
    """Take the warehouse's write lock for this transaction (see :data:`WRITE_LOCK_KEY`)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


def _load_versioned(
    conn: Connection,
    target: _Versioned,
    frame: pd.DataFrame,
    *,
    submission_key: str,
    source_name: str,
    submitted_by: Actor,
    is_demo: bool,
    note: str | None,
    loaded_at: dt.datetime | None,
    check_id: int | None = None,
) -> BatchResult:
    if frame.empty:
        raise ValueError(
            f"submission {submission_key!r} has no rows; an empty file would erase the "
            "earlier version of this submission, so nothing was loaded (use undo to withdraw "
            "a submission)"
        )
    lock_writes(conn)
    loaded_at = to_warehouse_time(loaded_at) if loaded_at is not None else utc_now()
    rows = frame[list(target.columns)]
    text_rows = batch_csv(rows)
    checksum = hashlib.sha256(text_rows, usedforsecurity=False).hexdigest()
    batch_id = conn.execute(
        insert(load_batches)
        .values(
            submission_key=submission_key,
            batch_kind=target.kind,
            source_name=source_name,
            submitted_by=actor_name(submitted_by),
            loaded_at=loaded_at,
            row_count=len(rows),
            rows_replaced=0,
            status="loaded",
            checksum_sha256=checksum,
            is_demo=is_demo,
            note=note,
            check_id=check_id,
        )
        .returning(load_batches.c.batch_id)
    ).scalar_one()
    if len(rows) > STAGE_THRESHOLD:
        replaced = _load_staged(conn, target, rows, submission_key, batch_id, loaded_at, text_rows)
    else:
        replaced = _supersede(conn, target, rows, submission_key, batch_id, loaded_at)
        conn.execute(
            insert(target.table), _records(rows.assign(batch_id=batch_id, loaded_at=loaded_at))
        )
    conn.execute(
        update(load_batches)
        .where(load_batches.c.batch_id == batch_id)
        .values(rows_replaced=replaced)
    )
    audit.record(
        conn,
        actor=submitted_by,
        # A target file's load changes targets: its own action, for the admin's filter.
        action="load_targets" if target.kind == "targets" else "load_batch",
        object_type="load_batch",
        object_id=str(batch_id),
        detail={
            "submission_key": submission_key,
            "kind": target.kind,
            "source_name": source_name,
            "rows": len(rows),
            "replaced": replaced,
            "checksum_sha256": checksum,
            "check_id": check_id,
        },
        occurred_at=loaded_at,
    )
    return BatchResult(int(batch_id), len(rows), replaced, loaded_at)


def _earlier_batches(submission_key: str, batch_id: int) -> ColumnElement[bool]:
    return load_batches.c.batch_id.in_(
        select(load_batches.c.batch_id).where(
            load_batches.c.submission_key == submission_key,
            load_batches.c.batch_id != batch_id,
            load_batches.c.status == "loaded",
        )
    )


def _supersede(
    conn: Connection,
    target: _Versioned,
    frame: pd.DataFrame,
    submission_key: str,
    batch_id: int,
    at: dt.datetime,
) -> int:
    """Mark as superseded the rows the new batch replaces; returns how many."""
    table = target.table
    replaced = conn.execute(
        update(table)
        .where(
            table.c.superseded_at.is_(None),
            table.c.batch_id.in_(
                select(load_batches.c.batch_id).where(_earlier_batches(submission_key, batch_id))
            ),
        )
        .values(superseded_at=at, superseded_by_batch_id=batch_id)
    ).rowcount
    # A quick count before the row-by-row update: a new month's submission usually
    # clashes with nothing. The values are plain Python (``tolist``): a numpy integer (a
    # plan or target year) is bound by SQLite as bytes, equal to no stored year, and the
    # count would miss every clash.
    first, second = target.prefilter
    clash_count = conn.execute(
        select(func.count())
        .select_from(table)
        .where(
            table.c.superseded_at.is_(None),
            *target.owned_condition(),
            table.c[first].in_(sorted(set(frame[first].tolist()))),
            table.c[second].in_(sorted(set(frame[second].tolist()))),
        )
    ).scalar_one()
    if clash_count:
        statement = (
            update(table)
            .where(
                and_(
                    table.c.superseded_at.is_(None),
                    *target.owned_condition(),
                    *(table.c[c] == bindparam(f"key_{c}") for c in target.key),
                )
            )
            .values(superseded_at=at, superseded_by_batch_id=batch_id)
        )
        keys = [
            {f"key_{c}": row[c] for c in target.key} for row in _records(frame[list(target.key)])
        ]
        result = conn.execute(statement, keys)
        replaced += max(result.rowcount, 0)
    return replaced


_STAGE_NAME = "ingest_stage"


def _stage_table(target: _Versioned) -> Table:
    """A temporary table shaped like ``target``'s batch columns (dropped at commit on
    PostgreSQL, by :func:`_load_staged` on SQLite)."""
    columns = [Column(c.name, c.type) for c in target.table.columns if c.name in target.columns]
    table = Table(
        _STAGE_NAME,
        MetaData(),
        *columns,
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    Index(f"ix_{_STAGE_NAME}_key", *(table.c[name] for name in target.key))
    return table


def _load_staged(
    conn: Connection,
    target: _Versioned,
    rows: pd.DataFrame,
    submission_key: str,
    batch_id: int,
    at: dt.datetime,
    text_rows: bytes,
) -> int:
    """Supersede and insert a large batch set-wise, through a staging table.

    The same result as the row-by-row path (a test loads one frame both ways): rows of
    earlier batches with the same submission key, and current rows with a key of the
    batch, are superseded; then every staged row is inserted with the batch's id.
    """
    table = target.table
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT set_config('statement_timeout', :limit, true)"),
            {"limit": LOAD_STATEMENT_TIMEOUT},
        )
    stage = _stage_table(target)
    stage.drop(conn, checkfirst=True)
    stage.create(conn)
    _fill_stage(conn, stage, rows[list(target.columns)], text_rows)
    replaced = conn.execute(
        update(table)
        .where(
            table.c.superseded_at.is_(None),
            table.c.batch_id.in_(
                select(load_batches.c.batch_id).where(_earlier_batches(submission_key, batch_id))
            ),
        )
        .values(superseded_at=at, superseded_by_batch_id=batch_id)
    ).rowcount
    identity = table.primary_key.columns.values()[0]
    current = table.alias("current_rows")
    clashing = (
        select(current.c[identity.name])
        .select_from(
            stage.join(
                current,
                and_(
                    current.c.superseded_at.is_(None),
                    *(current.c[name].is_not(None) for name in target.owned),
                    *(current.c[name] == stage.c[name] for name in target.key),
                ),
            )
        )
        .scalar_subquery()
    )
    result = conn.execute(
        update(table)
        .where(identity.in_(clashing))
        .values(superseded_at=at, superseded_by_batch_id=batch_id)
    )
    replaced += max(result.rowcount, 0)
    names = list(target.columns)
    conn.execute(
        insert(table).from_select(
            [*names, "batch_id", "loaded_at"],
            select(
                *(stage.c[name] for name in names),
                literal(batch_id, table.c.batch_id.type),
                literal(at, table.c.loaded_at.type),
            ),
        )
    )
    stage.drop(conn, checkfirst=True)
    return int(replaced)


def batch_csv(rows: pd.DataFrame) -> bytes:
    """A batch's rows as CSV (UTF-8, a header line, ``\\n`` line ends), in one pass of
    pyarrow's writer: the text its checksum is taken of, and what COPY reads on PostgreSQL.

    Text is always quoted and a missing value is an empty unquoted field, so a unit's total
    (``breakdown_key`` '') and NULL stay apart, as PostgreSQL's CSV format reads them;
    floats are written in their shortest exact form, so they read back bit for bit.

    Examples
    --------
    >>> frame = pd.DataFrame({"unit_id": ["25747"], "breakdown_key": [""],
    ...     "value": [float("nan")], "numerator": [12.5]})
    >>> batch_csv(frame).decode()
    '"unit_id","breakdown_key","value","numerator"\\n"25747","",,12.5\\n'
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    table = pa.Table.from_pandas(rows, preserve_index=False)
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=True))
    return bytes(sink.getvalue())


def _fill_stage(conn: Connection, stage: Table, rows: pd.DataFrame, text_rows: bytes) -> None:
    """Put ``rows`` into the staging table: COPY of ``text_rows`` (:func:`batch_csv` of
    ``rows``) on PostgreSQL, executemany elsewhere."""
    if conn.dialect.name == "postgresql":
        from psycopg import sql

        copy_statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, HEADER true)").format(
            sql.Identifier(stage.name), sql.SQL(", ").join(map(sql.Identifier, rows.columns))
        )
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(copy_statement) as copy:
            step = 8 << 20
            for start in range(0, len(text_rows), step):
                copy.write(text_rows[start : start + step])
        return
    # Elsewhere (SQLite): the driver's executemany with plain tuples, each column passed
    # through its type's bind processor once (as SQLAlchemy would), without building a
    # parameter dict per row: about 4 times faster on large files.
    statement = insert(stage).compile(dialect=conn.dialect)
    names = [column.name for column in stage.columns]
    plain: list[list[object]] = []
    for name in names:
        values = _plain_column(rows[name])
        processor = stage.c[name].type.bind_processor(conn.dialect)
        if processor is not None:
            values = [None if v is None else processor(v) for v in values]
        plain.append(values)
    chunk = 100_000
    for start in range(0, len(rows), chunk):
        part = [column[start : start + chunk] for column in plain]
        conn.exec_driver_sql(str(statement), list(zip(*part, strict=True)))


@dataclass(frozen=True, slots=True)
class UndoResult:
    """What undoing a batch did."""

    batch_id: int
    kind: str
    rows_withdrawn: int
    rows_restored: int
    undone_at: dt.datetime


@dataclass(frozen=True, slots=True)
class LaterBatch:
    """A batch that has since replaced rows of the batch to undo."""

    batch_id: int
    source_name: str
    submitted_by: str
    loaded_at: dt.datetime
    rows: int


class UndoRefusedError(ValueError):
    """A batch that cannot be undone, and why (``reason``: ``not_found``,
    ``already_undone`` or ``replaced_later``; ``later``: the batches that replaced its
    rows since, newest last)."""

    def __init__(
        self,
        batch_id: int,
        reason: str,
        later: tuple[LaterBatch, ...] = (),
        undone_at: object = None,
    ) -> None:
        self.batch_id = batch_id
        self.reason = reason
        self.later = later
        self.undone_at = undone_at
        if reason == "not_found":
            message = f"there is no batch {batch_id}"
        elif reason == "already_undone":
            message = f"batch {batch_id} was already undone (at {undone_at})"
        else:
            named = ", ".join(f"{b.batch_id} ({b.source_name})" for b in later)
            message = (
                f"rows of batch {batch_id} have since been replaced by batch(es) {named}; "
                "undo those first (newest first), then this one"
            )
        super().__init__(message)


def undo_batch(
    conn: Connection, batch_id: int, *, undone_by: Actor, at: dt.datetime | None = None
) -> UndoResult:
    """Undo a batch: its rows stop being current, and the rows it replaced are current again.

    Nothing is deleted or changed in place: the batch's current rows get ``superseded_at``
    (with no superseding batch), and each row the batch had replaced is inserted again as
    a new version (same values, its own batch, ``loaded_at`` = the undo), so the figures
    as they stood at any earlier time are unchanged. The batch is marked ``undone`` with
    who and when, and the undo goes into the audit log.

    Parameters
    ----------
    conn
        A connection inside a transaction.
    batch_id
        The batch to undo (observations, capital plans or targets).
    undone_by
        Who undoes it.
    at
        When (default: now).

    Returns
    -------
    UndoResult

    Raises
    ------
    UndoRefusedError
        When there is no such batch, it was already undone, or a later batch (not itself
        undone) has replaced some of its rows, or holds the key of a row it would bring
        back: undoing it would then either resurrect figures that a later submission
        corrected, or clash with them. The later batches are named; undo them first.
    """
    lock_writes(conn)
    at = to_warehouse_time(at) if at is not None else utc_now()
    batch = conn.execute(
        select(load_batches.c.batch_kind, load_batches.c.status, load_batches.c.undone_at).where(
            load_batches.c.batch_id == batch_id
        )
    ).first()
    if batch is None:
        raise UndoRefusedError(batch_id, "not_found")
    if batch.status == "undone":
        raise UndoRefusedError(batch_id, "already_undone", undone_at=batch.undone_at)
    target = VERSIONED_BY_KIND[batch.batch_kind]
    table = target.table
    later = _later_batches(conn, target, batch_id)
    if later:
        raise UndoRefusedError(batch_id, "replaced_later", later)
    withdrawn = conn.execute(
        update(table)
        .where(table.c.batch_id == batch_id, table.c.superseded_at.is_(None))
        .values(superseded_at=at)
    ).rowcount
    names = list(target.columns)
    restored = conn.execute(
        select(func.count()).select_from(table).where(table.c.superseded_by_batch_id == batch_id)
    ).scalar_one()
    conn.execute(
        insert(table).from_select(
            [*names, "batch_id", "loaded_at"],
            select(
                *(table.c[name] for name in names),
                table.c.batch_id,
                literal(at, table.c.loaded_at.type),
            ).where(table.c.superseded_by_batch_id == batch_id),
        )
    )
    conn.execute(
        update(load_batches)
        .where(load_batches.c.batch_id == batch_id)
        .values(status="undone", undone_at=at, undone_by=actor_name(undone_by))
    )
    audit.record(
        conn,
        actor=undone_by,
        action="undo_targets" if target.kind == "targets" else "undo_batch",
        object_type="load_batch",
        object_id=str(batch_id),
        detail={"kind": target.kind, "withdrawn": withdrawn, "restored": restored},
        occurred_at=at,
    )
    return UndoResult(batch_id, target.kind, int(withdrawn), int(restored), at)


def _later_batches(conn: Connection, target: _Versioned, batch_id: int) -> tuple[LaterBatch, ...]:
    """Batches still loaded that replaced rows of ``batch_id``, or that hold the current row
    of a key a row replaced by ``batch_id`` would come back to."""
    table = target.table
    replacing = (
        select(table.c.superseded_by_batch_id.label("batch_id"))
        .where(
            table.c.batch_id == batch_id,
            table.c.superseded_by_batch_id.is_not(None),
            table.c.superseded_by_batch_id != batch_id,
        )
        .distinct()
    )
    replaced = table.alias("replaced")
    current = table.alias("current_rows")
    holding = (
        select(current.c.batch_id)
        .select_from(
            replaced.join(
                current,
                and_(
                    current.c.superseded_at.is_(None),
                    *(current.c[name].is_not(None) for name in target.owned),
                    current.c.batch_id != batch_id,
                    *(current.c[name] == replaced.c[name] for name in target.key),
                ),
            )
        )
        .where(replaced.c.superseded_by_batch_id == batch_id)
        .distinct()
    )
    candidates = replacing.union(holding).subquery()
    rows = conn.execute(
        select(
            load_batches.c.batch_id,
            load_batches.c.source_name,
            load_batches.c.submitted_by,
            load_batches.c.loaded_at,
            load_batches.c.row_count,
        )
        .where(
            load_batches.c.batch_id.in_(select(candidates.c.batch_id)),
            load_batches.c.status == "loaded",
        )
        .order_by(load_batches.c.loaded_at, load_batches.c.batch_id)
    ).all()
    return tuple(
        LaterBatch(int(r.batch_id), r.source_name, r.submitted_by, r.loaded_at, int(r.row_count))
        for r in rows
    )


def refresh_statistics(conn: Connection) -> None:
    """Refresh the planner's statistics after a large load (PostgreSQL's ``ANALYZE``).

    Right after a bulk load PostgreSQL knows nothing of the new rows' distribution and
    may plan the disbursement query's joins as nested loops (seconds instead of
    milliseconds); SQLite plans without statistics. Safe inside a transaction.

    ``breakdowns`` too: the procedures and sectors are joined to the rows split by them,
    and a table never analysed (a server without autovacuum, or before it came by) is
    taken for one row. At tier M the Online page's procedure table was then planned as a
    nested loop over 216 procedures × 191 units of index probes: 5.9 s (load 9).
    """
    if conn.dialect.name == "postgresql":
        for table in (observations, capital_plans, targets, load_batches, units, breakdowns):
            # A table name cannot be a bind parameter; it is quoted by the dialect instead.
            conn.execute(text("ANALYZE " + conn.dialect.identifier_preparer.format_table(table)))


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts of plain Python values (None for missing), for executemany."""
    columns = [_plain_column(frame[name]) for name in frame.columns]
    names = list(frame.columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _plain_column(column: pd.Series) -> list[object]:
    """One column as Python objects: numpy scalars unwrapped, timestamps as datetimes."""
    if pd.api.types.is_datetime64_any_dtype(column):
        values: list[object] = [None if pd.isna(v) else v.to_pydatetime() for v in column]
        return values
    missing = column.isna().to_numpy()
    return [None if gone else value for value, gone in zip(column.tolist(), missing, strict=True)]
