"""Server-side script times of one page, in a fresh process: ``python -m bench.script``.

    python -m bench.script URL PAGE [--rounds N] [--warm-up] [--after-load] [--first-only]

Prints one JSON object. In this process, with ``DASHBOARD_DB_URL=URL``:

1. **cold**: the page's first run (AppTest: the app's frame runs once first on the Overview,
   because AppTest can switch pages only after a run; for the Overview itself that first
   run is the cold one). Every SQL statement the page sends during that run is recorded
   (with ``--warm-up``, in one more, untimed run with Streamlit's caches emptied: after
   the warm-up the cold run finds most of its figures in them).
2. **warm**: ``N`` more runs of the same page (Streamlit's caches now hold its figures).
3. **SQL floor**: the recorded statements sent again, bare, on a DBAPI connection of their
   own (no pandas, no SQLAlchemy), each result fetched in full: the database work behind
   the page's numbers. ``N`` times; each time the sum over statements.
4. **empty-page floor**: an empty Streamlit script (``import streamlit as st``) run ``N``
   times in AppTest after one warm-up run.

Rounds are interleaved (page, floor, empty) so that load from other processes falls on all
three alike; the medians are reported.

With ``--warm-up``, the process first runs the app's warm-up (``app_pages._warm_up.warm_up``,
what the server's background thread does at start-up) and times it; the cold run is then the
first visit after a restart once the warm-up has finished. The background thread itself is
off in this process (``DASHBOARD_WARM_UP=0``) either way, so it never runs alongside a timed
run. The warm-up may read backtests kept by an earlier process (``stored_reports``); the
statements on that table are the app's own cache, not the page's SQL floor, and are not
replayed.

With ``--after-load``, after the warm rounds a batch is loaded (one ward's October of the
online share, 1,000 more dossiers, as ``tests/app/test_warm_up_app.py`` does), the caches
are told as the Data page tells them (``cached.data_changed``), the warm-up runs again
(with ``--warm-up``; what the thread woken by the load does) and is timed, then the first
visit after the load and ``N`` more are timed. The load writes to the warehouse: give it a
copy. Each process loads one batch.

With ``--first-only``, the process times the first visits and little else, for a median
of first visits over fresh processes (``python -m bench`` runs one full process a page, then
``--first-rounds`` - 1 of these): the warm-up (with ``--warm-up``) and the cold run as
above, then the ``N`` warm runs alone (``--rounds 1`` is enough), and with ``--after-load``
the load, the warm-up, the first visit after it and ``N`` more. It leaves out what only the
full run needs: the statement recording (its extra untimed run with the caches emptied),
the SQL floor and the empty page. Its JSON says ``"first_only": true`` and holds the
warm-up, cold, warm and after-load figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.pages import PAGES, page_file

_RECORDED: list[tuple[str, Any, bool]] = []
_RECORDING = {"on": False}


def _record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
    if _RECORDING["on"]:
        _RECORDED.append((statement, parameters, executemany))


def _run(app: Any) -> float:
    start = time.perf_counter()
    app.run()
    took = time.perf_counter() - start
    if app.exception:
        raise RuntimeError(f"the page raised: {[e.value for e in app.exception]}")
    return took


def _replay(url: str, statements: list[tuple[str, Any, bool]]) -> float:
    """Send ``statements`` bare on a DBAPI connection of their own; seconds taken."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        start = time.perf_counter()
        for statement, parameters, executemany in statements:
            if executemany:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
        took = time.perf_counter() - start
        raw.rollback()
    finally:
        raw.close()
        engine.dispose()
    return took


def _record_page_statements(app: Any) -> None:
    """Record every statement the page sends for its figures: once the warm-up has run,
    the cold run finds most of them in the caches, so the caches are emptied and the page
    run once more (untimed; it fills them again for the warm rounds)."""
    from data_access import cached

    cached.forget_reads()
    _RECORDING["on"] = True
    try:
        _run(app)
    finally:
        _RECORDING["on"] = False


_COMPONENTS: list[Any] = []
_SCRIPTS: list[Any] = []


