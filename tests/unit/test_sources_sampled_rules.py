"""The declared-sources rules (``data_access.sources``) the sampled mutation reading (README)
found untested: where a malformed mapping is wrong (file, indicator, field and problem), a
declared breakdown read from a table with its attributes, a month's first day, the command's
name and the freshness contract's count. No source database: the mapping files are written
here, and each expected value by hand.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import OperationalError

from data_access import sources
from tests.unit.procedure_breakdown import BREAKDOWN, HEAD, ONLINE, procedures_source


def _refused(tmp_path: Path, body: str) -> sources.MappingError:
    path = tmp_path / "sources.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(sources.MappingError) as raised:
        sources.load_mapping(path)
    assert raised.value.file == path
    return raised.value


@pytest.mark.parametrize(
    ("body", "indicator", "field", "problem"),
    [
        # An indicator's entry that is not a mapping.
        (HEAD + "  online_dossier_share: 5\n", "online_dossier_share", "", "entry_shape"),
        # Filters apply to a table, not to a query.
        (HEAD + ONLINE + "    sql: SELECT 1\n    filters: {a: 1}\n", "online_dossier_share",
         "filters", "filters_with_sql"),
        # Columns that are not a mapping.
        (HEAD + ONLINE + "    table: t\n    columns: [a, b]\n", "online_dossier_share",
         "columns", "columns_shape"),
        # Breakdowns that are not a mapping.
        (HEAD + ONLINE + "    sql: SELECT 1\n    breakdowns: 5\n", "online_dossier_share",
         "breakdowns", "breakdowns_shape"),
        # `indicators` that is not a mapping.
        ("version: 1\nindicators: [a]\n", "", "indicators", "top_shape"),
    ],
    ids=["entry", "filters-with-sql", "columns", "breakdowns", "indicators"],
)  # fmt: skip
def test_a_malformed_mapping_names_its_indicator_field_and_problem(
    tmp_path: Path, body: str, indicator: str, field: str, problem: str
) -> None:
    error = _refused(tmp_path, body)
    assert (error.indicator, error.field_name, error.problem) == (indicator, field, problem)


def test_a_breakdown_read_from_a_table_keeps_its_columns_and_attributes(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        HEAD
        + ONLINE
        + "    sql: SELECT 1\n    breakdowns:\n      procedure:\n        table: ho_so\n"
        "        columns: {unit_code: ma_dv, month: thang, key: ma_tthc, label: ten_tthc,"
        " numerator: a, denominator: b}\n        attributes: {nhom: nhom_tthc}\n",
        encoding="utf-8",
    )
    (source,) = sources.load_mapping(path).sources
    (breakdown,) = source.breakdowns
    assert breakdown.dimension == "procedure"
    assert breakdown.columns == {
        "unit_code": "ma_dv", "month": "thang", "key": "ma_tthc", "label": "ten_tthc",
        "numerator": "a", "denominator": "b",
    }  # fmt: skip
    assert breakdown.attributes == {"nhom": "nhom_tthc"}
    assert breakdown.table is not None and breakdown.table.name == "ho_so"


def test_a_month_is_read_as_its_first_day() -> None:
    assert sources._as_month(dt.date(2026, 3, 15)) == dt.date(2026, 3, 1)
    assert sources._as_month(dt.datetime(2026, 3, 15, 8, 0)) == dt.date(2026, 3, 1)
    assert sources._as_month("2026-03-15") == dt.date(2026, 3, 1)


def test_the_command_is_named_as_it_is_run() -> None:
    assert sources.parser().prog == "python -m data_access.sources"


def test_the_freshness_contract_checks_one_month() -> None:
    # October 2026's figures promised 36 days after its end: by 6 December. On 30 November
    # they are not late (late = 30 Nov − 6 Dec = −6 days): passed, 1 month checked, 0 failing.
    source = sources.Source(
        indicator="online_dossier_share", connection="city_dw", columns={},
        freshness_days=36, sql="SELECT 1",
    )  # fmt: skip
    result = sources._fresh_result(source, dt.date(2026, 10, 1), dt.date(2026, 11, 30))
    assert (result.passed, result.checked, result.failing) == (True, 1, 0)
    assert result.values == {"last": dt.date(2026, 10, 1), "days": 36, "late": -6}


def test_a_mapping_without_any_indicator_is_refused_at_indicators(tmp_path: Path) -> None:
    error = _refused(tmp_path, "version: 1\nindicators: {}\n")
    assert (error.indicator, error.field_name, error.problem) == ("", "indicators", "top_shape")


TABLE_SOURCE = sources.Source(
    indicator="online_dossier_share",
    connection="city_dw",
    columns={"unit_code": "ma", "month": "thang", "numerator": "dung_han", "denominator": "tong"},
    freshness_days=36,
    table=sources.TableRef("t", None),
)


@pytest.fixture
def city_table() -> Iterator[Connection]:
    """A source table in memory: P-1 reported September (3 of 4) and October 2026 (5 of
    6); P-2 reported October without a numerator."""
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (ma TEXT, thang TEXT, dung_han REAL, tong REAL)"))
        conn.execute(
            text("INSERT INTO t VALUES (:u, :m, :n, :d)"),
            [
                {"u": "P-1", "m": "2026-09-01", "n": 3, "d": 4},
                {"u": "P-1", "m": "2026-10-01", "n": 5, "d": 6},
                {"u": "P-2", "m": "2026-10-01", "n": None, "d": 7},
            ],
        )
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def test_a_source_without_the_promised_columns_fails_the_columns_contract(
    city_table: Connection,
) -> None:
    # Four columns promised; the table has ma and thang, not da_xong nor tong_so.
    source = sources.Source(
        indicator="online_dossier_share", connection="city_dw",
        columns={"unit_code": "ma", "month": "thang", "numerator": "da_xong",
                 "denominator": "tong_so"},
        freshness_days=36, table=sources.TableRef("t", None),
    )  # fmt: skip
    result = sources._columns_result(city_table, source)
    assert (result.code, result.passed, result.variant) == ("columns", False, "missing")
    assert (result.checked, result.failing, result.examples) == (4, 2, ("da_xong", "tong_so"))


def test_a_units_sums_are_floats_even_when_nothing_was_summed(city_table: Connection) -> None:
    found = sources.unit_sums(city_table, TABLE_SOURCE, 2026, dt.date(2026, 10, 1))
    # P-1: to October 3 + 5 = 8 of 4 + 6 = 10; to September 3 of 4; October reported.
    only = found.loc[found["unit_code"] == "P-1"]
    assert [tuple(r) for r in only.itertuples(index=False)] == [("P-1", 8.0, 10.0, 3.0, 4.0, True)]
    # Without P-1, only P-2 is left, whose one row has no numerator: a rate's row counts
    # only with both parts, so nothing is summed; the sums are still floats (NaN).
    city_table.execute(text("DELETE FROM t WHERE ma = 'P-1'"))
    found = sources.unit_sums(city_table, TABLE_SOURCE, 2026, dt.date(2026, 10, 1))
    amounts = ["numerator", "denominator", "numerator_previous", "denominator_previous"]
    assert [str(found[c].dtype) for c in amounts] == ["float64"] * 4
    assert math.isnan(found["numerator"].iloc[0])


def test_a_codes_month_sums_count_their_rows_as_whole_numbers(city_table: Connection) -> None:
    found = sources.unit_code_month_sums(city_table, TABLE_SOURCE, ["P-1"])
    # P-1: September 3 of 4 and October 5 of 6, one row each.
    assert found["numerator"].tolist() == [3.0, 5.0]
    assert found["n_rows"].tolist() == [1, 1] and found["n_expected"].tolist() == [1, 1]
    assert (str(found["n_rows"].dtype), str(found["n_expected"].dtype)) == ("int64", "int64")


def test_a_year_without_rows_gives_no_unit_with_the_sums_columns(city_table: Connection) -> None:
    found = sources.unit_sums(city_table, TABLE_SOURCE, 2025, dt.date(2025, 10, 1))
    assert found.empty
    assert list(found.columns) == ["unit_code", "numerator", "denominator",
                                   "numerator_previous", "denominator_previous",
                                   "is_reported"]  # fmt: skip


def test_a_sources_report_heads_with_its_last_month(tmp_path: Path) -> None:
    report = sources.SourceReport(
        "online_dossier_share", "city_dw", (), rows=3, last_month=dt.date(2026, 10, 1),
        query_seconds=0.5,
    )  # fmt: skip
    assert sources._report_lines(report, "en") == [
        "online_dossier_share (connection city_dw): 3 rows, last new month Oct 2026, query 0.50 s"
    ]
    assert sources._report_lines(report, "vi")[0].count("tháng 10/2026") == 1


def test_checking_a_mapping_reads_each_source_at_its_connections_url(tmp_path: Path) -> None:
    database = tmp_path / "city.sqlite"
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (ma TEXT, thang TEXT, dung_han REAL, tong REAL)"))
        conn.execute(text("INSERT INTO t VALUES ('P-1', '2026-10-01', 5, 6)"))
    engine.dispose()
    path = tmp_path / "sources.yaml"
    path.write_text(
        HEAD + ONLINE + "    table: t\n"
        "    columns: {unit_code: ma, month: thang, numerator: dung_han, denominator: tong}\n"
        '    crosswalk: {"P-1": "25747"}\n',
        encoding="utf-8",
    )
    mapping = sources.load_mapping(path)
    environ = {"DASHBOARD_SOURCE_URL_CITY_DW": f"sqlite:///{database}"}
    (report,) = sources.check_mapping(mapping, {"25747": "ward"}, environ, dt.date(2026, 11, 20))
    assert (report.indicator, report.connection, report.rows) == (
        "online_dossier_share", "city_dw", 1
    )  # fmt: skip
    assert report.results[0].code == "reachable" and report.results[0].passed is True


# --- found by the check sample (seed 20261201) of the sampled mutation reading --------------


def test_a_whole_number_float_is_shown_without_decimals() -> None:
    assert (sources._shown(3.0), sources._shown(2.5)) == ("3", "2.5")


def test_a_table_name_of_three_parts_is_no_identifier(tmp_path: Path) -> None:
    with pytest.raises(sources.MappingError) as raised:
        sources._table(tmp_path / "sources.yaml", "online_dossier_share", "a.b.c")
    assert (raised.value.field_name, raised.value.problem) == ("table", "identifier")


def test_a_cumulative_indicator_declares_no_breakdown(tmp_path: Path) -> None:
    # Disbursement is carried forward (cumulative): its parts cannot be summed by month.
    entry = {"breakdowns": {"sector": {"sql": "SELECT 1"}}}
    with pytest.raises(sources.MappingError) as raised:
        sources._breakdowns(tmp_path / "s.yaml", "public_investment_disbursement", entry)
    assert (raised.value.field_name, raised.value.problem) == (
        "breakdowns", "breakdowns_cumulative"
    )  # fmt: skip


def test_a_breakdown_filter_of_a_list_is_refused_at_its_name(tmp_path: Path) -> None:
    error = _refused(tmp_path, HEAD + ONLINE + BREAKDOWN + "        filters: {loai: [1, 2]}\n")
    assert (error.field_name, error.problem) == (
        "breakdowns.procedure.filters.loai", "filters_shape"
    )  # fmt: skip


def test_the_check_command_speaks_vietnamese_unless_asked() -> None:
    assert sources.parser().parse_args(["check"]).lang == "vi"


def test_the_check_command_names_the_mapping_file_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(HEAD + ONLINE + "    sql: SELECT 1\n", encoding="utf-8")
    monkeypatch.setattr(sources, "connection_url", lambda name, environ=None: "sqlite://")
    monkeypatch.setattr(sources, "known_units", lambda url: {})
    monkeypatch.setattr(sources, "check_mapping", lambda mapping, units: [])
    monkeypatch.setattr(sources, "check_breakdowns", lambda mapping, units: [])
    assert sources.main(["check", "--mapping", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Mapping {path}: 0 declared sources",
        "All 0 sources pass every contract.",
    ]


def test_a_month_after_this_one_fails_the_future_months_contract_by_its_rows(
    city_table: Connection,
) -> None:
    # On 15 September 2026 October is in the future: P-1's and P-2's October rows, 2 of 3.
    report = sources._contracts(
        city_table, TABLE_SOURCE, {"P-1": "ward", "P-2": "ward"}, dt.date(2026, 9, 15), ()
    )
    future = next(r for r in report.results if r.code == "no_future_months")
    assert (future.passed, future.checked, future.failing) == (False, 3, 2)


def test_a_failed_breakdown_is_told_by_its_first_failing_contract() -> None:
    report = sources.BreakdownReport(
        "procedure",
        sources.SourceReport(
            "online_dossier_share", "city_dw",
            (sources.ContractResult("reachable", True),
             sources.ContractResult("within_bounds", False, 4, 1, ("P-1 2026-10",))),
        ),
    )  # fmt: skip
    assert sources.breakdown_failure_text(report, "en") == (
        "The figures by administrative procedure cannot be shown: the data source fails the "
        "check “Numerator within denominator”: 1 of 4 rows have a numerator above the "
        "denominator or a negative figure (a rate outside 0–100%): P-1 2026-10."
    )


@pytest.fixture
def procedures(tmp_path: Path) -> tuple[sources.Source, str]:
    """A breakdown by procedure in an SQLite file: P-1 reported procedure P1 in September
    2026 (2 of 2) and October (3 of 4), and P2 in October (1 of 2)."""
    return procedures_source(tmp_path, (1, 2))


def test_one_parts_month_sums_are_that_parts_only(procedures: tuple[sources.Source, str]) -> None:
    source, url = procedures
    engine = create_engine(url)
    with engine.connect() as conn:
        found = sources.breakdown_month_sums(conn, source, "procedure", "P1")
    engine.dispose()
    # P1 only: September 2 of 2, October 3 of 4 (P2's 1 of 2 left out), one row each.
    assert [(r.unit_code, r.period_month.date(), r.numerator, r.denominator, r.n_rows)
            for r in found.itertuples()] == [
        ("P-1", dt.date(2026, 9, 1), 2.0, 2.0, 1), ("P-1", dt.date(2026, 10, 1), 3.0, 4.0, 1),
    ]  # fmt: skip


def test_a_breakdown_is_checked_by_its_own_contracts_in_order(
    procedures: tuple[sources.Source, str],
) -> None:
    source, url = procedures
    (breakdown,) = source.breakdowns
    found = sources.check_breakdown(source, breakdown, url, {"P-1": "ward"}, dt.date(2026, 11, 20))
    assert [(r.code, r.passed) for r in found.report.results] == [
        ("reachable", True), ("columns", True), ("units_known", True),
        ("one_row_per_unit_month_key", True), ("within_bounds", True),
        ("no_future_months", True),
    ]  # fmt: skip


def test_a_breakdown_whose_query_fails_fails_its_columns_contract(
    procedures: tuple[sources.Source, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, url = procedures

    def fails(conn: Connection, part: sources.Source) -> None:
        raise OperationalError("SELECT", {}, Exception("no such column: ma_dv\nsecond"))

    monkeypatch.setattr(sources, "_columns_result", fails)
    found = sources.check_breakdown(source, source.breakdowns[0], url, {}, dt.date(2026, 11, 20))
    columns = found.report.results[1]
    assert (columns.code, columns.passed, columns.variant) == ("columns", False, "query")
    assert (columns.failing, columns.examples) == (1, ("no such column: ma_dv",))


# --- found by the fourth sample (seed 20261203): breakdowns -----------------------------------


def test_a_breakdown_whose_values_have_the_wrong_type_fails_its_columns_contract(
    procedures: tuple[sources.Source, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value the check cannot read as a number fails ``columns`` (variant "type") with the
    error's first line as its example, and the contracts after it are skipped."""
    source, url = procedures

    def fails(conn: Connection, part: sources.Source) -> None:
        raise ValueError("could not convert string to float: 'mười'\nsecond line")

    monkeypatch.setattr(sources, "_columns_result", fails)
    found = sources.check_breakdown(source, source.breakdowns[0], url, {}, dt.date(2026, 11, 20))
    columns = found.report.results[1]
    assert (columns.code, columns.passed, columns.variant) == ("columns", False, "type")
    assert (columns.failing, columns.examples) == (
        1,
        ("could not convert string to float: 'mười'",),
    )
    assert [r.passed for r in found.report.results[2:]] == [None, None, None, None]


