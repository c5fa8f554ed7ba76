"""Where a page's server time goes: ``python -m bench.profile URL PAGE [--top N]``.

Runs the page in AppTest as ``bench.script`` does (a cold run, then a warm one) under
cProfile and prints, for each, the functions of this project (and the heaviest library
calls) by cumulative time. With ``--after-load``, one batch is then loaded (as
``bench.script --after-load`` does: give it a copy of the warehouse), the warm-up run again
when asked, and the first run after the load and a warm one profiled too. The figures
behind the "what is slow" notes of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import threading
from collections.abc import Sequence
from typing import Any

from bench.pages import PAGES


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("page", choices=sorted(PAGES))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--warm-up",
        action="store_true",
        help="run the app's warm-up first (the cold run is then the first visit after it)",
    )
    parser.add_argument(
        "--all", action="store_true", help="list library functions too, not only the project's"
    )
    parser.add_argument(
        "--after-load",
        action="store_true",
        help="then load one batch (writes to the warehouse) and profile the runs after it",
    )
    args = parser.parse_args(argv)
    from bench.script import _load_one_batch, _run, _share_script_cache, _test_app

    os.environ["DASHBOARD_DB_URL"] = args.url
    os.environ["DASHBOARD_WARM_UP"] = "0"
    _share_script_cache()  # before the warm-up, which compiles the scripts into it
    if args.warm_up:
        from app_pages import _warm_up

        _warm_up.warm_up()
    app = _test_app(args.page)
    _profile_runs(app, args, ("cold", "warm"), _run)
    if args.after_load:
        from data_access import cached

        _load_one_batch(args.url)
        cached.data_changed()
        if args.warm_up:
            from app_pages import _warm_up

            _warm_up.warm_up()
        _profile_runs(app, args, ("first after the load", "warm after the load"), _run)
    return 0


def _profile_runs(app: Any, args: argparse.Namespace, labels: tuple[str, ...], run: Any) -> None:
    """Run the page once per label under cProfile; print each run's profile."""
    for label in labels:
        # AppTest runs the script in a thread of its own: profile every thread started
        # during the run (each gets its own profiler on its first event).
        profiles: list[cProfile.Profile] = []

        def start(
            frame: object, event: str, arg: object, found: list[cProfile.Profile] = profiles
        ) -> None:
            profile = cProfile.Profile()
            found.append(profile)
            profile.enable()

        threading.setprofile(start)
        took = run(app)
        threading.setprofile(None)
        out = io.StringIO()
        stats = pstats.Stats(*profiles, stream=out).sort_stats("cumulative")
        project = r"(app_pages|metrics|data_access|charts|scenarios|i18n)/"
        stats.print_stats(*(() if args.all else (project,)), args.top)
        print(f"=== {args.page} {label} run: {took:.2f} s ===")
        print(out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
