"""What a saved scenario stores, lists, opens, re-runs and deletes, and what each change
writes to the audit log (``data_access.saved_scenarios``), stated for the mutants the tenth
mutation reading found alive. Each test saves into a fresh migrated SQLite store and reads
the rows back with its own SQL; the expected values are written by hand from what it saves.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from data_access import saved_scenarios
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.saved_scenarios import SavedScenarioError, User

WARD = "26737"
ADMIN = User("quan.tri", frozenset({"admin"}))
ANALYST = User("an.nguyen", frozenset({"viewer", "analyst"}), unit=WARD)
CITY_ANALYST = User("binh.tran", frozenset({"analyst"}))
LEVERS = {"sector_closure": {"sectors": ["X"], "start_month": "2026-03"}}


@pytest.fixture
def store(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _save(engine: Engine, user: User, name: str, **changes: Any) -> int:
    values: dict[str, Any] = {
        "name": name,
        "year": 2026,
        "overrides": LEVERS,
        "seed": 7,
        "n_paths": 300,
        "engine_version": "2.1",
        "baseline_fingerprint": "fp-1",
        "summary": {"tổng": 1.5, "a": 2},
        "is_demo": False,
    }
    values.update(changes)
    with engine.begin() as conn:
        return saved_scenarios.save(conn, user, **values)


def _rows(engine: Engine, sql: str, **params: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(text(sql), params).mappings().all()]


def _audit(engine: Engine) -> list[dict[str, Any]]:
    return _rows(
        engine,
        "SELECT occurred_at, actor, actor_roles, actor_unit, action, object_type, object_id,"
        " outcome, detail_json FROM audit_log ORDER BY audit_id",
    )


def test_a_saved_sandbox_is_stored_as_given_and_logged(
    store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The save's clock pinned: its audit entry must carry the same moment, not its own.
    monkeypatch.setattr(saved_scenarios, "utc_now", lambda: dt.datetime(2026, 11, 5, 3, 4, 5))
    scenario_id = _save(store, ANALYST, "Đóng cửa", is_demo=True)
    [row] = _rows(store, "SELECT * FROM scenarios")
    assert row["scenario_id"] == scenario_id
    assert str(row["created_at"]).startswith("2026-11-05 03:04:05")
    assert (row["name"], row["author"], row["author_unit"]) == ("Đóng cửa", "an.nguyen", WARD)
    assert (row["seed"], row["year"], row["n_paths"]) == (7, 2026, 300)
    assert (row["engine_version"], row["baseline_fingerprint"]) == ("2.1", "fp-1")
    assert (row["is_official"], row["is_demo"], row["official_year"]) == (0, 1, None)
    assert row["levers_json"] == '{"sector_closure": {"sectors": ["X"], "start_month": "2026-03"}}'
    # Keys sorted, Vietnamese kept as is.
    assert row["results_summary_json"] == '{"a": 2, "tổng": 1.5}'
    [entry] = _audit(store)
    assert entry == {
        "occurred_at": row["created_at"],
        "actor": "an.nguyen",
        "actor_roles": "analyst,viewer",
        "actor_unit": WARD,
        "action": "scenario_saved",
        "object_type": "scenario",
        "object_id": str(scenario_id),
        "outcome": "ok",
        "detail_json": '{"name": "Đóng cửa", "year": 2026, "is_official": false}',
    }


def test_an_official_baseline_is_stored_for_its_year_and_logged_apart(store: Engine) -> None:
    scenario_id = _save(store, ADMIN, "Chính thức", year=2027, is_official=True)
    [row] = _rows(store, "SELECT is_official, official_year, author_unit FROM scenarios")
    assert row == {"is_official": 1, "official_year": 2027, "author_unit": None}
    [entry] = _audit(store)
    assert (entry["action"], entry["object_id"]) == ("scenario_official", str(scenario_id))
    assert json.loads(entry["detail_json"]) == {
        "name": "Chính thức",
        "year": 2027,
        "is_official": True,
    }
    # Another year has no official baseline yet.
    _save(store, ADMIN, "2026", year=2026, is_official=True)


def test_the_refusals_to_save_name_who_and_what(store: Engine) -> None:
    viewer = User("khach", frozenset({"viewer"}))
    with store.begin() as conn, pytest.raises(SavedScenarioError) as refused:
        saved_scenarios.save(
            conn,
            viewer,
            name="x",
            year=2026,
            overrides={},
            seed=1,
            n_paths=1,
            engine_version="1",
            baseline_fingerprint="f",
            summary={},
            is_demo=False,
        )
    assert (refused.value.code, str(refused.value)) == (
        "not_analyst",
        "khach may not save scenarios",
    )
    assert refused.value.parts == {}
    with pytest.raises(SavedScenarioError) as refused:
        _save(store, CITY_ANALYST, "x", is_official=True)
    assert refused.value.code == "official_admin_only"
    assert str(refused.value) == "only an admin saves the official baseline"
    first = _save(store, ADMIN, "first", is_official=True)
    with pytest.raises(SavedScenarioError) as refused:
        _save(store, ADMIN, "second", is_official=True)
    assert refused.value.code == "official_exists"
    assert str(refused.value) == (
        f"the official baseline of 2026 is scenario {first}; it is read-only"
    )
    assert refused.value.parts == {"year": 2026, "scenario_id": first}
    assert _rows(store, "SELECT count(*) AS n FROM scenarios") == [{"n": 1}]


def test_the_list_has_official_first_then_newest_then_by_id(store: Engine) -> None:
    old = _save(store, CITY_ANALYST, "old")
    tie_a = _save(store, CITY_ANALYST, "tie a", n_paths=None, year=None)
    tie_b = _save(store, CITY_ANALYST, "tie b")
    official = _save(store, ADMIN, "official", is_official=True)
    other_year = _save(store, CITY_ANALYST, "2025", year=2025)
    with store.begin() as conn:
        for scenario_id, created in [
            (old, "2026-01-01 08:00:00"),
            (tie_a, "2026-02-01 08:00:00"),
            (tie_b, "2026-02-01 08:00:00"),
            (official, "2025-06-01 08:00:00"),
            (other_year, "2026-03-01 08:00:00"),
        ]:
            conn.execute(
                text("UPDATE scenarios SET created_at = :c WHERE scenario_id = :i"),
                {"c": created, "i": scenario_id},
            )
    with store.connect() as conn:
        listed = saved_scenarios.list_saved(conn)
        of_2026 = saved_scenarios.list_saved(conn, 2026)
        of_2024 = saved_scenarios.list_saved(conn, 2024)
    assert list(listed["scenario_id"]) == [official, other_year, tie_a, tie_b, old]
    assert list(of_2026["scenario_id"]) == [official, tie_b, old]
    assert list(listed.columns) == [
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
    assert {c: str(t) for c, t in listed.dtypes.items() if c in _TYPES} == _TYPES
    first = listed.iloc[0]
    assert (first["name"], first["author"], first["seed"], first["n_paths"]) == (
        "official",
        "quan.tri",
        7,
        300,
    )
    assert (first["engine_version"], first["baseline_fingerprint"]) == ("2.1", "fp-1")
    assert first["created_at"] == dt.datetime(2025, 6, 1, 8)
    assert pd_isna(first["rerun_at"])
    assert bool(first["is_official"]) and not bool(first["is_demo"])
    third = listed.iloc[2]
    assert pd_isna(third["year"]) and pd_isna(third["n_paths"])
    assert list(listed["is_official"]) == [True, False, False, False, False]
    assert of_2024.empty and list(of_2024.columns) == list(listed.columns)
    # An empty list keeps the types (a frame of no rows is all object otherwise).
    assert {c: str(t) for c, t in of_2024.dtypes.items() if c in _TYPES} == _TYPES


_TYPES = {
    "scenario_id": "int64",
    "year": "Int64",
    "seed": "int64",
    "n_paths": "Int64",
    "is_official": "bool",
    "is_demo": "bool",
}


def pd_isna(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_a_scoped_list_keeps_official_and_same_scope_scenarios(store: Engine) -> None:
    # The reader's own ward named by a lever: theirs to see.
    own_ward = {"online_extra_growth": {"pp_per_month": 1.0, "units": [WARD]}}
    mine = _save(store, ANALYST, "mine", overrides=own_ward)
    _save(store, CITY_ANALYST, "city")
    official = _save(store, ADMIN, "official", is_official=True)
    with store.connect() as conn:
        listed = saved_scenarios.list_saved(conn, scope=WARD, scope_ids=[WARD])
        opened = saved_scenarios.get(conn, mine, scope=WARD, scope_ids=[WARD])
        city = saved_scenarios.list_saved(conn)
    assert list(listed["scenario_id"]) == [official, mine]
    assert opened is not None and opened.author_unit == WARD
    assert opened.overrides == own_ward
    assert len(city) == 3


def test_an_opened_scenario_has_every_stored_field(store: Engine) -> None:
    scenario_id = _save(store, ANALYST, "Đóng cửa", is_demo=True)
    bare = _save(store, CITY_ANALYST, "bare")
    with store.begin() as conn:
        conn.execute(
            text(
                "UPDATE scenarios SET created_at = '2026-04-02 03:04:05', year = NULL,"
                " n_paths = NULL, results_summary_json = NULL WHERE scenario_id = :i"
            ),
            {"i": bare},
        )
    with store.connect() as conn:
        saved = saved_scenarios.get(conn, scenario_id)
        other = saved_scenarios.get(conn, bare)
    assert saved is not None and other is not None
    assert (saved.scenario_id, saved.name, saved.author) == (scenario_id, "Đóng cửa", "an.nguyen")
    assert (saved.year, saved.seed, saved.n_paths) == (2026, 7, 300)
    assert (saved.engine_version, saved.baseline_fingerprint) == ("2.1", "fp-1")
    assert saved.overrides == LEVERS
    assert saved.summary == {"a": 2, "tổng": 1.5}
    assert (saved.is_official, saved.is_demo, saved.author_unit) == (False, True, WARD)
    assert saved.rerun_at is None
    assert isinstance(saved.created_at, dt.datetime)
    assert other.created_at == dt.datetime(2026, 4, 2, 3, 4, 5)
    assert (other.year, other.n_paths, other.summary) == (None, None, {})
    assert (other.is_demo, other.author_unit) == (False, None)


def test_a_rerun_changes_that_scenario_only_and_is_logged(store: Engine) -> None:
    scenario_id = _save(store, CITY_ANALYST, "mine")
    untouched = _save(store, CITY_ANALYST, "other")
    before = _rows(store, "SELECT * FROM scenarios WHERE scenario_id = :i", i=untouched)
    with store.begin() as conn:
        saved_scenarios.rerun(
            conn,
            CITY_ANALYST,
            scenario_id,
            n_paths=900,
            engine_version="3.0",
            baseline_fingerprint="fp-2",
            summary={"z": 1, "b": "đ"},
            is_demo=True,
        )
    [row] = _rows(store, "SELECT * FROM scenarios WHERE scenario_id = :i", i=scenario_id)
    assert (row["n_paths"], row["engine_version"], row["baseline_fingerprint"]) == (
        900,
        "3.0",
        "fp-2",
    )
    assert row["results_summary_json"] == '{"b": "đ", "z": 1}'
    assert row["is_demo"] == 1 and row["rerun_at"] is not None
    assert (row["name"], row["seed"], row["year"]) == ("mine", 7, 2026)
    assert _rows(store, "SELECT * FROM scenarios WHERE scenario_id = :i", i=untouched) == before
    entry = _audit(store)[-1]
    assert (entry["actor"], entry["actor_roles"], entry["action"]) == (
        "binh.tran",
        "analyst",
        "scenario_rerun",
    )
    assert (entry["object_type"], entry["object_id"]) == ("scenario", str(scenario_id))
    assert entry["detail_json"] == '{"baseline_fingerprint": "fp-2"}'


def test_a_delete_removes_that_scenario_only_and_is_logged(store: Engine) -> None:
    scenario_id = _save(store, ANALYST, "Đóng cửa")
    kept = _save(store, ANALYST, "kept")
    with store.begin() as conn:
        saved_scenarios.delete_saved(conn, ANALYST, scenario_id)
    assert _rows(store, "SELECT scenario_id FROM scenarios") == [{"scenario_id": kept}]
    entry = _audit(store)[-1]
    assert (entry["actor"], entry["actor_roles"], entry["actor_unit"]) == (
        "an.nguyen",
        "analyst,viewer",
        WARD,
    )
    assert (entry["action"], entry["object_type"], entry["object_id"]) == (
        "scenario_deleted",
        "scenario",
        str(scenario_id),
    )
    assert entry["detail_json"] == '{"name": "Đóng cửa", "author": "an.nguyen"}'


def test_a_rerun_or_delete_refused_changes_nothing(store: Engine) -> None:
    official = _save(store, ADMIN, "official", is_official=True)
    with store.begin() as conn, pytest.raises(SavedScenarioError) as refused:
        saved_scenarios.rerun(
            conn,
            CITY_ANALYST,
            official,
            n_paths=1,
            engine_version="9",
            baseline_fingerprint="fp-9",
            summary={},
            is_demo=True,
        )
    assert refused.value.code == "official_read_only"
    with store.begin() as conn, pytest.raises(SavedScenarioError) as refused:
        saved_scenarios.rerun(
            conn,
            CITY_ANALYST,
            404,
            n_paths=1,
            engine_version="9",
            baseline_fingerprint="fp-9",
            summary={},
            is_demo=True,
        )
    assert refused.value.code == "not_found"
    [row] = _rows(store, "SELECT baseline_fingerprint, rerun_at FROM scenarios")
    assert row == {"baseline_fingerprint": "fp-1", "rerun_at": None}
    assert len(_audit(store)) == 1


def test_overrides_are_stored_with_months_and_lists_plain() -> None:
    overrides = {
        "b": {"start": dt.date(2026, 3, 15), "units": ("2", "1")},
        "a": {"months": [dt.date(999, 1, 5), dt.datetime(2027, 11, 30, 8)], "pp": 1.5},
    }
    assert saved_scenarios.overrides_json(overrides) == (
        '{"a": {"months": ["0999-01", "2027-11"], "pp": 1.5},'
        ' "b": {"start": "2026-03", "units": ["2", "1"]}}'
    )
    assert saved_scenarios.overrides_json({"c": {"name": "Quận 1"}}) == (
        '{"c": {"name": "Quận 1"}}'
    )


def test_a_saved_scenario_error_keeps_code_message_and_parts() -> None:
    error = SavedScenarioError("not_found", "there is none", scenario_id=3)
    assert (error.code, str(error), error.parts) == (
        "not_found",
        "there is none",
        {"scenario_id": 3},
    )
    assert isinstance(error, ValueError)
