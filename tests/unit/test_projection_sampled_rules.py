"""Projection rules (metrics/projection.py) the sampled mutation reading (README) found
untested: the 31 December interval of a projected year, the unit word passed on, the
reasons given when the plan is 0 or no calibration exists, and which path gets which
31 January value. The disbursement series of ``test_projection.py`` (its backtest
computed once) or stand-ins; every expected figure is worked out in a comment."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from types import SimpleNamespace
from typing import Any
from unittest import mock

import numpy as np
import pytest

from metrics import projection as p
from metrics.forecasting import History
from metrics.periods import SeriesShape
from tests.unit.test_projection import DISBURSEMENT, disbursement, project


def test_a_projected_disbursement_year_ends_on_31_december_not_observed() -> None:
    # The series runs to September 2025: 31 December 2025 is projected, so its interval is
    # dated that day and is not an observed value; the unit of its horizon is the month.
    projection = project(disbursement, DISBURSEMENT)
    assert projection.year_end is not None
    assert projection.year_end.date == dt.date(2025, 12, 31)
    assert projection.year_end.is_observed is False
    assert projection.reason_parts["unit"] == "month"


def test_a_year_to_date_that_is_not_a_number_is_a_zero_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # year_state stood in to give a year to date of NaN (what a plan of 0 gives).
    real = p.year_state

    def no_plan(*args: Any) -> Any:
        return dataclasses.replace(real(*args), year_to_date=math.nan)

    monkeypatch.setattr(p, "year_state", no_plan)
    projection = project(disbursement, DISBURSEMENT)
    assert projection.reason_code == "zero_plan"
    assert dict(projection.reason_parts) == {}
    assert projection.central is None and projection.year_end is None


def test_without_a_calibration_the_year_is_short_of_history_with_the_years_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    series, report = disbursement()
    years = report.summary(before_year=2025).years
    monkeypatch.setattr(p, "calibration_for", lambda *args, **kwargs: None)
    projection = p.project_year(series, DISBURSEMENT, 2025, n_paths=50, backtest_report=report)
    assert projection.reason_code == "short_history"
    # 1 test year needed (MIN_YEARS); got: the backtest's 4 test years before 2025
    # (2021–2024; 2019 and 2020 only teach the models).
    assert years == (2021, 2022, 2023, 2024)
    assert dict(projection.reason_parts) == {"needed": 1, "got": 4}


def test_each_path_gets_its_31_january_value_by_the_rank_of_its_model_value() -> None:
    # Two paths at 31 December: 0 % and 40 % of the plan; each draws a share of what was
    # left of the plan disbursed in January, 0.5 and 0.1 (the draws stood in for).
    # Model values: 0 + 0.5 × (100 − 0) = 50 and 40 + 0.1 × (100 − 40) = 46: path 0 ranks
    # higher and gets the higher calibrated value, 2; path 1 gets 1. A January value never
    # falls below its December one: max(2, 0) = 2, max(1, 40) = 40.
    history = History(
        SeriesShape.CUMULATIVE, 12, 0, 2025 * 12 + 11, np.zeros(0), np.zeros(0), 2025,
        np.empty((1, 13)), np.empty((1, 12)),
    )  # fmt: skip
    common = SimpleNamespace(history=history, year=2025)
    calibration = SimpleNamespace()
    calibration.widened = lambda factor: calibration
    bands = {name: 1.5 for name in p.QUANTILES}
    rng = SimpleNamespace(
        integers=lambda low, high, size: np.array([0, 1]), random=lambda size: np.zeros(size)
    )
    with (
        mock.patch.object(p, "extension_fractions", return_value=np.array([0.5, 0.1])),
        mock.patch.object(p, "extension_central", return_value=93.0),
        mock.patch.object(p, "calibration_for", return_value=calibration),
        mock.patch.object(p, "volatility_factor", return_value=1.0),
        mock.patch.object(p, "bounded", side_effect=lambda history, value, anchor: value),
        mock.patch.object(p, "to_scale", side_effect=lambda history, value, anchor: value),
        mock.patch.object(p, "_stratified", return_value=np.array([1.0, 2.0])),
        mock.patch.object(p, "_bands", return_value=bands),
    ):
        out = p._extension_paths(
            common,  # type: ignore[arg-type]
            None,  # type: ignore[arg-type]
            "drift",
            SimpleNamespace(year_to_date=40.0),  # type: ignore[arg-type]
            np.array([0.0, 40.0]),
            90.0,
            2025 * 12 + 11,
            rng,  # type: ignore[arg-type]
        )
    assert out is not None
    january, interval, scaled, horizon, _ = out
    assert january.tolist() == [2.0, 40.0]
    # 31 January 2026, one month after the December origin; the point 93 on the scale.
    assert (interval.date, interval.is_observed, scaled, horizon) == (
        dt.date(2026, 1, 31), False, 93.0, 1
    )  # fmt: skip
