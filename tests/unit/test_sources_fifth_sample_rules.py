"""The declared-sources rules (``data_access.sources``) that the fifth sample (seed 20261204)
of the sampled mutation reading (README) found untested, written after the sample was
measured: a breakdown's negative denominator without a numerator is out of bounds, a
breakdown's block in the check command, a source that gave no month is stale, a figure
without a value column is named, a source whose query fails, the health of the mapping file
given, a missing mapping file and the command's help. Tiny SQLite files and mapping files
written here; each expected value by hand (messages from ``i18n/en/sources.json``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access import sources
from tests.unit.procedure_breakdown import BREAKDOWN, HEAD, ONLINE, procedures_source

TODAY = dt.date(2026, 11, 20)

# --- a breakdown's negative denominator without a numerator ----------------------------------


def test_a_breakdowns_negative_denominator_without_a_numerator_is_out_of_bounds(
    tmp_path: Path,
) -> None:
    source, url = procedures_source(tmp_path, (None, -2))
    (breakdown,) = source.breakdowns
    found = sources.check_breakdown(source, breakdown, url, {"P-1": "ward"}, TODAY)
    bounds = next(r for r in found.report.results if r.code == "within_bounds")
    # P2's October: no numerator and a denominator of −2, below 0: 1 of the 3 rows out of
    # bounds; P1's 2 of 2 and 3 of 4 are within them.
    assert (bounds.passed, bounds.checked, bounds.failing) == (False, 3, 1)
    assert bounds.examples == (
        "unit_code=P-1 month=2026-10-01 key=P2 numerator=None denominator=-2",
    )


# --- a breakdown's block in the check command -------------------------------------------------


def test_a_breakdowns_block_is_headed_by_its_indicator_and_dimension() -> None:
    report = sources.BreakdownReport(
        "procedure",
        sources.SourceReport(
            "online_dossier_share", "city_dw",
            (sources.ContractResult("reachable", True, values={"connection": "city_dw"}),),
            rows=3, last_month=dt.date(2026, 10, 1), query_seconds=0.5,
        ),
    )  # fmt: skip
    assert sources._breakdown_lines(report, "en") == [
        "online_dossier_share:procedure (connection city_dw): 3 rows, last new month Oct 2026, "
        "query 0.50 s",
        "  PASS reachable: connection city_dw answers",
    ]


def test_the_check_command_prints_each_breakdowns_block_and_names_it_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(HEAD + ONLINE + BREAKDOWN, encoding="utf-8")
    part = sources.BreakdownReport(
        "procedure",
        sources.SourceReport(
            "online_dossier_share", "city_dw",
            (sources.ContractResult("reachable", False,
                                    values={"connection": "city_dw", "detail": "no such host"}),),
        ),
    )  # fmt: skip
    monkeypatch.setattr(sources, "connection_url", lambda name, environ=None: "sqlite://")
    monkeypatch.setattr(sources, "known_units", lambda url: {})
    monkeypatch.setattr(sources, "check_mapping", lambda mapping, units: [])
    monkeypatch.setattr(sources, "check_breakdowns", lambda mapping, units: [part])
    assert sources.main(["check", "--mapping", str(path), "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"Mapping {path}: 0 declared sources",
        "online_dossier_share:procedure (connection city_dw): — rows, last new month —, query — s",
        "  FAIL reachable: the source cannot be reached through connection city_dw: no such host",
        "1 sources fail their contracts: online_dossier_share:procedure",
    ]


# --- a source that gave no month ------------------------------------------------------------


def test_a_source_that_gave_no_month_is_stale() -> None:
    source = sources.Source(
        indicator="online_dossier_share", connection="city_dw", columns={},
        freshness_days=36, sql="SELECT 1",
    )  # fmt: skip
    result = sources._fresh_result(source, None, TODAY)
    assert (result.code, result.passed) == ("fresh", False)
    assert result.message("en") == (
        "stale: last month —, promised within 36 days of a month's end, — late"
    )


# --- a figure without a value column ----------------------------------------------------------


def test_a_count_without_a_numerator_or_value_column_is_told_to_give_the_value(
    tmp_path: Path,
) -> None:
    # GRDP is an amount, not a rate: unit code and month are given, no figure.
    path = tmp_path / "sources.yaml"
    path.write_text(
        HEAD + "  grdp_current_prices:\n    connection: city_dw\n    freshness_days: 120\n"
        "    table: grdp\n    columns: {unit_code: ma, month: thang}\n",
        encoding="utf-8",
    )
    with pytest.raises(sources.MappingError) as raised:
        sources.load_mapping(path)
    assert raised.value.text("en") == (
        f"{path}: indicator grdp_current_prices, field columns.value: the column for the role "
        "value is not given. How to fix: add columns.value: the source's column name (a rate "
        "needs unit_code, month, numerator and denominator)"
    )


# --- a source whose query fails ---------------------------------------------------------------


def test_a_source_whose_query_fails_fails_its_columns_contract_with_the_error(
    tmp_path: Path,
) -> None:
    database = tmp_path / "city.sqlite"
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as conn:  # the database exists; the declared query's table does not
        conn.execute(text("CREATE TABLE somewhere (a INTEGER)"))
    engine.dispose()
    source = sources.Source(
        indicator="online_dossier_share", connection="city_dw", columns={
            "unit_code": "unit_code", "month": "month", "numerator": "numerator",
            "denominator": "denominator"},
        freshness_days=36, sql="SELECT * FROM nowhere",
    )  # fmt: skip
    report = sources.check_source(source, f"sqlite:///{database}", {}, TODAY)
    reachable, columns, *rest = report.results
    assert (reachable.code, reachable.passed) == ("reachable", True)
    assert (columns.code, columns.passed, columns.variant) == ("columns", False, "query")
    assert (columns.checked, columns.failing) == (0, 1)
    assert columns.message("en") == ("the declared query cannot be run: no such table: nowhere")
    assert [r.passed for r in rest] == [None] * len(rest)  # not checked after it


# --- the health of the mapping file given -----------------------------------------------------


def test_the_health_check_reads_the_mapping_file_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The setting names another file (with a different source): the one given is read.
    given = tmp_path / "given.yaml"
    given.write_text(HEAD + ONLINE + "    sql: SELECT 1\n", encoding="utf-8")
    configured = tmp_path / "configured.yaml"
    configured.write_text(
        HEAD + ONLINE.replace("city_dw", "other_dw") + "    sql: SELECT 1\n", encoding="utf-8"
    )
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(configured))
    monkeypatch.setattr(sources, "known_units", lambda url: {})
    environ = {sources.SOURCE_URL_PREFIX + sources.HOME_CONNECTION.upper(): "sqlite://"}
    health = sources.check_health(given, environ, TODAY)
    assert health.path == given
    (report,) = health.reports
    assert report.connection == "city_dw"


# --- a missing mapping file and the command's help --------------------------------------------


def test_a_missing_mapping_file_is_refused_without_an_indicator_or_field(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(sources.MappingError) as raised:
        sources.load_mapping(path)
    error = raised.value
    assert (error.indicator, error.field_name, error.problem) == ("", "", "file_missing")


def test_the_check_commands_help_says_where_the_mapping_comes_from(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        sources.parser().parse_args(["check", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert (
        "--mapping FILE the mapping file (default: $DASHBOARD_SOURCES_FILE, else "
        "data_access/sources.yaml)"
    ) in help_text


# --- a cumulative scope with no source code ---------------------------------------------------


def test_a_cumulative_scope_without_any_code_sums_nothing_with_the_sums_types() -> None:
    # No source code in the scope: no row, and the columns keep their types (the figures
    # float, the counts whole numbers), as for a scope with figures.
    source = sources.Source(
        indicator="public_investment_disbursement", connection="tiny",
        columns={"unit_code": "ma", "year": "nam", "month": "ngay", "numerator": "luy_ke",
                 "denominator": "ke_hoach"},
        freshness_days=36, table=sources.TableRef("bao_cao"),
    )  # fmt: skip
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        found = sources.cumulative_group_sums(conn, source, {})
    engine.dispose()
    assert found.empty
    assert list(found.columns) == sources.CUMULATIVE_GROUP_SUMS
    figures = ["period_year", "numerator", "denominator", "n_reported", "n_expected"]
    assert [str(found[column].dtype) for column in figures] == [
        "int64", "float64", "float64", "int64", "int64"
    ]  # fmt: skip


# --- the city's monthly series of a rate ------------------------------------------------------


def test_a_rates_city_series_sums_both_parts_of_each_complete_row() -> None:
    # P-1: September 3 of 4, October 5 of 6; P-2: October 7 dossiers without a numerator (a
    # rate's row counts only with both parts). September 3/4 = 75 %; October 5/6 = 83.33 %
    # (P-2's row is counted among the rows, not in the sums).
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
    source = sources.Source(
        indicator="online_dossier_share", connection="city_dw",
        columns={"unit_code": "ma", "month": "thang", "numerator": "dung_han",
                 "denominator": "tong"},
        freshness_days=36, table=sources.TableRef("t"),
    )  # fmt: skip
    with engine.connect() as conn:
        found = sources.city_series(conn, source)
    engine.dispose()
    assert [m.date() for m in found["period_month"]] == [dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    assert found["numerator"].tolist() == [3.0, 5.0]
    assert found["denominator"].tolist() == [4.0, 6.0]
    assert found["value"].round(2).tolist() == [75.0, 83.33]
    assert found["n_rows"].tolist() == [1, 2]
