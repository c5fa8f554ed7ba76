"""Declared sources: indicators read from a warehouse in its own shape (issue 14, first slice).

A mapping file (YAML; ``data_access/sources.yaml`` by default, or the file named by
``DASHBOARD_SOURCES_FILE``) declares per indicator where its unit-month figures come from:
a named connection, either an SQL query or a table (or view) with a column mapping, an
optional unit-code crosswalk, and a freshness promise in days. Connection URLs never live in
the file: ``warehouse`` is the project's own database (``DASHBOARD_DB_URL``), and any other
name is read from ``DASHBOARD_SOURCE_URL_<NAME>``.

Reading is read-only (SELECT only; PostgreSQL sessions are opened read-only as well) and the
aggregation stays in the database: the declared query is wrapped as a subquery and the
city's monthly ratio of sums is computed over it in SQL. Contracts check each source.

    python -m data_access.sources check [--mapping FILE] [--lang vi|en]

Exit codes: 0 every contract passes; 1 any contract fails; 2 usage error (a malformed
mapping file). The data-governance page shows every source's health (:func:`check_health`,
cached in :mod:`data_access.cached`).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import os
import re
import sqlite3
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import yaml
from sqlalchemy import (
    Connection,
    Engine,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    column,
    create_engine,
    extract,
    func,
    literal_column,
    null,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.selectable import FromClause, Select, Subquery

from data_access.engine import STATEMENT_TIMEOUT_MS, database_url, url_problem
from data_access.queries import UnitFilter, _ratio, month_start
from data_access.submissions import reference
from i18n import LANGUAGES, catalogue, fmt_date, fmt_days, fmt_month, fmt_number, t
from metrics.clock import city_today, month_end, utc_now
from metrics.reference import COMMUNE_LEVEL_TYPES, LEAF_UNIT_TYPES
from metrics.registry import INDICATORS, Grain, TimeRollup

DEFAULT_MAPPING_PATH = Path(__file__).resolve().with_name("sources.yaml")
SOURCES_FILE_VARIABLE = "DASHBOARD_SOURCES_FILE"
SOURCE_URL_PREFIX = "DASHBOARD_SOURCE_URL_"
HOME_CONNECTION = "warehouse"
EXAMPLE_LIMIT = 5
TYPE_SAMPLE_ROWS = 500

ROLES = ("unit_code", "month", "numerator", "denominator", "value", "year")
"""The columns a source yields. ``year`` (the plan year) only for a cumulative indicator,
whose plan year runs to the January after it (the extension month)."""
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONNECTION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_INDICATOR_KEYS = {
    "connection",
    "sql",
    "table",
    "columns",
    "filters",
    "crosswalk",
    "crosswalk_file",
    "freshness_days",
    "breakdowns",
}
_INDICATORS = {indicator.code: indicator for indicator in INDICATORS}


# --- the mapping -----------------------------------------------------------------------------


class MappingError(Exception):
    """A malformed mapping: which file, indicator and field, what is wrong and how to fix it.

    ``problem`` names a pair of messages, ``sources_problem_<problem>`` and
    ``sources_fix_<problem>``, filled with ``values``.
    """

    def __init__(
        self, file: Path, indicator: str, field_name: str, problem: str, **values: object
    ) -> None:
        self.file = file
        self.indicator = indicator
        self.field_name = field_name
        self.problem = problem
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return t(
            "sources_mapping_error",
            lang,
            file=str(self.file),
            indicator=self.indicator or "—",
            field=self.field_name or "—",
            # Always formatted (even without values), so that {{ }} in the text become { }.
            problem=catalogue(lang)[f"sources_problem_{self.problem}"].format(**self.values),
            fix=catalogue(lang)[f"sources_fix_{self.problem}"].format(**self.values),
        )


@dataclass(frozen=True, slots=True)
class TableRef:
    name: str
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One declared breakdown of an indicator below its unit totals (the parts of one
    dimension: procedures, sectors), read through the indicator's connection and crosswalk.

    Its relation yields per unit code, month and part (``key``) the part's ``label`` (and
    ``label_en``), its numerator and denominator (or value), and optionally its display
    ``order``; ``attributes`` name further columns that describe the part (e.g. a
    procedure's ``online_availability``, a sector's ``group``). See :func:`_breakdown`."""

    dimension: str
    columns: dict[str, str]
    """Role (:data:`BREAKDOWN_ROLES`) → the source's column name."""
    sql: str | None = None
    table: TableRef | None = None
    filters: dict[str, object] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    """Attribute name → the source's column name."""


@dataclass(frozen=True, slots=True)
class Source:
    """One indicator's declared source."""

    indicator: str
    connection: str
    columns: dict[str, str]
    """Role (``unit_code``, ``month``, ``numerator``, ``denominator``, ``value``) → the
    source's column name."""
    freshness_days: int
    sql: str | None = None
    table: TableRef | None = None
    filters: dict[str, object] = field(default_factory=dict)
    crosswalk: dict[str, str] = field(default_factory=dict)
    """The source's unit code → the official code (``units.unit_id``)."""
    breakdowns: tuple[Breakdown, ...] = ()
    """Its declared breakdowns below the unit totals (:func:`declared_breakdown`)."""

    @property
    def is_rate(self) -> bool:
        return _INDICATORS[self.indicator].is_rate

    @property
    def city_grain(self) -> bool:
        return _INDICATORS[self.indicator].grain is Grain.CITY

    @property
    def is_cumulative(self) -> bool:
        """Year-to-date figures against a plan (disbursement): read by
        :func:`cumulative_series` and :func:`cumulative_unit_sums`."""
        return _INDICATORS[self.indicator].time_rollup is TimeRollup.CUMULATIVE


@dataclass(frozen=True, slots=True)
class SourceMapping:
    """A parsed mapping file."""

    path: Path
    sources: tuple[Source, ...]


def mapping_path() -> Path:
    """The deployment's mapping (``DASHBOARD_SOURCES_FILE``), else the project's default."""
    configured = os.environ.get(SOURCES_FILE_VARIABLE, "").strip()
    return Path(configured) if configured else DEFAULT_MAPPING_PATH


def _identifier(path: Path, code: str, field_name: str, value: object) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise MappingError(path, code, field_name, "identifier", value=repr(value))
    return value


def _table(path: Path, code: str, raw: object) -> TableRef:
    if isinstance(raw, str):
        parts = raw.split(".")
        if len(parts) > 2:
            raise MappingError(path, code, "table", "identifier", value=repr(raw))
        schema = _identifier(path, code, "table", parts[0]) if len(parts) == 2 else None
        return TableRef(_identifier(path, code, "table", parts[-1]), schema)
    if isinstance(raw, dict) and set(raw) <= {"name", "schema"} and "name" in raw:
        schema_raw = raw.get("schema")
        schema = None if schema_raw is None else _identifier(path, code, "table.schema", schema_raw)
        return TableRef(_identifier(path, code, "table.name", raw["name"]), schema)
    raise MappingError(path, code, "table", "table_shape")


def _crosswalk(path: Path, code: str, entry: dict[str, Any]) -> dict[str, str]:
    if "crosswalk" in entry and "crosswalk_file" in entry:
        raise MappingError(path, code, "crosswalk_file", "both_crosswalks")
    if "crosswalk" in entry:
        raw = entry["crosswalk"]
        if not isinstance(raw, dict) or not raw:
            raise MappingError(path, code, "crosswalk", "crosswalk_shape")
        return {str(key): str(value) for key, value in raw.items()}
    if "crosswalk_file" in entry:
        file = Path(str(entry["crosswalk_file"]))
        file = file if file.is_absolute() else path.parent / file
        try:
            with file.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except OSError:
            raise MappingError(
                path, code, "crosswalk_file", "crosswalk_file_missing", value=str(file)
            ) from None
        if not rows or not {"source_code", "unit_code"} <= set(rows[0]):
            raise MappingError(
                path, code, "crosswalk_file", "crosswalk_file_columns", value=str(file)
            )
        return {row["source_code"].strip(): row["unit_code"].strip() for row in rows}
    return {}


def _source(path: Path, code: object, entry: object) -> Source:
    if not isinstance(code, str) or code not in _INDICATORS:
        known = ", ".join(sorted(_INDICATORS))
        raise MappingError(path, str(code), "", "unknown_indicator", known=known)
    indicator = _INDICATORS[code]
    if not isinstance(entry, dict):
        raise MappingError(path, code, "", "entry_shape")
    unknown = sorted(set(entry) - _INDICATOR_KEYS)
    if unknown:
        raise MappingError(
            path, code, str(unknown[0]), "unknown_key", known=", ".join(sorted(_INDICATOR_KEYS))
        )
    connection = entry.get("connection")
    if not isinstance(connection, str) or "://" in connection:
        raise MappingError(path, code, "connection", "connection_url")
    if not _CONNECTION_NAME.match(connection):
        raise MappingError(path, code, "connection", "connection_name", value=repr(connection))
    days = entry.get("freshness_days")
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        raise MappingError(path, code, "freshness_days", "freshness", value=repr(days))
    if ("sql" in entry) == ("table" in entry):
        raise MappingError(path, code, "sql", "sql_or_table")
    sql: str | None = None
    table_ref: TableRef | None = None
    if "sql" in entry:
        sql = entry["sql"]
        if not isinstance(sql, str) or not re.match(r"^\s*(select|with)\b", sql, re.I):
            raise MappingError(path, code, "sql", "sql_select")
        if ";" in sql.strip().rstrip(";"):
            raise MappingError(path, code, "sql", "sql_one_statement")
        sql = sql.strip().rstrip(";")
        if "filters" in entry:
            raise MappingError(path, code, "filters", "filters_with_sql")
    else:
        table_ref = _table(path, code, entry["table"])
    raw_columns = entry.get("columns", {} if sql is not None else None)
    if not isinstance(raw_columns, dict):
        raise MappingError(path, code, "columns", "columns_shape")
    wrong = sorted(set(raw_columns) - set(ROLES))
    if wrong:
        raise MappingError(path, code, f"columns.{wrong[0]}", "column_role", known=", ".join(ROLES))
    columns = {
        role: _identifier(path, code, f"columns.{role}", name) for role, name in raw_columns.items()
    }
    if "year" in columns and indicator.time_rollup is not TimeRollup.CUMULATIVE:
        raise MappingError(path, code, "columns.year", "year_role")
    if sql is not None:  # an SQL source may name its columns by their roles directly
        columns = {role: role for role in _roles_needed(indicator.is_rate)} | columns
        if not indicator.is_rate and not {"numerator", "value"} & set(columns):
            columns["numerator"] = "numerator"
    needed = ["unit_code", "month", *(["numerator", "denominator"] if indicator.is_rate else [])]
    for role in needed:
        if role not in columns:
            raise MappingError(path, code, f"columns.{role}", "column_missing", role=role)
    if not indicator.is_rate and not ({"numerator", "value"} & set(columns)):
        raise MappingError(path, code, "columns.value", "column_missing", role="value")
    filters: dict[str, object] = {}
    raw_filters = entry.get("filters", {})
    if not isinstance(raw_filters, dict):
        raise MappingError(path, code, "filters", "filters_shape")
    for name, value in raw_filters.items():
        _identifier(path, code, f"filters.{name}", name)
        if value is not None and not isinstance(value, str | int | float | bool):
            raise MappingError(path, code, f"filters.{name}", "filters_shape")
        filters[str(name)] = value
    return Source(
        indicator=code,
        connection=connection,
        columns=columns,
        freshness_days=days,
        sql=sql,
        table=table_ref,
        filters=filters,
        crosswalk=_crosswalk(path, code, entry),
        breakdowns=_breakdowns(path, code, entry),
    )


