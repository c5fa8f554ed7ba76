"""Writes to the warehouse: reference data, the registry, and observation batches.

Every write runs inside the caller's transaction (``with engine.begin() as conn``), so a
batch either lands whole or not at all. Observations are never updated in place: a new
version supersedes the old one (``superseded_at``), so any past state can be rebuilt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from data_access.engine import PROJECT_ROOT
from data_access.schema import (
    audit_log,
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
    """Make the ``indicators`` and city ``targets`` tables match the registry."""
    conn.execute(delete(targets))
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


def load_observation_batch(
    conn: Connection,
    frame: pd.DataFrame,
    *,
    submission_key: str,
    source_name: str,
    submitted_by: str,
    is_demo: bool = False,
    note: str | None = None,
    loaded_at: dt.datetime | None = None,
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
    )


def load_capital_plan_batch(
    conn: Connection,
    frame: pd.DataFrame,
    *,
    submission_key: str,
    source_name: str,
    submitted_by: str,
    is_demo: bool = False,
    note: str | None = None,
    loaded_at: dt.datetime | None = None,
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
    )


def _load_versioned(
    conn: Connection,
    target: _Versioned,
    frame: pd.DataFrame,
    *,
    submission_key: str,
    source_name: str,
    submitted_by: str,
    is_demo: bool,
    note: str | None,
    loaded_at: dt.datetime | None,
) -> BatchResult:
    if frame.empty:
        raise ValueError(
            f"submission {submission_key!r} has no rows; an empty file would erase the "
            "earlier version of this submission, so nothing was loaded (use undo to withdraw "
            "a submission)"
        )
    if conn.dialect.name == "postgresql":
        # Two re-sends of one submission at once: the second waits for the first, then
        # replaces it, instead of failing on the one-current-row index.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": submission_key})
    loaded_at = to_warehouse_time(loaded_at) if loaded_at is not None else utc_now()
    rows = frame[list(target.columns)]
    checksum = hashlib.sha256(
        rows.to_csv(index=False).encode("utf-8"), usedforsecurity=False
    ).hexdigest()
    batch_id = conn.execute(
        insert(load_batches)
        .values(
            submission_key=submission_key,
            batch_kind=target.kind,
            source_name=source_name,
            submitted_by=submitted_by,
            loaded_at=loaded_at,
            row_count=len(rows),
            rows_replaced=0,
            status="loaded",
            checksum_sha256=checksum,
            is_demo=is_demo,
            note=note,
        )
        .returning(load_batches.c.batch_id)
    ).scalar_one()
    replaced = _supersede(conn, target, rows, submission_key, batch_id, loaded_at)
    records = _records(rows.assign(batch_id=batch_id, loaded_at=loaded_at))
    conn.execute(insert(target.table), records)
    conn.execute(
        update(load_batches)
        .where(load_batches.c.batch_id == batch_id)
        .values(rows_replaced=replaced)
    )
    record_audit(
        conn,
        actor=submitted_by,
        action="load_batch",
        object_type="load_batch",
        object_id=str(batch_id),
        detail={
            "submission_key": submission_key,
            "kind": target.kind,
            "rows": len(records),
            "replaced": replaced,
        },
        occurred_at=loaded_at,
    )
    return BatchResult(int(batch_id), len(records), replaced, loaded_at)


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
    earlier_batches = select(load_batches.c.batch_id).where(
        load_batches.c.submission_key == submission_key,
        load_batches.c.batch_id != batch_id,
        load_batches.c.status == "loaded",
    )
    replaced = conn.execute(
        update(table)
        .where(table.c.superseded_at.is_(None), table.c.batch_id.in_(earlier_batches))
        .values(superseded_at=at, superseded_by_batch_id=batch_id)
    ).rowcount
    # A quick count before the row-by-row update: a new month's submission usually
    # clashes with nothing.
    first, second = target.prefilter
    clash_count = conn.execute(
        select(func.count())
        .select_from(table)
        .where(
            table.c.superseded_at.is_(None),
            table.c[first].in_(sorted(frame[first].unique())),
            table.c[second].in_(sorted(frame[second].unique())),
        )
    ).scalar_one()
    if clash_count:
        statement = (
            update(table)
            .where(
                and_(
                    table.c.superseded_at.is_(None),
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


def refresh_statistics(conn: Connection) -> None:
    """Refresh the planner's statistics after a large load (PostgreSQL's ``ANALYZE``).

    Right after a bulk load PostgreSQL knows nothing of the new rows' distribution and
    may plan the disbursement query's joins as nested loops (seconds instead of
    milliseconds); SQLite plans without statistics. Safe inside a transaction.
    """
    if conn.dialect.name == "postgresql":
        for table in (observations, capital_plans, load_batches, units):
            conn.execute(text(f"ANALYZE {table.name}"))


def record_audit(
    conn: Connection,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    detail: dict[str, object] | None = None,
    occurred_at: dt.datetime | None = None,
) -> None:
    """Append one line to the audit log."""
    conn.execute(
        insert(audit_log).values(
            occurred_at=to_warehouse_time(occurred_at) if occurred_at is not None else utc_now(),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail_json=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
        )
    )


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
