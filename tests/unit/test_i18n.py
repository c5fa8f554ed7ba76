"""Catalogues and formats: the same keys in both languages, Babel formats per language."""

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from i18n import (
    catalogue,
    fmt_date,
    fmt_days,
    fmt_month,
    fmt_number,
    fmt_percent,
    fmt_pp,
    fmt_quarter,
    fmt_signed,
    fmt_value,
    t,
)

ROOT = Path(__file__).resolve().parents[2]


PLURAL = re.compile(r"^(count_\w+)_(zero|one|two|few|many)$")


def _base(key: str) -> str:
    """A plural variant's key without its CLDR category (``count_days_one`` →
    ``count_days_other``; only ``count_*`` keys have variants): English has "1 day",
    Vietnamese only "1 ngày"."""
    return PLURAL.sub(r"\1_other", key)


def test_both_catalogues_have_the_same_keys_and_no_empty_text():
    vi, en = catalogue("vi"), catalogue("en")
    assert {_base(k) for k in vi} == {_base(k) for k in en}
    assert all(v.strip() for v in vi.values())
    assert all(v.strip() for v in en.values())


def test_plural_variants_are_the_ones_each_language_uses():
    from babel import Locale

    for lang, locale in (("vi", "vi_VN"), ("en", "en")):
        strings = catalogue(lang)
        needed = Locale.parse(locale).plural_form.tags | {"other"}
        bases = {
            k.removesuffix("_other")
            for k in strings
            if k.startswith("count_") and k.endswith("_other")
        }
        assert bases, "no counted strings: the scan is broken"
        for base in bases:
            have = {k.removeprefix(base + "_") for k in strings if k.startswith(base + "_")}
            assert have == needed, (lang, base, have, needed)


def test_placeholders_agree_between_languages():
    vi, en = catalogue("vi"), catalogue("en")
    for key in en:
        theirs = set(re.findall(r"{(\w+)}", vi[_base(key)]))
        ours = set(re.findall(r"{(\w+)}", en[key]))
        if key != _base(key):  # "the first quarter" need not write its count
            theirs, ours = theirs - {"n"}, ours - {"n"}
        assert theirs == ours, key


@pytest.mark.parametrize(
    ("days", "lang", "expected"),
    [
        (1, "en", "1 day"),
        (0, "en", "0 days"),
        (2, "en", "2 days"),
        (1500, "en", "1,500 days"),
        (1, "vi", "1 ngày"),
        (1500, "vi", "1.500 ngày"),
    ],
)
def test_a_count_of_days_takes_the_languages_plural(days, lang, expected):
    assert fmt_days(days, lang) == expected


def test_vietnamese_is_nfc_on_disk():
    paths = [ROOT / "i18n" / "vi.json", *(ROOT / "i18n" / "vi").glob("*.json")]
    for path in paths:
        assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8")), path


def test_feature_files_come_in_pairs():
    vi_files = {p.name for p in (ROOT / "i18n" / "vi").glob("*.json")}
    en_files = {p.name for p in (ROOT / "i18n" / "en").glob("*.json")}
    assert vi_files == en_files


def test_a_key_defined_twice_is_refused(tmp_path, monkeypatch):
    import i18n

    (tmp_path / "vi").mkdir()
    (tmp_path / "vi.json").write_text('{"a": "một"}', encoding="utf-8")
    (tmp_path / "vi" / "x.json").write_text('{"b": "hai"}', encoding="utf-8")
    monkeypatch.setattr(i18n, "_CATALOGUE_DIR", tmp_path)
    catalogue.cache_clear()
    try:
        assert catalogue("vi") == {"a": "một", "b": "hai"}
        catalogue.cache_clear()
        (tmp_path / "vi" / "y.json").write_text('{"a": "lại"}', encoding="utf-8")
        with pytest.raises(ValueError, match=r"y.json: keys already defined .*\['a'\]"):
            catalogue("vi")
    finally:
        catalogue.cache_clear()


def test_every_key_used_in_code_exists():
    used = set()
    for path in [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py")]:
        used |= set(
            re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8"))
        )
    assert used, "no translated strings found: the scan is broken"
    missing = used - set(catalogue("vi"))
    assert not missing, f"keys used but not in the catalogue: {sorted(missing)}"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="use one of vi, en"):
        catalogue("fr")


