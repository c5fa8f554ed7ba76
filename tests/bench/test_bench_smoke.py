"""The benchmark harness runs at tier S and writes its JSON and its table, every row there.

A smoke test, not a timed test: no figure is compared with any limit (the performance
promises are judged by ``make bench``, never by ``make test``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench.report import BEGIN, END
from data_access.engine import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
PORT = 8636  # the bench helper's range, 8630-8639; the empty page takes PORT + 1
SMOKE_PAGES = ("overview", "unit", "data")
"""Pages timed here: the Overview, a page opened with a parameter, a page without figures.
Every page runs through the same code; ``make bench`` times them all."""


def _copy_sqlite(url: str, target: Path) -> None:
    source = sqlite3.connect(url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


@pytest.fixture(scope="module")
def bench_run(demo_warehouse_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bench")
    _copy_sqlite(demo_warehouse_url, work / "S.sqlite")
    out = work / "out"
    out.mkdir()
    # An existing table keeps the analysis around the generated part.
    (out / "benchmarks.md").write_text(f"# Kept heading\n\n{BEGIN}\nold\n{END}\n\nKept analysis.\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--tiers",
            "S",
            "--engines",
            "sqlite",
            "--reuse",
            "--work",
            str(work),
            "--out",
            str(out),
            "--rounds",
            "1",
            "--first-rounds",
            "2",
            "--browser-rounds",
            "1",
            "--warmups",
            "0",
            "--ingest-rows",
            "2000",
            "--ingest-rounds",
            "1",
            "--scenario-repeats",
            "1",
            "--port",
            str(PORT),
            "--pages",
            ",".join(SMOKE_PAGES),
            "--meeting-minutes",
            "0.2",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_the_json_holds_every_part(bench_run: Path) -> None:
    results = json.loads((bench_run / "benchmarks.json").read_text())
    assert {"cores", "memory_gib", "cpu", "date_utc", "commit"} <= set(results["machine"])
    (run,) = results["runs"]
    assert (run["tier"], run["engine"]) == ("S", "sqlite")
    assert results["settings"]["first_rounds"] == 2
    assert run["build"]["observations"] > 100_000
    scripts = {p["page"]: p for p in run["script"]}
    assert set(scripts) == set(SMOKE_PAGES)
    for page, data in scripts.items():
        assert "error" not in data, (page, data.get("error"))
        assert len(data["warm_s"]) == len(data["sql_floor_s"]) == len(data["empty_s"]) == 1
        assert data["cold_s"] > 0 and data["empty_median_s"] > 0
        # --first-rounds 2: the full run and one that timed the first visits only.
        assert data["first_errors"] == []
        assert len(data["cold_runs_s"]) == len(data["after_load_first_runs_s"]) == 2
        assert data["cold_runs_s"][0] == data["cold_first_process_s"]
        assert data["cold_s"] == pytest.approx(sum(data["cold_runs_s"]) / 2)
        assert data["after_load_first_s"] == pytest.approx(sum(data["after_load_first_runs_s"]) / 2)
    # The Overview reads the warehouse: its SQL floor has statements to send.
    assert scripts["overview"]["sql_statements"] > 0
    if CHROMIUM.exists():
        assert set(run["browser"]["pages"]) == set(SMOKE_PAGES)
        assert run["browser"]["app_peak_rss_mib"] > 0
        # --meeting-minutes: meeting mode left running on the tier, its memory sampled.
        meeting = results["meeting"]
        assert (meeting["tier"], meeting["engine"], meeting["minutes"]) == ("S", "sqlite", 0.2)
        assert meeting["samples"][0]["rss_mib"] > 0 and meeting["samples"][-1]["t_s"] >= 12
    else:
        assert "browser" in results["not_measured"]
        assert "meeting" in results["not_measured"]
    assert run["scenario"]["paths"] == 10_000
    ingest = results["ingest"]["sqlite"]
    assert ingest["rows"] == 2000 and ingest["floor_kind"] == "csv + executemany"
    # The like-for-like floor: the same rows into observations, on a scratch copy that the
    # harness removes afterwards.
    assert ingest["same_table_floor_kind"] == "executemany into observations"
    assert len(ingest["same_table_floor_s"]) == 1 and ingest["same_table_floor_median_s"] > 0
    assert ingest["load_ratio_to_same_table_floor"] == pytest.approx(
        ingest["load_s"] / ingest["same_table_floor_median_s"]
    )
    assert not (bench_run.parent / "ingest_floor.sqlite").exists()


def test_the_table_has_every_row_and_keeps_the_text_around_it(bench_run: Path) -> None:
    text = (bench_run / "benchmarks.md").read_text()
    assert text.startswith("# Kept heading\n") and text.rstrip().endswith("Kept analysis.")
    assert "\nold\n" not in text
    lines = text.splitlines()
    for promise in (
        "Overview drawn in headless Chromium ≤ 1.5× the empty page",
        "every other page drawn ≤ 2× the empty page",
        "every page's warm script run ≤ 2× (its SQL floor + the empty-page floor)",
        "the Overview's warm script run under 300 ms at tier L on PostgreSQL",
        "first visit after a restart ≤ 1.2× a warm visit",
        "app peak memory flat across tiers",
        "memory flat over a one-hour meeting-mode run",
        "a scenario of 10,000 paths for the four headline indicators under 1 s",
        "a 1M-row observation file loaded (with full validation) ≤ 3× COPY on PostgreSQL",
    ):
        assert sum(line.startswith(f"| {promise}") for line in lines) == 1, promise
    for page in SMOKE_PAGES:
        script_rows = [line for line in lines if line.startswith(f"| S | sqlite | {page} | ")]
        assert len(script_rows) == (2 if CHROMIUM.exists() else 1), page
        # The first visit, a median of the two processes (--first-rounds 2).
        assert script_rows[0].split(" | ")[4].endswith(" (2)"), script_rows[0]
    assert any(line.startswith("| S | sqlite | ") and "MiB |" in line for line in lines) or (
        not CHROMIUM.exists()
    )
    (ingest_row,) = [line for line in lines if line.startswith("| sqlite | 2,000 | ")]
    assert ingest_row.count(" | ") == 8, ingest_row  # both floors and both ratios
    assert "(executemany into observations) |" in ingest_row
    assert "(csv + executemany) |" in ingest_row
    assert any("floor: same table" in line and "floor: bare table" in line for line in lines)
    assert "Measured " in text and "cores" in text and "commit" in text
