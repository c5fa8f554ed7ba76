"""The declared-sources rules (``data_access.sources``) the sampled mutation reading (README)
found untested: where a malformed mapping is wrong (file, indicator, field and problem), a
declared breakdown read from a table with its attributes, a month's first day, the command's
name and the freshness contract's count. No source database: the mapping files are written
here, and each expected value by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data_access import sources

HEAD = "version: 1\nindicators:\n"
ONLINE = "  online_dossier_share:\n    connection: city_dw\n    freshness_days: 36\n"


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