def _with_components(app: Any) -> Any:
    """``app`` with Streamlit's component registry already made, and its scripts compiled
    once per process, as a served app has them.

    - **The component registry.** AppTest discovers the installed components at its first
      run, per instance (``BidiComponentManager.discover_and_register_components``: 24 ms
      under the profiler, plus the package metadata it lists); a served app does it once
      when its Runtime starts, before any visitor (``runtime/runtime.py``). Made once per
      process, untimed, and given to every AppTest here, so that a first run times the
      page, not the test harness (it counted against the Overview's first visit only:
      every other page's first run follows an untimed Overview run of the same AppTest).
      Streamlit 1.67's private ``_bidi_component_manager``; left alone when an AppTest has
      no such attribute.
    - **The script cache.** AppTest makes a new ``ScriptCache`` at every run (``app_test.py``
      for the page scripts, ``local_script_runner.py`` for ``app.py``), so every warm run
      compiled ``app.py`` and the page again (0.3-2.3 ms each, a sixth of a 14 ms page);
      a served app's Runtime makes one when it starts and keeps every script's bytecode
      for its lifetime (``runtime.py``: ``self._script_cache = ScriptCache()``, given to
      every session). One cache per process here: the first run of a script still
      compiles it, as the first visit after a restart does. Both of Streamlit 1.67's
      module names are replaced; left alone when either is not this Streamlit's."""
    _share_script_cache()
    if getattr(app, "_bidi_component_manager", False) is not None:
        return app  # not this Streamlit's AppTest, or a registry given already
    if not _COMPONENTS:
        from streamlit.components.v2.component_manager import BidiComponentManager

        manager = BidiComponentManager()
        manager.discover_and_register_components(start_file_watching=False)
        _COMPONENTS.append(manager)
    app._bidi_component_manager = _COMPONENTS[0]
    return app


def _share_script_cache() -> None:
    """AppTest's runs of this process share one ``ScriptCache`` (:func:`_with_components`)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    modules = (app_test, local_script_runner)
    if any(getattr(module, "ScriptCache", None) is not ScriptCache for module in modules):
        return  # shared already, or not this Streamlit's AppTest
    if not _SCRIPTS:
        _SCRIPTS.append(ScriptCache())
    shared = _SCRIPTS[0]
    for module in modules:
        module.ScriptCache = lambda: shared  # type: ignore[attr-defined]
    # The warm-up compiles every script into the server's cache (_warm_up.compile_scripts):
    # this process's shared cache stands for it.
    from app_pages import _warm_up

    _warm_up.server_script_cache = lambda: shared


def _test_app(page: str) -> Any:
    """The app in AppTest, ready for the page's first run (on the page)."""
    from streamlit.testing.v1 import AppTest

    from data_access.engine import PROJECT_ROOT

    app = _with_components(AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=600))
    for key, value in PAGES[page].params.items():
        app.query_params[key] = value
    if page != "overview":
        _run(app)
        app.switch_page(page_file(page))
    return app


def _load_one_batch(url: str) -> None:
    """One ward's October of the online share sent again with 1,000 more dossiers."""
    import datetime as dt

    import pandas as pd
    from sqlalchemy import text

    from data_access import writes
    from data_access.engine import make_engine

    code, ward, october = "online_dossier_share", "26737", dt.date(2026, 10, 1)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            numerator, denominator = conn.execute(
                text(
                    "SELECT numerator, denominator FROM observations WHERE indicator_id = :c "
                    "AND unit_id = :u AND breakdown_key = '' AND superseded_at IS NULL "
                    "AND period_month = :m"
                ),
                {"c": code, "u": ward, "m": october},
            ).one()
            rows = pd.DataFrame(
                [
                    {
                        "indicator_id": code,
                        "unit_id": ward,
                        "period_year": 2026,
                        "period_month": october,
                        "value": 100 * (numerator + 1000) / (denominator + 1000),
                        "numerator": numerator + 1000,
                        "denominator": denominator + 1000,
                    }
                ]
            )
            writes.load_observation_batch(
                conn,
                rows,
                submission_key=f"bench-after-load-{time.time_ns()}",
                source_name="bench",
                submitted_by="bench",
            )
    finally:
        engine.dispose()


