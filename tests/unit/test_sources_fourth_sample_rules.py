"""The declared-sources rules (``data_access.sources``) that the fourth sample (seed 20261203)
of the sampled mutation reading (README) found untested: a month given as text with a time,
the problem of breakdown filters that are not a mapping, the bounds of a rate (0 % and 100 %
are within them) and a count in a contract's message in the reader's format. No source
database: a table in memory or a mapping file written here, each expected value by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text

from data_access import sources
from tests.unit.test_sources_sampled_rules import TABLE_SOURCE

# --- a month given as text with a time --------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-03-15 08:00:00", "2026-03-15T08:00:00"])
def test_a_month_given_as_text_with_a_time_is_read_by_its_day(value: str) -> None:
    # Only the first ten characters, the day "2026-03-15", are read; the time is left out:
    # the text is a month (the columns contract's type check), March 2026, read as its first day.
    assert sources._is_month(value) is True
    assert sources._as_month(value) == dt.date(2026, 3, 1)


def test_text_that_is_no_day_is_no_month() -> None:
    # "15/03/2026" is not an ISO day (year first): not a month.
    assert sources._is_month("15/03/2026") is False


# --- breakdown filters that are not a mapping -------------------------------------------------


def test_breakdown_filters_that_are_a_list_are_refused_as_filters_shape(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "version: 1\nindicators:\n"
        "  online_dossier_share:\n    connection: city_dw\n    freshness_days: 36\n"
        "    sql: SELECT 1\n    breakdowns:\n      procedure:\n        table: ho_so\n"
        "        columns: {unit_code: ma_dv, month: thang, key: ma_tthc, label: ten_tthc,"
        " numerator: a, denominator: b}\n"
        "        filters: [loai]\n",
        encoding="utf-8",
    )
    with pytest.raises(sources.MappingError) as raised:
        sources.load_mapping(path)
    error = raised.value
    assert (error.indicator, error.field_name, error.problem) == (
        "online_dossier_share", "breakdowns.procedure.filters", "filters_shape"
    )  # fmt: skip
    # The problem's words (i18n/en/sources.json, sources_problem_filters_shape) in its message.
    assert "filters must map column names to plain values" in error.text("en")


# --- the bounds of a rate ---------------------------------------------------------------------

UNITS = {"P-1": "ward", "P-2": "ward"}
TODAY = dt.date(2026, 11, 20)


@contextlib.contextmanager
def _source_table(rows: list[tuple[str, str, float, float]]) -> Iterator[Connection]:
    """TABLE_SOURCE's table ``t`` in memory: one row (unit, month, numerator, denominator) each."""
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (ma TEXT, thang TEXT, dung_han REAL, tong REAL)"))
        conn.execute(
            text("INSERT INTO t VALUES (:u, :m, :n, :d)"),
            [{"u": u, "m": m, "n": n, "d": d} for u, m, n, d in rows],
        )
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def _within_bounds(rows: list[tuple[str, str, float, float]]) -> sources.ContractResult:
    with _source_table(rows) as conn:
        report = sources._contracts(conn, TABLE_SOURCE, UNITS, TODAY, ())
    return next(r for r in report.results if r.code == "within_bounds")


def test_a_rate_of_exactly_0_or_100_percent_is_within_bounds() -> None:
    # 7 of 7 = 100 %, 0 of 5 = 0 %, 6 of 9 ≈ 66.7 %: all three rows within 0–100 %.
    result = _within_bounds(
        [("P-1", "2026-09-01", 7, 7), ("P-1", "2026-10-01", 0, 5), ("P-2", "2026-10-01", 6, 9)]
    )
    assert (result.passed, result.checked, result.failing, result.examples) == (True, 3, 0, ())


def test_a_rate_just_above_100_percent_is_out_of_bounds() -> None:
    # P-2's October 100.0001 of 100 = 100.0001 %: 1 of the 3 rows out of bounds; P-1's 7 of 7
    # (100 %) and 0 of 5 (0 %) are within them.
    result = _within_bounds(
        [
            ("P-1", "2026-09-01", 7, 7),
            ("P-1", "2026-10-01", 0, 5),
            ("P-2", "2026-10-01", 100.0001, 100),
        ]
    )
    assert (result.passed, result.checked, result.failing) == (False, 3, 1)
    (example,) = result.examples
    assert example == "unit_code=P-2 month=2026-10-01 numerator=100.0001 denominator=100"


# --- a count in a contract's message ----------------------------------------------------------


def test_the_rows_of_unknown_units_are_counted_in_the_readers_format() -> None:
    # P-1 (a ward) reported 1 row; X-9 (no known unit) 1,234 rows: 1 of the 2 unit codes fails,
    # with its 1234 rows, written 1.234 in Vietnamese and 1,234 in English.
    rows = [("P-1", "2026-10-01", 1.0, 2.0)] + [("X-9", "2026-10-01", 1.0, 2.0)] * 1234
    with _source_table(rows) as conn:
        result = sources._unit_result(conn, TABLE_SOURCE, UNITS)
    assert (result.passed, result.checked, result.failing, result.values) == (
        False, 2, 1, {"rows": 1234}
    )  # fmt: skip
    assert result.message("vi") == (
        "1 trên 2 mã đơn vị (1.234 dòng) không đối chiếu được qua bảng đối chiếu mã với đơn vị "
        "đã biết của chỉ tiêu này: X-9"
    )
    assert result.message("en") == (
        "1 of 2 unit codes (1,234 rows) do not resolve through the crosswalk to a known unit of "
        "this indicator: X-9"
    )
