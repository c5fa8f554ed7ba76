"""More of the figures' SQL (``data_access.queries``), stated for the survivors of the sampled
mutation reading (README): the breakdown by year (current rows only, years in order then
parts in their order, names, demo flag, types), the list of breakdowns, the plan's source
document, the published figures' order and a unit's submissions by indicator.

Each test writes a few rows into a private copy of the small SQLite warehouse (the
``warehouse`` fixture) and states the expected figures, worked out by hand in a comment.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, text

from data_access import queries, writes

A = "25747"  # a Bình Dương ward of the reference file
SHARE = "online_dossier_share"
T1 = dt.datetime(2026, 11, 5, 3, 0)
T2 = dt.datetime(2026, 11, 6, 3, 0)


def _breakdowns(warehouse: Engine) -> None:
    """Two sectors; "b" sorts first (sort order 1), "a" second (2)."""
    frame = pd.DataFrame(
        [
            ("sector:a", "sector", "a", "Ngành A", "Sector A", 2, "{}", False),
            ("sector:b", "sector", "b", "Ngành B", "Sector B", 1, "{}", False),
        ],
        columns=list(writes.BREAKDOWN_COLUMNS),
    )
    with warehouse.begin() as conn:
        writes.upsert_breakdowns(conn, frame)


def _parts(warehouse: Engine, rows: list[tuple[str, str, float]], key: str, at: dt.datetime,
           is_demo: bool = False) -> None:  # fmt: skip
    """rows: (month, breakdown key, amount) of unit A."""
    frame = pd.DataFrame(
        [
            {
                "indicator_id": SHARE,
                "unit_id": A,
                "period_year": int(month[:4]),
                "period_month": dt.date.fromisoformat(month),
                "breakdown_key": part,
                "value": amount,
                "numerator": amount,
                "denominator": 100.0,
            }
            for month, part, amount in rows
        ]
    )
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn, frame, submission_key=key, source_name=f"{key}.csv", submitted_by="steward",
            loaded_at=at, is_demo=is_demo,
        )  # fmt: skip


def test_a_breakdown_by_year_sums_the_current_parts_in_year_then_part_order(
    warehouse: Engine,
) -> None:
    _breakdowns(warehouse)
    _parts(
        warehouse,
        [
            ("2025-12-01", "sector:a", 30.0),
            ("2025-12-01", "sector:b", 15.0),
            ("2026-01-01", "sector:a", 20.0),
            ("2026-02-01", "sector:a", 10.0),
            ("2026-01-01", "sector:b", 20.0),
        ],
        key="first",
        at=T1,
    )
    # A demo file replaces December 2025's sector a: 35, not 30 (nor 30 + 35).
    _parts(warehouse, [("2025-12-01", "sector:a", 35.0)], key="demo", at=T2, is_demo=True)
    with warehouse.connect() as conn:
        found = queries.breakdown_by_year(conn, SHARE, "sector")
    # 2025: a 35, b 15, total 50: a 70 %, b 30 %; a's row is from the demo file.
    # 2026: a 20 + 10 = 30 over 2 months, b 20, total 50: a 60 %, b 40 %.
    # Years in order, and in each year b (sort order 1) before a (2).
    columns = ["period_year", "code", "name_vi", "name_en", "sort_order", "amount",
               "n_periods", "year_total", "share_pct", "is_demo"]  # fmt: skip
    assert [tuple(r) for r in found[columns].itertuples(index=False)] == [
        (2025, "b", "Ngành B", "Sector B", 1, 15.0, 1, 50.0, 30.0, False),
        (2025, "a", "Ngành A", "Sector A", 2, 35.0, 1, 50.0, 70.0, True),
        (2026, "b", "Ngành B", "Sector B", 1, 20.0, 1, 50.0, 40.0, False),
        (2026, "a", "Ngành A", "Sector A", 2, 30.0, 2, 50.0, 60.0, False),
    ]


def test_an_empty_breakdown_by_year_keeps_its_types(warehouse: Engine) -> None:
    with warehouse.connect() as conn:
        found = queries.breakdown_by_year(conn, SHARE, "sector")
    assert found.empty
    assert {c: str(found[c].dtype) for c in ("period_year", "sort_order", "n_periods")} == {
        "period_year": "int64",
        "sort_order": "int64",
        "n_periods": "int64",
    }
    assert str(found["is_demo"].dtype) == "bool"


def test_the_breakdown_list_holds_every_breakdown_by_dimension_and_order(
    warehouse: Engine,
) -> None:
    _breakdowns(warehouse)
    with warehouse.connect() as conn:
        found = queries.breakdown_list(conn)
    sectors = found.loc[found["dimension"] == "sector"]
    assert sectors["breakdown_key"].tolist() == ["sector:b", "sector:a"]
    assert sectors["name_en"].tolist() == ["Sector B", "Sector A"]
    assert sectors["is_demo"].tolist() == [False, False]


def test_a_plan_revision_names_its_source_document(warehouse: Engine) -> None:
    frame = pd.DataFrame(
        [
            {"unit_id": A, "plan_year": 2026, "effective_date": "2026-01-15",
             "plan_billion_vnd": 100.0, "source_document": "QĐ 12/2026"},
            {"unit_id": A, "plan_year": 2026, "effective_date": "2026-06-01",
             "plan_billion_vnd": 120.0, "source_document": "QĐ 480/2026"},
        ]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.load_capital_plan_batch(
            conn, frame, submission_key="p", source_name="p.csv", submitted_by="x", loaded_at=T1
        )
    with warehouse.connect() as conn:
        found = queries.plan_revisions(conn, 2026)
    assert found["source_document"].tolist() == ["QĐ 12/2026", "QĐ 480/2026"]
    assert found["plan_billion_vnd"].tolist() == [100.0, 120.0]


def test_published_figures_come_by_indicator_then_period_end(warehouse: Engine) -> None:
    with warehouse.begin() as conn:
        conn.execute(text("DELETE FROM published_figures"))
        conn.execute(
            text(
                "INSERT INTO published_figures (indicator_code, period_kind, period_start,"
                " period_end, value, qualifier, unit, territory, basis, kind, source_url,"
                " published_on) VALUES ('x', 'year', :start, :end, :value, '', '%', 'city',"
                " 'b', 'actual', 'u', '2026')"
            ),
            # Inserted latest first: the read puts them in time order.
            [
                {"start": "2025-01-01", "end": "2025-12-31", "value": 3.0},
                {"start": "2023-01-01", "end": "2023-12-31", "value": 1.0},
                {"start": "2024-01-01", "end": "2024-12-31", "value": 2.0},
            ],
        )
    with warehouse.connect() as conn:
        found = queries.published(conn, "x")
    assert found["value"].tolist() == [1.0, 2.0, 3.0]


def test_a_units_submissions_come_by_indicator_then_month(warehouse: Engine) -> None:
    rows = [
        ("on_time_rate", "2026-09-01"),
        (SHARE, "2026-08-01"),
        ("on_time_rate", "2026-08-01"),
        (SHARE, "2026-09-01"),
    ]
    frame = pd.DataFrame(
        [
            {"indicator_id": code, "unit_id": A, "period_year": 2026,
             "period_month": dt.date.fromisoformat(month), "breakdown_key": "",
             "value": 50.0, "numerator": 50.0, "denominator": 100.0}
            for code, month in rows
        ]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn, frame, submission_key="s", source_name="s.csv", submitted_by="x", loaded_at=T1
        )
    with warehouse.connect() as conn:
        found = queries.unit_submissions(conn, A)
    # on_time_rate before online_dossier_share; August before September in each.
    assert [(r.indicator_id, r.period_month.month) for r in found.itertuples()] == [
        ("on_time_rate", 8),
        ("on_time_rate", 9),
        (SHARE, 8),
        (SHARE, 9),
    ]


def test_a_january_in_two_plan_years_is_two_submissions_of_one_version_each(
    warehouse: Engine,
) -> None:
    # Disbursement's January 2026 is both the extension month of plan year 2025 and the
    # first month of plan year 2026: two periods, each loaded once.
    frame = pd.DataFrame(
        [
            {"indicator_id": "public_investment_disbursement", "unit_id": A,
             "period_year": year, "period_month": dt.date(2026, 1, 1), "breakdown_key": "",
             "value": value, "numerator": value, "denominator": 100.0}
            for year, value in ((2025, 96.0), (2026, 3.0))
        ]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn, frame, submission_key="j", source_name="j.csv", submitted_by="x", loaded_at=T1
        )
    with warehouse.connect() as conn:
        found = queries.unit_submissions(conn, A)
    assert [(r.period_year, r.n_versions) for r in found.itertuples()] == [(2025, 1), (2026, 1)]


# --- found by the check sample (seed 20261201) of the sampled mutation reading --------------

B = "25750"  # another Bình Dương ward
DISBURSEMENT = "public_investment_disbursement"


def test_an_investor_with_a_plan_and_no_report_stands_at_zero_and_is_no_demo(
    warehouse: Engine,
) -> None:
    # A reported October 2026: 30 of a 100 billion VND plan (a real batch). B has a plan of
    # 100 in force since 15 January and no report: it stands at 0 of 100 = 0 %, not reported,
    # and not demo data (no demo row is behind it). Both are wards.
    report = pd.DataFrame(
        [{"indicator_id": DISBURSEMENT, "unit_id": A, "period_year": 2026,
          "period_month": dt.date(2026, 10, 1), "breakdown_key": "", "value": 30.0,
          "numerator": 30.0, "denominator": 100.0}]
    )  # fmt: skip
    plan = pd.DataFrame(
        [{"unit_id": B, "plan_year": 2026, "effective_date": "2026-01-15",
          "plan_billion_vnd": 100.0, "source_document": "QĐ 12/2026"}]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn, report, submission_key="d", source_name="d.csv", submitted_by="x", loaded_at=T1
        )
        writes.load_capital_plan_batch(
            conn, plan, submission_key="p", source_name="p.csv", submitted_by="x", loaded_at=T1
        )
    with warehouse.connect() as conn:
        found = queries.unit_standing(conn, DISBURSEMENT, 2026, dt.date(2026, 10, 1))
    assert [(r.unit_id, r.unit_type, r.numerator, r.denominator, r.value, r.is_reported,
             r.is_demo) for r in found.itertuples()] == [
        (A, "ward", 30.0, 100.0, 30.0, True, False),
        (B, "ward", 0.0, 100.0, 0.0, False, False),
    ]  # fmt: skip


def test_an_empty_ranking_keeps_whole_number_peer_columns(warehouse: Engine) -> None:
    with warehouse.connect() as conn:
        found = queries.unit_ranking(conn, SHARE, 2026, dt.date(2026, 10, 1))
    assert found.empty
    assert (str(found["peer_rank"].dtype), str(found["peer_count"].dtype)) == ("Int64", "Int64")


def test_a_units_submissions_count_the_loads_of_its_total_only(warehouse: Engine) -> None:
    # October 2026: a sector's part loaded at T1, the unit's total at T2. The submission is
    # the total's: first loaded at T2, one version (the part is no version of it).
    _breakdowns(warehouse)
    _parts(warehouse, [("2026-10-01", "sector:a", 5.0)], "part", T1)
    _parts(warehouse, [("2026-10-01", "", 50.0)], "total", T2)
    with warehouse.connect() as conn:
        found = queries.unit_submissions(conn, A)
    assert [(r.indicator_id, r.first_loaded_at, r.n_versions) for r in found.itertuples()] == [
        (SHARE, pd.Timestamp(T2), 1)
    ]
