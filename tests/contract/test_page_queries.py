"""The indicator pages' queries on a small hand-built warehouse, on SQLite and PostgreSQL.

Given/expect: every expected number is worked out by hand in the comments (ranks,
quartiles, group sums, procedure parts, sector shares, plan revisions, submissions), so the
SQL is checked against arithmetic, on both databases.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access import queries, writes
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.queries import UnitFilter

# Wards of the old city (TĐ, SG, BT), a ward of Bình Dương (TDM), two communes of Bình
# Dương (DT, MT) and the special zone (CĐ).
TD, SG, BT, TDM = "26737", "26740", "26743", "25747"
DT, MT, CD = "25777", "25780", "26732"
JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
FIRST = dt.datetime(2026, 2, 3, 2, 0)  # 09:00 on 3 February in the city
LATE = dt.datetime(2026, 3, 20, 2, 0)


def _frame(indicator: str, month: dt.date, data: dict[str, tuple[float, float]], key: str = ""):
    return pd.DataFrame(
        [
            {
                "indicator_id": indicator,
                "unit_id": unit,
                "period_year": month.year,
                "period_month": month,
                "breakdown_key": key,
                "value": 100 * num / den if den else None,
                "numerator": num,
                "denominator": den,
            }
            for unit, (num, den) in data.items()
        ]
    )


def _load(conn, frame: pd.DataFrame, key: str, at: dt.datetime = FIRST) -> None:
    writes.load_observation_batch(
        conn, frame, submission_key=key, source_name="t", submitted_by="t", loaded_at=at
    )


@pytest.fixture(params=["sqlite", "postgres"], scope="module")
def warehouse(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'pages.sqlite'}"
    else:
        databases = request.getfixturevalue("postgres_databases")
        url = databases.create("dash_pages")
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        writes.insert_units(conn, writes.reference_unit_rows())
        writes.sync_registry(conn)
        writes.upsert_breakdowns(
            conn,
            pd.DataFrame(
                [
                    {
                        "breakdown_key": f"procedure:{code}",
                        "dimension": "procedure",
                        "code": code,
                        "name_vi": name,
                        "name_en": name,
                        "sort_order": order,
                        "attributes_json": f'{{"online_availability": "{kind}"}}',
                        "is_demo": True,
                    }
                    for order, (code, name, kind) in enumerate(
                        [("a", "Khai sinh", "full_process"), ("b", "Chứng thực", "partial")]
                    )
                ]
                + [
                    {
                        "breakdown_key": f"sector:{code}",
                        "dimension": "sector",
                        "code": code,
                        "name_vi": code,
                        "name_en": code,
                        "sort_order": order,
                        "attributes_json": None,
                        "is_demo": False,
                    }
                    for order, code in enumerate(["C", "G", "TAX"])
                ]
            ),
        )
        # January, online share (online / received):
        #   wards:    TĐ 90/100 = 90 %, SG 15/20 = 75 %, BT 60/100 = 60 %, TDM 5/10 = 50 %
        #   communes: DT 4/10 = 40 %, MT 8/20 = 40 % (a tie)
        #   special zone: CĐ 1/5 = 20 %
        _load(
            conn,
            _frame(
                "online_dossier_share",
                JAN,
                {
                    TD: (90, 100),
                    SG: (15, 20),
                    BT: (60, 100),
                    TDM: (5, 10),
                    DT: (4, 10),
                    MT: (8, 20),
                    CD: (1, 5),
                },
            ),
            "jan",
        )
        # TĐ's January by procedure: a 50/60, b 40/40 (adds up to 90/100).
        _load(
            conn,
            pd.concat(
                [
                    _frame("online_dossier_share", JAN, {TD: (50, 60)}, "procedure:a"),
                    _frame("online_dossier_share", JAN, {TD: (40, 40)}, "procedure:b"),
                ]
            ),
            "jan-procedures",
        )
        # February: only TĐ (10/10), loaded late on 20 March.
        _load(conn, _frame("online_dossier_share", FEB, {TD: (10, 10)}), "feb", LATE)
        # GRDP of Q1 2026 by sector: C 300, G 500, TAX 200 (total 1,000).
        city = pd.concat(
            [
                _frame("grdp_current_prices", dt.date(2026, 3, 1), {"city": (1000, 0)}),
                *(
                    _frame("grdp_current_prices", dt.date(2026, 3, 1), {"city": (v, 0)}, k)
                    for k, v in (("sector:C", 300), ("sector:G", 500), ("sector:TAX", 200))
                ),
            ]
        ).assign(denominator=None, value=lambda f: f["numerator"])
        _load(conn, city, "grdp-q1")
        # Capital plans 2026: TĐ 100 from 1 January, raised to 150 on 1 July; SG 50.
        writes.load_capital_plan_batch(
            conn,
            pd.DataFrame(
                [
                    (TD, 2026, dt.date(2026, 1, 1), 100.0, "approved"),
                    (SG, 2026, dt.date(2026, 1, 1), 50.0, "approved"),
                    (TD, 2026, dt.date(2026, 7, 1), 150.0, "revised"),
                ],
                columns=list(writes.CAPITAL_PLAN_COLUMNS),
            ),
            submission_key="plans-2026",
            source_name="t",
            submitted_by="t",
            loaded_at=dt.datetime(2025, 12, 15, 3, 0),
        )
    engine.dispose()
    yield url
    if request.param == "postgres":
        databases.drop(url)


def _run(url: str, query, *args, **kwargs) -> pd.DataFrame:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return query(conn, *args, **kwargs)
    finally:
        engine.dispose()


def test_ranks_and_quartiles_within_each_peer_group(warehouse):
    ranking = _run(warehouse, queries.unit_ranking, "online_dossier_share", 2026, JAN)
    by_unit = ranking.set_index("unit_id")
    # Wards 90, 75, 60, 50 → ranks 1–4 (higher is better).
    assert [int(by_unit.loc[u, "peer_rank"]) for u in (TD, SG, BT, TDM)] == [1, 2, 3, 4]
    # Ordered 50, 60, 75, 90 (n = 4): p25 at position 1.75 → 50 + 0.75 × 10 = 57.5;
    # median at 2.5 → 67.5; p75 at 3.25 → 75 + 0.25 × 15 = 78.75.
    ward = by_unit.loc[TD]
    assert (ward["peer_p25"], ward["peer_median"], ward["peer_p75"]) == pytest.approx(
        (57.5, 67.5, 78.75)
    )
    assert int(ward["peer_count"]) == 4
    # Communes tie at 40 %: both first, quartiles all 40.
    assert [int(by_unit.loc[u, "peer_rank"]) for u in (DT, MT)] == [1, 1]
    assert by_unit.loc[DT, "peer_median"] == pytest.approx(40.0)
    # The special zone is alone: first of one.
    assert int(by_unit.loc[CD, "peer_rank"]) == 1 and int(by_unit.loc[CD, "peer_count"]) == 1
    assert by_unit.loc[CD, "peer_p75"] == pytest.approx(20.0)


def test_ranking_keeps_the_standing_numbers(warehouse):
    ranking = _run(warehouse, queries.unit_ranking, "online_dossier_share", 2026, FEB)
    # TĐ to February: (90 + 10) / (100 + 10) = 90.909 %.
    assert ranking.set_index("unit_id").loc[TD, "value"] == pytest.approx(100 / 110 * 100)
    assert ranking["peer_rank"].dtype == "Int64"


def test_group_standing_sums_each_former_province(warehouse):
    groups = _run(warehouse, queries.group_standing, "online_dossier_share", 2026, JAN)
    by_key = groups.set_index("group_key")
    # Old city: TĐ + SG + BT = 165 / 220 = 75 %; Bình Dương: TDM + DT + MT = 17 / 40 =
    # 42.5 %; Bà Rịa – Vũng Tàu: CĐ 1 / 5 = 20 %.
    assert by_key.loc["ho_chi_minh_old", "value"] == pytest.approx(75.0)
    assert by_key.loc["binh_duong", "value"] == pytest.approx(42.5)
    assert by_key.loc["ba_ria_vung_tau", "value"] == pytest.approx(20.0)
    assert by_key.loc["binh_duong", "n_units"] == 3


def test_series_by_group_has_one_row_per_group_and_month(warehouse):
    series = _run(warehouse, queries.series_by_group, "online_dossier_share")
    february = series[series["period_month"] == pd.Timestamp(FEB)]
    assert february[["group_key", "numerator", "denominator"]].values.tolist() == [
        ["ho_chi_minh_old", 10.0, 10.0]
    ]
    assert len(series) == 4


def test_procedures_of_a_unit_add_up_and_carry_their_availability(warehouse):
    parts = _run(
        warehouse,
        queries.breakdown_standing,
        "online_dossier_share",
        2026,
        FEB,
        "procedure",
        UnitFilter(unit_ids=(TD,)),
    )
    assert parts["code"].tolist() == ["a", "b"]  # the larger one first: 60 before 40
    assert parts["value"].tolist() == pytest.approx([50 / 60 * 100, 100.0])
    assert parts["numerator"].sum() == 90 and parts["denominator"].sum() == 100
    assert "full_process" in parts["attributes_json"].iloc[0]


def test_a_procedures_own_series(warehouse):
    series = _run(
        warehouse,
        queries.scope_series,
        "online_dossier_share",
        UnitFilter(unit_ids=(TD,)),
        None,
        "procedure:b",
    )
    assert series[["numerator", "denominator"]].values.tolist() == [[40.0, 40.0]]


def test_totals_never_include_procedures(warehouse):
    series = _run(
        warehouse, queries.scope_series, "online_dossier_share", UnitFilter((), (), (TD,))
    )
    # TĐ's January total is 90/100, not 90/100 + its parts (180/200).
    assert series[["numerator", "denominator"]].values.tolist()[0] == [90.0, 100.0]


def test_sector_shares_of_the_year(warehouse):
    sectors = _run(warehouse, queries.breakdown_by_year, "grdp_current_prices", "sector")
    assert sectors["code"].tolist() == ["C", "G", "TAX"]
    # 300, 500, 200 of 1,000: 30 %, 50 %, 20 %.
    assert sectors["share_pct"].tolist() == pytest.approx([30.0, 50.0, 20.0])
    assert (sectors["year_total"] == 1000).all()


def test_plan_revisions_sum_the_plans_in_force(warehouse):
    plans = _run(warehouse, queries.plan_revisions, 2026)
    # 1 January: TĐ 100 + SG 50 = 150; 1 July: TĐ 150 + SG 50 = 200.
    assert plans["effective_date"].dt.date.tolist() == [dt.date(2026, 1, 1), dt.date(2026, 7, 1)]
    assert plans["plan_billion_vnd"].tolist() == [150.0, 200.0]
    assert plans["n_investors"].tolist() == [2, 1]


def test_submissions_say_when_each_period_first_arrived(warehouse):
    rows = _run(warehouse, queries.unit_submissions, TD)
    online = rows[rows["indicator_id"] == "online_dossier_share"]
    assert online["period_month"].dt.date.tolist() == [JAN, FEB]
    assert online["first_loaded_at"].tolist() == [pd.Timestamp(FIRST), pd.Timestamp(LATE)]
    # As it stood on 1 March, February had not arrived.
    before = _run(warehouse, queries.unit_submissions, TD, dt.datetime(2026, 3, 1))
    assert before[before["indicator_id"] == "online_dossier_share"][
        "period_month"
    ].dt.date.tolist() == [JAN]


def test_the_first_load_is_the_first_observation(warehouse):
    # Capital plans were loaded earlier (15 December), but no figure stood before 3 February.
    assert _run(warehouse, queries.first_load_at) == FIRST
