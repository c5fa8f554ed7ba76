"""Words and numbers on screen, in Vietnamese (default) and English.

Strings live in ``i18n/vi.json`` and ``i18n/en.json``, plus one file per feature in
``i18n/vi/*.json`` and ``i18n/en/*.json`` (same keys in both languages, and no key defined
twice; tests check both), with
the terms of the project glossary. Numbers and dates are formatted with Babel, never by
hand: ``1.234,5`` / ``52,3%`` / ``23/11/2026`` / ``tháng 10/2026`` in Vietnamese,
``1,234.5`` / ``52.3%`` / ``23 Nov 2026`` / ``Oct 2026`` in English.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal, format_percent

from i18n.escape import code_span, escape_markdown, safe_link

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "basis_text",
    "catalogue",
    "code_span",
    "escape_markdown",
    "fmt_date",
    "fmt_month",
    "fmt_number",
    "fmt_percent",
    "fmt_pp",
    "fmt_quarter",
    "fmt_signed",
    "fmt_value",
    "published_line",
    "safe_link",
    "t",
]

LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
_CATALOGUE_DIR = Path(__file__).resolve().parent
_ROMAN = ("I", "II", "III", "IV")
_MINUS = "−"  # U+2212, the typographic minus
MISSING = "—"
"""What a missing number reads as, in text and in every table cell (``st.dataframe``'s
``placeholder``; Streamlit's own is the word "None")."""


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language, NFC-normalised."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    files = [_CATALOGUE_DIR / f"{lang}.json", *sorted((_CATALOGUE_DIR / lang).glob("*.json"))]
    merged: dict[str, str] = {}
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        twice = sorted(set(raw) & set(merged))
        if twice:
            raise ValueError(f"{path.name}: keys already defined in another file: {twice}")
        merged.update({key: unicodedata.normalize("NFC", value) for key, value in raw.items()})
    return merged


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang``, with ``{placeholders}`` filled in.

    A missing key raises ``KeyError`` naming it: a test checks every key used exists.
    """
    text = catalogue(lang)[key]
    return text.format(**values) if values else text


def t_count(key: str, lang: str, count: float | None, **values: object) -> str:
    """The string ``key`` in the plural form the language uses for ``count`` (CLDR's rules,
    through Babel): ``key_one`` for "1 day", ``key_other`` for "2 days"; Vietnamese has
    only ``key_other`` ("1 ngày", "2 ngày"). ``{n}`` is the count in the reader's format.

    >>> t_count("count_days", "en", 1), t_count("count_days", "en", 35)
    ('1 day', '35 days')
    >>> t_count("count_days", "vi", 1), t_count("count_days", "en", 1000)
    ('1 ngày', '1,000 days')
    >>> t_count("count_days", "en", 0.6), t_count("count_days", "en", 1.5)
    ('1 day', '2 days')
    >>> t_count("count_days", "en", float("nan")), t_count("count_rows", "vi", None)
    ('— days', '— dòng')
    """
    if count is None or count != count:  # no count (None, NaN): "— days"
        return t(f"{key}_other", lang, n=MISSING, **values)
    # The form of the number as written: 0,6 is written "1", so it is "1 day".
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        written = int(decimal.Decimal(str(count)).quantize(decimal.Decimal(1)))
    form = Locale.parse(_locale(lang)).plural_form(written)
    strings = catalogue(lang)
    chosen = f"{key}_{form}" if f"{key}_{form}" in strings else f"{key}_other"
    return t(chosen, lang, n=fmt_number(count, lang), **values)


def fmt_days(days: float | None, lang: str) -> str:
    """A number of days: ``1 ngày`` / ``1 day``, ``35 ngày`` / ``35 days``; ``—`` for none.

    >>> fmt_days(1, "en"), fmt_days(2, "en"), fmt_days(1, "vi"), fmt_days(None, "en")
    ('1 day', '2 days', '1 ngày', '—')
    """
    if days is None or (isinstance(days, float) and math.isnan(days)):
        return "—"
    return t_count("count_days", lang, days)


def period_word(unit: str, count: float, lang: str) -> str:
    """The word for ``count`` months, quarters or years (``unit`` is ``month``, ``quarter``
    or ``year``) in the form the count takes, without the count: the sentence places it.

    >>> period_word("month", 1, "en"), period_word("month", 12, "en")
    ('month', 'months')
    >>> period_word("quarter", 1, "vi"), period_word("quarter", 3, "vi")
    ('quý', 'quý')
    """
    return t_count(f"count_{unit}_word", lang, count)


def _locale(lang: str) -> str:
    # Plain "en": "30 Sep 2026" as the glossary writes it (en_GB now says "Sept").
    return "vi_VN" if lang == "vi" else "en"


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def fmt_number(value: float | None, lang: str, decimals: int = 0) -> str:
    """``1.234.567,8`` (vi) or ``1,234,567.8`` (en); an em dash for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP  # 2,25 → 2,3 as readers expect
        text = format_decimal(value, format=_pattern(decimals), locale=_locale(lang))
    return text.replace("-", _MINUS)


def fmt_percent(value_pct: float | None, lang: str, decimals: int = 1) -> str:
    """A percentage given in percent (52.34 → ``52,3%`` / ``52.3%``)."""
    if value_pct is None or (isinstance(value_pct, float) and math.isnan(value_pct)):
        return "—"
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        text = format_percent(
            decimal.Decimal(str(value_pct)) / 100,
            format=_pattern(decimals) + "%",
            locale=_locale(lang),
        )
    return text.replace("-", _MINUS)


def fmt_probability(probability: float | None, lang: str) -> str:
    """A probability of reaching a target, as every page, summary and briefing writes it:
    whole percent, and ``> 99%`` / ``< 1%`` at the ends, where simulations cannot say more;
    ``—`` when there is none.

    >>> fmt_probability(0.974, "vi"), fmt_probability(0.999, "en"), fmt_probability(0.004, "vi")
    ('97%', '> 99%', '< 1%')
    >>> fmt_probability(None, "en"), fmt_probability(float("nan"), "vi")
    ('—', '—')
    """
    if probability is None or math.isnan(probability):
        return "—"
    if probability > 0.99:
        return "> " + fmt_percent(99.0, lang, 0)
    if probability < 0.01:
        return "< " + fmt_percent(1.0, lang, 0)
    return fmt_percent(probability * 100, lang, 0)


def fmt_signed(value: float | None, lang: str, decimals: int = 1) -> str:
    """A signed number: ``+2,3`` or ``−2,3``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    rounded = round(value, decimals)
    body = fmt_number(abs(rounded), lang, decimals)
    if rounded > 0:
        return "+" + body
    if rounded < 0:
        return _MINUS + body
    return body


def fmt_pp(value: float | None, lang: str, decimals: int = 1) -> str:
    """A difference in percentage points: ``+2,3 điểm phần trăm`` / ``+2.3 pp``."""
    return t("unit_pp", lang, value=fmt_signed(value, lang, decimals))


def fmt_date(value: dt.date | None, lang: str) -> str:
    """``23/11/2026`` or ``23 Nov 2026``."""
    if value is None:
        return "—"
    pattern = "dd/MM/yyyy" if lang == "vi" else "d MMM yyyy"
    return babel_format_date(value, pattern, locale=_locale(lang))


def fmt_month(value: dt.date | None, lang: str) -> str:
    """``tháng 10/2026`` or ``Oct 2026`` (no leading zero in Vietnamese)."""
    if value is None:
        return "—"
    if lang == "vi":
        return f"tháng {value.month}/{value.year}"
    return babel_format_date(value, "MMM yyyy", locale=_locale(lang))


def fmt_quarter(year: int, quarter: int, lang: str) -> str:
    """``Quý III/2025`` or ``Q3 2025``."""
    if lang == "vi":
        return f"Quý {_ROMAN[quarter - 1]}/{year}"
    return f"Q{quarter} {year}"


def fmt_value(value: float | None, unit: str, lang: str, decimals: int = 1) -> str:
    """A value in an indicator's unit, with the unit written out."""
    if unit == "percent":
        return fmt_percent(value, lang, decimals)
    number = fmt_number(value, lang, decimals)
    if value is None or number == "—":
        return number
    return t(f"unit_value_{unit}", lang, value=number)


def basis_text(basis: str, lang: str) -> str:
    """A published figure's basis in the reader's language (the file's words if unknown)."""
    return catalogue(lang).get(f"published_basis::{basis}") or escape_markdown(basis)


def _decimals_published(value: float) -> int:
    """How many decimals a published figure was given with (91.72 → 2), at most 2."""
    text = f"{value:.2f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


class PublishedRow(Protocol):
    """A row of the published-figures table (``itertuples()`` of
    ``data_access.queries.published``), as :func:`published_line` reads it: a pandas row's
    cells are typed loosely, so each is converted where it is read."""

    value: Any
    kind: Any
    basis: Any
    source_url: Any
    period_start: Any
    """A date, or a datetime (a pandas Timestamp) whose date is meant."""
    period_end: Any


def published_line(row: PublishedRow, unit: str, lang: str, decimals: int = 1) -> str:
    """One published figure: value (with its qualifier), days covered, basis, kind, source.

    ``row`` is a row of the published-figures table (attribute access: ``value``,
    ``qualifier``, ``period_start``, ``period_end``, ``basis``, ``kind``, ``source_url``).
    """
    words = catalogue(lang)
    qualifier = str(getattr(row, "qualifier", "exact"))
    prefix = words.get(f"qualifier_{qualifier}", "") if qualifier != "exact" else ""
    kind = str(row.kind)
    start, end = row.period_start, row.period_end
    start_date = start.date() if isinstance(start, dt.datetime) else start
    end_date = end.date() if isinstance(end, dt.datetime) else end
    period = (
        fmt_date(end_date, lang)
        if start_date == end_date
        else t("period_range", lang, start=fmt_date(start_date, lang), end=fmt_date(end_date, lang))
    )
    url = safe_link(str(row.source_url))
    value = float(row.value)
    line = t(
        "info_published_line",
        lang,
        qualifier=prefix,
        value=fmt_value(value, unit, lang, max(decimals, _decimals_published(value))),
        period=period,
        basis=basis_text(str(row.basis), lang),
        kind=words.get(f"published_kind_{kind}") or escape_markdown(kind),
        url=url or "",
    )
    # Without a usable address, say so rather than draw a broken or foreign link.
    return line if url else line.rsplit(" — [", 1)[0] + " — " + t("source_missing", lang)
