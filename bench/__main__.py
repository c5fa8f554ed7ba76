"""``python -m bench`` (``make bench``): the benchmark harness of the performance promises.

    python -m bench [--tiers S,M] [--engines sqlite,postgresql] [--rounds N] [--first-rounds K]
                    [--browser-rounds N] [--warmups N] [--pages overview,…]
                    [--ingest-rows N] [--scenario-repeats N] [--skip PART,…]
                    [--out DIR] [--reuse] [--postgres URL] [--port P] [--last-month YYYY-MM]
                    [--meeting-minutes N]

For each engine and tier it builds the warehouse (timed), then measures every page's
server-side script (the first visit after the warm-up, as the server runs it, and after a
load; warm, SQL floor, empty-page floor; ``bench.script``) in ``K`` fresh processes a page
(``--first-rounds``, default 3): one full run, then ``K - 1`` that time the first visits
only (``bench.script --first-only``); the page's first visits are the medians over the
``K`` processes, its other figures the full run's. Each process loads one batch into the
copy of the warehouse made for this part. It then measures the pages drawn in headless
Chromium against an empty page and the app's peak memory (``bench.browser``), and the
scenario engine (``scenarios.bench``); with ``--meeting-minutes``, meeting mode left
running and the app's memory sampled (``bench.meeting``); once per engine, a large
observation file checked and loaded against the database's bulk load (``bench.ingest``).
Writes ``DIR/benchmarks.json`` and the Markdown table ``DIR/benchmarks.md`` (only the part
between its ``bench:begin``/``bench:end`` markers is replaced; the analysis around it stays).

Tier L (ten times M) is opt-in: ``--tiers S,M,L``. A part whose tool is missing (no
PostgreSQL server, no Chromium) is reported as not measured, with the reason.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import browser, report, warehouses
from bench.pages import PAGES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PARTS = ("script", "browser", "scenario", "ingest")
ENGINES = ("sqlite", "postgresql")


def _list(text: str, allowed: Sequence[str], what: str) -> list[str]:
    items = [i.strip() for i in text.split(",") if i.strip()]
    wrong = [i for i in items if i not in allowed]
    if wrong or not items:
        raise argparse.ArgumentTypeError(
            f"{what}: {', '.join(wrong) or 'nothing given'} not among {', '.join(allowed)}"
        )
    return items


def _at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more, not {value!r}")
    return number


def _db_prefix(value: str) -> str:
    try:
        return warehouses.database_prefix(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n\n")[2] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    result.add_argument(
        "--tiers", type=lambda s: _list(s, ("S", "M", "L"), "--tiers"), default=["S", "M"]
    )
    result.add_argument(
        "--engines", type=lambda s: _list(s, ENGINES, "--engines"), default=list(ENGINES)
    )
    result.add_argument(
        "--pages", type=lambda s: _list(s, tuple(PAGES), "--pages"), default=list(PAGES)
    )
    result.add_argument(
        "--skip", type=lambda s: _list(s, PARTS, "--skip"), default=[], help="parts to leave out"
    )
    result.add_argument("--rounds", type=int, default=5, help="warm script runs per page")
    result.add_argument(
        "--first-rounds",
        type=_at_least_one,
        default=3,
        help="fresh processes per page whose first visits' median is reported (default 3)",
    )
    result.add_argument("--browser-rounds", type=int, default=5, help="interleaved loads")
    result.add_argument("--warmups", type=int, default=1, help="browser warm-up loads per page")
    result.add_argument("--ingest-rows", type=int, default=1_000_000)
    result.add_argument("--ingest-rounds", type=int, default=3, help="checks and floors")
    result.add_argument("--scenario-repeats", type=int, default=7)
    result.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs")
    result.add_argument(
        "--work", type=Path, default=PROJECT_ROOT / "var" / "bench", help="warehouses, files"
    )
    result.add_argument("--reuse", action="store_true", help="use warehouses already built")
    result.add_argument("--postgres", default=warehouses.DEFAULT_POSTGRES)
    result.add_argument(
        "--db-prefix",
        type=_db_prefix,
        default=warehouses.DATABASE_PREFIX,
        help="names of the PostgreSQL databases the harness builds, copies and drops "
        f"(default {warehouses.DATABASE_PREFIX}: {warehouses.DATABASE_PREFIX}s, …)",
    )
    result.add_argument("--port", type=int, default=8630, help="the app; the empty page +1")
    result.add_argument(
        "--meeting-minutes",
        type=float,
        default=0.0,
        help="also leave meeting mode running this long on the first engine and tier listed and "
        "sample the app's memory (bench.meeting; 60 for the issue's one-hour run; 0: not run)",
    )
    add_last_month(result)
    return result


def add_last_month(result: argparse.ArgumentParser) -> None:
    """``--last-month YYYY-MM``: the last month of the warehouses the benchmark builds."""
    result.add_argument(
        "--last-month",
        type=lambda s: dt.date.fromisoformat(f"{s}-01"),
        default=dt.date(2026, 10, 1),
        help="last month of the warehouses built (default 2026-10, the tests' demo)",
    )


def machine() -> dict[str, object]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = 0.0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) / (1024 * 1024)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    from importlib.metadata import version

    return {
        "cores": os.cpu_count(),
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
        "memory_gib": round(memory, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "streamlit": version("streamlit"),
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def _log(message: str) -> None:
    print(f"[bench {dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def script_command(url: str, page: str, rounds: int, first_only: bool = False) -> list[str]:
    """The command timing one page in a fresh process: with the warm-up first, as the
    server runs it at start-up (``python -m serve``), so that the cold run is the first
    visit the promise speaks of; then a load, the warm-up again and the first visit after
    it (``--after-load``: ``url`` must be a copy, it is written to). With ``first_only``,
    the first visits only (``--first-only``: no SQL floor, no empty page)."""
    return [
        sys.executable,
        "-m",
        "bench.script",
        url,
        page,
        "--rounds",
        str(rounds),
        "--warm-up",
        "--after-load",
        *(["--first-only"] if first_only else []),
    ]


Runner = Callable[..., subprocess.CompletedProcess[str]]
"""How a command is run: ``subprocess.run``, or a test's stand-in."""


