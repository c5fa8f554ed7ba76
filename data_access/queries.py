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

import pandas as pd
from sqlalchemy import (
    Connection,
    Float,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from data_access.schema import load_batches, observations, published_figures, units
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


def _version_condition(as_of: dt.datetime | None) -> ColumnElement[bool]:
    if as_of is None:
        return observations.c.superseded_at.is_(None)
    if as_of.tzinfo is not None:
        # Timestamps are stored as UTC without a zone; a zoned moment must be converted
        # here, or PostgreSQL and SQLite would read it differently.
        as_of = as_of.astimezone(dt.UTC).replace(tzinfo=None)
    return and_(
        observations.c.loaded_at <= as_of,
        or_(observations.c.superseded_at.is_(None), observations.c.superseded_at > as_of),
    )


def _unit_conditions(indicator_code: str, unit_filter: UnitFilter) -> list[ColumnElement[bool]]:
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
    for a rate, the numerator's sum otherwise), ``n_units`` (int units reporting),
    ``is_demo`` (bool: any demo batch among the rows), ``last_loaded_at`` (datetime64,
    UTC).
    """
    indicator = get_indicator(indicator_code)
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
            func.max(case((load_batches.c.is_demo, 1), else_=0)).label("is_demo"),
            func.max(observations.c.loaded_at).label("last_loaded_at"),
        )
        .select_from(
            observations.join(units, units.c.unit_id == observations.c.unit_id).join(
                load_batches, load_batches.c.batch_id == observations.c.batch_id
            )
        )
        .where(
            observations.c.indicator_id == indicator_code,
            _version_condition(as_of),
            *_unit_conditions(indicator_code, unit_filter),
        )
        .group_by(observations.c.period_year, observations.c.period_month)
        .order_by(observations.c.period_month, observations.c.period_year)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    return _typed_series(frame)


def _typed_series(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [
        "period_year",
        "period_month",
        "numerator",
        "denominator",
        "value",
        "n_units",
        "is_demo",
        "last_loaded_at",
    ]
    if frame.empty:
        frame = pd.DataFrame(columns=columns)
    return frame.assign(
        period_year=frame["period_year"].astype("int64"),
        period_month=pd.to_datetime(frame["period_month"]),
        numerator=frame["numerator"].astype("float64"),
        denominator=frame["denominator"].astype("float64"),
        value=frame["value"].astype("float64"),
        n_units=frame["n_units"].astype("int64"),
        is_demo=frame["is_demo"].astype(bool),
        last_loaded_at=pd.to_datetime(frame["last_loaded_at"]),
    )[columns]


def unit_standing(
    conn: Connection,
    indicator_code: str,
    year: int,
    through_month: dt.date,
    unit_filter: UnitFilter = UnitFilter(),
    as_of: dt.datetime | None = None,
) -> pd.DataFrame:
    """Each unit's figure for ``year`` to ``through_month``, and to the month before.

    Grain: one row per unit that reported the indicator in ``year``.

    For a flow indicator the figure is the ratio of sums over the year's months up to
    ``through_month`` (``value``) and up to the month before (``value_previous``); for
    a cumulative one (disbursement) it is that month's year-to-date figure.

    Columns: ``unit_id``, ``name_vi``, ``name_en``, ``unit_type``, ``former_province``,
    ``numerator``, ``denominator``, ``value``, ``numerator_previous``,
    ``denominator_previous``, ``value_previous`` (floats), ``is_demo`` (bool).
    """
    indicator = get_indicator(indicator_code)
    month = observations.c.period_month
    previous_month = (pd.Timestamp(through_month) - pd.DateOffset(months=1)).date()
    if indicator.time_rollup is TimeRollup.CUMULATIVE:

        def pick(column: ColumnElement[float], last: dt.date) -> ColumnElement[float]:
            return func.max(case((month == last, column), else_=None))
    else:

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
        )
        .select_from(
            observations.join(units, units.c.unit_id == observations.c.unit_id).join(
                load_batches, load_batches.c.batch_id == observations.c.batch_id
            )
        )
        .where(
            observations.c.indicator_id == indicator_code,
            observations.c.period_year == year,
            month <= through_month,
            _version_condition(as_of),
            *_unit_conditions(indicator_code, unit_filter),
        )
        .group_by(
            units.c.unit_id,
            units.c.name_vi,
            units.c.name_en,
            units.c.unit_type,
            units.c.former_province,
        )
        .order_by(units.c.unit_id)
    )
    frame = pd.DataFrame(conn.execute(statement).mappings().all())
    float_columns = [
        "numerator",
        "denominator",
        "value",
        "numerator_previous",
        "denominator_previous",
        "value_previous",
    ]
    text_columns = ["unit_id", "name_vi", "name_en", "unit_type", "former_province"]
    if frame.empty:
        frame = pd.DataFrame(columns=[*text_columns, *float_columns, "is_demo"])
    return frame.assign(
        **{column: frame[column].astype("float64") for column in float_columns},
        is_demo=frame["is_demo"].astype(bool),
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
