"""Saved scenarios in the warehouse: save, list, open, re-run, delete — with who may do what.

Roles (DESIGN §7): viewer, analyst, data steward, admin. An analyst saves sandboxes and
deletes or re-runs only their own; the one official baseline of a year is read-only to
analysts — only an admin saves, re-runs or deletes it. Who the user is comes from
:mod:`data_access.identity` (sign-in, or local mode: one user with every role).
Every change is written to the audit log in the same transaction.

Unit scope (issue 13, item 2): a scenario remembers the unit its author was limited to
(``author_unit``; None for a city-wide author). A unit-scoped reader (``scope``: their unit
as the identity provider names it, ``scope_ids``: it as ``unit_id`` values) lists and opens
only the official scenarios and those saved by users of the same scope, and of those none
whose levers name another unit (the online lever's unit choice): that is another unit's
detail. A city-wide reader (``scope`` None) sees every scenario.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, insert, or_, select, update

from data_access import audit

# LOCAL_USER and ROLES re-exported: callers imported them from here before sign-in existed.
from data_access.identity import LOCAL_USER, ROLES, User  # noqa: F401
from data_access.schema import scenarios
from metrics.clock import utc_now


class SavedScenarioError(ValueError):
    """A change to the saved scenarios that is not allowed; ``code`` and ``parts`` name the
    message (``saved_scenario_<code>`` in the i18n catalogue)."""

    def __init__(self, code: str, message: str, **parts: object) -> None:
        super().__init__(message)
        self.code = code
        self.parts = parts


@dataclass(frozen=True, slots=True)
class SavedScenario:
    """One saved scenario as stored."""

    scenario_id: int
    name: str
    author: str
    created_at: dt.datetime
    rerun_at: dt.datetime | None
    year: int | None
    overrides: Mapping[str, Mapping[str, Any]]
    seed: int
    n_paths: int | None
    engine_version: str | None
    baseline_fingerprint: str | None
    summary: Mapping[str, Any]
    is_official: bool
    is_demo: bool
    author_unit: str | None = None
    """The unit the author was limited to; None: a city-wide author."""

    def can_change(self, user: User) -> bool:
        """Whether ``user`` may re-run or delete it: an official baseline only an admin;
        a sandbox its author (or an admin)."""
        if self.is_official:
            return user.is_admin
        return user.is_admin or (user.is_analyst and user.name == self.author)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def overrides_json(overrides: Mapping[str, Mapping[str, Any]]) -> str:
    """The overrides as JSON (months as ``YYYY-MM``, lists as lists)."""
    plain = {code: {k: _plain(v) for k, v in params.items()} for code, params in overrides.items()}
    return json.dumps(plain, ensure_ascii=False, sort_keys=True)


def save(
    conn: Connection,
    user: User,
    *,
    name: str,
    year: int,
    overrides: Mapping[str, Mapping[str, Any]],
    seed: int,
    n_paths: int,
    engine_version: str,
    baseline_fingerprint: str,
    summary: Mapping[str, Any],
    is_demo: bool,
    is_official: bool = False,
) -> int:
    """Save a scenario (already validated by the engine); return its id.

    Raises
    ------
    SavedScenarioError
        ``not_analyst`` (a viewer cannot save), ``official_admin_only``, or
        ``official_exists`` (the year has its official baseline; it is read-only).
    """
    if not user.is_analyst:
        raise SavedScenarioError("not_analyst", f"{user.name} may not save scenarios")
    if is_official:
        if not user.is_admin:
            raise SavedScenarioError(
                "official_admin_only", "only an admin saves the official baseline"
            )
        existing = conn.execute(
            select(scenarios.c.scenario_id).where(scenarios.c.official_year == year)
        ).scalar_one_or_none()
        if existing is not None:
            raise SavedScenarioError(
                "official_exists",
                f"the official baseline of {year} is scenario {existing}; it is read-only",
                year=year,
                scenario_id=existing,
            )
    created_at = utc_now()
    result = conn.execute(
        insert(scenarios).values(
            name=name,
            author=user.name,
            author_unit=user.unit,
            created_at=created_at,
            is_official=is_official,
            seed=seed,
            levers_json=overrides_json(overrides),
            results_summary_json=json.dumps(summary, ensure_ascii=False, sort_keys=True),
            year=year,
            n_paths=n_paths,
            engine_version=engine_version,
            baseline_fingerprint=baseline_fingerprint,
            official_year=year if is_official else None,
            is_demo=is_demo,
        )
    )
    scenario_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    audit.record(
        conn,
        actor=user,
        # Marking the official baseline is its own action, for the admin's filter.
        action="scenario_official" if is_official else "scenario_saved",
        object_type="scenario",
        object_id=str(scenario_id),
        detail={"name": name, "year": year, "is_official": is_official},
        occurred_at=created_at,
    )
    return scenario_id


_LIST_COLUMNS = [
    "scenario_id",
    "name",
    "author",
    "created_at",
    "rerun_at",
    "year",
    "seed",
    "n_paths",
    "engine_version",
    "baseline_fingerprint",
    "is_official",
    "is_demo",
]


def named_units(overrides: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The unit ids a scenario's levers name (each lever's ``units`` choice; "all" names
    none)."""
    found: set[str] = set()
    for params in overrides.values():
        chosen = params.get("units") if isinstance(params, Mapping) else None
        if isinstance(chosen, list | tuple):
            found |= {str(u) for u in chosen}
    return found


