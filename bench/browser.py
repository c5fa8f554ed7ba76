"""Pages drawn in headless Chromium against an empty Streamlit page, and the app's memory.

The method the design uses to judge its performance promises: a new
browser page per load at 1366×1024; a page is drawn when the script has finished, no
skeleton is left, every plotly chart has drawn its SVG, every metric's chart is drawn and
every HTML block (``app_pages._ui.html_block``, a component that fills itself once mounted)
holds its HTML.
Warm-up loads first, then rounds alternating each page and the empty page; medians.

The app is served by ``python -m serve`` (``streamlit run app.py`` with the warm-up
started at server start) on the warehouse at ``url`` with the production settings of
``.streamlit/config.toml`` (the file watcher off here, as the issue's production settings
ask); the empty page by the same Streamlit with the same flags. The
app server's peak resident memory (``VmHWM``) is read from ``/proc`` after the run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.pages import page_url

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DRAWN = """() => { const a = document.querySelector('[data-testid="stApp"]');
  if (!a || a.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (!document.querySelector('[data-testid="stMainBlockContainer"], [data-testid="stMain"]'))
    return false;
  for (const t of document.querySelectorAll('.js-plotly-plot'))
    if (!t.querySelector('.main-svg')) return false;
  for (const b of document.querySelectorAll('[data-testid="stBidiComponentRegular"]'))
    if (!b.hasAttribute('data-block-drawn')) return false;
  for (const m of document.querySelectorAll('[data-testid="stMetric"]'))
    if (m.querySelector('[data-testid="stMetricChart"], .vega-embed')
        && !m.querySelector('svg path[d], canvas')) return false;
  return true; }"""
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def available() -> str | None:
    """Why the browser part cannot run, or None when it can."""
    if not os.path.exists(CHROMIUM):
        return f"no Chromium at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


def _serve(script: str, cwd: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    # The app through its serving entry point (serve.py: the warm-up starts with the
    # server, as in production); any other script (the empty page) through Streamlit's.
    command = ["-m", "serve"] if script == "app.py" else ["-m", "streamlit", "run", script]
    process = subprocess.Popen(
        [
            sys.executable,
            *command,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--server.runOnSave",
            "false",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"streamlit did not start on port {port}")


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set (``VmHWM``), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def measure(url: str, pages: list[str], rounds: int, warmups: int, port: int) -> dict[str, object]:
    """Drawn times (seconds) per page and of the empty page, and the app's peak memory."""
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "DASHBOARD_DB_URL": url}
    empty_dir = Path(tempfile.mkdtemp(prefix="bench-empty-"))
    (empty_dir / "empty.py").write_text("import streamlit as st\n")
    started = time.perf_counter()
    app = _serve("app.py", PROJECT_ROOT, port, env)
    server_start = time.perf_counter() - started
    empty = _serve("empty.py", empty_dir, port + 1, env)
    base = f"http://127.0.0.1:{port}"
    empty_url = f"http://127.0.0.1:{port + 1}/"
    times: dict[str, list[float]] = {p: [] for p in pages}
    empties: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

            def load(address: str) -> float:
                page = browser.new_page(viewport={"width": 1366, "height": 1024})
                start = time.perf_counter()
                page.goto(address, timeout=600_000)  # a large tier: the server may be busy
                page.wait_for_function(DRAWN, timeout=600_000)
                page.wait_for_timeout(0)
                took = time.perf_counter() - start
                page.close()
                return took

            # The first load of the Overview after the server started: the cold start.
            cold = load(page_url(base, "overview"))
            for _ in range(warmups):
                for name in pages:
                    load(page_url(base, name))
                load(empty_url)
            for _ in range(rounds):
                for name in pages:
                    times[name].append(load(page_url(base, name)))
                    empties.append(load(empty_url))
            browser.close()
        rss = peak_rss_mib(app.pid)
    finally:
        app.terminate()
        empty.terminate()
        app.wait(30)
        empty.wait(30)
    floor = statistics.median(empties)
    return {
        "server_start_s": server_start,
        "overview_cold_start_s": cold,
        "empty_s": empties,
        "empty_median_s": floor,
        "pages": {
            name: {
                "drawn_s": values,
                "drawn_median_s": statistics.median(values),
                "ratio_to_empty": statistics.median(values) / floor,
            }
            for name, values in times.items()
        },
        "app_peak_rss_mib": rss,
    }
