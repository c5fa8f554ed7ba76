"""The forecast backtest on the demo warehouse and on a demo built with another seed and
another last month (backtest_demo.yaml; issue 7).

For each headline indicator the projections the app would have shown, replayed in real
time (``python -m data_access.backtest --replay``: at the end of every month of 2021–2025,
with the figures as they stood that day), must hold up: the 80 % interval held the year's
actual value at 70–90 % of the origins with a projection and the 50 % interval at
35–65 %, and the method in use has a mean absolute error no worse than the plain seasonal
rule's on the origins where the rule could forecast. The backtest's chosen method and its
figures, as the command prints them, are pinned in the golden file (the README quotes
them).

Known shortfalls would be marked ``xfail(strict=True)`` with the measured figures, so the
day they are fixed the test says so. None is left: satisfaction's 2025 jump (the merger;
89.6 % in June, 93.2 % in October), which no earlier year's errors foresaw, is met by the
break rule once the months after June show it (README, "How the forecasts are made").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from data_access import queries
from data_access.backtest import (
    main,
    replay_cells,
    replay_frame,
    replay_rule_comparison,
    score_cells,
)
from data_access.engine import make_engine
from demo.build import build_demo_warehouse
from metrics.backtest import RULE, BacktestSummary, backtest
from metrics.registry import headline_indicators
from metrics.replay import IN_USE
from metrics.replay import score as replay_score
from tests.clock_reads import DAY_INDEPENDENT_FIXTURES, day_independent_fixtures
from tests.conftest import test_today
from tests.unit.test_clock_reads import last_load_is_before

GOLDEN: dict[str, Any] = yaml.safe_load(
    Path(__file__).with_name("backtest_demo.yaml").read_text(encoding="utf-8")
)
OTHER_SEED = 7
OTHER_LAST_MONTH = dt.date(2026, 5, 1)
CODES = [indicator.code for indicator in headline_indicators()]


@pytest.fixture(scope="module")
def other_demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A second demo warehouse: seed 7, data to May 2026."""
    path = tmp_path_factory.mktemp("demo-seed-7") / "warehouse.sqlite"
    url = f"sqlite:///{path}"
    build_demo_warehouse(url, last_month=OTHER_LAST_MONTH, seed=OTHER_SEED)
    return url


@pytest.fixture(scope="module")
def summaries(demo_warehouse_url: str, other_demo_url: str) -> dict[tuple[str, str], Any]:
    """Every headline indicator's backtest summary (whole city) on both demos."""
    out = {}
    for name, url in (("demo", demo_warehouse_url), ("seed_7", other_demo_url)):
        engine = make_engine(url)
        with engine.connect() as conn:
            for indicator in headline_indicators():
                series = queries.scope_series(conn, indicator.code)
                out[(name, indicator.code)] = backtest(series, indicator).summary()
        engine.dispose()
    return out


CASES = [
    pytest.param(name, code, id=f"{name}-{code}") for name in ("demo", "seed_7") for code in CODES
]


def test_the_second_demo_is_the_same_warehouse_from_the_day_clock_reads_gives(
    other_demo_url: str,
) -> None:
    """tests/clock_reads.py does not count this fixture's clock read from a given day on:
    every load of it comes before that day, so no load time was capped at the build's moment
    (see tests/unit/test_clock_reads.py for the suite's own demo)."""
    since, _why = DAY_INDEPENDENT_FIXTURES["other_demo_url"]
    if test_today() >= since:
        before, last = last_load_is_before(other_demo_url, since)
        assert before, f"the seed-7 demo's last load {last} is not before {since}"
    else:
        assert "other_demo_url" not in day_independent_fixtures(test_today())


def _chosen(summary: BacktestSummary) -> Any:
    score = summary.score(summary.chosen)
    assert score is not None, f"{summary.indicator_code}: nothing chosen ({summary.excluded})"
    return score


@pytest.fixture(scope="module")
def replays(demo_warehouse_url: str, other_demo_url: str) -> dict[tuple[str, str], pd.DataFrame]:
    """The real-time replay (method in use and the seasonal rule) of every headline
    indicator on both demos, as the command computes it."""
    out = {}
    for name, url in (("demo", demo_warehouse_url), ("seed_7", other_demo_url)):
        engine = make_engine(url)
        with engine.connect() as conn:
            for code in CODES:
                final = queries.scope_series(conn, code)
                out[(name, code)] = replay_frame(conn, code, final, methods=(RULE,))
        engine.dispose()
    return out