def test_a_breakdowns_unit_sums_without_any_denominator_are_nan_floats(
    procedures: tuple[sources.Source, str],
) -> None:
    """No denominator in the months summed: the sums are NaN as floats (the database
    returns NULL for each), not Python ``None`` objects; a row without its denominator
    counts in neither sum (the pair is read together)."""
    source, url = procedures
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ho_so SET b = NULL"))
    with engine.connect() as conn:
        found = sources.breakdown_unit_sums(conn, source, "procedure", 2026, dt.date(2026, 10, 1))
    engine.dispose()
    found = found.sort_values("code").reset_index(drop=True)
    # P1: September and October, 2 rows; P2: October, 1 row; no sum without denominators.
    assert list(found["code"]) == ["P1", "P2"]
    assert list(found["n_rows"]) == [2, 1]
    for column in ("numerator", "denominator"):
        assert str(found[column].dtype) == "float64", column
        assert found[column].isna().all(), column


# --- found by the third sample (seed 20261202) of the sampled mutation reading --------------


def test_the_check_command_says_what_it_does_in_its_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    help_text = " ".join(sources.parser().format_help().split())
    assert "check run every contract on every declared source" in help_text


def test_a_table_given_as_a_mapping_is_read_by_its_name_and_schema(tmp_path: Path) -> None:
    path, code = tmp_path / "sources.yaml", "online_dossier_share"
    assert sources._table(path, code, {"name": "ho_so", "schema": "dw"}) == sources.TableRef(
        "ho_so", "dw"
    )
    assert sources._table(path, code, {"name": "ho_so"}) == sources.TableRef("ho_so", None)
    # A key beside name and schema, no name, or a list naming "name": no table.
    for raw in ({"name": "ho_so", "owner": "x"}, {"schema": "dw"}, ["name"]):
        with pytest.raises(sources.MappingError) as raised:
            sources._table(path, code, raw)
        assert (raised.value.field_name, raised.value.problem) == ("table", "table_shape")


