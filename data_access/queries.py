"""Read queries: SQLAlchemy Core with bound parameters; aggregation happens in SQL.

Each function states the grain of the frame it returns. Roll-ups are ratios of sums
(``100 · Σ numerator ÷ Σ denominator``) computed by the database, never means of ratios.
The same statements run on SQLite and PostgreSQL (``tests/postgres`` checks it).

``as_of``: when given, the figures are those that stood at that UTC time (rows loaded by
then and not yet superseded); otherwise the current versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Float,
    Integer,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Subquery

from data_access.schema import (
    capital_plans,
    load_batches,
    observations,
    published_figures,
    units,
)
from data_access.writes import TOTAL_BREAKDOWN
from metrics.reference import LEAF_UNIT_TYPES
from metrics.registry import Grain, TimeRollup, get_indicator


@dataclass(frozen=True, slots=True)
class UnitFilter:
    """Which units a figure is summed over; empty tuples mean all."""

    former_provinces: tuple[str, ...] = ()
    unit_types: tuple[str, ...] = ()

    @property
    def is_whole_city(self) -> bool:
        return not self.former_provinces and not self.unit_types


def _version_condition(
    as_of: dt.datetime | None, table: Table = observations
) -> ColumnElement[bool]:
    """The rows of a versioned table current now, or at ``as_of``."""
    if as_of is None:
        return table.c.superseded_at.is_(None)
    if as_of.tzinfo is not None:
        # Timestamps are stored as UTC without a zone; a zoned moment must be converted
        # here, or PostgreSQL and SQLite would read it differently.
        as_of = as_of.astimezone(dt.UTC).replace(tzinfo=None)
    return and_(
        table.c.loaded_at <= as_of,
        or_(table.c.superseded_at.is_(None), table.c.superseded_at > as_of),
    )


class month_start(FunctionElement[dt.date]):  # noqa: N801 - an SQL function's name
    """The first day of a date's month, in the dialect's own words."""

    type = Date()
    inherit_cache = True


@compiles(month_start)
def _month_start_default(element: month_start, compiler: SQLCompiler, **kw: object) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('month', {inner}) AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: SQLCompiler, **kw: object) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"date({inner}, 'start of month')"


def _unit_conditions(indicator_code: str, unit_filter: UnitFilter) -> list[ColumnElement[bool]]:
    """Which units' rows count for ``indicator_code`` under ``unit_filter`` (units table)."""
    if get_indicator(indicator_code).grain is Grain.CITY:
        return [units.c.unit_type == "city"]
    conditions: list[ColumnElement[bool]] = [units.c.unit_type.in_(LEAF_UNIT_TYPES)]
    if unit_filter.former_provinces:
        conditions.append(units.c.former_province.in_(unit_filter.former_provinces))
    if unit_filter.unit_types:
        conditions.append(units.c.unit_type.in_(unit_filter.unit_types))
    return conditions


def _paired(column: ColumnElement[float], is_rate: bool) -> ColumnElement[float]:
    """For a rate, a row counts only when it has both numerator and denominator: a row
    with a denominator alone would otherwise pull the ratio of sums down."""
    if not is_rate:
        return column
    both = and_(observations.c.numerator.is_not(None), observations.c.denominator.is_not(None))
    return case((both, column), else_=None)


def _ratio(
    numerator: ColumnElement[float], denominator: ColumnElement[float]
) -> ColumnElement[float]:
    return case(
        (denominator > 0, 100.0 * cast(numerator, Float) / cast(denominator, Float)),
        else_=None,
    )


def _total_rows(
    indicator_code: str, unit_filter: UnitFilter, as_of: dt.datetime | None
) -> list[ColumnElement[bool]]:
    """The unit totals (no breakdown rows) of one indicator, in scope and version."""
    return [
        observations.c.indicator_id == indicator_code,
        observations.c.breakdown_key == TOTAL_BREAKDOWN,
        _version_condition(as_of),
        *_unit_conditions(indicator_code, unit_filter),
    ]


_SERIES_COLUMNS = [
    "period_year",
    "period_month",
    "numerator",
    "denominator",
    "value",
    "n_units",
    "n_expected",
    "is_demo",
    "last_loaded_at",
]


