"""The rest of what the data-governance page reads (``data_access.governance``): the
catalogue and its links, the units that report, each unit's latest period and last load,
what the record of submitted files found, and the windows ``read_inputs`` reads them for.
Stated for the mutants the tenth mutation reading found alive.

Each test writes its own rows into a private copy of the small SQLite warehouse
(``tests/unit/conftest.py``) with plain SQL or the loader, and compares the reads with
values written by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, text

from data_access import governance as q
from data_access import writes
from data_access.schema import submission_check_units, submission_checks

A, B = "25747", "25750"  # two wards of the reference file
SEP, OCT, NOV, DEC = (dt.date(2026, m, 1) for m in (9, 10, 11, 12))
T1, T2, T3 = (dt.datetime(2026, 12, d, 3, 0) for d in (1, 2, 3))
TODAY = dt.date(2026, 11, 28)
"""online_dossier_share's window at TODAY: November 2025 to October 2026 (its doctest);
digital_economy_share_grdp's: the quarters December 2025 to September 2026."""


def _sql(warehouse: Engine, statement: str, rows: list[dict[str, Any]] | None = None) -> None:
    with warehouse.begin() as conn:
        conn.execute(text(statement), rows or [{}])


def _load(warehouse: Engine, rows: list[tuple], key: str, at: dt.datetime) -> None:
    """rows: (indicator, unit, month, value[, breakdown])."""
    frame = pd.DataFrame(
        [
            {
                "indicator_id": r[0],
                "unit_id": r[1],
                "period_year": r[2].year,
                "period_month": r[2],
                "breakdown_key": r[4] if len(r) > 4 else "",
                "value": r[3],
                "numerator": r[3],
                "denominator": 100.0,
            }
            for r in rows
        ]
    )
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn,
            frame,
            submission_key=key,
            source_name=f"{key}.csv",
            submitted_by="steward",
            loaded_at=at,
        )


def _own_catalogue(warehouse: Engine, links: list[tuple[str, str]]) -> None:
    """Replace the seeded catalogue with three datasets and the given links."""
    _sql(warehouse, "DELETE FROM dataset_indicators")
    _sql(warehouse, "DELETE FROM datasets")
    _sql(
        warehouse,
        "INSERT INTO datasets (dataset_id, data_group, name_vi, name_en, owner_vi, owner_en,"
        " source_system_vi, source_system_en, update_promise_vi, update_promise_en,"
        " promise_days, sharing_status, standardisation_status, is_demo, sort_order)"
        " VALUES (:id, 'people', :id || ' vi', :id || ' en', 'Sở', 'Dept', 'HT', 'Sys',"
        " 'hằng tháng', 'monthly', :days, 'shared', 'standardised', :demo, :sort)",
        [
            {"id": "zeta", "days": 30, "demo": 1, "sort": 1},
            {"id": "alpha", "days": 90, "demo": 0, "sort": 2},
            {"id": "beta", "days": 7, "demo": 0, "sort": 1},
        ],
    )
    if links:
        _sql(
            warehouse,
            "INSERT INTO dataset_indicators (dataset_id, indicator_id) VALUES (:d, :i)",
            [{"d": d, "i": i} for d, i in links],
        )


def test_the_catalogue_in_its_order_with_its_links(warehouse: Engine) -> None:
    _own_catalogue(
        warehouse,
        [("zeta", "on_time_rate"), ("alpha", "b_code"), ("alpha", "a_code"), ("beta", "x")],
    )
    with warehouse.connect() as conn:
        catalogue = q.catalogue(conn)
        links = q.catalogue_links(conn)
    # sort_order 1 (beta, zeta by id), then 2.
    assert list(catalogue["dataset_id"]) == ["beta", "zeta", "alpha"]
    assert list(catalogue.columns) == list(q.CATALOGUE_COLUMNS)
    assert list(catalogue["is_demo"]) == [False, True, False]
    assert str(catalogue["is_demo"].dtype) == "bool"
    first = catalogue.iloc[1]
    assert (first["name_vi"], first["name_en"], first["promise_days"]) == ("zeta vi", "zeta en", 30)
    assert (first["owner_vi"], first["update_promise_vi"], first["sharing_status"]) == (
        "Sở",
        "hằng tháng",
        "shared",
    )
    assert [tuple(r) for r in links.itertuples(index=False)] == [
        ("alpha", "a_code"),
        ("alpha", "b_code"),
        ("beta", "x"),
        ("zeta", "on_time_rate"),
    ]
    assert list(links.columns) == ["dataset_id", "indicator_id"]