def test_only_a_figure_or_nothing_is_a_number() -> None:
    assert [sources._is_number(v) for v in (None, 3, 2.5, Decimal("1.5"))] == [True] * 4
    # Text, even of digits, a flag and a date are not.
    assert [sources._is_number(v) for v in ("3", True, dt.date(2026, 10, 1))] == [False] * 3


def test_the_one_row_contract_counts_the_rows_it_checked(city_table: Connection) -> None:
    # Without P-2, P-1's two rows (September and October 2026), one per month: passed,
    # 2 checked, 0 failing.
    city_table.execute(text("DELETE FROM t WHERE ma = 'P-2'"))
    report = sources._contracts(
        city_table, TABLE_SOURCE, {"P-1": "ward"}, dt.date(2026, 11, 20), ()
    )
    one_row = next(r for r in report.results if r.code == "one_row_per_unit_month")
    assert (one_row.passed, one_row.checked, one_row.failing) == (True, 2, 0)


def test_a_source_without_a_connection_url_is_unreachable_and_nothing_else_is_run() -> None:
    report = sources.check_source(TABLE_SOURCE, None, {}, dt.date(2026, 11, 20))
    assert (report.indicator, report.connection, report.passed) == (
        "online_dossier_share", "city_dw", False
    )  # fmt: skip
    assert [(r.code, r.passed) for r in report.results] == [
        ("reachable", False), ("columns", None), ("units_known", None),
        ("one_row_per_unit_month", None), ("within_bounds", None), ("no_future_months", None),
        ("fresh", None),
    ]  # fmt: skip
    assert report.results[0].variant == "not_configured"
    assert report.results[0].values == {
        "connection": "city_dw", "detail": "DASHBOARD_SOURCE_URL_CITY_DW"
    }  # fmt: skip


