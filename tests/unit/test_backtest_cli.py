"""`python -m data_access.backtest`: its table, and one clear line when it cannot run."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys

import pytest

from data_access.backtest import format_summary, main, score_cells
from data_access.engine import PROJECT_ROOT
from metrics.backtest import BacktestSummary, Excluded, MethodScore

PROFILE = MethodScore(
    method="seasonal_profile",
    model="seasonal profile",
    n_origins=48,
    mae=4.2912,
    bias=0.0149,
    coverage_50=0.5,
    coverage_80=0.8125,
    coverage_95=0.9583,
    brier=0.00041,
    n_brier=12,
)
DRIFT = MethodScore(
    method="drift",
    model="random walk with drift",
    n_origins=48,
    mae=27.806,
    bias=-22.57,
    coverage_50=0.479,
    coverage_80=0.875,
    coverage_95=0.979,
    brier=None,
    n_brier=0,
)


def test_a_row_has_the_figures_at_their_printed_precision() -> None:
    assert score_cells(PROFILE, "seasonal_profile") == [
        "seasonal_profile *",
        "seasonal profile",
        "48",
        "4.29",
        "+0.01",
        "50%",
        "81%",
        "96%",
        "0.000 (12)",
    ]
    assert score_cells(DRIFT, "seasonal_profile")[0] == "drift"
    assert score_cells(DRIFT, "seasonal_profile")[-1] == "—"


def test_a_summary_prints_its_years_its_table_and_what_was_left_out() -> None:
    summary = BacktestSummary(
        indicator_code="public_investment_disbursement",
        judgement="year_end",
        years=(2022, 2023, 2024, 2025),
        scores=(PROFILE, DRIFT),
        excluded=(Excluded("ets", "too_few_years", 2, 1),),
        chosen="seasonal_profile",
        extension_scores=(PROFILE,),
    )
    text = format_summary(summary)
    lines = text.splitlines()
    assert lines[0] == (
        "public_investment_disbursement (Public investment disbursement rate): test years 2022–2025"
    )
    assert lines[1].split() == [
        "method", "model", "n", "MAE", "pp", "bias", "pp", "cover", "50%", "cover", "80%",
        "cover", "95%", "Brier", "(n)",
    ]  # fmt: skip
    assert lines[2].split()[:4] == ["seasonal_profile", "*", "seasonal", "profile"]
    assert "ets: not compared (too_few_years: needs 2, got 1)" in text
    assert "value at 31 January (end of the extension month):" in text
    markdown = format_summary(summary, markdown=True)
    assert markdown.startswith("### public_investment_disbursement")
    assert "| seasonal_profile * | seasonal profile | 48 | 4.29 | +0.01 | 50% |" in markdown


def test_without_enough_history_it_says_so() -> None:
    summary = BacktestSummary("online_dossier_share", "year_end", (), (), (), None)
    assert "not enough history for a backtest" in format_summary(summary)


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("not a url", 2, "not a usable database URL"),
        ("sqlite:////nonexistent/warehouse.sqlite", 1, "build it with `python -m demo`"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", 1, "check that the server"),
    ],
)
def test_it_answers_a_problem_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, code: int,
    words: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    assert main([]) == code
    error = capsys.readouterr().err
    assert words in error
    assert len(error.strip().splitlines()) == 1


def test_an_unknown_indicator_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--indicator", "nope"])
    assert stopped.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_the_command_prints_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "data_access.backtest"],
        cwd=PROJECT_ROOT,
        env={"DASHBOARD_DB_URL": "not a url", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_a_method_with_no_band_yet_shows_a_dash_not_nan() -> None:
    # One test year: its bands would need an earlier test year, so there is no coverage.
    first = dataclasses.replace(
        DRIFT, coverage_50=math.nan, coverage_80=math.nan, coverage_95=math.nan, n_banded=0
    )
    assert score_cells(first, "drift")[5:8] == ["—", "—", "—"]
