"""Helpers of the PostgreSQL plan tests: the statements a read sends, and their plans."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection, event


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``plan`` and every node under it."""
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def sent(conn: Connection, read: Callable[[Connection], Any]) -> tuple[Any, list[tuple[str, Any]]]:
    """What ``read(conn)`` returned, and the statements it sent with their parameters."""
    statements: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", record)
    try:
        result = read(conn)
    finally:
        event.remove(conn, "before_cursor_execute", record)
    return result, statements


def generic_plan(conn: Connection, statement: str, parameters: dict[str, Any]) -> Any:
    """The plan PostgreSQL makes of ``statement`` for any values of its parameters (a
    prepared statement's generic plan; PostgreSQL 16's ``EXPLAIN (GENERIC_PLAN)``)."""
    from psycopg import sql

    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", statement)))
    numbered = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m[1]) + 1}", statement)
    driver = conn.connection.driver_connection
    arguments = ", ".join(sql.Literal(parameters[name]).as_string(driver) for name in names)
    conn.exec_driver_sql("PREPARE plan_probe AS " + numbered)
    try:
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        executed = f"EXECUTE plan_probe({arguments})" if names else "EXECUTE plan_probe"
        return conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + executed).scalar_one()
    finally:
        conn.exec_driver_sql("DEALLOCATE plan_probe")
