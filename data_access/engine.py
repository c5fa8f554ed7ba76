"""The engine factory and the database URL.

The warehouse URL comes, in order, from the ``DASHBOARD_DB_URL`` environment variable,
from ``[warehouse] url`` in ``.streamlit/secrets.toml`` (read by the caller and passed in),
or defaults to the embedded SQLite file ``var/warehouse.sqlite`` under the project.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "warehouse.sqlite"
URL_ENVIRONMENT_VARIABLE = "DASHBOARD_DB_URL"
STATEMENT_TIMEOUT_MS = 30_000


def default_url() -> str:
    """The embedded demo warehouse: a SQLite file under the project."""
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def database_url(secrets_url: str | None = None) -> str:
    """The warehouse URL: environment variable, then secrets, then the embedded default."""
    return os.environ.get(URL_ENVIRONMENT_VARIABLE) or secrets_url or default_url()


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages on screen (or a placeholder if it
    is not a URL at all)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def make_engine(url: str) -> Engine:
    """One engine per URL, configured for the warehouse's dialect.

    SQLite gets foreign keys enforced and a busy timeout (the loader and the app can
    write at the same time); PostgreSQL gets a statement time limit and pre-ping so a
    restarted server is reconnected to by itself.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
            # The driver would begin transactions only before INSERT/UPDATE/DELETE and run
            # DDL in autocommit, so a migration failing half-way kept its first half.
            # SQLAlchemy's recipe: the driver never begins, the engine emits BEGIN itself.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):  # type: ignore[no-untyped-def]
            connection.exec_driver_sql("BEGIN")

        return engine
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args = {
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            "connect_timeout": 5,
        }
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


class WarehouseState(StrEnum):
    """Whether the app can read the warehouse, and if not, why."""

    READY = "ready"
    INVALID_URL = "invalid_url"
    MISSING_FILE = "missing_file"
    UNREACHABLE = "unreachable"
    NOT_MIGRATED = "not_migrated"
    EMPTY = "empty"


def url_problem(url: str) -> tuple[WarehouseState, str] | None:
    """What is wrong with ``url`` before any connection: not a usable URL, or an SQLite
    file that does not exist (connecting would create an empty one). None when fine."""
    try:
        parsed = make_url(url)
        parsed.get_dialect()  # an unknown dialect or a missing driver fails here
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        return WarehouseState.INVALID_URL, str(error).splitlines()[0][:300]
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not Path(database).exists():
            return WarehouseState.MISSING_FILE, database
    return None


def inspect_warehouse(url: str, engine: Engine | None = None) -> tuple[WarehouseState, str]:
    """Check the warehouse at ``url`` without changing it; returns the state and a detail.

    ``engine`` is used when given (the app's pooled one); otherwise a short-lived engine
    is made and disposed.
    """
    problem = url_problem(url)
    if problem is not None:
        return problem
    own = engine is None
    engine = engine or make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("observations"):
                return WarehouseState.NOT_MIGRATED, "observations"
            # One current row is enough to know there is data; counting would scan it all.
            found = conn.execute(
                text("SELECT 1 FROM observations WHERE superseded_at IS NULL LIMIT 1")
            ).scalar()
    except SQLAlchemyError as error:
        return WarehouseState.UNREACHABLE, str(error.__cause__ or error).splitlines()[0][:300]
    finally:
        if own:
            engine.dispose()
    if not found:
        return WarehouseState.EMPTY, ""
    return WarehouseState.READY, ""
