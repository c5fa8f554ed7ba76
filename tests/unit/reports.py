"""Backtest reports of the test series, computed once per session.

A backtest takes about a second; most tests are about what is done with a report, so
they share one per series (``report_for("online", series, ONLINE)``).
"""

from __future__ import annotations

import pandas as pd

from metrics.backtest import BacktestReport, backtest
from metrics.registry import Indicator

_REPORTS: dict[str, BacktestReport] = {}


def report_for(key: str, series: pd.DataFrame, indicator: Indicator) -> BacktestReport:
    """The backtest of ``series``, computed once per session under ``key``."""
    if key not in _REPORTS:
        _REPORTS[key] = backtest(series, indicator)
    return _REPORTS[key]
