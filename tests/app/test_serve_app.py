"""The warm-up starts with the server (``python -m serve``), not with the first session.

Before ``serve.py``, ``streamlit run app.py`` started the warm-up thread from ``app.py``,
i.e. with the first session after a restart, so the very first visitor computed alongside
it. The real server test below opens no page at all and waits for the warm-up's figures.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from streamlit import runtime

import serve
from app_pages import _warm_up
from data_access import cached
from metrics.registry import HEADLINE_CODES
from tests.app.test_stored_reports_app import _rows
from tests.conftest import serve_app
from tests.ingest.warehouse import copy_sqlite


def test_the_warm_up_is_started_once_the_servers_runtime_exists(monkeypatch):
    """Figures computed before Streamlit's runtime exists would land in a cache of their
    own, so serve.py starts the warm-up only once it exists."""
    exists = {"value": False}
    started: list[bool] = []
    monkeypatch.setattr(runtime, "exists", lambda: exists["value"])
    monkeypatch.setattr(serve, "SERVER_WAIT_SECONDS", 0.01)
    monkeypatch.setattr(_warm_up, "start", lambda: started.append(exists["value"]) or True)
    thread = threading.Thread(target=serve._start_warm_up, daemon=True)
    thread.start()
    time.sleep(0.3)
    assert started == [], "not before the server's runtime exists"
    exists["value"] = True
    thread.join(10)
    assert started == [True]


def test_the_served_app_warms_up_before_anyone_visits(demo_warehouse_url, tmp_path: Path):
    """No page is opened: the warm-up's backtests appear in the warehouse's stored_reports
    and its line in the server's log. Served by plain `streamlit run app.py` (before
    serve.py) nothing was computed until a first session came."""
    url = copy_sqlite(demo_warehouse_url, str(tmp_path / "served.sqlite"))
    log_path = tmp_path / "server.log"
    env = {cached.WARM_UP_VARIABLE: "1", cached.STORED_REPORTS_VARIABLE: "1"}
    with serve_app(url, log_path, env=env):
        deadline = time.monotonic() + 600
        log = ""
        while time.monotonic() < deadline and "warm-up: data version" not in log:
            time.sleep(1)
            log = log_path.read_text(encoding="utf-8", errors="replace")
    assert sorted(code for code, _ in _rows(url)) == sorted(HEADLINE_CODES), log[-3000:]
    assert "warm-up: data version" in log, log[-3000:]
    # The app and its eleven pages compiled into the Runtime's script cache, so that no
    # first visit compiles its page (issue 12).
    assert "warm-up: 12 scripts compiled into the server's script cache" in log, log[-3000:]
    assert "Traceback" not in log
    assert "No runtime found" not in log, "the app's caches were declared before the runtime"