def test_a_breakdown_filter_with_a_bad_name_is_refused_at_that_name(tmp_path: Path) -> None:
    error = _refused(tmp_path, HEAD + ONLINE + BREAKDOWN + "        filters: {loai-x: 1}\n")
    assert (error.field_name, error.problem) == (
        "breakdowns.procedure.filters.loai-x", "identifier"
    )  # fmt: skip


def test_a_breakdowns_parts_are_named_in_english_by_the_label_without_label_en(
    procedures: tuple[sources.Source, str],
) -> None:
    source, url = procedures
    engine = create_engine(url)
    with engine.connect() as conn:
        parts = sources.breakdown_parts(conn, source, "procedure")
    engine.dispose()
    # The key is the label here (ten_tthc = ma_tthc): P1 and P2, in key order.
    assert parts["code"].tolist() == ["P1", "P2"]
    assert parts["name_vi"].tolist() == ["P1", "P2"]
    assert parts["name_en"].tolist() == ["P1", "P2"]


def test_a_breakdowns_parts_are_named_in_english_by_label_en(tmp_path: Path) -> None:
    database = tmp_path / "city.sqlite"
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE ho_so (ma_dv TEXT, thang TEXT, ma_tthc TEXT, "
                          "ten_tthc TEXT, ten_en TEXT, a REAL, b REAL)"))  # fmt: skip
        conn.execute(
            text("INSERT INTO ho_so VALUES ('P-1', '2026-10-01', 'P1', 'Cấp phép', "
                 "'Licensing', 1, 2)")
        )  # fmt: skip
    path = tmp_path / "sources.yaml"
    path.write_text(
        HEAD + ONLINE + BREAKDOWN.replace("label: ten_tthc,", "label: ten_tthc, label_en: ten_en,"),
        encoding="utf-8",
    )
    (source,) = sources.load_mapping(path).sources
    with engine.connect() as conn:
        parts = sources.breakdown_parts(conn, source, "procedure")
    engine.dispose()
    assert (parts["name_vi"].tolist(), parts["name_en"].tolist()) == (["Cấp phép"], ["Licensing"])


