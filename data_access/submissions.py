"""Submissions: what the loader reads and records, the load history, lineage and targets.

SQLAlchemy Core with bound parameters, the same statements on SQLite and PostgreSQL. Each
function states the grain of what it returns. Writes run in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, func, insert, literal, select
from sqlalchemy.sql.elements import ColumnElement

from data_access.queries import UnitFilter, _total_rows, _version_condition
from data_access.schema import (
    breakdowns,
    capital_plans,
    load_batches,
    observations,
    submission_check_units,
    submission_checks,
    targets,
    units,
)
from data_access.writes import TOTAL_BREAKDOWN
from metrics.clock import month_end, to_warehouse_time, utc_now
from metrics.loaded_targets import LOADED_TARGET_COLUMNS
from metrics.registry import TimeRollup, get_indicator

WHOLE_CITY = UnitFilter()


@dataclass(frozen=True, slots=True)
class Reference:
    """What a submission's codes are checked against: units (with their type) and
    breakdowns that exist in the warehouse."""

    unit_types: dict[str, str]
    breakdown_keys: frozenset[str]


def reference(conn: Connection) -> Reference:
    """The warehouse's unit codes and types, and breakdown keys."""
    unit_types = {
        str(r.unit_id): str(r.unit_type)
        for r in conn.execute(select(units.c.unit_id, units.c.unit_type))
    }
    keys = frozenset(str(k) for k in conn.execute(select(breakdowns.c.breakdown_key)).scalars())
    return Reference(unit_types, keys)


