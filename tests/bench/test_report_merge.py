"""Merging harness runs made side by side keeps each run's load averages with its run.

Before, a merge of a merge nested the load averages (``[[[13.47, …], None], […]]``) and the
table's header printed Python lists.
"""

from __future__ import annotations

from typing import Any

from bench.report import _load_averages, merge


def _run(date: str, engine: str, start: list[float] | None, end: list[float] | None) -> Any:
    return {
        "machine": {
            "date_utc": date,
            "commit": "abc1234",
            "load_average_at_start": start,
            "load_average_at_end": end,
        },
        "settings": {"engines": [engine], "tiers": ["S"] if engine == "sqlite" else ["M", "S"]},
        "runs": [{"engine": engine}],
        "ingest": {},
    }


def test_a_merge_of_a_merge_lists_every_run_once_with_its_own_load_averages() -> None:
    first = merge([_run("d1", "sqlite", [1.0, 2.0, 3.0], None), _run("d2", "sqlite", None, None)])
    merged = merge([first, _run("d3", "postgresql", [0.5, 0.25, 0.125], [4.0, 4.0, 4.0])])
    assert [(r["date_utc"], r["load_average_at_start"]) for r in merged["merged_from"]] == [
        ("d1", [1.0, 2.0, 3.0]),
        ("d2", None),
        ("d3", [0.5, 0.25, 0.125]),
    ]
    assert "load_average_at_start" not in merged["machine"]
    # Each engine and tier once, in the order first named (it listed every part's engines).
    assert merged["settings"]["engines"] == ["sqlite", "postgresql"]
    assert merged["settings"]["tiers"] == ["S", "M"]
    assert len(merged["runs"]) == 3
    assert _load_averages(merged) == (
        "d1: 1.00, 2.00, 3.00 → not recorded; d2: not recorded → not recorded; "
        "d3: 0.50, 0.25, 0.12 → 4.00, 4.00, 4.00"
    )


def test_a_single_run_prints_its_start_and_end() -> None:
    assert _load_averages(_run("d1", "sqlite", [1.0, 2.0, 3.0], [4.0, 5.0, 6.5])) == (
        "1.00, 2.00, 3.00 → 4.00, 5.00, 6.50"
    )


def test_the_committed_table_prints_no_python_lists() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "benchmarks.md").read_text()
    header = next(line for line in text.splitlines() if line.startswith("Measured "))
    assert "[" not in header and "None" not in header