def test_a_breakdowns_year_sums_are_per_year_and_part(
    procedures: tuple[sources.Source, str],
) -> None:
    source, url = procedures
    engine = create_engine(url)
    with engine.connect() as conn:
        found = sources.breakdown_year_sums(conn, source, "procedure")
    engine.dispose()
    # 2026: P1 numerators 2 (September) + 3 (October) = 5 over 2 months; P2 1 over 1 month.
    assert sorted(found.itertuples(index=False, name=None)) == [
        ("P-1", 2026, "P1", 5.0, 2), ("P-1", 2026, "P2", 1.0, 1),
    ]  # fmt: skip


CUMULATIVE = """version: 1
indicators:
  public_investment_disbursement:
    connection: tiny
    freshness_days: 36
    table: bao_cao
    columns: {unit_code: ma, year: nam, month: ngay, numerator: luy_ke, denominator: ke_hoach}
"""


@pytest.fixture
def investors(tmp_path: Path) -> Iterator[tuple[sources.Source, Connection]]:
    """Plan year 2026: investor A reported January (10 of a plan of 100) and February (25);
    B reported January only (5 of 50), so its February is carried, not reported."""
    engine = create_engine(f"sqlite:///{tmp_path / 'tiny.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bao_cao (ma TEXT, nam INTEGER, ngay DATE, "
                          "luy_ke REAL, ke_hoach REAL)"))  # fmt: skip
        conn.execute(
            text("INSERT INTO bao_cao VALUES (:ma, 2026, :ngay, :luy_ke, :ke_hoach)"),
            [
                {"ma": "A", "ngay": "2026-01-31", "luy_ke": 10.0, "ke_hoach": 100.0},
                {"ma": "A", "ngay": "2026-02-28", "luy_ke": 25.0, "ke_hoach": 100.0},
                {"ma": "B", "ngay": "2026-01-31", "luy_ke": 5.0, "ke_hoach": 50.0},
            ],
        )
    path = tmp_path / "sources.yaml"
    path.write_text(CUMULATIVE, encoding="utf-8")
    (source,) = sources.load_mapping(path).sources
    with engine.connect() as conn:
        yield source, conn
    engine.dispose()


