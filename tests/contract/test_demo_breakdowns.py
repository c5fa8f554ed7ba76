"""Data contracts of the demo's breakdowns: procedures and GRDP sectors.

Every breakdown row names a known breakdown, the parts add up exactly to their unit's total
(procedures: received and online dossiers; sectors: GRDP), and the sectors' group shares
follow the structures the calibration cites. Checked with this file's own SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, text

from demo import calibration as cal
from demo import dimensions as dim


@pytest.fixture(scope="module")
def engine(demo_warehouse_url: str) -> Iterator[Engine]:
    engine = create_engine(demo_warehouse_url)
    yield engine
    engine.dispose()


def query(engine: Engine, sql: str, **params: object) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_query(text(sql), conn, params=params)


def test_every_breakdown_row_names_a_known_breakdown(engine: Engine) -> None:
    orphans = query(
        engine,
        "SELECT DISTINCT o.breakdown_key FROM observations o "
        "LEFT JOIN breakdowns b ON b.breakdown_key = o.breakdown_key "
        "WHERE o.breakdown_key <> '' AND b.breakdown_key IS NULL",
    )
    assert orphans.empty, orphans


def test_breakdown_keys_are_dimension_and_code(engine: Engine) -> None:
    rows = query(engine, "SELECT breakdown_key, dimension, code FROM breakdowns")
    assert set(rows["dimension"]) == {"procedure", "sector"}
    assert (rows["breakdown_key"] == rows["dimension"] + ":" + rows["code"]).all()


def test_every_procedure_says_how_it_is_offered_online(engine: Engine) -> None:
    rows = query(
        engine, "SELECT code, attributes_json FROM breakdowns WHERE dimension = 'procedure'"
    )
    availability = {
        code: json.loads(attributes)["online_availability"]
        for code, attributes in zip(rows["code"], rows["attributes_json"], strict=True)
    }
    assert availability.pop("other") == "mixed"
    assert set(availability.values()) == {"full_process", "partial"}
    assert availability["dang-ky-khai-sinh"] == "full_process"
    assert availability["chung-thuc-chu-ky"] == "partial"


def test_procedures_add_up_to_each_units_total(engine: Engine) -> None:
    mismatches = query(
        engine,
        "SELECT t.unit_id, t.period_month, t.numerator, t.denominator, "
        "SUM(p.numerator) AS parts_numerator, SUM(p.denominator) AS parts_denominator "
        "FROM observations t JOIN observations p ON p.unit_id = t.unit_id "
        "AND p.period_month = t.period_month AND p.period_year = t.period_year "
        "AND p.indicator_id = t.indicator_id AND p.breakdown_key LIKE 'procedure:%' "
        "AND p.superseded_at IS NULL "
        "WHERE t.indicator_id = 'online_dossier_share' AND t.breakdown_key = '' "
        "AND t.superseded_at IS NULL "
        "GROUP BY t.unit_id, t.period_month, t.numerator, t.denominator "
        "HAVING SUM(p.numerator) <> t.numerator OR SUM(p.denominator) <> t.denominator",
    )
    assert mismatches.empty, mismatches.head()


def test_procedures_cover_every_commune_level_unit_month_from_their_first_month(
    engine: Engine,
) -> None:
    totals = query(
        engine,
        "SELECT COUNT(*) AS n FROM observations o JOIN units u ON u.unit_id = o.unit_id "
        "WHERE o.indicator_id = 'online_dossier_share' AND o.breakdown_key = '' "
        "AND o.superseded_at IS NULL AND o.period_month >= :first "
        "AND u.unit_type IN ('ward', 'commune', 'special_zone')",
        first=cal.PROCEDURE_FIRST_MONTH,
    )
    split = query(
        engine,
        "SELECT COUNT(DISTINCT o.unit_id || '|' || o.period_month) AS n FROM observations o "
        "JOIN units u ON u.unit_id = o.unit_id "
        "WHERE o.indicator_id = 'online_dossier_share' AND o.breakdown_key LIKE 'procedure:%' "
        "AND o.superseded_at IS NULL AND u.unit_type IN ('ward', 'commune', 'special_zone')",
    )
    before = query(
        engine,
        "SELECT COUNT(*) AS n FROM observations WHERE breakdown_key LIKE 'procedure:%' "
        "AND period_month < :first",
        first=cal.PROCEDURE_FIRST_MONTH,
    )
    assert int(split["n"].iloc[0]) == int(totals["n"].iloc[0]) > 0
    assert int(before["n"].iloc[0]) == 0


def test_online_dossiers_of_a_procedure_never_exceed_its_dossiers(engine: Engine) -> None:
    rows = query(
        engine,
        "SELECT COUNT(*) AS n FROM observations WHERE breakdown_key LIKE 'procedure:%' "
        "AND superseded_at IS NULL AND (numerator > denominator OR numerator < 0 "
        "OR numerator <> ROUND(numerator) OR denominator <> ROUND(denominator))",
    )
    assert int(rows["n"].iloc[0]) == 0


def test_full_process_procedures_are_used_online_more_than_partial_ones(engine: Engine) -> None:
    rows = query(
        engine,
        "SELECT b.attributes_json, SUM(o.numerator) AS online, SUM(o.denominator) AS received "
        "FROM observations o JOIN breakdowns b ON b.breakdown_key = o.breakdown_key "
        "WHERE o.superseded_at IS NULL AND b.dimension = 'procedure' AND o.period_year = 2026 "
        "GROUP BY b.attributes_json",
    )
    rows["availability"] = [json.loads(a)["online_availability"] for a in rows["attributes_json"]]
    share = rows.set_index("availability").eval("online / received")
    assert share["full_process"] > share["partial"] + 0.05


def test_sectors_add_up_to_each_quarters_grdp(engine: Engine) -> None:
    rows = query(
        engine,
        "SELECT t.period_month, t.numerator AS grdp, SUM(s.numerator) AS sectors, "
        "COUNT(s.breakdown_key) AS lines "
        "FROM observations t LEFT JOIN observations s ON s.period_month = t.period_month "
        "AND s.indicator_id = t.indicator_id AND s.unit_id = t.unit_id "
        "AND s.breakdown_key LIKE 'sector:%' AND s.superseded_at IS NULL "
        "WHERE t.indicator_id = 'grdp_current_prices' AND t.breakdown_key = '' "
        "AND t.superseded_at IS NULL GROUP BY t.period_month, t.numerator",
    )
    assert len(rows) >= 27
    assert (rows["lines"] == len(dim.SECTORS)).all()
    assert (rows["sectors"] == rows["grdp"]).all()


def test_product_taxes_less_subsidies_are_their_own_line(engine: Engine) -> None:
    rows = query(
        engine,
        "SELECT code, name_vi, attributes_json FROM breakdowns WHERE dimension = 'sector'",
    )
    taxes = rows[rows["code"] == "TAX"].iloc[0]
    attributes = json.loads(taxes["attributes_json"])
    assert attributes == {"group": "product_taxes", "is_production_sector": False}
    assert taxes["name_vi"] == "Thuế sản phẩm trừ trợ cấp sản phẩm"
    others = [json.loads(a) for a in rows[rows["code"] != "TAX"]["attributes_json"]]
    assert all(a["is_production_sector"] for a in others)


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025, 2026])
def test_sector_groups_follow_the_published_structure(engine: Engine, year: int) -> None:
    rows = query(
        engine,
        "SELECT b.attributes_json, SUM(o.numerator) AS amount FROM observations o "
        "JOIN breakdowns b ON b.breakdown_key = o.breakdown_key "
        "WHERE o.indicator_id = 'grdp_current_prices' AND o.superseded_at IS NULL "
        "AND o.period_year = :year GROUP BY b.attributes_json",
        year=year,
    )
    rows["group"] = [json.loads(a)["group"] for a in rows["attributes_json"]]
    shares = rows.groupby("group")["amount"].sum() / rows["amount"].sum() * 100
    for group, expected in cal.SECTOR_GROUP_SHARES[year].items():
        assert shares[group] == pytest.approx(expected, abs=0.01), group
