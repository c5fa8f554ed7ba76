"""The forecasting engine's model rules (metrics/forecasting.py) with the models stood in
for: which ETS specifications are tried for each shape, that the lowest AICc wins, when
SARIMAX has enough points, and how a fit or a forecast that fails is reported. Found by the
sampled mutation reading (README): no model is fitted here, so each test takes milliseconds.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from metrics import forecasting as f
from tests.unit.test_forecasting_rules import cumulative_history, flow_history, months

NAN = math.nan


class _Result:
    def __init__(self, aicc: float, params: list[float]) -> None:
        self.aicc = aicc
        self.params = np.array(params)


class _Model:
    def __init__(self, result: _Result | None) -> None:
        self.result = result

    def fit(self, disp: bool) -> _Result:
        if self.result is None:
            raise ValueError("the fit did not converge")
        return self.result


def _ets_stand_in(
    monkeypatch: pytest.MonkeyPatch, aiccs: dict[Any, float]
) -> list[tuple[Any, str]]:
    """``f._ets_model`` replaced: each specification's fit has the AICc given for it and
    its own parameters ([AICc]); the specifications tried are recorded, in order."""
    tried: list[tuple[Any, str]] = []

    def model(x: np.ndarray, spec: Any, period: int, initialization: str) -> _Model:
        tried.append((spec, initialization))
        return _Model(_Result(aiccs[spec], [aiccs[spec]]))

    monkeypatch.setattr(f, "_ets_model", model)
    return tried


def test_disbursement_ets_tries_no_trend_then_a_damped_trend_and_keeps_the_lower_aicc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two plan years of flows (2024, 2025): 24 points before 2026, the 24 the cumulative
    # rules need. A seasonal model needs 10 + 2 × (12 // 2) = 22 points for heuristic
    # initial states: 24 ≥ 22, so "heuristic".
    row = [float(j + 1) for j in range(12)] + [NAN]
    history = cumulative_history([row, row], first_year=2024, last_index=months(2025, 12))
    plain, damped = (None, False, "add"), ("add", True, "add")
    tried = _ets_stand_in(monkeypatch, {plain: 10.0, damped: 5.0})
    fitted = f.prepare("ets", history, 2026)
    assert tried == [(plain, "heuristic"), (damped, "heuristic")]
    assert isinstance(fitted, f.Fitted)
    # AICc 5 < 10: the damped trend, ETS(A,Ad,A), with its own parameters.
    assert (fitted.method, fitted.year, fitted.model) == ("ets", 2026, "ETS(A,Ad,A)")
    assert fitted.spec == (damped, "heuristic")
    assert fitted.params is not None and fitted.params.tolist() == [5.0]
    assert fitted.n_points == 24


def test_a_monthly_flow_with_three_years_tries_a_seasonal_then_a_plain_damped_trend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 2020-01 … 2022-12: 36 points before 2023, the 36 a seasonal ETS needs.
    history = flow_history([50.0] * 36, [100.0] * 36, first=months(2020, 1))
    seasonal, trend = ("add", True, "add"), ("add", True, None)
    tried = _ets_stand_in(monkeypatch, {seasonal: 7.0, trend: 3.0})
    fitted = f.prepare("ets", history, 2023)
    assert [spec for spec, _ in tried] == [seasonal, trend]
    assert isinstance(fitted, f.Fitted)
    assert (fitted.model, fitted.spec[0]) == ("ETS(A,Ad,N)", trend)  # AICc 3 < 7


def _sarimax_stand_in(monkeypatch: pytest.MonkeyPatch, result: _Result | None) -> None:
    monkeypatch.setattr(f, "_sarimax_model", lambda x, history: _Model(result))


def test_sarimax_fits_with_exactly_the_points_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Monthly rules: 24 points for SARIMAX; 2020-01 … 2021-12 are exactly 24.
    history = flow_history([50.0] * 24, [100.0] * 24, first=months(2020, 1))
    _sarimax_stand_in(monkeypatch, _Result(1.0, [0.25, -0.5]))
    fitted = f.prepare("sarimax", history, 2022)
    assert isinstance(fitted, f.Fitted)
    assert (fitted.method, fitted.year, fitted.model, fitted.spec, fitted.n_points) == (
        "sarimax",
        2022,
        "ARIMA(0,1,1) with drift",
        (),
        24,
    )
    assert fitted.params is not None and fitted.params.tolist() == [0.25, -0.5]


def test_a_sarimax_fit_that_fails_is_not_applicable_with_its_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = flow_history([50.0] * 30, [100.0] * 30, first=months(2020, 1))
    _sarimax_stand_in(monkeypatch, None)
    # 24 points before 2022 (2020 and 2021); 24 needed.
    assert f.prepare("sarimax", history, 2022) == f.NotApplicable("sarimax", "fit_failed", 24, 24)


def test_a_forecast_that_fails_is_not_applicable_with_the_points_it_had(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 2020-01 … 2022-06 observed (30 points); origin June 2022, July to December left.
    history = flow_history([50.0] * 30, [100.0] * 30, first=months(2020, 1))
    fitted = f.Fitted("ets", 2022, "ETS(A,Ad,N)", (("add", True, None), "heuristic"),
                      np.array([0.1]), 24)  # fmt: skip

    def fails(*args: object) -> tuple[np.ndarray, None]:
        raise FloatingPointError("forecast is not finite")

    monkeypatch.setattr(f, "_model_forecast", fails)
    # The drift rule's 3 points needed, 30 available at the origin.
    assert f.forecast(fitted, history, 2022, months(2022, 6)) == f.NotApplicable(
        "ets", "fit_failed", 3, 30
    )