def visible(
    *,
    is_official: bool,
    author_unit: str | None,
    overrides: Mapping[str, Mapping[str, Any]],
    scope: str | None,
    scope_ids: Collection[str] | None,
) -> bool:
    """Whether a reader limited to ``scope`` may see a saved scenario (module docstring)."""
    if scope is None:
        return True
    if not is_official and author_unit != scope:
        return False
    return named_units(overrides) <= {str(u) for u in (scope_ids or ())}


def list_saved(
    conn: Connection,
    year: int | None = None,
    *,
    scope: str | None = None,
    scope_ids: Collection[str] | None = None,
) -> pd.DataFrame:
    """Saved scenarios, the official baselines first, then the newest.

    Grain: one row per saved scenario (of ``year`` when given) the reader may see
    (:func:`visible`: every one without a ``scope``).

    Columns: ``scenario_id`` (int), ``name``, ``author`` (str), ``created_at``,
    ``rerun_at`` (naive UTC), ``year``, ``seed``, ``n_paths`` (int or NA),
    ``engine_version``, ``baseline_fingerprint`` (str), ``is_official``, ``is_demo`` (bool).
    """
    statement = select(
        *(scenarios.c[name] for name in _LIST_COLUMNS),
        scenarios.c.author_unit,
        scenarios.c.levers_json,
    ).order_by(
        scenarios.c.is_official.desc(), scenarios.c.created_at.desc(), scenarios.c.scenario_id
    )
    if year is not None:
        statement = statement.where(scenarios.c.year == year)
    if scope is not None:
        statement = statement.where(
            or_(scenarios.c.is_official.is_(True), scenarios.c.author_unit == scope)
        )
    rows = [
        row
        for row in conn.execute(statement).mappings().all()
        if visible(
            is_official=bool(row["is_official"]),
            author_unit=row["author_unit"],
            overrides=json.loads(row["levers_json"]),
            scope=scope,
            scope_ids=scope_ids,
        )
    ]
    frame = pd.DataFrame(
        [{name: row[name] for name in _LIST_COLUMNS} for row in rows], columns=_LIST_COLUMNS
    )
    return frame.assign(
        scenario_id=frame["scenario_id"].astype("int64"),
        year=frame["year"].astype("Int64"),
        seed=frame["seed"].astype("int64"),
        n_paths=frame["n_paths"].astype("Int64"),
        is_official=frame["is_official"].astype(bool),
        is_demo=frame["is_demo"].astype(bool),
    )


