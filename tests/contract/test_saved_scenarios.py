"""Saved scenarios in the warehouse: saved with everything needed to reproduce them, one
official baseline per year read-only to analysts, only one's own deleted, stale results
said so and re-run — and a bad scenario or lever file leaves the warehouse unchanged.

``tests/postgres/test_saved_scenarios_postgres.py`` runs these same tests on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine, func, select

from data_access import saved_scenarios
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.saved_scenarios import LOCAL_USER, SavedScenarioError, User
from data_access.schema import audit_log, scenarios
from scenarios import workspace
from scenarios.leverfile import read_csv
from scenarios.levers import ScenarioError
from tests.unit.scenario_fixtures import synthetic_baseline
from tests.unit.test_scenario_levers import INVALID, LEVER_FILE_CASES

BASE = synthetic_baseline(n_paths=500)
ANALYST = User("an.nguyen", frozenset({"viewer", "analyst"}))
OTHER = User("binh.tran", frozenset({"viewer", "analyst"}))
CLOSURE = {
    "sector_closure": {"sectors": ["X"], "start_month": "2026-03", "reopen_month": "2026-05"}
}


@pytest.fixture
def store_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    upgrade(url)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            int(conn.execute(select(func.count()).select_from(scenarios)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one()),
        )


def test_saved_scenario_keeps_what_reproduces_it(store: Engine) -> None:
    result = workspace.run(BASE, "Đóng cửa hai tháng", CLOSURE, 42)
    with store.begin() as conn:
        scenario_id = workspace.save_run(conn, ANALYST, BASE, result)
    with store.connect() as conn:
        saved = saved_scenarios.get(conn, scenario_id)
        listed = saved_scenarios.list_saved(conn, 2026)
    assert saved is not None
    assert (saved.name, saved.author, saved.seed, saved.year) == (
        "Đóng cửa hai tháng",
        "an.nguyen",
        42,
        2026,
    )
    assert saved.overrides == CLOSURE
    assert saved.engine_version == "1.0" and saved.baseline_fingerprint == "synthetic"
    assert saved.n_paths == 500 and saved.is_demo and not saved.is_official
    # The stored summary is the run's, to the figure (JSON keeps floats exactly).
    assert saved.summary == json.loads(json.dumps(result.summary()))
    assert listed["scenario_id"].tolist() == [scenario_id]
    # Opened again, the same levers and seed give the same numbers.
    again = workspace.run(BASE, saved.name, saved.overrides, saved.seed)
    assert again.summary() == result.summary()
    assert counts(store) == (1, 1)


def test_one_official_baseline_per_year_read_only_to_analysts(store: Engine) -> None:
    with store.begin() as conn:
        official = workspace.run_and_save(
            conn, LOCAL_USER, BASE, "Cơ sở 2026", {}, is_official=True
        )
    before = counts(store)
    with store.begin() as conn, pytest.raises(SavedScenarioError) as raised:
        workspace.run_and_save(conn, LOCAL_USER, BASE, "Cơ sở khác", {}, is_official=True)
    assert raised.value.code == "official_exists"
    with store.begin() as conn, pytest.raises(SavedScenarioError) as raised:
        workspace.run_and_save(conn, ANALYST, BASE, "Của tôi", {}, is_official=True)
    assert raised.value.code == "official_admin_only"
    with store.begin() as conn, pytest.raises(SavedScenarioError) as raised:
        saved_scenarios.delete_saved(conn, ANALYST, official)
    assert raised.value.code == "official_read_only"
    assert counts(store) == before
    with store.connect() as conn:
        listed = saved_scenarios.list_saved(conn)
    assert listed["is_official"].tolist() == [True]


def test_only_the_author_deletes_a_sandbox(store: Engine) -> None:
    with store.begin() as conn:
        mine = workspace.run_and_save(conn, ANALYST, BASE, "Của An", CLOSURE)
        theirs = workspace.run_and_save(conn, OTHER, BASE, "Của Bình", {})
    with store.begin() as conn, pytest.raises(SavedScenarioError) as raised:
        saved_scenarios.delete_saved(conn, ANALYST, theirs)
    assert raised.value.code == "not_yours" and raised.value.parts["author"] == "binh.tran"
    with store.begin() as conn:
        saved_scenarios.delete_saved(conn, ANALYST, mine)
    with store.connect() as conn:
        assert saved_scenarios.list_saved(conn)["scenario_id"].tolist() == [theirs]
        actions = conn.execute(select(audit_log.c.action).order_by(audit_log.c.audit_id)).all()
    assert [a for (a,) in actions] == ["scenario_saved", "scenario_saved", "scenario_deleted"]


@pytest.mark.parametrize(
    ("name", "overrides", "message"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_scenarios_leave_the_warehouse_unchanged(
    store: Engine, name: str, overrides: dict, message: str
) -> None:
    before = counts(store)
    with store.begin() as conn, pytest.raises(ScenarioError) as raised:
        workspace.run_and_save(conn, ANALYST, BASE, name, overrides)
    assert str(raised.value) == message
    assert counts(store) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [case[1:] for case in LEVER_FILE_CASES],
    ids=[case[0] for case in LEVER_FILE_CASES],
)
def test_bad_lever_files_leave_the_warehouse_unchanged(
    store: Engine, data: bytes, message: str
) -> None:
    before = counts(store)
    with pytest.raises(ScenarioError) as raised:
        loaded = read_csv(data)
        with store.begin() as conn:
            workspace.run_and_save(conn, ANALYST, BASE, loaded.name, loaded.overrides)
    assert str(raised.value) == message
    assert counts(store) == before


def test_a_scenario_whose_data_changed_says_so_and_reruns(store: Engine) -> None:
    with store.begin() as conn:
        scenario_id = workspace.run_and_save(conn, ANALYST, BASE, "Đóng cửa", CLOSURE, 42)
    newer = replace(synthetic_baseline(n_paths=500, seed=8), fingerprint="newer data")
    with store.connect() as conn:
        saved = saved_scenarios.get(conn, scenario_id)
    assert saved is not None
    assert not workspace.staleness(saved, BASE).is_stale
    assert workspace.staleness(saved, newer).data_changed
    with store.begin() as conn:
        result = workspace.rerun(conn, ANALYST, saved, newer)
    with store.connect() as conn:
        rerun = saved_scenarios.get(conn, scenario_id)
    assert rerun is not None and rerun.rerun_at is not None
    assert rerun.baseline_fingerprint == "newer data"
    assert rerun.summary == json.loads(json.dumps(result.summary()))
    assert not workspace.staleness(rerun, newer).is_stale
    # Someone else cannot re-run it.
    with store.begin() as conn, pytest.raises(SavedScenarioError):
        workspace.rerun(conn, OTHER, rerun, newer)


def test_a_viewer_cannot_save(store: Engine) -> None:
    viewer = User("khach", frozenset({"viewer"}))
    with store.begin() as conn, pytest.raises(SavedScenarioError) as raised:
        workspace.run_and_save(conn, viewer, BASE, "x", {})
    assert raised.value.code == "not_analyst"
    assert counts(store) == (0, 0)