def _roles_needed(is_rate: bool) -> tuple[str, ...]:
    if is_rate:
        return ("unit_code", "month", "numerator", "denominator")
    return ("unit_code", "month")


def load_mapping(path: Path | None = None) -> SourceMapping:
    """Parse and check a mapping file; raises :class:`MappingError` when it is malformed."""
    path = path or mapping_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise MappingError(path, "", "", "file_missing") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise MappingError(path, "", "", "yaml", line=line) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), dict):
        raise MappingError(path, "", "indicators", "top_shape")
    if raw.get("version") != 1:
        raise MappingError(path, "", "version", "version", value=repr(raw.get("version")))
    extra = sorted(set(raw) - {"version", "indicators"})
    if extra:
        raise MappingError(path, "", extra[0], "top_shape")
    sources = tuple(_source(path, code, entry) for code, entry in raw["indicators"].items())
    if not sources:
        raise MappingError(path, "", "indicators", "top_shape")
    return SourceMapping(path, sources)


# --- connections -----------------------------------------------------------------------------


def connection_url(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The URL of a named connection: ``DASHBOARD_SOURCE_URL_<NAME>``; for ``warehouse``
    the project's own database when that variable is not set. None when not configured."""
    environ = os.environ if environ is None else environ
    configured = environ.get(SOURCE_URL_PREFIX + name.upper(), "").strip()
    if configured:
        return configured
    return database_url() if name == HOME_CONNECTION else None


def read_only_engine(url: str) -> Engine:
    """An engine that only reads: SQLite opened in read-only mode (nothing, not even a
    journal setting, is written), PostgreSQL sessions read-only with a statement time limit."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        # An SQLite URI made here, not by SQLAlchemy's URL parser: the path percent-encoded
        # (a '?' or '#' in it would end the path), then mode=ro.
        uri = "file:" + quote(str(Path(parsed.database).resolve()), safe="/") + "?mode=ro"
        return create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
            poolclass=NullPool,
        )
    connect_args: dict[str, object] = {}
    if backend == "postgresql":
        connect_args = {
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
            "-c default_transaction_read_only=on",
            "connect_timeout": 5,
        }
    return create_engine(url, poolclass=NullPool, connect_args=connect_args)


# --- reading ---------------------------------------------------------------------------------


def _raw_from(source: Source) -> FromClause:
    """The declared relation, as it is: the SQL wrapped as a subquery, or the table."""
    if source.sql is not None:
        # The mapping's SQL is configuration, not user input; colons are escaped so that
        # text such as '00:00' or PostgreSQL's ::date is not read as a bound parameter.
        return text(source.sql.replace(":", "\\:")).columns().subquery("declared")
    assert source.table is not None
    return table(source.table.name, schema=source.table.schema)


def canonical(source: Source) -> Subquery:
    """The declared relation with its columns renamed to their roles (identifiers quoted by
    the dialect) and the mapping's filters applied as bound parameters."""
    raw = _raw_from(source)
    selected: list[ColumnElement[Any]] = [
        column(name).label(role) for role, name in source.columns.items()
    ]
    conditions = [
        column(name).is_(None)
        if value is None
        else column(name) == bindparam(f"filter_{name}", value)
        for name, value in source.filters.items()
    ]
    return select(*selected).select_from(raw).where(*conditions).subquery("src")


def _amount(src: Subquery, role: str, is_rate: bool) -> ColumnElement[Any]:
    """A rate's row counts only when it has both numerator and denominator (as in the
    project's own queries)."""
    if not is_rate:
        return src.c[role]
    both = and_(src.c.numerator.is_not(None), src.c.denominator.is_not(None))
    return case((both, src.c[role]), else_=None)


def city_series(conn: Connection, source: Source) -> pd.DataFrame:
    """The city's figure per month, summed in the database over the declared rows.

    Grain: one row per month. Columns: ``period_month`` (datetime64), ``numerator``,
    ``denominator`` (float sums), ``value`` (ratio of sums in % for a rate; the sum of the
    value, or of the numerator, otherwise), ``n_rows`` (int).
    """
    src = canonical(source)
    month = month_start(src.c.month)
    numerator: ColumnElement[Any]
    denominator: ColumnElement[Any]
    if source.is_rate:
        numerator = func.sum(_amount(src, "numerator", True))
        denominator = func.sum(_amount(src, "denominator", True))
        value: ColumnElement[Any] = _ratio(numerator, denominator)
    else:
        role = "value" if "value" in source.columns else "numerator"
        numerator = func.sum(src.c[role])
        denominator = func.sum(src.c.denominator) if "denominator" in src.c else null()
        value = cast(numerator, Float)
    statement = (
        select(
            month.label("period_month"),
            cast(numerator, Float).label("numerator"),
            cast(denominator, Float).label("denominator"),
            value.label("value"),
            func.count().label("n_rows"),
        )
        .group_by(month)
        .order_by(month)
    )
    frame = pd.DataFrame(
        conn.execute(statement).mappings().all(),
        columns=["period_month", "numerator", "denominator", "value", "n_rows"],
    )
    frame["period_month"] = pd.to_datetime(frame["period_month"])
    for name in ("numerator", "denominator", "value"):
        frame[name] = frame[name].astype(float)
    return frame


def as_scope_series(series: pd.DataFrame) -> pd.DataFrame:
    """A declared source's :func:`city_series` in the shape of the project's own
    ``data_access.queries.scope_series`` (for the pages): ``period_year`` from the month,
    ``n_units`` and ``n_expected`` the declared rows, ``is_demo`` False (a city's own data)
    and ``last_loaded_at`` unknown (NaT)."""
    months = pd.to_datetime(series["period_month"]).astype("datetime64[ns]")
    return pd.DataFrame(
        {
            "period_year": months.dt.year.astype("int64"),
            "period_month": months,
            "numerator": series["numerator"].astype("float64"),
            "denominator": series["denominator"].astype("float64"),
            "value": series["value"].astype("float64"),
            "n_units": series["n_rows"].astype("int64"),
            "n_expected": series["n_rows"].astype("int64"),
            "is_demo": False,
            "last_loaded_at": pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]"),
        }
    )


def unit_sums(conn: Connection, source: Source, year: int, through_month: dt.date) -> pd.DataFrame:
    """Each source unit code's sums over ``year``'s months to ``through_month`` and to the
    month before, summed in the database over the declared rows (as the project's own
    ``queries.unit_standing`` sums its observations; a rate's row counts only with both
    numerator and denominator).

    Grain: one row per source unit code with a row in those months. Columns: ``unit_code``
    (str), ``numerator``, ``denominator``, ``numerator_previous``, ``denominator_previous``
    (float sums; NaN when nothing was summed), ``is_reported`` (bool: a row for
    ``through_month`` itself).
    """
    src = canonical(source)
    month = month_start(src.c.month)
    through: ColumnElement[Any] = bindparam("through_month", through_month)
    previous: ColumnElement[Any] = bindparam(
        "previous_month", (pd.Timestamp(through_month) - pd.DateOffset(months=1)).date()
    )
    role = "numerator" if source.is_rate or "value" not in source.columns else "value"
    numerator = _amount(src, role, source.is_rate)
    # A typed NULL without a denominator: PostgreSQL has no sum() of the text a bare one is.
    denominator: ColumnElement[Any] = (
        _amount(src, "denominator", source.is_rate)
        if "denominator" in src.c
        else cast(null(), Float)
    )

    def pick(amount: ColumnElement[Any], last: ColumnElement[Any]) -> ColumnElement[Any]:
        return cast(func.sum(case((month <= last, amount), else_=None)), Float)

    statement = (
        select(
            src.c.unit_code,
            pick(numerator, through).label("numerator"),
            pick(denominator, through).label("denominator"),
            pick(numerator, previous).label("numerator_previous"),
            pick(denominator, previous).label("denominator_previous"),
            func.max(case((month == through, 1), else_=0)).label("is_reported"),
        )
        .where(month >= bindparam("year_start", dt.date(year, 1, 1)), month <= through)
        .group_by(src.c.unit_code)
    )
    columns = [
        "unit_code",
        "numerator",
        "denominator",
        "numerator_previous",
        "denominator_previous",
        "is_reported",
    ]
    frame = pd.DataFrame(conn.execute(statement).all(), columns=columns)
    return frame.assign(
        unit_code=frame["unit_code"].astype(str),
        **{name: frame[name].astype("float64") for name in columns[1:5]},
        is_reported=frame["is_reported"].fillna(0).astype(bool),
    )


AMOUNTS = ["numerator", "denominator", "numerator_previous", "denominator_previous"]
"""The sums of :func:`unit_sums`."""


def _plan_year(src: Subquery, month: ColumnElement[Any]) -> ColumnElement[Any]:
    """A cumulative source's plan year: its ``year`` column, else the month's year."""
    if "year" in src.c:
        return cast(src.c.year, Integer)
    return cast(extract("year", month), Integer)