def get(
    conn: Connection,
    scenario_id: int,
    *,
    scope: str | None = None,
    scope_ids: Collection[str] | None = None,
) -> SavedScenario | None:
    """The saved scenario ``scenario_id``, or None when there is none or the reader limited
    to ``scope`` may not see it (:func:`visible`)."""
    row = (
        conn.execute(select(scenarios).where(scenarios.c.scenario_id == scenario_id))
        .mappings()
        .first()
    )
    if row is None or not visible(
        is_official=bool(row["is_official"]),
        author_unit=row["author_unit"],
        overrides=json.loads(row["levers_json"]),
        scope=scope,
        scope_ids=scope_ids,
    ):
        return None
    return SavedScenario(
        scenario_id=int(row["scenario_id"]),
        name=str(row["name"]),
        author=str(row["author"]),
        created_at=row["created_at"],
        rerun_at=row["rerun_at"],
        year=None if row["year"] is None else int(row["year"]),
        overrides=json.loads(row["levers_json"]),
        seed=int(row["seed"]),
        n_paths=None if row["n_paths"] is None else int(row["n_paths"]),
        engine_version=row["engine_version"],
        baseline_fingerprint=row["baseline_fingerprint"],
        summary=json.loads(row["results_summary_json"] or "{}"),
        is_official=bool(row["is_official"]),
        is_demo=bool(row["is_demo"]),
        author_unit=row["author_unit"],
    )


def _changeable(conn: Connection, user: User, scenario_id: int) -> SavedScenario:
    saved = get(conn, scenario_id)
    if saved is not None and user.unit is not None and not saved.is_official:
        # Another scope's sandbox is not there for a unit-scoped user (module docstring).
        saved = saved if saved.author_unit == user.unit else None
    if saved is None:
        raise SavedScenarioError(
            "not_found", f"there is no saved scenario {scenario_id}", scenario_id=scenario_id
        )
    if not saved.can_change(user):
        code = "official_read_only" if saved.is_official else "not_yours"
        raise SavedScenarioError(
            code,
            f"scenario {scenario_id} ({saved.name}) cannot be changed by {user.name}",
            scenario_id=scenario_id,
            author=saved.author,
        )
    return saved


def delete_saved(conn: Connection, user: User, scenario_id: int) -> None:
    """Delete a saved scenario the user may change (see :meth:`SavedScenario.can_change`)."""
    saved = _changeable(conn, user, scenario_id)
    conn.execute(delete(scenarios).where(scenarios.c.scenario_id == scenario_id))
    audit.record(
        conn,
        actor=user,
        action="scenario_deleted",
        object_type="scenario",
        object_id=str(scenario_id),
        detail={"name": saved.name, "author": saved.author},
    )


def rerun(
    conn: Connection,
    user: User,
    scenario_id: int,
    *,
    n_paths: int,
    engine_version: str,
    baseline_fingerprint: str,
    summary: Mapping[str, Any],
    is_demo: bool,
) -> None:
    """Store a re-run's results on the newer data (same levers and seed)."""
    _changeable(conn, user, scenario_id)
    conn.execute(
        update(scenarios)
        .where(scenarios.c.scenario_id == scenario_id)
        .values(
            rerun_at=utc_now(),
            n_paths=n_paths,
            engine_version=engine_version,
            baseline_fingerprint=baseline_fingerprint,
            results_summary_json=json.dumps(summary, ensure_ascii=False, sort_keys=True),
            is_demo=is_demo,
        )
    )
    audit.record(
        conn,
        actor=user,
        action="scenario_rerun",
        object_type="scenario",
        object_id=str(scenario_id),
        detail={"baseline_fingerprint": baseline_fingerprint},
    )