def test_an_empty_catalogue_and_no_reporting_unit_keep_their_columns(warehouse: Engine) -> None:
    _sql(warehouse, "DELETE FROM dataset_indicators")
    _sql(warehouse, "DELETE FROM datasets")
    _sql(warehouse, "UPDATE units SET unit_type = 'former_province'")
    with warehouse.connect() as conn:
        catalogue = q.catalogue(conn)
        links = q.catalogue_links(conn)
        units = q.reporting_units(conn)
    assert catalogue.empty and list(catalogue.columns) == list(q.CATALOGUE_COLUMNS)
    assert links.empty and list(links.columns) == ["dataset_id", "indicator_id"]
    assert units.empty
    assert list(units.columns) == ["unit_id", "unit_type", "name_vi", "name_en", "is_demo"]


def test_reporting_units_are_every_unit_but_former_provinces_by_type_and_name(
    warehouse: Engine,
) -> None:
    _sql(warehouse, "UPDATE units SET unit_type = 'former_province' WHERE unit_id = :u", [{"u": A}])
    _sql(warehouse, "UPDATE units SET is_demo = 1 WHERE unit_id = :u", [{"u": B}])
    with warehouse.connect() as conn:
        everything = pd.DataFrame(
            conn.execute(text("SELECT unit_id, unit_type, name_vi, name_en FROM units"))
            .mappings()
            .all()
        )
        units = q.reporting_units(conn)
    kept = everything[everything["unit_type"] != "former_province"]
    expected = sorted((tuple(r) for r in kept.itertuples(index=False)), key=lambda r: (r[1], r[2]))
    assert [tuple(r) for r in units[["unit_id", "unit_type", "name_vi", "name_en"]].values] == (
        expected
    )
    assert A not in set(units["unit_id"]) and len(units) == len(kept)
    assert str(units["is_demo"].dtype) == "bool"
    assert set(units.loc[units["is_demo"], "unit_id"]) == {B}


def test_each_units_latest_period_and_last_load_of_the_current_totals(warehouse: Engine) -> None:
    _load(
        warehouse,
        [
            ("online_dossier_share", A, OCT, 10.0),
            ("online_dossier_share", B, SEP, 20.0),
            # A sector's part of A's November: not a total.
            ("online_dossier_share", A, NOV, 5.0, "sector:health"),
            ("on_time_rate", A, SEP, 50.0),
            ("satisfaction_rate", A, NOV, 50.0),  # not asked for
        ],
        key="first",
        at=T1,
    )
    # A's September, loaded later: A's last load is T2, its latest period still October.
    _load(warehouse, [("online_dossier_share", A, SEP, 11.0)], key="second", at=T2)
    # B's December, loaded at T3 and undone: no longer current.
    _load(warehouse, [("online_dossier_share", B, DEC, 30.0)], key="undone", at=T3)
    with warehouse.connect() as conn:
        batch = conn.execute(
            text("SELECT batch_id FROM load_batches WHERE submission_key = 'undone'")
        ).scalar_one()
    with warehouse.begin() as conn:
        writes.undo_batch(conn, int(batch), undone_by="admin", at=dt.datetime(2026, 12, 4))
    with warehouse.connect() as conn:
        latest = q.unit_latest(conn, ["on_time_rate", "online_dossier_share"])
        none_asked = q.unit_latest(conn, [])
        # Asked for, but no row of it was loaded: the same empty frame with its columns.
        none_found = q.unit_latest(conn, ["e_result_rate"])
    assert [tuple(r) for r in latest.itertuples(index=False)] == [
        ("on_time_rate", A, SEP, pd.Timestamp(T1)),
        ("online_dossier_share", A, OCT, pd.Timestamp(T2)),
        ("online_dossier_share", B, SEP, pd.Timestamp(T1)),
    ]
    assert isinstance(latest["latest_period"].iloc[0], dt.date)
    assert str(latest["last_loaded_at"].dtype).startswith("datetime64")
    for empty in (none_asked, none_found):
        assert empty.empty
        assert list(empty.columns) == [
            "indicator_id",
            "unit_id",
            "latest_period",
            "last_loaded_at",
        ]


def _checks(warehouse: Engine, checks: list[tuple[int, dt.datetime]], units: list[tuple]) -> None:
    """checks: (check id, checked at); units: (check id, indicator, unit, rows, errors,
    duplicates, out of range)."""
    keys: tuple[str, ...] = ("check_id", "indicator_code", "unit_code", "row_count")
    keys += ("error_row_count",)
    keys += ("duplicate_row_count", "out_of_range_row_count")
    with warehouse.begin() as conn:
        conn.execute(
            insert(submission_checks),
            [
                {
                    "check_id": check_id,
                    "checked_at": at,
                    "actor": "steward",
                    "channel": "page",
                    "source_name": "f.csv",
                    "file_sha256": "x",
                    "size_bytes": 1,
                    "kind": "observations",
                    "row_count": 0,
                    "error_row_count": 0,
                    "problem_count": 0,
                    "outcome": "passed",
                }
                for check_id, at in checks
            ],
        )
        conn.execute(
            insert(submission_check_units), [dict(zip(keys, u, strict=True)) for u in units]
        )


