"""The loader's rules, stated one by one (``data_access.writes``): what a batch keeps, what it
supersedes and how many, what undo brings back, and what a steward is told when undo is refused.

Each test writes into a private copy of one small SQLite warehouse (migrated once per module,
with the reference units and the registry) and reads it back with plain SQL, never through
the loader. Every expected figure is worked out by hand in the comments. Each load test runs
on both paths, row by row and through the staging table (the threshold moved to 0), which
must give the same warehouse.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from data_access import writes
from data_access.writes import LaterBatch, UndoRefusedError
from tests.unit.copied_warehouse import rows

A, B, C = "25747", "25750", "25760"  # three Bình Dương wards of the reference file
OCT, SEP = dt.date(2026, 10, 1), dt.date(2026, 9, 1)
T1 = dt.datetime(2026, 11, 5, 3, 0)
T2 = dt.datetime(2026, 11, 6, 3, 0)
T3 = dt.datetime(2026, 11, 7, 3, 0)
T4 = dt.datetime(2026, 11, 8, 3, 0)


@pytest.fixture(params=["row_by_row", "staged"])
def load_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "staged":
        monkeypatch.setattr(writes, "STAGE_THRESHOLD", 0)
    return str(request.param)


def _obs(data: dict[str, tuple[float, float]], month: dt.date = OCT) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": "online_dossier_share",
                "unit_id": unit,
                "period_year": month.year,
                "period_month": month,
                "value": 100 * num / den,
                "numerator": num,
                "denominator": den,
            }
            for unit, (num, den) in data.items()
        ]
    )


def _load(
    warehouse, frame: pd.DataFrame, key: str, at: dt.datetime, **kwargs
) -> writes.BatchResult:
    with warehouse.begin() as conn:
        return writes.load_observation_batch(
            conn,
            frame,
            submission_key=key,
            source_name=kwargs.pop("source_name", f"{key}.csv"),
            submitted_by=kwargs.pop("submitted_by", "steward"),
            loaded_at=at,
            **kwargs,
        )


def _undo(warehouse, batch_id: int, at: dt.datetime = T4) -> writes.UndoResult:
    with warehouse.begin() as conn:
        return writes.undo_batch(conn, batch_id, undone_by="admin", at=at)


_sql = rows


CURRENT = (
    "SELECT unit_id, numerator, denominator, batch_id FROM observations "
    "WHERE superseded_at IS NULL ORDER BY unit_id, period_month"
)


def _when(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


# --- loading ---------------------------------------------------------------------------------


def test_a_resent_submission_replaces_its_earlier_version_whole(warehouse, load_path):
    first = _load(warehouse, _obs({A: (50, 100), B: (25, 100)}), "k", T1)
    # The resend holds ward A only: both rows of the first version stop being current (the
    # submission is replaced, not merged), so 2 rows are replaced and only A's new row counts.
    second = _load(warehouse, _obs({A: (60, 100)}), "k", T2)
    assert (first.rows_loaded, first.rows_replaced) == (2, 0)
    assert (second.rows_loaded, second.rows_replaced) == (1, 2)
    assert second.batch_id != first.batch_id
    assert _sql(warehouse, CURRENT) == [(A, 60.0, 100.0, second.batch_id)]
    # Nothing is deleted: the two old rows stay, marked with when and by which batch.
    old = _sql(
        warehouse,
        "SELECT unit_id, superseded_at, superseded_by_batch_id FROM observations "
        "WHERE batch_id = :b ORDER BY unit_id",
        b=first.batch_id,
    )
    assert [(u, _when(at), by) for u, at, by in old] == [
        (A, T2, second.batch_id),
        (B, T2, second.batch_id),
    ]
    assert _sql(warehouse, "SELECT COUNT(*) FROM observations") == [(3,)]
    assert _sql(warehouse, "SELECT rows_replaced FROM load_batches ORDER BY batch_id") == [
        (0,),
        (2,),
    ]


def test_another_submission_replaces_only_the_rows_with_its_keys(warehouse, load_path):
    first = _load(warehouse, _obs({A: (50, 100), B: (25, 100)}), "k1", T1)
    # Another submission for ward A in October: A's row is replaced (1), B's stays current.
    second = _load(warehouse, _obs({A: (70, 100)}), "k2", T2)
    assert second.rows_replaced == 1
    assert _sql(warehouse, CURRENT) == [
        (A, 70.0, 100.0, second.batch_id),
        (B, 25.0, 100.0, first.batch_id),
    ]
    assert _sql(
        warehouse,
        "SELECT unit_id, superseded_by_batch_id FROM observations WHERE superseded_at IS NOT NULL",
    ) == [(A, second.batch_id)]


@pytest.mark.parametrize(
    ("data", "month"),
    [
        ({C: (1, 4)}, OCT),  # same indicator and month, another ward: the quick count sees 2
        ({A: (1, 4)}, SEP),  # same ward, another month: nothing to compare
    ],
)
def test_a_submission_with_new_keys_replaces_nothing(warehouse, load_path, data, month):
    first = _load(warehouse, _obs({A: (50, 100), B: (25, 100)}), "k1", T1)
    second = _load(warehouse, _obs(data, month), "k2", T2)
    assert second.rows_replaced == 0
    assert _sql(warehouse, "SELECT COUNT(*) FROM observations WHERE superseded_at IS NULL") == [
        (3,)
    ]
    assert _sql(
        warehouse,
        "SELECT COUNT(*) FROM observations WHERE batch_id = :b AND superseded_at IS NULL",
        b=first.batch_id,
    ) == [(2,)]


def test_an_undone_batch_of_the_same_submission_is_not_replaced_again(warehouse, load_path):
    first = _load(warehouse, _obs({A: (50, 100)}), "k", T1)
    _undo(warehouse, first.batch_id, at=T2)
    # After the undo ward A has no current row; the resend replaces nothing (0), and the
    # undone batch's row keeps the undo as its end, with no superseding batch.
    again = _load(warehouse, _obs({A: (55, 100)}), "k", T3)
    assert again.rows_replaced == 0
    assert _sql(warehouse, CURRENT) == [(A, 55.0, 100.0, again.batch_id)]
    rows = _sql(
        warehouse,
        "SELECT superseded_at, superseded_by_batch_id FROM observations WHERE batch_id = :b",
        b=first.batch_id,
    )
    assert [(_when(at), by) for at, by in rows] == [(T2, None)]


def test_the_batch_row_says_what_was_loaded(warehouse, load_path):
    frame = _obs({A: (1, 4)})
    result = _load(
        warehouse,
        frame,
        "k",
        T1,
        source_name="oct.csv",
        submitted_by="lan",
        is_demo=True,
        note="resent by phone",
        check_id=7,
    )
    row = _sql(
        warehouse,
        "SELECT submission_key, batch_kind, source_name, submitted_by, loaded_at, row_count, "
        "rows_replaced, status, checksum_sha256, is_demo, note, check_id, undone_at "
        "FROM load_batches WHERE batch_id = :b",
        b=result.batch_id,
    )
    # The checksum is of the batch's CSV text, written out here by hand (every text quoted,
    # the unit's total an empty quoted field, floats in their shortest form).
    csv_text = (
        '"indicator_id","unit_id","period_year","period_month","breakdown_key","value",'
        '"numerator","denominator"\n'
        '"online_dossier_share","25747",2026,2026-10-01,"",25,1,4\n'
    )
    assert (
        writes.batch_csv(frame.assign(breakdown_key="")[list(writes.OBSERVATION_COLUMNS)]).decode()
        == csv_text
    )
    checksum = hashlib.sha256(csv_text.encode()).hexdigest()
    (key, kind, source, by, at, count, replaced, status, digest, demo, note, check, undone) = row[0]
    assert (key, kind, source, by, _when(at), count, replaced, status) == (
        "k",
        "observations",
        "oct.csv",
        "lan",
        T1,
        1,
        0,
        "loaded",
    )
    assert (digest, bool(demo), note, check, undone) == (checksum, True, "resent by phone", 7, None)
    assert result == writes.BatchResult(result.batch_id, 1, 0, T1)


def test_a_batch_is_not_demo_unless_said(warehouse):
    result = _load(warehouse, _obs({A: (1, 4)}), "k", T1)
    assert _sql(
        warehouse,
        "SELECT is_demo, note, check_id FROM load_batches WHERE batch_id = :b",
        b=result.batch_id,
    ) == [(0, None, None)]


def test_the_load_is_in_the_audit_log(warehouse, load_path):
    first = _load(warehouse, _obs({A: (1, 4), B: (1, 2)}), "k", T1, submitted_by="lan", check_id=3)
    second = _load(warehouse, _obs({A: (2, 4)}), "k", T2, submitted_by="lan")
    rows = _sql(
        warehouse,
        "SELECT occurred_at, actor, action, object_type, object_id, detail_json FROM audit_log "
        "ORDER BY audit_id",
    )
    assert [(_when(r[0]), *r[1:5]) for r in rows] == [
        (T1, "lan", "load_batch", "load_batch", str(first.batch_id)),
        (T2, "lan", "load_batch", "load_batch", str(second.batch_id)),
    ]
    detail = json.loads(str(rows[1][5]))
    assert {k: v for k, v in detail.items() if k != "checksum_sha256"} == {
        "submission_key": "k",
        "kind": "observations",
        "source_name": "k.csv",
        "rows": 1,
        "replaced": 2,
        "check_id": None,
    }
    assert json.loads(str(rows[0][5]))["check_id"] == 3
    stored = _sql(
        warehouse, "SELECT checksum_sha256 FROM load_batches WHERE batch_id = :b", b=second.batch_id
    )
    assert detail["checksum_sha256"] == stored[0][0]


def test_an_empty_file_loads_nothing(warehouse):
    _load(warehouse, _obs({A: (1, 4)}), "k", T1)
    with pytest.raises(ValueError, match=r"submission 'k' has no rows; an empty file would erase"):
        _load(warehouse, _obs({A: (1, 4)}).iloc[0:0], "k", T2)
    assert _sql(warehouse, "SELECT COUNT(*) FROM load_batches") == [(1,)]
    assert _sql(warehouse, "SELECT COUNT(*) FROM observations WHERE superseded_at IS NULL") == [
        (1,)
    ]


def test_a_zoned_load_time_is_stored_in_utc(warehouse):
    # 14:00 in the city (UTC+7) is 07:00 UTC, stored without a zone.
    at = dt.datetime(2026, 11, 5, 14, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    result = _load(warehouse, _obs({A: (1, 4)}), "k", at)
    assert result.loaded_at == dt.datetime(2026, 11, 5, 7, 0)
    assert [_when(r[0]) for r in _sql(warehouse, "SELECT loaded_at FROM observations")] == [
        dt.datetime(2026, 11, 5, 7, 0)
    ]


def test_without_a_load_time_the_batch_is_loaded_now(warehouse, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 28, 3, 4, 5, tzinfo=dt.UTC), tick=False)
    with warehouse.begin() as conn:
        result = writes.load_observation_batch(
            conn, _obs({A: (1, 4)}), submission_key="k", source_name="s", submitted_by="x"
        )
    assert result.loaded_at == dt.datetime(2026, 11, 28, 3, 4, 5)


def test_a_missing_breakdown_is_the_units_total(warehouse, load_path):
    frame = _obs({A: (1, 4), B: (1, 2), C: (3, 4)}).assign(
        breakdown_key=["", None, "sector:health"], period_month=["2026-10-01"] * 3
    )
    _load(warehouse, frame, "k", T1)
    assert _sql(
        warehouse, "SELECT unit_id, period_month, breakdown_key FROM observations ORDER BY unit_id"
    ) == [(A, "2026-10-01", ""), (B, "2026-10-01", ""), (C, "2026-10-01", "sector:health")]
    # With no breakdown column at all, every row is the unit's total.
    _load(warehouse, _obs({A: (2, 4)}), "k2", T2)
    assert _sql(
        warehouse,
        "SELECT breakdown_key, numerator FROM observations WHERE superseded_at IS NULL "
        "AND unit_id = :u",
        u=A,
    ) == [("", 2.0)]


def test_the_stage_table_is_gone_after_a_large_load(warehouse, monkeypatch):
    monkeypatch.setattr(writes, "STAGE_THRESHOLD", 1)
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn,
            _obs({A: (1, 4), B: (1, 2)}),
            submission_key="k",
            source_name="s",
            submitted_by="x",
            loaded_at=T1,
        )
        left = conn.execute(text("SELECT name FROM sqlite_temp_master WHERE type = 'table'")).all()
    assert left == []


def _plans(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit_id": u,
                "plan_year": 2026,
                "effective_date": d,
                "plan_billion_vnd": v,
                "source_document": "QĐ 1",
            }
            for u, d, v in rows
        ]
    )


def test_capital_plans_are_versioned_by_investor_year_and_effective_date(warehouse, load_path):
    with warehouse.begin() as conn:
        first = writes.load_capital_plan_batch(
            conn,
            _plans([(A, "2026-01-15", 100.0), (A, "2026-06-01", 120.0)]),
            submission_key="p1",
            source_name="p.csv",
            submitted_by="x",
            loaded_at=T1,
        )
        # Another file revises the June plan only: 1 row replaced, January's stays.
        second = writes.load_capital_plan_batch(
            conn,
            _plans([(A, "2026-06-01", 130.0)]),
            submission_key="p2",
            source_name="p2.csv",
            submitted_by="x",
            loaded_at=T2,
        )
    assert (first.rows_replaced, second.rows_replaced) == (0, 1)
    assert _sql(
        warehouse,
        "SELECT effective_date, plan_billion_vnd, batch_id FROM capital_plans "
        "WHERE superseded_at IS NULL ORDER BY effective_date",
    ) == [("2026-01-15", 100.0, first.batch_id), ("2026-06-01", 130.0, second.batch_id)]
    assert _sql(
        warehouse, "SELECT batch_kind FROM load_batches WHERE batch_id = :b", b=second.batch_id
    ) == [("capital_plans",)]
    undone = _undo(warehouse, second.batch_id)
    assert (undone.kind, undone.rows_withdrawn, undone.rows_restored) == ("capital_plans", 1, 1)
    assert _sql(
        warehouse,
        "SELECT plan_billion_vnd FROM capital_plans WHERE superseded_at IS NULL "
        "ORDER BY effective_date",
    ) == [(100.0,), (120.0,)]


def _targets(value: float) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": "online_dossier_share",
                "unit_id": "city",
                "target_year": 2025,
                "due_date": "2025-12-31",
                "comparator": ">=",
                "target_value": value,
                "is_year_end": True,
                "source_document": "NQ 1",
                "source_url": None,
                "label_vi": None,
                "label_en": None,
            }
        ]
    )


REGISTRY_TARGET = (
    "SELECT COUNT(*) FROM targets WHERE batch_id IS NULL AND superseded_at IS NULL AND "
    "indicator_id = 'online_dossier_share' AND target_year = 2025 AND due_date = '2025-12-31'"
)


def test_a_loaded_target_replaces_loaded_targets_only(warehouse, load_path):
    # The registry holds one city target of this key (2025, due 31 December).
    registry = _sql(warehouse, REGISTRY_TARGET)
    assert registry == [(1,)]
    with warehouse.begin() as conn:
        first = writes.load_target_batch(
            conn,
            _targets(80.0),
            submission_key="t1",
            source_name="t.csv",
            submitted_by="lan",
            loaded_at=T1,
            note="decision 12",
            check_id=4,
        )
        second = writes.load_target_batch(
            conn,
            _targets(85.0),
            submission_key="t2",
            source_name="t2.csv",
            submitted_by="x",
            loaded_at=T2,
        )
    # The registry's own target of that key (batch_id null) is never superseded by a file;
    # the second file replaces the first file's target: 0, then 1 row replaced.
    assert (first.rows_replaced, second.rows_replaced) == (0, 1)
    assert (
        _sql(
            warehouse,
            REGISTRY_TARGET,
        )
        == registry
    )
    assert _sql(
        warehouse,
        "SELECT target_value, batch_id FROM targets WHERE batch_id IS NOT NULL "
        "AND superseded_at IS NULL",
    ) == [(85.0, second.batch_id)]
    assert _sql(
        warehouse,
        "SELECT submitted_by, note, check_id FROM load_batches WHERE batch_id = :b",
        b=first.batch_id,
    ) == [("lan", "decision 12", 4)]
    assert _sql(warehouse, "SELECT batch_kind, is_demo FROM load_batches ORDER BY batch_id") == [
        ("targets", 0),
        ("targets", 0),
    ]
    assert _sql(warehouse, "SELECT action FROM audit_log ORDER BY audit_id") == [
        ("load_targets",),
        ("load_targets",),
    ]
    undone = _undo(warehouse, second.batch_id)
    assert (undone.kind, undone.rows_withdrawn, undone.rows_restored) == ("targets", 1, 1)
    assert _sql(warehouse, "SELECT action FROM audit_log ORDER BY audit_id DESC LIMIT 1") == [
        ("undo_targets",)
    ]
    assert _sql(
        warehouse,
        "SELECT target_value FROM targets WHERE batch_id IS NOT NULL AND superseded_at IS NULL",
    ) == [(80.0,)]


# --- undo ------------------------------------------------------------------------------------


def test_undo_brings_back_the_replaced_rows_as_new_versions(warehouse, load_path):
    first = _load(warehouse, _obs({A: (50, 100), B: (25, 100)}), "k", T1)
    second = _load(warehouse, _obs({A: (60, 100)}), "k", T2)
    result = _undo(warehouse, second.batch_id, at=T3)
    # The resend's one current row is withdrawn; the two rows it replaced come back.
    assert result == writes.UndoResult(second.batch_id, "observations", 1, 2, T3)
    assert _sql(warehouse, CURRENT) == [
        (A, 50.0, 100.0, first.batch_id),
        (B, 25.0, 100.0, first.batch_id),
    ]
    # As new rows loaded at the undo: the old versions keep their history (5 rows in all).
    assert [
        _when(r[0])
        for r in _sql(warehouse, "SELECT loaded_at FROM observations WHERE superseded_at IS NULL")
    ] == [T3, T3]
    assert _sql(warehouse, "SELECT COUNT(*) FROM observations") == [(5,)]
    withdrawn = _sql(
        warehouse,
        "SELECT superseded_at, superseded_by_batch_id FROM observations WHERE batch_id = :b",
        b=second.batch_id,
    )
    assert [(_when(at), by) for at, by in withdrawn] == [(T3, None)]
    batch = _sql(
        warehouse,
        "SELECT status, undone_at, undone_by FROM load_batches WHERE batch_id = :b",
        b=second.batch_id,
    )
    assert [(s, _when(at), by) for s, at, by in batch] == [("undone", T3, "admin")]
    audit = _sql(
        warehouse,
        "SELECT occurred_at, actor, action, object_type, object_id, detail_json FROM audit_log "
        "ORDER BY audit_id DESC LIMIT 1",
    )[0]
    assert (_when(audit[0]), *audit[1:5]) == (
        T3,
        "admin",
        "undo_batch",
        "load_batch",
        str(second.batch_id),
    )
    assert json.loads(str(audit[5])) == {"kind": "observations", "withdrawn": 1, "restored": 2}


def test_undo_without_a_time_is_now(warehouse, time_machine):
    first = _load(warehouse, _obs({A: (1, 4)}), "k", T1)
    time_machine.move_to(dt.datetime(2026, 11, 28, 3, 4, 5, tzinfo=dt.UTC), tick=False)
    with warehouse.begin() as conn:
        result = writes.undo_batch(conn, first.batch_id, undone_by="admin")
    assert result.undone_at == dt.datetime(2026, 11, 28, 3, 4, 5)


def test_undo_of_nothing_or_twice_is_refused_with_the_reason(warehouse):
    first = _load(warehouse, _obs({A: (1, 4)}), "k", T1)
    with pytest.raises(UndoRefusedError) as missing:
        _undo(warehouse, first.batch_id + 100)
    assert missing.value.batch_id == first.batch_id + 100
    assert (missing.value.reason, str(missing.value)) == (
        "not_found",
        f"there is no batch {first.batch_id + 100}",
    )
    _undo(warehouse, first.batch_id, at=T2)
    with pytest.raises(UndoRefusedError) as twice:
        _undo(warehouse, first.batch_id, at=T3)
    assert twice.value.reason == "already_undone"
    assert (
        str(twice.value)
        == f"batch {first.batch_id} was already undone (at {twice.value.undone_at})"
    )
    assert _when(twice.value.undone_at) == T2
    assert _sql(warehouse, "SELECT COUNT(*) FROM audit_log WHERE action = 'undo_batch'") == [(1,)]


def test_undo_is_refused_while_a_later_batch_replaced_its_rows(warehouse, load_path):
    first = _load(warehouse, _obs({A: (50, 100), B: (25, 100)}), "k1", T1)
    second = _load(
        warehouse, _obs({A: (60, 100)}), "k2", T2, source_name="fix.csv", submitted_by="lan"
    )
    before = _sql(warehouse, "SELECT * FROM observations ORDER BY observation_id")
    with pytest.raises(UndoRefusedError) as refused:
        _undo(warehouse, first.batch_id)
    assert refused.value.reason == "replaced_later"
    assert refused.value.later == (LaterBatch(second.batch_id, "fix.csv", "lan", T2, 1),)
    assert str(refused.value) == (
        f"rows of batch {first.batch_id} have since been replaced by batch(es) "
        f"{second.batch_id} (fix.csv); undo those first (newest first), then this one"
    )
    assert _sql(warehouse, "SELECT * FROM observations ORDER BY observation_id") == before
    # Once the later batch is undone, the first can be.
    _undo(warehouse, second.batch_id, at=T3)
    assert _undo(warehouse, first.batch_id).rows_withdrawn == 2


def test_undo_is_refused_while_a_later_batch_holds_a_key_it_would_bring_back(warehouse, load_path):
    # The resend (k1 again, ward A only) replaced B's row by its submission key; then another
    # file (k2) loaded B. Undoing the resend would bring B's old row back beside k2's.
    first = _load(warehouse, _obs({A: (50, 100), B: (25, 100)}), "k1", T1)
    resend = _load(warehouse, _obs({A: (60, 100)}), "k1", T2)
    other = _load(warehouse, _obs({B: (30, 100)}), "k2", T3, source_name="b.csv")
    with pytest.raises(UndoRefusedError) as refused:
        _undo(warehouse, resend.batch_id)
    assert [b.batch_id for b in refused.value.later] == [other.batch_id]
    assert refused.value.later[0].rows == 1
    assert first.batch_id < resend.batch_id


def test_later_batches_are_named_oldest_first_and_undone_ones_drop_out(warehouse, load_path):
    first = _load(warehouse, _obs({A: (50, 100), B: (25, 100)}), "k1", T1)
    on_b = _load(warehouse, _obs({B: (30, 100)}), "k3", T3, source_name="b.csv")
    on_a = _load(warehouse, _obs({A: (60, 100)}), "k2", T2, source_name="a.csv")
    with pytest.raises(UndoRefusedError) as refused:
        _undo(warehouse, first.batch_id)
    # Loaded at T2 (a.csv) before T3 (b.csv), whatever the batch ids.
    assert [b.source_name for b in refused.value.later] == ["a.csv", "b.csv"]
    assert f"{on_a.batch_id} (a.csv), {on_b.batch_id} (b.csv)" in str(refused.value)
    _undo(warehouse, on_b.batch_id, at=T4)
    with pytest.raises(UndoRefusedError) as still:
        _undo(warehouse, first.batch_id)
    assert [b.batch_id for b in still.value.later] == [on_a.batch_id]


def test_an_undone_batch_does_not_block_the_batch_it_replaced(warehouse, load_path):
    first = _load(warehouse, _obs({A: (50, 100)}), "k1", T1)
    other = _load(warehouse, _obs({B: (30, 100)}), "k2", T2)
    # A batch whose rows nobody replaced is undone freely, and the other batch stays.
    assert _undo(warehouse, first.batch_id).rows_withdrawn == 1
    assert _sql(warehouse, CURRENT) == [(B, 30.0, 100.0, other.batch_id)]


# --- reference data and the registry ----------------------------------------------------------


def test_the_reference_units_are_named_in_both_languages():
    rows = writes.read_reference_units()
    assert len(rows) == 168
    by_id = rows.set_index("unit_id")
    # 25747,Thủ Dầu Một,…,ward,binh_duong and 26732,Côn Đảo,…,special_zone,ba_ria_vung_tau
    assert by_id.loc["25747", ["unit_code", "name_vi", "name_en", "unit_type"]].tolist() == [
        "25747",
        "Phường Thủ Dầu Một",
        "Thủ Dầu Một Ward",
        "ward",
    ]
    assert by_id.loc["25747", ["parent_unit_id", "former_province", "slug"]].tolist() == [
        "binh_duong",
        "binh_duong",
        "thu-dau-mot",
    ]
    assert by_id.loc["25747", ["latitude", "longitude", "coord_source"]].tolist() == [
        10.981,
        106.654,
        "open-admin-data",
    ]
    assert by_id.loc["26732", ["name_vi", "name_en"]].tolist() == [
        "Đặc khu Côn Đảo",
        "Côn Đảo Special Zone",
    ]
    communes = rows[rows["unit_type"] == "commune"]
    assert communes["name_vi"].str.startswith("Xã ").all()
    assert communes["name_en"].str.endswith(" Commune").all()
    assert not rows["is_demo"].any()


def test_the_reference_rows_put_the_city_and_former_provinces_first():
    rows = writes.reference_unit_rows()
    assert len(rows) == 1 + 3 + 168
    city = rows.iloc[0]
    assert city[["unit_id", "unit_code", "name_vi", "name_en", "unit_type", "slug"]].tolist() == [
        "city",
        "79",
        "Thành phố Hồ Chí Minh",
        "Ho Chi Minh City",
        "city",
        "tp-ho-chi-minh",
    ]
    assert pd.isna(city["parent_unit_id"]) and pd.isna(city["former_province"])
    provinces = rows.iloc[1:4]
    assert set(provinces["unit_type"]) == {"former_province"}
    assert set(provinces["parent_unit_id"]) == {"city"}
    assert (provinces["former_province"] == provinces["unit_id"]).all()
    assert sorted(provinces["slug"]) == [
        "former-ba-ria-vung-tau",
        "former-binh-duong",
        "former-ho-chi-minh-old",
    ]
    assert provinces["unit_code"].isna().all()
    assert not rows["is_demo"].astype(bool).any()


def test_inserting_units_counts_them_and_nothing_is_fine(warehouse):
    extra = writes.reference_unit_rows().iloc[[0]].assign(unit_id="x1", slug="x1", unit_code="x1")
    with warehouse.begin() as conn:
        assert writes.insert_units(conn, extra) == 1
        assert writes.insert_units(conn, extra.iloc[0:0]) == 0
    assert _sql(warehouse, "SELECT COUNT(*) FROM units") == [(173,)]


def test_breakdowns_are_inserted_when_new_and_updated_when_known(warehouse):
    def frame(name: str, order: int) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "breakdown_key": "sector:health",
                    "dimension": "sector",
                    "code": "health",
                    "name_vi": name,
                    "name_en": "Health",
                    "sort_order": order,
                    "attributes_json": None,
                    "is_demo": False,
                }
            ]
        )

    with warehouse.begin() as conn:
        assert writes.upsert_breakdowns(conn, frame("Y tế", 1)) == 1
        assert writes.upsert_breakdowns(conn, frame("Y tế (mới)", 2)) == 1
    assert _sql(
        warehouse,
        "SELECT breakdown_key, name_vi, sort_order FROM breakdowns "
        "WHERE breakdown_key = 'sector:health'",
    ) == [("sector:health", "Y tế (mới)", 2)]


def test_the_registry_sync_replaces_registry_targets_and_keeps_loaded_ones(warehouse):
    from metrics.registry import INDICATORS

    expected = sum(len(i.targets) for i in INDICATORS)
    with warehouse.begin() as conn:
        writes.load_target_batch(
            conn,
            _targets(80.0),
            submission_key="t1",
            source_name="t.csv",
            submitted_by="x",
            loaded_at=T1,
        )
        conn.execute(
            text(
                "INSERT INTO indicators (indicator_id, name_vi, name_en, unit, direction, "
                "frequency, is_rate, is_headline) VALUES ('gone', 'x', 'x', '%', 'up', "
                "'monthly', 1, 0)"
            )
        )
        conn.execute(
            text("UPDATE indicators SET name_en = 'stale' WHERE indicator_id = :i"),
            {"i": INDICATORS[0].code},
        )
        writes.sync_registry(conn)
    assert _sql(warehouse, "SELECT COUNT(*) FROM targets WHERE batch_id IS NULL") == [(expected,)]
    assert _sql(warehouse, "SELECT COUNT(*) FROM targets WHERE batch_id IS NOT NULL") == [(1,)]
    assert _sql(warehouse, "SELECT COUNT(*) FROM indicators") == [(len(INDICATORS),)]
    assert _sql(
        warehouse, "SELECT name_en FROM indicators WHERE indicator_id = :i", i=INDICATORS[0].code
    ) == [(INDICATORS[0].name_en,)]
    assert _sql(warehouse, "SELECT DISTINCT unit_id FROM targets WHERE batch_id IS NULL") == [
        ("city",)
    ]


def test_published_figures_are_replaced_whole(warehouse):
    figures = writes.read_published_figures()
    lines = writes.PUBLISHED_FILE.read_text(encoding="utf-8").strip().splitlines()
    assert len(figures) == len(lines) - 1
    with warehouse.begin() as conn:
        assert writes.replace_published_figures(conn) == len(figures)
        assert writes.replace_published_figures(conn, figures.iloc[:2]) == 2
    assert _sql(warehouse, "SELECT COUNT(*) FROM published_figures") == [(2,)]


def test_records_hold_plain_values_and_none_for_missing():
    frame = pd.DataFrame(
        {
            "n": np.array([1, 2], dtype="int64"),
            "x": [1.5, float("nan")],
            "s": ["a", None],
            "t": pd.to_datetime(["2026-10-01 08:00", None]),
        }
    )
    records = writes._records(frame)
    assert records == [
        {"n": 1, "x": 1.5, "s": "a", "t": dt.datetime(2026, 10, 1, 8, 0)},
        {"n": 2, "x": None, "s": None, "t": None},
    ]
    assert type(records[0]["n"]) is int and type(records[0]["t"]) is dt.datetime


def test_every_published_figure_is_stored_as_the_file_says(warehouse):
    # The file read with the standard csv module: an empty plan or note is NULL, dates stay
    # the file's days, numbers are read as numbers.
    with writes.PUBLISHED_FILE.open(encoding="utf-8", newline="") as handle:
        expected = sorted(
            (
                r["indicator"],
                r["period_kind"],
                r["period_start"],
                r["period_end"],
                float(r["value"]),
                r["qualifier"],
                r["unit"],
                r["territory"],
                r["basis"],
                r["kind"],
                float(r["plan_billion_vnd"]) if r["plan_billion_vnd"] else None,
                r["source_url"],
                r["published_on"],
                r["note"] or None,
            )
            for r in csv.DictReader(handle)
        )
    assert any(row[10] is not None for row in expected) and any(row[13] is None for row in expected)
    with warehouse.begin() as conn:
        writes.replace_published_figures(conn)
    stored = _sql(
        warehouse,
        "SELECT indicator_code, period_kind, period_start, period_end, value, qualifier, unit, "
        "territory, basis, kind, plan_billion_vnd, source_url, published_on, note "
        "FROM published_figures",
    )
    assert sorted(stored) == expected


def test_every_reference_unit_is_stored_as_the_file_says(warehouse):
    prefix = {"ward": "Phường ", "commune": "Xã ", "special_zone": "Đặc khu "}
    suffix = {"ward": " Ward", "commune": " Commune", "special_zone": " Special Zone"}
    with writes.UNITS_FILE.open(encoding="utf-8", newline="") as handle:
        expected = sorted(
            (
                r["code"],
                r["code"],
                prefix[r["unit_type"]] + r["name_vi"],
                r["name_vi"] + suffix[r["unit_type"]],
                r["unit_type"],
                r["former_province"],
                r["former_province"],
                r["slug"],
                float(r["lat"]),
                float(r["lon"]),
                r["coord_source"],
                0,
            )
            for r in csv.DictReader(handle)
        )
    stored = _sql(
        warehouse,
        "SELECT unit_id, unit_code, name_vi, name_en, unit_type, parent_unit_id, "
        "former_province, slug, latitude, longitude, coord_source, is_demo FROM units "
        "WHERE unit_type NOT IN ('city', 'former_province')",
    )
    assert sorted(stored) == expected
    assert _sql(
        warehouse,
        "SELECT unit_id, unit_code, name_vi, name_en, parent_unit_id, former_province, slug, "
        "is_demo FROM units WHERE unit_type = 'former_province' ORDER BY unit_id",
    ) == [
        (
            "ba_ria_vung_tau",
            None,
            "Tỉnh Bà Rịa – Vũng Tàu (cũ)",
            "Former Bà Rịa–Vũng Tàu province",
            "city",
            "ba_ria_vung_tau",
            "former-ba-ria-vung-tau",
            0,
        ),
        (
            "binh_duong",
            None,
            "Tỉnh Bình Dương (cũ)",
            "Former Bình Dương province",
            "city",
            "binh_duong",
            "former-binh-duong",
            0,
        ),
        (
            "ho_chi_minh_old",
            None,
            "TP.HCM (cũ)",
            "Former HCMC",
            "city",
            "ho_chi_minh_old",
            "former-ho-chi-minh-old",
            0,
        ),
    ]
    assert _sql(
        warehouse,
        "SELECT unit_id, unit_code, name_vi, name_en, unit_type, parent_unit_id, "
        "former_province, slug, is_demo FROM units WHERE unit_type = 'city'",
    ) == [
        (
            "city",
            "79",
            "Thành phố Hồ Chí Minh",
            "Ho Chi Minh City",
            "city",
            None,
            None,
            "tp-ho-chi-minh",
            0,
        )
    ]


def test_a_published_file_is_read_as_written(tmp_path):
    # Years alone as the publication date stay text ("2024", not 2024), a note "NA" is the
    # word, not a missing value; an empty plan or note is missing.
    path = tmp_path / "published.csv"
    path.write_text(
        "indicator,period_kind,period_start,period_end,value,qualifier,unit,territory,basis,"
        "kind,plan_billion_vnd,source_url,published_on,note\n"
        "x,year,2024-01-01,2024-12-31,12.5,exact,percent,city,b,actual,,https://a,2024,NA\n"
        "x,year,2025-01-01,2025-12-31,13,about,percent,city,b,plan,7.5,https://b,2025,\n",
        encoding="utf-8",
    )
    frame = writes.read_published_figures(path)
    assert frame["published_on"].tolist() == ["2024", "2025"]
    assert frame["note"].iloc[0] == "NA" and pd.isna(frame["note"].iloc[1])
    assert frame["qualifier"].tolist() == ["exact", "about"]
    assert frame["value"].tolist() == [12.5, 13.0]
    assert frame["plan_billion_vnd"].isna().tolist() == [True, False]
    assert frame["plan_billion_vnd"].iloc[1] == 7.5
    assert frame["period_start"].tolist() == [dt.date(2024, 1, 1), dt.date(2025, 1, 1)]
    assert frame["period_end"].tolist() == [dt.date(2024, 12, 31), dt.date(2025, 12, 31)]


class _Recorder:
    """A connection that records what it is asked to run (for PostgreSQL-only statements)."""

    def __init__(self, dialect_name: str) -> None:
        from sqlalchemy.dialects import postgresql, sqlite

        self.dialect = (postgresql if dialect_name == "postgresql" else sqlite).dialect()
        self.ran: list[tuple[str, object]] = []

    def execute(self, statement, params=None):
        self.ran.append((str(statement), params))


def test_postgresql_loads_take_the_write_lock_and_sqlite_needs_none():
    on_postgres, on_sqlite = _Recorder("postgresql"), _Recorder("sqlite")
    writes.lock_writes(on_postgres)  # type: ignore[arg-type]
    writes.lock_writes(on_sqlite)  # type: ignore[arg-type]
    assert on_postgres.ran == [("SELECT pg_advisory_xact_lock(:key)", {"key": 7_310_001})]
    assert on_sqlite.ran == []


def test_postgresql_statistics_are_refreshed_for_the_six_tables():
    on_postgres, on_sqlite = _Recorder("postgresql"), _Recorder("sqlite")
    writes.refresh_statistics(on_postgres)  # type: ignore[arg-type]
    writes.refresh_statistics(on_sqlite)  # type: ignore[arg-type]
    assert [sql for sql, _ in on_postgres.ran] == [
        "ANALYZE observations",
        "ANALYZE capital_plans",
        "ANALYZE targets",
        "ANALYZE load_batches",
        "ANALYZE units",
        "ANALYZE breakdowns",
    ]
    assert on_sqlite.ran == []


def test_the_stage_table_is_temporary_and_dropped_at_commit_on_postgresql():
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateTable

    stage = writes._stage_table(writes.VERSIONED_BY_KIND["observations"])
    created = " ".join(str(CreateTable(stage).compile(dialect=postgresql.dialect())).split())
    # SQL keywords are read in any case.
    assert created.upper().startswith("CREATE TEMPORARY TABLE INGEST_STAGE (")
    assert created.upper().endswith(") ON COMMIT DROP")
    assert [c.name for c in stage.columns] == list(writes.OBSERVATION_COLUMNS)


def test_a_third_version_leaves_the_first_versions_history_alone(warehouse, load_path):
    v1 = _load(warehouse, _obs({A: (50, 100)}), "k", T1)
    v2 = _load(warehouse, _obs({A: (60, 100)}), "k", T2)
    v3 = _load(warehouse, _obs({A: (70, 100)}), "k", T3)
    # The third version replaces the second only (1 row); the first keeps its end (T2, by v2).
    assert v3.rows_replaced == 1
    history = _sql(
        warehouse,
        "SELECT batch_id, superseded_at, superseded_by_batch_id FROM observations "
        "ORDER BY batch_id",
    )
    assert [(b, None if at is None else _when(at), by) for b, at, by in history] == [
        (v1.batch_id, T2, v2.batch_id),
        (v2.batch_id, T3, v3.batch_id),
        (v3.batch_id, None, None),
    ]
