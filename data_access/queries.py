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
    true,
    union,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Select, Subquery

from data_access.schema import (
    breakdowns,
    capital_plans,
    indicators,
    load_batches,
    observations,
    published_figures,
    units,
)
from data_access.writes import TOTAL_BREAKDOWN
from metrics.reference import COMMUNE_LEVEL_TYPES, LEAF_UNIT_TYPES
from metrics.registry import Grain, TimeRollup, get_indicator


@dataclass(frozen=True, slots=True)
class UnitFilter:
    """Which units a figure is summed over; empty tuples mean all."""

    former_provinces: tuple[str, ...] = ()
    unit_types: tuple[str, ...] = ()
    unit_ids: tuple[str, ...] = ()
    """Only these units (a unit's own figures: its scorecard, a drill-down to it)."""

    @property
    def is_whole_city(self) -> bool:
        return not self.former_provinces and not self.unit_types and not self.unit_ids


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
    if unit_filter.unit_ids:
        conditions.append(units.c.unit_id.in_(unit_filter.unit_ids))
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
    indicator_code: str,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
    breakdown_key: str = TOTAL_BREAKDOWN,
) -> list[ColumnElement[bool]]:
    """The unit totals (no breakdown rows) of one indicator, in scope and version; or the
    rows of one breakdown (a procedure, a sector) when ``breakdown_key`` is given."""
    return [
        observations.c.indicator_id == indicator_code,
        observations.c.breakdown_key == breakdown_key,
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
    breakdown_key: str = TOTAL_BREAKDOWN,
) -> pd.DataFrame:
    """One indicator summed over the filtered units (their totals, or one breakdown).

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

    ``breakdown_key`` (a procedure, a sector) sums that part of the units' figures instead
    of their totals; cumulative indicators have no breakdowns.
    """
    return _series(conn, indicator_code, unit_filter, as_of, breakdown_key, per_unit=False)


def every_unit_series(conn: Connection, indicator_code: str) -> pd.DataFrame:
    """Each unit's own current series of an indicator, every unit at once: what
    :func:`scope_series` gives for ``UnitFilter(unit_ids=(unit,))``, for every unit, in
    one statement (the Unit page's scorecard reads any unit's from it; issue 12).

    Grain: one row per ``unit_id`` × ``period_year`` × ``period_month``; the units a
    city-grain indicator has none of (its one series is the city's: use
    :func:`scope_series`).

    Columns: ``unit_id`` (str), then those of :func:`scope_series`; sorted by unit, then
    as :func:`scope_series` sorts.
    """
    if get_indicator(indicator_code).grain is Grain.CITY:
        raise ValueError(f"{indicator_code} is read for the city only")
    return _series(conn, indicator_code, UnitFilter(), None, TOTAL_BREAKDOWN, per_unit=True)