CASES = [
    ("number", lambda lang: fmt_number(1234567.85, lang, 1), "1.234.567,9", "1,234,567.9"),
    ("missing", lambda lang: fmt_number(None, lang, 1), "—", "—"),
    ("negative", lambda lang: fmt_number(-2.5, lang, 1), "−2,5", "−2.5"),
    ("percent", lambda lang: fmt_percent(52.34, lang), "52,3%", "52.3%"),
    ("percent-nan", lambda lang: fmt_percent(float("nan"), lang), "—", "—"),
    ("signed+", lambda lang: fmt_signed(2.34, lang), "+2,3", "+2.3"),
    ("signed-", lambda lang: fmt_signed(-2.34, lang), "−2,3", "−2.3"),
    ("signed0", lambda lang: fmt_signed(0.01, lang), "0,0", "0.0"),
    ("pp", lambda lang: fmt_pp(-2.34, lang), "−2,3 điểm phần trăm", "−2.3 pp"),
    ("date", lambda lang: fmt_date(dt.date(2026, 11, 23), lang), "23/11/2026", "23 Nov 2026"),
    ("month1", lambda lang: fmt_month(dt.date(2026, 1, 1), lang), "tháng 1/2026", "Jan 2026"),
    ("month10", lambda lang: fmt_month(dt.date(2026, 10, 1), lang), "tháng 10/2026", "Oct 2026"),
    ("quarter", lambda lang: fmt_quarter(2025, 3, lang), "Quý III/2025", "Q3 2025"),
    (
        "billion",
        lambda lang: fmt_value(1234.5, "billion_vnd", lang),
        "1.234,5 tỷ đồng",
        "1,234.5 billion VND",
    ),
    ("value%", lambda lang: fmt_value(91.4, "percent", lang), "91,4%", "91.4%"),
]


@pytest.mark.parametrize(("name", "render", "vi", "en"), CASES, ids=[c[0] for c in CASES])
def test_formats(name, render, vi, en):
    assert render("vi") == vi
    assert render("en") == en


def test_placeholders_are_filled():
    assert t("unit_pp", "vi", value="+1,0") == "+1,0 điểm phần trăm"


def test_every_key_built_at_run_time_exists():
    from typing import get_args

    import pandas as pd

    from data_access.writes import PUBLISHED_FILE
    from metrics.projection import Method, ReasonCode
    from metrics.reference import LEAF_UNIT_TYPES as UNIT_TYPES
    from metrics.registry import INDICATORS
    from metrics.status import Status, Trend

    published = pd.read_csv(PUBLISHED_FILE, dtype=str)
    keys = {f"status_{s.value}" for s in Status}
    keys |= {f"trend_{s.value}" for s in Trend}
    keys |= {f"unit_type_{u}" for u in UNIT_TYPES}
    keys |= {f"published_kind_{k}" for k in published["kind"].unique()}
    keys |= {f"qualifier_{q}" for q in published["qualifier"].unique() if q != "exact"}
    keys |= {f"published_basis::{b}" for b in published["basis"].unique()}
    keys |= {f"unit_name_{i.unit}" for i in INDICATORS}
    keys |= {f"unit_value_{i.unit}" for i in INDICATORS if i.unit != "percent"}
    keys |= {f"method_{m}" for m in get_args(Method)}
    keys |= {f"projection_reason_{r}" for r in get_args(ReasonCode)}
    keys |= {f"count_{u}_word_other" for u in ("month", "quarter", "year")}
    for lang in ("vi", "en"):
        missing = keys - set(catalogue(lang))
        assert not missing, f"{lang}: {sorted(missing)}"


def test_a_published_row_with_unknown_words_or_a_bad_link_still_renders():
    import pandas as pd

    from i18n import published_line

    row = pd.Series(
        {
            "value": 12.5,
            "qualifier": "roughly",
            "period_start": pd.Timestamp("2025-01-01"),
            "period_end": pd.Timestamp("2025-12-31"),
            "basis": "some *new* basis",
            "kind": "forecast",
            "source_url": "javascript:alert(1)",
        }
    )
    line = published_line(row, "percent", "en")
    assert "javascript" not in line
    assert "no valid source address" in line
    assert "some \\*new\\* basis" in line
    assert "forecast" in line


def test_published_figures_keep_the_decimals_they_were_published_with():
    import pandas as pd

    from i18n import published_line

    row = pd.Series(
        {
            "value": 91.72,
            "qualifier": "exact",
            "period_start": pd.Timestamp("2025-07-01"),
            "period_end": pd.Timestamp("2025-09-30"),
            "basis": "national service index (Decision 766)",
            "kind": "actual",
            "source_url": "https://example.org/a",
        }
    )
    assert published_line(row, "percent", "vi").startswith("91,72%")
    assert published_line(
        row.copy().set_axis(row.index).replace({91.72: 25.0}), "percent", "en"
    ).startswith("25.0%")
