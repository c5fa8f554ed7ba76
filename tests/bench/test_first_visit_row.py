"""The harness's first-visit row measures what the promise says: a fresh process that has
run the warm-up (as ``python -m serve`` does), and the first visit after a load.

Before, ``python -m bench`` timed each page's cold run without the warm-up, and the row
said "(after a load: not measured)". No page is run here: the command is checked as
built, the row and table from hand-made results (ratios worked out by hand).
"""

from __future__ import annotations

from typing import Any

from bench.__main__ import script_command
from bench.report import promises, table


def test_each_page_is_timed_after_the_warm_up_and_after_a_load() -> None:
    command = script_command("sqlite:////tmp/S_script.sqlite", "scenarios", 3)
    assert command[1:] == [
        "-m",
        "bench.script",
        "sqlite:////tmp/S_script.sqlite",
        "scenarios",
        "--rounds",
        "3",
        "--warm-up",
        "--after-load",
    ]


def _page(name: str, **figures: Any) -> dict[str, Any]:
    return {
        "page": name,
        "warm_s": [figures["warm_median_s"]],
        "sql_statements": 3,
        "sql_floor_median_s": 0.05,
        "empty_median_s": 0.05,
        **figures,
    }


def _results(*pages: dict[str, Any]) -> dict[str, Any]:
    return {
        "machine": {
            "date_utc": "2026-11-30 03:00 UTC",
            "commit": "abc1234",
            "cores": 2,
            "memory_gib": 8.0,
            "cpu": "test",
            "python": "3.12",
            "streamlit": "1.50",
            "load_average_at_start": [1.0, 1.0, 1.0],
            "load_average_at_end": [1.0, 1.0, 1.0],
        },
        "settings": {"tiers": ["S"], "engines": ["sqlite"], "rounds": 1, "browser_rounds": 1},
        "runs": [
            {
                "tier": "S",
                "engine": "sqlite",
                "build": {"observations": 1, "dossier_rows": 1, "indicators": 1, "build_s": 1.0},
                "script": list(pages),
            }
        ],
        "ingest": {},
    }


def _first_visit(results: dict[str, Any]) -> tuple[str, str, str]:
    (row,) = [r for r in promises(results) if r[0] == "first_visit"]
    return row[1], row[2], row[3]


def test_the_row_counts_the_first_visit_after_a_load() -> None:
    # data: 0.30 ÷ 0.25 = 1.20× after the restart (not over), 0.50 ÷ 0.20 = 2.50× after a
    # load; unit: 0.22 ÷ 0.20 = 1.10× and 0.21 ÷ 0.20 = 1.05×.
    results = _results(
        _page(
            "data",
            warm_up_s=3.0,
            cold_s=0.30,
            warm_median_s=0.25,
            after_load_first_s=0.50,
            after_load_warm_median_s=0.20,
        ),
        _page(
            "unit",
            warm_up_s=3.0,
            cold_s=0.22,
            warm_median_s=0.20,
            after_load_first_s=0.21,
            after_load_warm_median_s=0.20,
        ),
    )
    promise, measured, verdict = _first_visit(results)
    assert promise == "first visit after a restart ≤ 1.2× a warm visit, and after a load"
    assert measured == "worst: data S/sqlite after a load 2.50×; over 1.2×: 1 of 4"
    assert verdict == "**not met**"
    lines = table(results).splitlines()
    (data_row,) = [line for line in lines if line.startswith("| S | sqlite | data | ")]
    assert data_row == (
        "| S | sqlite | data | 3.00 s | 300 ms | 250 ms | 50 ms (3) | 50 ms | 2.50× | 1.20× "
        "| 2.50× |"
    )


def test_results_without_the_warm_up_say_so() -> None:
    """A results file of the harness from before: cold runs without the warm-up, nothing
    after a load."""
    results = _results(_page("data", warm_up_s=None, cold_s=0.24, warm_median_s=0.20))
    promise, measured, verdict = _first_visit(results)
    assert promise.endswith("and after a load (after a load: not measured)")
    assert measured == (
        "worst: data S/sqlite 1.20×; over 1.2×: 0 of 1 "
        "(1 measured without the warm-up the server runs)"
    )
    assert verdict == "**met**"
    (data_row,) = [line for line in table(results).splitlines() if "| data |" in line]
    assert data_row.startswith("| S | sqlite | data | not run | 240 ms | ")
    assert data_row.endswith("| 1.20× | — |")


def _memory_run(tier: str, engine: str, rss: float) -> dict[str, Any]:
    return {"tier": tier, "engine": engine, "browser": {"app_peak_rss_mib": rss}}


def _memory_verdict(*runs: dict[str, Any]) -> tuple[str, str]:
    results = _results()
    results["runs"] = list(runs)
    (row,) = [r for r in promises(results) if r[0] == "memory_flat"]
    return row[2], row[3]


def test_memory_flat_over_s_and_m_is_met_only_for_those_tiers() -> None:
    """Regression: S 358 MiB and M 351 MiB on PostgreSQL (within 10 %: 358 ≤ 1.1 × 351 =
    386.1) were reported "met", when the promise is S → M → L and L was not run."""
    measured, verdict = _memory_verdict(
        _memory_run("S", "postgresql", 358.0), _memory_run("M", "postgresql", 351.0)
    )
    assert measured == "postgresql: S 358 MiB, M 351 MiB"
    assert verdict == "**met** for S → M (tier L not run)"


def test_memory_over_every_tier_is_met_or_not_by_the_ten_percent_rule() -> None:
    # 330 ≤ 1.1 × 300 = 330: flat; 331 is not.
    runs = [_memory_run("S", "sqlite", 300.0), _memory_run("M", "sqlite", 320.0)]
    assert _memory_verdict(*runs, _memory_run("L", "sqlite", 330.0))[1] == "**met**"
    assert _memory_verdict(*runs, _memory_run("L", "sqlite", 331.0))[1] == "**not met**"
    # A single tier compares nothing.
    assert _memory_verdict(_memory_run("S", "sqlite", 300.0))[1] == "not measured"
