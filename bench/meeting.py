"""A long meeting-mode run: is the app's memory flat while a tablet shows the slides?

    python -m bench.meeting URL [--minutes 60] [--interval 3] [--sample-s 30]
                            [--out DIR] [--port P] [--tier S] [--engine sqlite]

Serves the app on the warehouse at ``URL`` (``python -m serve``, the production settings,
as ``bench.browser`` does), opens meeting mode in headless Chromium at 1366×1024 with the
shortest interval between slides the page allows (``?interval=3``, :data:`MIN_INTERVAL_S`,
so that many slides go by), and leaves it alone: the page's own fragments move the slides
and refresh the clock. Every ``--sample-s`` seconds it reads the app process's resident
memory (``VmRSS``), the tab's JavaScript heap after a garbage collection (CDP
``Performance.getMetrics``, ``JSHeapUsedSize``: what a tablet left on all day would keep)
and the slide on screen; a change of slide seen is a rotation (the slide is read every
second, so none is missed at 3 s a slide). At the end: the app's peak memory (``VmHWM``).

Writes ``DIR/benchmarks.json`` (a harness result with no page runs and a ``meeting`` part,
which ``python -m bench.report`` merges with the others) and its table ``DIR/benchmarks.md``;
``bench.report`` judges the promise (the app's memory at the end within 10 % of its memory
after the first five minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import browser
from metrics.meeting import MIN_INTERVAL_S, PAGE_PATH

POSITION = re.compile(r"(?:Slide|Trang)\s+(\d+)\s*(?:of|/)\s*(\d+)")
"""The slide counter under the slide (``meeting_position``: "Slide 3 of 12", "Trang 3/12")."""
READ_SLIDE = """() => { const c = document.querySelector('.st-key-meeting-controls');
  return c ? c.innerText : null; }"""
TRACEBACKS = """() => document.querySelectorAll('[data-testid="stException"]').length"""


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    """A ``/proc/PID/status`` memory field (``VmRSS``, ``VmHWM``), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def slide_position(text: str | None) -> tuple[int, int] | None:
    """(slide, of how many) from the controls' text, or None when none is on screen.

    >>> slide_position("Slide 3 of 12 · next slide every 3 s")
    (3, 12)
    >>> slide_position("Trang 4/9 · tự chuyển trang mỗi 3 giây")
    (4, 9)
    >>> slide_position(None)
    """
    found = POSITION.search(text or "")
    return (int(found.group(1)), int(found.group(2))) if found else None


def measure(
    url: str,
    minutes: float,
    interval: int,
    sample_s: float,
    port: int,
    progress: Path | None = None,
) -> dict[str, object]:
    """Serve the app on ``url``, show meeting mode for ``minutes`` and sample its memory;
    the samples so far are written to ``progress`` (JSON lines) as they are taken, so a run
    stopped early still leaves them."""
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "DASHBOARD_DB_URL": url}
    app = browser._serve("app.py", browser.PROJECT_ROOT, port, env)
    address = f"http://127.0.0.1:{port}/{PAGE_PATH}?interval={interval}"
    samples: list[dict[str, Any]] = []
    rotations = 0
    slides_total = 0
    unreadable = 0
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=browser.CHROMIUM, args=browser.ARGS
            )
            page = chromium.new_page(viewport={"width": 1366, "height": 1024})
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")

            def js_heap_mib() -> float:
                cdp.send("HeapProfiler.collectGarbage")
                metrics = cdp.send("Performance.getMetrics")["metrics"]
                used = next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize")
                return float(used) / (1024 * 1024)

            page.goto(address, timeout=600_000)  # a busy machine: minutes, not 30 s
            page.wait_for_function(browser.DRAWN, timeout=600_000)
            page.wait_for_function(f"() => ({READ_SLIDE})() !== null", timeout=600_000)
            start = time.monotonic()
            last = slide_position(page.evaluate(READ_SLIDE))
            next_sample = start

            def sample(now: float) -> None:
                samples.append(
                    {
                        "t_s": round(now - start, 1),
                        "rss_mib": round(rss_mib(app.pid), 1),
                        "js_heap_mib": round(js_heap_mib(), 2),
                        "rotations": rotations,
                        "slide": list(last) if last else None,
                        "load_average": [round(v, 2) for v in os.getloadavg()],
                    }
                )
                if progress is not None:
                    with progress.open("a") as file:
                        file.write(json.dumps(samples[-1]) + "\n")

            end = start + minutes * 60
            while True:
                now = time.monotonic()
                if now >= next_sample:
                    sample(now)
                    while next_sample <= now:  # a late sample does not bring a burst
                        next_sample += sample_s
                if now >= end:
                    break
                page.wait_for_timeout(1000)
                seen = slide_position(page.evaluate(READ_SLIDE))
                if seen is None:
                    unreadable += 1
                elif seen != last:
                    if last is not None:
                        rotations += 1
                    last = seen
                if seen:
                    slides_total = max(slides_total, seen[1])
            if samples[-1]["t_s"] < round(time.monotonic() - start, 1) - 1:
                sample(time.monotonic())
            tracebacks = int(page.evaluate(TRACEBACKS))
            chromium.close()
        hwm = rss_mib(app.pid, "VmHWM")
    finally:
        app.terminate()
        try:
            app.wait(30)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(30)
    return {
        "page": address.removeprefix(f"http://127.0.0.1:{port}"),
        "minutes": minutes,
        "interval_s": interval,
        "sample_s": sample_s,
        "samples": samples,
        "rotations": rotations,
        "slides": slides_total,
        "slide_unreadable_reads": unreadable,
        "tracebacks_on_screen": tracebacks,
        "app_peak_rss_mib": round(hwm, 1),
    }


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(
        prog="python -m bench.meeting",
        description="Meeting mode left running: the app's memory and the tab's JS heap.",
    )
    result.add_argument("url", help="the warehouse (DASHBOARD_DB_URL); use a copy")
    result.add_argument("--minutes", type=float, default=60.0)
    result.add_argument(
        "--interval",
        type=int,
        default=MIN_INTERVAL_S,
        help="seconds a slide (the page's ?interval=)",
    )
    result.add_argument("--sample-s", type=float, default=30.0, help="seconds between samples")
    result.add_argument(
        "--out", type=Path, default=browser.PROJECT_ROOT / "var" / "bench" / "meeting"
    )
    result.add_argument("--port", type=int, default=8638)
    result.add_argument("--tier", default="S", help="the warehouse's tier, for the report")
    result.add_argument("--engine", default="sqlite", help="its engine, for the report")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    from bench import report
    from bench.__main__ import machine

    args = parser().parse_args(argv)
    # Stopped by SIGTERM, the run still stops the server and the browser it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not 1024 <= args.port < 65535 or args.minutes <= 0 or args.sample_s <= 0:
        print(
            "python -m bench.meeting: --port 1024..65534, --minutes and --sample-s > 0",
            file=sys.stderr,
        )
        return 2
    problem = browser.available()
    if problem:
        print(f"python -m bench.meeting: {problem}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "meeting_samples.jsonl").unlink(missing_ok=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "settings": {"tiers": [args.tier], "engines": [], "skipped": []},
        "not_measured": {},
        "runs": [],
        "ingest": {},
    }
    results["meeting"] = {
        "tier": args.tier,
        "engine": args.engine,
        **measure(
            args.url,
            args.minutes,
            args.interval,
            args.sample_s,
            args.port,
            progress=args.out / "meeting_samples.jsonl",
        ),
    }
    results["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    results["machine"]["date_end_utc"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmarks.json").write_text(json.dumps(results, indent=1) + "\n")
    report.write(results, args.out / "benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
