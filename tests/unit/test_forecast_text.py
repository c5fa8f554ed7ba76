"""The forecast method and its reason, in both languages (app_pages/_ui.py)."""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from typing import get_args

import pandas as pd
import pytest

from app_pages._ui import backtest_row, lower_first, method_name, projection_reason
from metrics.projection import Method, Projection, ReasonCode, project_year
from tests.unit.reports import report_for
from tests.unit.test_projection import ONLINE, monthly_flow_series

PARTS: dict[str, dict[str, object]] = {
    "chosen_by_backtest": {
        "method": "ets",
        "model": "ETS(A,Ad,N)",
        "mae": 1.2345,
        "n_methods": 4,
        "n_origins": 48,
        "first_year": 2022,
        "last_year": 2025,
        "is_extrapolated": True,
        "horizon": 14,
        "longest": 12,
        "unit": "month",
    },
    "fallback": {
        "method": "drift",
        "model": "random walk with drift",
        "failed": "ets",
        "mae": 2.0,
        "n_methods": 4,
        "n_origins": 48,
        "first_year": 2022,
        "last_year": 2025,
        "unit": "month",
    },
    "complete": {"year": 2025, "observed": 4, "expected": 4, "unit": "quarter"},
    "complete_undefined": {"year": 2025},
    "no_data": {"year": 2025},
    "zero_plan": {},
    "short_history": {"needed": 2, "got": 1},
    "method_failed": {},
}


@pytest.fixture(scope="module")
def projection() -> Projection:
    series = monthly_flow_series()
    return project_year(
        series, ONLINE, 2025, n_paths=100, backtest_report=report_for("online", series, ONLINE)
    )


def test_every_reason_code_has_its_parts_here() -> None:
    assert set(PARTS) == set(get_args(ReasonCode))


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("code", sorted(PARTS))
def test_every_reason_reads_in_both_languages(projection: Projection, code: str, lang: str) -> None:
    made = dataclasses.replace(projection, reason_code=code, reason_parts=PARTS[code])
    text = projection_reason(made, lang)
    assert "{" not in text and "}" not in text
    assert "(s)s" not in text  # "12 of 12 month(s)s observed"
    assert unicodedata.is_normalized("NFC", text)
    if code == "chosen_by_backtest":
        assert ("1,23" if lang == "vi" else "1.23") in text
        assert "14" in text and "12" in text  # the widened band is explained
    if code == "fallback":
        # Named inside the sentence: lower case in Vietnamese ("Phương pháp san bằng mũ").
        name = method_name("ets", lang)
        assert (lower_first(name) if lang == "vi" else name) in text
    if code == "complete":
        assert ("quý" if lang == "vi" else "quarter") in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_method_has_a_name(lang: str) -> None:
    names = {method_name(method, lang) for method in get_args(Method)}
    assert len(names) == len(get_args(Method))


def test_a_backtest_row_marks_the_method_in_use(projection: Projection) -> None:
    summary = projection.backtest
    assert summary is not None
    row = backtest_row(summary.scores[0], summary.scores[0].method, "vi")
    assert row[0].startswith("**") and row[0].endswith("(đang dùng)")
    other = backtest_row(summary.scores[-1], summary.scores[0].method, "en")
    assert "**" not in other[0]
    assert other[3].count("%") == 3
    assert pd.notna(summary.scores[0].mae)


