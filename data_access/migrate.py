"""Run the Alembic migrations on a warehouse, from code or ``python -m data_access.migrate``."""

from __future__ import annotations

import sys

from alembic import command
from alembic.config import Config

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
    url = database_url()
    upgrade(url)
    print(f"warehouse at {describe_url(url)} is at the latest schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
