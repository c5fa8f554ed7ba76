"""The meeting-mode memory run (``python -m bench.meeting``) and its row in the report.

The smoke test leaves meeting mode running for a few seconds only: it checks that the run
writes its samples and the report its row, not any figure (timing and memory promises are
judged by ``make bench``, never by ``make test``). The verdict itself is checked on samples
made by hand, so that a growing memory is seen to fail the promise.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.report import MEETING_PROMISE, meeting_verdict, merge, table
from data_access.engine import PROJECT_ROOT


def _meeting(
    rss: tuple[float, float, float],
    heap: tuple[float, float, float] = (20.0, 21.0, 21.5),
    *,
    minutes: float = 60,
    rotations: int = 1150,
) -> dict[str, Any]:
    """A meeting run's part of the results: samples at the start, 5 minutes and the end."""
    times = (0.0, 300.0, minutes * 60)
    return {
        "tier": "S",
        "engine": "sqlite",
        "page": "/meeting?interval=3",
        "minutes": minutes,
        "interval_s": 3,
        "sample_s": 30.0,
        "samples": [
            {"t_s": t, "rss_mib": r, "js_heap_mib": h, "rotations": 0, "load_average": [1, 1, 1]}
            for t, r, h in zip(times, rss, heap, strict=True)
        ],
        "rotations": rotations,
        "slides": 12,
        "tracebacks_on_screen": 0,
        "app_peak_rss_mib": max(rss),
    }


def _results(meeting: dict[str, Any] | None) -> dict[str, Any]:
    results: dict[str, Any] = {
        "machine": {
            "date_utc": "2026-11-30 16:00 UTC",
            "commit": "abc1234",
            "cores": 2,
            "cpu": "cpu",
            "memory_gib": 23.5,
            "python": "3.11",
            "streamlit": "1.x",
            "load_average_at_start": [1.0, 1.0, 1.0],
            "load_average_at_end": [1.0, 1.0, 1.0],
        },
        "settings": {"tiers": ["S"], "engines": [], "skipped": []},
        "not_measured": {},
        "runs": [],
        "ingest": {},
    }
    if meeting is not None:
        results["meeting"] = meeting
    return results


def _row(results: dict[str, Any]) -> str:
    (row,) = [
        line for line in table(results).splitlines() if line.startswith(f"| {MEETING_PROMISE}")
    ]
    return row


def test_memory_that_stays_within_10_percent_of_its_five_minute_value_is_met() -> None:
    # The start is lower (caches filling): the end is compared with the 5-minute value.
    measured, verdict = meeting_verdict(_meeting((250.0, 400.0, 435.0)))
    assert verdict == "**met**"
    assert "1150 rotations" in measured and "435 MiB at the end" in measured


def test_an_app_whose_memory_grows_by_half_does_not_meet_the_promise() -> None:
    row = _row(_results(_meeting((300.0, 400.0, 600.0))))
    assert row.endswith("| **not met** (app RSS grew over 10 %) |"), row


def test_a_tab_whose_js_heap_grows_by_half_does_not_meet_it_either() -> None:
    _, verdict = meeting_verdict(_meeting((300.0, 400.0, 410.0), heap=(20.0, 20.0, 30.0)))
    assert verdict == "**not met** (JS heap grew over 10 %)"


def test_a_run_without_rotations_or_shorter_than_five_minutes_is_not_judged() -> None:
    _, still = meeting_verdict(_meeting((300.0, 300.0, 300.0), rotations=0))
    assert still == "not measured (no slide changed)"
    short = _meeting((300.0, 300.0, 300.0), minutes=0.3)
    short["samples"] = [s for s in short["samples"] if s["t_s"] < 300]
    assert meeting_verdict(short)[1].startswith("not measured (a run of 0.3 min")
    # Flat over 20 minutes is met for those 20 minutes only, not for the hour.
    assert meeting_verdict(_meeting((300.0, 300.0, 300.0), minutes=20))[1] == (
        "**met** over 20 min (not the full hour)"
    )


def test_without_a_meeting_run_the_row_says_not_measured_and_a_merge_keeps_the_run() -> None:
    assert _row(_results(None)).endswith("| — | not measured |")
    merged = merge([_results(None), _results(_meeting((300.0, 400.0, 410.0)))])
    assert merged["meeting"]["rotations"] == 1150
    assert "### Meeting mode left running" in table(merged)
    # A meeting run alone has no empty tables of the parts it did not run.
    assert "### Ingest" not in table(_results(_meeting((300.0, 400.0, 410.0))))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_meeting_run_writes_its_samples_and_its_row(
    demo_warehouse_url: str, chromium_path: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "S.sqlite"
    source = sqlite3.connect(demo_warehouse_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.meeting",
            f"sqlite:///{copy}",
            "--minutes",
            "0.5",  # at least one slide change even on a loaded machine (1 in 24 s at load 43)
            "--sample-s",
            "5",
            "--port",
            str(_free_port()),
            "--out",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    meeting = json.loads((out / "benchmarks.json").read_text())["meeting"]
    assert meeting["page"] == "/meeting?interval=3"  # the shortest interval the page allows
    assert meeting["slides"] > 1 and meeting["rotations"] >= 1
    assert meeting["tracebacks_on_screen"] == 0
    samples = meeting["samples"]
    assert len(samples) >= 3 and samples[-1]["t_s"] >= 30
    assert all(s["rss_mib"] > 50 and s["js_heap_mib"] > 0 for s in samples)
    assert meeting["app_peak_rss_mib"] >= max(s["rss_mib"] for s in samples)
    lines = (out / "meeting_samples.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == samples
    row = _row(json.loads((out / "benchmarks.json").read_text()))
    assert row.endswith("| not measured (a run of 0.5 min: under 5 min to compare) |"), row
    assert "### Meeting mode left running" in (out / "benchmarks.md").read_text()
