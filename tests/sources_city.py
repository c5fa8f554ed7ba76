"""A city-style warehouse built from the demo data, in another shape, and its mapping file.

Used by the declared-sources tests (``tests/contract/test_sources_city_shape.py`` on SQLite,
``tests/postgres/test_sources_postgres.py`` on PostgreSQL). The shape differs from the
project's own schema on purpose:

- ``ho_so_chi_tiet``: detail rows, several per unit and month (one per channel and receiving
  day, each with its count of dossiers) that the mapping's SQL aggregates into the online
  dossier share and the dossiers received. Real dossier-level rows (one per dossier) would
  be about 450,000 a month on the demo; the counts keep the test small while the mapping
  still has to group, filter by channel and truncate dates to months in SQL;
- ``chi_so_hanh_chinh_thang``: a wide table, one row per unit and month with the figures of
  three indicators side by side (on-time rate, electronic results rate, satisfaction);
- ``kinh_te_so_quy``: the digital economy's quarterly figures;
- ``giai_ngan_nguon_von`` and ``ke_hoach_von``: public-investment disbursement as a city's
  finance office keeps it: per investor, plan year and report date (the month's last day),
  the year-to-date amount split by funding source (city and central budget), which the
  mapping sums in SQL; and the capital plan's revisions with their effective dates, from
  which the mapping's SQL takes the plan in force at each report date. An investor that did
  not report a month has no row (the demo has four such investor-months in 2026);
- ``ho_so_tthc`` and ``danh_muc_tthc``: the dossiers by administrative procedure, as rows
  per unit, procedure, submission time and whether submitted online (each with its count of
  dossiers), with the procedure catalogue (the city's own procedure codes ``TTHC-001``…,
  names in both languages, online availability, display order) in its own table; the
  mapping's declared breakdown joins and sums them in SQL, truncating times to months;
- ``grdp_nganh_quy``: GRDP at current prices by sector, one row per quarter (year and
  quarter number, not a date) and sector with its names and sector group; the mapping
  makes the quarter's month in SQL, sums the sectors for GRDP and declares them as its
  breakdown;
- the city's own unit codes (``HCM-0001``…), turned into official ones by a crosswalk CSV
  file, and for the city-level figure an inline crosswalk.

The figures are taken from the demo warehouse's ``observations`` rows directly (pandas),
not through the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from pathlib import Path

import pandas as pd
from psycopg import sql
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

DEMO_COLUMNS = "o.unit_id, o.period_month, o.numerator, o.denominator"


def _demo_rows(demo_url: str, indicator: str) -> pd.DataFrame:
    engine = create_engine(demo_url)
    try:
        with engine.connect() as conn:
            frame = pd.read_sql_query(
                text(
                    f"SELECT {DEMO_COLUMNS} FROM observations o "
                    "WHERE o.indicator_id = :code AND o.breakdown_key = '' "
                    "AND o.superseded_at IS NULL"
                ),
                conn,
                params={"code": indicator},
            )
    finally:
        engine.dispose()
    frame["period_month"] = pd.to_datetime(frame["period_month"]).dt.date
    return frame


def _own_codes(unit_ids: list[str]) -> dict[str, str]:
    """Official code → the city's own code."""
    return {unit_id: f"HCM-{number:04d}" for number, unit_id in enumerate(sorted(unit_ids), 1)}


