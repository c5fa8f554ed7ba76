"""The backtest's rules (metrics/backtest.py) that the sampled mutation reading (README)
found untested: the report of a series too short to test, the records the comparison
reads by default, the order of the scores, a disbursement target's certain bounds and the
volatility factor's window. Reports are built by hand or from series too short to fit a
model, so each test takes well under a second; every figure is worked out in a comment."""

from __future__ import annotations

import math
from typing import cast

import pandas as pd
import pytest
from scipy.special import expit

from metrics.backtest import (
    BacktestReport,
    Calibration,
    backtest,
    common_records,
    probability_of_target,
    summarize,
    volatility_factor,
)
from metrics.forecasting import Fitted, History
from metrics.periods import SeriesShape
from metrics.registry import get_indicator
from tests.unit.test_forecasting_rules import flow_history

ONLINE = get_indicator("online_dossier_share")  # a monthly flow
RECORD_COLUMNS = [
    "method", "year", "origin", "observed", "horizon", "judgement", "central", "anchor",
    "actual", "target", "comparator", "model", "factor", "shift",
]  # fmt: skip


def _series(months: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_year": [int(m[:4]) for m in months],
            "period_month": months,
            "numerator": [50.0] * len(months),
            "denominator": [100.0] * len(months),
        }
    )


def test_an_empty_series_gives_a_report_of_its_indicator_and_shape_with_no_record() -> None:
    report = backtest(_series([]), ONLINE)
    assert report == BacktestReport("online_dossier_share", SeriesShape.MONTHLY_FLOW, 12, None,
                                    pd.DataFrame(), {})  # fmt: skip
    assert report.records.empty
    assert list(report.records.columns) == RECORD_COLUMNS
    assert dict(report.fitted) == {}


def test_a_report_keeps_the_series_last_period() -> None:
    # January to June 2025: the last period is 2025 × 12 + 5 = 24305. Nothing is tested
    # (2025 has no year-end value yet), so no model forecasts.
    months = [f"2025-{m:02d}-01" for m in range(1, 7)]
    report = backtest(_series(months), ONLINE)
    assert (report.indicator_code, report.shape, report.period, report.last_index) == (
        "online_dossier_share",
        SeriesShape.MONTHLY_FLOW,
        12,
        24305,
    )
    assert report.records.empty


def test_the_comparison_reads_the_year_end_records_by_default() -> None:
    # A yearly report (period 1) with one year-end record of drift for 2024 and one
    # extension record: one full year (1 origin of 1) at the year end, the 1 year needed.
    records = pd.DataFrame(
        [
            ("drift", 2024, 2023, 0, 1, "year_end", 50.0, 0.0, 52.0, 60.0, ">=", "drift", 1.0, 0.0),
            (
                "drift",
                2024,
                2023,
                0,
                2,
                "extension",
                50.0,
                0.0,
                53.0,
                60.0,
                ">=",
                "drift",
                1.0,
                0.0,
            ),
        ],
        columns=RECORD_COLUMNS,
    )
    fitted = {("drift", 2024): Fitted("drift", 2024, "random walk with drift", (), None, 5)}
    report = BacktestReport("online_dossier_share", SeriesShape.ANNUAL, 1, 2024, records, fitted)
    shared, years, methods, excluded = common_records(report)
    assert (years, methods, excluded) == ((2024,), ("drift",), ())
    assert shared["judgement"].tolist() == ["year_end"]


def test_the_scores_after_the_chosen_method_are_in_order_of_their_mae() -> None:
    # One test year (2023) of a yearly report, one origin each; the year ended at 50.
    # MAE: seasonal_profile |50.5 - 50| = 0.5, drift |51.2 - 50| = 1.2, ets 1.4. The rule
    # (seasonal_profile) is best, so it stays; the others follow by MAE, drift before ets
    # (their MAEs differ only after the decimal point).
    rows = [
        (method, 2023, 2022, 0, 1, "year_end", central, 0.0, 50.0, math.nan, "", method, 1.0, 0.0)
        for method, central in (("seasonal_profile", 50.5), ("ets", 51.4), ("drift", 51.2))
    ]
    records = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    fitted = {
        (method, 2023): Fitted(method, 2023, method, (), None, 5)  # type: ignore[arg-type]
        for method in ("seasonal_profile", "ets", "drift")
    }
    report = BacktestReport("online_dossier_share", SeriesShape.ANNUAL, 1, 2023, records, fitted)
    summary = summarize(report)
    assert summary.chosen == "seasonal_profile"
    assert [s.method for s in summary.scores] == ["seasonal_profile", "drift", "ets"]
    assert [s.mae for s in summary.scores] == pytest.approx([0.5, 1.2, 1.4])


def test_a_disbursement_report_is_certain_at_or_beyond_its_bounds() -> None:
    # Disbursement: a target already reached by the year to date (anchor 60 >= 50) is met
    # for sure; one above the cap (max(100, anchor) = 100) never is. No calibration is
    # read for either, so none is given.
    report = BacktestReport("public_investment_disbursement", SeriesShape.CUMULATIVE, 12,
                            24300, pd.DataFrame(), {})  # fmt: skip
    none = cast(Calibration, None)
    assert probability_of_target(report, none, 0.0, 1, 60.0, 50.0, ">=") == 1.0
    assert probability_of_target(report, none, 0.0, 1, 60.0, 150.0, ">=") == 0.0


def _logit_history(logits: list[float], first: int) -> History:
    """A monthly history whose rates have exactly these logits (denominators 100)."""
    numerators = [100.0 * float(expit(a)) for a in logits]
    return flow_history(numerators, [100.0] * len(logits), first=first)


def test_the_volatility_factor_is_the_last_half_years_rms_change_over_the_earlier_ones() -> None:
    # Logits of January to December 2020: 0, 0.1, 0, 0.1, …: eleven changes of ±0.1 before
    # 2021 (RMS 0.1). January to June 2021: -0.2, 0.1, -0.2, 0.1, -0.2, 0.1: six changes of
    # ±0.3 ending in the last six months up to the origin, June 2021 (RMS 0.3).
    # December 2020's change (+0.1, ending seven months before June) is not among them:
    # with it the RMS would be sqrt((6 × 0.09 + 0.01) / 7) = 0.2803.
    # Factor: 0.3 / 0.1 = 3.
    logits = [0.0 if m % 2 == 0 else 0.1 for m in range(12)] + [-0.2, 0.1] * 3
    history = _logit_history(logits, first=2020 * 12)
    assert volatility_factor(history, 2021, 2021 * 12 + 5) == pytest.approx(3.0, rel=1e-6)