def _one_process(command: list[str], run: Runner) -> dict[str, object]:
    """The JSON ``bench.script`` printed last, or ``{"error": …}`` (the end of its output)."""
    done = run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": (done.stderr or done.stdout).strip()[-500:]}
    return dict(json.loads(lines[-1]))


def _script(
    url: str, page: str, rounds: int, first_rounds: int = 1, run: Runner = subprocess.run
) -> dict[str, object]:
    """The page's figures from ``first_rounds`` fresh processes: the full run's, with its
    first visits (``cold_s``, ``after_load_first_s``) replaced by their medians over it and
    the ``first_rounds - 1`` processes after it that time the first visits only. The lists
    are kept (``cold_runs_s``, ``after_load_first_runs_s``, the full run's first), and the
    full run's own values (``cold_first_process_s``, ``after_load_first_first_process_s``);
    a process that failed is left out of the medians, its error in ``first_errors``. When
    the full run fails, the page's entry is its error and no other process is run."""
    full = _one_process(script_command(url, page, rounds), run)
    if "error" in full:
        return {"page": page, "error": full["error"]}
    processes = [full]
    errors: list[str] = []
    for _ in range(first_rounds - 1):
        extra = _one_process(script_command(url, page, 1, first_only=True), run)
        if "error" in extra:
            errors.append(str(extra["error"]))
        else:
            processes.append(extra)
    cold = [_seconds(p["cold_s"]) for p in processes]
    after_load = [
        _seconds(p["after_load_first_s"])
        for p in processes
        if p.get("after_load_first_s") is not None
    ]
    result = {
        **full,
        "cold_first_process_s": full["cold_s"],
        "after_load_first_first_process_s": full.get("after_load_first_s"),
        "cold_runs_s": cold,
        "after_load_first_runs_s": after_load,
        "first_errors": errors,
        "cold_s": statistics.median(cold),
    }
    if after_load:
        result["after_load_first_s"] = statistics.median(after_load)
    return result


def _seconds(value: object) -> float:
    if not isinstance(value, int | float):
        raise TypeError(f"bench.script gave {value!r} for a time")
    return float(value)


