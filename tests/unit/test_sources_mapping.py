"""The declared-sources mapping file (issue 14): parsed into typed objects; a malformed file
is refused with the file, indicator, field, what is wrong and how to fix it, in both
languages, and the check command exits 2; identifiers from the mapping are validated and
quoted by the dialect, values bound as parameters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from data_access import sources
from data_access.engine import PROJECT_ROOT

VALID = """version: 1
indicators:
  on_time_rate:
    connection: city_dw
    freshness_days: 36
    table: dw.chi_so_thang
    columns: {unit_code: MaDV, month: thang, numerator: dung_han, denominator: tong}
    filters: {loai: "x'; DROP TABLE units; --", da_xoa: null}
    crosswalk: {"P-1": "25747"}
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_valid_mapping_becomes_typed_sources(tmp_path):
    mapping = sources.load_mapping(write(tmp_path, VALID))
    (source,) = mapping.sources
    assert source == sources.Source(
        indicator="on_time_rate",
        connection="city_dw",
        columns={
            "unit_code": "MaDV",
            "month": "thang",
            "numerator": "dung_han",
            "denominator": "tong",
        },
        freshness_days=36,
        table=sources.TableRef("chi_so_thang", "dw"),
        filters={"loai": "x'; DROP TABLE units; --", "da_xoa": None},
        crosswalk={"P-1": "25747"},
    )


def test_identifiers_are_quoted_and_filter_values_bound(tmp_path):
    (source,) = sources.load_mapping(write(tmp_path, VALID)).sources
    compiled = select(sources.canonical(source)).compile(dialect=postgresql.dialect())
    sql = str(compiled)
    assert '"MaDV" AS unit_code' in sql
    assert "FROM dw.chi_so_thang" in sql
    assert "DROP TABLE" not in sql
    assert "da_xoa IS NULL" in sql
    assert compiled.params == {"filter_loai": "x'; DROP TABLE units; --"}


def test_the_default_mapping_parses():
    mapping = sources.load_mapping(sources.DEFAULT_MAPPING_PATH)
    assert {s.connection for s in mapping.sources} == {sources.HOME_CONNECTION}


def test_the_mapping_file_comes_from_the_setting(monkeypatch, tmp_path):
    monkeypatch.delenv(sources.SOURCES_FILE_VARIABLE, raising=False)
    assert sources.mapping_path() == sources.DEFAULT_MAPPING_PATH
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(tmp_path / "x.yaml"))
    assert sources.mapping_path() == tmp_path / "x.yaml"


def test_named_connections_come_from_the_environment():
    environ = {"DASHBOARD_SOURCE_URL_CITY_DW": "postgresql+psycopg://r@h/dw"}
    assert sources.connection_url("city_dw", environ) == "postgresql+psycopg://r@h/dw"
    assert sources.connection_url("other", environ) is None


ENTRY = """version: 1
indicators:
  on_time_rate:
    connection: city_dw
    freshness_days: 36
    table: chi_so_thang
    columns: {unit_code: ma, month: thang, numerator: dung_han, denominator: tong}
"""

