"""A page's first visit is the median over ``--first-rounds`` fresh processes: one full run
of ``bench.script``, then ones that time the first visits only (``--first-only``). On pages
of 10-130 ms one first visit moves by a few ms, so the "≤ 1.2× a warm visit" promise was
judged on one noisy sample.

No process is started: the runner is a stand-in given each process's printed JSON, and the
medians are worked out by hand."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from bench.__main__ import _script, parser, script_command
from bench.report import FIRST_VISITS_SAID, first_visits, merge, table
from tests.bench.test_first_visit_row import _page, _results

URL = "sqlite:////tmp/S_script.sqlite"


def test_the_other_processes_time_the_first_visits_only() -> None:
    command = script_command(URL, "unit", 1, first_only=True)
    assert command[1:] == [
        "-m",
        "bench.script",
        URL,
        "unit",
        "--rounds",
        "1",
        "--warm-up",
        "--after-load",
        "--first-only",
    ]


class _Runner:
    """``subprocess.run``'s stand-in: each process prints the next of ``outputs`` (a dict:
    its JSON, after a line of log; a string: it fails with that on stderr)."""

    def __init__(self, *outputs: dict[str, Any] | str) -> None:
        self.outputs = list(outputs)
        self.commands: list[list[str]] = []

    def __call__(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        assert kwargs == {"cwd": kwargs["cwd"], "capture_output": True, "text": True}
        self.commands.append(command)
        output = self.outputs.pop(0)
        if isinstance(output, str):
            return subprocess.CompletedProcess(command, 1, "", f"Traceback …\n{output}\n")
        return subprocess.CompletedProcess(command, 0, f"log line\n{json.dumps(output)}\n", "")


FULL = {
    "page": "unit",
    "warm_up_s": 3.0,
    "cold_s": 0.30,
    "warm_s": [0.05, 0.07, 0.06],
    "warm_median_s": 0.06,
    "after_load_first_s": 0.90,
    "after_load_warm_median_s": 0.08,
    "sql_floor_median_s": 0.01,
}


def _first_only(cold: float, after_load: float) -> dict[str, Any]:
    return {
        "page": "unit",
        "first_only": True,
        "warm_up_s": 2.5,
        "cold_s": cold,
        "warm_s": [0.04],
        "warm_median_s": 0.04,
        "after_load_first_s": after_load,
        "after_load_warm_median_s": 0.04,
    }


def test_first_visits_are_the_medians_of_the_processes() -> None:
    # Cold 0.30 (full), 0.10, 0.14: median 0.14 (their mean, 0.18, would not do). After a
    # load 0.90, 0.50, 0.60: median 0.60 (mean 0.666…).
    runner = _Runner(FULL, _first_only(0.10, 0.50), _first_only(0.14, 0.60))
    found = _script(URL, "unit", 3, 3, run=runner)
    assert runner.commands == [
        script_command(URL, "unit", 3),
        script_command(URL, "unit", 1, first_only=True),
        script_command(URL, "unit", 1, first_only=True),
    ]
    assert found == {
        **FULL,  # the full run's other figures (its warm median among them)
        "cold_s": 0.14,
        "after_load_first_s": 0.60,
        "cold_runs_s": [0.30, 0.10, 0.14],
        "after_load_first_runs_s": [0.90, 0.50, 0.60],
        "cold_first_process_s": 0.30,
        "after_load_first_first_process_s": 0.90,
        "first_errors": [],
    }


def test_a_process_that_failed_is_left_out_of_the_medians() -> None:
    # The second process fails: cold 0.30 and 0.20, median 0.25; after a load 0.90 and
    # 0.70, median 0.80.
    runner = _Runner(FULL, "RuntimeError: the page raised", _first_only(0.20, 0.70))
    found = _script(URL, "unit", 3, 3, run=runner)
    assert len(runner.commands) == 3
    assert found["first_errors"] == ["Traceback …\nRuntimeError: the page raised"]
    assert found["cold_runs_s"] == [0.30, 0.20]
    assert found["cold_s"] == pytest.approx(0.25)
    assert found["after_load_first_runs_s"] == [0.90, 0.70]
    assert found["after_load_first_s"] == pytest.approx(0.80)
    assert found["warm_median_s"] == 0.06


def test_one_process_is_the_full_run_alone() -> None:
    runner = _Runner(FULL)
    found = _script(URL, "unit", 3, 1, run=runner)
    assert len(runner.commands) == 1
    assert (found["cold_s"], found["cold_runs_s"]) == (0.30, [0.30])
    assert (found["after_load_first_s"], found["after_load_first_runs_s"]) == (0.90, [0.90])


def test_when_the_full_run_fails_no_other_process_runs() -> None:
    runner = _Runner("RuntimeError: no warehouse", _first_only(0.10, 0.50))
    found = _script(URL, "unit", 3, 2, run=runner)
    assert len(runner.commands) == 1
    assert found == {"page": "unit", "error": "Traceback …\nRuntimeError: no warehouse"}


def test_first_rounds_defaults_to_three_and_must_be_one_or_more(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert parser().parse_args([]).first_rounds == 3
    assert parser().parse_args(["--first-rounds", "1"]).first_rounds == 1
    for wrong in ("0", "-2", "two"):
        with pytest.raises(SystemExit):
            parser().parse_args(["--first-rounds", wrong])
        error = capsys.readouterr().err
        assert f"argument --first-rounds: must be a whole number, 1 or more, not '{wrong}'" in (
            error
        )


def _new_results() -> dict[str, Any]:
    """A run of this harness: medians over processes, one page with a process failed."""
    return _results(
        # cold 0.30, 0.10, 0.20 → 0.20; after a load 0.60, 0.40, 0.50 → 0.50.
        _page(
            "unit",
            warm_up_s=3.0,
            cold_s=0.20,
            cold_runs_s=[0.30, 0.10, 0.20],
            cold_first_process_s=0.30,
            warm_median_s=0.25,
            after_load_first_s=0.50,
            after_load_first_runs_s=[0.60, 0.40, 0.50],
            after_load_warm_median_s=0.25,
            first_errors=[],
        ),
        # one of three failed: cold 0.30, 0.20 → 0.25; after a load the same.
        _page(
            "data",
            warm_up_s=3.0,
            cold_s=0.25,
            cold_runs_s=[0.30, 0.20],
            warm_median_s=0.25,
            after_load_first_s=0.25,
            after_load_first_runs_s=[0.30, 0.20],
            after_load_warm_median_s=0.25,
            first_errors=["RuntimeError: the page raised"],
        ),
        # three processes, two of them after a load: 0.40, 0.60 → 0.50.
        _page(
            "overview",
            warm_up_s=3.0,
            cold_s=0.20,
            cold_runs_s=[0.30, 0.10, 0.20],
            warm_median_s=0.25,
            after_load_first_s=0.50,
            after_load_first_runs_s=[0.40, 0.60],
            after_load_warm_median_s=0.25,
            first_errors=[],
        ),
    )


def _old_results() -> dict[str, Any]:
    """A run of the harness from before: one process, no lists."""
    results = _results(_page("data", warm_up_s=None, cold_s=0.24, warm_median_s=0.20))
    results["runs"][0]["engine"] = "postgresql"
    return results


def _row(lines: list[str], start: str) -> str:
    (row,) = [line for line in lines if line.startswith(start)]
    return row


def test_the_table_says_how_many_processes_each_first_visit_is_the_median_of() -> None:
    # warm ÷ (SQL + empty) = 0.25 ÷ 0.10 = 2.50× (2.00× for the old row: 0.20 ÷ 0.10).
    lines = table(merge([_new_results(), _old_results()])).splitlines()
    heading = lines.index("### Server-side script (AppTest)")
    assert lines[heading + 2] == FIRST_VISITS_SAID
    assert lines[heading + 4].startswith(
        "| tier | engine | page | warm-up | first visit (median of n processes) | warm |"
    )
    # 0.20 ÷ 0.25 = 0.80×; after a load 0.50 ÷ 0.25 = 2.00×.
    assert _row(lines, "| S | sqlite | unit | ") == (
        "| S | sqlite | unit | 3.00 s | 200 ms (3) | 250 ms | 50 ms (3) | 50 ms | 2.50× "
        "| 0.80× | 2.00× |"
    )
    # 0.25 ÷ 0.25 = 1.00× both.
    assert _row(lines, "| S | sqlite | data | ") == (
        "| S | sqlite | data | 3.00 s | 250 ms (2 of 3) | 250 ms | 50 ms (3) | 50 ms | 2.50× "
        "| 1.00× | 1.00× |"
    )
    assert _row(lines, "| S | sqlite | overview | ").endswith("| 0.80× | 2.00× (2) |")
    # The old entry, one process: 0.24 ÷ 0.20 = 1.20×.
    assert _row(lines, "| S | postgresql | data | ") == (
        "| S | postgresql | data | not run | 240 ms | 200 ms | 50 ms (3) | 50 ms | 2.00× "
        "| 1.20× | — |"
    )


def test_a_table_of_one_process_each_reads_as_before() -> None:
    lines = table(_old_results()).splitlines()
    assert FIRST_VISITS_SAID not in lines
    heading = lines.index("### Server-side script (AppTest)")
    assert lines[heading + 2].startswith("| tier | engine | page | warm-up | first visit | warm |")


def test_the_promise_reads_the_medians_and_the_old_single_runs() -> None:
    found, after_load, without_warm_up = first_visits(
        merge([_new_results(), _old_results()])["runs"]
    )
    assert [name for name, _ in found] == [
        "unit S/sqlite",
        "unit S/sqlite after a load",
        "data S/sqlite",
        "data S/sqlite after a load",
        "overview S/sqlite",
        "overview S/sqlite after a load",
        "data S/postgresql",
    ]
    # 0.20 ÷ 0.25, 0.50 ÷ 0.25, 0.25 ÷ 0.25 twice, again 0.80 and 2.00, 0.24 ÷ 0.20.
    assert [ratio for _, ratio in found] == pytest.approx([0.8, 2.0, 1.0, 1.0, 0.8, 2.0, 1.2])
    assert (after_load, without_warm_up) == (True, 1)