def _after_load(url: str, app: Any, rounds: int, warm_up: bool) -> dict[str, object]:
    from data_access import cached

    _load_one_batch(url)
    cached.data_changed()
    warm_up_s = None
    if warm_up:
        from app_pages import _warm_up

        start = time.perf_counter()
        if _warm_up.warm_up() is None:
            raise RuntimeError("the warm-up could not read the warehouse")
        warm_up_s = time.perf_counter() - start
    first = _run(app)
    again = [_run(app) for _ in range(rounds)]
    return {
        "after_load_warm_up_s": warm_up_s,
        "after_load_first_s": first,
        "after_load_warm_s": again,
        "after_load_warm_median_s": statistics.median(again),
    }


def measure(
    url: str,
    page: str,
    rounds: int,
    warm_up: bool = False,
    after_load_batch: bool = False,
    first_only: bool = False,
) -> dict[str, object]:
    """The page's cold, warm, SQL-floor and empty-page times (seconds); with ``warm_up``,
    the cold run comes after the app's warm-up, whose time is reported too. With
    ``first_only``, the cold, warm and after-load times only (no statement recording, no
    SQL floor, no empty page)."""
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DB_URL"] = url
    os.environ["DASHBOARD_WARM_UP"] = "0"  # no background thread beside a timed run
    _share_script_cache()  # before the warm-up, which compiles the scripts into it
    warm_up_s = None
    if warm_up:
        from app_pages import _warm_up

        start = time.perf_counter()
        if _warm_up.warm_up() is None:
            raise RuntimeError("the warm-up could not read the warehouse")
        warm_up_s = time.perf_counter() - start
    # Listened to in both modes, so that the timed cold run goes through the same hook.
    event.listen(Engine, "before_cursor_execute", _record)
    app = _test_app(page)
    if first_only:
        return _first_only(url, page, app, rounds, warm_up, warm_up_s, after_load_batch)
    _RECORDING["on"] = not warm_up
    cold = _run(app)
    _RECORDING["on"] = False
    if warm_up:
        _record_page_statements(app)
    statements = [
        s
        for s in _RECORDED
        if s[0].lstrip().upper().startswith(("SELECT", "WITH")) and "stored_reports" not in s[0]
    ]
    empty = _with_components(AppTest.from_string("import streamlit as st\n", default_timeout=60))
    _run(empty)
    warm: list[float] = []
    floor: list[float] = []
    empties: list[float] = []
    for _ in range(rounds):
        warm.append(_run(app))
        floor.append(_replay(url, statements))
        empties.append(_run(empty))
    after_load: dict[str, object] = {}
    if after_load_batch:
        after_load = _after_load(url, app, rounds, warm_up)
    return {
        "page": page,
        **after_load,
        "warm_up_s": warm_up_s,
        "cold_s": cold,
        "warm_s": warm,
        "warm_median_s": statistics.median(warm),
        "sql_statements": len(statements),
        "sql_floor_s": floor,
        "sql_floor_median_s": statistics.median(floor),
        "empty_s": empties,
        "empty_median_s": statistics.median(empties),
    }


def _first_only(
    url: str,
    page: str,
    app: Any,
    rounds: int,
    warm_up: bool,
    warm_up_s: float | None,
    after_load_batch: bool,
) -> dict[str, object]:
    """The cold run (after the warm-up, when ``warm_up``), ``rounds`` warm runs and, with
    ``after_load_batch``, the first visit after a load: ``measure(first_only=True)``."""
    cold = _run(app)
    warm = [_run(app) for _ in range(rounds)]
    after_load = _after_load(url, app, rounds, warm_up) if after_load_batch else {}
    return {
        "page": page,
        "first_only": True,
        **after_load,
        "warm_up_s": warm_up_s,
        "cold_s": cold,
        "warm_s": warm,
        "warm_median_s": statistics.median(warm),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.script", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("page", choices=sorted(PAGES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--warm-up", action="store_true", help="run the app's warm-up before the cold run"
    )
    parser.add_argument(
        "--after-load",
        action="store_true",
        help="then load a batch and time the first visit after it (writes to the warehouse)",
    )
    parser.add_argument(
        "--first-only",
        action="store_true",
        help="time the first visits only (and the warm runs): no statement recording, SQL "
        "floor or empty page; for a median of first visits over fresh processes",
    )
    args = parser.parse_args(argv)
    print(
        json.dumps(
            measure(
                args.url, args.page, args.rounds, args.warm_up, args.after_load, args.first_only
            )
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