def test_a_cumulative_units_report_of_the_month_is_a_flag(
    investors: tuple[sources.Source, Connection],
) -> None:
    source, conn = investors
    found = sources.cumulative_unit_sums(conn, source, 2026, dt.date(2026, 2, 1))
    # February: A reported 25 of 100 (January 10 of 100); B's January 5 of 50 carried.
    assert sorted(found.itertuples(index=False, name=None)) == [
        ("A", 25.0, 100.0, 10.0, 100.0, True), ("B", 5.0, 50.0, 5.0, 50.0, False),
    ]  # fmt: skip
    assert found["is_reported"].dtype == bool


def test_a_cumulative_codes_month_sums_expect_one_row_a_month(
    investors: tuple[sources.Source, Connection],
) -> None:
    source, conn = investors
    found = sources.unit_code_month_sums(conn, source, ["A", "B"])
    # One row per investor and month of plan year 2026; B's February carried (0 rows).
    got = [
        (r.unit_code, r.period_year, r.period_month.date(), r.numerator, r.denominator,
         r.n_rows, r.n_expected)
        for r in found.itertuples()
    ]  # fmt: skip
    assert sorted(got) == [
        ("A", 2026, dt.date(2026, 1, 1), 10.0, 100.0, 1, 1),
        ("A", 2026, dt.date(2026, 2, 1), 25.0, 100.0, 1, 1),
        ("B", 2026, dt.date(2026, 1, 1), 5.0, 50.0, 1, 1),
        ("B", 2026, dt.date(2026, 2, 1), 5.0, 50.0, 0, 1),
    ]


SQL_BREAKDOWN = "    sql: SELECT 1\n    breakdowns:\n      procedure:\n        sql: |\n"


def test_a_breakdown_given_as_a_select_is_read_and_any_other_statement_refused(
    tmp_path: Path,
) -> None:
    select = "          SELECT ma_dv AS unit_code, thang AS month, ma_tthc AS key,\n"
    select += "                 ten_tthc AS label, a AS numerator, b AS denominator FROM ho_so\n"
    path = tmp_path / "sources.yaml"
    path.write_text(HEAD + ONLINE + SQL_BREAKDOWN + select, encoding="utf-8")
    (source,) = sources.load_mapping(path).sources
    (breakdown,) = source.breakdowns
    assert breakdown.sql is not None and breakdown.sql.startswith("SELECT ma_dv AS unit_code")
    error = _refused(tmp_path, HEAD + ONLINE + SQL_BREAKDOWN + "          DELETE FROM ho_so\n")
    assert (error.field_name, error.problem) == ("breakdowns.procedure.sql", "sql_select")
