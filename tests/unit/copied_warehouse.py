"""Plain SQL reads for the data-access rule tests (the ``warehouse`` fixture is in
``tests/unit/conftest.py``): a test checks what was written without the code under test."""

from __future__ import annotations

from sqlalchemy import Engine, text


def rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    """The rows of a plain SQL query, as tuples."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]
