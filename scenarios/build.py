"""A baseline read from the warehouse through :mod:`data_access.queries` (the one door to
it), for the command line, the benchmark and the page's cached wrapper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
from sqlalchemy import Connection

from data_access import queries
from data_access.queries import UnitFilter
from metrics.backtest import BacktestReport
from metrics.projection import DEFAULT_SEED, project_year
from metrics.registry import get_indicator
from scenarios.baseline import GRDP, ONLINE, SIMULATED_CODES, Baseline, build_baseline


def read_inputs(
    conn: Connection, year: int, as_of: dt.datetime | None = None
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """The city series of the simulated indicators, the online share by unit so far in
    ``year``, and GRDP by sector by year."""
    series = {
        code: queries.scope_series(conn, code, UnitFilter(), as_of, "") for code in SIMULATED_CODES
    }
    online = series[ONLINE]
    in_year = online.loc[online["period_year"] == year, "period_month"]
    if in_year.empty:
        units = pd.DataFrame(columns=["unit_id", "name_vi", "name_en", "numerator", "denominator"])
    else:
        through = pd.Timestamp(in_year.max()).date()
        units = queries.unit_standing(conn, ONLINE, year, through, UnitFilter(), as_of)
    sectors = queries.breakdown_by_year(conn, GRDP, "sector", UnitFilter(), as_of)
    return series, units, sectors


def baseline_from_inputs(
    year: int,
    series: Mapping[str, pd.DataFrame],
    units: pd.DataFrame,
    sectors: pd.DataFrame,
    *,
    n_paths: int,
    seed: int = DEFAULT_SEED,
    reports: Mapping[str, BacktestReport] | None = None,
) -> Baseline:
    """Project each indicator (``n_paths`` paths, ``seed``) and assemble the baseline."""
    projections = {
        code: project_year(
            frame,
            get_indicator(code),
            year,
            n_paths=n_paths,
            seed=seed,
            backtest_report=(reports or {}).get(code),
        )
        for code, frame in series.items()
        if not frame.empty
    }
    return build_baseline(year, series, projections, units, sectors, n_paths=n_paths, seed=seed)


def baseline_from_warehouse(
    conn: Connection, year: int, *, n_paths: int, seed: int = DEFAULT_SEED
) -> Baseline:
    """Read the inputs and build the baseline of ``year``."""
    series, units, sectors = read_inputs(conn, year)
    return baseline_from_inputs(year, series, units, sectors, n_paths=n_paths, seed=seed)
