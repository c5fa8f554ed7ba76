"""`python -m data_access.backtest`, the rules of what it prints: the replay table and its
rule comparison, each refusal's hint, the replay run's header and blocks, the warehouse
error's first line and the command line's options. The warehouse, the series and the replay
are stood in for; every expected text is written out by hand."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Connection, create_engine
from sqlalchemy.exc import OperationalError

from data_access import backtest as cli
from data_access import queries
from data_access.engine import WarehouseState
from metrics.backtest import BacktestSummary, MethodScore
from metrics.registry import Indicator
from metrics.replay import ReplayScore

URL = "sqlite:////tmp/nowhere/warehouse.sqlite"
CODE = "online_dossier_share"

# A replay frame by hand: the method in use and the seasonal rule (seasonal_profile) at the
# same two origins, and one more origin of the method in use without a projection.
#   in use:  2023 central 50 for 52 (error -2), 2024 central 61 for 60 (error +1)
#   rule:    2023 central 55 for 52 (error +3), 2024 central 60.5 for 60 (error +0.5)
# MAE in use on the common origins (2 + 1) / 2 = 1.5, rule (3 + 0.5) / 2 = 1.75.
NAN = math.nan
FRAME = pd.DataFrame(
    {
        "method": ["in_use", "in_use", "in_use", "seasonal_profile", "seasonal_profile"],
        "used": ["model", "model", "model", "model", "model"],
        "year": [2023, 2024, 2025, 2023, 2024],
        "day": ["2023-06-30", "2024-06-30", "2025-06-30", "2023-06-30", "2024-06-30"],
        "central": [50.0, 61.0, NAN, 55.0, 60.5],
        "actual": [52.0, 60.0, 70.0, 52.0, 60.0],
        # in use, 2023: 52 outside [49, 51], inside [48, 53] and [40, 60]; 2024 inside all.
        "lower_50": [49.0, 59.0, NAN, 54.0, 60.0],
        "upper_50": [51.0, 62.0, NAN, 56.0, 61.0],
        "lower_80": [48.0, 58.0, NAN, 50.0, 59.0],
        "upper_80": [53.0, 63.0, NAN, 60.0, 62.0],
        "lower_95": [40.0, 50.0, NAN, 40.0, 50.0],
        "upper_95": [60.0, 70.0, NAN, 70.0, 70.0],
        "probability": [NAN] * 5,
        "target": [NAN] * 5,
        "comparator": [">="] * 5,
    }
)


def test_the_rule_comparison_reads_the_common_origins_of_the_method_in_use_and_the_rule() -> None:
    assert cli.replay_rule_comparison(FRAME) == (2, 1.5, 1.75)


def test_a_replay_block_prints_its_title_table_origins_without_projection_and_rule_line() -> None:
    lines = cli.format_replay(CODE, FRAME).splitlines()
    assert lines[0] == "online_dossier_share (Online dossier share): real-time replay"
    # in use: 2 projected origins, 2023–2024, MAE 1.50, bias (-2 + 1) / 2 = -0.50;
    # cover 50 % 1 of 2, 80 % and 95 % 2 of 2; no probability, so no Brier score.
    assert lines[2].split() == ["in_use", "2", "2023–2024", "1.50", "-0.50", "50%", "100%",
                                "100%", "—"]  # fmt: skip
    assert "  1 origins without a projection (too little history: the tile says so)" in lines
    assert lines[-1] == (
        "  on the 2 origins where the seasonal rule could forecast: MAE in use 1.50 pp, "
        "rule 1.75 pp"
    )
    markdown = cli.format_replay(CODE, FRAME, markdown=True).splitlines()
    assert markdown[0] == "### online_dossier_share (Online dossier share): real-time replay"
    assert markdown[1].startswith("| method | n | years |")


def test_a_replay_row_and_a_row_without_projection() -> None:
    score = ReplayScore(
        method="in_use", n=3, n_without=0, mae=1.255, bias=0.25, coverage_50=0.625,
        coverage_80=0.8, coverage_95=1.0, brier=0.1234, n_brier=3, years=(2022, 2023, 2024),
    )  # fmt: skip
    # 1.255 → 1.26 (halves up); +0.25; 62.5 % → 63 %; Brier 0.1234 → 0.123 over 3.
    assert cli.replay_cells(score) == [
        "in_use", "3", "2022–2024", "1.26", "+0.25", "63%", "80%", "100%", "0.123 (3)",
    ]  # fmt: skip
    none = ReplayScore("drift", 0, 4, NAN, NAN, NAN, NAN, NAN, None, 0, ())
    assert cli.replay_cells(none) == ["drift", "0", "—", "—", "—", "—", "—", "—", "—"]


@pytest.mark.parametrize(
    ("state", "detail", "tail"),
    [
        (WarehouseState.MISSING_FILE, "",
         "missing_file; build it with `python -m demo` or set DASHBOARD_DB_URL"),
        (WarehouseState.UNREACHABLE, "refused",
         "unreachable (refused); check that the server is running and the URL is right"),
        (WarehouseState.NOT_MIGRATED, "",
         "not_migrated; run `python -m data_access.migrate` first"),
        (WarehouseState.EMPTY, "",
         "empty; load data first (or `python -m demo` for the demo data)"),
    ],
)  # fmt: skip
def test_each_warehouse_that_cannot_be_read_gets_its_hint_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    state: WarehouseState,
    detail: str,
    tail: str,
) -> None:
    monkeypatch.setenv("DASHBOARD_DB_URL", URL)
    monkeypatch.setattr(cli, "inspect_warehouse", lambda url: (state, detail))
    assert cli.main([]) == 1
    assert capsys.readouterr().err == (
        f"error: the warehouse at {URL} cannot be backtested: {tail}\n"
    )


@pytest.fixture
def ready(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """A ready warehouse of no rows; the series and the replay stood in for (calls kept)."""
    monkeypatch.setenv("DASHBOARD_DB_URL", URL)
    monkeypatch.setattr(cli, "inspect_warehouse", lambda url: (WarehouseState.READY, ""))
    monkeypatch.setattr(cli, "make_engine", lambda url: create_engine("sqlite://"))
    series = pd.DataFrame({"period": []})
    monkeypatch.setattr(queries, "scope_series", lambda conn, code: series)
    calls: list[tuple[object, ...]] = []

    def replay_frame(conn: Connection, code: str, final: pd.DataFrame) -> pd.DataFrame:
        calls.append((type(conn).__name__, code, final is series))
        return FRAME

    monkeypatch.setattr(cli, "replay_frame", replay_frame)
    return calls


def test_a_replay_run_prints_its_header_and_one_block_per_indicator(
    ready: list[tuple[object, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--replay", "--indicator", CODE, "--indicator", "on_time_rate"]
    assert cli.main(argv) == 0
    assert ready == [("Connection", CODE, True), ("Connection", "on_time_rate", True)]
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"Real-time replay of the projections on {URL} (whole city)"
    assert lines[1] == (
        "Origins: the end of every month of every past year, with the figures as they "
        "stood that day (the app's as_of); truth: the year's value at the judgement date. "
        "in_use = what the app showed; the others: each method's own projection. MAE and "
        "bias in percentage points (bias = forecast − actual); cover = share of origins "
        "whose actual value lay in the interval; Brier score of P(target)."
    )
    assert lines[2] == ""
    assert lines[3] == "online_dossier_share (Online dossier share): real-time replay"
    # The two blocks are separated by one empty line.
    second = lines.index("on_time_rate (Dossiers resolved on time): real-time replay")
    assert lines[second - 1] == ""
    assert lines[second - 2].startswith("  on the 2 origins")
    assert lines[-1].startswith("(2 indicators in ")


def test_a_warehouse_error_is_told_by_its_cause_first_line(
    ready: list[tuple[object, ...]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fails(conn: Connection, code: str) -> pd.DataFrame:
        cause = sqlite3.OperationalError("database is locked\nsecond line")
        raise OperationalError("SELECT 1", {}, cause)

    monkeypatch.setattr(queries, "scope_series", fails)
    assert cli.main(["--indicator", CODE]) == 1
    assert capsys.readouterr().err == (
        f"error: cannot read the warehouse at {URL}: database is locked\n"
    )


def test_the_command_line_names_its_program_options_and_help() -> None:
    parser = cli.parser()
    assert parser.prog == "python -m data_access.backtest"
    assert parser.description == (
        "Rolling-origin backtest of the forecasting methods on the configured warehouse "
        "(DASHBOARD_DB_URL, else the embedded demo warehouse), whole city."
    )
    indicator = next(a for a in parser._actions if a.dest == "indicator")
    assert indicator.metavar == "CODE"
    assert indicator.help == (
        "an indicator to backtest (repeatable; default: the four headline indicators)"
    )
    assert parser.parse_args(["--markdown"]).markdown is True
    assert parser.parse_args([]).markdown is False


# --- found by the check sample (seed 20261201) of the sampled mutation reading --------------

DRIFT = MethodScore(
    method="drift", model="drift", n_origins=24, mae=1.5, bias=-0.25, coverage_50=0.5,
    coverage_80=0.75, coverage_95=1.0, brier=None, n_brier=0,
)  # fmt: skip


def test_a_markdown_table_has_its_header_separator_and_rows() -> None:
    table = cli._table([["a", "1"], ["bb", "22"]], True, header=["x", "y"])
    assert table == "| x | y |\n|---|---|\n| a | 1 |\n| bb | 22 |"


def test_disbursement_gets_a_second_table_for_its_value_at_31_january() -> None:
    summary = BacktestSummary(
        "public_investment_disbursement", "year_end", (2023, 2024), (DRIFT,), (), "drift",
        extension_scores=(DRIFT,),
    )  # fmt: skip
    # drift is the chosen method (*); 1.5 → 1.50, -0.25, 50 %, 75 %, 100 %, no Brier score.
    row = "| drift * | drift | 24 | 1.50 | -0.25 | 50% | 75% | 100% | — |"
    head = (
        "| method | model | n | MAE pp | bias pp | cover 50% | cover 80% | cover 95% | Brier (n) |"
    )
    rule = "|---|---|---|---|---|---|---|---|---|"
    assert cli.format_summary(summary, markdown=True).splitlines() == [
        "### public_investment_disbursement (Public investment disbursement rate): "
        "test years 2023–2024",
        head, rule, row,
        "",
        "value at 31 January (end of the extension month):",
        head, rule, row,
    ]  # fmt: skip


def test_a_backtest_run_backtests_each_series_and_prints_its_header(
    ready: list[tuple[object, ...]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    series = pd.DataFrame({"period": [1]})
    monkeypatch.setattr(queries, "scope_series", lambda conn, code: series)
    asked: list[tuple[object, str]] = []

    def backtest(found: pd.DataFrame, indicator: Indicator) -> SimpleNamespace:
        asked.append((found is series, indicator.code))
        empty = BacktestSummary(indicator.code, "year_end", (), (), (), None)
        return SimpleNamespace(summary=lambda: empty)

    monkeypatch.setattr(cli, "backtest", backtest)
    assert cli.main(["--indicator", CODE]) == 0
    assert asked == [(True, CODE)]
    lines = capsys.readouterr().out.splitlines()
    assert lines[:5] == [
        f"Forecast backtest of {URL} (whole city)",
        "MAE and bias in percentage points at the judgement date (bias = forecast − actual); "
        "cover = share of origins whose actual value lay in the interval (bands from earlier "
        "test years only); * = the method used.",
        "",
        "online_dossier_share (Online dossier share): test years none",
        "  not enough history for a backtest (needs 2 test years)",
    ]


def test_only_rates_with_a_time_rollup_can_be_backtested_and_each_option_says_what_it_does() -> (
    None
):
    parser = cli.parser()
    indicator = next(a for a in parser._actions if a.dest == "indicator")
    # The registry's rates read over time (flow or cumulative); dossiers_received and
    # grdp_current_prices are flows but no rates, the Decision 766 indices have no rollup.
    assert list(indicator.choices or []) == [
        "digital_economy_share_grdp", "digital_economy_share_grdp_statistics", "e_result_rate",
        "on_time_rate", "online_dossier_share", "public_investment_disbursement",
        "satisfaction_rate",
    ]  # fmt: skip
    helps = {a.dest: a.help for a in parser._actions}
    assert helps["markdown"] == "print Markdown tables (for the README)"
    assert helps["replay"] == (
        "replay the app's projections at the end of every past month, with only the figures "
        "known that day, and score them against how each year ended"
    )


def test_a_replay_reads_the_series_as_it_stood_at_the_end_of_each_origins_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conn, final, frame = object(), pd.DataFrame(), pd.DataFrame({"m": [1]})
    kept: list[tuple[object, ...]] = []

    def replay(series_at: Any, found: pd.DataFrame, indicator: Indicator, **options: Any) -> Any:
        kept.append((series_at, found is final, indicator.code, options["methods"],
                     type(options["cache"]).__name__))  # fmt: skip
        return frame

    monkeypatch.setattr(cli, "replay", replay)
    reads: list[tuple[object, ...]] = []
    monkeypatch.setattr(
        queries, "scope_series", lambda c, code, as_of: reads.append((c is conn, code, as_of))
    )
    assert cli.replay_frame(conn, CODE, final, methods=("drift",)) is frame  # type: ignore[arg-type]
    ((series_at, same, code, methods, cache),) = kept
    assert (same, code, methods, cache) == (True, CODE, ("drift",), "ReportCache")
    series_at(dt.date(2025, 6, 30))
    # The origin's day ends at 23:59:59 in the city (UTC+7).
    end = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert reads == [(True, CODE, end)]
