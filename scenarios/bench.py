"""The scenario benchmark: ``python -m scenarios.bench`` (or ``make bench``).

Prints how long a scenario of 10,000 simulated paths for the four headline indicators
takes, and a full tornado sweep (every lever over its bounds, for each indicator). The
baseline (backtests and projections) is built first and timed apart: it is computed when
data change, not per scenario. A benchmark, not a timed test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import cast

from data_access.engine import database_url, describe_url, make_engine
from data_access.queries import latest_data_year
from metrics.clock import city_today, last_complete_month
from metrics.projection import DEFAULT_SEED
from metrics.registry import HEADLINE_CODES
from scenarios import engine
from scenarios.analysis import tornado
from scenarios.build import baseline_from_warehouse
from scenarios.levers import load_catalogue

N_PATHS = 10_000
REPEATS = 7


def _timed(action: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def measure(
    url: str, *, year: int | None = None, paths: int = N_PATHS, repeats: int = REPEATS
) -> dict[str, object] | None:
    """The baseline's build time, and the times of a scenario of ``paths`` paths and of a
    tornado sweep (seconds, ``repeats`` runs each; the sweep half as many). None when the
    warehouse holds no data."""
    db = make_engine(url)
    try:
        with db.connect() as conn:
            year = year or latest_data_year(
                conn, HEADLINE_CODES, last_complete_month(city_today()), None
            )
            if year is None:
                return None
            start = time.perf_counter()
            baseline = baseline_from_warehouse(conn, year, n_paths=paths, seed=DEFAULT_SEED)
            built = time.perf_counter() - start
    finally:
        db.dispose()
    economy = baseline.economy
    overrides: dict[str, dict[str, object]] = {
        "online_extra_growth": {"pp_per_month": 1.0, "lowest_n": 40},
        "processing_time": {"on_time_pp": 5.0},
        "disbursement_curve": {"mode": "milestones"},
        "capital_plan_change": {"change_pct": -5.0},
    }
    if economy is not None:
        overrides["sector_closure"] = {
            "sectors": list(economy.sector_codes[:3]),
            "start_month": f"{year}-{baseline.indicators[engine.DIGITAL].first_projected.month:02d}"
            if engine.DIGITAL in baseline.indicators
            else f"{year}-11",
            "reopen_month": f"{year + 1}-01",
        }
    active = {
        code: params
        for code, params in overrides.items()
        if all(i in baseline.indicators for i in load_catalogue().lever(code).indicators)
    }
    chosen = engine.scenario(baseline, "bench", active)
    runs = _timed(lambda: engine.simulate(baseline, chosen), repeats)

    def sweep() -> None:
        for code in baseline.indicators:
            tornado(baseline, chosen, code, "probability")

    sweeps = _timed(sweep, max(1, repeats // 2))
    return {
        "year": year,
        "paths": paths,
        "indicators": list(baseline.indicators),
        "baseline_s": built,
        "scenario_s": runs,
        "scenario_median_s": statistics.median(runs),
        "tornado_s": sweeps,
        "tornado_median_s": statistics.median(sweeps),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scenarios.bench", description=__doc__)
    parser.add_argument("--url", help="warehouse URL (default: $DASHBOARD_DB_URL or the demo)")
    parser.add_argument("--year", type=int, help="scenario year (default: the latest with data)")
    parser.add_argument("--paths", type=int, default=N_PATHS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    url = args.url or database_url()
    result = measure(url, year=args.year, paths=args.paths, repeats=args.repeats)
    if result is None:
        print(f"{describe_url(url)} holds no data: build the demo with `make demo`")
        return 2
    runs = cast(list[float], result["scenario_s"])
    sweeps = cast(list[float], result["tornado_s"])
    indicators = cast(list[str], result["indicators"])
    print(f"warehouse: {describe_url(url)}; year {result['year']}; {args.paths:,} paths")
    print(f"baseline (backtests + projections, once per data load): {result['baseline_s']:.2f} s")
    print(f"indicators simulated: {', '.join(indicators) or 'none'}")
    print(
        f"scenario, {args.paths:,} paths × {len(indicators)} indicators: "
        f"median {statistics.median(runs) * 1000:.1f} ms, worst {max(runs) * 1000:.1f} ms "
        f"({args.repeats} runs; promise: under 1 s)"
    )
    print(
        f"tornado sweep (every lever × both bounds × {len(indicators)} indicators): "
        f"median {statistics.median(sweeps) * 1000:.1f} ms, worst {max(sweeps) * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
