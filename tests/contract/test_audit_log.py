"""The audit log (issue 13, item 3), on SQLite and PostgreSQL: a load, a target load, an
undo and a scenario save each write exactly one entry with the actor's name, roles and unit
and the action's code, in the same transaction as the change; a refused load writes one
``refused`` entry and no batch; a load whose audit entry cannot be written loads nothing;
an entry written apart (sign-in, download) that the warehouse refuses is logged.

Expected entries are written by hand and read back with plain SQL, not through
:func:`data_access.audit.latest`.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from data_access import audit, saved_scenarios
from data_access.engine import make_engine
from data_access.identity import User
from ingest import service
from ingest.read import Submitted
from scenarios import workspace
from tests.ingest.warehouse import BACKENDS, TODAY, WARD_A, backend_warehouse, current
from tests.unit.scenario_fixtures import synthetic_baseline

pytestmark = pytest.mark.contract

STEWARD = User("chi.le", frozenset({"viewer", "data_steward"}))
ADMIN = User("an.admin", frozenset({"viewer", "analyst", "data_steward", "admin"}))
HEADER = "indicator_code,unit_code,period,numerator,denominator\n"
OCTOBER = HEADER + f"online_dossier_share,{WARD_A},2026-10,55,100\n"
ENTRIES = (
    "SELECT actor, actor_roles, actor_unit, action, object_type, object_id, outcome "
    "FROM audit_log ORDER BY audit_id"
)


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path) -> str:
    return backend_warehouse(request, tmp_path)


def _entries(url: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in current(url, ENTRIES)]


def _load(url: str, name: str, body: str, actor: audit.Actor = STEWARD) -> service.Report:
    engine = make_engine(url)
    try:
        return service.load_files(
            engine, [Submitted(name, body.encode())], actor=actor, channel="page", today=TODAY
        )
    finally:
        engine.dispose()


def test_a_load_writes_one_entry_with_the_actor(url: str) -> None:
    before = _entries(url)  # the small warehouse's own base batch
    report = _load(url, "october.csv", OCTOBER)

    batch = report.batches[0].batch_id
    assert _entries(url) == [
        *before,
        ("chi.le", "data_steward,viewer", None, "load_batch", "load_batch", str(batch), "ok"),
    ]


def test_a_target_load_is_a_target_change(url: str) -> None:
    before = _entries(url)
    header = "indicator_code,target_year,target_value,source_document\n"
    report = _load(url, "targets.csv", header + "online_dossier_share,2026,60,QĐ 99/QĐ-UBND\n")

    batch = report.batches[0].batch_id
    assert _entries(url)[len(before) :] == [
        ("chi.le", "data_steward,viewer", None, "load_targets", "load_batch", str(batch), "ok")
    ]


def test_an_undo_writes_one_entry_with_the_actor(url: str) -> None:
    batch = _load(url, "october.csv", OCTOBER).batches[0].batch_id
    before = _entries(url)
    engine = make_engine(url)
    try:
        service.undo(engine, batch, actor=ADMIN)
    finally:
        engine.dispose()

    assert _entries(url)[len(before) :] == [
        (
            "an.admin",
            "admin,analyst,data_steward,viewer",
            None,
            "undo_batch",
            "load_batch",
            str(batch),
            "ok",
        )
    ]


def test_a_refused_load_writes_one_refused_entry_and_no_batch(url: str) -> None:
    before = _entries(url)
    batches = current(url, "SELECT COUNT(*) FROM load_batches")
    report = _load(url, "bad.csv", HEADER + "online_dossier_share,99999999,2026-10,55,100\n")

    assert not report.is_ok
    added = _entries(url)[len(before) :]
    assert [(a[0], a[3], a[4], a[6]) for a in added] == [
        ("chi.le", "load_refused", "submission", "refused")
    ]
    assert current(url, "SELECT COUNT(*) FROM load_batches") == batches


def test_a_load_whose_audit_entry_fails_loads_nothing(url: str, monkeypatch) -> None:
    """Same transaction: the audit insert fails, so the batch is rolled back with it."""
    before = _entries(url)
    batches = current(url, "SELECT COUNT(*) FROM load_batches")
    observations = current(url, "SELECT COUNT(*) FROM observations")

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_log", {}, Exception("disk full"))

    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(service.LoadFailedError, match="disk full"):
        _load(url, "october.csv", OCTOBER)

    assert _entries(url) == before
    assert current(url, "SELECT COUNT(*) FROM load_batches") == batches
    assert current(url, "SELECT COUNT(*) FROM observations") == observations


def test_a_scenario_save_writes_one_entry_and_an_official_one_its_own(url: str) -> None:
    base = synthetic_baseline(n_paths=200)
    before = _entries(url)
    analyst = User("binh.tran", frozenset({"viewer", "analyst"}), unit=None)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            sandbox = workspace.run_and_save(conn, analyst, base, "Thử nghiệm <b>", {})
        with engine.begin() as conn:
            official = workspace.run_and_save(conn, ADMIN, base, "Cơ sở", {}, is_official=True)
        with engine.begin() as conn, pytest.raises(saved_scenarios.SavedScenarioError):
            workspace.run_and_save(conn, analyst, base, "Không được", {}, is_official=True)
    finally:
        engine.dispose()

    assert _entries(url)[len(before) :] == [
        ("binh.tran", "analyst,viewer", None, "scenario_saved", "scenario", str(sandbox), "ok"),
        (
            "an.admin",
            "admin,analyst,data_steward,viewer",
            None,
            "scenario_official",
            "scenario",
            str(official),
            "ok",
        ),
    ]


def test_the_unit_scope_is_kept(url: str) -> None:
    ward_admin = User("d.ward", frozenset({"admin"}), unit=WARD_A)
    engine = make_engine(url)
    try:
        assert audit.record_apart(
            engine, ward_admin, "download", object_type="file", object_id="don-vi.csv"
        )
    finally:
        engine.dispose()

    assert _entries(url)[-1] == ("d.ward", "admin", WARD_A, "download", "file", "don-vi.csv", "ok")


def test_an_entry_written_apart_that_fails_is_logged(tmp_path, caplog) -> None:
    """The warehouse has no audit table: the write fails, it is logged, False comes back."""
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        with caplog.at_level(logging.ERROR, logger="data_access.audit"):
            written = audit.record_apart(engine, STEWARD, "sign_in", object_type="session")
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT name FROM sqlite_master")).all()
    finally:
        engine.dispose()

    assert written is False
    assert tables == []
    assert "could not record sign_in by chi.le" in caplog.text


def test_an_unknown_outcome_is_refused(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn, pytest.raises(ValueError, match="unknown audit outcome"):
            audit.record(conn, STEWARD, "download", object_type="file", outcome="maybe")
    finally:
        engine.dispose()
