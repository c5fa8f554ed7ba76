"""Run the Alembic migrations on a warehouse, from code or ``python -m data_access.migrate``."""

from __future__ import annotations

import sys

from alembic import command
from alembic.config import Config
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from data_access.engine import PROJECT_ROOT, database_url, describe_url


def alembic_config(url: str) -> Config:
    """The project's Alembic configuration, pointed at ``url``."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # ConfigParser treats % as interpolation; URLs may contain %-escapes.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Create or upgrade the warehouse schema at ``url`` to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def main() -> int:
    """Migrate the configured warehouse; a bad URL or an unreachable server is one line."""
    url = database_url()
    try:
        upgrade(url)
    except (ArgumentError, NoSuchModuleError) as error:
        print(
            f"error: {describe_url(url)} is not a usable database URL ({error}); "
            "set DASHBOARD_DB_URL to e.g. postgresql+psycopg://user@host:5432/db",
            file=sys.stderr,
        )
        return 2
    except OperationalError as error:
        first = str(error.orig or error).strip().splitlines()[0]
        print(f"error: cannot reach the warehouse at {describe_url(url)}: {first}", file=sys.stderr)
        return 1
    print(f"warehouse at {describe_url(url)} is at the latest schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
