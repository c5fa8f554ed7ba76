"""More of the loader's rules (``data_access.writes``), stated for the mutants the ninth
mutation reading found alive: the words a steward is told, and what a load or an undo keeps.

Same fixtures as ``test_writes_rules.py``: a private copy of one small SQLite warehouse per
test, read back with plain SQL, never through the loader; expected figures by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import pytest

from data_access import writes
from tests.unit.copied_warehouse import rows as _sql

A, B = "25747", "25750"  # two Bình Dương wards of the reference file
OCT = dt.date(2026, 10, 1)
T1 = dt.datetime(2026, 11, 5, 3, 0)
T2 = dt.datetime(2026, 11, 6, 3, 0)
T3 = dt.datetime(2026, 11, 7, 3, 0)


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


def _load(warehouse, frame: pd.DataFrame, key: str, at: dt.datetime) -> writes.BatchResult:
    with warehouse.begin() as conn:
        return writes.load_observation_batch(
            conn,
            frame,
            submission_key=key,
            source_name=f"{key}.csv",
            submitted_by="steward",
            loaded_at=at,
        )


def test_an_empty_file_is_refused_with_the_whole_reason(warehouse):
    # The steward is told, word for word, why nothing was loaded and what to do instead.
    message = (
        "submission 'k' has no rows; an empty file would erase the earlier version of this "
        "submission, so nothing was loaded (use undo to withdraw a submission)"
    )
    with pytest.raises(ValueError) as refused:
        _load(warehouse, _obs({A: (1, 4)}).iloc[0:0], "k", T1)
    assert str(refused.value) == message
    assert _sql(warehouse, "SELECT COUNT(*) FROM load_batches") == [(0,)]


C = "25760"  # a third ward of the reference file


@pytest.fixture(params=["row_by_row", "staged"])
def load_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "staged":
        monkeypatch.setattr(writes, "STAGE_THRESHOLD", 0)
    return str(request.param)


def test_replaced_counts_the_earlier_version_and_the_other_submissions_rows(warehouse, load_path):
    # k holds A and B (batch 1); k2 holds C (batch 2). The resend of k holds A and C: its
    # earlier version's 2 rows (A, B) stop being current, and C's row of k2 too (the same
    # key): 2 + 1 = 3 replaced, and A and C are current from the resend only.
    _load(warehouse, _obs({A: (50, 100), B: (25, 100)}), "k", T1)
    _load(warehouse, _obs({C: (10, 100)}), "k2", T1)
    third = _load(warehouse, _obs({A: (60, 100), C: (20, 100)}), "k", T2)
    assert third.rows_replaced == 3
    assert _sql(
        warehouse, "SELECT rows_replaced FROM load_batches WHERE batch_id = :b", b=third.batch_id
    ) == [(3,)]
    assert _sql(
        warehouse,
        "SELECT COUNT(*) FROM observations WHERE superseded_by_batch_id = :b",
        b=third.batch_id,
    ) == [(3,)]
    assert _sql(
        warehouse,
        "SELECT unit_id, numerator FROM observations WHERE superseded_at IS NULL ORDER BY unit_id",
    ) == [(A, 60.0), (C, 20.0)]


def test_the_checksum_is_of_the_rows_alone_whatever_the_frames_index(warehouse, load_path):
    # A batch put together from two frames keeps their indexes (0 and 0, not a range): the
    # batch's text, and so its checksum, holds the batch's columns and nothing of the index.
    frame = pd.concat([_obs({A: (1, 4)}), _obs({B: (1, 2)})])
    csv_text = (
        '"indicator_id","unit_id","period_year","period_month","breakdown_key","value",'
        '"numerator","denominator"\n'
        '"online_dossier_share","25747",2026,2026-10-01,"",25,1,4\n'
        '"online_dossier_share","25750",2026,2026-10-01,"",50,1,2\n'
    )
    result = _load(warehouse, frame, "k", T1)
    assert _sql(
        warehouse, "SELECT checksum_sha256 FROM load_batches WHERE batch_id = :b", b=result.batch_id
    ) == [(hashlib.sha256(csv_text.encode()).hexdigest(),)]
    assert _sql(
        warehouse, "SELECT unit_id, numerator, denominator FROM observations ORDER BY unit_id"
    ) == [(A, 1.0, 4.0), (B, 1.0, 2.0)]


BATCH_ROW = (
    "SELECT submission_key, batch_kind, source_name, submitted_by, row_count, rows_replaced, "
    "status, is_demo, note, check_id FROM load_batches WHERE batch_id = :b"
)
AUDIT_ROW = "SELECT actor, action, object_id FROM audit_log ORDER BY audit_id"


def _loaded_at(warehouse) -> list[dt.datetime]:
    found = _sql(warehouse, "SELECT loaded_at FROM load_batches ORDER BY batch_id")
    return [dt.datetime.fromisoformat(str(at)) for (at,) in found]


def _plans(value: float) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit_id": A,
                "plan_year": 2026,
                "effective_date": "2026-06-01",
                "plan_billion_vnd": value,
                "source_document": "QĐ 1",
            }
        ]
    )


def test_a_capital_plan_batch_says_who_sent_it_and_is_not_demo_unless_said(warehouse):
    with warehouse.begin() as conn:
        plain = writes.load_capital_plan_batch(
            conn,
            _plans(100.0),
            submission_key="p",
            source_name="p.csv",
            submitted_by="lan",
            loaded_at=T1,
        )
        demo = writes.load_capital_plan_batch(
            conn,
            _plans(120.0),
            submission_key="p",
            source_name="p2.csv",
            submitted_by="minh",
            is_demo=True,
            note="revised",
            check_id=9,
            loaded_at=T2,
        )
    assert _sql(warehouse, BATCH_ROW, b=plain.batch_id) == [
        ("p", "capital_plans", "p.csv", "lan", 1, 0, "loaded", 0, None, None)
    ]
    # The second version of p replaces the first (1 row), and keeps its own flags.
    assert _sql(warehouse, BATCH_ROW, b=demo.batch_id) == [
        ("p", "capital_plans", "p2.csv", "minh", 1, 1, "loaded", 1, "revised", 9)
    ]
    assert _sql(warehouse, AUDIT_ROW) == [
        ("lan", "load_batch", str(plain.batch_id)),
        ("minh", "load_batch", str(demo.batch_id)),
    ]
    assert _sql(
        warehouse,
        "SELECT plan_year, effective_date, plan_billion_vnd, batch_id FROM capital_plans "
        "WHERE superseded_at IS NULL",
    ) == [(2026, "2026-06-01", 120.0, demo.batch_id)]
    # Each batch is loaded at the time it was given (T1, then T2), not at the clock's now.
    assert _loaded_at(warehouse) == [T1, T2]


def _targets(value: float) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": "online_dossier_share",
                "unit_id": "city",
                "target_year": 2027,
                "due_date": "2027-12-31",
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


def test_a_target_batch_says_who_sent_it_and_is_never_demo(warehouse):
    with warehouse.begin() as conn:
        first = writes.load_target_batch(
            conn,
            _targets(80.0),
            submission_key="t",
            source_name="t.csv",
            submitted_by="lan",
            loaded_at=T1,
        )
        second = writes.load_target_batch(
            conn,
            _targets(85.0),
            submission_key="t",
            source_name="t2.csv",
            submitted_by="minh",
            note="NQ 2",
            check_id=4,
            loaded_at=T2,
        )
    assert _sql(warehouse, BATCH_ROW, b=first.batch_id) == [
        ("t", "targets", "t.csv", "lan", 1, 0, "loaded", 0, None, None)
    ]
    assert _sql(warehouse, BATCH_ROW, b=second.batch_id) == [
        ("t", "targets", "t2.csv", "minh", 1, 1, "loaded", 0, "NQ 2", 4)
    ]
    assert _sql(warehouse, AUDIT_ROW) == [
        ("lan", "load_targets", str(first.batch_id)),
        ("minh", "load_targets", str(second.batch_id)),
    ]
    assert _sql(
        warehouse,
        "SELECT due_date, target_value, batch_id FROM targets WHERE batch_id IS NOT NULL "
        "AND superseded_at IS NULL",
    ) == [("2027-12-31", 85.0, second.batch_id)]
    assert _loaded_at(warehouse) == [T1, T2]
    # Undoing a target file is its own action in the audit log (the admin's filter), and the
    # first file's target (80) is current again.
    with warehouse.begin() as conn:
        writes.undo_batch(conn, second.batch_id, undone_by="admin", at=T3)
    assert _sql(warehouse, AUDIT_ROW)[-1] == ("admin", "undo_targets", str(second.batch_id))
    assert _sql(
        warehouse,
        "SELECT target_value FROM targets WHERE batch_id IS NOT NULL AND superseded_at IS NULL",
    ) == [(80.0,)]


def test_later_batches_loaded_at_the_same_time_are_named_in_batch_order(warehouse, load_path):
    # Two later files loaded at the same moment (T2): the refusal names them by batch id,
    # the order they were loaded in, so "newest first" is read off the end of the list.
    first = _load(warehouse, _obs({A: (50, 100), B: (25, 100)}), "k1", T1)
    on_b = _load(warehouse, _obs({B: (30, 100)}), "k2", T2)
    on_a = _load(warehouse, _obs({A: (60, 100)}), "k3", T2)
    assert on_b.batch_id < on_a.batch_id
    with pytest.raises(writes.UndoRefusedError) as refused, warehouse.begin() as conn:
        writes.undo_batch(conn, first.batch_id, undone_by="admin", at=T2)
    assert [b.batch_id for b in refused.value.later] == [on_b.batch_id, on_a.batch_id]
    assert str(refused.value) == (
        f"rows of batch {first.batch_id} have since been replaced by batch(es) "
        f"{on_b.batch_id} (k2.csv), {on_a.batch_id} (k3.csv); undo those first (newest first), "
        "then this one"
    )