def test_a_backtest_row_with_no_band_yet_shows_a_dash(projection: Projection) -> None:
    summary = projection.backtest
    assert summary is not None
    score = dataclasses.replace(
        summary.scores[0], coverage_50=math.nan, coverage_80=math.nan, coverage_95=math.nan
    )
    for lang in ("vi", "en"):
        assert backtest_row(score, score.method, lang)[3] == "— / — / —"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", "Phương pháp dự báo: **ARIMA mùa vụ (SARIMAX)** (ARIMA(0,1,1) có xu hướng)."),
        ("en", "Forecast method: **Seasonal ARIMA (SARIMAX)** (ARIMA(0,1,1) with drift)."),
    ],
)
def test_the_drawer_names_the_fitted_model_in_the_readers_language(
    projection: Projection, lang: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (finding 13): the drawer wrote the fitted model's name as the code keeps
    it, "ARIMA(0,1,1) with drift", in English on a Vietnamese page."""
    import app_pages._ui as ui

    shown: list[str] = []
    monkeypatch.setattr(ui.st, "markdown", lambda body, *a, **k: shown.append(str(body)))
    monkeypatch.setattr(ui.st, "caption", lambda body, *a, **k: shown.append(str(body)))
    sarimax = dataclasses.replace(projection, method="sarimax", model="ARIMA(0,1,1) with drift")
    ui.forecast_accuracy(sarimax, ONLINE, lang)

    def paragraphs() -> list[str]:
        # The drawer writes its text as one Markdown block, paragraphs apart.
        return [part for body in shown for part in body.split("\n\n")]

    assert expected in paragraphs()
    if lang == "vi":
        assert not any("with drift" in line for line in paragraphs())
    ets = dataclasses.replace(projection, method="ets", model="ETS(A,Ad,N)")
    shown.clear()
    ui.forecast_accuracy(ets, ONLINE, lang)
    assert any(line.endswith("** (ETS(A,Ad,N)).") for line in paragraphs())


@pytest.mark.parametrize(
    ("code", "parts", "lang", "expected"),
    [
        (
            "complete",
            {"year": 2025, "observed": 4, "expected": 4, "unit": "quarter"},
            "en",
            "2025 is complete (4 of 4 quarters observed).",
        ),
        (
            "complete",
            {"year": 2025, "observed": 12, "expected": 12, "unit": "month"},
            "vi",
            "Năm 2025 đã có số liệu đến hết năm (12/12 tháng).",
        ),
        (
            "short_history",
            {"needed": 1, "got": 0},
            "en",
            "Not yet assessable: a backtest needs 1 earlier year of data; there are 0.",
        ),
        (
            "short_history",
            {"needed": 2, "got": 1},
            "vi",
            "Chưa đủ dữ liệu để đánh giá: cần số liệu của 2 năm trước đó để kiểm định dự báo,"
            " hiện có 1.",
        ),
    ],
)
def test_a_reasons_period_words_agree_with_their_count(
    projection: Projection, code: str, parts: dict[str, object], lang: str, expected: str
) -> None:
    """Regression: "4 of 4 quarter(s) observed", "needs 1 earlier year(s) of data"."""
    made = dataclasses.replace(projection, reason_code=code, reason_parts=parts)
    assert projection_reason(made, lang) == expected


@pytest.mark.parametrize(
    ("horizon", "words"), [(1, "is 1 month after the last data"), (14, "is 14 months after")]
)
def test_an_extrapolated_horizon_says_month_or_months(
    projection: Projection, horizon: int, words: str
) -> None:
    parts = {**PARTS["chosen_by_backtest"], "horizon": horizon}
    made = dataclasses.replace(projection, reason_code="chosen_by_backtest", reason_parts=parts)
    assert words in projection_reason(made, "en")


@pytest.mark.parametrize(
    ("code", "behind", "lang", "label"),
    [
        ("online_dossier_share", 1, "en", "1 month late"),
        ("online_dossier_share", 2, "en", "2 months late"),
        ("online_dossier_share", 1, "vi", "Chậm cập nhật 1 tháng"),
        ("digital_economy_share_grdp", 1, "en", "1 quarter late"),
        ("digital_economy_share_grdp", 3, "vi", "Chậm cập nhật 3 quý"),
    ],
)
def test_the_late_badge_counts_its_periods(
    monkeypatch: pytest.MonkeyPatch, code: str, behind: int, lang: str, label: str
) -> None:
    """Regression: the badge read "1 month(s) late"."""
    import datetime as dt

    from app_pages import _ui
    from metrics.freshness import Freshness, FreshnessCheck
    from metrics.registry import get_indicator

    shown: list[str] = []
    monkeypatch.setattr(_ui.st, "badge", lambda text, **_: shown.append(text))
    check = FreshnessCheck(Freshness.LATE, dt.date(2026, 10, 1), dt.date(2026, 9, 1), behind)
    _ui.freshness_badge(check, lang, get_indicator(code))
    assert shown == [label]


@pytest.mark.parametrize(
    ("direction", "lang", "words"),
    [
        ("up", "vi", "Các tháng gần nhất tăng nhanh bất thường"),
        ("up", "en", "The latest months rose unusually fast"),
        ("down", "vi", "Các tháng gần nhất giảm nhanh bất thường"),
        ("down", "en", "is widened and leans down"),
    ],
)
def test_a_break_in_the_drift_is_said_in_the_reason(
    projection: Projection, direction: str, lang: str, words: str
) -> None:
    parts = {**PARTS["chosen_by_backtest"], "is_extrapolated": False, "break": direction}
    made = dataclasses.replace(projection, reason_code="chosen_by_backtest", reason_parts=parts)
    assert words in projection_reason(made, lang)
    calm = dataclasses.replace(made, reason_parts={**parts, "break": ""})
    assert "nhanh bất thường" not in projection_reason(calm, "vi")
    assert "unusually fast" not in projection_reason(calm, "en")