def _series(
    conn: Connection,
    indicator_code: str,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
    breakdown_key: str,
    *,
    per_unit: bool,
) -> pd.DataFrame:
    """:func:`scope_series`, or with ``per_unit`` each unit's own (its rows grouped by unit
    too: :func:`every_unit_series`)."""
    indicator = get_indicator(indicator_code)
    if indicator.time_rollup is TimeRollup.CUMULATIVE:
        if breakdown_key != TOTAL_BREAKDOWN:
            raise ValueError(f"{indicator_code} is cumulative and has no breakdowns")
        return _cumulative_series(conn, indicator_code, unit_filter, as_of, per_unit=per_unit)
    units_too = [observations.c.unit_id] if per_unit else []
    numerator = func.sum(_paired(observations.c.numerator, indicator.is_rate))
    denominator = func.sum(_paired(observations.c.denominator, indicator.is_rate))
    value = _ratio(numerator, denominator) if indicator.is_rate else cast(numerator, Float)
    statement = (
        select(
            *units_too,
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
        .where(*_total_rows(indicator_code, unit_filter, as_of, breakdown_key))
        .group_by(*units_too, observations.c.period_year, observations.c.period_month)
        .order_by(*units_too, observations.c.period_month, observations.c.period_year)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    return _typed_series(frame, per_unit=per_unit)


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
    *,
    per_unit: bool = False,
) -> pd.DataFrame:
    rows = _cumulative_unit_rows(indicator_code, unit_filter, as_of)
    units_too = [rows.c.unit_id] if per_unit else []
    numerator = func.sum(rows.c.disbursed)
    denominator = func.sum(rows.c.plan)
    statement = (
        select(
            *units_too,
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
        .group_by(*units_too, rows.c.period_year, rows.c.period_month)
        .order_by(*units_too, rows.c.period_month, rows.c.period_year)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    return _typed_series(frame, per_unit=per_unit)


def _typed_series(frame: pd.DataFrame, *, per_unit: bool = False) -> pd.DataFrame:
    columns = ["unit_id", *_SERIES_COLUMNS] if per_unit else _SERIES_COLUMNS
    if frame.empty:
        frame = pd.DataFrame(columns=columns)
    if per_unit:
        frame = frame.assign(unit_id=frame["unit_id"].astype(str))
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
    )[columns]


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
    ``is_reported`` (bool: it reported for ``through_month`` itself; a flow indicator's
    unit that did not keeps its figures to the month before).
    """
    statement = _standing_statement(indicator_code, year, through_month, unit_filter, as_of)
    return _typed_standing(pd.DataFrame(conn.execute(statement).mappings().all()))


def _standing_statement(
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
) -> Select[Any]:
    """The statement of :func:`unit_standing` (one row per unit), to run or to build on."""
    indicator = get_indicator(indicator_code)
    if indicator.time_rollup is TimeRollup.CUMULATIVE:
        return _cumulative_standing(indicator_code, year, through_month, unit_filter, as_of)
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
            func.max(case((month == through_month, 1), else_=0)).label("is_reported"),
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
    return statement


def _cumulative_standing(
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter,
    as_of: dt.datetime | None,
) -> Select[Any]:
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
    return statement


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
    conn: Connection,
    indicator_codes: Sequence[str],
    through_month: dt.date,
    as_of: dt.datetime | None = None,
) -> int | None:
    """The latest ``period_year`` with a current observation of any of ``indicator_codes``
    in a month up to ``through_month`` (a month after it, not over yet, does not count);
    with ``as_of``, an observation as it stood then.

    Grain: one number; None when there is no such observation.

    Notes
    -----
    The current figures (no ``as_of``) are read per indicator and unit: the latest year
    of each pair, the last entry of the pair in the current-row index
    (``ux_observations_current``: indicator, unit, year, month, …), then the greatest of
    them. Every observation names a known indicator and unit (foreign keys), so that is
    the maximum over the same rows, without reading them all: at tier M on PostgreSQL the
    headline indicators' current rows are some 2 million (the online share split by
    procedure), read in 480-780 ms by one aggregate, against a few hundred index probes.
    As they stood at ``as_of`` the rows are not those of that index, and the one aggregate
    is kept.
    """
    codes = list(indicator_codes)
    if as_of is not None:
        statement = select(func.max(observations.c.period_year)).where(
            _version_condition(as_of),
            observations.c.indicator_id.in_(codes),
            observations.c.period_month <= through_month,
        )
    else:
        pair_latest = (
            select(observations.c.period_year)
            .where(
                observations.c.indicator_id == indicators.c.indicator_id,
                observations.c.unit_id == units.c.unit_id,
                observations.c.superseded_at.is_(None),
                observations.c.period_month <= through_month,
            )
            .order_by(observations.c.period_year.desc())
            .limit(1)
            .correlate(indicators, units)
            .scalar_subquery()
        )
        statement = (
            select(func.max(pair_latest))
            .select_from(indicators.join(units, true()))  # every pair
            .where(indicators.c.indicator_id.in_(codes))
        )
    year = conn.execute(statement).scalar_one()
    return None if year is None else int(year)


# --- rankings, groups and breakdowns --------------------------------------------------------

_RANKING_EXTRA = ["peer_rank", "peer_count", "peer_p25", "peer_median", "peer_p75"]


def unit_ranking(
    conn: Connection,
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter = UnitFilter(),
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """Each unit's standing (:func:`unit_standing`), its rank in its peer group and the
    group's quartiles.

    Grain: one row per unit, as :func:`unit_standing`. The peer group is the unit type
    (wards, communes, the special zone, departments, investors).

    Columns: those of :func:`unit_standing`, plus ``peer_rank`` (Int64, 1 = best by the
    indicator's direction, ties share a rank; missing when the unit has no value),
    ``peer_count`` (Int64: units of the group with a value), ``peer_p25``,
    ``peer_median``, ``peer_p75`` (floats: the group's quartiles of ``value``).

    Notes
    -----
    Quartiles interpolate linearly between the ordered values (position
    ``1 + q·(n − 1)``, the usual definition of spreadsheets and numpy), computed in SQL
    with integer arithmetic that SQLite and PostgreSQL read alike.
    """
    indicator = get_indicator(indicator_code)
    standing = _standing_statement(indicator_code, year, through_month, unit_filter, as_of).cte(
        "standing"
    )
    valued = (
        select(
            standing.c.unit_type,
            standing.c.value,
            func.row_number()
            .over(partition_by=standing.c.unit_type, order_by=standing.c.value)
            .label("position"),
            func.count().over(partition_by=standing.c.unit_type).label("n"),
        )
        .where(standing.c.value.is_not(None))
        .cte("valued")
    )

    def quantile(quarters: int) -> ColumnElement[float]:
        steps = quarters * (valued.c.n - 1)
        lower = 1 + steps // 4
        fraction = cast(steps % 4, Float) / 4.0
        return func.sum(
            case(
                (valued.c.position == lower, valued.c.value * (1.0 - fraction)),
                (valued.c.position == lower + 1, valued.c.value * fraction),
                else_=0.0,
            )
        )

    peers = (
        select(
            valued.c.unit_type,
            func.max(valued.c.n).label("peer_count"),
            quantile(1).label("peer_p25"),
            quantile(2).label("peer_median"),
            quantile(3).label("peer_p75"),
        )
        .group_by(valued.c.unit_type)
        .cte("peers")
    )
    best_first = standing.c.value.desc() if indicator.direction == "higher" else standing.c.value
    rank = case(
        (standing.c.value.is_(None), None),
        else_=func.rank().over(partition_by=standing.c.unit_type, order_by=best_first.nulls_last()),
    ).label("peer_rank")
    statement = (
        select(
            standing,
            rank,
            peers.c.peer_count,
            peers.c.peer_p25,
            peers.c.peer_median,
            peers.c.peer_p75,
        )
        .select_from(standing.outerjoin(peers, peers.c.unit_type == standing.c.unit_type))
        .order_by(standing.c.unit_type, rank.asc().nulls_last(), standing.c.unit_id)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    if frame.empty:
        frame = pd.DataFrame(columns=[*_STANDING_TEXT, *_STANDING_FLOATS, "is_demo"])
        frame = frame.assign(is_reported=pd.Series(dtype=bool))
        for column in _RANKING_EXTRA:
            frame[column] = pd.Series(dtype="float64")
    typed = _typed_standing(frame.drop(columns=_RANKING_EXTRA, errors="ignore"))
    return typed.assign(
        peer_rank=frame["peer_rank"].astype("Float64").astype("Int64"),
        peer_count=frame["peer_count"].astype("Float64").astype("Int64"),
        peer_p25=frame["peer_p25"].astype("float64"),
        peer_median=frame["peer_median"].astype("float64"),
        peer_p75=frame["peer_p75"].astype("float64"),
    )


def _group_key(table: Any = units) -> ColumnElement[str]:
    """The drill-down group of a unit: its former province for a ward, commune or the
    special zone; its type otherwise (``department``, ``investor``)."""
    return case(
        (table.c.unit_type.in_(COMMUNE_LEVEL_TYPES), table.c.former_province),
        else_=table.c.unit_type,
    )


_GROUP_COLUMNS = ["group_key", "numerator", "denominator", "value", "n_units"]


def group_standing(
    conn: Connection,
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter = UnitFilter(),
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """The figure of each drill-down group for ``year`` to ``through_month``.

    Grain: one row per group: the three former provinces (their wards, communes and the
    special zone), then ``department`` and ``investor``.

    Columns: ``group_key`` (str), ``numerator``, ``denominator``, ``value`` (ratio of
    sums of the group's units, as :func:`unit_standing` sums them), ``n_units`` (int).
    """
    standing = _standing_statement(indicator_code, year, through_month, unit_filter, as_of).cte(
        "standing"
    )
    key = _group_key(standing).label("group_key")
    numerator = func.sum(standing.c.numerator)
    denominator = func.sum(standing.c.denominator)
    statement = (
        select(
            key,
            cast(numerator, Float).label("numerator"),
            cast(denominator, Float).label("denominator"),
            _ratio(numerator, denominator).label("value"),
            func.count().label("n_units"),
        )
        .group_by(key)
        .order_by(key)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all(), columns=_GROUP_COLUMNS)
    return frame.assign(
        **{c: frame[c].astype("float64") for c in ("numerator", "denominator", "value")},
        n_units=frame["n_units"].astype("int64"),
    )


_GROUP_SERIES_COLUMNS = ["period_year", "period_month", "group_key", *_GROUP_COLUMNS[1:]]


def series_by_group(
    conn: Connection,
    indicator_code: str,
    unit_filter: UnitFilter = UnitFilter(),
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """One indicator's monthly series for each drill-down group (see :func:`group_standing`).

    Grain: one row per ``period_year`` × ``period_month`` × ``group_key``. A group's
    history before July 2025 is its territory's own (the former province's units).

    Columns: ``period_year`` (int), ``period_month`` (datetime64), ``group_key`` (str),
    ``numerator``, ``denominator``, ``value`` (ratio of sums), ``n_units`` (int: units
    that reported; for a cumulative indicator, units counted, carried forward or not).
    """
    indicator = get_indicator(indicator_code)
    if indicator.time_rollup is TimeRollup.CUMULATIVE:
        rows = _cumulative_unit_rows(indicator_code, unit_filter, as_of)
        joined = rows.join(units, units.c.unit_id == rows.c.unit_id)
        key = _group_key().label("group_key")
        numerator: ColumnElement[float] = func.sum(rows.c.disbursed)
        denominator: ColumnElement[float] = func.sum(rows.c.plan)
        period_year, period_month = rows.c.period_year, rows.c.period_month
        source: Any = joined
        conditions: list[ColumnElement[bool]] = []
    else:
        key = _group_key().label("group_key")
        numerator = func.sum(_paired(observations.c.numerator, indicator.is_rate))
        denominator = func.sum(_paired(observations.c.denominator, indicator.is_rate))
        period_year, period_month = observations.c.period_year, observations.c.period_month
        source = observations.join(units, units.c.unit_id == observations.c.unit_id)
        conditions = _total_rows(indicator_code, unit_filter, as_of)
    value = _ratio(numerator, denominator) if indicator.is_rate else cast(numerator, Float)
    statement = (
        select(
            period_year,
            period_month,
            key,
            cast(numerator, Float).label("numerator"),
            cast(denominator, Float).label("denominator"),
            value.label("value"),
            func.count().label("n_units"),
        )
        .select_from(source)
        .where(*conditions)
        .group_by(period_year, period_month, key)
        .order_by(period_month, period_year, key)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all(), columns=_GROUP_SERIES_COLUMNS)
    return frame.assign(
        period_year=frame["period_year"].astype("int64"),
        period_month=pd.to_datetime(frame["period_month"]),
        **{c: frame[c].astype("float64") for c in ("numerator", "denominator", "value")},
        n_units=frame["n_units"].astype("int64"),
    )


_BREAKDOWN_COLUMNS = [
    "breakdown_key",
    "code",
    "name_vi",
    "name_en",
    "sort_order",
    "attributes_json",
    "is_demo",
    "numerator",
    "denominator",
    "value",
    "n_units",
]


def breakdown_standing(
    conn: Connection,
    indicator_code: str,
    year: int,
    through_month: dt.date,
    dimension: str,
    unit_filter: UnitFilter = UnitFilter(),
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """The parts of one dimension (procedures) summed over the filtered units, for
    ``year`` to ``through_month``.

    Grain: one row per breakdown of ``dimension`` with rows in that time (largest
    denominator first).

    Columns: ``breakdown_key``, ``code``, ``name_vi``, ``name_en`` (str),
    ``sort_order`` (int), ``attributes_json`` (str: what the dimension adds, e.g. a
    procedure's online availability), ``is_demo`` (bool: the breakdown's definition is
    the demo's), ``numerator``, ``denominator``, ``value`` (ratio of sums), ``n_units``
    (int: units with the part).
    """
    indicator = get_indicator(indicator_code)
    if indicator.time_rollup is TimeRollup.CUMULATIVE:
        raise ValueError(f"{indicator_code} is cumulative and has no breakdowns")
    numerator = func.sum(_paired(observations.c.numerator, indicator.is_rate))
    denominator = func.sum(_paired(observations.c.denominator, indicator.is_rate))
    value = _ratio(numerator, denominator) if indicator.is_rate else cast(numerator, Float)
    conditions = _total_rows(indicator_code, unit_filter, as_of)[2:]
    statement = (
        select(
            breakdowns.c.breakdown_key,
            breakdowns.c.code,
            breakdowns.c.name_vi,
            breakdowns.c.name_en,
            breakdowns.c.sort_order,
            breakdowns.c.attributes_json,
            breakdowns.c.is_demo,
            cast(numerator, Float).label("numerator"),
            cast(denominator, Float).label("denominator"),
            value.label("value"),
            func.count(func.distinct(observations.c.unit_id)).label("n_units"),
        )
        .select_from(
            observations.join(units, units.c.unit_id == observations.c.unit_id).join(
                breakdowns, breakdowns.c.breakdown_key == observations.c.breakdown_key
            )
        )
        .where(
            observations.c.indicator_id == indicator_code,
            breakdowns.c.dimension == dimension,
            observations.c.period_year == year,
            observations.c.period_month <= through_month,
            *conditions,
        )
        .group_by(*(breakdowns.c[name] for name in _BREAKDOWN_COLUMNS[:7]))
        .order_by(denominator.desc(), breakdowns.c.sort_order)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all(), columns=_BREAKDOWN_COLUMNS)
    return frame.assign(
        sort_order=frame["sort_order"].astype("int64"),
        is_demo=frame["is_demo"].astype(bool),
        **{c: frame[c].astype("float64") for c in ("numerator", "denominator", "value")},
        n_units=frame["n_units"].astype("int64"),
    )


_BREAKDOWN_YEAR_COLUMNS = [
    "period_year",
    "breakdown_key",
    "code",
    "name_vi",
    "name_en",
    "sort_order",
    "attributes_json",
    "amount",
    "n_periods",
    "year_total",
    "share_pct",
    "is_demo",
]


def breakdown_by_year(
    conn: Connection,
    indicator_code: str,
    dimension: str,
    unit_filter: UnitFilter = UnitFilter(),
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """An amount indicator (GRDP) by the parts of one dimension (sectors), per year.

    Grain: one row per ``period_year`` × breakdown.

    Columns: ``period_year`` (int), ``breakdown_key``, ``code``, ``name_vi``,
    ``name_en`` (str), ``sort_order`` (int), ``attributes_json`` (str), ``amount``
    (float: Σ of the year's periods), ``n_periods`` (int: periods summed),
    ``year_total`` (float: Σ of every part that year), ``share_pct`` (float: amount ÷
    year_total × 100), ``is_demo`` (bool: any demo batch among the rows).
    """
    amount = func.sum(observations.c.numerator)
    parts = (
        select(
            observations.c.period_year,
            observations.c.breakdown_key,
            amount.label("amount"),
            func.count(func.distinct(observations.c.period_month)).label("n_periods"),
            func.max(case((load_batches.c.is_demo, 1), else_=0)).label("is_demo"),
        )
        .select_from(
            observations.join(units, units.c.unit_id == observations.c.unit_id)
            .join(breakdowns, breakdowns.c.breakdown_key == observations.c.breakdown_key)
            .join(load_batches, load_batches.c.batch_id == observations.c.batch_id)
        )
        .where(
            observations.c.indicator_id == indicator_code,
            breakdowns.c.dimension == dimension,
            *_total_rows(indicator_code, unit_filter, as_of)[2:],
        )
        .group_by(observations.c.period_year, observations.c.breakdown_key)
        .cte("parts")
    )
    year_total = func.sum(parts.c.amount).over(partition_by=parts.c.period_year)
    statement = (
        select(
            parts.c.period_year,
            parts.c.breakdown_key,
            breakdowns.c.code,
            breakdowns.c.name_vi,
            breakdowns.c.name_en,
            breakdowns.c.sort_order,
            breakdowns.c.attributes_json,
            cast(parts.c.amount, Float).label("amount"),
            parts.c.n_periods,
            cast(year_total, Float).label("year_total"),
            (100.0 * cast(parts.c.amount, Float) / cast(year_total, Float)).label("share_pct"),
            parts.c.is_demo,
        )
        .select_from(parts.join(breakdowns, breakdowns.c.breakdown_key == parts.c.breakdown_key))
        .order_by(parts.c.period_year, breakdowns.c.sort_order)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all(), columns=_BREAKDOWN_YEAR_COLUMNS)
    return frame.assign(
        period_year=frame["period_year"].astype("int64"),
        sort_order=frame["sort_order"].astype("int64"),
        n_periods=frame["n_periods"].astype("int64"),
        **{c: frame[c].astype("float64") for c in ("amount", "year_total", "share_pct")},
        is_demo=frame["is_demo"].astype(bool),
    )


# --- loads, submissions and plans -----------------------------------------------------------


def first_load_at(conn: Connection) -> dt.datetime | None:
    """When the warehouse's first observation was loaded (naive UTC); None when empty.

    Grain: one moment. No figure stood before it, so an "as of" date earlier than it has
    nothing to show.

    Notes
    -----
    The earliest ``observations.loaded_at``, read from ``load_batches``: no index of
    ``observations`` is led by ``loaded_at``, and at tier M on PostgreSQL the minimum over
    the table was a sequential scan of 0.4-1.2 s, sent on every page. A row of
    ``observations`` is written in one of two ways (:mod:`data_access.writes`, and the
    benchmark tiers' ``demo.build.append_bulk_batch``): by the load of its batch, with the
    batch's ``loaded_at`` (``row_count`` rows); or, again as a new version, by the undo of a
    batch that had replaced it, with that batch's ``undone_at``. Rows are only deleted with
    their batch. So the times are those of the observation batches with rows, and the undo
    times of the batches whose undo brought rows back (rows whose
    ``superseded_by_batch_id`` is the batch; an index probe per undone batch). Undone and
    replaced batches keep their rows, so they count.
    """
    batch = load_batches.c.batch_id
    loaded = select(func.min(load_batches.c.loaded_at).label("at")).where(
        load_batches.c.batch_kind == "observations", load_batches.c.row_count > 0
    )
    brought_back = select(func.min(load_batches.c.undone_at).label("at")).where(
        load_batches.c.undone_at.is_not(None),
        select(observations.c.observation_id)
        .where(observations.c.superseded_by_batch_id == batch)
        .exists(),
    )
    moments = union_all(loaded, brought_back).subquery("moments")
    value = conn.execute(select(func.min(moments.c.at))).scalar_one()
    if value is None:
        return None
    return pd.Timestamp(value).to_pydatetime()


def data_version(conn: Connection) -> tuple[int, int, int, str]:
    """A cheap fingerprint of the warehouse's content: it changes on every load and undo.

    Grain: one row over ``load_batches`` (every load of observations, capital plans or
    targets adds a batch; an undo marks one ``undone``): the number of batches, the highest
    batch id, the number undone and the latest undo time (ISO text, '' when none). Loads
    never delete batches, so the same four values mean the same current figures. Caches of
    computed figures are keyed on it (:mod:`data_access.cached`).
    """
    undone = load_batches.c.status == "undone"
    row = conn.execute(
        select(
            func.count(),
            func.max(load_batches.c.batch_id),
            func.coalesce(func.sum(case((undone, 1), else_=0)), 0),
            func.max(load_batches.c.undone_at),
        ).select_from(load_batches)
    ).one()
    count, highest, n_undone, last_undo = row
    last = "" if last_undo is None else pd.Timestamp(last_undo).isoformat()
    return int(count or 0), int(highest or 0), int(n_undone or 0), last


_SUBMISSION_COLUMNS = [
    "indicator_id",
    "period_year",
    "period_month",
    "first_loaded_at",
    "last_loaded_at",
    "n_versions",
]


def unit_submissions(
    conn: Connection,
    unit_id: str,
    as_of: dt.datetime | None = None,
    indicator_ids: tuple[str, ...] | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """What one unit submitted: every indicator and period it reported, and when.

    Grain: one row per ``indicator_id`` × ``period_year`` × ``period_month`` with a
    current version (at ``as_of``) of the unit's total; only ``indicator_ids`` and the
    periods of ``year`` (``period_year``) when given. The scorecard asks for its own
    indicators and the year it shows: a unit's whole history at tier L is 418 indicators
    over ten years (about 50,000 rows), of which a scorecard reads a few dozen.

    Columns: ``indicator_id`` (str), ``period_year`` (int), ``period_month``
    (datetime64), ``first_loaded_at`` (datetime64, UTC: when the period first arrived,
    which says whether it was late), ``last_loaded_at`` (the current version's load),
    ``n_versions`` (int: versions loaded by then).
    """
    loaded = (
        observations.c.loaded_at <= as_of.astimezone(dt.UTC).replace(tzinfo=None)
        if as_of is not None and as_of.tzinfo is not None
        else (observations.c.loaded_at <= as_of if as_of is not None else literal(True))
    )
    # The total's key written into the statement, not bound: the unit's totals are read
    # through the partial index ``ix_observations_unit_totals`` (breakdown_key = ''),
    # which a plan made for any value of a bound key (PostgreSQL's generic plan of a
    # prepared statement) could not use.
    is_total = observations.c.breakdown_key == literal(TOTAL_BREAKDOWN, literal_execute=True)
    chosen = [
        *(() if indicator_ids is None else (observations.c.indicator_id.in_(indicator_ids),)),
        *(() if year is None else (observations.c.period_year == year,)),
    ]
    every_version = (
        select(
            observations.c.indicator_id,
            observations.c.period_year,
            observations.c.period_month,
            func.min(observations.c.loaded_at).label("first_loaded_at"),
            func.count().label("n_versions"),
        )
        .where(observations.c.unit_id == unit_id, is_total, loaded, *chosen)
        .group_by(
            observations.c.indicator_id, observations.c.period_year, observations.c.period_month
        )
        .cte("every_version")
    )
    statement = (
        select(
            observations.c.indicator_id,
            observations.c.period_year,
            observations.c.period_month,
            every_version.c.first_loaded_at,
            observations.c.loaded_at.label("last_loaded_at"),
            every_version.c.n_versions,
        )
        .select_from(
            observations.join(
                every_version,
                and_(
                    every_version.c.indicator_id == observations.c.indicator_id,
                    every_version.c.period_year == observations.c.period_year,
                    every_version.c.period_month == observations.c.period_month,
                ),
            )
        )
        .where(observations.c.unit_id == unit_id, is_total, _version_condition(as_of), *chosen)
        .order_by(
            observations.c.indicator_id, observations.c.period_month, observations.c.period_year
        )
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all(), columns=_SUBMISSION_COLUMNS)
    return frame.assign(
        period_year=frame["period_year"].astype("int64"),
        period_month=pd.to_datetime(frame["period_month"]),
        first_loaded_at=pd.to_datetime(frame["first_loaded_at"]),
        last_loaded_at=pd.to_datetime(frame["last_loaded_at"]),
        n_versions=frame["n_versions"].astype("int64"),
    )


_PLAN_REVISION_COLUMNS = ["effective_date", "n_investors", "plan_billion_vnd", "source_document"]


def plan_revisions(
    conn: Connection,
    year: int,
    unit_filter: UnitFilter = UnitFilter(),
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """The capital plan of ``year`` and every change to it, summed over the filtered
    investors.

    Grain: one row per ``effective_date`` on which any investor's plan for ``year`` took
    effect (the approved plan, then each revision).

    Columns: ``effective_date`` (datetime64), ``n_investors`` (int: investors whose plan
    took effect that day), ``plan_billion_vnd`` (float: Σ over investors of the plan in
    force from that day), ``source_document`` (str: one of that day's documents).
    """
    plan_rows = (
        select(
            capital_plans.c.unit_id,
            capital_plans.c.effective_date,
            capital_plans.c.plan_billion_vnd,
            capital_plans.c.source_document,
        )
        .select_from(capital_plans.join(units, units.c.unit_id == capital_plans.c.unit_id))
        .where(
            capital_plans.c.plan_year == year,
            _version_condition(as_of, capital_plans),
            *_unit_conditions("public_investment_disbursement", unit_filter),
        )
        .cte("plan_rows")
    )
    days = (
        select(
            plan_rows.c.effective_date,
            func.count().label("n_investors"),
            func.min(plan_rows.c.source_document).label("source_document"),
        )
        .group_by(plan_rows.c.effective_date)
        .cte("days")
    )
    latest = (
        select(
            days.c.effective_date.label("day"),
            plan_rows.c.unit_id,
            func.max(plan_rows.c.effective_date).label("effective_date"),
        )
        .select_from(days.join(plan_rows, plan_rows.c.effective_date <= days.c.effective_date))
        .group_by(days.c.effective_date, plan_rows.c.unit_id)
        .cte("latest")
    )
    in_force = (
        select(latest.c.day, func.sum(plan_rows.c.plan_billion_vnd).label("plan_billion_vnd"))
        .select_from(
            latest.join(
                plan_rows,
                and_(
                    plan_rows.c.unit_id == latest.c.unit_id,
                    plan_rows.c.effective_date == latest.c.effective_date,
                ),
            )
        )
        .group_by(latest.c.day)
        .cte("in_force")
    )
    statement = (
        select(
            days.c.effective_date,
            days.c.n_investors,
            cast(in_force.c.plan_billion_vnd, Float).label("plan_billion_vnd"),
            days.c.source_document,
        )
        .select_from(days.join(in_force, in_force.c.day == days.c.effective_date))
        .order_by(days.c.effective_date)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all(), columns=_PLAN_REVISION_COLUMNS)
    return frame.assign(
        effective_date=pd.to_datetime(frame["effective_date"]),
        n_investors=frame["n_investors"].astype("int64"),
        plan_billion_vnd=frame["plan_billion_vnd"].astype("float64"),
    )


def breakdown_list(conn: Connection) -> pd.DataFrame:
    """Every breakdown (procedures, sectors). Grain: one row per breakdown; columns as the
    ``breakdowns`` table, by dimension and sort order."""
    statement = select(breakdowns).order_by(breakdowns.c.dimension, breakdowns.c.sort_order)
    frame = pd.DataFrame(
        conn.execute(statement).mappings().all(), columns=[c.name for c in breakdowns.columns]
    )
    return frame.assign(is_demo=frame["is_demo"].astype(bool))
