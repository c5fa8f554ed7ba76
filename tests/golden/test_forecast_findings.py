"""Regression tests for the forecasting findings of issue 7, on the demo warehouse.

Each of these failed with the engine before the backtest (ETS by AICc, model-implied
bands, December as the end of the plan year):

1. Disbursement in 2025 went off track → at risk → on track (P = 0.93 in July) → off
   track (P = 0.02 in September), while the year ended at 80.5 % against 95 %.
2. Disbursement stopped at 31 December: the 31 January figure (91.4 % for 2025, the one
   the city publishes) was neither projected nor judged.
3. Online-share bands were model-implied, narrower than the errors of past years
   (tests/unit/test_projection.py::test_finding_3_past_breaks_widen_todays_band).
4. In a first plan year the drift fallback gave 100 % with a 100–100 interval.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from data_access import queries
from data_access.engine import make_engine
from metrics.backtest import BacktestReport, backtest
from metrics.projection import project_year
from metrics.registry import Target, get_indicator
from metrics.review import year_result

DISBURSEMENT = get_indicator("public_investment_disbursement")
N_PATHS = 500


@pytest.fixture(scope="module")
def series(demo_warehouse_url: str) -> dict[str, pd.DataFrame]:
    engine = make_engine(demo_warehouse_url)
    with engine.connect() as conn:
        out = {DISBURSEMENT.code: queries.scope_series(conn, DISBURSEMENT.code)}
    engine.dispose()
    return out


@pytest.fixture(scope="module")
def disbursement_report(series: dict[str, pd.DataFrame]) -> BacktestReport:
    return backtest(series[DISBURSEMENT.code], DISBURSEMENT)


def _as_of(frame: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    return frame.loc[frame["period_month"] <= pd.Timestamp(year, month, 1)]


def _due_31_january(year: int, value: float) -> Target:
    return Target(
        year=year,
        value=value,
        comparator=">=",
        due_date=dt.date(year + 1, 1, 31),
        source_vi="thử",
        source_en="test",
        source_url="https://example.org",
    )


def test_finding_1_disbursement_2025_is_never_called_on_track(
    series: dict[str, pd.DataFrame], disbursement_report: BacktestReport
) -> None:
    frame = series[DISBURSEMENT.code]
    probabilities = []
    for month in range(1, 12):
        projection = project_year(
            _as_of(frame, 2025, month),
            DISBURSEMENT,
            2025,
            n_paths=N_PATHS,
            backtest_report=disbursement_report,
        )
        assert projection.probability is not None
        probabilities.append(projection.probability)
    # The year ended at 80.5 % of the plan against 95 %: no month may put it on track
    # (P ≥ 0.75), nor even at risk (P ≥ 0.25).
    assert max(probabilities) < 0.25, probabilities


def test_finding_2_disbursement_runs_to_31_january(
    series: dict[str, pd.DataFrame], disbursement_report: BacktestReport
) -> None:
    frame = series[DISBURSEMENT.code]
    projection = project_year(
        _as_of(frame, 2025, 11), DISBURSEMENT, 2025, backtest_report=disbursement_report
    )
    assert projection.fan["period_month"].iloc[-1] == pd.Timestamp(2026, 1, 1)
    assert projection.judgement_date == dt.date(2025, 12, 31)
    assert projection.year_end is not None and projection.extension is not None
    assert projection.extension.date == dt.date(2026, 1, 31)
    assert projection.extension.central > projection.year_end.central
    # The plan year's actual result: judged at 31 December, with 31 January beside it
    # (80.5 % and the published 91.4 %).
    result = year_result(frame, DISBURSEMENT, 2025)
    assert result is not None
    assert result.value == pytest.approx(80.5, abs=0.05)
    assert result.value_with_extension == pytest.approx(91.4, abs=0.05)
    assert result.judgement_date == dt.date(2025, 12, 31)
    assert result.extension_date == dt.date(2026, 1, 31)
    assert result.is_met is False


def test_finding_2_a_target_due_31_january_is_judged_on_31_january(
    series: dict[str, pd.DataFrame],
) -> None:
    frame = series[DISBURSEMENT.code]
    due_january = dataclasses.replace(DISBURSEMENT, targets=(_due_31_january(2025, 90.0),))
    result = year_result(frame, due_january, 2025)
    assert result is not None
    assert result.judgement_date == dt.date(2026, 1, 31)
    assert result.is_met is True  # 91.4 % at 31 January (80.5 % at 31 December)
    assert result.margin == pytest.approx(1.4, abs=0.05)
    complete = project_year(_as_of(frame, 2026, 1), due_january, 2025)
    assert complete.method == "complete"
    assert complete.central == pytest.approx(91.4, abs=0.05)
    assert complete.probability == 1.0
    # With December in but not January, the judgement is still ahead: projected.
    ahead = project_year(_as_of(frame, 2025, 12), due_january, 2025, n_paths=N_PATHS)
    assert ahead.method != "complete" and ahead.judgement_date == dt.date(2026, 1, 31)
    assert ahead.extension is not None and ahead.central == ahead.extension.central
    assert ahead.year_end is not None and ahead.year_end.is_observed
    assert ahead.lower_80 is not None and ahead.upper_80 is not None
    assert ahead.lower_80 < 91.4 < ahead.upper_80 or ahead.upper_80 - ahead.lower_80 > 0


@pytest.mark.parametrize("month", [3, 4, 5, 6])
def test_finding_4_a_first_plan_year_is_not_assessable_rather_than_certain(
    series: dict[str, pd.DataFrame], month: int
) -> None:
    first_year = _as_of(series[DISBURSEMENT.code], 2020, month)
    projection = project_year(first_year, DISBURSEMENT, 2020, n_paths=N_PATHS)
    assert projection.method == "none"
    assert projection.reason_code == "short_history"
    assert projection.central is None and projection.lower_80 is None
    assert projection.probability is None