def cumulative_rows(source: Source, year: int | None = None) -> Subquery:
    """A cumulative source's figures per source unit code, plan year and month, as the
    project's own queries carry them (``queries._cumulative_unit_rows``).

    Grain: one row per plan year × month in which any declared row of that plan year
    falls × source unit code with a row in that plan year, once it has a plan.

    Columns: ``plan_year``, ``period_month``, ``unit_code``, ``disbursed`` (the latest
    year-to-date figure given up to the month, 0 before the first), ``plan`` (the latest
    plan given up to the month: the denominator), ``is_reported`` (1 when the row of that
    very month has a numerator). A missing report keeps the investor's last figure and
    plan; rows before an investor's first plan are left out. Built in SQL over the
    declared relation (window functions), so nothing is carried in the app.
    """
    src = canonical(source)
    month = month_start(src.c.month)
    plan_year = _plan_year(src, month)
    base = (
        select(
            src.c.unit_code.label("unit_code"),
            plan_year.label("plan_year"),
            month.label("period_month"),
            src.c.numerator.label("numerator"),
            src.c.denominator.label("denominator"),
        )
        .where(*([plan_year == bindparam("plan_year", year)] if year is not None else []))
        .cte("declared_rows")
    )
    grid = select(base.c.plan_year, base.c.period_month).distinct().cte("declared_months")
    codes = select(base.c.unit_code, base.c.plan_year).distinct().cte("declared_codes")
    dense = (
        select(
            grid.c.plan_year,
            grid.c.period_month,
            codes.c.unit_code,
            base.c.numerator,
            base.c.denominator,
        )
        .select_from(
            grid.join(codes, codes.c.plan_year == grid.c.plan_year).outerjoin(
                base,
                and_(
                    base.c.unit_code == codes.c.unit_code,
                    base.c.plan_year == grid.c.plan_year,
                    base.c.period_month == grid.c.period_month,
                ),
            )
        )
        .cte("declared_dense")
    )
    # Carry each figure forward: the running count of given figures numbers the stretch
    # since each, and every row of a stretch takes that figure.
    by_code_year = (dense.c.unit_code, dense.c.plan_year)

    def running(value: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.count(value).over(
            partition_by=by_code_year, order_by=dense.c.period_month, rows=(None, 0)
        )

    stretched = select(
        dense,
        running(dense.c.numerator).label("numerator_stretch"),
        running(dense.c.denominator).label("denominator_stretch"),
    ).cte("declared_stretched")
    code_year = (stretched.c.unit_code, stretched.c.plan_year)
    carried = select(
        stretched.c.plan_year,
        stretched.c.period_month,
        stretched.c.unit_code,
        func.coalesce(
            func.max(stretched.c.numerator).over(
                partition_by=(*code_year, stretched.c.numerator_stretch)
            ),
            0.0,
        ).label("disbursed"),
        func.max(stretched.c.denominator)
        .over(partition_by=(*code_year, stretched.c.denominator_stretch))
        .label("plan"),
        case((stretched.c.numerator.is_not(None), 1), else_=0).label("is_reported"),
    ).subquery("declared_carried")
    return select(carried).where(carried.c.plan.is_not(None)).subquery("declared_cumulative")


def cumulative_series(conn: Connection, source: Source) -> pd.DataFrame:
    """The city's series of a cumulative source (disbursement), in the shape of the
    project's own ``queries.scope_series``: per plan year and month, Σ year-to-date
    disbursed ÷ Σ plan over every investor (:func:`cumulative_rows`), summed in the database.

    Grain: one row per ``period_year`` (the plan year) × ``period_month``. ``n_units`` are
    the investors that reported that month, ``n_expected`` every investor counted (those
    that did not report carried), ``is_demo`` False and ``last_loaded_at`` unknown (NaT).
    """
    rows = cumulative_rows(source)
    numerator = func.sum(rows.c.disbursed)
    denominator = func.sum(rows.c.plan)
    statement = (
        select(
            rows.c.plan_year.label("period_year"),
            rows.c.period_month,
            cast(numerator, Float).label("numerator"),
            cast(denominator, Float).label("denominator"),
            _ratio(numerator, denominator).label("value"),
            cast(func.sum(rows.c.is_reported), Integer).label("n_units"),
            func.count().label("n_expected"),
        )
        .group_by(rows.c.plan_year, rows.c.period_month)
        .order_by(rows.c.period_month, rows.c.plan_year)
    )
    names = ["period_year", "period_month", "numerator", "denominator", "value"]
    frame = pd.DataFrame(conn.execute(statement).all(), columns=[*names, "n_units", "n_expected"])
    return pd.DataFrame(
        {
            "period_year": frame["period_year"].astype("int64"),
            "period_month": pd.to_datetime(frame["period_month"]).astype("datetime64[ns]"),
            "numerator": frame["numerator"].astype("float64"),
            "denominator": frame["denominator"].astype("float64"),
            "value": frame["value"].astype("float64"),
            "n_units": frame["n_units"].astype("int64"),
            "n_expected": frame["n_expected"].astype("int64"),
            "is_demo": False,
            "last_loaded_at": pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"),
        }
    )


def cumulative_unit_sums(
    conn: Connection, source: Source, year: int, through_month: dt.date
) -> pd.DataFrame:
    """:func:`unit_sums` for a cumulative source: each source unit code's year-to-date
    figure and plan of plan year ``year`` at ``through_month`` and at the month before (the
    last ones given carried, :func:`cumulative_rows`), read in the database.

    Grain: one row per source unit code counted at ``through_month``. Columns as
    :func:`unit_sums` (``is_reported``: a report for ``through_month`` itself).
    """
    rows = cumulative_rows(source, year)
    through: ColumnElement[Any] = bindparam("through_month", through_month)
    previous: ColumnElement[Any] = bindparam(
        "previous_month", (pd.Timestamp(through_month) - pd.DateOffset(months=1)).date()
    )

    def pick(amount: ColumnElement[Any], wanted: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.max(case((rows.c.period_month == wanted, amount), else_=None))

    numerator = pick(rows.c.disbursed, through)
    statement = (
        select(
            rows.c.unit_code,
            cast(numerator, Float).label("numerator"),
            cast(pick(rows.c.plan, through), Float).label("denominator"),
            cast(pick(rows.c.disbursed, previous), Float).label("numerator_previous"),
            cast(pick(rows.c.plan, previous), Float).label("denominator_previous"),
            pick(rows.c.is_reported, through).label("is_reported"),
        )
        .where(rows.c.period_month.in_([through, previous]))
        .group_by(rows.c.unit_code)
        .having(numerator.is_not(None))
    )
    columns = ["unit_code", *AMOUNTS, "is_reported"]
    frame = pd.DataFrame(conn.execute(statement).all(), columns=columns)
    return frame.assign(
        unit_code=frame["unit_code"].astype(str),
        **{name: frame[name].astype("float64") for name in AMOUNTS},
        is_reported=frame["is_reported"].fillna(0).astype(bool),
    )


STANDING_COLUMNS = [
    "unit_id",
    "name_vi",
    "name_en",
    "unit_type",
    "former_province",
    "numerator",
    "denominator",
    "value",
    "numerator_previous",
    "denominator_previous",
    "value_previous",
    "is_demo",
    "is_reported",
]
"""The columns of ``data_access.queries.unit_standing``, in its order."""


def _percent(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """``100 · numerator ÷ denominator`` where the denominator is above 0 (as in SQL)."""
    return (100.0 * numerator / denominator).where(denominator > 0)


def _kept(source: Source, units: pd.DataFrame, unit_filter: Any) -> pd.Series:
    """Which of the project's units a declared figure is summed over, as the project's own
    queries choose them: the indicator's level (the city, or wards, communes, departments
    and investors) and ``unit_filter`` (a ``queries.UnitFilter``; ignored for a city-level
    indicator). One home for the standings and the filtered scopes."""
    allowed = ("city",) if source.city_grain else LEAF_UNIT_TYPES
    keep = units["unit_type"].isin(allowed)
    if not source.city_grain:
        if unit_filter.former_provinces:
            keep &= units["former_province"].isin(unit_filter.former_provinces)
        if unit_filter.unit_types:
            keep &= units["unit_type"].isin(unit_filter.unit_types)
        if unit_filter.unit_ids:
            keep &= units["unit_id"].astype(str).isin(unit_filter.unit_ids)
    return keep


def as_unit_standing(
    sums: pd.DataFrame,
    source: Source,
    units: pd.DataFrame,
    unit_filter: Any,
) -> pd.DataFrame:
    """:func:`unit_sums` in the shape of ``data_access.queries.unit_standing``: the source's
    codes turned into official ones through the crosswalk (codes that meet are summed), the
    project's units (names, type, former province) joined, kept to the indicator's level
    (the city, or wards, communes, departments and investors) and to ``unit_filter``
    (a ``queries.UnitFilter``), ``is_demo`` False (a city's own data), ordered by unit."""
    official = sums.assign(unit_id=[source.crosswalk.get(code, code) for code in sums["unit_code"]])
    amounts = AMOUNTS
    grouped = (
        official.groupby("unit_id", sort=True)
        .agg(
            **{name: (name, lambda s: s.sum(min_count=1)) for name in amounts},
            is_reported=("is_reported", "max"),
        )
        .reset_index()
    )
    keep = _kept(source, units, unit_filter)
    attributes = units.loc[keep, STANDING_COLUMNS[:5]].assign(
        unit_id=lambda f: f["unit_id"].astype(str)
    )
    frame = attributes.merge(grouped, on="unit_id", how="inner").sort_values("unit_id")
    frame = frame.astype({name: "float64" for name in amounts})  # also when nothing was read
    frame = frame.assign(
        value=_percent(frame["numerator"], frame["denominator"]),
        value_previous=_percent(frame["numerator_previous"], frame["denominator_previous"]),
        is_demo=False,
        is_reported=frame["is_reported"].astype(bool),
    )
    return frame[STANDING_COLUMNS].reset_index(drop=True)


def source_codes(source: Source, unit_id: str) -> list[str]:
    """The source's unit codes that the crosswalk turns into ``unit_id`` (a code the
    crosswalk does not list stands for itself)."""
    codes = {code for code, official in source.crosswalk.items() if official == unit_id}
    if unit_id not in source.crosswalk:
        codes.add(unit_id)
    return sorted(codes)


UNIT_MONTH_COLUMNS = ["unit_code", "period_year", "period_month", "numerator", "denominator"]


def unit_code_month_sums(conn: Connection, source: Source, codes: Sequence[str]) -> pd.DataFrame:
    """Per source unit code among ``codes`` and month, the sums in the source's database
    (a rate's row counts only with both numerator and denominator; a cumulative source's
    figures carried as :func:`cumulative_rows` carries them).

    Grain: one row per source unit code × ``period_year`` × ``period_month`` (for a flow
    indicator the year is the month's; for a cumulative one the plan year). Columns:
    ``unit_code`` (str), ``period_year`` (int), ``period_month`` (datetime64),
    ``numerator``, ``denominator`` (float sums), ``n_rows`` (int: rows summed; for a
    cumulative source 1 when the code reported that month, else 0), ``n_expected`` (int:
    rows counted, carried ones included).
    """
    wanted: BindParameter[list[str]] = bindparam(
        "unit_codes", [str(code) for code in codes], expanding=True
    )
    if source.is_cumulative:
        rows = cumulative_rows(source)
        statement = select(
            rows.c.unit_code,
            rows.c.plan_year,
            rows.c.period_month,
            cast(rows.c.disbursed, Float),
            cast(rows.c.plan, Float),
            rows.c.is_reported,
            literal_column("1"),
        ).where(cast(rows.c.unit_code, String).in_(wanted))
    else:
        src = canonical(source)
        month = month_start(src.c.month)
        role = "numerator" if source.is_rate or "value" not in source.columns else "value"
        denominator: ColumnElement[Any] = (
            func.sum(_amount(src, "denominator", source.is_rate))
            if "denominator" in src.c
            else null()
        )
        statement = (
            select(
                src.c.unit_code,
                cast(extract("year", month), Integer),
                month,
                cast(func.sum(_amount(src, role, source.is_rate)), Float),
                cast(denominator, Float),
                func.count(),
                func.count(),
            )
            .where(cast(src.c.unit_code, String).in_(wanted))
            .group_by(src.c.unit_code, month)
        )
    columns = [*UNIT_MONTH_COLUMNS, "n_rows", "n_expected"]
    frame = pd.DataFrame(conn.execute(statement).all(), columns=columns)
    return frame.assign(
        unit_code=frame["unit_code"].astype(str),
        period_year=frame["period_year"].astype("int64"),
        period_month=pd.to_datetime(frame["period_month"]).astype("datetime64[ns]"),
        numerator=frame["numerator"].astype("float64"),
        denominator=frame["denominator"].astype("float64"),
        n_rows=frame["n_rows"].astype("int64"),
        n_expected=frame["n_expected"].astype("int64"),
    )


def as_unit_series(sums: pd.DataFrame, source: Source) -> pd.DataFrame:
    """:func:`unit_code_month_sums` of one unit's source codes in the shape of the project's own
    ``queries.scope_series`` for that unit: the codes summed per month (ratio of sums for a
    rate), ``n_units`` the rows reported, ``n_expected`` the rows counted, ``is_demo`` False
    and ``last_loaded_at`` unknown (NaT); ordered by month, then year."""
    grouped = (
        sums.groupby(["period_year", "period_month"], sort=False)
        .agg(
            numerator=("numerator", lambda s: s.sum(min_count=1)),
            denominator=("denominator", lambda s: s.sum(min_count=1)),
            n_units=("n_rows", "sum"),
            n_expected=("n_expected", "sum"),
        )
        .reset_index()
        .sort_values(["period_month", "period_year"], kind="mergesort")
        .reset_index(drop=True)
    )
    numerator = grouped["numerator"].astype("float64")
    denominator = grouped["denominator"].astype("float64")
    value = _percent(numerator, denominator) if source.is_rate else numerator
    return pd.DataFrame(
        {
            "period_year": grouped["period_year"].astype("int64"),
            "period_month": pd.to_datetime(grouped["period_month"]).astype("datetime64[ns]"),
            "numerator": numerator,
            "denominator": denominator,
            "value": value.astype("float64"),
            "n_units": grouped["n_units"].astype("int64"),
            "n_expected": grouped["n_expected"].astype("int64"),
            "is_demo": False,
            "last_loaded_at": pd.Series(pd.NaT, index=grouped.index, dtype="datetime64[ns]"),
        }
    )


def rank_standing(standing: pd.DataFrame, higher_is_better: bool) -> pd.DataFrame:
    """A :func:`as_unit_standing` frame with each unit's rank in its peer group (its unit
    type) and the group's quartiles, as ``data_access.queries.unit_ranking`` gives them:
    ``peer_rank`` (Int64, 1 = best, ties share a rank, missing without a value),
    ``peer_count`` (Int64), ``peer_p25``, ``peer_median``, ``peer_p75`` (linear
    interpolation between the ordered values); ordered by unit type, rank, unit.

    A few hundred rows at most, already summed in the source's database: ranked here."""
    valued = standing[standing["value"].notna()]
    groups = valued.groupby("unit_type")["value"]
    peers = pd.DataFrame(
        {
            "peer_count": groups.size(),
            "peer_p25": groups.quantile(0.25),
            "peer_median": groups.quantile(0.5),
            "peer_p75": groups.quantile(0.75),
        }
    ).reset_index()
    rank = standing.groupby("unit_type")["value"].rank(method="min", ascending=not higher_is_better)
    frame = standing.assign(peer_rank=rank).merge(peers, on="unit_type", how="left")
    frame = frame.sort_values(
        ["unit_type", "peer_rank", "unit_id"], na_position="last", kind="mergesort"
    ).reset_index(drop=True)
    return frame.assign(
        peer_rank=frame["peer_rank"].astype("Float64").astype("Int64"),
        peer_count=frame["peer_count"].astype("Float64").astype("Int64"),
        peer_p25=frame["peer_p25"].astype("float64"),
        peer_median=frame["peer_median"].astype("float64"),
        peer_p75=frame["peer_p75"].astype("float64"),
    )


# --- filtered scopes and groups (issue 14, second slice) -----------------------------------

MONTH_SUMS = ["unit_code", "period_month", "numerator", "denominator", "n_rows"]
"""The columns of :func:`unit_month_sums`."""
_SERIES_OUT = [
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
_GROUP_SERIES_OUT = [
    "period_year",
    "period_month",
    "group_key",
    "numerator",
    "denominator",
    "value",
    "n_units",
]
_GROUP_OUT = ["group_key", "numerator", "denominator", "value", "n_units"]


def unit_month_sums(conn: Connection, source: Source) -> pd.DataFrame:
    """Each source unit code's sums per month, summed in the database over the declared
    rows (a rate's row counts only with both numerator and denominator, as in
    :func:`city_series`).

    Grain: one row per source unit code and month (a few hundred units × the months kept).
    Columns: ``unit_code`` (str), ``period_month`` (datetime64, first of month),
    ``numerator``, ``denominator`` (float sums; NaN when nothing was summed), ``n_rows``
    (int: the declared rows of that code and month).
    """
    src = canonical(source)
    month = month_start(src.c.month)
    role = "numerator" if source.is_rate or "value" not in source.columns else "value"
    numerator = _amount(src, role, source.is_rate)
    # A typed NULL without a denominator: PostgreSQL cannot choose a sum() for a bare one.
    denominator: ColumnElement[Any] = (
        _amount(src, "denominator", source.is_rate)
        if "denominator" in src.c
        else cast(null(), Float)
    )
    statement = (
        select(
            src.c.unit_code,
            month.label("period_month"),
            cast(func.sum(numerator), Float).label("numerator"),
            cast(func.sum(denominator), Float).label("denominator"),
            func.count().label("n_rows"),
        )
        .group_by(src.c.unit_code, month)
        .order_by(month, src.c.unit_code)
    )
    frame = pd.DataFrame(conn.execute(statement).all(), columns=MONTH_SUMS)
    return frame.assign(
        unit_code=frame["unit_code"].astype(str),
        period_month=pd.to_datetime(frame["period_month"]),
        numerator=frame["numerator"].astype("float64"),
        denominator=frame["denominator"].astype("float64"),
        n_rows=frame["n_rows"].astype("int64"),
    )


def kept_units(source: Source, units: pd.DataFrame, unit_filter: Any) -> pd.DataFrame:
    """The project's units a declared figure is summed over, as the project's own queries
    choose them: the indicator's level (the city, or wards, communes, departments and
    investors) and ``unit_filter`` (a ``queries.UnitFilter``; ignored for a city-level
    indicator). Columns: ``unit_id`` (str), ``unit_type``, ``former_province``."""
    keep = _kept(source, units, unit_filter)
    kept = units.loc[keep, ["unit_id", "unit_type", "former_province"]]
    return kept.assign(unit_id=kept["unit_id"].astype(str)).reset_index(drop=True)


def _kept_month_sums(
    sums: pd.DataFrame, source: Source, units: pd.DataFrame, unit_filter: Any
) -> pd.DataFrame:
    """:func:`unit_month_sums` turned into official codes through the crosswalk and kept
    to the filter's units (a code the project's unit list does not hold counts nowhere,
    as an observation of an unknown unit counts nowhere in the project's own queries)."""
    official = sums.assign(unit_id=[source.crosswalk.get(code, code) for code in sums["unit_code"]])
    return official.merge(kept_units(source, units, unit_filter), on="unit_id", how="inner")


def _summed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Numerator and denominator summed per ``keys`` (float; NaN when nothing was summed,
    as SQL's SUM) and ``n_units``, the rows counted."""
    grouped = (
        frame.groupby(keys, sort=True)
        .agg(
            numerator=("numerator", lambda s: s.sum(min_count=1)),
            denominator=("denominator", lambda s: s.sum(min_count=1)),
            n_units=("n_rows", "sum"),
        )
        .reset_index()
    )
    grouped = grouped.astype({"numerator": "float64", "denominator": "float64"})
    return grouped


def _month_totals(frame: pd.DataFrame, keys: list[str], source: Source) -> pd.DataFrame:
    """Sums per ``keys`` (the month, and a group): numerator and denominator (NaN when
    nothing was summed, as SQL's SUM), the value (ratio of sums for a rate, the numerator
    otherwise) and the rows counted."""
    grouped = _summed(frame, keys)
    value = (
        _percent(grouped["numerator"], grouped["denominator"])
        if source.is_rate
        else grouped["numerator"]
    )
    return grouped.assign(value=value.astype("float64"), n_units=grouped["n_units"].astype("int64"))


def as_filtered_series(
    sums: pd.DataFrame, source: Source, units: pd.DataFrame, unit_filter: Any
) -> pd.DataFrame:
    """:func:`unit_month_sums` summed over the units of ``unit_filter`` (a former province,
    a unit type, one unit), in the shape of ``data_access.queries.scope_series``:
    ``n_units`` and ``n_expected`` the declared rows, ``is_demo`` False (a city's own data),
    ``last_loaded_at`` unknown (NaT). One row per month with a row of those units."""
    kept = _kept_month_sums(sums, source, units, unit_filter)
    totals = _month_totals(kept, ["period_month"], source)
    months = pd.to_datetime(totals["period_month"])
    frame = totals.assign(
        period_year=months.dt.year.astype("int64"),
        period_month=months,
        n_expected=totals["n_units"],
        is_demo=False,
        last_loaded_at=pd.Series(pd.NaT, index=totals.index, dtype="datetime64[ns]"),
    )
    return frame[_SERIES_OUT].reset_index(drop=True)


def _group_keys(kept: pd.DataFrame) -> pd.Series:
    """The drill-down group of a unit (as ``queries._group_key``): its former province for
    a ward, commune or the special zone; its type otherwise."""
    communes = kept["unit_type"].isin(COMMUNE_LEVEL_TYPES)
    return kept["former_province"].where(communes, kept["unit_type"]).astype(str)


def as_series_by_group(
    sums: pd.DataFrame, source: Source, units: pd.DataFrame, unit_filter: Any
) -> pd.DataFrame:
    """:func:`unit_month_sums` summed per month and drill-down group (the former provinces,
    ``department``, ``investor``), in the shape of ``data_access.queries.series_by_group``."""
    kept = _kept_month_sums(sums, source, units, unit_filter)
    kept = kept.assign(group_key=_group_keys(kept))
    totals = _month_totals(kept, ["period_month", "group_key"], source)
    months = pd.to_datetime(totals["period_month"])
    frame = totals.assign(period_year=months.dt.year.astype("int64"), period_month=months)
    frame = frame.sort_values(["period_month", "period_year", "group_key"], kind="mergesort")
    return frame[_GROUP_SERIES_OUT].reset_index(drop=True)


def as_group_standing(standing: pd.DataFrame) -> pd.DataFrame:
    """An :func:`as_unit_standing` frame summed per drill-down group, in the shape of
    ``data_access.queries.group_standing``: the ratio of the group's sums (a ratio for every
    indicator, as there) and the units in the group."""
    frame = standing.assign(group_key=_group_keys(standing), n_rows=1)
    grouped = _summed(frame, ["group_key"])
    grouped = grouped.assign(
        value=_percent(grouped["numerator"], grouped["denominator"]).astype("float64"),
        n_units=grouped["n_units"].astype("int64"),
        group_key=grouped["group_key"].astype(object if grouped.empty else str),
    )
    return grouped[_GROUP_OUT].reset_index(drop=True)


# --- a cumulative source's filtered scopes and groups (issue 14, srcdisb2) ----------------

CUMULATIVE_GROUP_SUMS = [
    "period_year",
    "period_month",
    "group_key",
    "numerator",
    "denominator",
    "n_reported",
    "n_expected",
]
"""The columns of :func:`cumulative_group_sums`."""


def cumulative_code_groups(
    source: Source, units: pd.DataFrame, unit_filter: Any, *, by_group: bool
) -> dict[str, str]:
    """Which of a cumulative source's unit codes a filtered scope (or its drill-down groups)
    is summed over: each source code whose official code (through the crosswalk; a code the
    crosswalk does not list stands for itself) is a unit of ``unit_filter`` at the
    indicator's level (:func:`kept_units`) → its group key (:func:`_group_keys` with
    ``by_group``, else ``""``: one group, the scope). A code of no such unit is left out,
    as an observation of an unknown unit counts nowhere in the project's own queries."""
    kept = kept_units(source, units, unit_filter)
    keys = _group_keys(kept) if by_group else pd.Series("", index=kept.index)
    wanted = dict(zip(kept["unit_id"], keys.astype(str), strict=True))
    codes = {
        code: wanted[official] for code, official in source.crosswalk.items() if official in wanted
    }
    for unit_id, key in wanted.items():
        if unit_id not in source.crosswalk:  # the official code stands for itself
            codes[unit_id] = key
    return codes


def cumulative_group_sums(
    conn: Connection, source: Source, code_groups: Mapping[str, str]
) -> pd.DataFrame:
    """A cumulative source's figures (:func:`cumulative_rows`: a missing report keeps the
    investor's last figure and plan; an investor counts from its first plan) summed in the
    database per plan year, month and group, over the source codes of ``code_groups``
    (source code → group key, :func:`cumulative_code_groups`); the codes of no group are
    not summed. The months are those in which any declared row falls (in the scope or not),
    as the project's own ``queries._cumulative_unit_rows`` takes them.

    Grain: one row per ``period_year`` (the plan year) × ``period_month`` × ``group_key``
    with an investor counted. Columns: ``period_year`` (int), ``period_month``
    (datetime64), ``group_key`` (str), ``numerator`` (Σ year to date), ``denominator``
    (Σ plan in force) (float), ``n_reported`` (int: investors that reported that month),
    ``n_expected`` (int: investors counted, carried ones included).
    """
    if not code_groups:
        return _typed_group_sums(pd.DataFrame(columns=CUMULATIVE_GROUP_SUMS))
    rows = cumulative_rows(source)
    # The group of each code as a CASE over bound parameters: a few hundred codes at most.
    key = case(
        {str(code): str(group) for code, group in code_groups.items()},
        value=cast(rows.c.unit_code, String),
        else_=null(),
    )
    grouped = select(rows, key.label("group_key")).subquery("declared_grouped")
    statement = (
        select(
            grouped.c.plan_year,
            grouped.c.period_month,
            grouped.c.group_key,
            cast(func.sum(grouped.c.disbursed), Float),
            cast(func.sum(grouped.c.plan), Float),
            cast(func.sum(grouped.c.is_reported), Integer),
            func.count(),
        )
        .where(grouped.c.group_key.is_not(None))
        .group_by(grouped.c.plan_year, grouped.c.period_month, grouped.c.group_key)
        .order_by(grouped.c.period_month, grouped.c.plan_year, grouped.c.group_key)
    )
    frame = pd.DataFrame(conn.execute(statement).all(), columns=CUMULATIVE_GROUP_SUMS)
    return _typed_group_sums(frame)


def _typed_group_sums(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        period_year=frame["period_year"].astype("int64"),
        period_month=pd.to_datetime(frame["period_month"]),
        group_key=frame["group_key"].astype(str),
        numerator=frame["numerator"].astype("float64"),
        denominator=frame["denominator"].astype("float64"),
        n_reported=frame["n_reported"].astype("int64"),
        n_expected=frame["n_expected"].astype("int64"),
    )[CUMULATIVE_GROUP_SUMS]


def as_cumulative_scope_series(sums: pd.DataFrame) -> pd.DataFrame:
    """:func:`cumulative_group_sums` of one group (a filtered scope) in the shape of the
    project's own ``queries.scope_series``: Σ year to date ÷ Σ plan, ``n_units`` the
    investors that reported, ``n_expected`` those counted, ``is_demo`` False and
    ``last_loaded_at`` unknown (NaT); ordered by month, then plan year."""
    frame = sums.sort_values(["period_month", "period_year"], kind="mergesort").reset_index(
        drop=True
    )
    return pd.DataFrame(
        {
            "period_year": frame["period_year"].astype("int64"),
            "period_month": pd.to_datetime(frame["period_month"]),
            "numerator": frame["numerator"].astype("float64"),
            "denominator": frame["denominator"].astype("float64"),
            "value": _percent(frame["numerator"], frame["denominator"]).astype("float64"),
            "n_units": frame["n_reported"].astype("int64"),
            "n_expected": frame["n_expected"].astype("int64"),
            "is_demo": False,
            "last_loaded_at": pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"),
        }
    )


def as_cumulative_series_by_group(sums: pd.DataFrame) -> pd.DataFrame:
    """:func:`cumulative_group_sums` per drill-down group in the shape of the project's own
    ``queries.series_by_group``: Σ year to date ÷ Σ plan per group and month, ``n_units``
    the investors counted (carried forward or not, as there)."""
    frame = sums.sort_values(
        ["period_month", "period_year", "group_key"], kind="mergesort"
    ).reset_index(drop=True)
    return pd.DataFrame(
        {
            "period_year": frame["period_year"].astype("int64"),
            "period_month": pd.to_datetime(frame["period_month"]),
            # Text, or object when empty, as the project's own query gives it.
            "group_key": frame["group_key"].astype(object if frame.empty else str),
            "numerator": frame["numerator"].astype("float64"),
            "denominator": frame["denominator"].astype("float64"),
            "value": _percent(frame["numerator"], frame["denominator"]).astype("float64"),
            "n_units": frame["n_expected"].astype("int64"),
        }
    )


# --- contracts -------------------------------------------------------------------------------

CONTRACTS = (
    "reachable",
    "columns",
    "units_known",
    "one_row_per_unit_month",
    "within_bounds",
    "no_future_months",
    "fresh",
)


@dataclass(frozen=True, slots=True)
class ContractResult:
    """One contract on one source. ``passed`` is None when it was not run (an earlier
    contract failed, so its question cannot be asked)."""

    code: str
    passed: bool | None
    checked: int = 0
    failing: int = 0
    examples: tuple[str, ...] = ()
    values: dict[str, object] = field(default_factory=dict)
    variant: str = ""
    """Which of the contract's messages applies (e.g. ``missing`` or ``type`` columns)."""

    def message(self, lang: str) -> str:
        if self.passed is None:
            return t("sources_not_run", lang)
        key = f"sources_{self.code}_{'pass' if self.passed else 'fail'}"
        key += f"_{self.variant}" if self.variant else ""
        return t(
            key,
            lang,
            checked=fmt_number(self.checked, lang),
            failing=fmt_number(self.failing, lang),
            examples="; ".join(self.examples),
            **{name: _in_format(name, value, lang) for name, value in self.values.items()},
        )


def _in_format(name: str, value: object, lang: str) -> object:
    """A contract message's value in the reader's format (GLOSSARY): a count as
    ``14.996`` / ``14,996``, the last month as ``tháng 10/2026`` / ``Oct 2026``, a day as
    ``29/11/2026`` / ``29 Nov 2026``, a number of days as ``1 ngày`` / ``1 day``; text
    as it is."""
    if isinstance(value, bool) or not isinstance(value, int | dt.date):
        return value
    if name in {"days", "late"} and isinstance(value, int):
        return fmt_days(value, lang)
    if isinstance(value, dt.date):
        return fmt_month(value, lang) if name == "last" else fmt_date(value, lang)
    return fmt_number(value, lang)


@dataclass(frozen=True, slots=True)
class SourceReport:
    indicator: str
    connection: str
    results: tuple[ContractResult, ...]
    rows: int | None = None
    last_month: dt.date | None = None
    query_seconds: float | None = None

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)


def _as_month(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    return dt.date.fromisoformat(str(value)[:10]).replace(day=1)


def _is_month(value: object) -> bool:
    if isinstance(value, dt.date):
        return True
    try:
        dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return True


def _is_number(value: object) -> bool:
    return value is None or (
        isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    )


def _columns_result(conn: Connection, source: Source) -> ContractResult:
    """The promised columns exist, and a sample of their values has the promised types."""
    raw = _raw_from(source)
    probe: Select[Any] = select(literal_column("*")).select_from(raw).limit(0)
    present = set(conn.execute(probe).keys())
    wanted = sorted({*source.columns.values(), *source.filters})
    missing = [name for name in wanted if name not in present]
    if missing:
        return ContractResult(
            "columns",
            False,
            checked=len(wanted),
            failing=len(missing),
            examples=tuple(missing),
            variant="missing",
        )
    src = canonical(source)
    sample = conn.execute(select(src).limit(TYPE_SAMPLE_ROWS)).mappings().all()
    bad: list[str] = []
    for row in sample:
        for role, value in row.items():
            ok = (
                value is not None
                if role in ("unit_code", "key")
                else _is_month(value)
                if role == "month"
                else True
                if role in _BREAKDOWN_TEXT_ROLES or role.startswith("attribute_")
                else _is_number(value)
            )
            if not ok:
                bad.append(f"{source.columns[role]}={value!r}")
    if bad:
        return ContractResult(
            "columns",
            False,
            checked=len(sample),
            failing=len(bad),
            examples=tuple(bad[:EXAMPLE_LIMIT]),
            variant="type",
        )
    return ContractResult("columns", True, checked=len(wanted))


def _unit_result(conn: Connection, source: Source, unit_types: dict[str, str]) -> ContractResult:
    src = canonical(source)
    counts = conn.execute(
        select(src.c.unit_code, func.count()).group_by(src.c.unit_code).order_by(src.c.unit_code)
    ).all()
    allowed = ("city",) if source.city_grain else LEAF_UNIT_TYPES
    unknown: list[tuple[str, int]] = []
    for code, count in counts:
        official = source.crosswalk.get(str(code), str(code))
        if unit_types.get(official) not in allowed:
            unknown.append((str(code), int(count)))
    return ContractResult(
        "units_known",
        not unknown,
        checked=len(counts),
        failing=len(unknown),
        examples=tuple(code for code, _ in unknown[:EXAMPLE_LIMIT]),
        values={"rows": sum(count for _, count in unknown)},
    )


def _count_and_examples(
    conn: Connection, src: Subquery, condition: ColumnElement[bool], show: Sequence[str]
) -> tuple[int, int, tuple[str, ...]]:
    total = int(conn.execute(select(func.count()).select_from(src)).scalar() or 0)
    failing = int(conn.execute(select(func.count()).where(condition)).scalar() or 0)
    examples: tuple[str, ...] = ()
    if failing:
        rows = conn.execute(
            select(*(src.c[name] for name in show))
            .where(condition)
            .order_by(src.c.month, src.c.unit_code)
            .limit(EXAMPLE_LIMIT)
        ).all()
        examples = tuple(
            " ".join(f"{name}={_shown(value)}" for name, value in zip(show, row, strict=True))
            for row in rows
        )
    return total, failing, examples


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)[:10] if _looks_like_iso_date(value) else str(value)


def _looks_like_iso_date(value: object) -> bool:
    return isinstance(value, str) and bool(re.match(r"^\d{4}-\d{2}-\d{2}", value))


def check_source(
    source: Source, url: str | None, unit_types: dict[str, str], today: dt.date | None = None
) -> SourceReport:
    """Run every contract on one source; never raises for a source's own problems."""
    today = today or city_today()

    def skipped(after: str) -> tuple[ContractResult, ...]:
        rest = CONTRACTS[CONTRACTS.index(after) + 1 :]
        return tuple(ContractResult(code, None) for code in rest)

    def unreachable(detail: str, variant: str = "") -> SourceReport:
        result = ContractResult(
            "reachable",
            False,
            values={"connection": source.connection, "detail": detail},
            variant=variant,
        )
        return SourceReport(source.indicator, source.connection, (result, *skipped("reachable")))

    if url is None:
        return unreachable(SOURCE_URL_PREFIX + source.connection.upper(), "not_configured")
    problem = url_problem(url)
    if problem is not None:
        return unreachable(problem[1])
    engine = read_only_engine(url)
    try:
        try:
            conn = engine.connect()
        except SQLAlchemyError as error:
            return unreachable(_first(error))
        with conn:
            reachable = ContractResult("reachable", True, values={"connection": source.connection})
            try:
                columns = _columns_result(conn, source)
                if columns.passed:
                    return _contracts(conn, source, unit_types, today, (reachable, columns))
            except SQLAlchemyError as error:
                conn.rollback()
                columns = ContractResult(
                    "columns",
                    False,
                    failing=1,
                    examples=(_first(error),),
                    variant="query",
                )
            except (ValueError, TypeError, ArithmeticError) as error:
                # A value the sampled types did not show (e.g. a month that is not a date,
                # beyond the sample): said as a type failure, never raised to the page.
                conn.rollback()
                columns = ContractResult(
                    "columns",
                    False,
                    failing=1,
                    examples=(_first(error),),
                    variant="type",
                )
            return SourceReport(
                source.indicator, source.connection, (reachable, columns, *skipped("columns"))
            )
    finally:
        engine.dispose()


def _contracts(
    conn: Connection,
    source: Source,
    unit_types: dict[str, str],
    today: dt.date,
    done: tuple[ContractResult, ...],
) -> SourceReport:
    """The contracts after the columns: units, one row per unit-month, bounds, future
    months and freshness; and the figures of the report (rows, last month, query time)."""
    started = time.perf_counter()
    series = city_series(conn, source)
    seconds = time.perf_counter() - started
    rows = int(series["n_rows"].sum())
    last = series["period_month"].max().date() if len(series) else None
    results = [*done, _unit_result(conn, source, unit_types)]
    src = canonical(source)
    month = month_start(src.c.month)
    results.append(_one_row_result(conn, source, src, month, rows))
    if source.is_rate:
        out_of_bounds = or_(
            src.c.numerator > src.c.denominator, src.c.numerator < 0, src.c.denominator < 0
        )
        show = ("unit_code", "month", "numerator", "denominator")
        total, failing, examples = _count_and_examples(conn, src, out_of_bounds, show)
        results.append(ContractResult("within_bounds", failing == 0, total, failing, examples))
    else:
        results.append(ContractResult("within_bounds", True, checked=rows, variant="value"))
    future = month > bindparam("this_month", today.replace(day=1))
    total, failing, examples = _count_and_examples(conn, src, future, ("unit_code", "month"))
    results.append(
        ContractResult(
            "no_future_months",
            failing == 0,
            total,
            failing,
            examples,
            values={"today": today},
        )
    )
    results.append(_fresh_result(source, last, today))
    return SourceReport(source.indicator, source.connection, tuple(results), rows, last, seconds)


def _one_row_result(
    conn: Connection, source: Source, src: Subquery, month: ColumnElement[Any], rows: int
) -> ContractResult:
    """One row per unit and month, after the crosswalk: two rows of one source code, or
    rows of two source codes that the crosswalk turns into the same unit, for one month.

    The rows are counted per source code and month in SQL (a few hundred units × months);
    the crosswalk is applied to those counts here.
    """
    # A cumulative source's January may hold two plan years (the extension month of the
    # year before, and the new year): one row per unit, plan year and month.
    keys: list[ColumnElement[Any]] = [src.c.unit_code, month]
    if source.is_cumulative and "year" in src.c:
        keys.append(_plan_year(src, month))
    counts = conn.execute(select(*keys, func.count()).group_by(*keys)).all()
    grouped: dict[tuple[str, dt.date, str], list[tuple[str, int]]] = {}
    for code, when, *plan_years, n in counts:
        plan_year = plan_years[0] if plan_years else None
        official = source.crosswalk.get(str(code), str(code))
        key = (official, _as_month(when), "" if plan_year is None else f" year={plan_year}")
        grouped.setdefault(key, []).append((str(code), int(n)))
    duplicates = sorted(
        (when, "+".join(sorted(code for code, _ in parts)), shown, sum(n for _, n in parts))
        for (_, when, shown), parts in grouped.items()
        if sum(n for _, n in parts) > 1
    )
    return ContractResult(
        "one_row_per_unit_month",
        not duplicates,
        checked=rows,
        failing=sum(n for *_, n in duplicates),
        examples=tuple(
            f"unit_code={codes}{shown} month={when.isoformat()} ×{n}"
            for when, codes, shown, n in duplicates[:EXAMPLE_LIMIT]
        ),
    )


def _first(error: Exception) -> str:
    cause = getattr(error, "orig", None) or error.__cause__ or error
    return str(cause).strip().splitlines()[0][:300]


def _fresh_result(source: Source, last: dt.date | None, today: dt.date) -> ContractResult:
    """The newest month ended no more than ``freshness_days`` before today (a month in the
    future counts as fresh here; its own contract reports it)."""
    days = source.freshness_days
    if last is None:
        return ContractResult("fresh", False, values={"last": "—", "days": days, "late": "—"})
    due = month_end(last) + dt.timedelta(days=days)
    late = (today - due).days
    values: dict[str, object] = {"last": last, "days": days, "late": late}
    return ContractResult("fresh", late <= 0, checked=1, failing=int(late > 0), values=values)


def known_units(home_url: str) -> dict[str, str]:
    """The project's own unit list (official code → unit type), read from its warehouse."""
    engine = read_only_engine(home_url)
    try:
        with engine.connect() as conn:
            return reference(conn).unit_types
    finally:
        engine.dispose()


def check_mapping(
    mapping: SourceMapping,
    unit_types: dict[str, str],
    environ: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> list[SourceReport]:
    """Every contract on every declared source."""
    return [
        check_source(source, connection_url(source.connection, environ), unit_types, today)
        for source in mapping.sources
    ]


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """The outcome of one check of the configured mapping: every source's report, or why
    none could be made (a malformed mapping file, or the project's own unit list unread).

    Plain values only (no exceptions), so that it can be cached and pickled.
    """

    path: Path
    checked_at: dt.datetime
    """When the check ran (UTC)."""
    reports: tuple[SourceReport, ...] = ()
    mapping_problem: dict[str, str] = field(default_factory=dict)
    """The malformed mapping's message per language; empty when the file is well formed."""
    units_problem: str | None = None
    """Why the project's own unit list could not be read (the checks need it)."""
    breakdowns: tuple[BreakdownReport, ...] = ()
    """Every declared breakdown's report (:func:`check_breakdowns`)."""

    @property
    def is_default(self) -> bool:
        """Whether the mapping is the project's own default declaration."""
        return is_default_mapping(self.path)

    @property
    def failing(self) -> dict[str, SourceReport]:
        """Indicator code → its report, for every source that fails a contract."""
        return {report.indicator: report for report in self.reports if not report.passed}


def is_default_mapping(path: Path) -> bool:
    """Whether ``path`` is the project's own mapping (``data_access/sources.yaml``).

    The path itself first: with no mapping configured it is the default path object, and
    resolving both on every read cost a page run 7-20 file-system lookups (issue 12)."""
    if path == DEFAULT_MAPPING_PATH:
        return True
    try:
        return path.resolve() == DEFAULT_MAPPING_PATH.resolve()
    except OSError:
        return False


def first_failure(report: SourceReport) -> ContractResult | None:
    """The first contract a source fails (later ones were not run or are less basic)."""
    return next((result for result in report.results if result.passed is False), None)


def failure_text(report: SourceReport, lang: str) -> str:
    """``Chưa đủ dữ liệu để đánh giá: nguồn số liệu không đạt kiểm tra “…”: …`` — what a
    page (or the briefing) says in place of an indicator whose declared source fails: the
    first contract it fails, and its message (text from the source: escape it for Markdown)."""
    failure = first_failure(report)
    if failure is None:  # not called for a passing source; said plainly if it were
        return t("status_not_assessable", lang)
    return t(
        "tile_source_failed",
        lang,
        contract=t(f"sources_contract_{failure.code}", lang),
        reason=failure.message(lang),
    )


def check_health(
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> SourceHealth:
    """Check every declared source of the mapping at ``path`` (the configured one by
    default); never raises for a malformed mapping or an unreachable warehouse."""
    path = path or mapping_path()
    checked_at = now or utc_now()
    try:
        mapping = load_mapping(path)
    except MappingError as error:
        problems = {lang: error.text(lang) for lang in LANGUAGES}
        return SourceHealth(path, checked_at, mapping_problem=problems)
    home = connection_url(HOME_CONNECTION, environ)
    if home is None:  # only when an environ without the home connection is given
        home = database_url()
    try:
        problem = url_problem(home)
        if problem is not None:
            raise SQLAlchemyError(problem[1])
        unit_types = known_units(home)
    except SQLAlchemyError as error:
        return SourceHealth(path, checked_at, units_problem=_first(error))
    reports = check_mapping(mapping, unit_types, environ, today)
    parts = check_breakdowns(mapping, unit_types, environ, today)
    return SourceHealth(path, checked_at, tuple(reports), breakdowns=tuple(parts))


# --- declared breakdowns below the unit totals (issue 14, breakdowns) -----------------------

BREAKDOWN_DIMENSIONS = ("procedure", "sector")
"""The dimensions the pages break an indicator down by: administrative procedures (the
Online services page's procedures table and drill-down) and sectors (the Digital economy
page's GRDP by sector)."""
BREAKDOWN_ROLES = (
    "unit_code",
    "month",
    "key",
    "label",
    "label_en",
    "order",
    "numerator",
    "denominator",
    "value",
)
"""The columns a declared breakdown yields: the unit code and month as for the totals, the
part's ``key`` (its code) and ``label`` (``label_en`` optional, else the label), its
display ``order`` (optional: a number; else by key), and its figures."""
_BREAKDOWN_TEXT_ROLES = frozenset({"label", "label_en"})
_BREAKDOWN_FIELDS = {"sql", "table", "columns", "filters", "attributes"}
BREAKDOWN_CONTRACTS = (
    "reachable",
    "columns",
    "units_known",
    "one_row_per_unit_month_key",
    "within_bounds",
    "no_future_months",
)
"""The contracts of a declared breakdown: those of a source, one row per unit, month and
part instead of per unit and month, and no freshness of its own (its indicator's totals
carry the promise)."""
BREAKDOWN_COLUMNS = [
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
"""The columns of ``data_access.queries.breakdown_standing``, in its order."""
BREAKDOWN_YEAR_COLUMNS = [
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
"""The columns of ``data_access.queries.breakdown_by_year``, in its order."""
PART_LIST_COLUMNS = ["breakdown_key", "dimension", "code", "name_vi", "name_en", "sort_order"]
PART_LIST_COLUMNS += ["attributes_json", "is_demo"]
"""The columns of ``data_access.queries.breakdown_list`` (the ``breakdowns`` table)."""
PART_SUMS = ["unit_code", "code", "numerator", "denominator", "n_rows"]
"""The columns of :func:`breakdown_unit_sums`."""
PART_YEAR_SUMS = ["unit_code", "period_year", "code", "amount", "n_periods"]
"""The columns of :func:`breakdown_year_sums`."""


def _breakdowns(path: Path, code: str, entry: dict[str, Any]) -> tuple[Breakdown, ...]:
    """An indicator's optional ``breakdowns:`` (dimension → declaration, :func:`_breakdown`)."""
    raw = entry.get("breakdowns")
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not raw:
        raise MappingError(path, code, "breakdowns", "breakdowns_shape")
    if _INDICATORS[code].time_rollup is TimeRollup.CUMULATIVE:
        raise MappingError(path, code, "breakdowns", "breakdowns_cumulative")
    return tuple(_breakdown(path, code, dimension, part) for dimension, part in raw.items())


def _breakdown(path: Path, code: str, dimension: object, entry: object) -> Breakdown:
    """One declared breakdown: either ``sql`` (a SELECT yielding the roles by name, or named
    in ``columns``) or ``table`` with ``columns`` and optional ``filters``; ``attributes``
    map attribute names to columns."""
    known = ", ".join(BREAKDOWN_DIMENSIONS)
    if dimension not in BREAKDOWN_DIMENSIONS:
        raise MappingError(
            path, code, f"breakdowns.{dimension}", "breakdown_dimension", known=known
        )
    where = f"breakdowns.{dimension}"
    if not isinstance(entry, dict):
        raise MappingError(path, code, where, "breakdowns_shape")
    unknown = sorted(set(entry) - _BREAKDOWN_FIELDS)
    if unknown:
        fields = ", ".join(sorted(_BREAKDOWN_FIELDS))
        raise MappingError(path, code, f"{where}.{unknown[0]}", "unknown_key", known=fields)
    if ("sql" in entry) == ("table" in entry):
        raise MappingError(path, code, f"{where}.sql", "sql_or_table")
    sql: str | None = None
    table_ref: TableRef | None = None
    if "sql" in entry:
        sql = entry["sql"]
        if not isinstance(sql, str) or not re.match(r"^\s*(select|with)\b", sql, re.I):
            raise MappingError(path, code, f"{where}.sql", "sql_select")
        if ";" in sql.strip().rstrip(";"):
            raise MappingError(path, code, f"{where}.sql", "sql_one_statement")
        sql = sql.strip().rstrip(";")
        if "filters" in entry:
            raise MappingError(path, code, f"{where}.filters", "filters_with_sql")
    else:
        table_ref = _table(path, code, entry["table"])
    raw_columns = entry.get("columns", {} if sql is not None else None)
    if not isinstance(raw_columns, dict):
        raise MappingError(path, code, f"{where}.columns", "columns_shape")
    wrong = sorted(set(raw_columns) - set(BREAKDOWN_ROLES))
    if wrong:
        roles = ", ".join(BREAKDOWN_ROLES)
        raise MappingError(path, code, f"{where}.columns.{wrong[0]}", "column_role", known=roles)
    columns = {
        role: _identifier(path, code, f"{where}.columns.{role}", name)
        for role, name in raw_columns.items()
    }
    is_rate = _INDICATORS[code].is_rate
    needed = ["unit_code", "month", "key", "label"]
    needed += ["numerator", "denominator"] if is_rate else []
    if sql is not None:  # an SQL breakdown may name its columns by their roles directly
        columns = {role: role for role in needed} | columns
        if not is_rate and not {"numerator", "value"} & set(columns):
            columns["value"] = "value"
    for role in needed:
        if role not in columns:
            raise MappingError(
                path, code, f"{where}.columns.{role}", "breakdown_column_missing", role=role
            )
    if not is_rate and not {"numerator", "value"} & set(columns):
        raise MappingError(
            path, code, f"{where}.columns.value", "breakdown_column_missing", role="value"
        )
    filters: dict[str, object] = {}
    raw_filters = entry.get("filters", {})
    if not isinstance(raw_filters, dict):
        raise MappingError(path, code, f"{where}.filters", "filters_shape")
    for name, value in raw_filters.items():
        _identifier(path, code, f"{where}.filters.{name}", name)
        if value is not None and not isinstance(value, str | int | float | bool):
            raise MappingError(path, code, f"{where}.filters.{name}", "filters_shape")
        filters[str(name)] = value
    raw_attributes = entry.get("attributes", {})
    if not isinstance(raw_attributes, dict):
        raise MappingError(path, code, f"{where}.attributes", "attributes_shape")
    attributes = {
        _identifier(path, code, f"{where}.attributes", name): _identifier(
            path, code, f"{where}.attributes.{name}", column_name
        )
        for name, column_name in raw_attributes.items()
    }
    return Breakdown(str(dimension), columns, sql, table_ref, filters, attributes)


def declared_breakdown(source: Source, dimension: str) -> Breakdown | None:
    """The source's declared breakdown by ``dimension``; None when it declares none."""
    return next((b for b in source.breakdowns if b.dimension == dimension), None)


def breakdown_source(source: Source, breakdown: Breakdown) -> Source:
    """The breakdown as a source of its own (the indicator's connection, crosswalk and
    freshness; the breakdown's relation, columns and filters; its attributes as roles
    ``attribute_<name>``), so that :func:`canonical` and the contracts read it."""
    attributes = {f"attribute_{name}": col for name, col in breakdown.attributes.items()}
    return dataclasses.replace(
        source,
        columns=dict(breakdown.columns) | attributes,
        sql=breakdown.sql,
        table=breakdown.table,
        filters=dict(breakdown.filters),
        breakdowns=(),
    )


def _part_src(source: Source, dimension: str) -> tuple[Source, Subquery]:
    breakdown = declared_breakdown(source, dimension)
    if breakdown is None:
        raise ValueError(f"{source.indicator} declares no breakdown by {dimension}")
    part = breakdown_source(source, breakdown)
    return part, canonical(part)


def _part_amounts(part: Source, src: Subquery) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """A part's numerator (or value) and denominator per row, as :func:`unit_month_sums`
    takes them (a rate's row counts only with both)."""
    role = "numerator" if part.is_rate or "value" not in part.columns else "value"
    numerator = _amount(src, role, part.is_rate)
    denominator: ColumnElement[Any] = (
        _amount(src, "denominator", part.is_rate) if "denominator" in src.c else cast(null(), Float)
    )
    return numerator, denominator


def breakdown_unit_sums(
    conn: Connection, source: Source, dimension: str, year: int, through_month: dt.date
) -> pd.DataFrame:
    """Each source unit code's sums per part of ``dimension`` over ``year``'s months to
    ``through_month``, summed in the database over the declared breakdown's rows.

    Grain: one row per source unit code × part with a row in those months (a few hundred
    units × the parts). Columns: ``unit_code``, ``code`` (str: the part's key),
    ``numerator``, ``denominator`` (float sums; NaN when nothing was summed), ``n_rows``
    (int).
    """
    part, src = _part_src(source, dimension)
    month = month_start(src.c.month)
    numerator, denominator = _part_amounts(part, src)
    statement = (
        select(
            src.c.unit_code,
            src.c["key"],
            cast(func.sum(numerator), Float),
            cast(func.sum(denominator), Float),
            func.count(),
        )
        .where(
            month >= bindparam("year_start", dt.date(year, 1, 1)),
            month <= bindparam("through_month", through_month),
        )
        .group_by(src.c.unit_code, src.c["key"])
    )
    frame = pd.DataFrame(conn.execute(statement).all(), columns=PART_SUMS)
    return frame.assign(
        unit_code=frame["unit_code"].astype(str),
        code=frame["code"].astype(str),
        numerator=frame["numerator"].astype("float64"),
        denominator=frame["denominator"].astype("float64"),
        n_rows=frame["n_rows"].astype("int64"),
    )


def breakdown_month_sums(
    conn: Connection, source: Source, dimension: str, code: str
) -> pd.DataFrame:
    """:func:`unit_month_sums` of one part (``code``) of the declared breakdown: each source
    unit code's sums of that part per month, in the database. Columns :data:`MONTH_SUMS`;
    :func:`as_filtered_series` turns them into a scope's series."""
    part, src = _part_src(source, dimension)
    month = month_start(src.c.month)
    numerator, denominator = _part_amounts(part, src)
    statement = (
        select(
            src.c.unit_code,
            month,
            cast(func.sum(numerator), Float),
            cast(func.sum(denominator), Float),
            func.count(),
        )
        .where(cast(src.c["key"], String) == bindparam("part_code", str(code)))
        .group_by(src.c.unit_code, month)
        .order_by(month, src.c.unit_code)
    )
    frame = pd.DataFrame(conn.execute(statement).all(), columns=MONTH_SUMS)
    return frame.assign(
        unit_code=frame["unit_code"].astype(str),
        period_month=pd.to_datetime(frame["period_month"]),
        numerator=frame["numerator"].astype("float64"),
        denominator=frame["denominator"].astype("float64"),
        n_rows=frame["n_rows"].astype("int64"),
    )


def breakdown_year_sums(conn: Connection, source: Source, dimension: str) -> pd.DataFrame:
    """Each source unit code's amount per year and part of ``dimension`` (the value, or
    the numerator, summed over the year's periods) and the periods summed, in the database.

    Grain: one row per source unit code × year × part. Columns :data:`PART_YEAR_SUMS`.
    """
    part, src = _part_src(source, dimension)
    month = month_start(src.c.month)
    amount, _ = _part_amounts(part, src)
    year = cast(extract("year", month), Integer)
    statement = select(
        src.c.unit_code,
        year,
        src.c["key"],
        cast(func.sum(amount), Float),
        func.count(func.distinct(month)),
    ).group_by(src.c.unit_code, year, src.c["key"])
    frame = pd.DataFrame(conn.execute(statement).all(), columns=PART_YEAR_SUMS)
    return frame.assign(
        unit_code=frame["unit_code"].astype(str),
        period_year=frame["period_year"].astype("int64"),
        code=frame["code"].astype(str),
        amount=frame["amount"].astype("float64"),
        n_periods=frame["n_periods"].astype("int64"),
    )


def breakdown_parts(conn: Connection, source: Source, dimension: str) -> pd.DataFrame:
    """The parts a declared breakdown names, in the shape of the project's own
    ``queries.breakdown_list`` for ``dimension``: per key its label (``name_en`` the
    ``label_en``, else the label), its order (the ``order`` role, else by key), its
    attributes as JSON, ``is_demo`` False (a city's own list). Read in the database (one
    row per part)."""
    part, src = _part_src(source, dimension)
    label_en = src.c["label_en"] if "label_en" in src.c else src.c["label"]
    order = src.c["order"] if "order" in src.c else null()
    names = sorted(name for name in part.columns if name.startswith("attribute_"))
    statement = select(
        src.c["key"],
        func.max(src.c["label"]),
        func.max(label_en),
        func.min(order),
        *(func.max(src.c[name]) for name in names),
    ).group_by(src.c["key"])
    rows = conn.execute(statement).all()
    records = []
    for key, name_vi, name_en, sort_order, *values in rows:
        attributes = {
            name.removeprefix("attribute_"): value
            for name, value in zip(names, values, strict=True)
            if value is not None
        }
        records.append(
            {
                "code": str(key),
                "name_vi": "" if name_vi is None else str(name_vi),
                "name_en": str(name_vi if name_en is None else name_en),
                "order": float("inf") if sort_order is None else float(sort_order),
                "attributes_json": json.dumps(attributes, ensure_ascii=False, sort_keys=True),
            }
        )
    frame = pd.DataFrame(
        records, columns=["code", "name_vi", "name_en", "order", "attributes_json"]
    )
    frame = frame.sort_values(["order", "code"], kind="mergesort").reset_index(drop=True)
    return pd.DataFrame(
        {
            "breakdown_key": dimension + ":" + frame["code"].astype(str),
            "dimension": dimension,
            "code": frame["code"].astype(str),
            "name_vi": frame["name_vi"].astype(str),
            "name_en": frame["name_en"].astype(str),
            "sort_order": pd.Series(range(1, len(frame) + 1), dtype="int64"),
            "attributes_json": frame["attributes_json"].astype(str),
            "is_demo": False,
        },
        columns=PART_LIST_COLUMNS,
    )


def _official_parts(
    sums: pd.DataFrame, source: Source, units: pd.DataFrame, unit_filter: Any
) -> pd.DataFrame:
    """Per-code sums turned into official codes through the crosswalk and kept to the
    filter's units (as :func:`_kept_month_sums`)."""
    official = sums.assign(unit_id=[source.crosswalk.get(code, code) for code in sums["unit_code"]])
    return official.merge(kept_units(source, units, unit_filter), on="unit_id", how="inner")


def as_breakdown_standing(
    sums: pd.DataFrame,
    parts: pd.DataFrame,
    source: Source,
    units: pd.DataFrame,
    unit_filter: Any,
) -> pd.DataFrame:
    """:func:`breakdown_unit_sums` summed over the units of ``unit_filter`` per part, in the
    shape of ``data_access.queries.breakdown_standing``: the ratio of the part's sums (the
    numerator's sum for a count), ``n_units`` the units with rows of the part, the parts'
    names and attributes from :func:`breakdown_parts`, ``is_demo`` False; largest
    denominator first, then the parts' order."""
    kept = _official_parts(sums, source, units, unit_filter)
    kept = kept[kept["n_rows"] > 0]
    grouped = (
        kept.groupby("code", sort=True)
        .agg(
            numerator=("numerator", lambda s: s.sum(min_count=1)),
            denominator=("denominator", lambda s: s.sum(min_count=1)),
            n_units=("unit_id", "nunique"),
        )
        .reset_index()
    )
    grouped = grouped.astype({"numerator": "float64", "denominator": "float64"})
    value = (
        _percent(grouped["numerator"], grouped["denominator"])
        if source.is_rate
        else grouped["numerator"]
    )
    frame = parts.drop(columns=["dimension"]).merge(
        grouped.assign(value=value.astype("float64")), on="code", how="inner"
    )
    frame = frame.sort_values(
        ["denominator", "sort_order"], ascending=[False, True], kind="mergesort"
    )
    return frame.assign(
        sort_order=frame["sort_order"].astype("int64"),
        is_demo=frame["is_demo"].astype(bool),
        n_units=frame["n_units"].astype("int64"),
    )[BREAKDOWN_COLUMNS].reset_index(drop=True)


def as_breakdown_by_year(
    sums: pd.DataFrame, parts: pd.DataFrame, source: Source, units: pd.DataFrame
) -> pd.DataFrame:
    """:func:`breakdown_year_sums` in the shape of ``data_access.queries.breakdown_by_year``
    (the indicator's level: the city for GRDP): per year and part the amount, the periods
    summed, the year's total over every part and the part's share of it (%); ordered by
    year and the parts' order."""
    kept = _official_parts(sums, source, units, UnitFilter())
    grouped = (
        kept.groupby(["period_year", "code"], sort=True)
        .agg(
            amount=("amount", lambda s: s.sum(min_count=1)),
            n_periods=("n_periods", "max"),
        )
        .reset_index()
    )
    grouped = grouped.astype({"amount": "float64"})
    year_total = grouped.groupby("period_year")["amount"].transform("sum")
    grouped = grouped.assign(
        year_total=year_total.astype("float64"),
        share_pct=(100.0 * grouped["amount"] / year_total).astype("float64"),
    )
    frame = grouped.merge(parts.drop(columns=["dimension"]), on="code", how="inner")
    frame = frame.sort_values(["period_year", "sort_order"], kind="mergesort")
    return frame.assign(
        period_year=frame["period_year"].astype("int64"),
        sort_order=frame["sort_order"].astype("int64"),
        n_periods=frame["n_periods"].astype("int64"),
        is_demo=frame["is_demo"].astype(bool),
    )[BREAKDOWN_YEAR_COLUMNS].reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class BreakdownReport:
    """The contracts of one declared breakdown: ``report`` as a source's (its indicator and
    connection, :data:`BREAKDOWN_CONTRACTS`' results, rows and query time)."""

    dimension: str
    report: SourceReport

    @property
    def indicator(self) -> str:
        return self.report.indicator

    @property
    def passed(self) -> bool:
        return self.report.passed


def _one_row_per_key_result(
    conn: Connection, source: Source, src: Subquery, month: ColumnElement[Any], rows: int
) -> ContractResult:
    """One row per unit, month and part, after the crosswalk (as :func:`_one_row_result`)."""
    keys = (src.c.unit_code, month, src.c["key"])
    counts = conn.execute(select(*keys, func.count()).group_by(*keys)).all()
    grouped: dict[tuple[str, dt.date, str], list[tuple[str, int]]] = {}
    for code, when, key, n in counts:
        official = source.crosswalk.get(str(code), str(code))
        grouped.setdefault((official, _as_month(when), str(key)), []).append((str(code), int(n)))
    duplicates = sorted(
        (when, "+".join(sorted(code for code, _ in parts)), key, sum(n for _, n in parts))
        for (_, when, key), parts in grouped.items()
        if sum(n for _, n in parts) > 1
    )
    return ContractResult(
        "one_row_per_unit_month_key",
        not duplicates,
        checked=rows,
        failing=sum(n for *_, n in duplicates),
        examples=tuple(
            f"unit_code={codes} month={when.isoformat()} key={key} ×{n}"
            for when, codes, key, n in duplicates[:EXAMPLE_LIMIT]
        ),
    )


def _breakdown_contracts(
    conn: Connection,
    part: Source,
    unit_types: dict[str, str],
    today: dt.date,
    done: tuple[ContractResult, ...],
) -> SourceReport:
    """The contracts after the columns (:data:`BREAKDOWN_CONTRACTS`) and the report's rows,
    last month and query time."""
    src = canonical(part)
    month = month_start(src.c.month)
    started = time.perf_counter()
    rows, last = conn.execute(select(func.count(), func.max(month))).one()
    seconds = time.perf_counter() - started
    results = [*done, _unit_result(conn, part, unit_types)]
    results.append(_one_row_per_key_result(conn, part, src, month, int(rows or 0)))
    show = ("unit_code", "month", "key", "numerator", "denominator")
    if part.is_rate:
        out_of_bounds = or_(
            src.c.numerator > src.c.denominator, src.c.numerator < 0, src.c.denominator < 0
        )
        total, failing, examples = _count_and_examples(conn, src, out_of_bounds, show)
        results.append(ContractResult("within_bounds", failing == 0, total, failing, examples))
    else:
        results.append(ContractResult("within_bounds", True, checked=int(rows), variant="value"))
    future = month > bindparam("this_month", today.replace(day=1))
    total, failing, examples = _count_and_examples(conn, src, future, show[:3])
    values: dict[str, object] = {"today": today}
    results.append(
        ContractResult("no_future_months", failing == 0, total, failing, examples, values=values)
    )
    last_month = _as_month(last) if last is not None else None
    return SourceReport(
        part.indicator, part.connection, tuple(results), int(rows or 0), last_month, seconds
    )


def check_breakdown(
    source: Source,
    breakdown: Breakdown,
    url: str | None,
    unit_types: dict[str, str],
    today: dt.date | None = None,
) -> BreakdownReport:
    """Run every contract on one declared breakdown (:data:`BREAKDOWN_CONTRACTS`); never
    raises for a source's own problems (the same messages as a source's contracts)."""
    today = today or city_today()
    part = breakdown_source(source, breakdown)

    def report(*results: ContractResult) -> BreakdownReport:
        rest = BREAKDOWN_CONTRACTS[len(results) :]
        skipped = tuple(ContractResult(code, None) for code in rest)
        return BreakdownReport(
            breakdown.dimension,
            SourceReport(source.indicator, source.connection, (*results, *skipped)),
        )

    def unreachable(detail: str, variant: str = "") -> BreakdownReport:
        values: dict[str, object] = {"connection": source.connection, "detail": detail}
        return report(ContractResult("reachable", False, values=values, variant=variant))

    if url is None:
        return unreachable(SOURCE_URL_PREFIX + source.connection.upper(), "not_configured")
    problem = url_problem(url)
    if problem is not None:
        return unreachable(problem[1])
    engine = read_only_engine(url)
    try:
        try:
            conn = engine.connect()
        except SQLAlchemyError as error:
            return unreachable(_first(error))
        with conn:
            reachable = ContractResult("reachable", True, values={"connection": source.connection})
            try:
                columns = _columns_result(conn, part)
                if columns.passed:
                    done = (reachable, columns)
                    contracts = _breakdown_contracts(conn, part, unit_types, today, done)
                    return BreakdownReport(breakdown.dimension, contracts)
            except SQLAlchemyError as error:
                conn.rollback()
                columns = ContractResult(
                    "columns", False, failing=1, examples=(_first(error),), variant="query"
                )
            except (ValueError, TypeError, ArithmeticError) as error:
                conn.rollback()
                columns = ContractResult(
                    "columns", False, failing=1, examples=(_first(error),), variant="type"
                )
            return report(reachable, columns)
    finally:
        engine.dispose()


def check_breakdowns(
    mapping: SourceMapping,
    unit_types: dict[str, str],
    environ: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> list[BreakdownReport]:
    """Every contract on every declared breakdown of the mapping."""
    return [
        check_breakdown(
            source, breakdown, connection_url(source.connection, environ), unit_types, today
        )
        for source in mapping.sources
        for breakdown in source.breakdowns
    ]


def breakdown_failure_text(report: BreakdownReport, lang: str) -> str:
    """What a page says in place of a breakdown whose declaration fails a contract: the
    first contract it fails and its message (text from the source: escape it for Markdown)."""
    failure = first_failure(report.report)
    if failure is None:
        return t("breakdown_not_declared", lang, dimension=t(f"breakdown_{report.dimension}", lang))
    return t(
        "breakdown_source_failed",
        lang,
        dimension=t(f"breakdown_{report.dimension}", lang),
        contract=t(f"sources_contract_{failure.code}", lang),
        reason=failure.message(lang),
    )


def _breakdown_lines(report: BreakdownReport, lang: str) -> list[str]:
    """The check command's block of one breakdown: a header ``indicator:dimension (…)``."""
    lines = _report_lines(report.report, lang)
    lines[0] = report.indicator + ":" + report.dimension + lines[0][len(report.indicator) :]
    return lines


# --- the command -----------------------------------------------------------------------------


def _report_lines(report: SourceReport, lang: str) -> list[str]:
    last = fmt_month(report.last_month, lang)
    seconds = f"{report.query_seconds:.2f}" if report.query_seconds is not None else "—"
    head = t(
        "sources_cli_source",
        lang,
        indicator=report.indicator,
        connection=report.connection,
        rows="—" if report.rows is None else fmt_number(report.rows, lang),
        last=last,
        seconds=seconds,
    )
    lines = [head]
    for result in report.results:
        mark = {True: "sources_cli_pass", False: "sources_cli_fail", None: "sources_cli_skip"}
        lines.append(f"  {t(mark[result.passed], lang)} {result.code}: {result.message(lang)}")
    return lines


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m data_access.sources",
        description="Check declared indicator sources against their contracts (read-only).",
    )
    commands = top.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run every contract on every declared source")
    check.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE",
        help=f"the mapping file (default: ${SOURCES_FILE_VARIABLE}, else data_access/sources.yaml)",
    )
    check.add_argument("--lang", choices=LANGUAGES, default="vi", help="language of messages")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    lang: str = arguments.lang
    try:
        mapping = load_mapping(arguments.mapping)
    except MappingError as error:
        print(error.text(lang), file=sys.stderr)
        return 2
    home = connection_url(HOME_CONNECTION)
    assert home is not None
    problem = url_problem(home)
    try:
        if problem is not None:
            raise SQLAlchemyError(problem[1])
        unit_types = known_units(home)
    except SQLAlchemyError as error:
        print(t("sources_cli_no_units", lang, detail=_first(error)), file=sys.stderr)
        return 1
    reports = check_mapping(mapping, unit_types)
    print(t("sources_cli_mapping", lang, file=str(mapping.path), count=len(reports)))
    for report in reports:
        print("\n".join(_report_lines(report, lang)))
    failed = [report.indicator for report in reports if not report.passed]
    for part in check_breakdowns(mapping, unit_types):
        print("\n".join(_breakdown_lines(part, lang)))
        failed += [] if part.passed else [f"{part.indicator}:{part.dimension}"]
    if failed:
        print(t("sources_cli_failed", lang, count=len(failed), indicators=", ".join(failed)))
        return 1
    print(t("sources_cli_all_pass", lang, count=len(reports)))
    return 0


__all__ = [
    "BREAKDOWN_CONTRACTS",
    "BREAKDOWN_DIMENSIONS",
    "CONTRACTS",
    "DEFAULT_MAPPING_PATH",
    "HOME_CONNECTION",
    "SOURCES_FILE_VARIABLE",
    "SOURCE_URL_PREFIX",
    "Breakdown",
    "BreakdownReport",
    "ContractResult",
    "MappingError",
    "Source",
    "SourceHealth",
    "SourceMapping",
    "SourceReport",
    "TableRef",
    "as_breakdown_by_year",
    "as_breakdown_standing",
    "as_cumulative_scope_series",
    "as_cumulative_series_by_group",
    "as_filtered_series",
    "as_group_standing",
    "as_scope_series",
    "as_series_by_group",
    "as_unit_series",
    "as_unit_standing",
    "breakdown_failure_text",
    "breakdown_month_sums",
    "breakdown_parts",
    "breakdown_source",
    "breakdown_unit_sums",
    "breakdown_year_sums",
    "canonical",
    "check_breakdown",
    "check_breakdowns",
    "check_health",
    "check_mapping",
    "check_source",
    "city_series",
    "connection_url",
    "cumulative_code_groups",
    "cumulative_group_sums",
    "cumulative_rows",
    "cumulative_series",
    "cumulative_unit_sums",
    "declared_breakdown",
    "failure_text",
    "first_failure",
    "is_default_mapping",
    "kept_units",
    "known_units",
    "load_mapping",
    "main",
    "mapping_path",
    "rank_standing",
    "read_only_engine",
    "source_codes",
    "unit_code_month_sums",
    "unit_month_sums",
    "unit_sums",
]

if __name__ == "__main__":
    sys.exit(main())
