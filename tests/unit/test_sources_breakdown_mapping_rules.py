"""A declared breakdown in the mapping (``data_access.sources._breakdown``), the rules its
full mutation run (fifth reading, README) found unstated: each way a breakdown's declaration
can be malformed is refused with the whole message the data steward reads (file, indicator,
field, what is wrong, how to fix it, with the known dimensions, fields and roles listed), and a
valid declaration keeps exactly what it declares, an SQL breakdown naming its columns by their
roles by default. No database: the declarations are written here, each message by hand from
``i18n/en/sources.json`` and ``i18n/en/breakdowns.json``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access import sources

PATH = Path("/city/sources.yaml")
RATE = "online_dossier_share"  # a rate: numerator and denominator
AMOUNT = "grdp_current_prices"  # not a rate: a value (or a numerator)
TABLE_COLUMNS = {
    "unit_code": "ma_dv", "month": "thang", "key": "ma_tthc", "label": "ten_tthc",
    "numerator": "a", "denominator": "b",
}  # fmt: skip


def _message(entry: object, dimension: object = "procedure", code: str = RATE) -> str:
    with pytest.raises(sources.MappingError) as raised:
        sources._breakdown(PATH, code, dimension, entry)
    return raised.value.text("en")


def _says(indicator: str, field: str, problem: str, fix: str) -> str:
    return f"{PATH}: indicator {indicator}, field {field}: {problem}. How to fix: {fix}"


ROLES_FIX = "use only: unit_code, month, key, label, label_en, order, numerator, denominator, value"
IDENTIFIER_FIX = (
    "use letters, digits and _ only, starting with a letter; rename it in a view if needed"
)
MISSING_FIX = (
    "add columns.{role}: the source's column name (a breakdown needs unit_code, month, key, "
    "label and its figures: numerator and denominator for a rate, value for a count or an amount)"
)
SQL_OR_TABLE = (
    "give either sql or table, exactly one of them",
    "keep sql for a query, or table for a table or view with a column mapping",
)
NOT_A_SELECT = (
    "the SQL is not a single SELECT (or WITH … SELECT) query",
    "write one read-only query that starts with SELECT or WITH",
)
FILTERS_SHAPE = (
    "filters must map column names to plain values (text, number, true/false or null)",
    "e.g. filters: {indicator: on_time}",
)


def test_a_breakdown_the_pages_do_not_use_is_refused_with_the_ones_they_do() -> None:
    assert _message({"sql": "SELECT 1"}, dimension="district") == _says(
        RATE,
        "breakdowns.district",
        "this is not a breakdown the pages use",
        "use one of: procedure, sector",
    )


def test_a_breakdown_that_is_not_a_mapping_is_refused_at_its_dimension() -> None:
    assert _message("SELECT 1") == _says(
        RATE,
        "breakdowns.procedure",
        "breakdowns must map a breakdown (procedure, sector) to its declaration",
        'e.g. breakdowns: {procedure: {sql: "SELECT …"}}',
    )


def test_an_unknown_field_is_refused_by_its_first_name_with_the_fields_known() -> None:
    # "where" and "zz" are unknown; "where" comes first in alphabetical order.
    assert _message({"sql": "SELECT 1", "zz": 1, "where": "a = 1"}) == _says(
        RATE,
        "breakdowns.procedure.where",
        "this field is not part of the mapping format",
        "use only: attributes, columns, filters, sql, table",
    )


@pytest.mark.parametrize(
    "entry",
    [{"sql": "SELECT 1", "table": "ho_so", "columns": TABLE_COLUMNS}, {"columns": TABLE_COLUMNS}],
    ids=["both", "neither"],
)
def test_a_breakdown_gives_exactly_one_of_sql_and_table(entry: dict[str, object]) -> None:
    assert _message(entry) == _says(RATE, "breakdowns.procedure.sql", *SQL_OR_TABLE)


@pytest.mark.parametrize(
    "sql", ["DELETE FROM ho_so", "SELECTED FROM ho_so", "-- SELECT 1", 5], ids=str
)
def test_only_a_select_or_with_query_is_a_breakdowns_sql(sql: object) -> None:
    assert _message({"sql": sql}) == _says(RATE, "breakdowns.procedure.sql", *NOT_A_SELECT)


def test_a_breakdowns_sql_of_two_statements_is_refused() -> None:
    assert _message({"sql": "SELECT 1; DELETE FROM ho_so;"}) == _says(
        RATE,
        "breakdowns.procedure.sql",
        "the SQL holds more than one statement",
        "keep one query, without ; inside it",
    )


def test_filters_on_a_breakdowns_sql_are_refused() -> None:
    assert _message({"sql": "SELECT 1", "filters": {"loai": 1}}) == _says(
        RATE,
        "breakdowns.procedure.filters",
        "filters apply to a table, not to an SQL query",
        "write the condition into the query's WHERE clause",
    )


COLUMNS_SHAPE = (
    "columns must map roles to column names",
    "e.g. columns: {unit_code: ma_dv, month: thang, numerator: so_truc_tuyen, "
    "denominator: tong_so}",
)


@pytest.mark.parametrize(
    "entry",
    [{"table": "ho_so"}, {"table": "ho_so", "columns": ["ma_dv"]}, {"sql": "SELECT 1",
                                                                     "columns": "ma_dv"}],
    ids=["table-without-columns", "list", "text-with-sql"],
)  # fmt: skip
def test_a_breakdowns_columns_must_be_a_mapping(entry: dict[str, object]) -> None:
    assert _message(entry) == _says(RATE, "breakdowns.procedure.columns", *COLUMNS_SHAPE)


def test_a_column_role_that_is_none_is_refused_by_its_first_name() -> None:
    columns = TABLE_COLUMNS | {"zz": "c", "nhom": "d"}
    assert _message({"table": "ho_so", "columns": columns}) == _says(
        RATE, "breakdowns.procedure.columns.nhom", "this is not a column role", ROLES_FIX
    )


def test_a_column_that_is_not_a_plain_name_is_refused_at_its_role() -> None:
    columns = TABLE_COLUMNS | {"key": "ma tthc"}
    assert _message({"table": "ho_so", "columns": columns}) == _says(
        RATE,
        "breakdowns.procedure.columns.key",
        "'ma tthc' is not a plain table or column name",
        IDENTIFIER_FIX,
    )


def test_the_first_missing_role_of_a_rate_breakdown_is_named() -> None:
    # Needed in order: unit_code, month, key, label, numerator, denominator; key and
    # denominator are missing: key is named.
    columns = {k: v for k, v in TABLE_COLUMNS.items() if k not in ("key", "denominator")}
    assert _message({"table": "ho_so", "columns": columns}) == _says(
        RATE,
        "breakdowns.procedure.columns.key",
        "the breakdown's column for the role key is not given",
        MISSING_FIX.format(role="key"),
    )


def test_a_rate_breakdown_needs_its_denominator_even_with_a_value() -> None:
    columns = {k: v for k, v in TABLE_COLUMNS.items() if k != "denominator"} | {"value": "v"}
    assert _message({"table": "ho_so", "columns": columns}) == _says(
        RATE,
        "breakdowns.procedure.columns.denominator",
        "the breakdown's column for the role denominator is not given",
        MISSING_FIX.format(role="denominator"),
    )


def test_an_amount_breakdown_without_a_figure_is_told_to_give_a_value() -> None:
    columns = {"unit_code": "ma", "month": "thang", "key": "nganh", "label": "ten"}
    message = _message({"table": "grdp", "columns": columns}, dimension="sector", code=AMOUNT)
    assert message == _says(
        AMOUNT,
        "breakdowns.sector.columns.value",
        "the breakdown's column for the role value is not given",
        MISSING_FIX.format(role="value"),
    )


@pytest.mark.parametrize("filters", [["loai"], "loai = 1"], ids=["list", "text"])
def test_breakdown_filters_that_are_not_a_mapping_are_refused(filters: object) -> None:
    entry = {"table": "ho_so", "columns": TABLE_COLUMNS, "filters": filters}
    assert _message(entry) == _says(RATE, "breakdowns.procedure.filters", *FILTERS_SHAPE)


def test_a_breakdown_filter_of_a_mapping_is_refused_at_its_name() -> None:
    entry = {"table": "ho_so", "columns": TABLE_COLUMNS, "filters": {"loai": {"a": 1}}}
    assert _message(entry) == _says(RATE, "breakdowns.procedure.filters.loai", *FILTERS_SHAPE)


def test_a_breakdown_filter_name_that_is_not_plain_is_refused_at_it() -> None:
    entry = {"table": "ho_so", "columns": TABLE_COLUMNS, "filters": {"da xoa": 0}}
    assert _message(entry) == _says(
        RATE,
        "breakdowns.procedure.filters.da xoa",
        "'da xoa' is not a plain table or column name",
        IDENTIFIER_FIX,
    )


ATTRIBUTES_SHAPE = (
    "attributes must map attribute names to column names",
    "e.g. attributes: {online_availability: hinh_thuc_dvc}",
)


@pytest.mark.parametrize("attributes", [["nhom"], "nhom"], ids=["list", "text"])
def test_breakdown_attributes_that_are_not_a_mapping_are_refused(attributes: object) -> None:
    entry = {"table": "ho_so", "columns": TABLE_COLUMNS, "attributes": attributes}
    assert _message(entry) == _says(RATE, "breakdowns.procedure.attributes", *ATTRIBUTES_SHAPE)


def test_an_attribute_name_that_is_not_plain_is_refused_at_the_attributes() -> None:
    entry = {"table": "ho_so", "columns": TABLE_COLUMNS, "attributes": {"nhom tthc": "nhom"}}
    assert _message(entry) == _says(
        RATE,
        "breakdowns.procedure.attributes",
        "'nhom tthc' is not a plain table or column name",
        IDENTIFIER_FIX,
    )


def test_an_attributes_column_that_is_not_plain_is_refused_at_the_attribute() -> None:
    entry = {"table": "ho_so", "columns": TABLE_COLUMNS, "attributes": {"nhom": "nhom-tthc"}}
    assert _message(entry) == _says(
        RATE,
        "breakdowns.procedure.attributes.nhom",
        "'nhom-tthc' is not a plain table or column name",
        IDENTIFIER_FIX,
    )


# --- what a valid declaration keeps ------------------------------------------------------------


def test_a_table_breakdown_keeps_its_columns_filters_and_attributes() -> None:
    entry = {
        "table": "dw.ho_so",
        "columns": TABLE_COLUMNS | {"label_en": "ten_en", "order": "thu_tu"},
        "filters": {"loai": "x", "da_xoa": None, "nam": 2026, "mo": True, "ty_le": 0.5},
        "attributes": {"online_availability": "hinh_thuc", "group": "nhom"},
    }
    assert sources._breakdown(PATH, RATE, "procedure", entry) == sources.Breakdown(
        dimension="procedure",
        columns=TABLE_COLUMNS | {"label_en": "ten_en", "order": "thu_tu"},
        sql=None,
        table=sources.TableRef("ho_so", "dw"),
        filters={"loai": "x", "da_xoa": None, "nam": 2026, "mo": True, "ty_le": 0.5},
        attributes={"online_availability": "hinh_thuc", "group": "nhom"},
    )


@pytest.mark.parametrize(
    ("sql", "kept"),
    [
        ("  select * from ho_so;  ", "select * from ho_so"),
        ("\n WITH a AS (SELECT 1) SELECT * FROM a;", "WITH a AS (SELECT 1) SELECT * FROM a"),
    ],
    ids=["lower-case-select", "with"],
)
def test_a_rate_breakdowns_sql_names_its_columns_by_their_roles(sql: str, kept: str) -> None:
    # Without columns, a rate's breakdown yields its six needed roles under their own names;
    # the query is kept without its surrounding spaces and its final semicolon.
    roles = {
        "unit_code": "unit_code", "month": "month", "key": "key", "label": "label",
        "numerator": "numerator", "denominator": "denominator",
    }  # fmt: skip
    breakdown = sources._breakdown(PATH, RATE, "procedure", {"sql": sql})
    assert breakdown == sources.Breakdown(dimension="procedure", columns=roles, sql=kept)


def test_a_breakdowns_sql_columns_override_the_names_of_their_roles() -> None:
    entry = {"sql": "SELECT 1", "columns": {"label": "ten_tthc", "label_en": "ten_en"}}
    breakdown = sources._breakdown(PATH, RATE, "procedure", entry)
    assert breakdown.columns == {
        "unit_code": "unit_code", "month": "month", "key": "key", "label": "ten_tthc",
        "numerator": "numerator", "denominator": "denominator", "label_en": "ten_en",
    }  # fmt: skip


def test_an_amount_breakdowns_sql_yields_a_value_unless_it_names_a_numerator() -> None:
    four = {"unit_code": "unit_code", "month": "month", "key": "key", "label": "label"}
    by_value = sources._breakdown(PATH, AMOUNT, "sector", {"sql": "SELECT 1"})
    assert (by_value.dimension, by_value.columns) == ("sector", four | {"value": "value"})
    entry = {"sql": "SELECT 1", "columns": {"numerator": "gia_tri"}}
    by_numerator = sources._breakdown(PATH, AMOUNT, "sector", entry)
    assert by_numerator.columns == four | {"numerator": "gia_tri"}


def test_an_amount_breakdowns_sql_keeps_the_value_column_it_names() -> None:
    four = {"unit_code": "unit_code", "month": "month", "key": "key", "label": "label"}
    entry = {"sql": "SELECT 1", "columns": {"value": "gia_tri"}}
    breakdown = sources._breakdown(PATH, AMOUNT, "sector", entry)
    assert breakdown.columns == four | {"value": "gia_tri"}


def test_a_breakdowns_sql_ending_in_a_capital_x_is_kept_whole() -> None:
    # Only the final semicolon is taken off: the X of the table's name stays.
    breakdown = sources._breakdown(PATH, RATE, "procedure", {"sql": "SELECT * FROM HO_SO_X;"})
    assert breakdown.sql == "SELECT * FROM HO_SO_X"


def test_a_breakdowns_sql_with_a_statement_after_its_semicolon_is_refused() -> None:
    # "X" after the semicolon is a second statement, however short.
    assert _message({"sql": "SELECT * FROM ho_so;X"}) == _says(
        RATE,
        "breakdowns.procedure.sql",
        "the SQL holds more than one statement",
        "keep one query, without ; inside it",
    )


def test_a_breakdowns_table_of_three_parts_is_refused_with_its_file_and_indicator() -> None:
    entry = {"table": "a.b.c", "columns": TABLE_COLUMNS}
    assert _message(entry) == _says(
        RATE, "table", "'a.b.c' is not a plain table or column name", IDENTIFIER_FIX
    )
