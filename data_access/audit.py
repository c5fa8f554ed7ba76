"""The audit log: who did what, with which roles and unit scope, and how it ended
(DESIGN §7, issue 13 item 3). Kept in the warehouse's ``audit_log`` table; admins read it
on the Data page.

Two ways to write, by what the entry records:

- **With the change** (:func:`record`): loads, undo, scenario saves and deletions, target
  loads. The entry is written on the caller's connection, inside the transaction that makes
  the change, so both are committed or neither is: a load whose audit entry cannot be
  written is not loaded (the user sees the warehouse's refusal), and a failed load leaves
  no ``ok`` entry. A load refused by the checks writes one ``load_refused`` entry (outcome
  ``refused``) in the transaction that records the refused files.
- **Beside an action that has already happened** (:func:`record_apart`): sign-in and
  downloads. Nothing can be undone there, so the entry is written in its own transaction,
  and when the warehouse refuses it the failure is logged (``logging``, with the action and
  actor) and the function returns False; the user's sign-in or download carries on.

``actor`` is a :class:`~data_access.identity.User` (its name, roles and unit are kept) or a
name (the command line, the demo build: roles and unit are then null).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import SQLAlchemyError

from data_access.identity import MAX_NAME, User
from data_access.schema import audit_log
from metrics.clock import to_warehouse_time, utc_now

LOGGER = logging.getLogger(__name__)

Actor = User | str

OUTCOMES: tuple[str, ...] = ("ok", "refused", "failed")

ACTIONS: tuple[str, ...] = (
    "sign_in",
    "load_batch",
    "load_targets",
    "load_refused",
    "undo_batch",
    "undo_targets",
    "scenario_saved",
    "scenario_official",
    "scenario_rerun",
    "scenario_deleted",
    "download",
    "build_demo_warehouse",
    "remove_demo_data",
)
"""The action codes written by the dashboard (the admin's filter offers these); each has an
``audit_action_<code>`` label in the i18n catalogue."""

COLUMNS: list[str] = [
    "audit_id",
    "occurred_at",
    "actor",
    "actor_roles",
    "actor_unit",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "detail_json",
]


def actor_name(actor: Actor) -> str:
    """The name kept for ``actor`` (at most the column's 200 characters)."""
    return (actor.name if isinstance(actor, User) else str(actor))[:MAX_NAME]


def _values(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | None,
    detail: Mapping[str, object] | None,
    outcome: str,
    occurred_at: dt.datetime | None,
) -> dict[str, object]:
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}; use one of {', '.join(OUTCOMES)}")
    roles = ",".join(sorted(actor.roles)) if isinstance(actor, User) else None
    return {
        "occurred_at": to_warehouse_time(occurred_at) if occurred_at is not None else utc_now(),
        "actor": actor_name(actor),
        "actor_roles": roles[:200] if roles is not None else None,
        "actor_unit": actor.unit if isinstance(actor, User) else None,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id)[:200],
        "detail_json": (
            json.dumps(dict(detail), ensure_ascii=False, default=str) if detail else None
        ),
        "outcome": outcome,
    }


def record(
    conn: Connection,
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: str | None = None,
    detail: Mapping[str, object] | None = None,
    outcome: str = "ok",
    occurred_at: dt.datetime | None = None,
) -> None:
    """Append one entry on ``conn``, in the caller's transaction (it commits or rolls back
    with the change it records; a failure raises to the caller)."""
    conn.execute(
        insert(audit_log).values(
            **_values(actor, action, object_type, object_id, detail, outcome, occurred_at)
        )
    )


def record_apart(
    engine: Engine,
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: str | None = None,
    detail: Mapping[str, object] | None = None,
    outcome: str = "ok",
) -> bool:
    """Append one entry in its own transaction, for an action that has already happened
    (sign-in, a download). True when written; when the warehouse refuses, the failure is
    logged (never silently dropped) and False is returned: the user's action carries on."""
    try:
        with engine.begin() as conn:
            record(
                conn,
                actor,
                action,
                object_type=object_type,
                object_id=object_id,
                detail=detail,
                outcome=outcome,
            )
    except SQLAlchemyError as error:
        LOGGER.error(
            "audit log: could not record %s by %s (%s): %s",
            action,
            actor_name(actor),
            object_id or object_type,
            str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300],
        )
        return False
    return True


def latest(conn: Connection, *, action: str | None = None, limit: int = 200) -> pd.DataFrame:
    """The newest audit entries (of ``action`` when given), newest first.

    Grain: one row per entry. Columns: :data:`COLUMNS` (``occurred_at`` naive UTC; the
    others text, ``audit_id`` int).
    """
    statement = (
        select(*(audit_log.c[name] for name in COLUMNS))
        .order_by(audit_log.c.occurred_at.desc(), audit_log.c.audit_id.desc())
        .limit(limit)
    )
    if action is not None:
        statement = statement.where(audit_log.c.action == action)
    frame = pd.DataFrame(conn.execute(statement).mappings().all(), columns=COLUMNS)
    return frame.assign(audit_id=frame["audit_id"].astype("int64"))
