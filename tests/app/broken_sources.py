"""Mapping files that break the default one on purpose, for the declared-sources tests: the
online dossier share's query returns one unit-month twice (unit 26737, January 2026), and the
satisfaction rate's query renames unit 26737 to a code no crosswalk knows (``X-26737``)."""

from __future__ import annotations

from pathlib import Path

import yaml

from data_access import sources
from i18n.escape import escape_markdown

DUPLICATED = (
    "\nUNION ALL\n"
    "SELECT o.unit_id AS unit_code, o.period_month AS month, o.numerator, o.denominator\n"
    "FROM observations o WHERE o.indicator_id = 'online_dossier_share'\n"
    "  AND o.breakdown_key = '' AND o.superseded_at IS NULL\n"
    "  AND o.unit_id = '26737' AND o.period_month = '2026-01-01'"
)
RENAMED = (
    "SELECT CASE WHEN o.unit_id = '26737' THEN 'X-26737' ELSE o.unit_id END AS unit_code,\n"
    "       o.period_month AS month, o.numerator, o.denominator\n"
    "FROM observations o JOIN units u ON u.unit_id = o.unit_id\n"
    "WHERE o.indicator_id = 'satisfaction_rate' AND o.breakdown_key = ''\n"
    "  AND o.superseded_at IS NULL\n"
    "  AND u.unit_type IN ('ward', 'commune', 'special_zone', 'department', 'investor')"
)


def broken_mapping(
    directory: Path, broken: tuple[str, ...] = ("online_dossier_share", "satisfaction_rate")
) -> Path:
    """The default mapping with, among ``broken``, a duplicate unit-month (online dossier
    share) and an unknown unit code (satisfaction rate)."""
    raw = yaml.safe_load(sources.DEFAULT_MAPPING_PATH.read_text(encoding="utf-8"))
    entries = raw["indicators"]
    if "online_dossier_share" in broken:
        entries["online_dossier_share"]["sql"] += DUPLICATED
    if "satisfaction_rate" in broken:
        entries["satisfaction_rate"]["sql"] = RENAMED
    path = directory / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def unreachable_mapping(directory: Path) -> Path:
    """The default mapping with the satisfaction rate on a connection named ``city_dw``."""
    raw = yaml.safe_load(sources.DEFAULT_MAPPING_PATH.read_text(encoding="utf-8"))
    raw["indicators"]["satisfaction_rate"]["connection"] = "city_dw"
    path = directory / "unreachable.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


SATISFACTION_FROM = (
    "FROM observations o JOIN units u ON u.unit_id = o.unit_id\n"
    "WHERE o.indicator_id = 'satisfaction_rate' AND o.breakdown_key = ''\n"
    "  AND o.superseded_at IS NULL\n"
    "  AND u.unit_type IN ('ward', 'commune', 'special_zone', 'department', 'investor')"
)
_ONE_ROW = "o.unit_id = '26737' AND o.period_month = '2026-01-01'"
CONTRACT_BREAKS: dict[str, dict[str, object]] = {
    # The denominator column is not selected.
    "missing_column": {
        "sql": "SELECT o.unit_id AS unit_code, o.period_month AS month, o.numerator\n"
        + SATISFACTION_FROM
    },
    # Unit 26737, January 2026: 1001 satisfied of 1000 rated (a rate of 100.1 %).
    "numerator_above_denominator": {
        "sql": "SELECT o.unit_id AS unit_code, o.period_month AS month,\n"
        f"  CASE WHEN {_ONE_ROW} THEN 1001 ELSE o.numerator END AS numerator,\n"
        f"  CASE WHEN {_ONE_ROW} THEN 1000 ELSE o.denominator END AS denominator\n"
        + SATISFACTION_FROM
    },
    # Unit 26737, January 2026: -5 of 1000 (a rate of -0.5 %).
    "rate_below_zero": {
        "sql": "SELECT o.unit_id AS unit_code, o.period_month AS month,\n"
        f"  CASE WHEN {_ONE_ROW} THEN -5 ELSE o.numerator END AS numerator,\n"
        "  o.denominator\n" + SATISFACTION_FROM
    },
    # One extra row of unit 26737 for December 2026, after the pinned day (2026-11-28).
    "future_month": {
        "sql": "SELECT o.unit_id AS unit_code, o.period_month AS month, o.numerator,"
        " o.denominator\n" + SATISFACTION_FROM + "\nUNION ALL\n"
        "SELECT '26737' AS unit_code, '2026-12-01' AS month, 10 AS numerator,"
        " 20 AS denominator"
    },
    # The default query with a promise of 2 days after a month's end.
    "stale": {"freshness_days": 2},
}
"""Per broken case, what replaces the satisfaction rate's fields in the default mapping."""


def contract_mapping(directory: Path, case: str) -> Path:
    """The default mapping with the satisfaction rate's source broken as ``case`` says
    (:data:`CONTRACT_BREAKS`)."""
    raw = yaml.safe_load(sources.DEFAULT_MAPPING_PATH.read_text(encoding="utf-8"))
    raw["indicators"]["satisfaction_rate"].update(CONTRACT_BREAKS[case])
    path = directory / f"{case}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


SATISFACTION_SHOWN = {
    "vi": [
        "markdown: **Mức độ hài lòng của người dân, doanh nghiệp**",
        "warning: "
        + escape_markdown(
            "Chưa đủ dữ liệu để đánh giá: nguồn số liệu không đạt kiểm tra “Tử số không vượt "
            "mẫu số”: 1 trên 14.996 dòng có tử số lớn hơn mẫu số hoặc số âm (tỷ lệ ngoài khoảng "
            "0–100%): unit_code=26737 month=2026-01-01 numerator=1001 denominator=1000."
        ),
        "caption: Chi tiết từng kiểm tra ở trang Quản trị dữ liệu; các chỉ tiêu khác vẫn được "
        "tính.",
    ],
    "en": [
        "markdown: **Citizen and business satisfaction**",
        "warning: "
        + escape_markdown(
            "Not yet assessable: the data source fails the check “Numerator within "
            "denominator”: 1 of 14,996 rows have a numerator above the denominator or a "
            "negative figure (a rate outside 0–100%): unit_code=26737 month=2026-01-01 "
            "numerator=1001 denominator=1000."
        ),
        "caption: Every check is on the Data governance page; the other indicators are still "
        "computed.",
    ],
}
"""What a page shows in place of the satisfaction rate when its source is broken as
``numerator_above_denominator`` (the name, the reason, where to look), in each language.
The reason carries text from the source, so it is shown as escaped Markdown. Counts by hand:
the declared rows are 14,996 (test_source_contracts_app.py)."""