def scope_series(
    conn: Connection,
    indicator_code: str,
    unit_filter: UnitFilter = UnitFilter(),
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """One indicator summed over the filtered units.

    Grain: one row per ``period_year`` × ``period_month``.

    Columns: ``period_year`` (int), ``period_month`` (datetime64, first of month),
    ``numerator``, ``denominator`` (float sums), ``value`` (float: ratio of sums in %
    for a rate, the numerator's sum otherwise), ``n_units`` (int: units that reported
    that month), ``n_expected`` (int: units the figure covers — for a cumulative
    indicator also the investors with a plan in force that did not report, whose last
    figure is carried forward; otherwise equal to ``n_units``), ``is_demo`` (bool: any
    demo batch among the rows), ``last_loaded_at`` (datetime64, UTC).

    Notes
    -----
    A cumulative indicator (disbursement) is summed over investors, each with the plan
    in force at the month's end (``capital_plans``: the latest ``effective_date`` in or
    before that month; the observation's own denominator when the investor has no plan
    rows) and its latest year-to-date figure of the plan year up to that month: a
    missing report neither shrinks the plan nor drops what was already disbursed.
    """
    indicator = get_indicator(indicator_code)
    if indicator.time_rollup is TimeRollup.CUMULATIVE:
        return _cumulative_series(conn, indicator_code, unit_filter, as_of)
    numerator = func.sum(_paired(observations.c.numerator, indicator.is_rate))
    denominator = func.sum(_paired(observations.c.denominator, indicator.is_rate))
    value = _ratio(numerator, denominator) if indicator.is_rate else cast(numerator, Float)
    statement = (
        select(
            observations.c.period_year,
            observations.c.period_month,
            cast(numerator, Float).label("numerator"),
            cast(denominator, Float).label("denominator"),
            value.label("value"),
            func.count().label("n_units"),
            func.count().label("n_expected"),
            func.max(case((load_batches.c.is_demo, 1), else_=0)).label("is_demo"),
            func.max(observations.c.loaded_at).label("last_loaded_at"),
        )
        .select_from(
            observations.join(units, units.c.unit_id == observations.c.unit_id).join(
                load_batches, load_batches.c.batch_id == observations.c.batch_id
            )
        )
        .where(*_total_rows(indicator_code, unit_filter, as_of))
        .group_by(observations.c.period_year, observations.c.period_month)
        .order_by(observations.c.period_month, observations.c.period_year)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    return _typed_series(frame)


def _cumulative_unit_rows(
    indicator_code: str,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
    year: int | None = None,
) -> Subquery:
    """Per investor and month of the plan year: plan in force and carried-forward figure.

    Grain: one row per ``period_year`` × ``period_month`` × ``unit_id`` for every month
    in which any investor (in scope or not) reported, and every investor in scope that
    either reported in that plan year by then or has a plan in force at that month's end.

    Columns: ``period_year``, ``period_month``, ``unit_id``, ``disbursed`` (the latest
    year-to-date figure up to the month, 0 before its first report), ``plan`` (the plan
    in force; else the reported denominator), ``is_reported`` (1 when it reported that
    very month), ``is_demo``, ``loaded_at``.
    """
    reported = (
        select(
            observations.c.unit_id,
            observations.c.period_year,
            observations.c.period_month,
            observations.c.numerator,
            observations.c.denominator,
            observations.c.loaded_at,
            case((load_batches.c.is_demo, 1), else_=0).label("is_demo"),
        )
        .select_from(
            observations.join(units, units.c.unit_id == observations.c.unit_id).join(
                load_batches, load_batches.c.batch_id == observations.c.batch_id
            )
        )
        .where(
            *_total_rows(indicator_code, unit_filter, as_of),
            observations.c.numerator.is_not(None),
            observations.c.denominator.is_not(None),
            *([observations.c.period_year == year] if year is not None else []),
        )
        .cte("reported")
    )
    # The months anyone reported, in scope or not: a scope whose investors all missed a
    # month still gets that month, with their last figures carried and none reporting.
    grid = (
        select(observations.c.period_year, observations.c.period_month)
        .where(
            observations.c.indicator_id == indicator_code,
            observations.c.breakdown_key == TOTAL_BREAKDOWN,
            _version_condition(as_of),
            *([observations.c.period_year == year] if year is not None else []),
        )
        .distinct()
        .cte("grid")
    )
    plan_rows = (
        select(
            capital_plans.c.unit_id,
            capital_plans.c.plan_year,
            capital_plans.c.effective_date,
            capital_plans.c.plan_billion_vnd,
        )
        .select_from(capital_plans.join(units, units.c.unit_id == capital_plans.c.unit_id))
        .where(
            _version_condition(as_of, capital_plans),
            *_unit_conditions(indicator_code, unit_filter),
            *([capital_plans.c.plan_year == year] if year is not None else []),
        )
        .cte("plan_rows")
    )
    plan_pick = (
        select(
            grid.c.period_year,
            grid.c.period_month,
            plan_rows.c.unit_id,
            func.max(plan_rows.c.effective_date).label("effective_date"),
        )
        .select_from(
            grid.join(
                plan_rows,
                and_(
                    plan_rows.c.plan_year == grid.c.period_year,
                    month_start(plan_rows.c.effective_date) <= grid.c.period_month,
                ),
            )
        )
        .group_by(grid.c.period_year, grid.c.period_month, plan_rows.c.unit_id)
        .cte("plan_pick")
    )
    in_force = (
        select(
            plan_pick.c.period_year,
            plan_pick.c.period_month,
            plan_pick.c.unit_id,
            plan_rows.c.plan_billion_vnd,
        )
        .select_from(
            plan_pick.join(
                plan_rows,
                and_(
                    plan_rows.c.unit_id == plan_pick.c.unit_id,
                    plan_rows.c.plan_year == plan_pick.c.period_year,
                    plan_rows.c.effective_date == plan_pick.c.effective_date,
                ),
            )
        )
        .cte("in_force")
    )
    investors = union(
        select(reported.c.unit_id, reported.c.period_year),
        select(plan_rows.c.unit_id, plan_rows.c.plan_year.label("period_year")),
    ).cte("investors")
    dense = (
        select(
            grid.c.period_year,
            grid.c.period_month,
            investors.c.unit_id,
            reported.c.numerator,
            reported.c.denominator,
            reported.c.is_demo,
            reported.c.loaded_at,
            case((reported.c.unit_id.is_(None), 0), else_=1).label("is_reported"),
            in_force.c.plan_billion_vnd,
        )
        .select_from(
            grid.join(investors, investors.c.period_year == grid.c.period_year)
            .outerjoin(
                reported,
                and_(
                    reported.c.unit_id == investors.c.unit_id,
                    reported.c.period_year == grid.c.period_year,
                    reported.c.period_month == grid.c.period_month,
                ),
            )
            .outerjoin(
                in_force,
                and_(
                    in_force.c.unit_id == investors.c.unit_id,
                    in_force.c.period_year == grid.c.period_year,
                    in_force.c.period_month == grid.c.period_month,
                ),
            )
        )
        .cte("dense")
    )
    # Carry the last report forward: the running count of reports numbers the stretch
    # since each report, and every row of a stretch takes its report's figures.
    by_investor_year = (dense.c.unit_id, dense.c.period_year)
    stretched = select(
        dense,
        func.count(dense.c.numerator)
        .over(partition_by=by_investor_year, order_by=dense.c.period_month, rows=(None, 0))
        .label("stretch"),
    ).cte("stretched")
    in_stretch = (stretched.c.unit_id, stretched.c.period_year, stretched.c.stretch)

    def carried(column: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.max(column).over(partition_by=in_stretch)

    plan = func.coalesce(stretched.c.plan_billion_vnd, carried(stretched.c.denominator))
    rows = select(
        stretched.c.period_year,
        stretched.c.period_month,
        stretched.c.unit_id,
        func.coalesce(carried(stretched.c.numerator), 0.0).label("disbursed"),
        plan.label("plan"),
        stretched.c.is_reported,
        func.coalesce(carried(stretched.c.is_demo), 0).label("is_demo"),
        carried(stretched.c.loaded_at).label("loaded_at"),
    ).subquery("carried")
    # An investor counts from its first report or its plan, whichever comes first.
    return select(rows).where(rows.c.plan.is_not(None)).subquery("investor_months")


def _cumulative_series(
    conn: Connection,
    indicator_code: str,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
) -> pd.DataFrame:
    rows = _cumulative_unit_rows(indicator_code, unit_filter, as_of)
    numerator = func.sum(rows.c.disbursed)
    denominator = func.sum(rows.c.plan)
    statement = (
        select(
            rows.c.period_year,
            rows.c.period_month,
            cast(numerator, Float).label("numerator"),
            cast(denominator, Float).label("denominator"),
            _ratio(numerator, denominator).label("value"),
            cast(func.sum(rows.c.is_reported), Integer).label("n_units"),
            func.count().label("n_expected"),
            func.max(rows.c.is_demo).label("is_demo"),
            func.max(rows.c.loaded_at).label("last_loaded_at"),
        )
        .group_by(rows.c.period_year, rows.c.period_month)
        .order_by(rows.c.period_month, rows.c.period_year)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    return _typed_series(frame)


def _typed_series(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        frame = pd.DataFrame(columns=_SERIES_COLUMNS)
    return frame.assign(
        period_year=frame["period_year"].astype("int64"),
        period_month=pd.to_datetime(frame["period_month"]),
        numerator=frame["numerator"].astype("float64"),
        denominator=frame["denominator"].astype("float64"),
        value=frame["value"].astype("float64"),
        n_units=frame["n_units"].astype("int64"),
        n_expected=frame["n_expected"].astype("int64"),
        is_demo=frame["is_demo"].astype(bool),
        last_loaded_at=pd.to_datetime(frame["last_loaded_at"]),
    )[_SERIES_COLUMNS]


_STANDING_FLOATS = [
    "numerator",
    "denominator",
    "value",
    "numerator_previous",
    "denominator_previous",
    "value_previous",
]
_STANDING_TEXT = ["unit_id", "name_vi", "name_en", "unit_type", "former_province"]


def unit_standing(
    conn: Connection,
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter = UnitFilter(),
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """Each unit's figure for ``year`` to ``through_month``, and to the month before.

    Grain: one row per unit that reported the indicator in ``year`` (for a cumulative
    indicator, also per investor with a plan in force that has not reported yet).

    For a flow indicator the figure is the ratio of sums over the year's months up to
    ``through_month`` (``value``) and up to the month before (``value_previous``); for
    a cumulative one (disbursement) it is that month's year-to-date figure over the plan
    in force, the investor's last figure carried forward when it did not report.

    Columns: ``unit_id``, ``name_vi``, ``name_en``, ``unit_type``, ``former_province``,
    ``numerator``, ``denominator``, ``value``, ``numerator_previous``,
    ``denominator_previous``, ``value_previous`` (floats), ``is_demo`` (bool),
    ``is_reported`` (bool: it reported for ``through_month`` itself — always true for a
    flow indicator, whose rows exist only when reported).
    """
    indicator = get_indicator(indicator_code)
    if indicator.time_rollup is TimeRollup.CUMULATIVE:
        return _cumulative_standing(conn, indicator_code, year, through_month, unit_filter, as_of)
    month = observations.c.period_month
    previous_month = (pd.Timestamp(through_month) - pd.DateOffset(months=1)).date()

    def pick(column: ColumnElement[float], last: dt.date) -> ColumnElement[float]:
        return func.sum(case((month <= last, column), else_=None))

    paired_numerator = _paired(observations.c.numerator, indicator.is_rate)
    paired_denominator = _paired(observations.c.denominator, indicator.is_rate)
    numerator = pick(paired_numerator, through_month)
    denominator = pick(paired_denominator, through_month)
    numerator_previous = pick(paired_numerator, previous_month)
    denominator_previous = pick(paired_denominator, previous_month)
    statement = (
        select(
            units.c.unit_id,
            units.c.name_vi,
            units.c.name_en,
            units.c.unit_type,
            units.c.former_province,
            cast(numerator, Float).label("numerator"),
            cast(denominator, Float).label("denominator"),
            _ratio(numerator, denominator).label("value"),
            cast(numerator_previous, Float).label("numerator_previous"),
            cast(denominator_previous, Float).label("denominator_previous"),
            _ratio(numerator_previous, denominator_previous).label("value_previous"),
            func.max(case((load_batches.c.is_demo, 1), else_=0)).label("is_demo"),
            literal(1).label("is_reported"),
        )
        .select_from(
            observations.join(units, units.c.unit_id == observations.c.unit_id).join(
                load_batches, load_batches.c.batch_id == observations.c.batch_id
            )
        )
        .where(
            *_total_rows(indicator_code, unit_filter, as_of),
            observations.c.period_year == year,
            month <= through_month,
        )
        .group_by(*(units.c[name] for name in _STANDING_TEXT))
        .order_by(units.c.unit_id)
    )
    return _typed_standing(pd.DataFrame(conn.execute(statement).mappings().all()))


def _cumulative_standing(
    conn: Connection,
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
) -> pd.DataFrame:
    rows = _cumulative_unit_rows(indicator_code, unit_filter, as_of, year=year)
    previous_month = (pd.Timestamp(through_month) - pd.DateOffset(months=1)).date()

    def pick(column: ColumnElement[float], wanted: dt.date) -> ColumnElement[float]:
        return func.max(case((rows.c.period_month == wanted, column), else_=None))

    numerator = pick(rows.c.disbursed, through_month)
    denominator = pick(rows.c.plan, through_month)
    numerator_previous = pick(rows.c.disbursed, previous_month)
    denominator_previous = pick(rows.c.plan, previous_month)
    statement = (
        select(
            units.c.unit_id,
            units.c.name_vi,
            units.c.name_en,
            units.c.unit_type,
            units.c.former_province,
            cast(numerator, Float).label("numerator"),
            cast(denominator, Float).label("denominator"),
            _ratio(numerator, denominator).label("value"),
            cast(numerator_previous, Float).label("numerator_previous"),
            cast(denominator_previous, Float).label("denominator_previous"),
            _ratio(numerator_previous, denominator_previous).label("value_previous"),
            func.max(rows.c.is_demo).label("is_demo"),
            pick(rows.c.is_reported, through_month).label("is_reported"),
        )
        .select_from(rows.join(units, units.c.unit_id == rows.c.unit_id))
        .where(rows.c.period_month.in_([through_month, previous_month]))
        .group_by(*(units.c[name] for name in _STANDING_TEXT))
        .having(numerator.is_not(None))
        .order_by(units.c.unit_id)
    )
    return _typed_standing(pd.DataFrame(conn.execute(statement).mappings().all()))


def _typed_standing(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        frame = pd.DataFrame(columns=[*_STANDING_TEXT, *_STANDING_FLOATS, "is_demo", "is_reported"])
    return frame.assign(
        **{column: frame[column].astype("float64") for column in _STANDING_FLOATS},
        is_demo=frame["is_demo"].astype(bool),
        is_reported=frame["is_reported"].fillna(0).astype(bool),
    )


def published(conn: Connection, indicator_code: str | None = None) -> pd.DataFrame:
    """Published reference figures, as in ``reference_data/hcmc_published_indicators.csv``.

    Grain: one row per published figure. Columns as the ``published_figures`` table,
    with ``period_start`` and ``period_end`` as datetime64.
    """
    statement = select(published_figures).order_by(
        published_figures.c.indicator_code, published_figures.c.period_end
    )
    if indicator_code is not None:
        statement = statement.where(published_figures.c.indicator_code == indicator_code)
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        frame = pd.DataFrame(columns=[c.name for c in published_figures.columns])
    return frame.assign(
        period_start=pd.to_datetime(frame["period_start"]),
        period_end=pd.to_datetime(frame["period_end"]),
        value=frame["value"].astype("float64"),
        plan_billion_vnd=frame["plan_billion_vnd"].astype("float64"),
    )


def unit_list(conn: Connection) -> pd.DataFrame:
    """All units. Grain: one row per unit; columns as the ``units`` table."""
    statement = select(units).order_by(units.c.unit_type, units.c.name_vi)
    return pd.DataFrame(conn.execute(statement).mappings().all())


def observation_count(conn: Connection) -> int:
    """How many current observations the warehouse holds (0 for an empty warehouse)."""
    statement = (
        select(func.count()).select_from(observations).where(observations.c.superseded_at.is_(None))
    )
    return int(conn.execute(statement).scalar_one())


def warehouse_check(conn: Connection) -> bool:
    """True when the warehouse answers a trivial query."""
    return conn.execute(select(literal(1))).scalar_one() == 1


def latest_data_year(
    conn: Connection, indicator_codes: Sequence[str], through_month: dt.date
) -> int | None:
    """The latest ``period_year`` with a current observation of any of ``indicator_codes``
    in a month up to ``through_month`` (a month after it, not over yet, does not count).

    Grain: one number; None when there is no such observation.
    """
    statement = select(func.max(observations.c.period_year)).where(
        observations.c.superseded_at.is_(None),
        observations.c.indicator_id.in_(list(indicator_codes)),
        observations.c.period_month <= through_month,
    )
    year = conn.execute(statement).scalar_one()
    return None if year is None else int(year)