# (change to ENTRY (old, new), the expected message in English)
MALFORMED = {
    "url_in_file": (
        ("connection: city_dw", "connection: postgresql://u:secret@h/dw"),
        "{file}: indicator on_time_rate, field connection: the connection is missing or is "
        "a URL. How to fix: give a connection name (e.g. city_dw) and put its URL in the "
        "environment variable DASHBOARD_SOURCE_URL_<NAME>, never in the file",
    ),
    "unknown_indicator": (
        ("on_time_rate:", "on_time:"),
        "{file}: indicator on_time, field —: this is not an indicator code of the dashboard. "
        "How to fix: use one of: ",
    ),
    "year_role": (
        (", denominator: tong}", ", denominator: tong, year: nam}"),
        "{file}: indicator on_time_rate, field columns.year: the role year (the plan year) "
        "applies only to a cumulative indicator (public_investment_disbursement). How to fix: "
        "remove columns.year; this indicator's year is its month's",
    ),
    "missing_denominator": (
        (", denominator: tong}", "}"),
        "{file}: indicator on_time_rate, field columns.denominator: the column for the role "
        "denominator is not given. How to fix: add columns.denominator: the source's column "
        "name (a rate needs unit_code, month, numerator and denominator)",
    ),
    "bad_identifier": (
        ("month: thang", 'month: "thang; DROP TABLE x"'),
        "{file}: indicator on_time_rate, field columns.month: 'thang; DROP TABLE x' is not a "
        "plain table or column name. How to fix: use letters, digits and _ only, starting "
        "with a letter; rename it in a view if needed",
    ),
    "freshness": (
        ("freshness_days: 36", "freshness_days: soon"),
        "{file}: indicator on_time_rate, field freshness_days: freshness_days is 'soon', not "
        "a positive whole number. How to fix: give the days after a month's end by which "
        "its figures are promised, e.g. 35",
    ),
    "both_sql_and_table": (
        ("table: chi_so_thang", "table: chi_so_thang\n    sql: SELECT 1"),
        "{file}: indicator on_time_rate, field sql: give either sql or table, exactly one of "
        "them. How to fix: keep sql for a query, or table for a table or view with a column "
        "mapping",
    ),
    "not_a_select": (
        ("table: chi_so_thang", "sql: DELETE FROM x"),
        "{file}: indicator on_time_rate, field sql: the SQL is not a single SELECT (or WITH … "
        "SELECT) query. How to fix: write one read-only query that starts with SELECT or WITH",
    ),
    "two_statements": (
        ("table: chi_so_thang", "sql: SELECT 1; DROP TABLE x"),
        "{file}: indicator on_time_rate, field sql: the SQL holds more than one statement. "
        "How to fix: keep one query, without ; inside it",
    ),
    "unknown_field": (
        ("freshness_days: 36", "freshness_days: 36\n    password: x"),
        "{file}: indicator on_time_rate, field password: this field is not part of the "
        "mapping format. How to fix: use only: breakdowns, columns, connection, crosswalk, "
        "crosswalk_file, filters, freshness_days, sql, table",
    ),
    "crosswalk_file_missing": (
        ("freshness_days: 36", "freshness_days: 36\n    crosswalk_file: nowhere.csv"),
        "{file}: indicator on_time_rate, field crosswalk_file: the crosswalk file "
        "{folder}/nowhere.csv cannot be read. How to fix: give a path relative to the "
        "mapping file, or an absolute path",
    ),
    "version": (
        ("version: 1", "version: 2"),
        "{file}: indicator —, field version: the version is 2, not 1. How to fix: write version: 1",
    ),
    "yaml": (
        ("columns: {", "columns: {{"),
        "{file}: indicator —, field —: the file is not valid YAML (near line 8). How to "
        "fix: check the indentation and quoting near that line",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_mapping_says_where_and_how_to_fix(case, tmp_path):
    (old, new), expected = MALFORMED[case]
    assert ENTRY.count(old) == 1
    path = write(tmp_path, ENTRY.replace(old, new))
    with pytest.raises(sources.MappingError) as raised:
        sources.load_mapping(path)
    message = raised.value.text("en")
    expected = expected.format(file=path, folder=tmp_path)
    if case == "unknown_indicator":
        assert message.startswith(expected) and "on_time_rate" in message
    else:
        assert message == expected
    assert raised.value.text("vi") != message  # and in Vietnamese


def test_the_vietnamese_message(tmp_path):
    path = write(tmp_path, ENTRY.replace("connection: city_dw", "connection: sqlite:///x.db"))
    with pytest.raises(sources.MappingError) as raised:
        sources.load_mapping(path)
    assert raised.value.text("vi") == (
        f"{path}: chỉ tiêu on_time_rate, mục connection: thiếu tên kết nối hoặc đã ghi một "
        "URL. Cách sửa: ghi tên kết nối (ví dụ city_dw) và đặt URL vào biến môi trường "
        "DASHBOARD_SOURCE_URL_<TÊN>, không bao giờ ghi vào tệp"
    )


def test_the_command_exits_2_on_a_malformed_mapping(tmp_path, capsys):
    path = write(tmp_path, ENTRY.replace("version: 1", "version: 2"))
    assert sources.main(["check", "--mapping", str(path), "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{path}: indicator —, field version: the version is 2, not 1. How to fix: write version: 1"
    )


def test_python_dash_m_runs_the_command(tmp_path):
    path = write(tmp_path, "not: [a mapping")
    done = subprocess.run(
        [sys.executable, "-m", "data_access.sources", "check", "--mapping", str(path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "không đúng cú pháp YAML" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_contract_result_has_its_messages(lang):
    values = {"connection": "c", "detail": "d", "rows": 1, "today": "2026-11-20"}
    values |= {"last": "2026-10", "days": 36, "late": 3}
    shown = [(code, passed, "") for code in sources.CONTRACTS for passed in (True, None)]
    shown += [(code, False, "") for code in sources.CONTRACTS if code != "columns"]
    shown += [("columns", False, variant) for variant in ("missing", "type", "query")]
    shown += [("reachable", False, "not_configured"), ("within_bounds", True, "value")]
    for code, passed, variant in shown:
        result = sources.ContractResult(code, passed, values=values, variant=variant)
        assert "{" not in result.message(lang), (code, passed, variant)


def test_an_sqlite_source_is_opened_read_only_even_with_odd_characters_in_its_path(tmp_path):
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    folder = tmp_path / "kho dữ liệu #1?"
    folder.mkdir()
    database = folder / "city.sqlite"
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (a INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    engine.dispose()
    reader = sources.read_only_engine(f"sqlite:///{database}")
    try:
        with reader.connect() as conn:
            assert conn.execute(text("SELECT a FROM t")).scalar() == 1
            with pytest.raises(OperationalError, match="readonly"):
                conn.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        reader.dispose()
