"""Load, replace and undo, on SQLite and PostgreSQL.

Expected figures are written by hand from the files the tests send; the warehouse is read
back with plain SQL, not through the loader.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access import writes
from data_access.engine import make_engine
from data_access.writes import UndoRefusedError
from ingest import service
from ingest.read import Submitted
from tests.ingest.warehouse import (
    BACKENDS,
    TODAY,
    WARD_A,
    WARD_B,
    backend_warehouse,
    current,
    fingerprint,
)

HEADER = "indicator_code,unit_code,period,numerator,denominator\n"
CURRENT_ONLINE = (
    "SELECT unit_id, numerator, denominator, batch_id FROM observations "
    "WHERE indicator_id = 'online_dossier_share' AND superseded_at IS NULL ORDER BY unit_id"
)


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path) -> str:
    return backend_warehouse(request, tmp_path)


def _load(url: str, name: str, text: str) -> service.Report:
    engine = make_engine(url)
    try:
        return service.load_files(
            engine, [Submitted(name, text.encode())], actor="steward", today=TODAY
        )
    finally:
        engine.dispose()


def _undo(url: str, batch_id: int) -> writes.UndoResult:
    engine = make_engine(url)
    try:
        return service.undo(engine, batch_id, actor="steward")
    finally:
        engine.dispose()


def test_a_resent_submission_replaces_and_keeps_the_old_version(url):
    first = _load(url, "october.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,55,100\n")
    second = _load(url, "october.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,57,100\n")

    batch_1, batch_2 = first.batches[0].batch_id, second.batches[0].batch_id
    assert first.batches[0].rows_replaced == 1  # the base batch's row for ward A
    assert second.batches[0].rows_replaced == 1
    assert current(url, CURRENT_ONLINE) == [
        (WARD_A, 57.0, 100.0, batch_2),
        (WARD_B, 25.0, 100.0, 1),
    ]
    versions = current(
        url,
        "SELECT numerator, batch_id, superseded_by_batch_id FROM observations "
        "WHERE unit_id = :unit ORDER BY observation_id",
        unit=WARD_A,
    )
    assert versions == [(50.0, 1, batch_1), (55.0, batch_1, batch_2), (57.0, batch_2, None)]
    same_key = current(
        url,
        "SELECT COUNT(DISTINCT submission_key) FROM load_batches WHERE batch_id IN (:a, :b)",
        a=batch_1,
        b=batch_2,
    )
    assert same_key == [(1,)]


def test_a_resend_with_fewer_units_leaves_the_others_as_they_were(url):
    both = HEADER + (
        f"online_dossier_share,{WARD_A},2026-10,60,100\n"
        f"online_dossier_share,{WARD_B},2026-10,30,100\n"
    )
    first = _load(url, "both.csv", both).batches[0].batch_id
    engine = make_engine(url)
    try:
        one = (HEADER + f"online_dossier_share,{WARD_A},2026-10,61,100\n").encode()
        fewer = service.check_files(engine, [Submitted("one.csv", one)], today=TODAY)
    finally:
        engine.dispose()
    preview = fewer.previews[0]
    assert preview is not None
    assert (preview.rows_new, preview.rows_replacing, preview.rows_changing) == (0, 1, 1)
    assert preview.left_as_is.to_dict("records") == [
        {"batch_id": first, "source_name": "both.csv", "rows": 1}
    ]

    second = _load(url, "one.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,61,100\n")

    assert current(url, CURRENT_ONLINE) == [
        (WARD_A, 61.0, 100.0, second.batches[0].batch_id),
        (WARD_B, 30.0, 100.0, first),
    ]


def test_undo_brings_back_what_the_batch_replaced_and_is_recorded(url):
    loaded = _load(url, "fix.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,70,100\n")
    batch = loaded.batches[0].batch_id
    moment = current(url, "SELECT loaded_at FROM load_batches WHERE batch_id = :b", b=batch)[0][0]

    later = pd.Timestamp(moment).to_pydatetime() + dt.timedelta(minutes=5)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            result = writes.undo_batch(conn, batch, undone_by="steward", at=later)
    finally:
        engine.dispose()

    assert (result.rows_withdrawn, result.rows_restored) == (1, 1)
    assert current(url, CURRENT_ONLINE) == [(WARD_A, 50.0, 100.0, 1), (WARD_B, 25.0, 100.0, 1)]
    assert current(
        url, "SELECT status, undone_by FROM load_batches WHERE batch_id = :b", b=batch
    ) == [("undone", "steward")]
    assert current(
        url,
        "SELECT action, actor, object_id FROM audit_log WHERE action = 'undo_batch'",
    ) == [("undo_batch", "steward", str(batch))]
    # Nothing was deleted: ward A has its three versions, the batch's own row closed.
    assert current(
        url,
        "SELECT numerator, batch_id, superseded_at IS NULL FROM observations "
        "WHERE unit_id = :unit ORDER BY observation_id",
        unit=WARD_A,
    ) == [(50.0, 1, False), (70.0, batch, False), (50.0, 1, True)]
    # The figures as they stood while the batch was in force are still there.
    as_of = pd.Timestamp(moment).to_pydatetime() + dt.timedelta(microseconds=1)
    stood = current(
        url,
        "SELECT numerator FROM observations WHERE unit_id = :unit AND loaded_at <= :t "
        "AND (superseded_at IS NULL OR superseded_at > :t)",
        unit=WARD_A,
        t=as_of,
    )
    assert stood == [(70.0,)]


def test_undo_is_refused_while_a_later_batch_holds_its_rows(url):
    first = _load(url, "a.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,60,100\n")
    later = _load(url, "b.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,65,100\n")
    before = fingerprint(url)

    with pytest.raises(UndoRefusedError) as refused:
        _undo(url, first.batches[0].batch_id)

    assert refused.value.reason == "replaced_later"
    assert [b.batch_id for b in refused.value.later] == [later.batches[0].batch_id]
    assert [b.source_name for b in refused.value.later] == ["b.csv"]
    assert fingerprint(url) == before
    # Newest first, then the older one: back to the base batch.
    _undo(url, later.batches[0].batch_id)
    _undo(url, first.batches[0].batch_id)
    assert current(url, CURRENT_ONLINE) == [(WARD_A, 50.0, 100.0, 1), (WARD_B, 25.0, 100.0, 1)]


def test_undo_twice_or_of_nothing_is_refused(url):
    batch = _load(url, "a.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,60,100\n")
    _undo(url, batch.batches[0].batch_id)
    with pytest.raises(UndoRefusedError) as twice:
        _undo(url, batch.batches[0].batch_id)
    assert twice.value.reason == "already_undone"
    with pytest.raises(UndoRefusedError) as missing:
        _undo(url, 999_999)
    assert missing.value.reason == "not_found"


def test_a_capital_plan_and_its_revision_load_and_undo(url):
    header = "unit_code,plan_year,effective_date,plan_billion_vnd,source_document\n"
    approved = _load(url, "plan.csv", header + f"{WARD_A},2026,2026-01-01,120.5,QĐ 1/QĐ-UBND\n")
    revised = _load(
        url,
        "plan-rev.csv",
        header + f"{WARD_A},2026,2026-01-01,130,QĐ 9/QĐ-UBND điều chỉnh\n",
    )
    plans = (
        "SELECT plan_billion_vnd, source_document FROM capital_plans WHERE superseded_at IS NULL"
    )
    assert current(url, plans) == [(130.0, "QĐ 9/QĐ-UBND điều chỉnh")]

    _undo(url, revised.batches[0].batch_id)
    assert current(url, plans) == [(120.5, "QĐ 1/QĐ-UBND")]
    _undo(url, approved.batches[0].batch_id)
    assert current(url, plans) == []


def test_a_loaded_target_survives_the_registry_sync_and_can_be_undone(url):
    header = "indicator_code,target_year,target_value,source_document\n"
    loaded = _load(
        url, "targets.csv", header + "online_dossier_share,2026,60,Quyết định 99/QĐ-UBND\n"
    )
    loaded_rows = (
        "SELECT indicator_id, target_year, due_date, comparator, target_value, is_year_end, "
        "source_document FROM targets WHERE batch_id IS NOT NULL AND superseded_at IS NULL"
    )
    document = "Quyết định 99/QĐ-UBND"
    expected = [("online_dossier_share", 2026, dt.date(2026, 12, 31), ">=", 60.0, True, document)]
    rows = current(url, loaded_rows)
    assert [(*r[:2], pd.Timestamp(r[2]).date(), *r[3:]) for r in rows] == expected

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            writes.sync_registry(conn)
    finally:
        engine.dispose()
    rows = current(url, loaded_rows)
    assert [(*r[:2], pd.Timestamp(r[2]).date(), *r[3:]) for r in rows] == expected

    _undo(url, loaded.batches[0].batch_id)
    assert current(url, loaded_rows) == []


def test_the_staged_path_gives_the_same_warehouse_as_row_by_row(url, monkeypatch):
    rows = "".join(
        f"online_dossier_share,{unit},2026-{month:02d},{40 + month},100\n"
        for unit in (WARD_A, WARD_B)
        for month in range(1, 11)
    )
    monkeypatch.setattr(writes, "STAGE_THRESHOLD", 5)
    staged = _load(url, "year.csv", HEADER + rows)
    staged_rows = current(
        url,
        "SELECT indicator_id, unit_id, period_year, period_month, numerator, denominator, "
        "value, superseded_at IS NULL FROM observations WHERE batch_id = :b ORDER BY 2, 4",
        b=staged.batches[0].batch_id,
    )
    assert staged.batches[0].rows_loaded == 20
    assert staged.batches[0].rows_replaced == 2  # the base batch's October rows
    assert len(staged_rows) == 20
    october_a = [r for r in staged_rows if r[1] == WARD_A and pd.Timestamp(r[3]).month == 10]
    assert october_a[0][4:] == (50.0, 100.0, 50.0, True)
    assert current(
        url,
        "SELECT COUNT(*) FROM observations WHERE batch_id = 1 AND superseded_at IS NULL",
    ) == [(0,)]