# Every case passes since a break in a monthly rate's drift leans and widens its band
# (metrics.backtest.trend_break): satisfaction's July 2025 jump, which no earlier year's
# errors foresaw, held 1 and 0 of the eleven 2025 origins before (80 % band 68 % and 59 % of
# all origins). A shortfall found later is listed here with its measured figures.
SHORTFALLS: dict[tuple[str, str], str] = {}
REPLAY_CASES = [
    pytest.param(
        name,
        code,
        id=f"{name}-{code}",
        marks=[pytest.mark.slow]
        + (
            [pytest.mark.xfail(strict=True, reason=SHORTFALLS[(name, code)])]
            if (name, code) in SHORTFALLS
            else []
        ),
    )
    for name in ("demo", "seed_7")
    for code in CODES
]


@pytest.mark.parametrize(("name", "code"), REPLAY_CASES)
def test_in_real_time_the_bands_hold_the_actual_value_about_as_often_as_they_say(
    replays: dict[tuple[str, str], pd.DataFrame], name: str, code: str
) -> None:
    figures = replay_score(replays[(name, code)], IN_USE)
    # Every year 2022–2025 has a projection at every origin with a complete month; 2021
    # (one year of data before it, no test year) says it cannot be assessed yet.
    assert figures.years == (2022, 2023, 2024, 2025)
    assert figures.n >= 36
    assert 0.70 <= figures.coverage_80 <= 0.90, figures
    assert 0.35 <= figures.coverage_50 <= 0.65, figures


@pytest.mark.slow
@pytest.mark.parametrize(("name", "code"), CASES)
def test_in_real_time_the_method_in_use_is_no_worse_than_the_seasonal_rule(
    replays: dict[tuple[str, str], pd.DataFrame], name: str, code: str
) -> None:
    frame = replays[(name, code)]
    compared = replay_rule_comparison(frame)
    assert compared is not None
    n, used, rule = compared
    assert n >= 27
    assert used <= rule + 1e-9
    # By hand: the same origins, the same truth.
    used_rows = frame.loc[(frame["method"] == IN_USE) & frame["central"].notna()]
    rule_rows = frame.loc[(frame["method"] == RULE) & frame["central"].notna()]
    assert len(rule_rows) == n and set(rule_rows["day"]) <= set(used_rows["day"])


@pytest.mark.slow
def test_the_replay_command_prints_the_same_figures(
    replays: dict[tuple[str, str], pd.DataFrame],
    other_demo_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = "digital_economy_share_grdp"
    monkeypatch.setenv("DASHBOARD_DB_URL", other_demo_url)
    assert main(["--replay", "--indicator", code]) == 0
    printed = capsys.readouterr().out
    block = printed.split(f"{code} (")[1]
    rows = {line.split()[0]: line.split() for line in block.splitlines()[2:] if line.strip()}
    frame = replays[("seed_7", code)]
    for method in (IN_USE, RULE):
        cells = replay_cells(replay_score(frame, method))
        assert rows[method] == " ".join(cells).split()


@pytest.mark.parametrize(("name", "code"), CASES)
def test_the_method_in_use_is_no_worse_than_the_seasonal_rule(
    summaries: dict[tuple[str, str], BacktestSummary], name: str, code: str
) -> None:
    summary = summaries[(name, code)]
    rule = summary.score("seasonal_profile")
    assert rule is not None, "the plain seasonal rule is always a candidate"
    assert _chosen(summary).mae <= rule.mae
    assert {score.n_origins for score in summary.scores} == {rule.n_origins}


@pytest.mark.parametrize(("name", "code"), CASES)
def test_the_figures_are_those_of_the_golden_file(
    summaries: dict[tuple[str, str], BacktestSummary], name: str, code: str
) -> None:
    summary = summaries[(name, code)]
    expected = GOLDEN[name][code]
    assert list(summary.years) == expected["years"]
    assert summary.chosen == expected["method"]
    cells = score_cells(_chosen(summary), summary.chosen)
    assert cells[2:] == [str(value) for value in expected["figures"]]


def test_the_command_prints_the_same_figures(
    summaries: dict[tuple[str, str], BacktestSummary],
    demo_warehouse_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    assert main([]) == 0
    printed = capsys.readouterr().out
    for code in CODES:
        summary = summaries[("demo", code)]
        block = printed.split(f"{code} (")[1].split("\n\n")[0]
        rows = [line.split() for line in block.splitlines()[2:]]
        for score, row in zip(summary.scores, rows, strict=True):
            cells = score_cells(score, summary.chosen)
            assert " ".join(row) == " ".join(" ".join(cells).split())
