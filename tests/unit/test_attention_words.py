"""The attention list's words (issue 7, findings 9 and 13): gaps read as sentences in
natural units, figures written by hand; the renamed terms in both languages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from app_pages._tables import impact_sentence
from app_pages._ui import lower_first
from i18n import catalogue

I18N = Path(__file__).parents[2] / "i18n"


def _row(code: str, shortfall: float, status: str = "off_track") -> dict[str, object]:
    return {
        "indicator_code": code,
        "shortfall": shortfall,
        "gap_pp": 3.0,
        "unit_status": status,
    }


@pytest.mark.parametrize(
    ("code", "shortfall", "status", "lang", "expected"),
    [
        # 1,249.2 dossiers short: the 1,250th dossier reaches the target.
        (
            "online_dossier_share",
            1249.2,
            "at_risk",
            "vi",
            "thiếu 1.250 hồ sơ trực tuyến so với chỉ tiêu",
        ),
        (
            "online_dossier_share",
            1249.2,
            "at_risk",
            "en",
            "1,250 online dossiers short of the target",
        ),
        (
            "satisfaction_rate",
            206.4,
            "at_risk",
            "vi",
            "thiếu 207 hồ sơ đánh giá hài lòng so với chỉ tiêu",
        ),
        # One dossier short (0.3 rounds up to 1): singular in English (it read "1 online
        # dossiers short").
        ("online_dossier_share", 0.3, "at_risk", "en", "1 online dossier short of the target"),
        (
            "satisfaction_rate",
            1.0,
            "at_risk",
            "en",
            "1 dossier rated satisfied short of the target",
        ),
        (
            "satisfaction_rate",
            1.0,
            "at_risk",
            "vi",
            "thiếu 1 hồ sơ đánh giá hài lòng so với chỉ tiêu",
        ),
        (
            "public_investment_disbursement",
            2140.4,
            "off_track",
            "vi",
            "chậm 2.140 tỷ đồng so với tiến độ",
        ),
        (
            "public_investment_disbursement",
            2140.4,
            "off_track",
            "en",
            "2,140 billion VND behind schedule",
        ),
        (
            "public_investment_disbursement",
            2140.4,
            "missed",
            "vi",
            "thiếu 2.140 tỷ đồng so với chỉ tiêu",
        ),
        (
            "public_investment_disbursement",
            4.26,
            "off_track",
            "vi",
            "chậm 4,3 tỷ đồng so với tiến độ",
        ),
        ("online_dossier_share", 0.0, "on_track", "vi", "đạt chỉ tiêu"),
        ("public_investment_disbursement", 0.0, "on_track", "vi", "đạt mốc tiến độ"),
    ],
)
def test_impact_reads_as_a_sentence_in_natural_units(
    code: str, shortfall: float, status: str, lang: str, expected: str
) -> None:
    """Regression (finding 9): impact was an opaque "ảnh hưởng 0,12"."""
    assert impact_sentence(_row(code, shortfall, status), lang) == expected


def test_renamed_terms_in_both_languages() -> None:
    """Regression (finding 13): the glossary's terms, not the old ones."""
    vi, en = catalogue("vi"), catalogue("en")
    assert vi["filter_former_province"] == "Tỉnh, thành phố (cũ)"
    assert vi["review_title"].format(year=2025) == "Kết quả thực hiện năm 2025"
    assert en["review_title"].format(year=2025) == "2025 results"
    assert vi["attention_newly_off_track"] == "Mới chuyển sang Chậm tiến độ"
    assert en["attention_newly_off_track"] == "Newly off track"
    words = "\n".join(vi.values())
    for old in ("Địa bàn trước sáp nhập", "nhìn lại", "chuyển đỏ"):
        assert old not in words, old
    assert "newly red" not in "\n".join(en.values()).lower()


def test_few_dossiers_is_said_only_of_dossiers() -> None:
    """Regression (finding 13): "ít hồ sơ" was used for disbursement too."""
    vi = catalogue("vi")
    assert vi["attention_small_flow"] == "ít hồ sơ"
    assert "hồ sơ" not in vi["attention_small_cumulative"]
    assert "hồ sơ" not in vi["ranking_help_plan"]


def test_recent_always_says_which_months() -> None:
    """Regression (finding 13): "gần đây" was never explained."""
    for lang in ("vi", "en"):
        words = catalogue(lang)
        assert "pace_recent" not in words
        assert "{span}" in words["pace_recent_months"] and "{months}" in words["pace_recent_months"]


def test_the_published_line_does_not_repeat_itself() -> None:
    """Regression (finding 13): "Số liệu đã công bố: tính từ số liệu công bố"."""
    vi = catalogue("vi")
    assert "công bố" not in vi["qualifier_derived"]


def test_the_attention_files_define_the_same_keys_in_both_languages() -> None:
    vi = json.loads((I18N / "vi" / "attention.json").read_text(encoding="utf-8"))
    en = json.loads((I18N / "en" / "attention.json").read_text(encoding="utf-8"))
    assert set(vi) == set(en)
    assert all(vi[k].strip() and en[k].strip() for k in vi)


def test_method_names_mid_sentence_are_lower_case_but_acronyms_stay() -> None:
    assert lower_first("Random walk with drift") == "random walk with drift"
    assert lower_first("Seasonal ARIMA (SARIMAX)") == "seasonal ARIMA (SARIMAX)"
    assert lower_first("ARIMA mùa vụ (SARIMAX)") == "ARIMA mùa vụ (SARIMAX)"
    assert lower_first("Bước ngẫu nhiên có xu hướng") == "bước ngẫu nhiên có xu hướng"


def test_recent_span_names_the_three_months() -> None:
    from app_pages._tiles import recent_span
    from metrics.pace import Pace

    class _Tile:
        year = 2026
        as_of_month = pd.Timestamp(dt.date(2026, 10, 1))
        pace = Pace(
            "online_dossier_share",
            2026,
            "percent_per_month",
            50.0,
            60.0,
            50.0,
            ">=",
            40.0,
            2026,
            False,
            False,
            2,
            None,
            None,
        )

    assert recent_span(_Tile(), "vi") == "08–10/2026"  # type: ignore[arg-type]
    assert recent_span(_Tile(), "en") == "Aug–Oct 2026"  # type: ignore[arg-type]
    _Tile.as_of_month = pd.Timestamp(dt.date(2026, 1, 1))
    assert recent_span(_Tile(), "vi") == "11/2025–01/2026"  # type: ignore[arg-type]