def test_check_counts_sum_the_files_checked_since_the_moment(warehouse: Engine) -> None:
    _checks(
        warehouse,
        [
            (1, dt.datetime(2026, 10, 31, 23, 59, 59)),
            (2, dt.datetime(2026, 11, 1)),
            (3, dt.datetime(2026, 11, 20, 10)),
        ],
        [
            (1, "on_time_rate", "A1", 100, 100, 100, 100),  # before the moment
            (2, "on_time_rate", "A1", 10, 1, 2, 3),
            (3, "on_time_rate", "A1", 5, 4, 0, 1),
            (3, "on_time_rate", "B9", 7, 0, 0, 0),
            (2, "dossiers", "Z", 1, 1, 1, 1),
        ],
    )
    with warehouse.connect() as conn:
        counts = q.check_counts(conn, dt.datetime(2026, 11, 1))
        none = q.check_counts(conn, dt.datetime(2026, 11, 21))
    assert list(counts.columns) == list(q.CHECK_COUNT_COLUMNS)
    assert [tuple(r) for r in counts.itertuples(index=False)] == [
        ("dossiers", "Z", 1, 1, 1, 1),
        ("on_time_rate", "A1", 15, 5, 2, 4),
        ("on_time_rate", "B9", 7, 0, 0, 0),
    ]
    assert [str(t) for t in counts.dtypes[2:]] == ["int64"] * 4
    assert none.empty and list(none.columns) == list(q.CHECK_COUNT_COLUMNS)


def test_read_inputs_reads_the_catalogues_windows_at_today(warehouse: Engine) -> None:
    _own_catalogue(
        warehouse,
        [
            ("zeta", "online_dossier_share"),
            ("beta", "digital_economy_share_grdp"),
            ("beta", "not_an_indicator"),
        ],
    )
    _load(
        warehouse,
        [
            ("online_dossier_share", A, dt.date(2025, 10, 1), 10.0),  # before the window
            ("online_dossier_share", A, dt.date(2025, 11, 1), 10.0),  # its first month
            ("online_dossier_share", A, OCT, 10.0),  # its last month
            ("online_dossier_share", A, NOV, 10.0),  # after it
            ("on_time_rate", A, OCT, 10.0),  # not in the catalogue
        ],
        key="k",
        at=T1,
    )
    _checks(
        warehouse,
        [(1, dt.datetime(2025, 10, 31, 23, 59, 59)), (2, dt.datetime(2025, 11, 1))],
        [(1, "x", "A1", 1, 0, 0, 0), (2, "y", "B1", 2, 0, 0, 0)],
    )
    with warehouse.connect() as conn:
        inputs = q.read_inputs(conn, TODAY)
        catalogue = q.catalogue(conn)
        units = q.reporting_units(conn)
    assert [tuple(r) for r in inputs.links.itertuples()] == [
        (0, "beta", "digital_economy_share_grdp"),
        (1, "zeta", "online_dossier_share"),
    ]
    assert [tuple(r)[:3] for r in inputs.periods.itertuples(index=False)] == [
        ("online_dossier_share", A, dt.date(2025, 11, 1)),
        ("online_dossier_share", A, OCT),
    ]
    assert [tuple(r)[:3] for r in inputs.latest.itertuples(index=False)] == [
        ("online_dossier_share", A, NOV)
    ]
    assert [tuple(r)[:3] for r in inputs.checks.itertuples(index=False)] == [("y", "B1", 2)]
    pd.testing.assert_frame_equal(inputs.catalogue, catalogue)
    pd.testing.assert_frame_equal(inputs.units, units)
    assert inputs.today == TODAY and inputs.is_demo is False


def test_read_inputs_without_a_linked_indicator_reads_from_todays_month(
    warehouse: Engine,
) -> None:
    _own_catalogue(warehouse, [("beta", "not_an_indicator")])
    _checks(
        warehouse,
        [(1, dt.datetime(2026, 10, 31, 23, 59, 59)), (2, dt.datetime(2026, 11, 1))],
        [(1, "x", "A1", 1, 0, 0, 0), (2, "y", "B1", 2, 0, 0, 0)],
    )
    with warehouse.connect() as conn:
        inputs = q.read_inputs(conn, TODAY)
    assert inputs.links.empty and inputs.periods.empty and inputs.latest.empty
    assert [tuple(r)[:3] for r in inputs.checks.itertuples(index=False)] == [("y", "B1", 2)]