def build_city_warehouse(demo_url: str, url: str, schema: str | None = None) -> dict[str, str]:
    """Write the city-style tables at ``url`` (in ``schema`` when given); return the
    crosswalk (city code → official code)."""
    online = _demo_rows(demo_url, "online_dossier_share")
    on_time = _demo_rows(demo_url, "on_time_rate")
    e_result = _demo_rows(demo_url, "e_result_rate")
    satisfaction = _demo_rows(demo_url, "satisfaction_rate")
    digital = _demo_rows(demo_url, "digital_economy_share_grdp")
    leaf_units = set(online.unit_id) | set(on_time.unit_id) | set(satisfaction.unit_id)
    codes = _own_codes(sorted(leaf_units))
    reports, plans = _disbursement_rows(demo_url)
    investors = sorted((set(reports.unit_id) | set(plans.unit_id)) - set(codes))
    codes |= {unit_id: f"CDT-{number:02d}" for number, unit_id in enumerate(investors, 1)}
    payments = []
    for row in reports.itertuples(index=False):
        # Halves, so that the mapping's sum gives the demo's figure to the last bit (an
        # investor at exactly 100 % stays tied with the others there in the rankings).
        half = float(row.numerator) / 2
        for fund, amount in (("ngan_sach_tw", half), ("ngan_sach_tp", half)):
            payments.append(
                {
                    "ma_cdt": codes[row.unit_id],
                    "nam_kh": int(row.period_year),
                    "ngay_bao_cao": _month_end(row.period_month),
                    "nguon_von": fund,
                    "luy_ke_ty_dong": amount,
                }
            )
    plan_rows = [
        {
            "ma_cdt": codes[row.unit_id],
            "nam_kh": int(row.plan_year),
            "ngay_hieu_luc": row.effective_date,
            "so_tien_ty_dong": float(row.plan_billion_vnd),
        }
        for row in plans.itertuples(index=False)
    ]

    detail_rows = []
    for row in online.itertuples(index=False):
        online_count = int(row.numerator)
        other_count = int(row.denominator) - online_count
        for channel, count in (("truc_tuyen", online_count), ("truc_tiep", other_count)):
            # Split over three receiving days of the month; the mapping sums them back.
            parts = (count // 3, count // 3, count - 2 * (count // 3))
            for day, part in zip((3, 14, 25), parts, strict=True):
                detail_rows.append(
                    {
                        "ma_dv": codes[row.unit_id],
                        "ngay_tiep_nhan": row.period_month.replace(day=day),
                        "kenh": channel,
                        "so_ho_so": part,
                    }
                )

    def renamed(frame: pd.DataFrame, numerator: str, denominator: str) -> pd.DataFrame:
        return frame.rename(columns={"numerator": numerator, "denominator": denominator})

    wide = (
        renamed(on_time, "dung_han", "da_giai_quyet")
        .merge(
            renamed(e_result, "kq_dien_tu", "da_giai_quyet_e")[
                ["unit_id", "period_month", "kq_dien_tu"]
            ],
            on=["unit_id", "period_month"],
            how="outer",
        )
        .merge(
            renamed(satisfaction, "hai_long", "so_danh_gia"),
            on=["unit_id", "period_month"],
            how="outer",
        )
    )
    wide.insert(0, "ma_dv", wide.pop("unit_id").map(codes))
    wide = wide.rename(columns={"period_month": "thang"})

    quarterly = digital.rename(
        columns={"period_month": "quy_ket_thuc", "numerator": "gia_tri_kts", "denominator": "grdp"}
    )
    quarterly.insert(0, "ma_dv", "HCM-TP")
    quarterly = quarterly.drop(columns=["unit_id"])

    procedure_rows, catalogue = _procedure_rows(demo_url, codes)
    sector_rows = _sector_rows(demo_url)

    metadata = MetaData(schema=schema)
    procedure_table = Table(
        "ho_so_tthc",
        metadata,
        Column("ma_dv", String(12), nullable=False),
        Column("ma_tthc", String(12), nullable=False),
        Column("thoi_diem_nop", DateTime, nullable=False),
        Column("nop_truc_tuyen", Integer, nullable=False),
        Column("so_luong", Integer, nullable=False),
    )
    catalogue_table = Table(
        "danh_muc_tthc",
        metadata,
        Column("ma_tthc", String(12), nullable=False, primary_key=True),
        Column("ten_tthc", String(200), nullable=False),
        Column("ten_tthc_en", String(200)),
        Column("muc_do_truc_tuyen", String(16)),
        Column("thu_tu", Integer),
    )
    sector_table = Table(
        "grdp_nganh_quy",
        metadata,
        Column("ma_dv", String(12), nullable=False),
        Column("nam", Integer, nullable=False),
        Column("quy", Integer, nullable=False),
        Column("ma_nganh", String(8), nullable=False),
        Column("ten_nganh", String(200), nullable=False),
        Column("ten_nganh_en", String(200)),
        Column("nhom_nganh", String(32)),
        Column("gia_tri_ty_dong", Float),
    )
    detail = Table(
        "ho_so_chi_tiet",
        metadata,
        Column("ma_dv", String(12), nullable=False),
        Column("ngay_tiep_nhan", Date, nullable=False),
        Column("kenh", String(12), nullable=False),
        Column("so_ho_so", Integer, nullable=False),
    )
    wide_table = Table(
        "chi_so_hanh_chinh_thang",
        metadata,
        Column("ma_dv", String(12), nullable=False),
        Column("thang", Date, nullable=False),
        Column("da_giai_quyet", Float),
        Column("dung_han", Float),
        Column("kq_dien_tu", Float),
        Column("so_danh_gia", Float),
        Column("hai_long", Float),
    )
    quarter_table = Table(
        "kinh_te_so_quy",
        metadata,
        Column("ma_dv", String(12), nullable=False),
        Column("quy_ket_thuc", Date, nullable=False),
        Column("gia_tri_kts", Float),
        Column("grdp", Float),
    )
    disbursed_table = Table(
        "giai_ngan_nguon_von",
        metadata,
        Column("ma_cdt", String(12), nullable=False),
        Column("nam_kh", Integer, nullable=False),
        Column("ngay_bao_cao", Date, nullable=False),
        Column("nguon_von", String(16), nullable=False),
        Column("luy_ke_ty_dong", Float, nullable=False),
    )
    plan_table = Table(
        "ke_hoach_von",
        metadata,
        Column("ma_cdt", String(12), nullable=False),
        Column("nam_kh", Integer, nullable=False),
        Column("ngay_hieu_luc", Date, nullable=False),
        Column("so_tien_ty_dong", Float, nullable=False),
        # As a city's table would have: the mapping looks the plan in force up per report.
        Index("ke_hoach_von_cdt_nam", "ma_cdt", "nam_kh"),
    )
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if schema is not None:
                quoted = conn.dialect.identifier_preparer.quote(schema)
                conn.execute(text("CREATE SCHEMA IF NOT EXISTS " + quoted))
            metadata.create_all(conn)
            conn.execute(detail.insert(), detail_rows)
            conn.execute(wide_table.insert(), _records(wide))
            conn.execute(quarter_table.insert(), _records(quarterly))
            conn.execute(disbursed_table.insert(), payments)
            conn.execute(plan_table.insert(), plan_rows)
            conn.execute(catalogue_table.insert(), catalogue)
            conn.execute(procedure_table.insert(), procedure_rows)
            conn.execute(sector_table.insert(), sector_rows)
    finally:
        engine.dispose()
    crosswalk = {code: unit_id for unit_id, code in codes.items()}
    return crosswalk


def _procedure_rows(
    demo_url: str, codes: dict[str, str]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The demo's current dossiers by procedure as the city's rows (per unit, procedure,
    submission time and channel, each with its count) and its procedure catalogue (the
    city's own codes, numbered in the demo's order)."""
    engine = create_engine(demo_url)
    try:
        with engine.connect() as conn:
            rows = pd.read_sql_query(
                text(
                    "SELECT o.unit_id, o.period_month, b.code, o.numerator, o.denominator "
                    "FROM observations o JOIN breakdowns b ON b.breakdown_key = o.breakdown_key "
                    "WHERE o.indicator_id = 'online_dossier_share' AND b.dimension = 'procedure' "
                    "AND o.superseded_at IS NULL"
                ),
                conn,
            )
            parts = pd.read_sql_query(
                text(
                    "SELECT code, name_vi, name_en, sort_order, attributes_json FROM breakdowns "
                    "WHERE dimension = 'procedure' ORDER BY sort_order"
                ),
                conn,
            )
    finally:
        engine.dispose()
    own_code = {code: f"TTHC-{n:03d}" for n, code in enumerate(parts["code"], 1)}
    catalogue = [
        {
            "ma_tthc": own_code[row.code],
            "ten_tthc": row.name_vi,
            "ten_tthc_en": row.name_en,
            "muc_do_truc_tuyen": json.loads(row.attributes_json).get("online_availability"),
            "thu_tu": int(row.sort_order),
        }
        for row in parts.itertuples(index=False)
    ]
    records: list[dict[str, object]] = []
    for row in rows.itertuples(index=False):
        month = pd.Timestamp(row.period_month)
        online = int(row.numerator)
        # The online dossiers on the 2nd at 08:30, the others on the 27th at 16:45: the
        # mapping truncates the times to months and sums the channels back.
        for when, is_online, count in (
            (month.replace(day=2, hour=8, minute=30), 1, online),
            (month.replace(day=27, hour=16, minute=45), 0, int(row.denominator) - online),
        ):
            records.append(
                {
                    "ma_dv": codes[row.unit_id],
                    "ma_tthc": own_code[row.code],
                    "thoi_diem_nop": when.to_pydatetime(),
                    "nop_truc_tuyen": is_online,
                    "so_luong": count,
                }
            )
    return records, catalogue


def _sector_rows(demo_url: str) -> list[dict[str, object]]:
    """The demo's current GRDP by sector, per year, quarter and sector, with the names and
    sector group (from its ``breakdowns`` rows)."""
    engine = create_engine(demo_url)
    try:
        with engine.connect() as conn:
            rows = pd.read_sql_query(
                text(
                    "SELECT o.period_month, b.code, b.name_vi, b.name_en, b.attributes_json, "
                    "o.numerator FROM observations o "
                    "JOIN breakdowns b ON b.breakdown_key = o.breakdown_key "
                    "WHERE o.indicator_id = 'grdp_current_prices' AND b.dimension = 'sector' "
                    "AND o.superseded_at IS NULL"
                ),
                conn,
            )
    finally:
        engine.dispose()
    months = pd.to_datetime(rows["period_month"])
    assert set(months.dt.month) <= {3, 6, 9, 12}
    return [
        {
            "ma_dv": "HCM-TP",
            "nam": int(month.year),
            "quy": int(month.month // 3),
            "ma_nganh": row.code,
            "ten_nganh": row.name_vi,
            "ten_nganh_en": row.name_en,
            "nhom_nganh": json.loads(row.attributes_json).get("group"),
            "gia_tri_ty_dong": float(row.numerator),
        }
        for month, row in zip(months, rows.itertuples(index=False), strict=True)
    ]


def _disbursement_rows(demo_url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo's current disbursement reports (plan year, month, year to date) and capital
    plan revisions, read from its tables directly."""
    engine = create_engine(demo_url)
    try:
        with engine.connect() as conn:
            reports = pd.read_sql_query(
                text(
                    "SELECT o.unit_id, o.period_year, o.period_month, o.numerator "
                    "FROM observations o WHERE o.indicator_id = 'public_investment_disbursement' "
                    "AND o.breakdown_key = '' AND o.superseded_at IS NULL"
                ),
                conn,
            )
            plans = pd.read_sql_query(
                text(
                    "SELECT unit_id, plan_year, effective_date, plan_billion_vnd "
                    "FROM capital_plans WHERE superseded_at IS NULL"
                ),
                conn,
            )
    finally:
        engine.dispose()
    reports["period_month"] = pd.to_datetime(reports["period_month"]).dt.date
    plans["effective_date"] = pd.to_datetime(plans["effective_date"]).dt.date
    return reports, plans


def _month_end(day: dt.date) -> dt.date:
    return (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    cleaned = frame.astype(object).where(frame.notna(), None)
    return [dict(row) for row in cleaned.to_dict(orient="records")]


def month_expression(url: str, column: str) -> str:
    """The first day of ``column``'s month, in the SQL of the city's engine."""
    if make_url(url).get_backend_name() == "sqlite":
        return f"date({column}, 'start of month')"
    return f"CAST(date_trunc('month', {column}) AS DATE)"


def quarter_month_expression(url: str, year: str, quarter: str) -> str:
    """The first day of a quarter's last month from its year and number, in the SQL of the
    city's engine (the project's own quarterly rows are dated so)."""
    if make_url(url).get_backend_name() == "sqlite":
        return f"date(printf('%04d-%02d-01', {year}, {quarter} * 3))"
    return f"make_date({year}, {quarter} * 3, 1)"


def _breakdown_declarations(url: str, prefix: str, connection: str, grdp: bool) -> dict[str, str]:
    """The mapping's lines for the breakdowns: the online share's by procedure (appended
    to its entry) and GRDP with its sectors (a source of its own)."""
    month = month_expression(url, "h.thoi_diem_nop")
    quarter = quarter_month_expression(url, "nam", "quy")
    procedures = f"""    breakdowns:
      procedure:
        columns: {{label_en: label_en, order: thu_tu}}
        attributes: {{online_availability: muc_do_truc_tuyen}}
        sql: |
          SELECT h.ma_dv AS unit_code, {month} AS month, h.ma_tthc AS key,
                 d.ten_tthc AS label, d.ten_tthc_en AS label_en,
                 d.thu_tu, d.muc_do_truc_tuyen,
                 SUM(CASE WHEN h.nop_truc_tuyen = 1 THEN h.so_luong ELSE 0 END) AS numerator,
                 SUM(h.so_luong) AS denominator
          FROM {prefix}ho_so_tthc h JOIN {prefix}danh_muc_tthc d ON d.ma_tthc = h.ma_tthc
          GROUP BY h.ma_dv, {month}, h.ma_tthc, d.ten_tthc, d.ten_tthc_en, d.thu_tu,
                   d.muc_do_truc_tuyen
"""
    sectors = f"""    breakdowns:
      sector:
        columns: {{key: ma_nganh, label: ten_nganh, label_en: ten_nganh_en, value: gia_tri_ty_dong}}
        attributes: {{group: nhom_nganh}}
        sql: |
          SELECT ma_dv AS unit_code, {quarter} AS month, ma_nganh, ten_nganh, ten_nganh_en,
                 nhom_nganh, gia_tri_ty_dong
          FROM {prefix}grdp_nganh_quy
"""
    gdp = f"""  grdp_current_prices:
    connection: {connection}
    freshness_days: 112
    crosswalk: {{HCM-TP: city}}
    columns: {{value: grdp_ty_dong}}
    sql: |
      SELECT ma_dv AS unit_code, {quarter} AS month, SUM(gia_tri_ty_dong) AS grdp_ty_dong
      FROM {prefix}grdp_nganh_quy
      GROUP BY ma_dv, nam, quy
"""
    return {"procedures": procedures, "grdp": gdp + (sectors if grdp else "")}


def write_city_mapping(
    folder: Path,
    url: str,
    crosswalk: dict[str, str],
    schema: str | None = None,
    connection: str = "city_dw",
    *,
    grdp: bool = False,
    breakdowns: bool = False,
) -> Path:
    """The mapping file that reads the city-style warehouse; returns its path.

    With ``grdp`` GRDP at current prices is declared too (from the sectors' table); with
    ``breakdowns`` the online share's procedures and (with ``grdp``) GRDP's sectors are
    declared as their breakdowns. Without them, the seven sources of issue 14's first
    slices."""
    crosswalk_file = folder / "ma_don_vi.csv"
    pd.DataFrame({"source_code": list(crosswalk), "unit_code": list(crosswalk.values())}).to_csv(
        crosswalk_file, index=False
    )
    prefix = f"{schema}." if schema else ""
    table_of = (lambda name: f"{{schema: {schema}, name: {name}}}") if schema else str
    month = month_expression(url, "ngay_tiep_nhan")
    extra = _breakdown_declarations(url, prefix, connection, grdp and breakdowns)
    mapping = f"""version: 1
indicators:
  online_dossier_share:
    connection: {connection}
    freshness_days: 36
    crosswalk_file: ma_don_vi.csv
    sql: |
      SELECT ma_dv AS unit_code, {month} AS month,
             SUM(CASE WHEN kenh = 'truc_tuyen' THEN so_ho_so ELSE 0 END) AS numerator,
             SUM(so_ho_so) AS denominator
      FROM {prefix}ho_so_chi_tiet
      GROUP BY ma_dv, {month}
{extra["procedures"] if breakdowns else ""}  dossiers_received:
    connection: {connection}
    freshness_days: 36
    crosswalk_file: ma_don_vi.csv
    columns: {{unit_code: ma, month: thang, value: tong}}
    sql: |
      SELECT ma_dv AS ma, {month} AS thang, SUM(so_ho_so) AS tong
      FROM {prefix}ho_so_chi_tiet
      GROUP BY ma_dv, {month}
  on_time_rate:
    connection: {connection}
    freshness_days: 36
    crosswalk_file: ma_don_vi.csv
    table: {table_of("chi_so_hanh_chinh_thang")}
    columns: {{unit_code: ma_dv, month: thang, numerator: dung_han, denominator: da_giai_quyet}}
  e_result_rate:
    connection: {connection}
    freshness_days: 36
    crosswalk_file: ma_don_vi.csv
    table: {table_of("chi_so_hanh_chinh_thang")}
    columns: {{unit_code: ma_dv, month: thang, numerator: kq_dien_tu, denominator: da_giai_quyet}}
  satisfaction_rate:
    connection: {connection}
    freshness_days: 36
    crosswalk_file: ma_don_vi.csv
    table: {table_of("chi_so_hanh_chinh_thang")}
    columns: {{unit_code: ma_dv, month: thang, numerator: hai_long, denominator: so_danh_gia}}
  digital_economy_share_grdp:
    connection: {connection}
    freshness_days: 112
    crosswalk: {{HCM-TP: city}}
    table: {table_of("kinh_te_so_quy")}
    columns:
      unit_code: ma_dv
      month: quy_ket_thuc
      numerator: gia_tri_kts
      denominator: grdp
  public_investment_disbursement:
    connection: {connection}
    freshness_days: 36
    crosswalk_file: ma_don_vi.csv
    columns: {{year: nam}}
    sql: |
      SELECT g.ma_cdt AS unit_code, g.nam_kh AS nam, g.ngay_bao_cao AS month,
             SUM(g.luy_ke_ty_dong) AS numerator,
             (SELECT k.so_tien_ty_dong FROM {prefix}ke_hoach_von k
               WHERE k.ma_cdt = g.ma_cdt AND k.nam_kh = g.nam_kh
                 AND k.ngay_hieu_luc <= g.ngay_bao_cao
               ORDER BY k.ngay_hieu_luc DESC LIMIT 1) AS denominator
      FROM {prefix}giai_ngan_nguon_von g
      GROUP BY g.ma_cdt, g.nam_kh, g.ngay_bao_cao
{extra["grdp"] if grdp else ""}"""
    path = folder / "city_sources.yaml"
    path.write_text(mapping, encoding="utf-8")
    return path


CITY_TABLES = (
    "ho_so_chi_tiet",
    "chi_so_hanh_chinh_thang",
    "kinh_te_so_quy",
    "giai_ngan_nguon_von",
    "ke_hoach_von",
    "ho_so_tthc",
    "danh_muc_tthc",
    "grdp_nganh_quy",
)
"""The tables of the city-style warehouse, all read by its mapping (the last three with
its breakdowns and GRDP declared)."""
READER_GRANTS = (
    "CREATE ROLE {role} LOGIN PASSWORD {password};",
    "GRANT CONNECT ON DATABASE {database} TO {role};",
    "GRANT USAGE ON SCHEMA {schema} TO {role};",
    "GRANT SELECT ON {tables} TO {role};",
)
"""What a city gives the dashboard on PostgreSQL (the README quotes these statements with
``dashboard_reader``, ``dw`` and the eight tables): a login, CONNECT on the database, USAGE on
the schema and SELECT on the declared tables; nothing more."""
PUBLIC_DEFAULTS_REVOKED = (
    "REVOKE ALL ON DATABASE {database} FROM PUBLIC;",
    "REVOKE ALL ON SCHEMA public FROM PUBLIC;",
)
"""PostgreSQL's defaults for every role (TEMPORARY and CONNECT on a database, USAGE on schema
``public``), taken away in the test's database, so that the reader has only its grants."""


def grant_select_only(owner_url: str, schema: str) -> tuple[str, str]:
    """Create a login role with only :data:`READER_GRANTS` on the city-style tables of
    ``schema`` at ``owner_url`` (after :data:`PUBLIC_DEFAULTS_REVOKED`); return (role, its
    URL). Names and password are random hex; DDL takes no bound parameters, so psycopg
    composes the names as identifiers and the password as a literal."""
    role = f"dash_reader_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    database = make_url(owner_url).database
    assert database is not None
    names = {
        "role": sql.Identifier(role),
        "password": sql.Literal(password),
        "database": sql.Identifier(database),
        "schema": sql.Identifier(schema),
        "tables": sql.SQL(", ").join(sql.Identifier(schema, name) for name in CITY_TABLES),
    }
    engine = create_engine(owner_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            for template in (*PUBLIC_DEFAULTS_REVOKED, *READER_GRANTS):
                cursor.execute(sql.SQL(template).format(**names))
    finally:
        engine.dispose()
    reader_url = (
        make_url(owner_url)
        .set(username=role, password=password)
        .render_as_string(hide_password=False)
    )
    return role, reader_url


def drop_role(admin_url: str, role: str) -> None:
    """Drop a role made by :func:`grant_select_only` (after its database is dropped)."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            quoted = conn.dialect.identifier_preparer.quote(role)
            conn.execute(text("DROP ROLE IF EXISTS " + quoted))
    finally:
        engine.dispose()


def own_warehouse_without(demo_url: str, folder: Path, indicators: list[str]) -> str:
    """A private SQLite copy of the demo warehouse (the app's own schema, where it writes)
    with ``indicators``' observations deleted, so that a figure a page shows for them can
    only have come through a declared source; returns its URL."""
    own = folder / "own.sqlite"
    shutil.copyfile(str(make_url(demo_url).database), own)
    own_url = f"sqlite:///{own}"
    engine = create_engine(own_url)
    try:
        with engine.begin() as conn:
            for code in indicators:
                conn.execute(text("DELETE FROM observations WHERE indicator_id = :c"), {"c": code})
            left = conn.execute(
                text("SELECT COUNT(*) FROM observations WHERE indicator_id IN :codes").bindparams(
                    bindparam("codes", expanding=True)
                ),
                {"codes": indicators},
            ).scalar()
    finally:
        engine.dispose()
    assert left == 0
    return own_url
