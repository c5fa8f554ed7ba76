"""What the data-governance page reads: the dataset catalogue, the periods each unit has in,
and what the record of submitted files found.

SQLAlchemy Core with bound parameters, the same statements on SQLite and PostgreSQL; the
counting happens in SQL. The measures themselves are computed by
:mod:`metrics.governance`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, and_, case, func, or_, select

from data_access.schema import (
    dataset_indicators,
    datasets,
    load_batches,
    observations,
    submission_check_units,
    submission_checks,
    units,
)
from data_access.writes import TOTAL_BREAKDOWN
from metrics.clock import to_warehouse_time
from metrics.governance import GovernanceInputs, window
from metrics.registry import INDICATORS

CATALOGUE_COLUMNS = (
    "dataset_id",
    "data_group",
    "name_vi",
    "name_en",
    "owner_vi",
    "owner_en",
    "source_system_vi",
    "source_system_en",
    "update_promise_vi",
    "update_promise_en",
    "promise_days",
    "sharing_status",
    "standardisation_status",
    "is_demo",
)


def catalogue(conn: Connection) -> pd.DataFrame:
    """The dataset catalogue in its order.

    Grain: one row per dataset. Columns: :data:`CATALOGUE_COLUMNS`.
    """
    statement = select(*(datasets.c[name] for name in CATALOGUE_COLUMNS)).order_by(
        datasets.c.sort_order, datasets.c.dataset_id
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=list(CATALOGUE_COLUMNS))
    return frame.assign(is_demo=frame["is_demo"].astype(bool))


def catalogue_links(conn: Connection) -> pd.DataFrame:
    """Which indicators measure each dataset.

    Grain: one row per dataset × indicator. Columns: ``dataset_id``, ``indicator_id``.
    """
    statement = select(dataset_indicators.c.dataset_id, dataset_indicators.c.indicator_id)
    frame = pd.DataFrame(conn.execute(statement.order_by(*statement.selected_columns)).all())
    if frame.empty:
        return pd.DataFrame(columns=["dataset_id", "indicator_id"])
    frame.columns = pd.Index(["dataset_id", "indicator_id"])
    return frame


def reporting_units(conn: Connection) -> pd.DataFrame:
    """Every unit that can report (every type but the former provinces).

    Grain: one row per unit. Columns: ``unit_id``, ``unit_type``, ``name_vi``,
    ``name_en``, ``is_demo``.
    """
    statement = (
        select(
            units.c.unit_id, units.c.unit_type, units.c.name_vi, units.c.name_en, units.c.is_demo
        )
        .where(units.c.unit_type != "former_province")
        .order_by(units.c.unit_type, units.c.name_vi)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=["unit_id", "unit_type", "name_vi", "name_en", "is_demo"])
    return frame.assign(is_demo=frame["is_demo"].astype(bool))


def _out_of_range() -> object:
    """1 for a current row whose numbers cannot be right: a negative number, or a rate
    above 100 % or with its numerator above its denominator."""
    rates = [i.code for i in INDICATORS if i.is_rate]
    n, d, v = observations.c.numerator, observations.c.denominator, observations.c.value
    negative = or_(n < 0, d < 0, v < 0)
    bad_rate = and_(observations.c.indicator_id.in_(rates), or_(n > d, v > 100))
    return case((or_(negative, bad_rate), 1), else_=0)


def unit_periods(
    conn: Connection, indicator_codes: Sequence[str], since_month: dt.date, through_month: dt.date
) -> pd.DataFrame:
    """The periods each unit has in, between two months, and what is wrong in them.

    Grain: one row per indicator × unit × period month with a current total row.

    Columns: ``indicator_id``, ``unit_id``, ``period_month`` (date), ``rows`` (int:
    current total rows; two in a January of a cumulative indicator, one per plan year),
    ``duplicate_rows`` (int: rows beyond one per plan year), ``out_of_range_rows`` (int).
    """
    columns = ["indicator_id", "unit_id", "period_month", "rows", "duplicate_rows"]
    columns.append("out_of_range_rows")
    if not indicator_codes:
        return pd.DataFrame(columns=columns)
    statement = (
        select(
            observations.c.indicator_id,
            observations.c.unit_id,
            observations.c.period_month,
            func.count().label("rows"),
            (func.count() - func.count(observations.c.period_year.distinct())).label(
                "duplicate_rows"
            ),
            func.sum(_out_of_range()).label("out_of_range_rows"),
        )
        .where(
            observations.c.superseded_at.is_(None),
            observations.c.breakdown_key == TOTAL_BREAKDOWN,
            observations.c.indicator_id.in_(list(indicator_codes)),
            observations.c.period_month >= since_month,
            observations.c.period_month <= through_month,
        )
        .group_by(observations.c.indicator_id, observations.c.unit_id, observations.c.period_month)
        .order_by(observations.c.indicator_id, observations.c.unit_id, observations.c.period_month)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame.assign(
        period_month=pd.to_datetime(frame["period_month"]).dt.date,
        rows=frame["rows"].astype("int64"),
        duplicate_rows=frame["duplicate_rows"].astype("int64"),
        out_of_range_rows=frame["out_of_range_rows"].fillna(0).astype("int64"),
    )[columns]


def unit_latest(conn: Connection, indicator_codes: Sequence[str]) -> pd.DataFrame:
    """Each unit's latest period in and its last load, of every indicator it reported.

    Grain: one row per indicator × unit with a current total row.

    Columns: ``indicator_id``, ``unit_id``, ``latest_period`` (date), ``last_loaded_at``
    (naive UTC).
    """
    columns = ["indicator_id", "unit_id", "latest_period", "last_loaded_at"]
    if not indicator_codes:
        return pd.DataFrame(columns=columns)
    statement = (
        select(
            observations.c.indicator_id,
            observations.c.unit_id,
            func.max(observations.c.period_month).label("latest_period"),
            func.max(observations.c.loaded_at).label("last_loaded_at"),
        )
        .where(
            observations.c.superseded_at.is_(None),
            observations.c.breakdown_key == TOTAL_BREAKDOWN,
            observations.c.indicator_id.in_(list(indicator_codes)),
        )
        .group_by(observations.c.indicator_id, observations.c.unit_id)
        .order_by(observations.c.indicator_id, observations.c.unit_id)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame.assign(
        latest_period=pd.to_datetime(frame["latest_period"]).dt.date,
        last_loaded_at=pd.to_datetime(frame["last_loaded_at"]),
    )[columns]


CHECK_COUNT_COLUMNS = (
    "indicator_code",
    "unit_code",
    "row_count",
    "error_row_count",
    "duplicate_row_count",
    "out_of_range_row_count",
)


def check_counts(conn: Connection, since: dt.datetime) -> pd.DataFrame:
    """What validation found in the files submitted since a moment (naive UTC).

    Grain: one row per indicator code × unit code as written in the files.

    Columns: :data:`CHECK_COUNT_COLUMNS` (the counts summed over the files, int).
    """
    counts = [
        func.sum(submission_check_units.c[name]).label(name) for name in CHECK_COUNT_COLUMNS[2:]
    ]
    statement = (
        select(submission_check_units.c.indicator_code, submission_check_units.c.unit_code, *counts)
        .select_from(
            submission_check_units.join(
                submission_checks,
                submission_checks.c.check_id == submission_check_units.c.check_id,
            )
        )
        .where(submission_checks.c.checked_at >= since)
        .group_by(submission_check_units.c.indicator_code, submission_check_units.c.unit_code)
        .order_by(submission_check_units.c.indicator_code, submission_check_units.c.unit_code)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(columns=list(CHECK_COUNT_COLUMNS))
    return frame.astype({name: "int64" for name in CHECK_COUNT_COLUMNS[2:]})[
        list(CHECK_COUNT_COLUMNS)
    ]


def read_inputs(conn: Connection, today: dt.date) -> GovernanceInputs:
    """Everything :func:`metrics.governance.report` needs, read at ``today`` (in the city):
    the windows of the catalogue's indicators and the files submitted since the earliest
    window's first day."""
    links = catalogue_links(conn)
    codes = sorted(set(links["indicator_id"]) & {i.code for i in INDICATORS})
    spans = [window(code, today) for code in codes]
    since = min((s.first for s in spans), default=today.replace(day=1))
    through = max((s.last for s in spans), default=today.replace(day=1))
    moment = to_warehouse_time(
        dt.datetime.combine(since, dt.time(0), tzinfo=dt.UTC)  # naive UTC, a day's start
    )
    return GovernanceInputs(
        catalogue=catalogue(conn),
        links=links[links["indicator_id"].isin(codes)].reset_index(drop=True),
        units=reporting_units(conn),
        periods=unit_periods(conn, codes, since, through),
        latest=unit_latest(conn, codes),
        checks=check_counts(conn, moment),
        today=today,
        is_demo=has_demo_batches(conn),
    )


def has_demo_batches(conn: Connection) -> bool:
    """Whether any batch in force was made by the demo generator."""
    statement = (
        select(load_batches.c.batch_id)
        .where(load_batches.c.is_demo.is_(True), load_batches.c.status == "loaded")
        .limit(1)
    )
    return conn.execute(statement).first() is not None


__all__ = [
    "CATALOGUE_COLUMNS",
    "CHECK_COUNT_COLUMNS",
    "catalogue",
    "catalogue_links",
    "check_counts",
    "has_demo_batches",
    "read_inputs",
    "reporting_units",
    "unit_latest",
    "unit_periods",
]