def loaded_targets(conn: Connection, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Targets loaded from files (not the registry's), current now or at ``as_of``.

    Grain: one row per indicator × unit × target year × due date.

    Columns: :data:`metrics.loaded_targets.LOADED_TARGET_COLUMNS` plus ``unit_id``,
    ``loaded_at``; ``due_date`` as a date.
    """
    statement = (
        select(*(targets.c[name] for name in LOADED_TARGET_COLUMNS), targets.c.unit_id)
        .add_columns(targets.c.loaded_at)
        .where(targets.c.batch_id.is_not(None), _version_condition(as_of, targets))
        .order_by(targets.c.indicator_id, targets.c.due_date)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=[*LOADED_TARGET_COLUMNS, "unit_id", "loaded_at"])
    return frame.assign(due_date=pd.to_datetime(frame["due_date"]).dt.date)


# --- current rows (the preview, the export) --------------------------------------------------


def current_observations(
    conn: Connection,
    indicator_codes: Sequence[str],
    months: Sequence[dt.date],
    unit_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The current observations of some indicators and months (every breakdown).

    Grain: one row per indicator × unit × period year × month × breakdown.

    Columns: ``indicator_id``, ``unit_id``, ``period_year``, ``period_month`` (date),
    ``breakdown_key``, ``value``, ``numerator``, ``denominator``, ``batch_id``.
    """
    columns = [
        observations.c.indicator_id,
        observations.c.unit_id,
        observations.c.period_year,
        observations.c.period_month,
        observations.c.breakdown_key,
        observations.c.value,
        observations.c.numerator,
        observations.c.denominator,
        observations.c.batch_id,
    ]
    conditions: list[ColumnElement[bool]] = [
        observations.c.superseded_at.is_(None),
        observations.c.indicator_id.in_(list(indicator_codes)),
        observations.c.period_month.in_(list(months)),
    ]
    if unit_ids is not None:
        conditions.append(observations.c.unit_id.in_(list(unit_ids)))
    statement = (
        select(*columns)
        .where(*conditions)
        .order_by(
            observations.c.indicator_id,
            observations.c.period_month,
            observations.c.unit_id,
            observations.c.breakdown_key,
        )
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=[c.name for c in columns])
    return frame.assign(period_month=pd.to_datetime(frame["period_month"]).dt.date)


def current_capital_plans(
    conn: Connection, plan_years: Sequence[int], unit_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """The current capital-plan rows of some plan years.

    Grain: one row per investor × plan year × effective date. Columns as the
    ``capital_plans`` batch columns, plus ``batch_id``; ``effective_date`` as a date.
    """
    conditions: list[ColumnElement[bool]] = [
        capital_plans.c.superseded_at.is_(None),
        capital_plans.c.plan_year.in_(list(plan_years)),
    ]
    if unit_ids is not None:
        conditions.append(capital_plans.c.unit_id.in_(list(unit_ids)))
    statement = (
        select(
            capital_plans.c.unit_id,
            capital_plans.c.plan_year,
            capital_plans.c.effective_date,
            capital_plans.c.plan_billion_vnd,
            capital_plans.c.source_document,
            capital_plans.c.batch_id,
        )
        .where(*conditions)
        .order_by(capital_plans.c.unit_id, capital_plans.c.effective_date)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(
            columns=[
                "unit_id",
                "plan_year",
                "effective_date",
                "plan_billion_vnd",
                "source_document",
                "batch_id",
            ]
        )
    return frame.assign(effective_date=pd.to_datetime(frame["effective_date"]).dt.date)


def batch_row_counts(conn: Connection, kind: str, batch_ids: Sequence[int]) -> dict[int, int]:
    """How many current rows each of ``batch_ids`` still holds."""
    if not batch_ids:
        return {}
    table = {"observations": observations, "capital_plans": capital_plans, "targets": targets}[kind]
    statement = (
        select(table.c.batch_id, func.count())
        .where(table.c.batch_id.in_(list(batch_ids)), table.c.superseded_at.is_(None))
        .group_by(table.c.batch_id)
    )
    return {int(b): int(n) for b, n in conn.execute(statement).all()}


# --- the load history ------------------------------------------------------------------------

HISTORY_COLUMNS = (
    "batch_id",
    "batch_kind",
    "submission_key",
    "source_name",
    "submitted_by",
    "loaded_at",
    "row_count",
    "rows_replaced",
    "rows_current",
    "status",
    "undone_at",
    "undone_by",
    "is_demo",
    "note",
)


def _batch_units() -> Any:
    """Every (batch, unit) a load batch wrote, over the three kinds of batch."""
    return (
        select(observations.c.batch_id, observations.c.unit_id)
        .union(
            select(capital_plans.c.batch_id, capital_plans.c.unit_id),
            select(targets.c.batch_id, targets.c.unit_id).where(targets.c.batch_id.is_not(None)),
        )
        .subquery("batch_units")
    )


def batches_within(unit_ids: Collection[str]) -> ColumnElement[bool]:
    """A condition on ``load_batches``: the batch wrote rows of ``unit_ids`` and of no other
    unit (unit scope, issue 13 item 2: a batch holding another unit's rows is that unit's
    detail, its file name included)."""
    ids = sorted(unit_ids)
    written = _batch_units()
    inside = select(written.c.batch_id).where(written.c.unit_id.in_(ids))
    outside = select(written.c.batch_id).where(written.c.unit_id.not_in(ids))
    return and_(load_batches.c.batch_id.in_(inside), load_batches.c.batch_id.not_in(outside))


def batch_in_scope(conn: Connection, batch_id: int, unit_ids: Collection[str] | None) -> bool:
    """Whether batch ``batch_id`` exists and (for a scope) wrote only ``unit_ids``' rows."""
    statement = select(load_batches.c.batch_id).where(load_batches.c.batch_id == batch_id)
    if unit_ids is not None:
        statement = statement.where(batches_within(unit_ids))
    return conn.execute(statement).first() is not None


def history(
    conn: Connection,
    limit: int = 50,
    include_demo: bool = True,
    unit_ids: Collection[str] | None = None,
) -> pd.DataFrame:
    """The latest load batches, newest first, with how many of their rows are current.

    Grain: one row per batch. With ``unit_ids`` (a unit-scoped reader), only the batches
    that wrote rows of those units and of no other (:func:`batches_within`).

    Columns: :data:`HISTORY_COLUMNS`; ``rows_current`` (int) counts the batch's rows that
    are current now (0 once replaced by later batches or undone); ``loaded_at`` and
    ``undone_at`` are naive UTC.
    """
    statement = select(
        load_batches.c.batch_id,
        load_batches.c.batch_kind,
        load_batches.c.submission_key,
        load_batches.c.source_name,
        load_batches.c.submitted_by,
        load_batches.c.loaded_at,
        load_batches.c.row_count,
        load_batches.c.rows_replaced,
        load_batches.c.status,
        load_batches.c.undone_at,
        load_batches.c.undone_by,
        load_batches.c.is_demo,
        load_batches.c.note,
    ).order_by(load_batches.c.loaded_at.desc(), load_batches.c.batch_id.desc())
    if not include_demo:
        statement = statement.where(load_batches.c.is_demo.is_(False))
    if unit_ids is not None:
        statement = statement.where(batches_within(unit_ids))
    frame = pd.DataFrame(conn.execute(statement.limit(limit)).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    current: dict[int, int] = {}
    for kind, ids in frame.groupby("batch_kind")["batch_id"]:
        current |= batch_row_counts(conn, str(kind), [int(i) for i in ids])
    return frame.assign(
        rows_current=[current.get(int(b), 0) for b in frame["batch_id"]],
        loaded_at=pd.to_datetime(frame["loaded_at"]),
        undone_at=pd.to_datetime(frame["undone_at"]),
        is_demo=frame["is_demo"].astype(bool),
    )[list(HISTORY_COLUMNS)]


# --- lineage ---------------------------------------------------------------------------------

LINEAGE_COLUMNS = (
    "batch_id",
    "batch_kind",
    "source_name",
    "submitted_by",
    "loaded_at",
    "rows",
    "is_demo",
)


def lineage(
    conn: Connection,
    indicator_code: str,
    period_month: dt.date,
    unit_filter: UnitFilter = WHOLE_CITY,
    as_of: dt.datetime | None = None,
    unit_ids: Collection[str] | None = None,
    plan_year: int | None = None,
) -> pd.DataFrame:
    """The load batches whose rows make up one figure: an indicator, a scope, a month.

    With ``unit_ids`` (a unit-scoped reader looking at a city-wide figure), a batch that
    wrote rows of any other unit keeps its number, kind, date and row count but not its
    file name nor who sent it (``source_name`` and ``submitted_by`` are None): those are
    the other unit's detail.

    For a flow indicator, the current unit totals of that month in scope; for a
    cumulative one (disbursement), each investor's latest year-to-date row of the plan
    year up to that month (a figure carried forward comes from an earlier month's batch)
    and the capital plans in force at the month's end. A January can hold two plan years'
    reports (the previous year's extension month and the new year's first month): the
    figure's ``plan_year`` says which; without it, the newest plan year reported that month.

    Grain: one row per batch, newest first.

    Columns: :data:`LINEAGE_COLUMNS`; ``rows`` (int) is how many of the figure's rows
    the batch gave; ``loaded_at`` naive UTC.
    """
    indicator = get_indicator(indicator_code)
    month = period_month.replace(day=1)
    scoped = _total_rows(indicator_code, unit_filter, as_of)
    joined = observations.join(units, units.c.unit_id == observations.c.unit_id)
    if indicator.time_rollup is TimeRollup.CUMULATIVE:
        year_of_month = (
            literal(plan_year)
            if plan_year is not None
            else select(func.max(observations.c.period_year))
            .where(
                observations.c.indicator_id == indicator_code,
                observations.c.period_month == month,
                _version_condition(as_of),
            )
            .scalar_subquery()
        )
        latest = (
            select(observations.c.unit_id, func.max(observations.c.period_month).label("month"))
            .select_from(joined)
            .where(
                *scoped,
                observations.c.period_year == year_of_month,
                observations.c.period_month <= month,
            )
            .group_by(observations.c.unit_id)
            .subquery("latest")
        )
        rows = (
            select(observations.c.batch_id)
            .select_from(
                joined.join(
                    latest,
                    and_(
                        latest.c.unit_id == observations.c.unit_id,
                        latest.c.month == observations.c.period_month,
                    ),
                )
            )
            .where(*scoped, observations.c.period_year == year_of_month)
        )
        plan_pick = (
            select(
                capital_plans.c.unit_id,
                func.max(capital_plans.c.effective_date).label("effective_date"),
            )
            .select_from(capital_plans.join(units, units.c.unit_id == capital_plans.c.unit_id))
            .where(
                _version_condition(as_of, capital_plans),
                capital_plans.c.plan_year == year_of_month,
                capital_plans.c.effective_date <= month_end(month),
                *_unit_scope(unit_filter),
            )
            .group_by(capital_plans.c.unit_id)
            .subquery("plan_pick")
        )
        plans = (
            select(capital_plans.c.batch_id)
            .select_from(
                capital_plans.join(
                    plan_pick,
                    and_(
                        plan_pick.c.unit_id == capital_plans.c.unit_id,
                        plan_pick.c.effective_date == capital_plans.c.effective_date,
                    ),
                )
            )
            .where(
                _version_condition(as_of, capital_plans),
                capital_plans.c.plan_year == year_of_month,
            )
        )
        contributing = rows.union_all(plans).subquery("contributing")
    else:
        contributing = (
            select(observations.c.batch_id)
            .select_from(joined)
            .where(*scoped, observations.c.period_month == month)
            .subquery("contributing")
        )
    statement = (
        select(
            load_batches.c.batch_id,
            load_batches.c.batch_kind,
            load_batches.c.source_name,
            load_batches.c.submitted_by,
            load_batches.c.loaded_at,
            func.count().label("rows"),
            load_batches.c.is_demo,
        )
        .select_from(
            contributing.join(load_batches, load_batches.c.batch_id == contributing.c.batch_id)
        )
        .group_by(
            load_batches.c.batch_id,
            load_batches.c.batch_kind,
            load_batches.c.source_name,
            load_batches.c.submitted_by,
            load_batches.c.loaded_at,
            load_batches.c.is_demo,
        )
        .order_by(load_batches.c.loaded_at.desc(), load_batches.c.batch_id.desc())
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=list(LINEAGE_COLUMNS))
    if unit_ids is not None:
        listed = [int(b) for b in frame["batch_id"]]
        own = {
            int(b)
            for b in conn.execute(
                select(load_batches.c.batch_id).where(
                    load_batches.c.batch_id.in_(listed), batches_within(unit_ids)
                )
            ).scalars()
        }
        hidden = ~frame["batch_id"].astype("int64").isin(own)
        frame = frame.astype({"source_name": object, "submitted_by": object})
        frame.loc[hidden, ["source_name", "submitted_by"]] = None
    return frame.assign(
        loaded_at=pd.to_datetime(frame["loaded_at"]),
        rows=frame["rows"].astype("int64"),
        is_demo=frame["is_demo"].astype(bool),
    )[list(LINEAGE_COLUMNS)]


def _unit_scope(unit_filter: UnitFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if unit_filter.former_provinces:
        conditions.append(units.c.former_province.in_(unit_filter.former_provinces))
    if unit_filter.unit_types:
        conditions.append(units.c.unit_type.in_(unit_filter.unit_types))
    if unit_filter.unit_ids:
        conditions.append(units.c.unit_id.in_(unit_filter.unit_ids))
    return conditions


# --- the record of submitted files -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """One submitted file and what its validation found (``submission_checks``)."""

    actor: str
    channel: str
    source_name: str
    file_sha256: str
    size_bytes: int
    kind: str | None
    row_count: int
    error_row_count: int
    problem_count: int
    outcome: str
    problems: tuple[dict[str, object], ...]
    """The first problems (rule, row, column, value), kept for the history."""
    units: pd.DataFrame
    """Per ``indicator_code`` × ``unit_code``: ``row_count``, ``error_row_count``,
    ``duplicate_row_count``, ``out_of_range_row_count``."""


_COUNT_COLUMNS = (
    "row_count",
    "error_row_count",
    "duplicate_row_count",
    "out_of_range_row_count",
)


def record_check(conn: Connection, record: CheckRecord, at: dt.datetime | None = None) -> int:
    """Append a submitted file's validation to the record; returns its ``check_id``."""
    at = to_warehouse_time(at) if at is not None else utc_now()
    check_id = conn.execute(
        insert(submission_checks)
        .values(
            checked_at=at,
            actor=record.actor[:200],
            channel=record.channel,
            source_name=record.source_name[:300],
            file_sha256=record.file_sha256,
            size_bytes=record.size_bytes,
            kind=record.kind,
            row_count=record.row_count,
            error_row_count=record.error_row_count,
            problem_count=record.problem_count,
            outcome=record.outcome,
            problems_json=json.dumps(list(record.problems), ensure_ascii=False, default=str)
            if record.problems
            else None,
        )
        .returning(submission_checks.c.check_id)
    ).scalar_one()
    if not record.units.empty:
        per_unit = record.units.assign(
            indicator_code=record.units["indicator_code"].astype(str).str.slice(0, 60),
            unit_code=record.units["unit_code"].astype(str).str.slice(0, 40),
        )
        summed = per_unit.groupby(["indicator_code", "unit_code"], as_index=False)[
            list(_COUNT_COLUMNS)
        ].sum()
        counts = summed.assign(check_id=int(check_id)).astype(
            {name: "int64" for name in _COUNT_COLUMNS}
        )
        conn.execute(
            insert(submission_check_units),
            [
                {
                    str(key): value.item() if hasattr(value, "item") else value
                    for key, value in row.items()
                }
                for row in counts.to_dict("records")
            ],
        )
    return int(check_id)


CHECK_COLUMNS = (
    "check_id",
    "checked_at",
    "actor",
    "channel",
    "source_name",
    "kind",
    "row_count",
    "error_row_count",
    "problem_count",
    "outcome",
    "batch_id",
)


def checks(
    conn: Connection, limit: int = 50, unit_ids: Collection[str] | None = None
) -> pd.DataFrame:
    """The latest submitted files and their validation, newest first, with the batch that
    loaded each (if any).

    Grain: one row per submitted file (check). Columns: :data:`CHECK_COLUMNS`. With
    ``unit_ids`` (a unit-scoped reader), only the files whose rows name those units and no
    other (a file no row of which could be read names no unit, so it is left out too).
    """
    statement = (
        select(
            submission_checks.c.check_id,
            submission_checks.c.checked_at,
            submission_checks.c.actor,
            submission_checks.c.channel,
            submission_checks.c.source_name,
            submission_checks.c.kind,
            submission_checks.c.row_count,
            submission_checks.c.error_row_count,
            submission_checks.c.problem_count,
            submission_checks.c.outcome,
            func.max(load_batches.c.batch_id).label("batch_id"),
        )
        .select_from(
            submission_checks.outerjoin(
                load_batches, load_batches.c.check_id == submission_checks.c.check_id
            )
        )
        .group_by(*(submission_checks.c[name] for name in CHECK_COLUMNS[:-1]))
        .order_by(submission_checks.c.checked_at.desc(), submission_checks.c.check_id.desc())
        .limit(limit)
    )
    if unit_ids is not None:
        ids = sorted(unit_ids)
        named = submission_check_units.c
        inside = select(named.check_id).where(named.unit_code.in_(ids))
        outside = select(named.check_id).where(named.unit_code.not_in(ids))
        statement = statement.where(
            submission_checks.c.check_id.in_(inside), submission_checks.c.check_id.not_in(outside)
        )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=list(CHECK_COLUMNS))
    return frame.assign(checked_at=pd.to_datetime(frame["checked_at"]))


def batch_exists(conn: Connection, batch_id: int) -> bool:
    """Whether there is a batch ``batch_id``."""
    found = conn.execute(
        select(load_batches.c.batch_id).where(load_batches.c.batch_id == batch_id)
    ).first()
    return found is not None


__all__ = [
    "CHECK_COLUMNS",
    "HISTORY_COLUMNS",
    "LINEAGE_COLUMNS",
    "TOTAL_BREAKDOWN",
    "CheckRecord",
    "Reference",
    "batch_exists",
    "batch_in_scope",
    "batch_row_counts",
    "batches_within",
    "checks",
    "current_capital_plans",
    "current_observations",
    "history",
    "lineage",
    "loaded_targets",
    "record_check",
    "reference",
]
