"""The reads of the loader's record, stated one by one (``data_access.submissions``): which
rows are current, how many rows each batch still holds, the load history and its order,
which batches a unit-scoped reader sees, the batches behind a figure, and the record of
submitted files.

Each test writes a few batches into a private copy of a small SQLite warehouse (the
``warehouse`` fixture) and states the expected rows by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from data_access import submissions, writes
from data_access.queries import UnitFilter
from data_access.submissions import CheckRecord
from tests.unit.copied_warehouse import rows

A, B, C = "25747", "25750", "25760"  # Bình Dương wards
OLD = "26737"  # Tân Định, a ward of the former Ho Chi Minh City
OCT, SEP = dt.date(2026, 10, 1), dt.date(2026, 9, 1)
T1 = dt.datetime(2026, 11, 5, 3, 0)
T2 = dt.datetime(2026, 11, 6, 3, 0)
T3 = dt.datetime(2026, 11, 7, 3, 0)
T4 = dt.datetime(2026, 11, 8, 3, 0)


def _obs(
    data: dict[str, tuple[float, float]],
    month: dt.date = OCT,
    indicator: str = "online_dossier_share",
    breakdown: str = "",
) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator_id": indicator,
                "unit_id": unit,
                "period_year": month.year,
                "period_month": month,
                "breakdown_key": breakdown,
                "value": 100 * num / den,
                "numerator": num,
                "denominator": den,
            }
            for unit, (num, den) in data.items()
        ]
    )


def _load(warehouse, frame, key, at, **kwargs) -> int:
    with warehouse.begin() as conn:
        return writes.load_observation_batch(
            conn,
            frame,
            submission_key=key,
            source_name=kwargs.pop("source_name", f"{key}.csv"),
            submitted_by=kwargs.pop("submitted_by", "steward"),
            loaded_at=at,
            **kwargs,
        ).batch_id


def _plans(
    data: list[tuple[str, str, float]], key: str, at: dt.datetime, warehouse, year: int = 2026
) -> int:
    frame = pd.DataFrame(
        [
            {
                "unit_id": u,
                "plan_year": year,
                "effective_date": d,
                "plan_billion_vnd": v,
                "source_document": "QĐ 1",
            }
            for u, d, v in data
        ]
    )
    with warehouse.begin() as conn:
        return writes.load_capital_plan_batch(
            conn,
            frame,
            submission_key=key,
            source_name=f"{key}.csv",
            submitted_by="steward",
            loaded_at=at,
        ).batch_id


def _target(warehouse, value: float, key: str, at: dt.datetime, due: str = "2026-12-31") -> int:
    frame = pd.DataFrame(
        [
            {
                "indicator_id": "online_dossier_share",
                "unit_id": "city",
                "target_year": 2026,
                "due_date": due,
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
    with warehouse.begin() as conn:
        return writes.load_target_batch(
            conn, frame, submission_key=key, source_name="t.csv", submitted_by="x", loaded_at=at
        ).batch_id


def test_the_reference_holds_every_unit_with_its_type_and_the_breakdowns(warehouse):
    with warehouse.begin() as conn:
        writes.upsert_breakdowns(
            conn,
            pd.DataFrame(
                [
                    {
                        "breakdown_key": "sector:health",
                        "dimension": "sector",
                        "code": "health",
                        "name_vi": "Y tế",
                        "name_en": "Health",
                        "sort_order": 1,
                        "attributes_json": None,
                        "is_demo": False,
                    }
                ]
            ),
        )
        ref = submissions.reference(conn)
    # The city, 3 former provinces, 168 units.
    assert len(ref.unit_types) == 172
    assert (ref.unit_types["city"], ref.unit_types[A], ref.unit_types["26732"]) == (
        "city",
        "ward",
        "special_zone",
    )
    assert ref.unit_types["binh_duong"] == "former_province"
    assert ref.breakdown_keys == frozenset({"sector:health"})


def test_loaded_targets_are_the_files_targets_now_or_as_they_stood(warehouse):
    with warehouse.connect() as conn:
        empty = submissions.loaded_targets(conn)
    assert empty.empty and "unit_id" in empty.columns and "loaded_at" in empty.columns
    first = _target(warehouse, 80.0, "t1", T1)
    second = _target(warehouse, 85.0, "t1", T3)
    mid_year = _target(warehouse, 60.0, "t2", T2, due="2026-06-30")  # loaded after December's
    with warehouse.connect() as conn:
        now = submissions.loaded_targets(conn)
        between = submissions.loaded_targets(conn, as_of=T2)
        before = submissions.loaded_targets(conn, as_of=dt.datetime(2026, 11, 1))
    # The registry's targets (no batch) are never among them.
    # By indicator, then due date (not by load).
    assert now[["indicator_id", "target_value", "unit_id", "due_date"]].values.tolist() == [
        ["online_dossier_share", 60.0, "city", dt.date(2026, 6, 30)],
        ["online_dossier_share", 85.0, "city", dt.date(2026, 12, 31)],
    ]
    assert now["loaded_at"].tolist() == [T2, T3]
    assert between["target_value"].tolist() == [60.0, 80.0]
    assert mid_year not in (first, second)
    assert before.empty
    assert first != second


def test_current_observations_are_the_current_rows_asked_for(warehouse):
    first = _load(warehouse, _obs({A: (1, 4), B: (2, 4)}), "oct", T1)
    resend = _load(warehouse, _obs({A: (3, 4)}), "oct", T2)  # replaces the whole October file
    sep = _load(warehouse, _obs({A: (1, 2)}, SEP), "sep", T1)
    _load(warehouse, _obs({C: (1, 1)}, OCT, "on_time_rate"), "other", T1)
    _load(warehouse, _obs({C: (1, 2)}, OCT, breakdown="sector:health"), "parts", T1)
    with warehouse.connect() as conn:
        october = submissions.current_observations(conn, ["online_dossier_share"], [OCT])
        both = submissions.current_observations(conn, ["online_dossier_share"], [SEP, OCT], [A])
        none = submissions.current_observations(conn, ["online_dossier_share"], [SEP], [B])
    assert october[["unit_id", "breakdown_key", "numerator", "batch_id"]].values.tolist() == [
        [A, "", 3.0, resend],
        [C, "sector:health", 1.0, october["batch_id"].iloc[1]],
    ]
    assert october["period_month"].tolist() == [OCT, OCT]
    assert both[["period_month", "numerator", "batch_id"]].values.tolist() == [
        [SEP, 1.0, sep],
        [OCT, 3.0, resend],
    ]
    assert none.empty and list(none.columns) == [
        "indicator_id",
        "unit_id",
        "period_year",
        "period_month",
        "breakdown_key",
        "value",
        "numerator",
        "denominator",
        "batch_id",
    ]
    assert first != resend


def test_current_capital_plans_are_the_current_rows_of_the_years_asked_for(warehouse):
    first = _plans([(A, "2026-06-01", 120.0), (B, "2026-01-01", 50.0)], "p1", T1, warehouse)
    revision = _plans([(A, "2026-06-01", 130.0)], "p2", T2, warehouse)
    january = _plans([(A, "2026-01-01", 100.0)], "p3", T3, warehouse)  # loaded last
    with warehouse.connect() as conn:
        every = submissions.current_capital_plans(conn, [2026])
        of_a = submissions.current_capital_plans(conn, [2026], [A])
        other_year = submissions.current_capital_plans(conn, [2025])
    # By investor, then effective date (not by load).
    assert every.values.tolist() == [
        [A, 2026, dt.date(2026, 1, 1), 100.0, "QĐ 1", january],
        [A, 2026, dt.date(2026, 6, 1), 130.0, "QĐ 1", revision],
        [B, 2026, dt.date(2026, 1, 1), 50.0, "QĐ 1", first],
    ]
    assert of_a["unit_id"].tolist() == [A, A]
    assert other_year.empty and list(other_year.columns) == [
        "unit_id",
        "plan_year",
        "effective_date",
        "plan_billion_vnd",
        "source_document",
        "batch_id",
    ]


def test_a_batch_holds_the_rows_still_current(warehouse):
    first = _load(warehouse, _obs({A: (1, 4), B: (2, 4)}), "k1", T1)
    second = _load(warehouse, _obs({A: (3, 4)}), "k2", T2)  # replaces A's row only
    plan = _plans([(A, "2026-01-01", 10.0)], "p", T1, warehouse)
    _load(warehouse, _obs({C: (1, 4)}), "k3", T2)  # not asked for
    target = _target(warehouse, 80.0, "t", T1)
    with warehouse.connect() as conn:
        counts = submissions.batch_row_counts(conn, "observations", [first, second])
        plans = submissions.batch_row_counts(conn, "capital_plans", [plan])
        targets = submissions.batch_row_counts(conn, "targets", [target])
        nothing = submissions.batch_row_counts(conn, "observations", [])
    assert counts == {first: 1, second: 1}
    assert plans == {plan: 1}
    assert targets == {target: 1}
    assert nothing == {}


def test_the_history_is_newest_first_with_the_rows_still_current(warehouse):
    first = _load(warehouse, _obs({A: (1, 4), B: (2, 4)}), "k1", T1, note="first")
    demo = _load(warehouse, _obs({C: (1, 4)}), "demo", T2, is_demo=True)
    second = _load(warehouse, _obs({A: (3, 4)}), "k2", T3, submitted_by="lan")
    plan = _plans([(A, "2026-01-01", 10.0)], "p", T3, warehouse)
    with warehouse.begin() as conn:
        writes.undo_batch(conn, second, undone_by="admin", at=T4)
    with warehouse.connect() as conn:
        every = submissions.history(conn)
        real = submissions.history(conn, include_demo=False)
        latest = submissions.history(conn, limit=2)
    # Loaded at T3 twice (the plan's id is the higher), then T2, then T1.
    assert every["batch_id"].tolist() == [plan, second, demo, first]
    assert list(every.columns) == list(submissions.HISTORY_COLUMNS)
    by_id = every.set_index("batch_id")
    # The first batch wrote 2 rows; the second replaced A's, then was undone and A's row came
    # back as a new version with the first batch's id: 2 current again. The undone batch: 0.
    assert by_id.loc[first, ["row_count", "rows_replaced", "rows_current"]].tolist() == [2, 0, 2]
    assert by_id.loc[second, ["row_count", "rows_replaced", "rows_current"]].tolist() == [1, 1, 0]
    assert by_id.loc[second, ["status", "undone_by", "submitted_by"]].tolist() == [
        "undone",
        "admin",
        "lan",
    ]
    assert by_id.loc[second, "undone_at"] == pd.Timestamp(T4)
    assert every["undone_at"].dtype.kind == every["loaded_at"].dtype.kind == "M"
    assert by_id.loc[plan, ["batch_kind", "rows_current"]].tolist() == ["capital_plans", 1]
    assert by_id.loc[first, "loaded_at"] == pd.Timestamp(T1)
    assert by_id.loc[first, "note"] == "first"
    assert by_id["is_demo"].tolist() == [False, False, True, False]
    assert by_id["is_demo"].dtype == bool and by_id["rows_current"].dtype == "int64"
    assert real["batch_id"].tolist() == [plan, second, first]
    assert latest["batch_id"].tolist() == [plan, second]


def test_an_empty_history_has_its_columns(warehouse):
    with warehouse.connect() as conn:
        frame = submissions.history(conn)
    assert frame.empty and list(frame.columns) == list(submissions.HISTORY_COLUMNS)


def test_a_unit_sees_the_batches_of_its_own_rows_only(warehouse):
    own = _load(warehouse, _obs({A: (1, 4)}), "a", T1)
    shared = _load(warehouse, _obs({A: (1, 4), B: (1, 4)}, SEP), "ab", T2)
    other = _load(warehouse, _obs({B: (1, 4)}), "b", T3)
    plan = _plans([(A, "2026-01-01", 10.0)], "p", T3, warehouse)
    target = _target(warehouse, 80.0, "t", T3)  # the city's
    with warehouse.connect() as conn:
        seen = submissions.history(conn, unit_ids=[A])
        pair = submissions.history(conn, unit_ids=[A, B])
        assert submissions.batch_in_scope(conn, own, [A])
        assert not submissions.batch_in_scope(conn, shared, [A])
        assert submissions.batch_in_scope(conn, shared, [A, B])
        assert not submissions.batch_in_scope(conn, other, [A])
        assert submissions.batch_in_scope(conn, other, None)
        assert not submissions.batch_in_scope(conn, 9999, None)
        assert submissions.batch_in_scope(conn, target, ["city"])
        assert not submissions.batch_in_scope(conn, target, [A])
        assert submissions.batch_exists(conn, own)
        assert not submissions.batch_exists(conn, 9999)
    assert sorted(seen["batch_id"]) == sorted([own, plan])
    assert sorted(pair["batch_id"]) == sorted([own, shared, other, plan])


def test_the_batches_behind_a_monthly_figure(warehouse):
    first = _load(warehouse, _obs({A: (1, 4), B: (2, 4)}), "k1", T1, source_name="f.csv")
    fix = _load(warehouse, _obs({A: (3, 4)}), "k2", T2, source_name="fix.csv", submitted_by="lan")
    _load(warehouse, _obs({OLD: (1, 2)}), "k3", T2)  # another former province
    _load(warehouse, _obs({B: (1, 2)}, SEP), "sep", T3)  # another month
    _load(warehouse, _obs({B: (1, 2)}, breakdown="sector:health"), "parts", T3)  # a part
    bd = UnitFilter(former_provinces=("binh_duong",))
    with warehouse.connect() as conn:
        now = submissions.lineage(conn, "online_dossier_share", dt.date(2026, 10, 15), bd)
        then = submissions.lineage(conn, "online_dossier_share", OCT, bd, as_of=T1)
        scoped = submissions.lineage(conn, "online_dossier_share", OCT, bd, unit_ids=[A])
        nothing = submissions.lineage(conn, "online_dossier_share", dt.date(2026, 8, 1), bd)
    # Now: B's row from the first file, A's from the fix (newest first), 1 row each.
    assert now[["batch_id", "source_name", "submitted_by", "rows"]].values.tolist() == [
        [fix, "fix.csv", "lan", 1],
        [first, "f.csv", "steward", 1],
    ]
    assert list(now.columns) == list(submissions.LINEAGE_COLUMNS)
    assert now["loaded_at"].tolist() == [pd.Timestamp(T2), pd.Timestamp(T1)]
    assert now["is_demo"].tolist() == [False, False]
    assert (now["is_demo"].dtype, now["rows"].dtype, now["loaded_at"].dtype.kind) == (
        bool,
        "int64",
        "M",
    )
    # As it stood at T1: both rows from the first file.
    assert then[["batch_id", "rows"]].values.tolist() == [[first, 2]]
    # Ward A's reader: the fix wrote A's rows only and keeps its name; the first file also
    # wrote B's, so its name and sender are hidden, its number and row count kept.
    assert scoped[["batch_id", "source_name", "submitted_by", "rows"]].values.tolist() == [
        [fix, "fix.csv", "lan", 1],
        [first, None, None, 1],
    ]
    assert nothing.empty and list(nothing.columns) == list(submissions.LINEAGE_COLUMNS)


def _ytd(data: dict[str, tuple[float, float]], month: dt.date) -> pd.DataFrame:
    return _obs(data, month, "public_investment_disbursement")


def test_the_batches_behind_a_year_to_date_figure(warehouse):
    # Disbursement is year to date: each investor's latest report of the plan year up to the
    # month, and the plan in force at the month's end (the latest effective date on or
    # before 31 October).
    plans = _plans([(A, "2026-01-01", 100.0), (B, "2026-01-01", 200.0)], "plans", T1, warehouse)
    _plans([(B, "2026-10-31", 150.0)], "cut", T2, warehouse)
    cut = _plans([(B, "2026-10-31", 140.0)], "cut", T2, warehouse)  # the same, corrected
    _plans([(A, "2026-11-01", 90.0)], "late", T2, warehouse)  # in force after October
    sep = _load(warehouse, _ytd({A: (30, 100), B: (60, 200)}, SEP), "sep", T1)
    octo = _load(warehouse, _ytd({A: (45, 100)}, OCT), "oct", T2)
    _load(warehouse, _ytd({A: (50, 100)}, dt.date(2026, 11, 1)), "nov", T3)  # after October
    _load(warehouse, _ytd({A: (5, 100)}, dt.date(2025, 10, 1)), "last-year", T1)
    # Not part of the figure: B's online-share reports (another indicator, also in October),
    # 2027 plans already in force in October (one on the day of B's cut), the first version
    # of B's cut, and a March plan of C's sent then replaced by a February one (the old
    # version's later date must not be picked).
    _load(warehouse, _obs({B: (1, 2)}, SEP), "share-sep", T1)
    _load(warehouse, _obs({B: (1, 2)}, OCT), "share-oct", T1)
    with warehouse.begin() as conn:
        writes.load_capital_plan_batch(
            conn,
            pd.DataFrame(
                [
                    {
                        "unit_id": unit,
                        "plan_year": 2027,
                        "effective_date": day,
                        "plan_billion_vnd": 999.0,
                        "source_document": "QĐ 2027",
                    }
                    for unit, day in ((A, "2026-10-20"), (B, "2026-10-31"))
                ]
            ),
            submission_key="plans-2027",
            source_name="p27.csv",
            submitted_by="x",
            loaded_at=T1,
        )
    c_march = _plans([(C, "2026-03-01", 70.0)], "c-plan", T1, warehouse)
    c_plan = _plans([(C, "2026-02-01", 75.0)], "c-plan", T2, warehouse)  # replaces March's
    c_oct = _load(warehouse, _ytd({C: (7, 75)}, OCT), "c-oct", T2)
    bd = UnitFilter(former_provinces=("binh_duong",))
    with warehouse.connect() as conn:
        frame = submissions.lineage(conn, "public_investment_disbursement", OCT, bd)
        before_october = submissions.lineage(
            conn, "public_investment_disbursement", OCT, bd, as_of=T1
        )
        september_then = submissions.lineage(
            conn, "public_investment_disbursement", SEP, bd, as_of=T1
        )
        early = submissions.lineage(conn, "public_investment_disbursement", SEP, bd)
        only_a = submissions.lineage(
            conn, "public_investment_disbursement", OCT, UnitFilter(unit_ids=(A,))
        )
    got = dict(zip(frame["batch_id"], frame["rows"], strict=True))
    # A's and C's October reports; B's September report carried forward; A's January plan
    # (the November one is not yet in force); B's cut of 31 October (it replaces January's);
    # C's current February plan.
    assert got == {octo: 1, c_oct: 1, sep: 1, plans: 1, cut: 1, c_plan: 1}
    assert frame["batch_kind"].tolist().count("capital_plans") == 3
    # At T1 no October report had been loaded: the month has no figure, so no batch.
    assert before_october.empty
    # September as it stood at T1: C's plan was then the March version (the February one
    # came at T2).
    assert dict(zip(september_then["batch_id"], september_then["rows"], strict=True)) == {
        sep: 2,
        plans: 2,
        c_march: 1,
    }
    # In September: both September reports and both January plans.
    assert dict(zip(early["batch_id"], early["rows"], strict=True)) == {sep: 2, plans: 2, c_plan: 1}
    assert dict(zip(only_a["batch_id"], only_a["rows"], strict=True)) == {octo: 1, plans: 1}


def _record(name: str, actor: str = "lan", units: pd.DataFrame | None = None) -> CheckRecord:
    return CheckRecord(
        actor=actor,
        channel="page",
        source_name=name,
        file_sha256="ab" * 32,
        size_bytes=120,
        kind="observations",
        row_count=3,
        error_row_count=1,
        problem_count=2,
        outcome="refused",
        problems=({"rule": "range", "row": 2},),
        units=units
        if units is not None
        else pd.DataFrame(
            columns=[
                "indicator_code",
                "unit_code",
                "row_count",
                "error_row_count",
                "duplicate_row_count",
                "out_of_range_row_count",
            ]
        ),
    )


def test_a_checked_file_is_recorded_with_its_counts_per_unit(warehouse):
    per_unit = pd.DataFrame(
        {
            "indicator_code": ["online_dossier_share", "online_dossier_share", "x" * 70],
            "unit_code": [A, A, "u" * 50],
            "row_count": [2, 1, 1],
            "error_row_count": [1, 0, 1],
            "duplicate_row_count": [0, 1, 0],
            "out_of_range_row_count": [1, 0, 0],
        }
    )
    with warehouse.begin() as conn:
        first = submissions.record_check(conn, _record("a" * 310, "b" * 210, per_unit), at=T1)
        second = submissions.record_check(conn, replace(_record("b.csv"), problems=()), at=T2)
    assert second == first + 1
    stored = rows(
        warehouse,
        "SELECT checked_at, actor, channel, source_name, file_sha256, size_bytes, kind, "
        "row_count, error_row_count, problem_count, outcome, problems_json "
        "FROM submission_checks ORDER BY check_id",
    )
    # Names are cut to the columns' widths (actor 200, file name 300).
    assert stored[0][1:] == (
        "b" * 200,
        "page",
        "a" * 300,
        "ab" * 32,
        120,
        "observations",
        3,
        1,
        2,
        "refused",
        '[{"rule": "range", "row": 2}]',
    )
    assert str(stored[0][0]).startswith("2026-11-05 03:00:00")
    assert stored[1][11] is None  # no problems: no text
    # The two rows of ward A summed (3 rows, 1 error, 1 duplicate, 1 out of range); codes cut
    # to 60 and 40 characters.
    assert rows(
        warehouse,
        "SELECT check_id, indicator_code, unit_code, row_count, error_row_count, "
        "duplicate_row_count, out_of_range_row_count FROM submission_check_units "
        "ORDER BY indicator_code",
    ) == [
        (first, "online_dossier_share", A, 3, 1, 1, 1),
        (first, "x" * 60, "u" * 40, 1, 1, 0, 0),
    ]


def test_a_check_without_a_time_is_recorded_now(warehouse, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 28, 3, 4, 5, tzinfo=dt.UTC), tick=False)
    with warehouse.begin() as conn:
        submissions.record_check(conn, _record("a.csv"))
    assert [
        str(r[0])[:19] for r in rows(warehouse, "SELECT checked_at FROM submission_checks")
    ] == ["2026-11-28 03:04:05"]


def test_the_checked_files_are_newest_first_with_the_batch_that_loaded_each(warehouse):
    def units(*codes: str) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "indicator_code": ["online_dossier_share"] * len(codes),
                "unit_code": list(codes),
                "row_count": [1] * len(codes),
                "error_row_count": [0] * len(codes),
                "duplicate_row_count": [0] * len(codes),
                "out_of_range_row_count": [0] * len(codes),
            }
        )

    with warehouse.begin() as conn:
        a = submissions.record_check(conn, _record("a.csv", units=units(A)), at=T1)
        ab = submissions.record_check(conn, _record("ab.csv", units=units(A, B)), at=T2)
        unread = submissions.record_check(conn, _record("unread.csv"), at=T3)
    first = _load(warehouse, _obs({A: (1, 4)}), "a", T1, check_id=a)
    again = _load(warehouse, _obs({A: (1, 4)}), "a", T2, check_id=a)
    with warehouse.connect() as conn:
        every = submissions.checks(conn)
        latest = submissions.checks(conn, limit=1)
        of_a = submissions.checks(conn, unit_ids=[A])
        of_ab = submissions.checks(conn, unit_ids=[A, B])
    assert list(every.columns) == list(submissions.CHECK_COLUMNS)
    assert every["check_id"].tolist() == [unread, ab, a]
    # The file loaded twice names its latest batch.
    assert every.set_index("check_id").loc[a, "batch_id"] == again
    assert pd.isna(every.set_index("check_id").loc[ab, "batch_id"])
    assert every["checked_at"].tolist() == [pd.Timestamp(T3), pd.Timestamp(T2), pd.Timestamp(T1)]
    assert every[["source_name", "outcome", "row_count"]].values.tolist()[2] == [
        "a.csv",
        "refused",
        3,
    ]
    assert latest["check_id"].tolist() == [unread]
    assert of_a["check_id"].tolist() == [a]
    assert of_ab["check_id"].tolist() == [ab, a]
    assert first != again


def test_no_checked_files_has_the_columns(warehouse):
    with warehouse.connect() as conn:
        frame = submissions.checks(conn)
    assert frame.empty and list(frame.columns) == list(submissions.CHECK_COLUMNS)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (UnitFilter(unit_types=("commune",)), 0),
        (UnitFilter(unit_types=("ward",)), 1),
        (UnitFilter(unit_ids=(B,)), 1),
        (UnitFilter(unit_ids=(C,)), 0),
    ],
)
def test_the_plans_behind_a_figure_follow_the_scope(warehouse, scope, expected):
    _plans([(B, "2026-01-01", 200.0)], "plans", T1, warehouse)
    _load(warehouse, _ytd({B: (60, 200)}, OCT), "oct", T1)
    with warehouse.connect() as conn:
        frame = submissions.lineage(conn, "public_investment_disbursement", OCT, scope)
    assert (frame["batch_kind"] == "capital_plans").sum() == expected


def test_the_checked_files_are_ordered_by_when_then_by_number_and_50_by_default(warehouse):
    with warehouse.begin() as conn:
        late = submissions.record_check(conn, _record("late.csv"), at=T3)
        early = submissions.record_check(conn, _record("early.csv"), at=T1)  # recorded after
        tie_first = submissions.record_check(conn, _record("tie1.csv"), at=T2)
        tie_second = submissions.record_check(conn, _record("tie2.csv"), at=T2)
    with warehouse.connect() as conn:
        ordered = submissions.checks(conn)["check_id"].tolist()
    assert ordered == [late, tie_second, tie_first, early]
    with warehouse.begin() as conn:
        for n in range(47):
            submissions.record_check(conn, _record(f"more{n}.csv"), at=T4)
        everything = submissions.checks(conn, limit=100)
        shown = submissions.checks(conn)
    # 51 files in all; 50 are shown unless asked, the earliest one left out.
    assert len(everything) == 51
    assert len(shown) == 50 and early not in shown["check_id"].tolist()


def test_the_history_is_ordered_by_load_then_by_number_and_50_by_default(warehouse):
    late = _load(warehouse, _obs({A: (1, 4)}), "late", T3)
    early = _load(warehouse, _obs({B: (1, 4)}), "early", T1)  # loaded after, dated before
    tie_first = _load(warehouse, _obs({C: (1, 4)}), "tie1", T2)
    tie_second = _load(warehouse, _obs({OLD: (1, 4)}), "tie2", T2)
    with warehouse.connect() as conn:
        first_page = submissions.history(conn)
    ordered = first_page["batch_id"].tolist()
    assert ordered == [late, tie_second, tie_first, early]
    # No batch undone: the column is still one of times (all missing).
    assert first_page["undone_at"].dtype.kind == "M"
    with warehouse.begin() as conn:
        for n in range(47):
            writes.load_observation_batch(
                conn,
                _obs({A: (1, 4)}, dt.date(2022, 1, 1) + dt.timedelta(days=31 * n)),
                submission_key=f"more{n}",
                source_name="m.csv",
                submitted_by="x",
                loaded_at=T4,
            )
        shown = submissions.history(conn)
        everything = submissions.history(conn, limit=100)
    assert len(everything) == 51
    assert len(shown) == 50 and early not in shown["batch_id"].tolist()


def test_current_observations_are_ordered_by_indicator_month_unit_and_part(warehouse):
    # Loaded in the reverse of the order they are read in. Month comes before unit (A's
    # October after B's September), unit before part (A's tax part before B's total).
    _load(warehouse, _obs({B: (1, 2)}, OCT, "on_time_rate", "sector:health"), "k1", T1)
    _load(warehouse, _obs({B: (1, 2)}, OCT, "on_time_rate"), "k2", T1)
    _load(warehouse, _obs({A: (1, 2)}, OCT, "on_time_rate", "sector:tax"), "k3", T1)
    _load(warehouse, _obs({A: (1, 2)}, OCT, "on_time_rate"), "k4", T1)
    _load(warehouse, _obs({B: (1, 2)}, SEP, "on_time_rate"), "k5", T1)
    _load(warehouse, _obs({A: (1, 2)}, SEP, "on_time_rate"), "k6", T1)
    _load(warehouse, _obs({A: (1, 2)}, SEP, "online_dossier_share"), "k7", T1)
    with warehouse.connect() as conn:
        frame = submissions.current_observations(
            conn, ["on_time_rate", "online_dossier_share"], [SEP, OCT]
        )
    assert frame[["indicator_id", "period_month", "unit_id", "breakdown_key"]].values.tolist() == [
        ["on_time_rate", SEP, A, ""],
        ["on_time_rate", SEP, B, ""],
        ["on_time_rate", OCT, A, ""],
        ["on_time_rate", OCT, A, "sector:tax"],
        ["on_time_rate", OCT, B, ""],
        ["on_time_rate", OCT, B, "sector:health"],
        ["online_dossier_share", SEP, A, ""],
    ]


def test_a_checks_problems_keep_their_words_and_dates(warehouse):
    problem = {"rule": "unknown_unit", "value": "Phường Tân Định", "period": dt.date(2026, 10, 1)}
    with warehouse.begin() as conn:
        submissions.record_check(conn, replace(_record("a.csv"), problems=(problem,)), at=T1)
    # Vietnamese is stored as written (not as \\u escapes); a date as its ISO text.
    assert rows(warehouse, "SELECT problems_json FROM submission_checks") == [
        ('[{"rule": "unknown_unit", "value": "Phường Tân Định", "period": "2026-10-01"}]',)
    ]


def test_the_plan_year_of_a_month_is_read_from_the_indicators_own_reports(warehouse):
    # January 2026 is the extension month of the 2025 plan year: its disbursement report
    # belongs to 2025. Another indicator's January report (loaded first) is of 2026.
    jan = dt.date(2026, 1, 1)
    share = _obs({A: (1, 2)}, jan)
    _load(warehouse, share.assign(period_year=2026), "share-jan", T1)
    plans = _plans([(A, "2025-01-01", 100.0)], "plans-2025", T1, warehouse, year=2025)
    report = _load(warehouse, _ytd({A: (96, 100)}, jan).assign(period_year=2025), "ext", T2)
    with warehouse.connect() as conn:
        frame = submissions.lineage(
            conn, "public_investment_disbursement", jan, UnitFilter(unit_ids=(A,))
        )
    assert dict(zip(frame["batch_id"], frame["rows"], strict=True)) == {report: 1, plans: 1}


def test_a_january_with_two_plan_years_names_the_batches_of_the_figures_plan_year(warehouse):
    # January 2027 holds two disbursement reports of investor A: the 2026 plan year's
    # extension month (96 of 100) and the 2027 plan year's first month (5 of 120). The 2026
    # tile's figure at 31 January comes from the first report and the 2026 plan, the 2027
    # tile's from the second and the 2027 plan. Before, the plan year was whichever report
    # the database returned first (LIMIT 1 with no order).
    jan = dt.date(2027, 1, 1)
    plan_2026 = _plans([(A, "2026-01-01", 100.0)], "plans-2026", T1, warehouse, year=2026)
    plan_2027 = _plans([(A, "2027-01-01", 120.0)], "plans-2027", T1, warehouse, year=2027)
    extension = _load(warehouse, _ytd({A: (96, 100)}, jan).assign(period_year=2026), "ext", T2)
    first = _load(warehouse, _ytd({A: (5, 120)}, jan).assign(period_year=2027), "first", T3)
    only_a = UnitFilter(unit_ids=(A,))
    code = "public_investment_disbursement"
    with warehouse.connect() as conn:
        of_2026 = submissions.lineage(conn, code, jan, only_a, plan_year=2026)
        of_2027 = submissions.lineage(conn, code, jan, only_a, plan_year=2027)
        unsaid = submissions.lineage(conn, code, jan, only_a)
    assert dict(zip(of_2026["batch_id"], of_2026["rows"], strict=True)) == {
        extension: 1,
        plan_2026: 1,
    }
    assert dict(zip(of_2027["batch_id"], of_2027["rows"], strict=True)) == {
        first: 1,
        plan_2027: 1,
    }
    # Without the figure's year: the newest plan year reported that month.
    assert set(unsaid["batch_id"]) == {first, plan_2027}


def test_a_figures_batches_are_newest_first_then_by_number_each_on_its_own_line(warehouse):
    # Four files for four wards' October: p loaded last in time but first in number; r and s
    # at the same moment, with the same name and sender (still two batches).
    p = _load(warehouse, _obs({A: (1, 2)}), "p", T3, source_name="p.csv")
    q = _load(warehouse, _obs({B: (1, 2)}), "q", T1, source_name="q.csv")
    r = _load(warehouse, _obs({C: (1, 2)}), "r", T2, source_name="same.csv")
    s = _load(warehouse, _obs({"25768": (1, 2)}), "s", T2, source_name="same.csv")
    with warehouse.connect() as conn:
        frame = submissions.lineage(
            conn, "online_dossier_share", OCT, UnitFilter(former_provinces=("binh_duong",))
        )
    assert frame[["batch_id", "rows"]].values.tolist() == [[p, 1], [s, 1], [r, 1], [q, 1]]


def test_loaded_targets_are_read_by_indicator_first(warehouse):
    _target(warehouse, 60.0, "t1", T1, due="2026-06-30")  # online_dossier_share, June
    frame = pd.DataFrame(
        [
            {
                "indicator_id": "on_time_rate",
                "unit_id": "city",
                "target_year": 2026,
                "due_date": "2026-12-31",
                "comparator": ">=",
                "target_value": 95.0,
                "is_year_end": True,
                "source_document": "NQ 2",
                "source_url": None,
                "label_vi": None,
                "label_en": None,
            }
        ]
    )
    with warehouse.begin() as conn:
        writes.load_target_batch(
            conn, frame, submission_key="t2", source_name="t2.csv", submitted_by="x", loaded_at=T1
        )
        read = submissions.loaded_targets(conn)
    # "on_time_rate" sorts before "online_dossier_share", whatever the due dates.
    assert read["indicator_id"].tolist() == ["on_time_rate", "online_dossier_share"]