def run(args: argparse.Namespace) -> dict[str, object]:
    args.work.mkdir(parents=True, exist_ok=True)
    warehouses.DATABASE_PREFIX = args.db_prefix
    results: dict[str, object] = {
        "machine": machine(),
        "settings": {
            "tiers": args.tiers,
            "engines": args.engines,
            "pages": args.pages,
            "rounds": args.rounds,
            "first_rounds": args.first_rounds,
            "browser_rounds": args.browser_rounds,
            "warmups": args.warmups,
            "ingest_rows": args.ingest_rows,
            "ingest_rounds": args.ingest_rounds,
            "scenario_repeats": args.scenario_repeats,
            "skipped": args.skip,
            "meeting_minutes": args.meeting_minutes,
        },
        "not_measured": {},
        "runs": [],
        "ingest": {},
    }
    not_measured: dict[str, str] = results["not_measured"]  # type: ignore[assignment]
    runs: list[dict[str, object]] = results["runs"]  # type: ignore[assignment]
    engines = list(args.engines)
    if "postgresql" in engines:
        why = warehouses.postgres_available(args.postgres)
        if why:
            not_measured["postgresql"] = f"no PostgreSQL server at {args.postgres}: {why}"
            engines.remove("postgresql")
    browser_problem = browser.available() if "browser" not in args.skip else "skipped"
    if browser_problem and "browser" not in args.skip:
        not_measured["browser"] = browser_problem
    for engine in engines:
        for tier in args.tiers:
            url = (
                warehouses.sqlite_url(args.work, tier)
                if engine == "sqlite"
                else warehouses.postgres_url(args.postgres, tier)
            )
            entry: dict[str, object] = {"engine": engine, "tier": tier}
            stamps_file = args.work / "builds.json"
            stamps = json.loads(stamps_file.read_text()) if stamps_file.exists() else {}
            if args.reuse and _has_data(url):
                # The build time measured when this warehouse was built, if it was built
                # by the harness (var/bench/builds.json).
                entry["build"] = {
                    **stamps.get(f"{engine}/{tier}", {}),
                    "reused": True,
                    **warehouses.describe(url),
                }
            else:
                _log(f"building tier {tier} on {engine}")
                built = warehouses.build(url, tier, args.last_month)
                entry["build"] = built
                stamps[f"{engine}/{tier}"] = {
                    **built,
                    "built_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
                }
                stamps_file.write_text(json.dumps(stamps, indent=1) + "\n")
            _log(f"{engine} {tier}: {entry['build']}")
            if "script" not in args.skip:
                entry["script"] = _scripts(args, url, engine, tier)
            if not browser_problem:
                _log(f"{engine} {tier}: browser")
                entry["browser"] = browser.measure(
                    url, args.pages, args.browser_rounds, args.warmups, args.port
                )
            if "scenario" not in args.skip:
                _log(f"{engine} {tier}: scenario engine")
                from scenarios.bench import measure as scenario_measure

                entry["scenario"] = scenario_measure(url, repeats=args.scenario_repeats)
            runs.append(entry)
        if "ingest" not in args.skip:
            _log(f"{engine}: ingest of {args.ingest_rows:,} rows")
            results["ingest"][engine] = _ingest(args, engine)  # type: ignore[index]
    if args.meeting_minutes > 0:
        if browser_problem:
            not_measured["meeting"] = browser_problem
        elif engines:
            results["meeting"] = _meeting(args, engines[0], args.tiers[0])
    return results


def _meeting(args: argparse.Namespace, engine: str, tier: str) -> dict[str, object]:
    """Meeting mode left running on the tier's warehouse (it only reads it)."""
    from bench import meeting

    url = (
        warehouses.sqlite_url(args.work, tier)
        if engine == "sqlite"
        else warehouses.postgres_url(args.postgres, tier)
    )
    _log(f"{engine} {tier}: meeting mode for {args.meeting_minutes:g} min")
    return {
        "tier": tier,
        "engine": engine,
        **meeting.measure(url, args.meeting_minutes, meeting.MIN_INTERVAL_S, 30.0, args.port),
    }


def _scripts(args: argparse.Namespace, url: str, engine: str, tier: str) -> list[dict[str, object]]:
    """Every page's script times, on a copy of the tier's warehouse that the loads after
    the warm rounds write to (one batch per process, ``--first-rounds`` processes a page:
    the same ward's October sent again each time), removed afterwards."""
    copy = (
        warehouses.sqlite_url(args.work, f"{tier}_script")
        if engine == "sqlite"
        else warehouses.postgres_url(args.postgres, f"{tier}_script")
    )
    warehouses.copy_warehouse(url, copy)
    try:
        found = []
        for page in args.pages:
            _log(f"{engine} {tier}: script of {page}")
            found.append(_script(copy, page, args.rounds, args.first_rounds))
        return found
    finally:
        warehouses.drop(copy)


def _has_data(url: str) -> bool:
    from demo.build import count_observations

    try:
        return count_observations(url) > 0
    except Exception:
        return False


def _ingest(args: argparse.Namespace, engine: str) -> dict[str, object]:
    from bench import ingest

    if engine == "sqlite":
        source = warehouses.sqlite_url(args.work, "S")
        target = warehouses.sqlite_url(args.work, "ingest")
        scratch = warehouses.sqlite_url(args.work, "ingest_floor")
    else:
        source = warehouses.postgres_url(args.postgres, "S")
        target = warehouses.postgres_url(args.postgres, "ingest")
        scratch = warehouses.postgres_url(args.postgres, "ingest_floor")
    if not _has_data(source):
        warehouses.build(source, "S", args.last_month)
    warehouses.copy_warehouse(source, target)
    path = args.work / f"observations_{args.ingest_rows}_{engine}.csv"
    start = time.perf_counter()
    rows = ingest.write_observation_file(path, target, args.ingest_rows, args.last_month)
    written = time.perf_counter() - start

    def fresh_copy() -> str:
        # The same-table floor's own copy of tier S, afresh for each round.
        warehouses.copy_warehouse(source, scratch)
        return scratch

    try:
        result = ingest.measure(target, path, rows, args.ingest_rounds, scratch=fresh_copy)
    finally:
        warehouses.drop(scratch)
    result["file_written_s"] = written
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not re.fullmatch(r"\d+", str(args.port)) or not 1024 <= args.port < 65535:
        print("python -m bench: --port must be 1024..65534", file=sys.stderr)
        return 2
    results = run(args)
    results["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]  # type: ignore[index]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmarks.json").write_text(json.dumps(results, indent=1) + "\n")
    report.write(results, args.out / "benchmarks.md")
    _log(f"wrote {args.out / 'benchmarks.json'} and {args.out / 'benchmarks.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
